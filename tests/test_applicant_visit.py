"""The one walk through the shipped demo portal: a complete applicant visit through the real
screens, read back from the real server, first as the chart staff see, then by an EHR through
the FHIR API (the Patient, Consent, QuestionnaireResponses and DocumentReferences are what the
visitor did, and each response's Questionnaire is the whole form the kiosk showed).

Every other full-visit test walks the small fixture portal of ``tests/mini_portal.py``; this
one is about the demo's own content (its consent and both of its questionnaires)."""

from __future__ import annotations

from pathlib import Path

import httpx
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from kiosk.server.cli import main
from screens.confirmation import ConfirmationScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.server.fhir_helpers import FHIR, check_resolves, everything, fhir_headers, validate
from tests.server.live import live_server, token_headers
from tests.visit_helpers import fill_all_pages, sign_in, tap, wait_for_screen

FIRST, LAST = "Ana María", "O'Neil-Søren"


async def test_the_demo_visit_files_a_login_disabled_chart_that_an_ehr_reads_as_fhir(
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

    _read_the_chart(database_url, config, reference)
    load = ["portals", "load", str(demo_config_path), "--kiosk-config"]
    assert main([*load, "--database", database_url]) == 0
    _read_as_an_ehr(database_url, config)


def _read_the_chart(database_url: str, config: KioskConfig, reference: str) -> None:
    with (
        live_server(database_url) as base,
        httpx.Client(base_url=base, headers=token_headers(database_url)) as http,
    ):
        charts = http.get("/v1/charts").json()
        assert len(charts) == 1
        chart = http.get(f"/v1/charts/{charts[0]['id']}").json()
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


def _link_ids(items: list[dict[str, object]]) -> set[str]:
    found: set[str] = set()
    for item in items:
        found.add(str(item["linkId"]))
        found |= _link_ids(item.get("item", []))  # type: ignore[arg-type]
        for answer in item.get("answer", []):  # type: ignore[attr-defined]
            found |= _link_ids(answer.get("item", []))
    return found


def _read_as_an_ehr(database_url: str, config: KioskConfig) -> None:
    portal = config.portal()
    with live_server(database_url) as base:
        headers = fhir_headers(database_url)
        with httpx.Client(base_url=base, headers=headers, timeout=30.0) as fhir:
            [patient] = everything(fhir, "Patient")
            assert patient["name"][0]["given"] == [FIRST]
            assert patient["meta"]["tag"][0]["code"] == "applicant"
            department = fhir.get(
                f"{FHIR}/{patient['extension'][0]['valueReference']['reference']}"
            ).json()
            assert department["name"] == portal.applicant_department

            [consent] = everything(fhir, "Consent")
            assert consent["patient"]["reference"] == f"Patient/{patient['id']}"
            assert consent["policyRule"]["coding"][0]["version"].startswith("sha256:")

            responses = everything(fhir, "QuestionnaireResponse")
            documents = everything(fhir, "DocumentReference")
            assert len(responses) == len(documents) == len(portal.questionnaires)
            filed = {
                (d["type"]["coding"][0]["code"], d["category"][0]["coding"][0]["code"])
                for d in documents
            }
            assert filed == {(q.document_type, q.chart_tab) for q in portal.questionnaires}
            for response in responses:
                validate(response)
                assert response["author"]["display"] == config.terminal
                check_resolves(fhir, response)
                url, _, version = response["questionnaire"].partition("|")
                found = fhir.get(
                    f"{FHIR}/Questionnaire", params={"url": url, "version": version}
                ).json()
                [entry] = found["entry"]
                form = entry["resource"]
                validate(form)
                assert _link_ids(response["item"]) <= _link_ids(form["item"])
            for document in documents:
                validate(document)
                check_resolves(fhir, document)


def _texts(app: KioskApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static))
