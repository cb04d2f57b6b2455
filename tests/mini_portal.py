"""A one-portal configuration around a questionnaire given as a dict, for screen tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, load_config

CONFIG = """
terminal = "test-terminal"
idle_timeout_seconds = 30
confirmation_seconds = 5
[[portals]]
name = "mini"
title = "Mini Portal"
applicant_department = "Mini Applicants"
[[portals.consents]]
id = "c1"
title = "Mini consent"
text = "consent.txt"
[[portals.questionnaires]]
file = "mini.json"
order_item = "Mini order"
document_type = "Mini document"
chart_tab = "Mini tab"
"""


def questionnaire(*items: dict[str, Any], title: str = "Mini form") -> dict[str, Any]:
    """A Questionnaire resource holding *items*."""
    return {
        "resourceType": "Questionnaire",
        "url": "https://example.org/Questionnaire/mini",
        "version": "1",
        "status": "active",
        "title": title,
        "item": list(items),
    }


def mini_portal(tmp_path: Path, form: dict[str, Any]) -> KioskConfig:
    """The configuration of a portal with one consent and *form*."""
    (tmp_path / "consent.txt").write_text("You agree to the mini check.\n", encoding="utf-8")
    (tmp_path / "mini.json").write_text(json.dumps(form), encoding="utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)
