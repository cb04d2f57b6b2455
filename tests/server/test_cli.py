"""The kiosk-server command line."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk import __version__
from kiosk.server.cli import main
from tests.server.live import live_server, token_headers
from tests.server.payloads import applicant_body, configure_payload_portal

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_module(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk.server.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
    )


def assert_one_line_error(code: int, err: str, expected: str) -> None:
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kiosk-server: error: ")
    assert expected in lines[0]
    assert "Traceback" not in err


@pytest.fixture
def filed_chart(sqlite_url: str) -> dict[str, object]:
    """A database holding one applicant chart, filed through the real API; yields the chart."""
    configure_payload_portal(sqlite_url)
    with (
        live_server(sqlite_url) as base,
        httpx.Client(base_url=base, headers=token_headers(sqlite_url)) as http,
    ):
        chart_id = http.post(
            "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "cli-visit-1"}
        ).json()["chart_id"]
        return http.get(f"/v1/charts/{chart_id}").json()


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"kiosk-server {__version__}\n"


def test_version_as_a_module() -> None:
    done = run_module("--version")
    assert done.returncode == 0
    assert done.stdout == f"kiosk-server {__version__}\n"


@pytest.mark.parametrize(
    ("argv", "mentions"),
    [
        (["--help"], ["serve", "charts", "--version"]),
        (["serve", "--help"], ["--database", "--host", "--port", "127.0.0.1", "8765"]),
        (["charts", "--help"], ["list"]),
        (["charts", "list", "--help"], ["--database", "--json"]),
    ],
)
def test_help(capsys: pytest.CaptureFixture[str], argv: list[str], mentions: list[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kiosk-server")
    for word in mentions:
        assert word in out


@pytest.mark.parametrize(
    "argv", [[], ["charts"], ["serve", "--port", "70000"], ["serve", "--port", "http"], ["nope"]]
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "usage: kiosk-server" in err
    assert "Traceback" not in err


def test_charts_list_json_lists_the_chart(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, filed_chart: dict[str, object]
) -> None:
    assert main(["charts", "list", "--database", sqlite_url, "--json"]) == 0
    charts = json.loads(capsys.readouterr().out)
    assert charts == [filed_chart]
    [chart] = charts
    assert chart["department"] == "Northwind Logistics — Applicants"
    assert chart["login_enabled"] is False
    assert len(chart["documents"]) == 2
    assert chart["consents"][0]["form_id"] == "preplacement-evaluation"


def test_charts_list_table(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, filed_chart: dict[str, object]
) -> None:
    assert main(["charts", "list", "--database", sqlite_url]) == 0
    out = capsys.readouterr().out
    header, row, *details = out.splitlines()
    assert header.split()[:3] == ["ID", "REFERENCE", "CREATED"]
    assert str(filed_chart["reference"]) in row
    assert "O'Neil-Søren, Ana" in row
    assert "Northwind Logistics — Applicants" in row
    assert "disabled" in row
    assert any("Pre-placement Health History [Questionnaires]" in line for line in details)
    assert any("Respiratory Protection" in line for line in details)
    assert any("consent:" in line and "preplacement-evaluation" in line for line in details)


def test_charts_list_of_an_empty_database(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    with live_server(sqlite_url):
        pass  # creates the schema
    assert main(["charts", "list", "--database", sqlite_url]) == 0
    assert capsys.readouterr().out == "No charts.\n"
    assert main(["charts", "list", "--database", sqlite_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


BAD_URLS = [
    ("not a database url", "invalid database URL"),
    ("nosuchdb://localhost/kiosk", "unknown database type"),
]


@pytest.mark.parametrize(("url", "expected"), BAD_URLS)
@pytest.mark.parametrize("command", [["serve"], ["charts", "list"]])
def test_bad_database_url_is_one_clean_line(
    capsys: pytest.CaptureFixture[str], command: list[str], url: str, expected: str
) -> None:
    code = main([*command, "--database", url])
    assert_one_line_error(code, capsys.readouterr().err, expected)


def test_serve_on_an_unopenable_sqlite_file(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--database", "sqlite:////nonexistent-kiosk-dir/a/b.sqlite3"])
    assert_one_line_error(code, capsys.readouterr().err, "unable to open database file")


def test_charts_list_does_not_create_a_missing_sqlite_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo.sqlite3"
    code = main(["charts", "list", "--database", f"sqlite:///{missing.as_posix()}"])
    assert_one_line_error(code, capsys.readouterr().err, "no such database file")
    assert not missing.exists()


def test_charts_list_of_a_database_without_tables(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sqlite3

    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).close()
    code = main(["charts", "list", "--database", f"sqlite:///{other.as_posix()}"])
    assert_one_line_error(code, capsys.readouterr().err, "no charts table")


@pytest.mark.skipif(
    importlib.util.find_spec("psycopg") is not None, reason="psycopg is installed here"
)
def test_missing_postgres_driver_is_one_clean_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["charts", "list", "--database", "postgresql+psycopg://u:secret@127.0.0.1/db"])
    err = capsys.readouterr().err
    assert_one_line_error(code, err, "driver is not installed (psycopg)")
    assert "secret" not in err


def test_serve_on_a_port_in_use(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["serve", "--database", sqlite_url, "--port", str(port)])
    assert_one_line_error(code, capsys.readouterr().err, f"cannot listen on 127.0.0.1:{port}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGTERM")
def test_serve_runs_the_api_and_logs_no_personal_data(sqlite_url: str) -> None:
    configure_payload_portal(sqlite_url)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk.server.cli",
            "serve",
            "--database",
            sqlite_url,
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                health = httpx.get(f"{base}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "kiosk-server serve did not come up"
                time.sleep(0.1)
        assert health.json() == {"status": "ok", "version": __version__}
        body = applicant_body(first_name="Quintessa", last_name="Vandersloot")
        auth = token_headers(sqlite_url, "lobby-1", admin=False)
        created = httpx.post(
            f"{base}/v1/applicants?via=cli-test",
            json=body,
            headers={"Idempotency-Key": "serve-visit-1", **auth},
        )
        assert created.status_code == 201
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=20)

    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert server.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err
    assert "POST /v1/applicants 201" in err
    assert "GET /v1/health 200" in err
    token = auth["Authorization"].removeprefix("Bearer ")
    for secret in ("Quintessa", "Vandersloot", "via=cli-test", "serve-visit-1", "HTTP/1.1", token):
        assert secret not in err + out


def test_charts_list_quotes_every_signature_the_same_way(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    jordan = applicant_body(
        first_name="Jordan",
        last_name="Whitaker",
        consents=[{**applicant_body()["consents"][0], "typed_name": "Jordan Whitaker"}],
    )
    configure_payload_portal(sqlite_url)
    with (
        live_server(sqlite_url) as base,
        httpx.Client(base_url=base, headers=token_headers(sqlite_url)) as http,
    ):
        for key, body in (("quote-ana-1", applicant_body()), ("quote-jordan-2", jordan)):
            filed = http.post("/v1/applicants", json=body, headers={"Idempotency-Key": key})
            assert filed.status_code == 201, filed.text
    assert main(["charts", "list", "--database", sqlite_url]) == 0
    signatures = [
        line.split(" as ", 1)[1]
        for line in capsys.readouterr().out.splitlines()
        if line.strip().startswith("consent:")
    ]
    assert sorted(signatures) == ['"Ana O\'Neil-Søren"', '"Jordan Whitaker"']
