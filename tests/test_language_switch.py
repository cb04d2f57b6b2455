"""A visit in the visitor's language: the Spanish scenario end to end over real HTTP, and a change
of language in the middle of a visit that keeps everything typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from textual.widgets import Input, Static

from kiosk.app import KioskApp
from kiosk.config import consent_version, load_config
from kiosk.i18n import current_language
from kiosk.tools.drive import screen_text
from screens.consent import ConsentScreen
from screens.language import LanguageScreen
from screens.name_entry import NameScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.server.live import live_server, token_headers
from tests.visit_helpers import tap, wait_for_screen

SCENARIO = Path(__file__).with_name("scenarios") / "spanish_contractor_visit.toml"
PORTAL = "cascade-contractors"
SIZE = (100, 40)


def test_a_complete_visit_in_spanish_with_kiosk_drive(
    tmp_path: Path, database_url: str, demo_config_path: Path
) -> None:
    shots = tmp_path / "shots"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "kiosk.cli", "drive", str(SCENARIO), "--portal", PORTAL),
            *("--database", database_url, "--screenshots", str(shots)),
            # As the other tests here: the review's last page (whose dates the scenario reads)
            # is below the fold at 36 rows since the buttons are docked and the header grew.
            *("--size", f"{SIZE[0]}x{SIZE[1]}"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert {p.name for p in shots.iterdir()} == {
        "welcome-es.svg",
        "review-es.svg",
        "confirmation-es.svg",
    }
    with live_server(database_url) as base:
        headers = token_headers(database_url)
        [summary] = httpx.get(f"{base}/v1/charts", headers=headers).json()
        chart = httpx.get(f"{base}/v1/charts/{summary['id']}", headers=headers).json()
    assert chart["language"] == "es"
    assert chart["portal"] == PORTAL
    [signature] = chart["consents"]
    spanish = load_config(demo_config_path).portal(PORTAL).consents[0].text["es"]
    assert signature["language"] == "es"
    assert signature["version"] == consent_version(spanish.read_text(encoding="utf-8"))
    assert signature["title"].startswith("Consentimiento")
    [document] = chart["documents"]
    response = document["response"]
    assert response["language"] == "es"
    answers = {item["linkId"]: item for group in response["item"] for item in group["item"]}
    assert answers["ss-induction"]["answer"] == [{"valueDate": "2026-03-15"}]
    assert answers["ss-fit-test"]["answer"] == [{"valueDate": "2026-01-02"}]


def app_for(demo_config_path: Path, database_url: str) -> KioskApp:
    return KioskApp(load_config(demo_config_path), portal=PORTAL, database_url=database_url)


async def choose(pilot, language: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f2")
    await wait_for_screen(pilot, LanguageScreen)
    await pilot.click(f"#choose-{language}")
    for _ in range(4):
        await pilot.pause()


async def test_changing_language_keeps_what_was_typed_and_says_errors_again(
    demo_config_path: Path, database_url: str
) -> None:
    app = app_for(demo_config_path, database_url)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#start-applicant")
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*"Lucía")
        await tap(pilot, "#next")  # the last name is missing
        assert "Please enter this name." in str(
            app.screen.query_one("#last-name-error", Static).render()
        )
        await choose(pilot, "es")
        assert isinstance(app.screen, NameScreen)
        assert app.screen.query_one("#first-name", Input).value == "Lucía"
        assert "Escriba este nombre." in str(
            app.screen.query_one("#last-name-error", Static).render()
        )
        text = screen_text(app)
        assert "Su nombre" in text
        assert "Registro de contratista" in text
        assert app.visit is not None
        assert app.visit.language == "es"
        # The keyboard carries on where it was.
        assert app.focused is app.screen.query_one("#last-name", Input)
        await pilot.press(*"Fernández", "enter")
        await wait_for_screen(pilot, ConsentScreen)
        assert "Cascade Ridge Energy pide a todos los contratistas" in screen_text(app)


async def test_the_consent_text_follows_the_language_and_the_signature_records_it(
    demo_config_path: Path, database_url: str
) -> None:
    app = app_for(demo_config_path, database_url)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Lucía", "enter", *"Fernández", "enter")
        await wait_for_screen(pilot, ConsentScreen)
        await pilot.press(*"Lucía Fern")
        await choose(pilot, "fr")
        assert app.screen.query_one("#consent-signature", Input).value == "Lucía Fern"
        assert "Consentement au dépistage santé et sécurité sur site" in screen_text(app)
        await pilot.press(*"ández", "enter", "space")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        assert app.visit is not None
        [signature] = app.visit.signatures.values()
        french = app.portal.consents[0].text["fr"].read_text(encoding="utf-8")
        assert signature.language == "fr"
        assert signature.version == consent_version(french)
        assert signature.title == "Consentement au dépistage santé et sécurité sur site"
        assert "Page 1 sur 3" in screen_text(app)
        assert "Votre entreprise (obligatoire)" in screen_text(app)


async def test_a_typed_date_is_rewritten_in_the_new_locale_order(
    demo_config_path: Path, database_url: str
) -> None:
    app = app_for(demo_config_path, database_url)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#start-applicant")
        await pilot.press(*"Ana", "enter", *"Lee", "enter")
        await wait_for_screen(pilot, ConsentScreen)
        await pilot.press(*"Ana Lee", "enter", "space")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        field = app.screen.query_one("#q-ss-induction", Input)
        assert field.placeholder == "month/day/year, for example 07/31/1990"
        await tap(pilot, field)
        await pilot.press(*"03/15/2026")
        await choose(pilot, "zh_Hans")
        field = app.screen.query_one("#q-ss-induction", Input)
        assert field.value == "2026/03/15"
        assert field.placeholder == "年/月/日，例如 1990/07/31"
        assert "您的公司（必填）" in screen_text(app)


async def test_a_visit_by_pointer_in_vietnamese_reaches_the_review(
    demo_config_path: Path, database_url: str
) -> None:
    """Every control is reached by pointer (text is typed, as on a touch keyboard)."""
    app = app_for(demo_config_path, database_url)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#lang-vi")
        await tap(pilot, "#start-applicant")
        await wait_for_screen(pilot, NameScreen)
        await tap(pilot, "#first-name")
        await pilot.press(*"Lan")
        await tap(pilot, "#last-name")
        await pilot.press(*"Nguyen")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ConsentScreen)
        await tap(pilot, "#consent-signature")
        await pilot.press(*"Lan Nguyen")
        await tap(pilot, "#consent-agree")
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        screen = app.screen
        await tap(pilot, "#q-ss-company")
        await pilot.press(*"Công ty Xây dựng")
        radios = screen.query("#q-ss-area RadioButton")
        await tap(pilot, radios[1])
        await tap(pilot, "#q-ss-induction")
        await pilot.press(*"15/03/2026")
        await tap(pilot, "#next")
        for question in ("ss-unwell", "ss-drowsy", "ss-heat", "ss-respirator", "ss-hearing"):
            if not app.screen.query(f"#q-{question}"):
                await tap(pilot, "#next")
                await wait_for_screen(pilot, QuestionnairePageScreen)
                await pilot.pause()
            no = app.screen.query(f"#q-{question} RadioButton")[1]
            await tap(pilot, no)
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        text = screen_text(app)
        assert "Vui lòng kiểm tra câu trả lời của bạn" in text
        assert current_language() == "vi"


async def test_after_a_visit_in_another_language_welcome_has_the_keyboard_again(
    demo_config_path: Path, database_url: str
) -> None:
    """The visit ends in English again; Welcome is rebuilt, and Enter must still start a visit."""
    app = app_for(demo_config_path, database_url)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "fr")
        await tap(pilot, "#start-applicant")
        await wait_for_screen(pilot, NameScreen)
        app.show_confirmation("KQFE-1WYG")
        await pilot.pause()
        await tap(pilot, "#done")
        await wait_for_screen(pilot, WelcomeScreen)
        for _ in range(5):
            await pilot.pause()
        assert current_language() == "en"
        assert app.focused is app.screen.query_one("#start-applicant")
        await pilot.press("enter")
        await wait_for_screen(pilot, NameScreen)
