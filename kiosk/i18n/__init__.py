"""Gettext for every user-facing string, domain ``kiosk``, catalogs under ``locales/``.

``_()`` looks the message up in the *current* language at call time, so a screen that
re-renders after :func:`set_language` shows the new language at once. Catalogs are the
``.po`` files of a checkout, compiled in memory with babel the first time a language is chosen;
an installed wheel carries them compiled (``.mo``, made by setup.py), read as they are. Either way
the catalog is cached for the process.
English is the source language and needs no catalog lookup at all.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from kiosk.paths import LOCALES_DIR

DOMAIN = "kiosk"
SOURCE_LANGUAGE = "en"

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_language: str = SOURCE_LANGUAGE


def catalog_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """The ``.po`` file of *language*."""
    return locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled_catalog_path(language: str, locales_dir: Path = LOCALES_DIR) -> Path:
    """The ``.mo`` file of *language* (what an installed wheel carries instead of the ``.po``)."""
    return catalog_path(language, locales_dir).with_suffix(".mo")


def has_catalog(language: str, locales_dir: Path = LOCALES_DIR) -> bool:
    """Whether *language* has a catalog, as source or compiled."""
    return (
        catalog_path(language, locales_dir).exists()
        or compiled_catalog_path(language, locales_dir).exists()
    )


def available_languages(locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Languages that have a catalog, source language first."""
    found = (
        sorted(
            p.name for p in locales_dir.iterdir() if p.is_dir() and has_catalog(p.name, locales_dir)
        )
        if locales_dir.is_dir()
        else []
    )
    return [SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE]]


@cache
def _load(language: str, locales_dir: Path) -> gettext.NullTranslations:
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    po = catalog_path(language, locales_dir)
    if po.exists():
        return _compile(po, language)
    compiled = compiled_catalog_path(language, locales_dir)
    if compiled.exists():
        with compiled.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    return gettext.NullTranslations()


def _compile(po: Path, language: str) -> gettext.GNUTranslations:
    """The ``.po`` file *po* compiled in memory (a checkout ships no ``.mo``)."""
    # Deferred: babel is only needed when a non-source language is chosen.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(language: str, locales_dir: Path = LOCALES_DIR) -> None:
    """Make *language* the one every later ``_()`` call answers in."""
    global _current, _current_language
    _current = _load(language, locales_dir)
    _current_language = language


def current_language() -> str:
    """The language code in force (``en`` by default)."""
    return _current_language


def _(message: str) -> str:
    """Translate *message* into the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count into the current language."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark *message* for extraction without translating it yet (translated at display)."""
    return message


def gettext_in(language: str, message: str, locales_dir: Path = LOCALES_DIR) -> str:
    """*message* in *language*, whatever the current language is (compiled as by set_language)."""
    return _load(language, locales_dir).gettext(message)
