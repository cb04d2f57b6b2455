"""The access log cannot be forged or made to write terminal escapes: ``kiosk-server serve``
writes one JSON object per line with every field escaped, and the message itself shows the
path with its unprintable characters escaped."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from kiosk.server.middleware import printable
from tests.server.processes import server_process

FORGED = "2026-12-06 18:30:00,000 INFO kiosk.server.access: POST /v1/applicants 201"
ATTACKS = {
    "newline": ("/x%0A" + FORGED, "/x\n" + FORGED),
    "carriage return": ("/x%0D" + FORGED, "/x\r" + FORGED),
    "escape": ("/%1B[2J%1B[31mred", "/\x1b[2J\x1b[31mred"),
    "C1 control": ("/a%C2%9B2Jb", "/a\x9b2Jb"),
    "line separator": ("/a%E2%80%A8b%E2%80%A9c", "/a\u2028b\u2029c"),
    "NUL and DEL": ("/a%00b%7Fc", "/a\x00b\x7fc"),
}


def test_serve_logs_json_lines_with_every_field_escaped(sqlite_url: str, tmp_path: Path) -> None:
    log_path = tmp_path / "serve.log"
    with server_process(sqlite_url, log_path) as base:
        for raw, _decoded in ATTACKS.values():
            answer = httpx.get(base + raw.replace(" ", "%20"), timeout=30)  # no token needed
            assert answer.status_code == 404
        answer = httpx.post(f"{base}/v1/pickup/verify%0Aforged", json={}, timeout=30)
        assert answer.status_code == 404
    raw_log = log_path.read_bytes()
    for byte in (b"\r", b"\x1b", b"\x00", b"\x7f", "\x9b".encode(), "\u2028".encode()):
        assert byte not in raw_log
    lines = raw_log.decode("ascii").splitlines()  # everything outside ASCII is escaped too
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all(isinstance(record, dict) for record in records)
    assert not any(line.startswith("2026-12-06") for line in lines)
    access = [r for r in records if r["logger"] == "kiosk.server.access"]
    paths = [r["path"] for r in access]
    for name, (_raw, decoded) in ATTACKS.items():
        assert paths.count(decoded) == 1, name
    [verify] = [r for r in access if r["method"] == "POST"]
    assert (verify["path"], verify["status"]) == ("/v1/pickup/verify\nforged", 404)
    assert {r["status"] for r in access if r["path"] != "/v1/health"} == {404}
    assert any("Application shutdown complete" in record["message"] for record in records)


@pytest.mark.parametrize(("name", "decoded"), [(k, v[1]) for k, v in ATTACKS.items()])
def test_the_message_alone_is_printable(name: str, decoded: str) -> None:
    """For a plain-text handler too: the message shows the path escaped, on one line."""
    shown = printable(decoded)
    assert shown.isprintable(), name
    assert "\n" not in shown
    assert "\r" not in shown
    record = logging.makeLogRecord({"msg": "%s %s %d", "args": ("GET", shown, 404)})
    assert len(record.getMessage().splitlines()) == 1
