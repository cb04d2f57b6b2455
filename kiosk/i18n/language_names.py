"""Each language named in itself (``Español``, ``中文 (简体)``), for the language buttons.

babel knows these names, but loading its locale data for every language takes longer than
drawing Welcome. A name is asked of babel once and then kept in a small JSON file in the
user's cache folder, so later starts read them all at once without loading babel.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from kiosk.paths import user_cache_dir

log = logging.getLogger(__name__)

_FILE_NAME = "language-names.json"
_known: dict[str, str] | None = None


def _names_file() -> Path:
    return user_cache_dir() / _FILE_NAME


def _read_known() -> dict[str, str]:
    try:
        stored = json.loads(_names_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {k: v for k, v in stored.items() if isinstance(k, str) and isinstance(v, str) and v}


def _store(known: dict[str, str]) -> None:
    path = _names_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("language names not stored: %s", exc.strerror)


def name_from_babel(language: str) -> str:
    """*language*'s name in itself, from babel's locale data; the code when babel has none."""
    from babel import Locale

    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (ValueError, LookupError):
        return language
    return name[:1].upper() + name[1:]


def language_name(language: str) -> str:
    """*language* named in itself, for example ``Español`` or ``中文 (简体)``."""
    global _known
    if _known is None:
        _known = _read_known()
    name = _known.get(language)
    if name is None:
        name = _known[language] = name_from_babel(language)
        _store(_known)
    return name
