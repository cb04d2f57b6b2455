"""Textual's parsed stylesheets, kept between starts of the kiosk.

At every start Textual parses each CSS source the first screen needs (the kiosk's .tcss files
and each widget's ``DEFAULT_CSS``) with the theme's variables filled in: some 13 ms before the
demo's Welcome is first drawn, the same work each time. What Welcome needed is noted as it is
first drawn (:func:`worth_keeping`) and stored a second later (:func:`store`, in the user's
cache folder through :mod:`kiosk.private_cache`). The next start hands it to Textual's own
parse cache (:func:`restore`), keyed as Textual keys it: by each source's full text, where it
was read from, and how it is applied; parsing then takes well under a millisecond, after some
3 ms to read the store. An edited .tcss file or widget is parsed again as usual, and the whole
store is used only while the theme's variables are exactly those it was parsed with and
Textual's own code is the same files, by size and time (an upgrade of Textual replaces them).

Anything else is a miss, never an error: this reaches into two of Textual's private
attributes (the stylesheet's ``_parse_cache`` and ``_variables``), so any failure here is
logged (its kind only) and Textual parses as it always does. ``tests/test_css_store.py`` fails
if a Textual release changes them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.paths import user_cache_dir
from kiosk.private_cache import load_private, store_private

if TYPE_CHECKING:
    from textual.css.stylesheet import Stylesheet

log = logging.getLogger(__name__)

FORMAT = 1
ENTRY_NAME = "textual-css.pickle"


def _textual_stamp() -> str:
    """Textual's parser and the modules its rules are made of, by size and time."""
    import textual

    root = Path(textual.__file__).parent
    modules = [root / "color.py", root / "geometry.py"]
    for folder in ("css", "layouts"):
        modules.extend(sorted((root / folder).glob("*.py")))
    parts: list[str] = []
    for module in modules:
        info = module.stat()
        parts.append(f"{module.relative_to(root)}:{info.st_size}:{info.st_mtime_ns}")
    return ";".join(parts)


def _entry_path() -> Path:
    return user_cache_dir() / ENTRY_NAME


def _current(stylesheet: Stylesheet) -> dict[Any, Any]:
    """What *stylesheet* has parsed of the text of its present sources, under Textual's
    parse-cache keys (a source can be parsed under more than one key: Textual parses
    ``Screen``'s defaults once for its default screen and again for each screen class)."""
    parse_cache = stylesheet._parse_cache
    parsed: dict[Any, Any] = {}
    for key in list(parse_cache.keys()):
        css, read_from = key[0], key[1]
        source = stylesheet.source.get(read_from)
        if source is not None and source.content == css:
            parsed[key] = parse_cache[key]
    return parsed


class Restored:
    """What :func:`restore` found: the theme's variables at start, the sources it gave."""

    __slots__ = ("keys", "variables")

    def __init__(self, variables: dict[str, str], keys: frozenset[Any]) -> None:
        self.variables = variables
        self.keys = keys


def restore(stylesheet: Stylesheet) -> Restored:
    """Fill *stylesheet*'s parse cache from the store, if the store fits it.

    Call it once the theme's variables are set and before the first parse."""
    try:
        restored = Restored(dict(stylesheet._variables), frozenset())
        entry = load_private(_entry_path())
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return restored
        parsed = entry.get("parsed")
        if (
            not isinstance(parsed, dict)
            or entry.get("variables") != restored.variables
            or entry.get("textual") != _textual_stamp()
        ):
            return restored
        for key, rules in parsed.items():
            stylesheet._parse_cache[key] = rules
        return Restored(restored.variables, frozenset(parsed))
    except Exception as exc:  # Textual parses as ever
        log.warning("parsed CSS not restored: %s", type(exc).__name__)
        return Restored({}, frozenset())


def worth_keeping(stylesheet: Stylesheet, restored: Restored) -> dict[Any, Any] | None:
    """What *stylesheet* has parsed of its present sources, to :func:`store` for the next
    start; None when that is exactly what was *restored*, or when the theme has changed since
    the start (a visitor's high contrast is not how the next start looks).

    Taken as the first screen is drawn, so that screens shown later add nothing to it."""
    try:
        if stylesheet._variables != restored.variables:
            return None
        parsed = _current(stylesheet)
    except Exception as exc:  # nothing kept: the next start parses as ever
        log.warning("parsed CSS not noted: %s", type(exc).__name__)
        return None
    if not parsed or parsed.keys() == restored.keys:
        return None
    return parsed


def store(parsed: dict[Any, Any], restored: Restored) -> None:
    """Write *parsed* (from :func:`worth_keeping`) for the next start with *restored*'s theme."""
    try:
        stamp = _textual_stamp()
    except Exception as exc:  # the next start parses as ever
        log.warning("parsed CSS not stored: %s", type(exc).__name__)
        return
    store_private(
        _entry_path(),
        {"format": FORMAT, "textual": stamp, "variables": restored.variables, "parsed": parsed},
    )
