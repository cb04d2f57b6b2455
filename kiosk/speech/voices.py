"""espeak-ng's voice for each language of the kiosk, and the terminal's own choices."""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_VOICES: dict[str, str] = {
    "en": "en",
    "es": "es",
    "fr": "fr",
    "pt_BR": "pt-br",
    "vi": "vi",
    "zh_Hans": "cmn",
}
"""Kiosk language code -> espeak-ng voice (``espeak-ng --voices`` lists them all)."""


def voice_for(language: str, chosen: Mapping[str, str] | None = None) -> str:
    """The voice for *language*: the config's ``speech_voices``, else the default, else the
    language's own first part (``de_AT`` -> ``de``)."""
    if chosen and language in chosen:
        return chosen[language]
    if language in DEFAULT_VOICES:
        return DEFAULT_VOICES[language]
    return language.split("_")[0].lower()
