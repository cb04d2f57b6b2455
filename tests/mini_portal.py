"""The fixture portal: one consent and one small questionnaire (given as a dict), for the
screen and full-visit tests. Only ``tests/test_applicant_visit.py`` walks the shipped demo."""

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


VISIT_FORM = questionnaire(
    {
        "linkId": "work",
        "type": "group",
        "text": "Your work",
        "item": [
            {"linkId": "job", "type": "string", "text": "Job title", "required": True},
            {
                "linkId": "shift",
                "type": "choice",
                "text": "Which shift will you work?",
                "required": True,
                "answerOption": [
                    {"valueCoding": {"code": "day", "display": "Day"}},
                    {"valueCoding": {"code": "night", "display": "Night"}},
                ],
            },
            {"linkId": "years", "type": "integer", "text": "Years in this trade"},
        ],
    },
    {
        "linkId": "health",
        "type": "group",
        "text": "Your health",
        "item": [
            {"linkId": "smoke", "type": "boolean", "text": "Do you smoke?", "required": True},
            {
                "linkId": "smoke-detail",
                "type": "string",
                "text": "How much?",
                "required": True,
                "enableWhen": [{"question": "smoke", "operator": "=", "answerBoolean": True}],
            },
            {"linkId": "checkup", "type": "date", "text": "Last check-up"},
            {"linkId": "notes", "type": "text", "text": "Anything else we should know?"},
        ],
    },
    title="Mini health check",
)
"""A two-page form of the usual kinds of question (text, choice, number, yes/no revealing
another, date, long text): a whole visit in a few seconds."""


def write_mini_portal(folder: Path, form: dict[str, Any] = VISIT_FORM) -> Path:
    """Write the configuration of a portal with one consent and *form* into *folder*; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consent.txt").write_text("You agree to the mini check.\n", encoding="utf-8")
    (folder / "mini.json").write_text(json.dumps(form), encoding="utf-8")
    path = folder / "kiosk.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def mini_portal(tmp_path: Path, form: dict[str, Any] = VISIT_FORM) -> KioskConfig:
    """The configuration of a portal with one consent and *form*."""
    return load_config(write_mini_portal(tmp_path, form))
