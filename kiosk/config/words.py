"""The four words a portal may replace (applicant, patient, employer, portal), per language.

The kiosk's own word is a translated message; a portal's ``words.<lang>`` table replaces it in
that language. Messages that say one of these words take it as a ``{placeholder}``, so the
replacement shows everywhere the interface says it.
"""

from __future__ import annotations

from kiosk.config import PortalConfig
from kiosk.i18n import N_, _, current_language

WORDS = ("applicant", "patient", "employer", "portal")
_DEFAULTS = {
    # TRANSLATORS: what the kiosk calls a job applicant, in lower case, inside a sentence.
    "applicant": N_("applicant"),
    # TRANSLATORS: what the kiosk calls the clinic's patient, in lower case, inside a sentence.
    "patient": N_("patient"),
    # TRANSLATORS: the company the applicant will work for, in lower case, inside a sentence.
    "employer": N_("employer"),
    # TRANSLATORS: the kiosk's sign-in site for one company, in lower case, inside a sentence.
    "portal": N_("portal"),
}


def word(portal: PortalConfig, key: str, language: str | None = None) -> str:
    """The portal's word for *key* in *language* (default: the current one)."""
    lang = language or current_language()
    chosen = portal.words.get(lang)
    replaced = getattr(chosen, key, None) if chosen is not None else None
    return replaced or _(_DEFAULTS[key])


def replaced(portal: PortalConfig, key: str, language: str | None = None) -> bool:
    """Whether the portal has its own word for *key* in *language* (default: the current one)."""
    chosen = portal.words.get(language or current_language())
    return bool(getattr(chosen, key, None)) if chosen is not None else False


def capitalized(text: str) -> str:
    """*text* with its first letter in upper case (for a word that starts a sentence)."""
    return text[:1].upper() + text[1:]


def words(portal: PortalConfig, language: str | None = None) -> dict[str, str]:
    """Every word as a placeholder, lower case and (``Applicant``) capitalized."""
    found = {key: word(portal, key, language) for key in WORDS}
    found.update({capitalized(key): capitalized(value) for key, value in list(found.items())})
    return found
