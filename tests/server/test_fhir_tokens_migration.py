"""FHIR read tokens from the command line, and the migration that the FHIR API needs
(``updated_at`` of every row it serves, the terminal of a document) on a filled database."""

from __future__ import annotations

import httpx
import pytest
from alembic import command
from sqlalchemy import text

from kiosk.server.cli import main
from kiosk.server.db import make_engine
from kiosk.server.migrate import alembic_config, upgrade_database
from tests.server.fhir_helpers import FHIR, validate
from tests.server.live import FAST_SETTINGS, live_server, token_headers


def test_token_create_fhir_read(
    server_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    database = ["--database", server_database_url]
    assert main(["token", "create", "--fhir-read", "warehouse", *database]) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert token.startswith("kst_")
    assert "FHIR" in captured.err
    assert main(["token", "list", *database]) == 0
    listing = capsys.readouterr().out
    assert any(line.split()[:2] == ["warehouse", "fhir"] for line in listing.splitlines())

    assert main(["token", "create", "--fhir-read", "x", "--admin", *database]) == 1
    assert "exclude" in capsys.readouterr().err
    assert main(["token", "create", "--fhir-read", "bad name!", *database]) == 1
    capsys.readouterr()

    with live_server(server_database_url, FAST_SETTINGS) as base:
        bearer = {"Authorization": f"Bearer {token}"}
        answer = httpx.get(f"{base}{FHIR}/Patient", headers=bearer)
        assert answer.status_code == 200
        validate(answer.json())
        assert httpx.get(f"{base}/v1/portals", headers=bearer).status_code == 403
        assert main(["token", "revoke", "warehouse", *database]) == 0
        revoked = httpx.get(f"{base}{FHIR}/Patient", headers=bearer)
        assert revoked.status_code == 401
        assert revoked.json()["resourceType"] == "OperationOutcome"


def test_the_migration_fills_in_what_the_fhir_api_needs(server_database_url: str) -> None:
    engine = make_engine(server_database_url)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0002")
            connection.execute(
                text(
                    "INSERT INTO charts (id, reference, kind, first_name, last_name, portal,"
                    " department, login_enabled, language, terminal, created_at,"
                    " failed_confirmations) VALUES (1, '7K3M-Q9XD', 'applicant', 'Ana', 'Lee',"
                    " 'demo', 'Applicants', false, 'en', 'lobby-1', '2026-01-02 03:04:05+00',"
                    " 0)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO documents (chart_id, questionnaire, title, order_item,"
                    " document_type, chart_tab, response, filed_at) VALUES (1, 'q|1', 'Q',"
                    " 'O', 'T', 'Tab', '{\"resourceType\": \"QuestionnaireResponse\","
                    ' "status": "completed"}\', \'2026-01-02 03:04:06+00\')'
                )
            )
        upgrade_database(engine)
    finally:
        engine.dispose()
    with live_server(server_database_url, FAST_SETTINGS) as base:
        headers = token_headers(server_database_url, "ehr", admin=False, fhir_read=True)
        patient = httpx.get(f"{base}{FHIR}/Patient/1", headers=headers).json()
        assert patient["meta"]["lastUpdated"] == "2026-01-02T03:04:05Z"
        response = httpx.get(f"{base}{FHIR}/QuestionnaireResponse/1", headers=headers).json()
        validate(response)
        assert response["meta"]["lastUpdated"] == "2026-01-02T03:04:06Z"
        assert response["author"]["display"] == "lobby-1"
