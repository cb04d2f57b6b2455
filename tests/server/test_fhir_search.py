"""Searching the FHIR API over real HTTP: the parameters an EHR matches people with,
``_lastUpdated`` for incremental pulls, paging by ``next`` links, ``_include``,
``_summary=count``, OperationOutcome errors, and who may read it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kiosk.server.fhir import systems
from kiosk.server.fhir.registry import KINDS
from tests.server.fhir_helpers import FHIR, RESOURCE_TYPES, Visits, everything, validate
from tests.server.payloads import applicant_body
from tests.server.pickup_helpers import configure_portal, new_chart


def _search(fhir: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    answer = fhir.get(f"{FHIR}/{path}", params=params)
    assert answer.status_code == 200, answer.text
    bundle = answer.json()
    validate(bundle)
    assert bundle["type"] == "searchset"
    return bundle


def _ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [e["resource"]["id"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def _outcome(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    outcome = answer.json()
    validate(outcome)
    assert outcome["resourceType"] == "OperationOutcome"
    return outcome["issue"][0]


def test_patients_are_found_as_an_ehr_matches_people(visits: Visits, fhir: httpx.Client) -> None:
    employee, applicant = str(visits.employee_id), str(visits.applicant_id)
    assert _ids(_search(fhir, "Patient", name="jan")) == [employee]
    assert _ids(_search(fhir, "Patient", name="o'neil")) == [applicant]
    assert _ids(_search(fhir, "Patient", family="DOE")) == [employee]
    assert _ids(_search(fhir, "Patient", **{"family:exact": "doe"})) == []
    assert _ids(_search(fhir, "Patient", **{"family:exact": "Doe"})) == [employee]
    assert _ids(_search(fhir, "Patient", **{"family:contains": "søren"})) == [applicant]
    assert _ids(_search(fhir, "Patient", given="Ana")) == [applicant]
    assert _ids(_search(fhir, "Patient", given="Ana,Jane")) == [applicant, employee]
    assert _ids(_search(fhir, "Patient", name="100%")) == []  # LIKE wildcards are literal
    assert _ids(_search(fhir, "Patient", birthdate="1990-04-17")) == [employee]
    assert _ids(_search(fhir, "Patient", birthdate="1990")) == [employee]
    assert _ids(_search(fhir, "Patient", birthdate="gt1990-04-17")) == []
    assert _ids(_search(fhir, "Patient", birthdate="lt1991")) == [employee]
    assert _ids(_search(fhir, "Patient", birthdate="ge1990-04-17")) == [employee]
    reference = f"{systems.CHART_REFERENCE}|{visits.employee_reference}"
    assert _ids(_search(fhir, "Patient", identifier=reference)) == [employee]
    assert _ids(_search(fhir, "Patient", identifier=visits.employee_reference)) == [employee]
    assert _ids(_search(fhir, "Patient", identifier=f"{systems.HR_EXTERNAL_ID}|HR-1001")) == [
        employee
    ]
    assert _ids(_search(fhir, "Patient", identifier=f"{systems.CHART_REFERENCE}|HR-1001")) == []
    assert _ids(_search(fhir, "Patient", active="false")) == [applicant]
    assert _ids(_search(fhir, "Patient", _id=f"{applicant},{employee}")) == [applicant, employee]
    both = _search(fhir, "Patient", family="Doe", given="Jane")  # parameters AND together
    assert _ids(both) == [employee]
    assert _ids(_search(fhir, "Patient", family="Doe", given="Ana")) == []


def test_patient_subject_and_status_on_every_clinical_type(
    visits: Visits, fhir: httpx.Client
) -> None:
    employee = f"Patient/{visits.employee_id}"
    applicant = f"Patient/{visits.applicant_id}"
    for resource_type, param, expected in [
        ("QuestionnaireResponse", "patient", 4),
        ("QuestionnaireResponse", "subject", 4),
        ("DocumentReference", "patient", 4),
        ("DocumentReference", "subject", 4),
        ("Consent", "patient", 3),
        ("Task", "patient", 8),
        ("Task", "subject", 8),
    ]:
        assert _search(fhir, resource_type, **{param: employee})["total"] == expected
        assert _search(fhir, resource_type, **{param: applicant})["total"] == 0  # merged away
        assert _search(fhir, resource_type, **{param: str(visits.employee_id)})["total"] == (
            expected
        )
    assert _search(fhir, "QuestionnaireResponse", status="completed")["total"] == 4
    assert _search(fhir, "QuestionnaireResponse", status="in-progress")["total"] == 0
    assert _search(fhir, "DocumentReference", status="current")["total"] == 4
    assert _search(fhir, "Consent", status="active")["total"] == 2
    assert _search(fhir, "Consent", status="inactive")["total"] == 1
    assert _search(fhir, "Task", status="ready")["total"] == 8
    assert _search(fhir, "Task", status="completed")["total"] == 0
    respirator = "Respirator Medical Evaluation (OSHA 1910.134 App. C)"
    assert _search(fhir, "DocumentReference", type=respirator)["total"] == 2
    assert (
        _search(fhir, "DocumentReference", type=f"{systems.DOCUMENT_TYPE}|{respirator}")["total"]
        == 2
    )
    assert _search(fhir, "DocumentReference", category="Questionnaires")["total"] == 2
    assert _search(fhir, "Device", identifier="lobby-1")["total"] == 1
    assert _search(fhir, "Organization", name="harbor")["total"] == 1


def test_last_updated_pulls_what_changed_since_the_last_run(
    visits: Visits, fhir: httpx.Client, client: httpx.Client
) -> None:
    first_run = {t: everything(fhir, t) for t in ("Patient", "QuestionnaireResponse", "Task")}
    last_seen = max(r["meta"]["lastUpdated"] for rs in first_run.values() for r in rs)
    for resource_type in first_run:
        assert _search(fhir, resource_type, _lastUpdated=f"gt{last_seen}")["total"] == 0
        assert _search(fhir, resource_type, _lastUpdated=f"le{last_seen}")["total"] == len(
            first_run[resource_type]
        )

    newer = client.post(
        "/v1/applicants",
        json=applicant_body(first_name="Ben", last_name="Okafor"),
        headers={"Idempotency-Key": "fhir-later-visit"},
    )
    assert newer.status_code == 201
    new_id = str(newer.json()["chart_id"])
    task_id = client.get("/v1/tasks").json()[0]["id"]
    assert client.post(f"/v1/tasks/{task_id}/done").status_code == 200

    changed = _search(fhir, "Patient", _lastUpdated=f"gt{last_seen}")
    assert _ids(changed) == [new_id]
    assert _search(fhir, "QuestionnaireResponse", _lastUpdated=f"gt{last_seen}")["total"] == 2
    changed_tasks = _search(fhir, "Task", _lastUpdated=f"gt{last_seen}", _count=100)
    assert str(task_id) in _ids(changed_tasks)
    assert _search(fhir, "Task", _lastUpdated=f"gt{last_seen}")["total"] == 5  # 4 new + 1 done
    older = _search(fhir, "Patient", _lastUpdated=f"lt{last_seen}")
    assert new_id not in _ids(older)
    window = _search(fhir, "Patient", _lastUpdated=[f"gt{last_seen}", "lt2999-01-01"])
    assert _ids(window) == [new_id]
    assert _search(fhir, "Patient", _lastUpdated="2000")["total"] == 0


def test_count_pages_by_next_links(client: httpx.Client, fhir: httpx.Client) -> None:
    configure_portal(client)
    made = [
        str(new_chart(client, first_name=f"P{n}", last_name="Page")["chart_id"]) for n in range(7)
    ]
    seen: list[str] = []
    bundle = _search(fhir, "Patient", family="Page", _count=3)
    pages = 0
    while True:
        pages += 1
        assert bundle["total"] == 7
        seen += _ids(bundle)
        following = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not following:
            break
        answer = fhir.get(following[0])
        assert answer.status_code == 200
        bundle = answer.json()
    assert (pages, seen) == (3, made)
    assert _search(fhir, "Patient", family="Page", _count=0).get("entry") is None
    summary = _search(fhir, "Patient", family="Page", _summary="count")
    assert (summary["total"], summary.get("entry")) == (7, None)


def test_include_brings_the_patient(visits: Visits, fhir: httpx.Client) -> None:
    employee = str(visits.employee_id)
    for resource_type, include in [
        ("QuestionnaireResponse", "QuestionnaireResponse:subject"),
        ("QuestionnaireResponse", "QuestionnaireResponse:patient"),
        ("Consent", "Consent:patient"),
        ("Task", "Task:patient"),
        ("DocumentReference", "DocumentReference:subject"),
    ]:
        bundle = _search(fhir, resource_type, _include=include, _count=2)
        assert len(_ids(bundle)) == 2
        assert _ids(bundle, "include") == [employee]
        included = next(e for e in bundle["entry"] if e["search"]["mode"] == "include")
        assert included["resource"]["resourceType"] == "Patient"
        assert included["fullUrl"].endswith(f"/fhir/R4/Patient/{employee}")
    answer = fhir.get(f"{FHIR}/Consent", params={"_include": "Consent:actor"})
    assert "_include" in _outcome(answer, 400)["diagnostics"]


def test_errors_are_operation_outcomes(visits: Visits, fhir: httpx.Client) -> None:
    unknown = _outcome(fhir.get(f"{FHIR}/Patient", params={"eye-colour": "blue"}), 400)
    assert "eye-colour" in unknown["diagnostics"]
    assert unknown["code"] == "not-supported"
    _outcome(fhir.get(f"{FHIR}/Patient", params={"name:phonetic": "jane"}), 400)
    _outcome(fhir.get(f"{FHIR}/Patient", params={"_sort": "family"}), 400)
    _outcome(fhir.get(f"{FHIR}/Patient", params={"_count": "-1"}), 400)
    _outcome(fhir.get(f"{FHIR}/Patient", params={"birthdate": "yesterday"}), 400)
    _outcome(fhir.get(f"{FHIR}/Patient", params={"_lastUpdated": "gt2026-01-01T10:00"}), 400)
    for odd in ("²", "9" * 5000, "1e3"):
        _outcome(fhir.get(f"{FHIR}/Patient", params={"_count": odd}), 400)
    for odd in ("0000", "2026-02-30", "٢٠٢٦", "2026-13", "2026-01-01T25:00:00Z"):
        _outcome(fhir.get(f"{FHIR}/Patient", params={"_lastUpdated": odd}), 400)
    for edge in ("lt9999-12-31", "lt9999", "le9999-12-31T23:59:59.999999Z", "ge0001-01-01"):
        assert _search(fhir, "Patient", _lastUpdated=edge)["total"] == 2
    assert _search(fhir, "Patient", _lastUpdated="gt9999-12")["total"] == 0
    _outcome(fhir.get(f"{FHIR}/Patient/²"), 404)
    _outcome(fhir.get(f"{FHIR}/$export-file/x/²"), 404)
    _outcome(fhir.get(f"{FHIR}/Patient", params={"_format": "xml"}), 406)
    assert _search(fhir, "Patient", _format="json")["total"] == 2
    _outcome(fhir.get(f"{FHIR}/Observation"), 404)
    _outcome(fhir.get(f"{FHIR}/Patient/999999"), 404)
    _outcome(fhir.get(f"{FHIR}/Patient/not-a-number"), 404)
    _outcome(fhir.get(f"{FHIR}/Organization/org-nope"), 404)
    _outcome(fhir.post(f"{FHIR}/Patient", json={"resourceType": "Patient"}), 405)
    _outcome(fhir.delete(f"{FHIR}/Patient/{visits.employee_id}"), 405)
    _outcome(fhir.get(f"{FHIR}/Patient/1/_history"), 404)


def test_who_may_read_the_fhir_api(
    visits: Visits,
    fhir: httpx.Client,
    client: httpx.Client,
    terminal_client: httpx.Client,
    base_url: str,
) -> None:
    assert _outcome(httpx.get(f"{base_url}{FHIR}/Patient"), 401)["code"] == "login"
    bad = httpx.get(
        f"{base_url}{FHIR}/Patient", headers={"Authorization": "Bearer kst_nope_nope_nope_nope"}
    )
    _outcome(bad, 401)
    assert "FHIR read token" in _outcome(terminal_client.get(f"{FHIR}/Patient"), 403)["diagnostics"]
    _outcome(terminal_client.get(f"{FHIR}/Patient/{visits.employee_id}"), 403)
    assert client.get(f"{FHIR}/Patient").status_code == 200  # admin tokens may read it too
    # a FHIR read token reads nothing else, and files nothing
    for answer in (
        fhir.get("/v1/charts"),
        fhir.get("/v1/tasks"),
        fhir.post(
            "/v1/applicants", json=applicant_body(), headers={"Idempotency-Key": "fhir-token-x"}
        ),
    ):
        assert answer.status_code == 403
        assert answer.json()["error"] == "fhir_read_only"


def test_metadata_lists_exactly_what_is_supported(base_url: str, fhir: httpx.Client) -> None:
    answer = httpx.get(f"{base_url}{FHIR}/metadata")  # no token needed
    assert answer.status_code == 200
    statement = answer.json()
    validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    rest = statement["rest"][0]
    assert [r["type"] for r in rest["resource"]] == list(RESOURCE_TYPES)
    assert rest["operation"] == [
        {
            "name": "export",
            "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
        }
    ]
    for resource in rest["resource"]:
        kind = KINDS[resource["type"]]
        assert [i["code"] for i in resource["interaction"]] == ["read", "search-type"]
        names = [p["name"] for p in resource["searchParam"]]
        assert names == list(kind.search_params())
        # each listed parameter is accepted ...
        for param in resource["searchParam"]:
            value = {"date": "ge2000-01-01", "reference": "Patient/1"}.get(param["type"], "x")
            assert (
                fhir.get(f"{FHIR}/{resource['type']}", params={param["name"]: value}).status_code
                == 200
            )
        # ... and each listed include, and nothing else
        for include in resource.get("searchInclude", []):
            assert (
                fhir.get(f"{FHIR}/{resource['type']}", params={"_include": include}).status_code
                == 200
            )
        for other in ("family", "status", "patient", "identifier", "name", "url", "type"):
            if other not in names:
                rejected = fhir.get(f"{FHIR}/{resource['type']}", params={other: "x"})
                assert rejected.status_code == 400, (resource["type"], other)
    patient = next(r for r in rest["resource"] if r["type"] == "Patient")
    assert patient["operation"][0]["name"] == "export"
    for name in ("name", "family", "given", "birthdate", "identifier"):
        assert name in [p["name"] for p in patient["searchParam"]]


@pytest.mark.parametrize("resource_type", RESOURCE_TYPES)
def test_an_empty_server_answers_empty_bundles(resource_type: str, fhir: httpx.Client) -> None:
    bundle = _search(fhir, resource_type)
    assert (bundle["total"], bundle.get("entry")) == (0, None)
