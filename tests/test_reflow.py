"""Consent texts written with hard line breaks are laid out again for the screen."""

from __future__ import annotations

from kiosk.i18n.reflow import reflow
from kiosk.paths import SHIPPED_CONFIG_DIR


def test_lines_of_a_paragraph_are_joined_and_paragraphs_kept() -> None:
    text = "Title\n\nFirst line of a\nparagraph.\n\nSecond\nparagraph.\n"
    assert reflow(text) == "Title\n\nFirst line of a paragraph.\n\nSecond paragraph."


def test_list_items_stay_on_their_own_lines() -> None:
    text = "You agree that:\n- the clinic\n  keeps records;\n1. and staff\nexplain.\n"
    assert reflow(text) == "You agree that:\n- the clinic keeps records;\n1. and staff explain."


def test_chinese_lines_join_without_a_space() -> None:
    assert reflow("诊所将为您进行\n入职前体检，以确定 Harbor\nOccupational") == (
        "诊所将为您进行入职前体检，以确定 Harbor Occupational"
    )


def test_every_shipped_consent_keeps_its_words() -> None:
    for path in SHIPPED_CONFIG_DIR.glob("*/consents/*.txt"):
        text = path.read_text(encoding="utf-8")
        shown = reflow(text)
        assert "".join(shown.split()) == "".join(text.split()), path.name
        assert "\n\n" in shown, path.name  # the paragraphs are still there
