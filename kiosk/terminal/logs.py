"""Where the kiosk writes its log: JSON lines in the user's log folder, never the screen.

Log records say what the terminal did, never who was there: no names, answers or codes.
Each line is one JSON object: ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``message``,
and the record's ``extra`` fields (``event``, ``error``, ``key`` …). An exception is
logged by its type and place only: its message and traceback may quote what a visitor
typed, so they are never written.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.paths import APP_NAME

_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "color_message",  # uvicorn's message again, with terminal colours
}


def log_file() -> Path:
    """The kiosk's log file (its folder is created on demand)."""
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False, ensure_exists=True) / "kiosk.log"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class JsonLines(logging.Formatter):
    """One JSON object per record, every field escaped: control characters, line and
    paragraph separators and everything else outside ASCII are written as ``\\uXXXX``, so
    no value (a request path, say) can start a line of its own or reach a terminal raw."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                entry[name] = _plain(value)
        if record.exc_info and record.exc_info[1] is not None:
            from kiosk.terminal.lockdown import crash_place

            error = record.exc_info[1]
            entry.setdefault("error", type(error).__name__)
            entry.setdefault("where", crash_place(error))
        return json.dumps(entry, ensure_ascii=True)


def configure_logging(level: int = logging.INFO, path: Path | None = None) -> Path:
    """Send the kiosk's records to *path* (default :func:`log_file`) as JSON lines."""
    path = path or log_file()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return path
