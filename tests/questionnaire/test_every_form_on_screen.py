"""Acceptance: every shared form, paged through at the terminal like a visitor would.

Each form in both folders of ``tests/questionnaire/forms`` is opened in the real kiosk and
every page is answered with generated valid answers (tapped, chosen and typed through the
widgets), the pages in turn at 100×36 and at 80×24 (the terminal is resized between them, as
a lobby screen may be), and the response the kiosk would send is checked by ``fhir.resources``
and by the engine's ``validate``. At 80×24 every option and button on every page must be
reachable: a focusable widget scrolls fully into view when it takes the focus, and every option
lies inside the page's width once scrolled to (horizontal choices wrap instead of running off
the screen). A form the engine refuses is skipped with the engine's reasons.

(Each form used to be answered twice, once at each size: the same answers typed again cost a
tenth of the suite's time, and found nothing the alternation does not.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.flow.submission import applicant_submission
from kiosk.questionnaire import QuestionnaireRefused, load_questionnaire
from kiosk.questionnaire.qr_read import validate_response
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from tests.conftest import SHARED_QUESTIONNAIRES
from tests.questionnaire.screen_driver import app_for, fill_page, start
from tests.visit_helpers import wait_until

FORMS = sorted(
    path
    for path in SHARED_QUESTIONNAIRES.rglob("*.json")
    if not path.name.endswith(".response.json")
)
LARGE, SMALL = (100, 36), (80, 24)
REACHABLE = "RadioButton, Checkbox, Button, Input, Select, TextArea, Slider, OptionList"


def on_screen(widget: Widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self)


def unreachable(screen: QuestionnairePageScreen, widget: Widget) -> str | None:
    """Why *widget* is not fully visible inside the page's scrolling body (or, for the
    header's buttons, on the screen), if it is not."""
    page = screen.query_one("#page-body")
    inside = page in widget.ancestors
    body = page.content_region if inside else screen.region
    region = widget.region
    if region.width == 0 or region.height == 0:
        return "has no room on the screen"
    if region.right > body.right or region.x < body.x:
        return f"runs off the page's width ({region} outside {body})"
    visible = region.intersection(body)
    if visible != region and not (region.height > body.height and visible.height == body.height):
        return f"is not scrolled into view ({region} outside {body})"
    return None


async def check_reachable(pilot: Pilot[None]) -> None:
    """Every option and button of the page can be brought fully into view at this size."""
    screen = pilot.app.screen
    assert isinstance(screen, QuestionnairePageScreen)
    found: list[str] = []
    for widget in list(screen.query(REACHABLE)):
        if not on_screen(widget) or widget.disabled:
            continue
        if widget.focusable:
            widget.focus()  # focusing scrolls it into view, as Tab does
        else:
            screen.scroll_to_widget(widget, animate=False, immediate=True)
        problem = "was never laid out"
        for _ in range(20):  # a scroll may wait for a layout first: poll, do not sleep
            await pilot.pause()
            problem = unreachable(screen, widget)
            if problem is None:
                break
        if problem is not None:
            found.append(f"{widget!r} {problem}")
    assert not found, "\n".join(found)
    screen.query_one("#page-body").scroll_home(animate=False, immediate=True)
    await pilot.pause()


def refusal(path: Path) -> str | None:
    try:
        load_questionnaire(path)
    except QuestionnaireRefused as refused:
        return "; ".join(refused.reasons) or "refused"
    return None


async def show_at(pilot: Pilot[None], size: tuple[int, int]) -> None:
    """Resize the terminal and wait until the page is laid out at the new size."""
    await pilot.resize_terminal(*size)
    await wait_until(pilot, lambda: tuple(pilot.app.screen.size) == size)
    await pilot.pause()


@pytest.mark.parametrize("path", FORMS, ids=lambda path: path.name.removesuffix(".json"))
async def test_every_form_pages_through_to_a_valid_response(
    path: Path, tmp_path: Path, database_url: str
) -> None:
    reason = refusal(path)
    if reason is not None:
        pytest.skip(f"the engine refuses it: {reason}")
    app = app_for(tmp_path, path, database_url)
    app.animation_level = "none"  # scrolls land at once: one pause per widget is enough
    async with app.run_test(size=SMALL) as pilot:
        await start(pilot)
        for page in range(60):
            screen = app.screen
            if isinstance(screen, ReviewScreen):
                break
            assert isinstance(screen, QuestionnairePageScreen), type(screen).__name__
            await show_at(pilot, SMALL)
            await check_reachable(pilot)
            if page % 2 == 0:
                await show_at(pilot, LARGE)
            await fill_page(pilot)
            if app.screen is screen:
                raise AssertionError(
                    f"page {screen.page_index + 1} refused its answers: {screen.page_problems()}"
                )
        else:
            raise AssertionError("more than 60 pages")
        [document] = applicant_submission(app.visit, "t")["documents"]
        response = json.loads(json.dumps(document["response"]))
        QuestionnaireResponse.model_validate(response)
        questionnaire = app.visit.questionnaires[0].questionnaire
        assert validate_response(questionnaire, response) == []


def test_the_forms_of_both_folders_are_here() -> None:
    folders = {path.parent.name for path in FORMS}
    assert folders == {"forms", "second-batch"}
    assert len(FORMS) >= 32


def test_no_shared_form_is_skipped_for_a_refusal() -> None:
    """Every shared form loads (with warnings at most), so none of the above is skipped."""
    refused = {path.name: reason for path in FORMS if (reason := refusal(path)) is not None}
    assert refused == {}
