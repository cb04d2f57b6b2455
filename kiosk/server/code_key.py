"""The server's secret for hashing pickup codes, kept outside the database.

Pickup codes are stored as HMAC-SHA256 under this key, so a copy of the database alone
cannot be searched for every live code at once (55 bits is a lot to guess per code, but
little for a table of all of them). The key is 32 random bytes, base64, in a file readable
by its owner only: ``$KIOSK_SERVER_CODE_KEY_FILE``, else ``kiosk-server-code.key`` in the
user's config folder. It is made on first use; every server process, and every command
that issues codes (``import-hr``, ``issue-code``), must read the same file.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
import threading
from pathlib import Path

KEY_FILE_ENV = "KIOSK_SERVER_CODE_KEY_FILE"
KEY_FILENAME = "kiosk-server-code.key"
KEY_BYTES = 32

_cache: dict[Path, bytes] = {}
_lock = threading.Lock()


class CodeKeyError(Exception):
    """The key file exists but cannot be used."""


def code_key_file() -> Path:
    """Where the code key is kept (see the module's docstring)."""
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_config_path

    from kiosk.paths import APP_NAME

    return user_config_path(APP_NAME, appauthor=False) / KEY_FILENAME


def _read(path: Path) -> bytes:
    try:
        key = base64.urlsafe_b64decode(path.read_text(encoding="ascii").strip())
    except (binascii.Error, UnicodeError, ValueError):
        raise CodeKeyError(f"{path}: not a base64 key") from None
    if len(key) != KEY_BYTES:
        raise CodeKeyError(f"{path}: the key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def _create(path: Path) -> None:
    """Write a new key to *path* (mode 0600) unless another process got there first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode() + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)  # atomic, and never replaces a key already there
    finally:
        temporary.unlink(missing_ok=True)


def code_key(path: Path | None = None) -> bytes:
    """The code key in *path* (default :func:`code_key_file`), made there on first use."""
    path = (path or code_key_file()).resolve()
    with _lock:
        key = _cache.get(path)
        if key is None:
            if not path.exists():
                _create(path)
            key = _cache[path] = _read(path)
    return key
