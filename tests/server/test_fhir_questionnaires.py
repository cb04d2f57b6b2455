"""The portals' forms as FHIR Questionnaires: loaded from the kiosk's configuration they
are served whole (items and all), with their versions and the portals that offer them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from kiosk.server.cli import main
from tests.server.fhir_helpers import FHIR, everything, fhir_headers, validate
from tests.server.live import FAST_SETTINGS, live_server

KIOSK_CONFIG = Path(__file__).resolve().parents[2] / "config" / "kiosk.toml"


def test_kiosk_config_questionnaires_are_served_whole(
    server_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    load = ["portals", "load", str(KIOSK_CONFIG), "--kiosk-config"]
    assert main([*load, "--database", server_database_url]) == 0
    capsys.readouterr()
    files = sorted((KIOSK_CONFIG.parent).glob("*/questionnaires/*.json"))
    forms = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    assert forms

    with live_server(server_database_url, FAST_SETTINGS) as base:
        headers = fhir_headers(server_database_url)
        with httpx.Client(base_url=base, headers=headers, timeout=30.0) as fhir:
            served = everything(fhir, "Questionnaire")
            by_url = {(q["url"], q.get("version")): q for q in served}
            assert len(served) == len(forms)
            for form in forms:
                questionnaire = by_url[(form["url"], form.get("version"))]
                validate(questionnaire)
                assert questionnaire["item"] == form["item"]
                assert questionnaire["title"] == form["title"]
                assert questionnaire["status"] == "active"
                assert (
                    questionnaire["useContext"][-1]["valueCodeableConcept"]["coding"][0]["system"]
                    == "urn:lobby-kiosk:portal"
                )
                found = fhir.get(
                    f"{FHIR}/Questionnaire",
                    params={"url": form["url"], "version": form.get("version", "")},
                ).json()
                assert [e["resource"]["id"] for e in found["entry"]] == [questionnaire["id"]]
