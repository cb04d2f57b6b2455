"""What QuestionnaireResponse and DocumentReference share: both are a filed document,
searched by the same columns (one document row is one of each, with the same id)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, false, select, true

from kiosk.server.fhir.kinds import SqlKind
from kiosk.server.fhir.search import Criterion, reference_ids, sql_in
from kiosk.server.models import Chart, Document


class FiledDocumentKind(SqlKind):
    """A resource type with one resource per ``documents`` row."""

    includes: ClassVar[tuple[str, ...]] = ("patient", "subject")
    patient_compartment = True
    status: ClassVar[str]
    """The one status every resource of the type has."""

    def statement(self) -> Select[*tuple[Any, ...]]:
        return select(Document, Chart.portal, Chart.provider_organization).join(
            Chart, Chart.id == Document.chart_id
        )

    def id_column(self) -> Any:
        return Document.id

    def last_updated(self) -> Any:
        return Document.updated_at

    def clause(self, criterion: Criterion) -> ColumnElement[bool]:
        if criterion.name in ("patient", "subject"):
            return sql_in(Document.chart_id, reference_ids(criterion, "Patient"))
        if criterion.name == "status":
            wanted = {v.partition("|")[2] or v for v in criterion.values}
            return true() if self.status in wanted else false()
        return super().clause(criterion)

    def patient_reference(self, resource: dict[str, Any]) -> str | None:
        reference: str = resource["subject"]["reference"]
        return reference
