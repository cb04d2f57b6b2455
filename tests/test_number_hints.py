"""Number placeholders come from the item's own type and limits, never a made-up example."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from kiosk.app import KioskApp
from screens.questionnaire_page import QuestionnairePageScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.visit_helpers import sign_in, tap, visible_questions, wait_for_screen

CORE = "http://hl7.org/fhir/StructureDefinition/"


def limits(low: str | None = None, high: str | None = None, kind: str = "Integer") -> list:
    found = []
    if low is not None:
        found.append({"url": CORE + "minValue", f"value{kind}": _value(low, kind)})
    if high is not None:
        found.append({"url": CORE + "maxValue", f"value{kind}": _value(high, kind)})
    return found


def _value(text: str, kind: str) -> object:
    return int(text) if kind == "Integer" else float(text)


FORM = questionnaire(
    {
        "linkId": "page",
        "type": "group",
        "text": "Numbers",
        "item": [
            {"linkId": "year", "type": "integer", "text": "In what year?"},
            {
                "linkId": "inches",
                "type": "integer",
                "text": "Inches",
                "extension": limits("0", "11"),
            },
            {
                "linkId": "temperature",
                "type": "decimal",
                "text": "Temperature",
                "extension": limits("35", "45.5", "Decimal"),
            },
            {"linkId": "sleep", "type": "decimal", "text": "Hours of sleep"},
            {"linkId": "age", "type": "integer", "text": "Age", "extension": limits("16")},
            {
                "linkId": "weight",
                "type": "quantity",
                "text": "Weight",
                "extension": [
                    {
                        "url": CORE + "questionnaire-unit",
                        "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg"},
                    },
                    {
                        "url": CORE + "maxValue",
                        "valueQuantity": {
                            "value": 400,
                            "system": "http://unitsofmeasure.org",
                            "code": "kg",
                        },
                    },
                ],
            },
        ],
    }
)


async def test_number_placeholders_say_what_the_item_takes(
    tmp_path: Path, database_url: str
) -> None:
    app = KioskApp(mini_portal(tmp_path, FORM), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        shown = {
            field.item.link_id: app.screen.query_one(f"#{field.input_id}", Input).placeholder
            for field in visible_questions(app.screen)
        }
        assert shown == {
            "year": "A whole number",
            "inches": "A whole number from 0 to 11",
            "temperature": "A number from 35 to 45.5",
            "sleep": "A number",
            "age": "A whole number of at least 16",
            "weight": "A number of at most 400",
        }
        # What is not a number is told the item's limits, not "for example 42".
        app.screen.query_one("#q-inches", Input).value = "eleven"
        app.screen.query_one("#q-year", Input).value = "two thousand"
        await tap(pilot, "#next")
        assert error_text(app, "q-inches-error") == "Enter a number from 0 to 11."
        assert error_text(app, "q-year-error") == "Enter a whole number, for example 42."

        app.set_visitor_language("fr")  # as the header's language list does
        for _ in range(50):
            await pilot.pause()
            field = app.screen.query_one("#q-temperature", Input)
            if field.placeholder != shown["temperature"]:
                break
        assert field.placeholder == "Un nombre de 35 à 45,5"  # the French decimal mark


def error_text(app: KioskApp, error_id: str) -> str:
    error = app.screen.query_one(f"#{error_id}", Static)
    return str(error.render()) if error.has_class("shown") else ""
