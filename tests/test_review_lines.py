"""What Review reads back: years as typed, a group's question above its sub-questions,
one colon after a label, and the further lines of an answer indented."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from kiosk.app import KioskApp
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.visit_helpers import answer, sign_in, tap, visible_questions, wait_for_screen

FORM = questionnaire(
    {
        "linkId": "page",
        "type": "group",
        "text": "History",
        "item": [
            {
                "linkId": "year",
                "type": "integer",
                "text": "In what year did it happen?",
                "required": True,
            },
            {
                "linkId": "meds",
                "type": "group",
                "prefix": "7.",
                "text": "Do you currently take medication for any of the following problems?",
                "item": [
                    {"linkId": "meds.bp", "type": "boolean", "text": "Blood pressure"},
                ],
            },
            {"linkId": "site", "type": "string", "text": "Site Name:"},
            {"linkId": "notes", "type": "text", "text": "Notes"},
        ],
    }
)


async def test_review_reads_back_years_groups_labels_and_lines(
    tmp_path: Path, database_url: str
) -> None:
    app = KioskApp(mini_portal(tmp_path, FORM), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        year, blood_pressure, site, notes = visible_questions(app.screen)
        await answer(pilot, year, "2019")
        await answer(pilot, blood_pressure, 0)
        await answer(pilot, site, "North dock")
        await tap(pilot, app.screen.query_one(f"#{notes.input_id}", TextArea))
        await pilot.press(*"First line", "enter", *"second line")
        assert app.screen.query_one(f"#{year.input_id}", Input).value == "2019"
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        lines = [str(s.render()) for s in app.screen.query(".review-answer").results(Static)]

    assert "In what year did it happen?: 2019" in lines, lines
    heading = "7. Do you currently take medication for any of the following problems?"
    assert lines.index(heading) + 1 == lines.index("  Blood pressure: Yes"), lines
    assert "Site Name: North dock" in lines, lines
    assert "Notes: First line\n    second line" in lines, lines
