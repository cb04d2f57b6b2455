""" "Press F5 to hear the screen read aloud" in every language, for Welcome to show and say.

The sentence in each language comes from its catalog; compiling every catalog takes longer
than drawing Welcome, so the sentences are kept in a small JSON file in the user's cache
folder (beside the language names), each with the size and time of the catalog it came from.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from kiosk.i18n import N_, SOURCE_LANGUAGE, catalog_path, gettext_in
from kiosk.paths import user_cache_dir

log = logging.getLogger(__name__)

HINT = N_("Press F5 to hear the screen read aloud")
_FILE_NAME = "speech-hint.json"


def _stamp(language: str) -> str:
    if language == SOURCE_LANGUAGE:
        return "source"
    try:
        info = catalog_path(language).stat()
    except OSError:
        return "none"
    return f"{info.st_size}:{info.st_mtime_ns}"


def _hints_file() -> Path:
    return user_cache_dir() / _FILE_NAME


def _read() -> dict[str, list[str]]:
    try:
        stored = json.loads(_hints_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(stored, dict):
        return {}
    return {
        k: v
        for k, v in stored.items()
        if isinstance(v, list) and len(v) == 2 and all(isinstance(s, str) for s in v)
    }


def _store(known: dict[str, list[str]]) -> None:
    path = _hints_file()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        log.warning("speech hints not stored: %s", exc.strerror)


def hint_in_languages(languages: list[str]) -> list[tuple[str, str]]:
    """(language, the hint in it) for each of *languages*, in their order."""
    known = _read()
    found: list[tuple[str, str]] = []
    changed = False
    for language in languages:
        stamp = _stamp(language)
        entry = known.get(language)
        if entry is None or entry[0] != stamp:
            entry = known[language] = [stamp, gettext_in(language, HINT)]
            changed = True
        found.append((language, entry[1]))
    if changed:
        _store(known)
    return found
