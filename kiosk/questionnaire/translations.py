"""Texts of a questionnaire in the visitor's language (the FHIR ``translation`` extension).

A translation is looked up by exact language tag first, then by primary language (a
``de`` translation serves a visitor who chose ``de-CH``, and the other way round); when
there is none, the questionnaire's own text is used. The kiosk's gettext names
(``pt_BR``, ``zh_Hans``) and BCP 47 tags (``pt-BR``, ``zh-Hans``) match each other.
"""

from __future__ import annotations

from kiosk.i18n import current_language

Translations = tuple[tuple[str, str], ...]
"""``((language, text), ...)`` in document order: hashable, so items stay immutable."""

TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"


def translate(base: str, translations: Translations, language: str | None = None) -> str:
    """*base* in *language* (default: the visitor's current language)."""
    if not translations:
        return base
    wanted = _tag(language or current_language())
    primary = wanted.split("-")[0]
    fallback: str | None = None
    for tag, text in translations:
        tag = _tag(tag)
        if tag == wanted:
            return text
        if fallback is None and tag.split("-")[0] == primary:
            fallback = text
    return base if fallback is None else fallback


def _tag(language: str) -> str:
    """*language* as a lower-case BCP 47 tag (``zh_Hans`` -> ``zh-hans``)."""
    return language.replace("_", "-").lower()
