"""The kiosk's backend client: one code path in-process and over real HTTP; retries are safe."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.app import load_portal_questionnaires
from kiosk.backend.client import BackendClient, BackendError
from kiosk.backend.embedded import connect
from kiosk.config import BackendConfig, load_config, read_consent_text
from kiosk.flow.session import ConsentSignature, Visit
from kiosk.flow.submission import applicant_submission
from kiosk.server.cli import main
from kiosk.server.tokens import provision_terminal_token
from tests.server.live import live_server
from tests.visit_helpers import sample_answers


def demo_visit(demo_config_path: Path) -> Visit:
    portal = load_config(demo_config_path).portal()
    questionnaires = load_portal_questionnaires(portal)
    visit = Visit(portal=portal, questionnaires=questionnaires, language="en")
    visit.first_name, visit.last_name = "Lee", "Park"
    consent = portal.consents[0]
    visit.signatures[consent.id] = ConsentSignature(
        form_id=consent.id,
        title="Consent",
        version=read_consent_text(consent, "en").version,
        language="en",
        typed_name="Lee Park",
        signed_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    )
    for entry, answers in zip(questionnaires, visit.answers, strict=True):
        answers.update(sample_answers(entry.questionnaire))
    return visit


async def submit_twice(client: BackendClient, visit: Visit) -> None:
    payload = applicant_submission(visit, "lobby-1", now=datetime(2026, 11, 23, tzinfo=UTC))
    first = await client.submit_applicant(payload, visit.idempotency_key)
    again = await client.submit_applicant(payload, visit.idempotency_key)
    assert first.created is True
    assert again.created is False
    assert (again.chart_id, again.reference) == (first.chart_id, first.reference)
    other = Visit(
        portal=visit.portal, questionnaires=visit.questionnaires, language="en"
    ).idempotency_key
    third = await client.submit_applicant(payload, other)
    assert third.chart_id != first.chart_id


async def test_embedded_backend_is_idempotent(demo_config_path: Path, database_url: str) -> None:
    kiosk_config = load_config(demo_config_path)
    client = connect(BackendConfig(), database_url, terminal="lobby-1", kiosk_config=kiosk_config)
    try:
        assert (await client.health())["status"] == "ok"
        await submit_twice(client, demo_visit(demo_config_path))
    finally:
        await client.aclose()


async def test_remote_backend_over_http_is_idempotent(
    demo_config_path: Path, database_url: str, tmp_path: Path
) -> None:
    assert (
        main(
            ["portals", "load", "--kiosk-config", str(demo_config_path), "--database", database_url]
        )
        == 0
    )
    with live_server(database_url) as base:
        token_file = tmp_path / "token"
        token_file.write_text(provision_terminal_token(database_url, "lobby-1") + "\n")
        client = connect(BackendConfig(url=base, token_file=token_file))
        try:
            await submit_twice(client, demo_visit(demo_config_path))
        finally:
            await client.aclose()


async def test_unreachable_backend_is_a_retryable_error() -> None:
    client = connect(BackendConfig(url="http://127.0.0.1:9", timeout_seconds=1))
    try:
        with pytest.raises(BackendError) as info:
            await client.health()
    finally:
        await client.aclose()
    assert info.value.retryable
    assert "cannot be reached" in info.value.message
