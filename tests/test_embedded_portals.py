"""Out of the box: the embedded server knows the kiosk's portals from the first visit on,
and takes them again whenever the kiosk configuration changed."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.backend.embedded import connect
from kiosk.config import BackendConfig, load_config
from kiosk.flow.submission import applicant_submission
from kiosk.server.cli import main
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.kiosk_portals import sync_kiosk_portals
from kiosk.server.portals import consent_version, portal_config
from tests.test_client import demo_visit


async def test_a_first_visit_on_the_embedded_default_is_filed_with_tasks(
    demo_config_path: Path,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = load_config(demo_config_path)
    client = connect(BackendConfig(), database_url, terminal="lobby-1", kiosk_config=config)
    try:
        visit = demo_visit(demo_config_path)
        payload = applicant_submission(visit, "lobby-1", now=datetime(2026, 12, 6, tzinfo=UTC))
        receipt = await client.submit_applicant(payload, visit.idempotency_key)
    finally:
        await client.aclose()
    assert receipt.created

    assert main(["portals", "list", "--json", "--database", database_url]) == 0
    listed = {portal["name"]: portal for portal in json.loads(capsys.readouterr().out)}
    assert set(listed) == {portal.name for portal in config.portals}
    assert main(["tasks", "list", "--json", "--database", database_url]) == 0
    tasks = json.loads(capsys.readouterr().out)
    assert {t["chart_id"] for t in tasks} == {receipt.chart_id}
    assert "applicant_registered" in {t["event"] for t in tasks}

    csv = tmp_path / "hr.csv"
    csv.write_text("first_name,last_name,portal\nJane,Doe,northwind-applicants\n")
    assert main(["import-hr", str(csv), "--database", database_url]) == 0
    imported = capsys.readouterr()
    assert imported.out.startswith("line 2: chart ")
    assert "imported 1 row, 0 matched existing charts, 0 failed" in imported.err


def test_the_portals_are_taken_again_when_the_kiosk_config_changed(
    demo_config_path: Path, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "config"
    shutil.copytree(demo_config_path.parent, folder)
    config_path = folder / "kiosk.toml"
    engine = make_engine(database_url)
    try:
        from kiosk.server.db import create_schema

        create_schema(engine)
        sessions = make_sessionmaker(engine, writes=True)
        config = load_config(config_path)
        names = [portal.name for portal in config.portals]
        assert sync_kiosk_portals(sessions, config) == names
        assert sync_kiosk_portals(sessions, config) == []  # nothing changed, nothing stored

        consent = config.portal("northwind-applicants").consents[0]
        new_text = "A new consent text.\n"
        consent.text["en"].write_text(new_text, encoding="utf-8")
        changed = load_config(config_path, check_again=True)
        assert sync_kiosk_portals(sessions, changed) == ["northwind-applicants"]
        with sessions() as session:
            stored = portal_config(session, "northwind-applicants")
        assert stored is not None
        form = stored.consent(consent.id)
        assert form is not None
        assert form.versions["en"] == consent_version(new_text)
        assert (
            stored.applicant_department
            == config.portal("northwind-applicants").applicant_department
        )
    finally:
        engine.dispose()
