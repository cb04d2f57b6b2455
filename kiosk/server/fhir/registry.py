"""The resource types the API serves, by name."""

from __future__ import annotations

from kiosk.server.fhir.consent import ConsentKind
from kiosk.server.fhir.device import DeviceKind
from kiosk.server.fhir.document_reference import DocumentReferenceKind
from kiosk.server.fhir.kinds import Kind
from kiosk.server.fhir.organization import OrganizationKind
from kiosk.server.fhir.patient import PatientKind
from kiosk.server.fhir.questionnaire import QuestionnaireKind
from kiosk.server.fhir.questionnaire_response import QuestionnaireResponseKind
from kiosk.server.fhir.task import TaskKind

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        PatientKind(),
        QuestionnaireResponseKind(),
        ConsentKind(),
        TaskKind(),
        DocumentReferenceKind(),
        QuestionnaireKind(),
        OrganizationKind(),
        DeviceKind(),
    )
}
PATIENT_TYPES = tuple(name for name, kind in KINDS.items() if kind.patient_compartment)
