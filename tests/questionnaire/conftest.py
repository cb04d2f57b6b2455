"""Fixtures of the questionnaire engine tests (helpers are fixtures: tests import no modules)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from kiosk.questionnaire import (
    Answers,
    Questionnaire,
    load_questionnaire,
    parse_questionnaire,
)
from tests.questionnaire.sampling import fill

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUTHORED = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def intake_path() -> Path:
    return FIXTURES / "intake.json"


@pytest.fixture
def intake(intake_path: Path) -> Questionnaire:
    return load_questionnaire(intake_path)


@pytest.fixture
def authored() -> datetime.datetime:
    return AUTHORED


@pytest.fixture
def make_q() -> Callable[..., Questionnaire]:
    """Parse a questionnaire made of *items* (dicts) plus top-level *fields*."""

    def make(*items: dict[str, Any], **fields: Any) -> Questionnaire:
        data = {"resourceType": "Questionnaire", "status": "active", **fields, "item": list(items)}
        return parse_questionnaire(data, "test.json")

    return make


@pytest.fixture
def fhir_valid() -> Callable[[dict[str, Any]], QuestionnaireResponse]:
    """Check a built response is JSON-able and a valid R4(B) QuestionnaireResponse."""

    def check(response: dict[str, Any]) -> QuestionnaireResponse:
        decoded = json.loads(json.dumps(response))
        assert decoded == response
        return QuestionnaireResponse.model_validate(decoded)

    return check


@pytest.fixture
def fhir_questionnaire_valid() -> Callable[[Path], FhirQuestionnaire]:
    def check(path: Path) -> FhirQuestionnaire:
        return FhirQuestionnaire.model_validate(json.loads(path.read_text(encoding="utf-8")))

    return check


@pytest.fixture
def sample_answers() -> Callable[[Questionnaire], Answers]:
    """Valid answers for every question the visitor can answer (see sampling.fill)."""
    return fill
