"""Tasklist events raised by the portal's rules, merging an applicant chart into an employee
chart, and purging applicant charts past the retention period."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from kiosk.server.cli import main
from kiosk.server.db import make_engine, make_sessionmaker
from kiosk.server.models import Chart, utc_now
from tests.server.payloads import RESPIRATOR, applicant_body
from tests.server.pickup_helpers import all_consents, configure_portal, new_chart, redeem_body


@pytest.fixture
def admin(client: httpx.Client) -> httpx.Client:
    configure_portal(client)
    return client


def _applicant(admin: httpx.Client, key: str, **overrides: object) -> int:
    answer = admin.post(
        "/v1/applicants", json=applicant_body(**overrides), headers={"Idempotency-Key": key}
    )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["chart_id"])


def _titles(tasks: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(t["event"], t["title"], t["queue"], t["detail"]) for t in tasks]


def test_tasks_are_raised_by_the_portals_rules(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    chart_id = _applicant(admin, "visit-tasks-1")
    tasks = admin.get("/v1/tasks").json()
    assert {t["chart_id"] for t in tasks} == {chart_id}
    respirator = RESPIRATOR["document_type"]
    assert _titles(tasks) == [
        ("applicant_registered", "Review new applicant", "Intake", ""),
        ("document_filed", "File reviewed", "Records", "Pre-placement Health History"),
        ("document_filed", "Review the respirator evaluation", "Respiratory", respirator),
        ("document_filed", "File reviewed", "Records", respirator),
    ]
    # a replay raises nothing new
    again = admin.post(
        "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "visit-tasks-1"}
    )
    assert again.status_code == 200
    assert len(admin.get("/v1/tasks").json()) == 4

    issued = new_chart(admin)
    redeemed = terminal_client.post("/v1/pickup/redeem", json=redeem_body(issued["pickup_code"]))
    assert redeemed.status_code == 201
    mine = admin.get("/v1/tasks").json()[4:]
    assert _titles(mine) == [("code_redeemed", "Portal login created", "Front desk", "")]
    assert mine[0]["chart_id"] == issued["chart_id"]

    done = admin.post(f"/v1/tasks/{mine[0]['id']}/done")
    assert done.status_code == 200
    assert done.json()["done_by"] == "staff"
    assert admin.post(f"/v1/tasks/{mine[0]['id']}/done").json() == done.json()
    assert len(admin.get("/v1/tasks").json()) == 4
    assert [t["id"] for t in admin.get("/v1/tasks?status=done").json()] == [mine[0]["id"]]
    assert len(admin.get("/v1/tasks", params={"status": "all"}).json()) == 5
    assert admin.get("/v1/tasks", params={"portal": "other"}).json() == []
    assert admin.post("/v1/tasks/999999/done").status_code == 404


def test_tasks_from_the_command_line(
    admin: httpx.Client, server_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _applicant(admin, "visit-tasks-cli")
    assert main(["tasks", "list", "--database", server_database_url]) == 0
    out = capsys.readouterr().out
    assert "[Intake] Review new applicant" in out
    assert out.count("\n") == 4
    first = int(out.split()[0].lstrip("#"))
    assert (
        main(["tasks", "done", str(first), "--by", "nurse-kim", "--database", server_database_url])
        == 0
    )
    assert "by nurse-kim" in capsys.readouterr().out
    assert (
        main(["tasks", "list", "--status", "done", "--json", "--database", server_database_url])
        == 0
    )
    import json

    [task] = json.loads(capsys.readouterr().out)
    assert (task["id"], task["done_by"]) == (first, "nurse-kim")
    assert main(["tasks", "done", "999999", "--database", server_database_url]) == 1


def test_merge_moves_everything_and_retires_the_applicant_chart(
    admin: httpx.Client, terminal_client: httpx.Client
) -> None:
    applicant = _applicant(admin, "visit-merge-1")
    employee = new_chart(admin)
    redeemed = terminal_client.post(
        "/v1/pickup/redeem", json=redeem_body(employee["pickup_code"], consents=all_consents())
    )
    assert redeemed.status_code == 201
    merged = admin.post(
        "/v1/merges",
        json={"applicant_chart_id": applicant, "employee_chart_id": employee["chart_id"]},
    )
    assert merged.status_code == 201, merged.text
    record = merged.json()
    assert (record["documents_moved"], record["consents_moved"], record["tasks_moved"]) == (
        2,
        1,
        4,
    )
    old = admin.get(f"/v1/charts/{applicant}").json()
    assert old["retired_at"] is not None
    assert old["merged_into_id"] == employee["chart_id"]
    assert (old["documents"], old["consents"]) == ([], [])
    new = admin.get(f"/v1/charts/{employee['chart_id']}").json()
    assert len(new["documents"]) == 2
    assert len(new["consents"]) == 3
    tasks = admin.get("/v1/tasks").json()
    assert {t["chart_id"] for t in tasks} == {employee["chart_id"]}

    twice = admin.post(
        "/v1/merges",
        json={"applicant_chart_id": applicant, "employee_chart_id": employee["chart_id"]},
    )
    assert twice.status_code == 409
    assert twice.json()["error"] == "already_merged"
    assert f"already merged into chart {employee['chart_id']}" in twice.json()["detail"]

    other = new_chart(admin, first_name="Other")
    wrong_way = admin.post(
        "/v1/merges",
        json={"applicant_chart_id": other["chart_id"], "employee_chart_id": employee["chart_id"]},
    )
    assert wrong_way.status_code == 409
    assert wrong_way.json()["error"] == "not_an_applicant"
    fresh = _applicant(admin, "visit-merge-2")
    into_applicant = admin.post(
        "/v1/merges", json={"applicant_chart_id": fresh, "employee_chart_id": applicant}
    )
    assert into_applicant.json()["error"] == "not_an_employee"
    missing = admin.post(
        "/v1/merges", json={"applicant_chart_id": fresh, "employee_chart_id": 999999}
    )
    assert missing.status_code == 404


def test_merge_from_the_command_line(
    admin: httpx.Client, server_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    applicant = _applicant(admin, "visit-merge-cli")
    employee = new_chart(admin)["chart_id"]
    url = server_database_url
    assert main(["merge", str(applicant), str(employee), "--database", url]) == 0
    out = capsys.readouterr().out
    assert f"merged chart {applicant} into chart {employee}: 2 documents" in out
    assert main(["merge", str(applicant), str(employee), "--database", url]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"kiosk-server: error: merge refused: chart {applicant} was already merged"
        f" into chart {employee}"
    )
    assert main(["merge", str(employee), str(employee), "--database", url]) == 1
    assert "into itself" in capsys.readouterr().err


def test_purge_deletes_old_unmerged_applicant_charts(
    admin: httpx.Client, server_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    old = _applicant(admin, "visit-purge-old")
    old_merged = _applicant(admin, "visit-purge-merged")
    recent = _applicant(admin, "visit-purge-new")
    employee = new_chart(admin)["chart_id"]
    admin.post("/v1/merges", json={"applicant_chart_id": old_merged, "employee_chart_id": employee})
    engine = make_engine(server_database_url)
    try:
        with make_sessionmaker(engine)() as session:
            session.execute(
                update(Chart)
                .where(Chart.id.in_((old, old_merged, employee)))
                .values(created_at=utc_now() - timedelta(days=200))
            )
            session.commit()
    finally:
        engine.dispose()
    url = server_database_url
    assert main(["purge", "--older-than", "180d", "--dry-run", "--database", url]) == 0
    assert "would delete 1 applicant chart never merged and older than 180 days" in (
        capsys.readouterr().out
    )
    assert main(["purge", "--older-than", "180d", "--database", url]) == 0
    assert "deleted 1 applicant chart " in capsys.readouterr().out
    remaining = {c["id"] for c in admin.get("/v1/charts").json()}
    assert remaining == {old_merged, recent, employee}
    assert old not in {t["chart_id"] for t in admin.get("/v1/tasks?status=all").json()}
    assert main(["purge", "--database", url]) == 0
    assert "deleted 0 applicant charts" in capsys.readouterr().out
    assert main(["purge", "--older-than", "soon", "--database", url]) == 2
