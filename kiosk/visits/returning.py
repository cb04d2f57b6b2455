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
from typing import TYPE_CHECKING

from kiosk.contract.wire.pickup import PickupStatus
from kiosk.contract.wire.returning import SignedIn
from kiosk.flow.pickup_session import ReturningVisit
from kiosk.flow.plan import returning_steps
from kiosk.flow.session import Visit
from kiosk.visits.pickup import done_lines, lay_out_due, show_first_step, start_masked_visit

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)


def start_returning_visit(app: KioskApp) -> None:
    """From Welcome: a new, empty returning visit and the sign-in screen."""
    from screens.returning_login import ReturningLoginScreen

    visit = ReturningVisit(portal=app.portal, questionnaires=(), language=app.language)
    start_masked_visit(app, visit, ReturningLoginScreen())
    log.info("returning visit started")


def begin_returning_steps(app: KioskApp, signed_in: SignedIn) -> None:
    """Signed in: lay out what is due and show its first step, or say nothing is due."""
    visit = app.visit
    assert isinstance(visit, ReturningVisit)
    visit.accept(signed_in)
    consents, pages = lay_out_due(
        app, visit, signed_in.language, signed_in.questionnaires, signed_in.consents_due
    )
    steps = returning_steps(consents, pages)
    log.info("returning visitor signed in", extra={"event": "signed_in", "steps": len(steps)})
    if steps:
        show_first_step(app, steps)
    else:
        show_returning_done(app, visit)  # which takes the sign-in screen away too


def show_returning_done(app: KioskApp, visit: Visit, still_due: PickupStatus | None = None) -> None:
    """End the visit (its token is revoked) and list what was done, or that nothing was due."""
    from screens.returning_done import ReturningDoneScreen

    assert isinstance(visit, ReturningVisit)
    done = done_lines(visit)
    later = [due.title for due in visit.not_here]
    if still_due is not None:
        shown = {due.questionnaire for due in visit.not_here}
        later += [c.title for c in still_due.consents_due]
        later += [q.title for q in still_due.questionnaires if q.questionnaire not in shown]
    screen = ReturningDoneScreen(done=done, later=later, seconds=app.config.confirmation_seconds)
    app.end_visit(show_welcome=False)
    app.push_screen(screen)
