"""Each kind of field at the terminal: what the visitor does, what they are told, what is sent."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Checkbox, Input, RadioSet, Select, Static

from kiosk.flow.submission import applicant_submission
from kiosk.i18n import set_language
from kiosk.questionnaire.qr_read import validate_response
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from tests.questionnaire.screen_driver import app_for, choose, start
from tests.visit_helpers import tap, wait_for_screen

WIDGETS = Path(__file__).resolve().parent / "fixtures" / "widgets.json"


def error(screen: QuestionnairePageScreen, key: str) -> str:
    return str(screen.ctx.fields[key].query_one(".field-error", Static).render())


async def test_every_kind_of_field(tmp_path: Path, database_url: str) -> None:
    app = app_for(tmp_path, WIDGETS, database_url)
    async with app.run_test(size=(110, 50)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        assert str(screen.query_one("#page-progress", Static).render()) == "Page 1 of 2"
        assert screen.ctx.fields["country"].kind == "autocomplete"
        assert screen.ctx.fields["symptoms"].kind == "checkboxes"
        assert screen.query_one("#q-transport", RadioSet).has_class("horizontal")

        await tap(pilot, "#next")  # a failed Next: the first problem in words, and the focus
        assert error(screen, "country") == "This question needs an answer."
        assert app.focused is screen.query_one("#q-country", Input)

        await pilot.press(*"aust")  # the suggestion completes it
        await pilot.press("right")
        assert screen.query_one("#q-country", Input).value == "Austria"
        await tap(pilot, "#q-transport--other")
        await pilot.press(*"Bike")  # typing one's own answer chooses "Other"
        assert screen.query_one("#q-transport", RadioSet).pressed_index == 2
        await tap(pilot, "#q-symptoms--o1")
        await tap(pilot, "#q-symptoms--o3")
        await tap(pilot, "#next")
        assert error(screen, "symptoms") == "'None of these' cannot be combined with other answers."
        assert app.focused is screen.query_one("#q-symptoms--o1", Checkbox)
        assert error(screen, "country") == ""
        await tap(pilot, "#q-symptoms--o1")
        await tap(pilot, "#next")

        await wait_for_screen(pilot, QuestionnairePageScreen)
        page = app.screen
        assert page.page_index == 1
        assert str(page.query_one("#q-site", Static).render()) == "Lobby A"
        photo = page.ctx.fields["photo"].query_one(".not-available", Static)
        assert str(photo.render()) == "Not available here."
        await tap(pilot, "#q-weight")
        await pilot.press(*"72,5")
        await tap(pilot, "#q-phones")
        await pilot.press(*"079 123 45 67")
        await tap(pilot, "#q-phones--add")
        await tap(pilot, "#q-phones--a2")
        await pilot.press(*"call me")
        await tap(pilot, "#next")
        page = app.screen
        assert error(page, "weight") == "Choose a unit for this answer."
        assert error(page, "phones") == (
            "This answer is not in the expected form, for example +41 79 000 00 00."
        )
        await choose(pilot, page.query_one("#q-weight--unit", Select))
        await tap(pilot, "#q-phones--remove-a2")
        assert not app.screen.query("#q-phones--a2")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)

        texts = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "Symptoms: None of these" in texts
        assert "Weight: 72.5 kg" in texts
        [document] = applicant_submission(app.visit, "t")["documents"]
        response = json.loads(json.dumps(document["response"]))
        questionnaire = app.visit.questionnaires[0].questionnaire
        assert validate_response(questionnaire, response) == []
        answers = {
            item["linkId"]: item["answer"] for group in response["item"] for item in group["item"]
        }
        assert answers["country"] == [
            {"valueCoding": {"system": "urn:iso:std:iso:3166", "code": "AT", "display": "Austria"}}
        ]
        assert answers["transport"] == [{"valueString": "Bike"}]
        assert answers["symptoms"] == [{"valueString": "None of these"}]
        assert answers["weight"] == [
            {
                "valueQuantity": {
                    "value": 72.5,
                    "unit": "kg",
                    "system": "http://unitsofmeasure.org",
                    "code": "kg",
                }
            }
        ]
        assert answers["phones"] == [{"valueString": "079 123 45 67"}]
        assert answers["site"] == [{"valueString": "Lobby A"}]
        assert "photo" not in answers


async def test_texts_in_the_visitors_language(tmp_path: Path, database_url: str) -> None:
    app = app_for(tmp_path, WIDGETS, database_url, language="fr")
    try:
        async with app.run_test(size=(110, 50)) as pilot:
            await start(pilot)
            screen = app.screen
            texts = [str(s.render()) for s in screen.query(Static)]
            assert "Tous les types de champ" in texts
            assert any(text.startswith("Pays") for text in texts)
            await tap(pilot, "#q-country")
            await pilot.press(*"sui", "right")
            assert screen.query_one("#q-country", Input).value == "Suisse"
            assert screen.ctx.fields["country"].read().values[0].code == "CH"
    finally:
        set_language("en")
