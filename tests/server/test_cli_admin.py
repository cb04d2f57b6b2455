"""The operator commands: db upgrade, portals load, import-hr, issue-code, and a listing
piped into ``head``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from kiosk.paths import SHIPPED_CONFIG_DIR
from kiosk.server.cli import main
from kiosk.server.codes import normalize_code
from kiosk.server.migrate import head_revision
from tests.server.live import FAST_SETTINGS, live_server, token_headers
from tests.server.pickup_helpers import PORTAL, configure_portal, new_chart

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"code (\S+)")


def test_db_upgrade(capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    assert main(["db", "upgrade", "--database", sqlite_url]) == 0
    assert capsys.readouterr().out.endswith(f"upgraded from empty to {head_revision()}\n")
    assert main(["db", "upgrade", "--database", sqlite_url]) == 0
    assert capsys.readouterr().out.endswith(f"already at {head_revision()}\n")


def test_portals_load_from_the_kiosk_config(
    capsys: pytest.CaptureFixture[str], sqlite_url: str
) -> None:
    config = str(SHIPPED_CONFIG_DIR / "kiosk.toml")
    assert main(["portals", "load", "--kiosk-config", config, "--database", sqlite_url]) == 0
    assert capsys.readouterr().out == (
        "portal northwind-applicants: created (1 consent forms, 2 questionnaires, 3 task rules)\n"
        "portal cascade-contractors: created (1 consent forms, 1 questionnaires, 3 task rules)\n"
    )
    assert main(["portals", "list", "--json", "--database", sqlite_url]) == 0
    from kiosk.config import read_config_file, read_consent_text

    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert sorted(listed) == ["cascade-contractors", "northwind-applicants"]
    portal = listed["northwind-applicants"]
    consent = read_config_file(Path(config)).portal("northwind-applicants").consents[0]
    assert portal["consents"][0]["versions"] == {
        language: read_consent_text(consent, language).version for language in consent.text
    }
    assert portal["questionnaires"][0]["questionnaire"].endswith("|1.0.0")


def test_portals_load_from_the_kiosk_config_never_loads_textual(sqlite_url: str) -> None:
    """The server reads the kiosk's configuration (colours checked for contrast included)
    without the terminal's UI: in a fresh interpreter, Textual is never imported."""
    config = str(SHIPPED_CONFIG_DIR / "kiosk.toml")
    script = (
        "import json, sys\n"
        "from kiosk.server.cli import main\n"
        f"code = main(['portals', 'load', '--kiosk-config', {config!r},"
        f" '--database', {sqlite_url!r}])\n"
        "print(json.dumps({'code': code, 'modules': sorted(sys.modules)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    ran = json.loads(result.stdout.splitlines()[-1])
    assert ran["code"] == 0
    assert "kiosk.config" in ran["modules"]  # the kiosk configuration was read ...
    assert [m for m in ran["modules"] if m.split(".")[0] in ("textual", "screens")] == []


def test_portals_load_reports_each_problem(
    capsys: pytest.CaptureFixture[str], sqlite_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "portals.toml"
    bad.write_text(
        '[[portals]]\nname = "p"\ntitle = "P"\n'
        '[[portals.tasks]]\nevent = "coffee_break"\ntitle = "x"\n',
        encoding="utf-8",
    )
    assert main(["portals", "load", str(bad), "--database", sqlite_url]) == 1
    captured = capsys.readouterr()
    assert "portals[0].tasks.0.event" in captured.out
    assert "not loaded" in captured.err


def _hr_csv(path: Path) -> Path:
    path.write_text(
        "\ufefffirst_name,last_name,portal,date_of_birth,kind,external_id,email,questionnaires\n"
        "Jane,Doe,northwind-applicants,1990-02-03,employee,E-1,jane@example.org,\n"
        "Bob,,northwind-applicants,,,,,\n"
        "Al,Smith,no-such-portal,,,,,\n"
        '"Mary, Ann",Lee,northwind-applicants,,contractor,E-2,,'
        "https://example.org/fhir/Questionnaire/osha-respirator|2.1\n"
        "Tom,Jones,northwind-applicants,31.12.1980,,,,\n"
        "\n"
        "Jane,Again,northwind-applicants,,,E-1,,\n"
        "Ann,Visitor,northwind-applicants,,visitor,,,\n",
        encoding="utf-8",
    )
    return path


def test_import_hr_reports_failing_rows_and_imports_the_rest(
    capsys: pytest.CaptureFixture[str], server_database_url: str, tmp_path: Path
) -> None:
    url = server_database_url
    with live_server(url, FAST_SETTINGS) as base:
        headers = token_headers(url)
        with httpx.Client(base_url=base, headers=headers) as admin:
            configure_portal(admin)
            code = main(["import-hr", str(_hr_csv(tmp_path / "hr.csv")), "--database", url])
            assert code == 1
            captured = capsys.readouterr()
            lines = captured.out.splitlines()
            assert [line.split(":")[0] for line in lines] == [
                "line 2",
                "line 5",
                "line 8",
                "line 9",
            ]
            assert lines[2].endswith("unchanged")  # E-1 again: its chart, nothing new
            del lines[2]
            assert "Doe, Jane" in lines[0]
            codes = [CODE.search(line).group(1) for line in lines]  # type: ignore[union-attr]
            assert all(normalize_code(c) == c for c in codes)
            errors = captured.err.splitlines()
            assert errors[0] == "line 3: last_name: Field required"
            assert errors[1] == "line 4: no portal 'no-such-portal' is configured on this server"
            assert errors[2].startswith("line 6: date_of_birth: ")
            assert errors[3] == "imported 3 rows, 1 matched existing charts, 3 failed"

            charts = admin.get("/v1/charts").json()
            assert len(charts) == 3
            mary = next(c for c in charts if c["last_name"] == "Lee")
            assert (mary["kind"], mary["first_name"], mary["external_id"]) == (
                "contractor",
                "Mary, Ann",
                "E-2",
            )
            terminal = {
                "Authorization": token_headers(url, "lobby-1", admin=False)["Authorization"]
            }
            verified = admin.post("/v1/pickup/verify", json={"code": codes[1]}, headers=terminal)
            assert [q["document_type"] for q in verified.json()["questionnaires"]] == [
                "Respirator Medical Evaluation (OSHA 1910.134 App. C)"
            ]
            jane = admin.post("/v1/pickup/verify", json={"code": codes[0]}, headers=terminal)
            assert jane.json()["date_of_birth_required"] is True

            # issue-code replaces Jane's code
            jane_id = next(c["id"] for c in charts if c["last_name"] == "Doe")
            assert main(["issue-code", "--chart", str(jane_id), "--database", url]) == 0
            captured = capsys.readouterr()
            fresh = captured.out.strip()
            assert normalize_code(fresh) == fresh
            assert "earlier codes no longer work" in captured.err
            old = admin.post("/v1/pickup/verify", json={"code": codes[0]}, headers=terminal)
            new = admin.post("/v1/pickup/verify", json={"code": fresh}, headers=terminal)
            assert (old.status_code, new.status_code) == (404, 200)
    assert main(["issue-code", "--chart", "999999", "--database", url]) == 1
    assert "No such chart" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("first_name,last_name\nA,B\n", "line 1: missing column(s): portal"),
        ("first_name,last_name,portal,shoe_size\n", "unknown column(s): shoe_size"),
        (b"first_name,last_name,portal\n\xff\xfe,x,y\n", "not a UTF-8 CSV"),
    ],
)
def test_import_hr_refuses_a_bad_file_whole(
    capsys: pytest.CaptureFixture[str],
    sqlite_url: str,
    tmp_path: Path,
    content: str | bytes,
    message: str,
) -> None:
    assert main(["db", "upgrade", "--database", sqlite_url]) == 0
    capsys.readouterr()
    path = tmp_path / "hr.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    code = main(["import-hr", str(path), "--database", sqlite_url])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_a_listing_piped_into_head_ends_quietly(sqlite_url: str, tmp_path: Path) -> None:
    assert main(["db", "upgrade", "--database", sqlite_url]) == 0
    with (
        live_server(sqlite_url, FAST_SETTINGS) as base,
        httpx.Client(base_url=base, headers=token_headers(sqlite_url)) as admin,
    ):
        configure_portal(admin)
        for index in range(60):
            admin.post(
                "/v1/charts", json={"first_name": f"P{index}", "last_name": "X", "portal": PORTAL}
            )
    command = (
        f"{sys.executable} -m kiosk.server.cli charts list --database '{sqlite_url}' | head -n 2"
    )
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=60,
    )
    assert done.stderr == ""
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 2


def _issue_code_command(sqlite_url: str, chart_id: object) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kiosk.server.cli",
        "issue-code",
        "--chart",
        str(chart_id),
        "--database",
        sqlite_url,
    ]


def _plain_environment() -> dict[str, str]:
    """The environment of an operator's shell: Python's output buffered as it is by default."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _code_then_message(output: str) -> None:
    code, message = output.replace("\r\n", "\n").rstrip("\n").split("\n")
    # The last symbol is a check symbol, which may also be one of *~$= (contract/pickup_code.py).
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}[0-9A-Z*~$=]", code), output
    assert message.startswith("chart "), output
    assert message.endswith("earlier codes no longer work"), output


@pytest.fixture
def employee_chart(sqlite_url: str) -> dict[str, object]:
    """A database holding one employee chart of a configured portal."""
    with (
        live_server(sqlite_url, FAST_SETTINGS) as base,
        httpx.Client(base_url=base, headers=token_headers(sqlite_url)) as admin,
    ):
        configure_portal(admin)
        return new_chart(admin)


def test_issue_code_prints_the_code_then_its_message_on_one_stream(
    sqlite_url: str, employee_chart: dict[str, object]
) -> None:
    done = subprocess.run(
        _issue_code_command(sqlite_url, employee_chart["chart_id"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        env=_plain_environment(),
    )
    assert done.returncode == 0, done.stdout
    _code_then_message(done.stdout)


def test_issue_code_prints_the_code_then_its_message_on_one_terminal(
    sqlite_url: str, employee_chart: dict[str, object]
) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            _issue_code_command(sqlite_url, employee_chart["chart_id"]),
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=terminal,
            cwd=PROJECT_ROOT,
            env=_plain_environment(),
        )
        os.close(terminal)
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0, output
    finally:
        os.close(controller)
    _code_then_message(output.decode())
