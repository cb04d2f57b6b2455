"""The outbox key: where it comes from, how it is checked, and AES-GCM sealing with it.

The key is 32 random bytes, written as URL-safe base64. It comes from, in order:

1. ``$KIOSK_OUTBOX_KEY`` (the key itself), for terminals provisioned with secrets;
2. the ``[outbox] key_file`` named in the configuration;
3. ``outbox.key`` in the user's *config* folder (platformdirs), made on first start with
   mode 0600. The outbox lives in the *data* folder, so the two are never side by side.

A key file must be readable by its owner only, and must not sit in the outbox's folder.
Any problem is an :class:`OutboxKeyError` with a message for the operator; nothing is
deleted or replaced, so the outbox can be opened once the right key is back.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.paths import APP_NAME

if TYPE_CHECKING:  # cryptography loads on the first seal or open, after Welcome is up
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ENV_VAR = "KIOSK_OUTBOX_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12


class OutboxKeyError(Exception):
    """The outbox key is missing, unreadable, exposed or wrong (the message says which)."""


class WrongKey(OutboxKeyError):
    """Data could not be decrypted with this key."""


def default_key_file() -> Path:
    """``outbox.key`` in the user's config folder (not the data folder)."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "outbox.key"


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str, where: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise OutboxKeyError(f"{where}: not a base64 key") from None
    if len(key) != KEY_BYTES:
        raise OutboxKeyError(f"{where}: the key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """Create *path* with mode 0600 holding *key*; never overwrites an existing file."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(encode_key(key) + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_key_file(path: Path) -> bytes:
    """The key in *path*, after checking that only its owner can read it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise OutboxKeyError(f"{path}: the outbox key file does not exist") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise OutboxKeyError(
            f"{path}: the outbox key file must be readable by its owner only (chmod 600)"
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise OutboxKeyError(f"{path}: the outbox key file must belong to the kiosk's user")
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise OutboxKeyError(f"{path}: cannot read the outbox key file ({exc})") from None
    return decode_key(text, str(path))


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def load_key(key_file: Path | None, outbox_file: Path, *, may_create: bool) -> bytes:
    """The outbox key (see the module docstring for where it comes from).

    *may_create*: the default key file may be made now (only when the outbox is new).
    """
    env = os.environ.get(KEY_ENV_VAR)
    if env:
        return decode_key(env, f"${KEY_ENV_VAR}")
    explicit = key_file is not None
    path = key_file or default_key_file()
    if _inside(path, outbox_file.parent):
        raise OutboxKeyError(
            f"{path}: the outbox key must not be stored in the outbox's folder {outbox_file.parent}"
        )
    if not path.exists() and not explicit and may_create:
        key = new_key()
        write_key_file(path, key)
        return key
    if not path.exists() and not explicit:
        raise OutboxKeyError(
            f"{path}: the outbox key file is missing, but {outbox_file} holds encrypted "
            f"submissions. Restore the key file (or set ${KEY_ENV_VAR}); nothing was deleted."
        )
    return read_key_file(path)


class Sealer:
    """AES-256-GCM with a fresh random nonce per message; *aad* binds a blob to its row.

    Whether a key is the right one is told by :meth:`matches` against its
    :meth:`check_value` (an HMAC of a fixed label), without the cipher: so opening the
    outbox at start-up does not load cryptography.
    """

    _CHECK_LABEL = b"lobby-kiosk outbox key check v2"

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._aead: AESGCM | None = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aead = AESGCM(self._key)
        return self._aead

    def check_value(self) -> bytes:
        return hmac.new(self._key, self._CHECK_LABEL, hashlib.sha256).digest()

    def matches(self, check_value: bytes) -> bool:
        return hmac.compare_digest(self.check_value(), check_value)

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._cipher().encrypt(nonce, plaintext, aad)

    def open(self, blob: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._cipher().decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except InvalidTag:
            raise WrongKey("the outbox key does not match the outbox's data") from None
