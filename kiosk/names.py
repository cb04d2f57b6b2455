"""What a visitor may type as a first or last name, and the message when it is not that."""

from __future__ import annotations

import unicodedata

from kiosk.i18n import _

MAX_NAME_LENGTH = 60
_JOINERS = frozenset(" -'\u2019")  # space, hyphen, apostrophe, typographic apostrophe


def normalize_name(text: str) -> str:
    """NFC, with runs of spaces folded into one and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_problem(text: str) -> str | None:
    """Why *text* is not an acceptable name (localized), or ``None`` when it is.

    Letters of any script (with their combining marks), spaces, hyphens and apostrophes;
    at least one letter; at most 60 characters.
    """
    name = normalize_name(text)
    if not name:
        return _("Please enter this name.")
    if len(name) > MAX_NAME_LENGTH:
        return _("Please use at most {limit} characters.").format(limit=MAX_NAME_LENGTH)
    if not unicodedata.category(name[0]).startswith("L"):
        return _("A name starts with a letter.")
    for char in name:
        if char in _JOINERS:
            continue
        if not unicodedata.category(char).startswith(("L", "M")):
            return _(
                "“{char}” cannot be part of a name. Use letters, spaces, hyphens and apostrophes."
            ).format(char=char)
    return None
