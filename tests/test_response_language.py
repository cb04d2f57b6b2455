"""A response built in Spanish records the Spanish texts the visitor was shown."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from kiosk.app import KioskApp
from kiosk.questionnaire import build_response
from kiosk.questionnaire.loader import parse
from kiosk.tools.drive import screen_text
from screens.confirmation import ConfirmationScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.server.live import live_server, token_headers
from tests.visit_helpers import answer, sign_in, tap, visible_questions, wait_for_screen

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"


def translated(text: str, **by_language: str) -> dict[str, object]:
    return {
        "text": text,
        "_text": {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": lang.replace("_", "-")},
                        {"url": "content", "valueString": content},
                    ],
                }
                for lang, content in by_language.items()
            ]
        },
    }


FORM = questionnaire(
    {
        "linkId": "habits",
        "type": "group",
        **translated("Habits", es="Hábitos"),
        "item": [
            {
                "linkId": "smoke",
                "type": "boolean",
                "required": True,
                **translated("Do you smoke?", es="¿Fuma?"),
            },
            {"linkId": "notes", "type": "string", "text": "Notes (untranslated)"},
        ],
    }
)


async def test_a_spanish_visit_records_the_spanish_item_texts(
    tmp_path: Path, database_url: str
) -> None:
    app = KioskApp(mini_portal(tmp_path, FORM), database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await tap(pilot, "#lang-es")
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        smoke, notes = visible_questions(app.screen)
        assert "¿Fuma?" in screen_text(app)
        await answer(pilot, smoke, 0)
        await answer(pilot, notes, "Nada")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        await tap(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen, tries=400)

    with live_server(database_url) as base:
        headers = token_headers(database_url)
        async with httpx.AsyncClient(base_url=base, headers=headers) as http:
            [chart] = (await http.get("/v1/charts")).json()
            [document] = (await http.get(f"/v1/charts/{chart['id']}")).json()["documents"]
    response = document["response"]
    QuestionnaireResponse.model_validate(response)
    assert response["language"] == "es"
    [group] = response["item"]
    assert group["text"] == "Hábitos"
    smoke_item, notes_item = group["item"]
    assert smoke_item["text"] == "¿Fuma?"
    assert notes_item["text"] == "Notes (untranslated)"  # no translation: the form's own text


def test_the_response_language_is_a_bcp_47_tag_and_the_texts_follow_it() -> None:
    form = parse(
        questionnaire(
            {
                "linkId": "smoke",
                "type": "boolean",
                **translated("Do you smoke?", pt_BR="Você fuma?", zh_Hans="您吸烟吗？"),
            }
        )
    )
    authored = datetime.now(UTC)
    for language, tag, text in (
        ("pt_BR", "pt-BR", "Você fuma?"),
        ("zh_Hans", "zh-Hans", "您吸烟吗？"),
    ):
        response = build_response(form, {"smoke": True}, authored=authored, language=language)
        assert response["language"] == tag
        assert response["item"][0]["text"] == text
