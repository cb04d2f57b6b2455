"""Pickles in the user's cache folder, read only where nobody else could have planted them.

The kiosk keeps two things between starts that are quicker to load than to make again: the
checked configuration (:mod:`kiosk.config.cache`) and Textual's parsed stylesheets
(:mod:`kiosk.terminal.css_store`). Both hold no visitor's data. A pickle runs code when it is
loaded, so like ssh's own files an entry is read only from a folder and a file that belong to
this user and that no one else may write; it is written to a private temporary file first and
then moved into place, so a reader never sees half of one.
"""

from __future__ import annotations

import logging
import os
import pickle
import stat
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)


def _owned_and_private(path: Path) -> bool:
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_private(entry_file: Path) -> object | None:
    """What *entry_file* holds, or None if it is missing, not private, or cannot be read."""
    try:
        if not (_owned_and_private(entry_file.parent) and _owned_and_private(entry_file)):
            return None
        value: object = pickle.loads(entry_file.read_bytes())
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign entry is only a miss
        log.warning("stored %s not usable: %s", entry_file.stem, type(exc).__name__)
        return None
    return value


def store_private(entry_file: Path, value: object) -> None:
    """Write *value* to *entry_file* (folder 0700, file 0600); a failure is only logged."""
    try:
        entry_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = entry_file.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, entry_file)
    except Exception as exc:  # what cannot be pickled or written is only made again next time
        log.warning("%s not stored: %s", entry_file.stem, type(exc).__name__)
