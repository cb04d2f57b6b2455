"""The FHIR API driven by fhirpy, a FHIR client written by others, over real HTTP, as an
EHR integration would: search, page through ``next`` links, follow ``_include`` and
references, read by id."""

from __future__ import annotations

import httpx
import pytest
from fhirpy import SyncFHIRClient

from tests.server.fhir_helpers import FHIR, Visits, fhir_headers, validate
from tests.server.pickup_helpers import new_chart


@pytest.fixture
def ehr(base_url: str, server_database_url: str) -> SyncFHIRClient:
    """fhirpy's client of the live server, with a FHIR read token."""
    authorization = fhir_headers(server_database_url, "ehr-fhirpy")["Authorization"]
    return SyncFHIRClient(f"{base_url}{FHIR}", authorization=authorization)


def test_fhirpy_searches_pages_and_follows_references(
    visits: Visits, client: httpx.Client, ehr: SyncFHIRClient
) -> None:
    for n in range(5):
        new_chart(
            client, first_name=f"Sam{n}", last_name="Rivera", date_of_birth="1985-02-0" + str(n + 1)
        )

    # paging: fetch_all follows the next links, two at a time
    riveras = ehr.resources("Patient").search(family="rivera").limit(2).fetch_all()
    assert [p["name"][0]["given"][0] for p in riveras] == [f"Sam{n}" for n in range(5)]
    for patient in riveras:
        validate(patient.serialize())

    # date prefixes, as fhirpy writes them
    born = ehr.resources("Patient").search(birthdate__ge="1985-02-03", family="Rivera").fetch_all()
    assert [p["birthDate"] for p in born] == ["1985-02-03", "1985-02-04", "1985-02-05"]
    assert ehr.resources("Patient").search(birthdate__lt="1985").fetch_all() == []

    # match a person by identifier, then read everything filed for them
    employee = ehr.resources("Patient").search(identifier=visits.employee_reference).get()
    assert employee.id == str(visits.employee_id)
    responses = (
        ehr.resources("QuestionnaireResponse").search(subject=f"Patient/{employee.id}").fetch_all()
    )
    assert len(responses) == 4
    author = responses[0]["author"].to_resource()
    assert author.resource_type == "Device"
    assert author["deviceName"][0]["name"] == "lobby-1"
    assert responses[0]["subject"].to_resource().id == employee.id

    # _include: the Patient comes in the same Bundle
    bundle = (
        ehr.resources("Task")
        .search(patient=employee.id, status="ready")
        .include("Task", "patient")
        .limit(3)
        .fetch_raw()
    )
    modes = [entry["search"]["mode"] for entry in bundle.entry]
    assert modes == ["match", "match", "match", "include"]
    assert bundle.entry[-1].resource.id == employee.id
    assert bundle.total == 8

    consents = ehr.resources("Consent").search(patient=employee.id).include("Consent", "patient")
    raw = consents.fetch_raw()
    assert {e.resource.resource_type for e in raw.entry} == {"Consent", "Patient"}
    assert len(consents.fetch_all()) == 3  # fetch_all keeps the matches only

    # references of every kind resolve through fhirpy too
    document = ehr.resources("DocumentReference").search(patient=employee.id).first()
    assert document is not None
    assert document["context"]["related"][0].to_resource().resource_type == "QuestionnaireResponse"
    assert document["custodian"].to_resource()["name"] == "Harbor Occupational Health"
    applicant = ehr.reference("Patient", str(visits.applicant_id)).to_resource()
    assert applicant["active"] is False
    assert applicant["link"][0]["other"].to_resource().id == employee.id

    # since the last pull: nothing newer than the newest lastUpdated
    newest = max(p["meta"]["lastUpdated"] for p in ehr.resources("Patient").fetch_all())
    assert ehr.resources("Patient").search(_lastUpdated__gt=newest).fetch_all() == []
