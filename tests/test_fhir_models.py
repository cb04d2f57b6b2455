"""The FHIR validation helper still refuses what is wrong, in and around extension values."""

from __future__ import annotations

import pydantic
import pytest

from tests.fhir_models import validate_fhir

CORE = "http://hl7.org/fhir/StructureDefinition/"


def form(bound: dict[str, object], **extra: object) -> dict[str, object]:
    item = {"linkId": "d", "type": "date", "extension": [{"url": CORE + "maxValue", **bound}]}
    return {"resourceType": "Questionnaire", "status": "active", "item": [item], **extra}


def calculated(expression: object) -> dict[str, object]:
    return {"extension": [{"url": CORE + "cqf-calculatedValue", "valueString": expression}]}


def test_a_limit_given_by_an_expression_is_valid_fhir() -> None:
    validate_fhir(form({"_valueDate": calculated("today()")}))


@pytest.mark.parametrize(
    "resource",
    [
        form({"_valueDate": calculated(42)}),  # a string expected inside the extension
        form({"_valueDate": {"extension": [{"valueString": "today()"}]}}),  # no url
        form({"valueDate": "31/07/1990"}),
        form({"_valueDate": calculated("today()")}, date="not a date"),
    ],
)
def test_what_is_wrong_is_still_refused(resource: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        validate_fhir(resource)
