"""The kiosk's logs are JSON lines that say what it did, never who was there or what they said.

Full visits with recognizable names and answers run through the real screens and the real
embedded backend; then every log line, and every file the kiosk wrote in its folders, is
searched for them."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.app import KioskApp
from kiosk.config import load_config
from kiosk.questionnaire import ItemType
from kiosk.terminal.logs import configure_logging
from screens.confirmation import ConfirmationScreen
from screens.name_entry import NameScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.still_there import StillThereScreen
from screens.welcome import WelcomeScreen
from tests import visit_helpers
from tests.visit_helpers import fill_all_pages, sign_in, tap, wait_for_screen

VISITORS = [("Euphrosyne", "Blackwood-Tremaine"), ("Ignatius", "Fairweather")]
ANSWERS = {ItemType.STRING: "Quokkawrangler", ItemType.TEXT: "Snarkleberry intolerance"}
PROBE = {
    "resourceType": "Questionnaire",
    "url": "https://example.org/fhir/Questionnaire/privacy-probe",
    "version": "1.0",
    "status": "active",
    "title": "Privacy probe",
    "item": [
        {"linkId": "job", "text": "Job title", "type": "string", "required": True},
        {"linkId": "notes", "text": "Anything else we should know", "type": "text"},
        {"linkId": "smoker", "text": "Do you smoke?", "type": "boolean", "required": True},
    ],
}
"""A short questionnaire (the demo's take minutes to fill on a busy machine) with free text."""


@pytest.fixture
def kiosk_log(tmp_path: Path) -> Iterator[Path]:
    """The kiosk's own log configuration, on a file in the (isolated) log folder."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = configure_logging()
    yield path
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
            root.removeHandler(handler)
    root.setLevel(level)


def _kiosk_folders() -> list[Path]:
    return [Path(os.environ[v]) for v in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")]


async def test_full_visits_leave_no_personal_data_in_logs_or_files(
    kiosk_log: Path,
    demo_config_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for item_type, text in ANSWERS.items():
        monkeypatch.setitem(visit_helpers.TYPED_EXAMPLES, item_type, text)
    server_db = tmp_path / "backend" / "server.sqlite3"  # the backend's, not the kiosk's
    server_db.parent.mkdir()
    probe = tmp_path / "probe.json"
    probe.write_text(json.dumps(PROBE), encoding="utf-8")
    config = load_config(demo_config_path)
    portal = config.portals[0]
    short = replace(portal.questionnaires[0], file=probe)
    portal = replace(portal, questionnaires=[short])
    config = replace(config, portals=[portal])
    app = KioskApp(config, database_url=f"sqlite:///{server_db}")
    references = []
    async with app.run_test(size=(110, 40)) as pilot:
        for first, last in VISITORS:
            await wait_for_screen(pilot, WelcomeScreen)
            await sign_in(pilot, first, last)
            await wait_for_screen(pilot, QuestionnairePageScreen)
            await fill_all_pages(pilot)
            await wait_for_screen(pilot, ReviewScreen)
            await tap(pilot, "#submit")
            await wait_for_screen(pilot, ConfirmationScreen, tries=300)
            references.append(str(app.screen.query_one("#reference", Static).render()))
            await pilot.click("#done")
        # and one visit abandoned half-way, wiped by the idle timer
        await wait_for_screen(pilot, WelcomeScreen)
        await pilot.click("#start-applicant")
        await wait_for_screen(pilot, NameScreen)
        await pilot.press(*"Leocadia", "enter", *"Zwingli")
        app.idle_tick()
        app.idle.last_input -= 10_000
        app.idle_tick()
        await wait_for_screen(pilot, StillThereScreen)
        app.screen.remaining = 1
        await wait_for_screen(pilot, WelcomeScreen, tries=300)
    with sqlite3.connect(server_db) as db:
        filed = db.execute("SELECT first_name, last_name FROM charts ORDER BY id").fetchall()
    assert filed == VISITORS, "the visits reached the backend"

    secrets = [
        *(name for visitor in VISITORS for name in visitor),
        "Leocadia",
        "Zwingli",
        *ANSWERS.values(),
        *references,
    ]
    _scan(kiosk_log, secrets)


def _scan(kiosk_log: Path, secrets: list[str]) -> None:
    """Every log line is JSON and free of *secrets*; so is every file the kiosk wrote."""
    lines = kiosk_log.read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"ts", "level", "logger", "message"} <= set(events[0])
    kinds = {e.get("event") for e in events}
    assert {"outbox_stored", "delivered", "idle_prompt", "visit_abandoned"} <= kinds
    for line in lines:
        for secret in secrets:
            assert secret not in line, f"{secret!r} in the log: {line}"
    written = [p for folder in _kiosk_folders() for p in folder.rglob("*") if p.is_file()]
    assert kiosk_log in written
    for path in written:
        raw = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, f"{secret!r} in {path}"
