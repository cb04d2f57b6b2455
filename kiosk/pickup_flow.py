"""The steps of a pickup-code visit, built on the app's step flow.

Welcome -> code entry (no steps yet; the visit exists so that the idle timer wipes what
was typed) -> once the backend has verified the code: "Is this you?" (``identity``),
the login (``login``), the consents that are due, the pages of the questionnaires
assigned, and the review (``pickup-review``), which redeems the code.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from kiosk.i18n import _
from kiosk.pickup_client import QuestionnaireDue, Redemption, Verification
from kiosk.pickup_session import PickupVisit
from kiosk.session import PortalQuestionnaire

if TYPE_CHECKING:
    from kiosk.app import KioskApp

log = logging.getLogger(__name__)

PICKUP_STEP_KINDS = frozenset({"identity", "login", "pickup-review"})


def start_pickup_visit(app: KioskApp) -> None:
    """From Welcome: a new, empty pickup visit and the code entry screen."""
    from screens.pickup_code import PickupCodeScreen

    app.end_visit(show_welcome=False)
    app.visit = PickupVisit(portal=app.portal, questionnaires=(), language=app.language)
    app.steps = ()
    log.info("pickup visit started")
    app.push_screen(PickupCodeScreen())


def _match_questionnaires(
    app: KioskApp, assigned: tuple[QuestionnaireDue, ...]
) -> tuple[list[tuple[PortalQuestionnaire, QuestionnaireDue]], list[QuestionnaireDue]]:
    """The assigned questionnaires this terminal has (by canonical URL), and the others."""
    if not assigned:
        return [], []
    from kiosk.app import load_portal_questionnaires

    try:
        loaded = load_portal_questionnaires(app.portal)
    except Exception as exc:  # a broken file must not stop the login from being made
        log.error("portal questionnaires could not be loaded: %s", type(exc).__name__)
        return [], list(assigned)
    by_url = {entry.questionnaire.canonical(): entry for entry in loaded}
    found, missing = [], []
    for due in assigned:
        entry = by_url.get(due.questionnaire)
        if entry is None:
            missing.append(due)
        else:
            local = PortalQuestionnaire(
                questionnaire=entry.questionnaire,
                order_item=due.order_item or entry.order_item,
                document_type=due.document_type or entry.document_type,
                chart_tab=due.chart_tab or entry.chart_tab,
            )
            found.append((local, due))
    return found, missing


def begin_pickup_steps(app: KioskApp, code: str, verification: Verification) -> None:
    """After a successful verify: lay out the visit's steps and show the first."""
    from kiosk.app import Step

    visit = app.visit
    assert isinstance(visit, PickupVisit)
    visit.accept(code, verification)
    found, missing = _match_questionnaires(app, verification.questionnaires)
    visit.questionnaires = tuple(entry for entry, _due in found)
    visit.assigned = tuple(due for _entry, due in found)
    visit.not_here = tuple(missing)
    visit.answers = [{} for _ in visit.questionnaires]
    for entry, answers in zip(visit.questionnaires, visit.answers, strict=True):
        for item in entry.questionnaire.questions():
            if item.initial is not None:
                answers[item.link_id] = item.initial
    due_ids = {c.form_id for c in verification.consents_due}
    consents = [i for i, c in enumerate(app.portal.consents) if c.id in due_ids]
    unknown = due_ids - {c.id for c in app.portal.consents}
    if unknown:
        log.warning("%d due consent form(s) are not configured on this terminal", len(unknown))
    app.steps = (
        Step("identity"),
        Step("login"),
        *(Step("consent", i) for i in consents),
        *(
            Step("page", q, p)
            for q, entry in enumerate(visit.questionnaires)
            for p in range(len(entry.questionnaire.pages()))
        ),
        Step("pickup-review"),
    )
    while len(app.screen_stack) > 2:  # the code entry screen: its work is done
        app.pop_screen()
    app.advance(-1)


def redeem_arguments(visit: PickupVisit, terminal: str) -> dict[str, Any]:
    """What :func:`kiosk.pickup_client.redeem` sends for *visit*: the login, the consents
    signed and the questionnaires filled (FHIR documents as in the applicant visit)."""
    from kiosk.submission import applicant_submission

    return {
        "code": visit.code,
        "username": visit.username,
        "password": visit.password,
        "date_of_birth": visit.date_of_birth if visit.date_of_birth_required else None,
        "consents": list(visit.signatures.values()),
        "documents": applicant_submission(visit, terminal)["documents"],
    }


def show_pickup_done(app: KioskApp, visit: PickupVisit, redemption: Redemption) -> None:
    """End the visit and show what was done, with the portal's address as a QR code."""
    from screens.pickup_done import PickupDoneScreen

    done = [_("Portal login made")]
    done += [_("Signed: {title}").format(title=s.title) for s in visit.signatures.values()]
    done += [
        _("Filed: {title}").format(title=entry.questionnaire.title)
        for entry in visit.questionnaires
    ]
    later = [c.title for c in redemption.consents_due]
    later += [q.title for q in redemption.questionnaires]
    screen = PickupDoneScreen(
        username=redemption.username,
        done=done,
        later=later,
        login_url=app.portal.login_url,
        seconds=app.config.confirmation_seconds,
    )
    log.info("pickup code redeemed")
    # Like the applicant's confirmation: still in the visitor's language; closing it resets.
    app.end_visit(show_welcome=False)
    app.push_screen(screen)
