"""The controller of a pickup-code visit, built on the app's step flow.

Welcome -> code entry (no steps yet; the visit exists so that the idle timer wipes what
was typed) -> once the backend has verified the code: "Is this you?" (``identity``),
the login (``login``), the consents that are due, the pages of the questionnaires
assigned, and the review (``pickup-review``), which redeems the code.

The app calls these when a screen's message says so (``screens/messages.py``); the
returning visit (:mod:`kiosk.visits.returning`) shares the laying out of what is due.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.contract.wire.pickup import ConsentDue, QuestionnaireDue, Redeemed, Verified
from kiosk.flow.pickup_session import MaskedVisit, PickupVisit
from kiosk.flow.plan import Step, pickup_steps
from kiosk.flow.session import PortalQuestionnaire, Visit
from kiosk.i18n import _

if TYPE_CHECKING:
    from textual.screen import Screen

    from kiosk.app import KioskApp

log = logging.getLogger(__name__)


def start_masked_visit(app: KioskApp, visit: MaskedVisit, screen: Screen[None]) -> None:
    """From Welcome: the new, empty *visit* and its way in (*screen*: the code entry, the
    sign-in), before it has any steps."""
    app.end_visit(show_welcome=False)
    app.visit = visit
    app.steps = ()
    app.push_screen(screen)


def start_pickup_visit(app: KioskApp) -> None:
    """From Welcome: a new, empty pickup visit and the code entry screen."""
    from screens.pickup_code import PickupCodeScreen

    visit = PickupVisit(portal=app.portal, questionnaires=(), language=app.language)
    start_masked_visit(app, visit, PickupCodeScreen())
    log.info("pickup visit started")


def chart_language(app: KioskApp, language: str) -> None:
    """Start the visit in the chart's preferred *language* when this terminal has it and the
    visitor has not chosen another one on Welcome (``pt-BR`` finds ``pt_BR``, ``es-MX`` ``es``)."""
    from kiosk.i18n import available_languages

    if app.language != app.config.language or not language:
        return
    have = {lang.casefold(): lang for lang in available_languages()}
    wanted = language.replace("-", "_").casefold()
    found = have.get(wanted) or have.get(wanted.split("_", 1)[0])
    if found is not None and found != app.language:
        app.set_visitor_language(found)


def match_questionnaires(
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


def start_answers(visit: Visit) -> None:
    """Empty answers for the visit's questionnaires, with their items' initial values."""
    visit.answers = [{} for _ in visit.questionnaires]
    for entry, answers in zip(visit.questionnaires, visit.answers, strict=True):
        for item in entry.questionnaire.questions():
            if item.initial is not None:
                answers[item.link_id] = item.initial


def page_counts(visit: Visit) -> list[int]:
    """How many pages each of the visit's questionnaires has."""
    return [len(entry.questionnaire.pages()) for entry in visit.questionnaires]


def due_consent_indexes(app: KioskApp, due: tuple[ConsentDue, ...]) -> list[int]:
    """Indexes of the portal's consent forms among *due* (the backend's), in portal order."""
    due_ids = {c.form_id for c in due}
    unknown = due_ids - {c.id for c in app.portal.consents}
    if unknown:
        log.warning("%d due consent form(s) are not configured on this terminal", len(unknown))
    return [i for i, c in enumerate(app.portal.consents) if c.id in due_ids]


def lay_out_due(
    app: KioskApp,
    visit: MaskedVisit,
    language: str,
    assigned: tuple[QuestionnaireDue, ...],
    consents_due: tuple[ConsentDue, ...],
) -> tuple[list[int], list[int]]:
    """Once the backend has said what is due: the visit in the chart's *language*, its
    questionnaires (those this terminal has) with their first answers; the indexes of the
    consents due, and the page counts of the questionnaires, for the visit's plan."""
    chart_language(app, language)
    found, missing = match_questionnaires(app, assigned)
    visit.questionnaires = tuple(entry for entry, _due in found)
    visit.assigned = tuple(due for _entry, due in found)
    visit.not_here = tuple(missing)
    start_answers(visit)
    return due_consent_indexes(app, consents_due), page_counts(visit)


def show_first_step(app: KioskApp, steps: tuple[Step, ...]) -> None:
    """The visit's way in (code entry, sign-in) has done its work: its first step instead."""
    app.steps = steps
    while len(app.screen_stack) > 2:
        app.pop_screen()
    app.advance(-1)


def begin_pickup_steps(app: KioskApp, code: str, verification: Verified) -> None:
    """After a successful verify: lay out the visit's steps and show the first."""
    visit = app.visit
    assert isinstance(visit, PickupVisit)
    visit.accept(code, verification)
    consents, pages = lay_out_due(
        app,
        visit,
        verification.language,
        verification.questionnaires,
        verification.consents_due,
    )
    show_first_step(app, pickup_steps(consents, pages))


def done_lines(visit: MaskedVisit) -> list[str]:
    """What the visit did: each consent signed and each questionnaire filed."""
    done = [_("Signed: {title}").format(title=s.title) for s in visit.signatures.values()]
    done += [
        _("Filed: {title}").format(title=entry.questionnaire.title_in())
        for entry in visit.questionnaires
    ]
    return done


def show_pickup_done(app: KioskApp, visit: Visit, redemption: Redeemed) -> None:
    """End the visit and show what was done, with the portal's address as a QR code."""
    from screens.pickup_done import PickupDoneScreen

    assert isinstance(visit, PickupVisit)
    done = [_("Portal login made"), *done_lines(visit)]
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
