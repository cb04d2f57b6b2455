"""Property tests over generated questionnaires and answers: nothing crashes, every response
the engine produces is valid for fhir.resources and for ``kiosk questionnaire validate``."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.questionnaire import (
    QuestionnaireRefused,
    build_response,
    parse_questionnaire,
    problems,
)
from kiosk.questionnaire.fill import read_answers
from kiosk.questionnaire.qr_read import validate_response
from tests.questionnaire.sampling import fill

WHEN = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)
CORE = "http://hl7.org/fhir/StructureDefinition/"
QUESTION_TYPES = [
    "boolean", "integer", "decimal", "date", "dateTime", "time", "string", "text", "url",
    "choice", "open-choice", "quantity", "attachment",
]  # fmt: skip
SAMPLE_ANSWER = {
    "boolean": ("answerBoolean", True),
    "integer": ("answerInteger", 7),
    "decimal": ("answerDecimal", 1.5),
    "date": ("answerDate", "2021-01-01"),
    "dateTime": ("answerDateTime", "2021-01-02T03:04:05Z"),
    "time": ("answerTime", "10:30:00"),
    "string": ("answerString", "x"),
    "text": ("answerString", "x"),
    "url": ("answerUri", "https://example.org"),
}
OPERATORS = ["=", "!=", ">", "<", ">=", "<=", "exists"]


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    """Questionnaire JSON with nested, repeating and conditional items of every type."""
    counter = iter(range(1000))
    earlier: list[tuple[str, str]] = []  # (linkId, type) of questions so far

    def item(depth: int) -> dict[str, Any]:
        link_id = f"i{next(counter)}"
        kinds = [*QUESTION_TYPES, "display"] + (["group"] * 3 if depth < 3 else [])
        kind = draw(st.sampled_from(kinds))
        raw: dict[str, Any] = {"linkId": link_id, "type": kind, "text": f"Item {link_id}"}
        if kind not in ("display", "attachment") and draw(st.booleans()):
            raw["required"] = True
        if kind not in ("display", "boolean") and draw(st.integers(0, 3)) == 0:
            raw["repeats"] = True
            low, high = draw(st.integers(0, 2)), draw(st.integers(2, 4))
            raw["extension"] = [
                {"url": CORE + "questionnaire-minOccurs", "valueInteger": low},
                {"url": CORE + "questionnaire-maxOccurs", "valueInteger": high},
            ]
        if kind in ("choice", "open-choice"):
            count = draw(st.integers(1, 4))
            if draw(st.booleans()):
                raw["answerOption"] = [{"valueString": f"o{n}"} for n in range(count)]
            else:
                raw["answerOption"] = [
                    {"valueCoding": {"system": "http://x", "code": f"c{n}", "display": f"C{n}"}}
                    for n in range(count)
                ]
        if kind == "integer" and draw(st.booleans()):
            raw.setdefault("extension", []).append({"url": CORE + "minValue", "valueInteger": 0})
            raw["extension"].append({"url": CORE + "maxValue", "valueInteger": 60})
        if kind in ("string", "text") and draw(st.booleans()):
            raw["maxLength"] = draw(st.integers(1, 40))
        if kind == "quantity":
            raw.setdefault("extension", []).append(
                {"url": CORE + "questionnaire-unit",
                 "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg"}})  # fmt: skip
        if earlier and draw(st.integers(0, 2)) == 0:
            source, source_type = draw(st.sampled_from(earlier))
            operator = draw(st.sampled_from(OPERATORS))
            if operator == "exists" or source_type not in SAMPLE_ANSWER:
                condition = {"question": source, "operator": "exists", "answerBoolean": True}
            else:
                key, value = SAMPLE_ANSWER[source_type]
                condition = {"question": source, "operator": operator, key: value}
            raw["enableWhen"] = [condition]
        if kind == "group":
            raw["item"] = [item(depth + 1) for _ in range(draw(st.integers(1, 3)))]
        elif kind not in ("display", "attachment"):
            earlier.append((link_id, kind))
        return raw

    items = [item(1) for _ in range(draw(st.integers(1, 5)))]
    return {"resourceType": "Questionnaire", "status": "active", "title": "Generated",
            "url": "https://example.org/Questionnaire/generated", "item": items}  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(questionnaires(), st.data())
def test_generated_questionnaires_load_and_their_responses_are_valid(
    data: dict[str, Any], draw: st.DataObject
) -> None:
    try:
        questionnaire = parse_questionnaire(data, "generated.json")
    except QuestionnaireRefused as refused:
        reasons = refused.reasons
        questionnaire = None
    if questionnaire is None:
        assert reasons  # refused, never without saying why
        return
    answers = fill(questionnaire, pick=lambda options: draw.draw(st.sampled_from(options)))
    found = problems(questionnaire, answers)
    if found:
        with pytest.raises(ValueError, match="answers have problems"):
            build_response(questionnaire, answers, authored=WHEN)
        return
    response = json.loads(json.dumps(build_response(questionnaire, answers, authored=WHEN)))
    QuestionnaireResponse.model_validate(response)
    assert validate_response(questionnaire, response) == []


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=8,
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(questionnaires(), st.dictionaries(st.sampled_from([f"i{n}" for n in range(12)]), junk))
def test_junk_answers_and_responses_never_crash(data: dict[str, Any], given_answers) -> None:  # type: ignore[no-untyped-def]
    try:
        questionnaire = parse_questionnaire(data, "generated.json")
    except QuestionnaireRefused:
        return
    answers, errors = read_answers(questionnaire, given_answers)
    assert all(error.startswith("item '") for error in errors)
    problems(questionnaire, answers)
    response = {"resourceType": "QuestionnaireResponse", "status": "completed",
                "item": [{"linkId": k, "answer": [{"valueString": str(v)}]}
                         for k, v in given_answers.items()]}  # fmt: skip
    assert isinstance(validate_response(questionnaire, response), list)
