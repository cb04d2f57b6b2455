"""A returning visitor's visit: sign in, then only what is due, then what was done.

Welcome -> *I have a login* (``#start-login``): username and password (the visit exists from
here, so that the idle timer wipes what was typed) -> once signed in, the steps of
:func:`kiosk.flow.plan.returning_steps`: the consents due, the pages of the questionnaires
assigned and not filed yet, the review, which files them with the visit's token -> what
was done. Nothing due: say so, and the visit ends. Every way a visit ends (done, idle wipe,
staff's End visit, Escape) revokes the token (:meth:`kiosk.app.KioskApp.end_visit`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kiosk.contract.wire.pickup import PickupStatus
from kiosk.contract.wire.returning import SignedIn
from kiosk.flow.pickup_session import ReturningVisit
from kiosk.flow.plan import returning_steps
from kiosk.i18n import _
from kiosk.visits.pickup import (
    chart_language,
    due_consent_indexes,
    match_questionnaires,
    page_counts,
    start_answers,
)

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)


def start_returning_visit(app: KioskApp) -> None:
    """From Welcome: a new, empty returning visit and the sign-in screen."""
    from screens.returning_login import ReturningLoginScreen

    app.end_visit(show_welcome=False)
    app.visit = ReturningVisit(portal=app.portal, questionnaires=(), language=app.language)
    app.steps = ()
    log.info("returning visit started")
    app.push_screen(ReturningLoginScreen())


def begin_returning_steps(app: KioskApp, signed_in: SignedIn) -> None:
    """Signed in: lay out what is due and show its first step, or say nothing is due."""
    visit = app.visit
    assert isinstance(visit, ReturningVisit)
    visit.accept(signed_in)
    chart_language(app, signed_in.language)
    found, missing = match_questionnaires(app, signed_in.questionnaires)
    visit.questionnaires = tuple(entry for entry, _due in found)
    visit.assigned = tuple(due for _entry, due in found)
    visit.not_here = tuple(missing)
    start_answers(visit)
    steps = returning_steps(due_consent_indexes(app, signed_in.consents_due), page_counts(visit))
    while len(app.screen_stack) > 2:  # the sign-in screen: its work is done
        app.pop_screen()
    log.info("returning visitor signed in", extra={"event": "signed_in", "steps": len(steps)})
    if not steps:
        show_returning_done(app, visit)
        return
    app.steps = steps
    app.advance(-1)


def submit_arguments(visit: ReturningVisit, terminal: str) -> dict[str, Any]:
    """What :func:`kiosk.backend.returning_client.submit` sends: the signatures and the FHIR
    documents, built as in the other visits."""
    from kiosk.flow.submission import applicant_submission

    return {
        "visit_token": visit.visit_token,
        "consents": list(visit.signatures.values()),
        "documents": applicant_submission(visit, terminal)["documents"],
    }


def show_returning_done(
    app: KioskApp, visit: ReturningVisit, still_due: PickupStatus | None = None
) -> None:
    """End the visit (its token is revoked) and list what was done, or that nothing was due."""
    from screens.returning_done import ReturningDoneScreen

    done = [_("Signed: {title}").format(title=s.title) for s in visit.signatures.values()]
    done += [
        _("Filed: {title}").format(title=entry.questionnaire.title)
        for entry in visit.questionnaires
    ]
    later = [due.title for due in visit.not_here]
    if still_due is not None:
        shown = {due.questionnaire for due in visit.not_here}
        later += [c.title for c in still_due.consents_due]
        later += [q.title for q in still_due.questionnaires if q.questionnaire not in shown]
    screen = ReturningDoneScreen(done=done, later=later, seconds=app.config.confirmation_seconds)
    app.end_visit(show_welcome=False)
    app.push_screen(screen)
