"""A complete applicant visit through the real screens, read back from the real server."""

from __future__ import annotations

from pathlib import Path

import httpx
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.config import load_config
from screens.confirmation import ConfirmationScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.server.live import live_server, token_headers
from tests.visit_helpers import fill_all_pages, sign_in, tap, wait_for_screen

FIRST, LAST = "Ana María", "O'Neil-Søren"


async def test_complete_visit_creates_a_login_disabled_applicant_chart(
    demo_config_path: Path, database_url: str
) -> None:
    config = load_config(demo_config_path)
    app = KioskApp(config, database_url=database_url)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, WelcomeScreen)
        await sign_in(pilot, FIRST, LAST)
        await wait_for_screen(pilot, QuestionnairePageScreen)
        await fill_all_pages(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        assert f"Name: {FIRST} {LAST}" in _texts(app)
        await tap(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        reference = str(app.screen.query_one("#reference", Static).render())
        assert app.visit is None, "the visit must be gone once it is submitted"
        assert [type(s).__name__ for s in app.screen_stack[1:]] == [
            "WelcomeScreen",
            "ConfirmationScreen",
        ]
        await pilot.click("#done")
        await wait_for_screen(pilot, WelcomeScreen)

    with live_server(database_url) as base:
        async with httpx.AsyncClient(base_url=base, headers=token_headers(database_url)) as http:
            charts = (await http.get("/v1/charts")).json()
            assert len(charts) == 1
            chart = (await http.get(f"/v1/charts/{charts[0]['id']}")).json()
    assert chart["reference"] == reference
    assert (chart["first_name"], chart["last_name"]) == (FIRST, LAST)
    assert chart["kind"] == "applicant"
    assert chart["login_enabled"] is False
    assert chart["department"] == config.portal().applicant_department
    assert chart["terminal"] == config.terminal
    [consent] = chart["consents"]
    assert consent["typed_name"] == f"{FIRST} {LAST}"
    assert consent["version"].startswith("sha256:")
    filed = {(d["document_type"], d["chart_tab"]) for d in chart["documents"]}
    assert filed == {(q.document_type, q.chart_tab) for q in config.portal().questionnaires}
    for document in chart["documents"]:
        response = QuestionnaireResponse.model_validate(document["response"])
        assert response.status == "completed"
        assert document["response"]["questionnaire"] == document["questionnaire"]


def _texts(app: KioskApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))
