"""The FHIR API after a complete applicant visit, a complete pickup visit and a merge:
the Patients, QuestionnaireResponses, Consents, Tasks and DocumentReferences are what the
visits did; every resource validates with fhir.resources and every reference resolves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from kiosk.server.fhir import systems
from tests.server.fhir_helpers import (
    FHIR,
    RESOURCE_TYPES,
    Visits,
    applicant_then_pickup_then_merge,
    check_resolves,
    everything,
    validate,
)
from tests.server.payloads import CONSENT, HEALTH_HISTORY, RESPIRATOR, applicant_body
from tests.server.pickup_helpers import CONSENT_TEXT, PRIVACY_TEXT, configure_portal, version


def _by_id(resources: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in resources}


def _extension(resource: dict[str, Any], url: str) -> dict[str, Any]:
    return next(e for e in resource["extension"] if e["url"] == url)


def test_every_resource_validates_and_every_reference_resolves(
    visits: Visits, fhir: httpx.Client
) -> None:
    counts = {}
    resolved = 0
    for resource_type in RESOURCE_TYPES:
        resources = everything(fhir, resource_type)
        counts[resource_type] = len(resources)
        for resource in resources:
            validate(resource)
            assert resource["resourceType"] == resource_type
            read = fhir.get(f"{FHIR}/{resource_type}/{resource['id']}")
            assert read.status_code == 200
            assert read.headers["content-type"].startswith("application/fhir+json")
            assert read.json() == resource
            resolved += check_resolves(fhir, resource)
    assert counts == {
        "Patient": 2,
        "QuestionnaireResponse": 4,
        "Consent": 3,
        "Task": 8,
        "DocumentReference": 4,
        "Questionnaire": 2,
        "Organization": 6,  # the provider, the applicant department, four queues
        "Device": 1,
    }
    assert resolved > 40
    # the questionnaire of every response is found by its canonical URL and version
    for response in everything(fhir, "QuestionnaireResponse"):
        url, _, ver = response["questionnaire"].partition("|")
        found = fhir.get(f"{FHIR}/Questionnaire", params={"url": url, "version": ver}).json()
        assert found["total"] == 1
        assert found["entry"][0]["resource"]["title"] in (
            HEALTH_HISTORY["title"],
            RESPIRATOR["title"],
        )


def test_patients_are_the_charts_and_the_merge_links_them(
    visits: Visits, fhir: httpx.Client
) -> None:
    patients = _by_id(everything(fhir, "Patient"))
    applicant = patients[str(visits.applicant_id)]
    employee = patients[str(visits.employee_id)]

    assert applicant["active"] is False
    assert applicant["link"] == [
        {"other": {"reference": f"Patient/{visits.employee_id}"}, "type": "replaced-by"}
    ]
    assert applicant["meta"]["tag"][0]["code"] == "applicant"
    assert _extension(applicant, systems.EXT_LOGIN_ENABLED)["valueBoolean"] is False
    department = _extension(applicant, systems.EXT_DEPARTMENT)["valueReference"]
    assert department["display"] == "Northwind Logistics — Applicants"
    assert applicant["name"][0]["family"] == "O'Neil-Søren"
    assert applicant["communication"][0]["language"]["coding"][0]["code"] == "en"
    assert applicant["managingOrganization"]["display"] == "Harbor Occupational Health"

    assert employee["active"] is True
    assert employee["link"] == [
        {"other": {"reference": f"Patient/{visits.applicant_id}"}, "type": "replaces"}
    ]
    assert employee["meta"]["tag"][0]["code"] == "employee"
    assert _extension(employee, systems.EXT_LOGIN_ENABLED)["valueBoolean"] is True
    assert employee["birthDate"] == "1990-04-17"
    assert {(i["system"], i["value"]) for i in employee["identifier"]} == {
        (systems.CHART_REFERENCE, visits.employee_reference),
        (systems.HR_EXTERNAL_ID, "HR-1001"),
    }
    assert employee["name"][0] == {
        "use": "official",
        "text": "Jane Doe",
        "family": "Doe",
        "given": ["Jane"],
    }
    assert employee["telecom"] == [{"system": "email", "value": "jane.doe@example.org"}]

    department_org = fhir.get(f"{FHIR}/{department['reference']}").json()
    assert department_org["partOf"]["display"] == "Harbor Occupational Health"
    assert department_org["type"][0]["coding"][0]["code"] == "dept"


def test_documents_responses_consents_and_tasks_are_what_the_visits_filed(
    visits: Visits, fhir: httpx.Client
) -> None:
    employee = f"Patient/{visits.employee_id}"
    responses = everything(fhir, "QuestionnaireResponse")
    assert [r["subject"]["reference"] for r in responses] == [employee] * 4
    assert [r["source"]["reference"] for r in responses] == [employee] * 4
    assert sorted(r["questionnaire"] for r in responses) == sorted(
        [HEALTH_HISTORY["questionnaire"], RESPIRATOR["questionnaire"]] * 2
    )
    assert {r["author"]["display"] for r in responses} == {"lobby-1"}
    assert all(r["status"] == "completed" and r["authored"] for r in responses)
    history = next(r for r in responses if r["questionnaire"] == HEALTH_HISTORY["questionnaire"])
    assert history["item"] == HEALTH_HISTORY["response"]["item"]

    documents = _by_id(everything(fhir, "DocumentReference"))
    assert set(documents) == {r["id"] for r in responses}
    for response in responses:
        document = documents[response["id"]]
        spec = (
            HEALTH_HISTORY
            if response["questionnaire"] == HEALTH_HISTORY["questionnaire"]
            else RESPIRATOR
        )
        assert document["type"]["coding"][0]["code"] == spec["document_type"]
        assert document["category"][0]["coding"][0]["code"] == spec["chart_tab"]
        assert document["context"]["event"][0]["coding"][0]["code"] == spec["order_item"]
        assert document["subject"]["reference"] == employee
        assert document["custodian"]["display"] == "Harbor Occupational Health"
        url = document["content"][0]["attachment"]["url"]
        assert url.endswith(f"/fhir/R4/QuestionnaireResponse/{response['id']}")
        assert fhir.get(url).json() == response
        assert document["context"]["related"][0]["reference"] == (
            f"QuestionnaireResponse/{response['id']}"
        )

    consents = everything(fhir, "Consent")
    assert [c["patient"]["reference"] for c in consents] == [employee] * 3
    rules = [
        (c["policyRule"]["coding"][0]["code"], c["policyRule"]["coding"][0]["version"], c["status"])
        for c in consents
    ]
    assert rules == [
        ("preplacement-evaluation", CONSENT["version"], "inactive"),  # the applicant's, superseded
        ("preplacement-evaluation", version(CONSENT_TEXT), "active"),
        ("privacy", version(PRIVACY_TEXT), "active"),
    ]
    first = consents[0]
    assert first["dateTime"] == "2026-11-23T10:00:00Z"
    assert first["sourceAttachment"]["language"] == "en"
    signed = datetime.fromisoformat(consents[1]["dateTime"])
    due = datetime.fromisoformat(consents[1]["provision"]["period"]["end"])
    assert due - signed == timedelta(days=365)
    assert "end" not in consents[2]["provision"]["period"]  # no renewal interval
    assert datetime.fromisoformat(first["meta"]["lastUpdated"]) >= datetime.fromisoformat(
        consents[1]["meta"]["lastUpdated"]
    )

    tasks = everything(fhir, "Task")
    assert [t["for"]["reference"] for t in tasks] == [employee] * 8
    assert [(t["code"]["coding"][0]["code"], t["owner"]["display"]) for t in tasks] == [
        ("applicant_registered", "Intake"),
        ("document_filed", "Records"),
        ("document_filed", "Respiratory"),
        ("document_filed", "Records"),
        ("document_filed", "Records"),
        ("document_filed", "Respiratory"),
        ("document_filed", "Records"),
        ("code_redeemed", "Front desk"),
    ]
    assert {t["status"] for t in tasks} == {"ready"}
    queue = fhir.get(f"{FHIR}/{tasks[0]['owner']['reference']}").json()
    assert (queue["name"], queue["type"][0]["coding"][0]["code"]) == ("Intake", "team")
    for task in tasks:
        if task["code"]["coding"][0]["code"] == "document_filed":
            document = documents[task["focus"]["reference"].removeprefix("DocumentReference/")]
            assert document["type"]["coding"][0]["code"] == task["note"][0]["text"]
        else:
            assert task["focus"]["reference"] == employee
    # the applicant visit's focus documents are the applicant visit's documents
    applicant_docs = sorted(int(i) for i in documents)[:2]
    assert {int(t["focus"]["reference"].split("/")[1]) for t in tasks[1:4]} == set(applicant_docs)


def test_a_task_marked_done_is_completed(
    visits: Visits, fhir: httpx.Client, client: httpx.Client
) -> None:
    task_id = client.get("/v1/tasks").json()[0]["id"]
    before = fhir.get(f"{FHIR}/Task/{task_id}").json()
    assert client.post(f"/v1/tasks/{task_id}/done").status_code == 200
    after = fhir.get(f"{FHIR}/Task/{task_id}").json()
    validate(after)
    assert (before["status"], after["status"]) == ("ready", "completed")
    assert after["lastModified"] > before["lastModified"]
    assert after["executionPeriod"]["end"]
    completed = fhir.get(f"{FHIR}/Task", params={"status": "completed"}).json()
    assert [e["resource"]["id"] for e in completed["entry"]] == [str(task_id)]


def test_a_merge_shows_in_last_updated(
    client: httpx.Client, terminal_client: httpx.Client, fhir: httpx.Client
) -> None:
    """An interface engine pulling ``_lastUpdated=gt`` its last run sees what the merge changed."""
    visits = applicant_then_pickup_then_merge(client, terminal_client, merge=False)
    before = {t: everything(fhir, t) for t in RESOURCE_TYPES[:5]}
    assert [r["subject"]["reference"] for r in before["QuestionnaireResponse"]] == [
        f"Patient/{visits.applicant_id}"
    ] * 2 + [f"Patient/{visits.employee_id}"] * 2
    assert [c["status"] for c in before["Consent"]] == ["active"] * 3
    last_run = max(r["meta"]["lastUpdated"] for rs in before.values() for r in rs)

    merged = client.post(
        "/v1/merges",
        json={"applicant_chart_id": visits.applicant_id, "employee_chart_id": visits.employee_id},
    )
    assert merged.status_code == 201

    def changed(resource_type: str) -> list[dict[str, Any]]:
        bundle = fhir.get(f"{FHIR}/{resource_type}", params={"_lastUpdated": f"gt{last_run}"})
        assert bundle.status_code == 200
        return [e["resource"] for e in bundle.json().get("entry", [])]

    assert sorted(p["id"] for p in changed("Patient")) == sorted(
        [str(visits.applicant_id), str(visits.employee_id)]
    )
    moved = before["QuestionnaireResponse"][:2]
    assert [r["id"] for r in changed("QuestionnaireResponse")] == [r["id"] for r in moved]
    assert [r["id"] for r in changed("DocumentReference")] == [r["id"] for r in moved]
    assert [t["id"] for t in changed("Task")] == [t["id"] for t in before["Task"][:4]]
    superseded = changed("Consent")
    assert [(c["id"], c["status"]) for c in superseded] == [
        (before["Consent"][0]["id"], "inactive")
    ]


def test_a_response_the_kiosk_dated_oddly_still_validates(
    client: httpx.Client, fhir: httpx.Client
) -> None:
    body = applicant_body()
    body["documents"][0]["response"]["authored"] = "the day before yesterday"
    body["documents"][1]["response"]["authored"] = "2026-11-23T10:00:00+01:00"
    body["documents"][1]["response"]["id"] = "kiosk-local-id"
    filed = client.post("/v1/applicants", json=body, headers={"Idempotency-Key": "fhir-odd-1"})
    assert filed.status_code == 201, filed.text
    responses = everything(fhir, "QuestionnaireResponse")
    for response in responses:
        validate(response)
    assert responses[0]["authored"].startswith("20")  # when it was filed instead
    assert responses[1]["authored"] == "2026-11-23T10:00:00+01:00"
    assert [r["id"] for r in responses] == [r["id"] for r in everything(fhir, "DocumentReference")]


def test_a_portal_change_shows_in_last_updated(
    visits: Visits, fhir: httpx.Client, client: httpx.Client
) -> None:
    """A changed renewal interval changes the Consents' due dates: they are pulled again;
    loading the same portal configuration again changes nothing."""
    consents = everything(fhir, "Consent")
    last_run = max(
        r["meta"]["lastUpdated"] for t in RESOURCE_TYPES[:5] for r in everything(fhir, t)
    )

    def changed(resource_type: str) -> list[dict[str, Any]]:
        answer = fhir.get(f"{FHIR}/{resource_type}", params={"_lastUpdated": f"gt{last_run}"})
        assert answer.status_code == 200
        return [e["resource"] for e in answer.json().get("entry", [])]

    configure_portal(client)  # the same configuration again
    assert [changed(t) for t in ("Patient", "Consent")] == [[], []]

    configure_portal(client, renewal_interval_days=30)
    renewed = changed("Consent")
    assert [c["id"] for c in renewed] == [c["id"] for c in consents]
    active = next(c for c in renewed if c["id"] == consents[1]["id"])
    signed = datetime.fromisoformat(active["dateTime"])
    due = datetime.fromisoformat(active["provision"]["period"]["end"])
    assert due - signed == timedelta(days=30)
