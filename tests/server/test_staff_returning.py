"""Staff and the HR feed around returning visitors: ``assign``, ``reset-login``, ``charts
show``, ``import-hr`` updating charts by external id, and a merge counting filed forms."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from kiosk.server.cli import main
from kiosk.server.codes import normalize_code
from tests.server.payloads import HEALTH_HISTORY, RESPIRATOR, applicant_body
from tests.server.pickup_helpers import (
    PORTAL,
    all_consents,
    configure_portal,
    new_chart,
    redeem_body,
)


@pytest.fixture
def admin(client: httpx.Client) -> httpx.Client:
    configure_portal(client)
    return client


def _login(terminal: httpx.Client, password: str = "lantern-octopus-47") -> httpx.Response:
    return terminal.post("/v1/login", json={"username": "jane.doe", "password": password})


def test_a_form_filed_as_applicant_counts_for_the_employee_after_a_merge(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    applicant = admin.post(
        "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "merge-filed-1"}
    ).json()["chart_id"]
    employee = new_chart(admin)
    code = employee["pickup_code"]
    before = terminal_client.post("/v1/pickup/verify", json={"code": code}).json()
    assert [q["questionnaire"] for q in before["questionnaires"]] == [
        HEALTH_HISTORY["questionnaire"],
        RESPIRATOR["questionnaire"],
    ]
    merged = admin.post(
        "/v1/merges",
        json={"applicant_chart_id": applicant, "employee_chart_id": employee["chart_id"]},
    )
    assert merged.status_code == 201, merged.text
    after = terminal_client.post("/v1/pickup/verify", json={"code": code}).json()
    assert after["questionnaires"] == []  # not asked again for the pre-placement forms


def test_assign_reset_login_and_show_from_the_command_line(
    admin: httpx.Client,
    terminal_client: httpx.Client,
    server_database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = server_database_url
    employee = new_chart(admin, questionnaires=[HEALTH_HISTORY["questionnaire"]])
    chart = str(employee["chart_id"])
    body = redeem_body(employee["pickup_code"], consents=all_consents(), documents=[HEALTH_HISTORY])
    assert terminal_client.post("/v1/pickup/redeem", json=body).status_code == 201
    assert _login(terminal_client).json()["questionnaires"] == []

    respirator = RESPIRATOR["questionnaire"]
    assert main(["assign", "--chart", chart, respirator, "--database", url]) == 0
    assert f"chart {chart}: assigned {respirator}" in capsys.readouterr().out
    assert main(["assign", "--chart", chart, respirator, "--database", url]) == 1
    assert "assigned already and not filed yet" in capsys.readouterr().err
    assert main(["assign", "--chart", chart, "https://nowhere/Q", "--database", url]) == 1
    assert "is not one of the portal's" in capsys.readouterr().err
    due = _login(terminal_client).json()["questionnaires"]
    assert [q["questionnaire"] for q in due] == [respirator]

    assert main(["charts", "show", chart, "--database", url]) == 0
    shown = capsys.readouterr().out
    assert "login:        jane.doe (enabled)" in shown
    assert "preplacement-evaluation: Consent to the pre-placement medical evaluation" in shown
    assert "; due 20" in shown  # a renewal date (365 days after signing)
    assert "privacy: Privacy notice" in shown
    assert "signed once, not renewed" in shown
    assert f"{respirator}  OSHA respirator medical evaluation" in shown
    assert "; open" in shown
    assert "Pre-placement Health History [Questionnaires]" in shown
    assert "[Front desk] Portal login created  open" in shown

    assert main(["reset-login", "--chart", chart, "--database", url]) == 0
    captured = capsys.readouterr()
    code = captured.out.strip()
    assert normalize_code(code) == code  # printed alone, as issue-code does
    assert "password disabled" in captured.err
    assert _login(terminal_client).json()["error"] == "login_invalid"
    assert main(["charts", "show", chart, "--database", url]) == 0
    assert "login:        jane.doe (disabled " in capsys.readouterr().out
    verified = terminal_client.post("/v1/pickup/verify", json={"code": code})
    assert verified.status_code == 200
    assert main(["charts", "show", "999999", "--database", url]) == 1
    assert "no chart 999999" in capsys.readouterr().err


def _hr(path: Path, rows: str) -> Path:
    path.write_text(
        "external_id,first_name,last_name,portal,email,phone,department,date_of_birth,language\n"
        + rows,
        encoding="utf-8",
    )
    return path


def test_import_hr_updates_charts_by_external_id(
    admin: httpx.Client,
    terminal_client: httpx.Client,
    server_database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = server_database_url
    first = _hr(
        tmp_path / "day1.csv",
        f"E-7,Jane,Doe,{PORTAL},jane@example.org,,Welding,1985-04-23,en\n",
    )
    assert main(["import-hr", str(first), "--database", url]) == 0
    made = capsys.readouterr().out
    code = made.split("  code ")[1].split()[0]
    chart_id = int(made.split("chart ")[1].split()[0])
    body = redeem_body(code, date_of_birth="1985-04-23")
    assert terminal_client.post("/v1/pickup/redeem", json=body).status_code == 201

    second = _hr(
        tmp_path / "day2.csv",
        f"E-7,Jane,Doe,{PORTAL},jane.doe@example.org,+1 555 0100,Assembly,1985-04-23,es\n",
    )
    for run in range(2):
        assert main(["import-hr", str(second), "--database", url]) == 0
        captured = capsys.readouterr()
        if run == 0:
            assert captured.out.strip() == (
                f"line 2: chart {chart_id} ("
                + captured.out.split("(")[1].split(")")[0]
                + ")  updated: email: jane@example.org -> jane.doe@example.org;"
                " phone: (none) -> +1 555 0100; department: Welding -> Assembly;"
                " language: en -> es"
            )
        else:
            assert captured.out.strip().endswith("unchanged")  # the same file twice
        assert "imported 0 rows, 1 matched existing charts, 0 failed" in captured.err
        assert "code" not in captured.out  # no new pickup code for a known chart
    chart = admin.get(f"/v1/charts/{chart_id}").json()
    assert (chart["email"], chart["phone"], chart["department"], chart["language"]) == (
        "jane.doe@example.org",
        "+1 555 0100",
        "Assembly",
        "es",
    )
    assert chart["login_enabled"] is True
    signed_in = _login(terminal_client)  # the login was not touched
    assert signed_in.status_code == 201
    assert signed_in.json()["language"] == "es"
