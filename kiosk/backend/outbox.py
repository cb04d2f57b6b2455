"""The outbox: submissions kept on the terminal until the backend confirms them.

A submission is written here (SQLite in WAL mode, ``synchronous=FULL``, one committed
transaction) *before* the visitor is told it was received, and removed only after the
backend answered with its chart. Each row is keyed by the submission's idempotency key,
which the backend de-duplicates on, so sending a row twice (after a crash between the
backend's answer and the removal) still files one chart.

The payload is sealed with AES-GCM (:mod:`kiosk.backend.crypto`), bound to its key as associated
data; only the idempotency key, timestamps, attempt counts and error codes are in clear.
Deleted rows are overwritten (``secure_delete``). The ``meta`` table holds a sealed check
value so that a wrong key is detected when the outbox is opened, before anything is sent.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.backend.crypto import OutboxKeyError, Sealer, WrongKey, load_key
from kiosk.config import OutboxConfig

log = logging.getLogger(__name__)

DEFAULT_FILE_NAME = "outbox.sqlite3"
_CHECK_AAD = b"key-check"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    idempotency_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    sealed BLOB NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT
);
"""


class OutboxError(Exception):
    """The outbox file cannot be opened or written (the message says why)."""


@dataclass(frozen=True)
class Pending:
    """One submission waiting in the outbox (its payload stays sealed until sent)."""

    key: str
    kind: str
    attempts: int
    next_attempt_at: float
    last_error: str | None


def default_outbox_file() -> Path:
    from kiosk.paths import user_data_dir

    return user_data_dir() / DEFAULT_FILE_NAME


class Outbox:
    """A sealed, durable queue of submissions; safe to use from several threads."""

    def __init__(self, path: Path, sealer: Sealer) -> None:
        self.path = path
        self._sealer = sealer
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)
            self._check_key()
        except sqlite3.Error as exc:
            raise OutboxError(f"{path}: cannot open the outbox ({exc})") from None

    def _check_key(self) -> None:
        """Refuse a key that is not the one this outbox's submissions are sealed with."""
        check = self._db.execute("SELECT value FROM meta WHERE name = 'key_mac'").fetchone()
        if check is not None:
            right = self._sealer.matches(check[0])
        else:  # an outbox from before the check value: its sealed check, then the value
            sealed = self._db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
            right = sealed is None or self._opens(sealed[0])
            if right:
                self._db.execute(
                    "INSERT INTO meta (name, value) VALUES ('key_mac', ?)",
                    (self._sealer.check_value(),),
                )
        if not right:
            self._db.close()
            raise OutboxKeyError(
                f"{self.path}: the outbox key is not the one its submissions were encrypted "
                "with. Restore the right key; nothing was deleted."
            )

    def _opens(self, sealed: bytes) -> bool:
        try:
            self._sealer.open(sealed, _CHECK_AAD)
        except WrongKey:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, kind: str, key: str, payload: dict[str, Any]) -> None:
        """Store *payload* under *key* durably; a second put of the same key changes nothing."""
        plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        sealed = self._sealer.seal(plaintext.encode("utf-8"), key.encode("utf-8"))
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO outbox (idempotency_key, kind, sealed, created_at, "
                "next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                (key, kind, sealed, now, now),
            )

    def payload(self, key: str) -> dict[str, Any] | None:
        """The unsealed payload of *key* (None when it is no longer waiting)."""
        with self._lock:
            row = self._db.execute(
                "SELECT sealed FROM outbox WHERE idempotency_key = ?", (key,)
            ).fetchone()
        if row is None:
            return None
        data = json.loads(self._sealer.open(row[0], key.encode("utf-8")))
        assert isinstance(data, dict)
        return data

    def pending(self, *, due_by: float | None = None) -> list[Pending]:
        """Waiting submissions, oldest first; only those due by *due_by* when given."""
        query = "SELECT idempotency_key, kind, attempts, next_attempt_at, last_error FROM outbox"
        params: tuple[float, ...] = ()
        if due_by is not None:
            query += " WHERE next_attempt_at <= ?"
            params = (due_by,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY created_at", params).fetchall()
        return [Pending(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def next_due(self) -> float | None:
        """When the next submission is due (a ``time.time()`` value), or None."""
        with self._lock:
            row = self._db.execute("SELECT min(next_attempt_at) FROM outbox").fetchone()
        return None if row[0] is None else float(row[0])

    def failed(self, key: str, error: str, retry_at: float) -> None:
        """Note a failed delivery (*error* is a code, never content) and when to retry."""
        with self._lock:
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                "WHERE idempotency_key = ?",
                (error, retry_at, key),
            )

    def retry_all_now(self) -> None:
        """Make every waiting submission due at once (staff: deliver now)."""
        with self._lock:
            self._db.execute("UPDATE outbox SET next_attempt_at = ?", (time.time(),))

    def remove(self, key: str) -> None:
        """Forget *key*: call only once the backend confirmed it."""
        with self._lock:
            self._db.execute("DELETE FROM outbox WHERE idempotency_key = ?", (key,))


def open_outbox(config: OutboxConfig) -> Outbox:
    """Open the configured outbox with its key; :class:`OutboxKeyError` if the key is not right.

    A new outbox may make its default key file; an existing one never gets a new key.
    """
    path = config.database or default_outbox_file()
    key = load_key(config.key_file, path, may_create=not path.exists())
    return Outbox(path, Sealer(key))
