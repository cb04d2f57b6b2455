"""Every shipped language: complete catalogs (the check catches gaps), plurals, names, dates."""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import _, available_languages, catalog_path, catalogs, ngettext, set_language
from kiosk.i18n.language_names import language_name
from kiosk.i18n.languages import (
    date_entry_to_iso,
    date_hint,
    format_date_entry,
    show_date,
    show_number,
)
from kiosk.paths import LOCALES_DIR

SHIPPED = ["en", "es", "fr", "pt_BR", "vi", "zh_Hans"]


def test_every_required_language_is_shipped() -> None:
    assert set(SHIPPED) <= set(available_languages())


# Words that really are the same in some of the languages.
SAME_IN_SOME = {"No", "portal", "Portal", "questionnaire", "patient", "item", "PIN"}
SAME_IN_SOME |= {"minute", "minutes", "answerValueSet"}  # French words; a FHIR element name


def _words(message: str) -> set[str]:
    """The words of *message* outside its {placeholders}."""
    return set(re.findall(r"[^\W\d_]{2,}", re.sub(r"\{[^{}]*\}", " ", message)))


@pytest.mark.parametrize("language", SHIPPED[1:])
def test_every_message_is_really_translated(language: str) -> None:
    """No entry may just repeat the English, apart from placeholders and shared words."""
    with catalog_path(language).open("rb") as fh:
        catalog = read_po(fh, locale=language)
    copied = [
        m.id for m in catalog if m.id and m.string == m.id and not _words(str(m.id)) <= SAME_IN_SOME
    ]
    assert copied == []


def _broken_copy(tmp_path: Path, language: str, change) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target)
    path = catalog_path(language, target)
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    change(catalog)
    with path.open("wb") as fh:
        write_po(fh, catalog)
    return target


def test_the_check_finds_a_missing_message(tmp_path: Path) -> None:
    locales = _broken_copy(tmp_path, "es", lambda c: c.delete("Your name"))
    assert catalogs.problems("es", locales) == ["es: missing 'Your name'"]


def test_the_check_finds_an_untranslated_message(tmp_path: Path) -> None:
    def blank(catalog) -> None:  # type: ignore[no-untyped-def]
        catalog["Your name"].string = ""

    locales = _broken_copy(tmp_path, "fr", blank)
    assert catalogs.problems("fr", locales) == ["fr: untranslated 'Your name'"]


def test_the_check_finds_a_fuzzy_message(tmp_path: Path) -> None:
    def fuzzy(catalog) -> None:  # type: ignore[no-untyped-def]
        catalog["Your name"].flags.add("fuzzy")

    locales = _broken_copy(tmp_path, "vi", fuzzy)
    assert catalogs.problems("vi", locales) == ["vi: fuzzy 'Your name'"]


def test_the_check_finds_a_missing_plural_form(tmp_path: Path) -> None:
    key = "You have answered {count} question."

    def half(catalog) -> None:  # type: ignore[no-untyped-def]
        message = catalog[key]
        message.string = (message.string[0], "")

    locales = _broken_copy(tmp_path, "pt_BR", half)
    found = catalogs.problems("pt_BR", locales)
    assert len(found) == 1
    assert found[0].startswith("pt_BR: untranslated")


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("es", "Ha respondido 1 pregunta.", "Ha respondido 3 preguntas."),
        ("fr", "Vous avez répondu à 1 question.", "Vous avez répondu à 3 questions."),
        ("pt_BR", "Você respondeu 1 pergunta.", "Você respondeu 3 perguntas."),
        ("vi", "Bạn đã trả lời 1 câu hỏi.", "Bạn đã trả lời 3 câu hỏi."),
        ("zh_Hans", "您已回答 1 个问题。", "您已回答 3 个问题。"),
    ],
)
def test_plural_forms_follow_the_language(language: str, one: str, many: str) -> None:
    set_language(language)
    singular, plural = "You have answered {count} question.", "You have answered {count} questions."
    assert ngettext(singular, plural, 1).format(count=1) == one
    assert ngettext(singular, plural, 3).format(count=3) == many


def test_messages_switch_language_at_call_time() -> None:
    set_language("es")
    assert _("I am applying for a job") == "Solicito un empleo"
    set_language("zh_Hans")
    assert _("I am applying for a job") == "我在申请工作"
    set_language("en")
    assert _("I am applying for a job") == "I am applying for a job"


def test_languages_are_named_in_themselves() -> None:
    assert language_name("es") == "Español"
    assert language_name("fr") == "Français"
    assert language_name("pt_BR") == "Português (Brasil)"
    assert language_name("vi") == "Tiếng Việt"
    assert language_name("zh_Hans") == "中文 (简体)"


def test_language_names_are_asked_of_babel_once_and_then_read_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.i18n import language_names

    monkeypatch.setattr(language_names, "_known", None)
    assert language_name("fr") == "Français"  # from babel, then stored

    def no_babel(language: str) -> str:
        raise AssertionError(f"babel was asked for {language}")

    monkeypatch.setattr(language_names, "_known", None)  # as a new process starts
    monkeypatch.setattr(language_names, "name_from_babel", no_babel)
    assert language_name("fr") == "Français"
    language_names._names_file().write_text("not json", encoding="utf-8")
    monkeypatch.setattr(language_names, "_known", None)
    with pytest.raises(AssertionError, match="babel was asked for fr"):
        language_name("fr")  # a damaged file is only a miss


@pytest.mark.parametrize(
    ("language", "typed", "hint"),
    [
        ("en", "07/31/1990", "month/day/year, for example 07/31/1990"),
        ("es", "31/07/1990", "día/mes/año, por ejemplo 31/07/1990"),
        ("fr", "31/07/1990", "jour/mois/année, par exemple 31/07/1990"),
        ("zh_Hans", "1990/07/31", "年/月/日，例如 1990/07/31"),
    ],
)
def test_date_entry_follows_the_locale(language: str, typed: str, hint: str) -> None:
    set_language(language)
    day = datetime.date(1990, 7, 31)
    assert format_date_entry(day) == typed
    assert date_entry_to_iso(typed) == "1990-07-31"
    assert date_hint() == hint
    # ISO is always read as well; two-digit years are not guessed.
    assert date_entry_to_iso("1990-07-31") == "1990-07-31"
    short_year = "90/07/31" if typed.startswith("1990") else typed[:-4] + "90"
    assert date_entry_to_iso(short_year) is None


def test_dates_and_numbers_are_shown_in_the_locale() -> None:
    day = datetime.date(1990, 7, 31)
    assert show_date(day, "en") == "July 31, 1990"
    assert show_date(day, "es") == "31 de julio de 1990"
    assert show_date(day, "zh_Hans") == "1990年7月31日"
    assert show_number(Decimal("1234.5"), "en") == "1234.5"  # as typed: no thousands mark
    assert show_number(2019, "en") == "2019"  # a year
    assert show_number(Decimal("72.5"), "fr") == "72,5"
    assert show_number(Decimal("72.5"), "pt_BR") == "72,5"
