"""A visit through the real kiosk screens, then read by an EHR through the FHIR API: the
Patient, Consent, QuestionnaireResponses and DocumentReferences are what the visitor did,
and each response's Questionnaire is the whole form the kiosk showed."""

from __future__ import annotations

from pathlib import Path

import httpx

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from kiosk.server.cli import main
from screens.confirmation import ConfirmationScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.welcome import WelcomeScreen
from tests.server.fhir_helpers import FHIR, check_resolves, everything, fhir_headers, validate
from tests.server.live import live_server
from tests.visit_helpers import fill_all_pages, sign_in, tap, wait_for_screen

FIRST, LAST = "Ana María", "O'Neil-Søren"


def _link_ids(items: list[dict[str, object]]) -> set[str]:
    found: set[str] = set()
    for item in items:
        found.add(str(item["linkId"]))
        found |= _link_ids(item.get("item", []))  # type: ignore[arg-type]
        for answer in item.get("answer", []):  # type: ignore[attr-defined]
            found |= _link_ids(answer.get("item", []))
    return found


async def test_a_kiosk_visit_reaches_the_ehr_as_fhir(
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
        await tap(pilot, "#submit")
        await wait_for_screen(pilot, ConfirmationScreen)
        await pilot.click("#done")
        await wait_for_screen(pilot, WelcomeScreen)

    load = ["portals", "load", str(demo_config_path), "--kiosk-config"]
    assert main([*load, "--database", database_url]) == 0
    _read_as_an_ehr(database_url, config)


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
