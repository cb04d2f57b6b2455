"""Portal branding: the derived theme keeps text readable, the ticker's markup, and the limits
that ``kiosk check-config`` enforces with the path of each field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from kiosk.cli import main
from kiosk.config import PortalConfig, read_config_file
from kiosk.config.colours import (
    DARK_INK,
    LIGHT_INK,
    MIN_CONTRAST,
    SURFACE,
    colour_problem,
    contrast,
)
from kiosk.config.ticker_markup import MarkupError, parse, render
from kiosk.config.words import word, words
from kiosk.i18n import set_language
from kiosk.terminal.branding import high_contrast_theme, portal_theme

# -- contrast ------------------------------------------------------------------------------


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast("#1F6FB2", "#1F6FB2") == pytest.approx(1.0)


@pytest.mark.parametrize("colour", ["#1F6FB2", "#B34700", "#FFD000", "#0B6E4F", "#E8F1FF"])
def test_a_derived_theme_keeps_every_text_readable(colour: str) -> None:
    theme = portal_theme("p", colour)
    ink = theme.variables["header-ink"]
    assert contrast(ink, colour) >= MIN_CONTRAST  # text on the header and primary buttons
    assert contrast(theme.variables["brand-text"], SURFACE) >= MIN_CONTRAST  # coloured text
    assert contrast(theme.foreground or "", theme.background or "") >= MIN_CONTRAST


def test_a_light_colour_gets_dark_ink_and_a_dark_one_light_ink() -> None:
    assert portal_theme("p", "#FFD000").variables["header-ink"] == DARK_INK
    assert portal_theme("p", "#1F1F7A").variables["header-ink"] == LIGHT_INK


def test_a_colour_that_cannot_reach_the_ratio_is_refused_with_it() -> None:
    problem = colour_problem("#808080")
    assert problem is not None
    assert "4.17:1" in problem
    assert "4.5:1" in problem
    assert colour_problem("#1F6FB2") is None


def test_high_contrast_theme_is_at_least_aaa() -> None:
    theme = high_contrast_theme()
    assert contrast(theme.foreground or "", theme.background or "") >= 7
    assert contrast(theme.primary, theme.background or "") >= 7
    assert contrast(theme.variables["button-color-foreground"], theme.primary) >= 7


# -- ticker markup -------------------------------------------------------------------------


def test_ticker_markup_bold_italic_and_links() -> None:
    text = parse("**Bring ID.** Results are *private*. See [our site](https://example.org).")
    assert text.plain == "Bring ID. Results are private. See our site."
    styles = {text.plain[s.start : s.end]: s.style for s in text.spans}
    assert styles["Bring ID."].bold
    assert styles["private"].italic
    assert styles["our site"].link == "https://example.org"
    assert styles["our site"].underline


def test_ticker_markup_nesting_and_escapes() -> None:
    text = parse(r"**bold *both*** and \*stars\*")
    assert text.plain == "bold both and *stars*"
    both = next(s for s in text.spans if text.plain[s.start : s.end] == "both")
    assert both.style.bold
    assert both.style.italic


@pytest.mark.parametrize(
    "bad",
    [
        "**never closed",
        "an *italic that runs on",
        "[a link](without-a-scheme)",
        "[a link](https://unfinished.example",
        "a stray ] bracket",
        "[text only]",
    ],
)
def test_bad_ticker_markup_is_shown_as_plain_text(bad: str) -> None:
    with pytest.raises(MarkupError):
        parse(bad)
    shown = render(bad)
    assert shown.plain == bad
    assert shown.spans == []


# -- replacement words ---------------------------------------------------------------------


def _portal(**extra: object) -> PortalConfig:
    return TypeAdapter(PortalConfig).validate_python(
        {
            "name": "p",
            "title": "P",
            "applicant_department": "D",
            "questionnaires": [
                {"file": "q.json", "order_item": "o", "document_type": "d", "chart_tab": "t"}
            ],
            **extra,
        }
    )


def test_words_are_replaced_per_language_and_fall_back_to_the_catalog() -> None:
    portal = _portal(words={"en": {"applicant": "contractor"}, "es": {"applicant": "contratista"}})
    assert word(portal, "applicant", "en") == "contractor"
    assert word(portal, "applicant", "es") == "contratista"
    set_language("fr")
    assert word(portal, "applicant") == "candidat"  # French has no replacement: the catalog's
    assert words(portal)["Employer"] == "Employeur"


# -- limits in check-config ----------------------------------------------------------------

BASE = """
terminal = "t1"
[[portals]]
name = "p1"
title = "Portal One"
applicant_department = "Applicants"
{extra}
[[portals.questionnaires]]
file = "q.json"
order_item = "Order"
document_type = "Doc"
chart_tab = "Tab"
"""


def _config(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "q.json").write_text(json.dumps({"resourceType": "Questionnaire"}), "utf-8")
    path = tmp_path / "kiosk.toml"
    path.write_text(BASE.format(extra=extra), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            'brand = "' + "B" * 26 + '"',
            "portals[0].brand: String should have at most 25",
        ),
        (
            '[portals.words.es]\napplicant = "' + "x" * 41 + '"',
            "portals[0].words.es.applicant: String should have at most 40 characters",
        ),
        (
            '[portals.words.es]\nboss = "jefe"',
            "portals[0].words.es.boss: Extra inputs are not permitted",
        ),
        (
            'colour = "#808080"',
            "portals[0].colour: colour #808080 gives text a contrast of only 4.17",
        ),
        ('colour = "blue"', "portals[0].colour: String should match pattern"),
        ("ticker = ['" + "m" * 301 + "']", "portals[0].ticker[0]: String should have at most 300"),
    ],
)
def test_check_config_rejects_limits_with_the_field_path(
    tmp_path: Path, extra: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(tmp_path, extra)
    assert main(["check-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err, err


def test_the_shipped_config_has_two_branded_portals(demo_config_path: Path) -> None:
    config = read_config_file(demo_config_path)
    assert len(config.portals) == 2
    first, second = config.portals
    assert second.brand != first.brand
    assert second.colour != first.colour
    assert second.questionnaires[0].file != first.questionnaires[0].file
    for portal in config.portals:
        assert len(portal.brand) <= 25
        assert portal.logo is not None
        assert portal.logo.exists()
        assert portal.ticker
        for language in ("en", "es", "fr", "pt_BR", "vi", "zh_Hans"):
            assert language in portal.words
            for consent in portal.consents:
                assert consent.text[language].exists()
