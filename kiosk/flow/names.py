"""What a visitor may type as a first or last name, and the message when it is not that."""

from __future__ import annotations

import unicodedata

from kiosk.i18n import _

MAX_NAME_LENGTH = 60
_JOINERS = frozenset(" -'\u2019")  # space, hyphen, apostrophe, typographic apostrophe


def normalize_name(text: str) -> str:
    """NFC, with runs of spaces folded into one and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_PLAIN_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th", "ð": "d",
     "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"}
)  # fmt: skip
"""Letters a plain keyboard has no key for that do not come apart under NFKD (Søren, Đặng,
Łukasz), and apostrophes and hyphens as a plain keyboard types them."""


def name_key(text: str) -> str:
    """*text* as a signature is compared: spaces folded, case and accents ignored.

    ``name_key("María José O'Brien-Núñez") == name_key("maria jose o'brien-nunez")``: a
    visitor signs on a plain keyboard without the accents of their name.
    """
    decomposed = unicodedata.normalize("NFKD", normalize_name(text).casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare.translate(_PLAIN_LETTERS))


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
