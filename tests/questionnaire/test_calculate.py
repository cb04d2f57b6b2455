"""calculatedExpression, initialExpression and variables with the supported FHIRPath subset."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from kiosk.questionnaire import (
    Coding,
    QuestionnaireRefused,
    apply_calculations,
    fresh_answers,
    load_questionnaire,
    parse_questionnaire,
)
from kiosk.questionnaire.fhirpath import FhirPathError, parse
from kiosk.questionnaire.qr_read import read_response
from tests.conftest import SHARED_QUESTIONNAIRES

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CORE = "http://hl7.org/fhir/StructureDefinition/"


def calculated(expression: str) -> dict[str, Any]:
    return {
        "url": SDC + "sdc-questionnaire-calculatedExpression",
        "valueExpression": {"language": "text/fhirpath", "expression": expression},
    }


def variable(name: str, expression: str) -> dict[str, Any]:
    return {
        "url": CORE + "variable",
        "valueExpression": {"name": name, "language": "text/fhirpath", "expression": expression},
    }


def scored(link_id: str) -> dict[str, Any]:
    weights = [("n", 0), ("s", 1), ("m", 2), ("a", 3)]
    return {
        "linkId": link_id,
        "type": "choice",
        "answerOption": [
            {"valueCoding": {"system": "http://x", "code": code},
             "extension": [{"url": CORE + "ordinalValue", "valueDecimal": weight}]}
            for code, weight in weights
        ],
    }  # fmt: skip


def refusal(*items: dict[str, Any], **fields: Any) -> list[str]:
    data = {"resourceType": "Questionnaire", "status": "active", **fields, "item": list(items)}
    with pytest.raises(QuestionnaireRefused) as caught:
        parse_questionnaire(data, "t.json")
    return caught.value.reasons


def test_gad7_style_total_of_ordinal_values(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        scored("q1"),
        scored("q2"),
        {"linkId": "total", "type": "integer", "readOnly": True, "extension": [calculated(
            "%resource.item.where(linkId in ('q1' | 'q2')).answer.value.weight().sum()")]},
    )  # fmt: skip
    answers = fresh_answers(q)
    assert answers == {"total": 0}  # sum() of nothing is 0
    answers.update({"q1": Coding("http://x", "m"), "q2": Coding("http://x", "a")})
    assert apply_calculations(q, answers) == {"total"}
    assert answers["total"] == 5
    assert apply_calculations(q, answers) == set()  # stable


def test_variables_chain_and_calculations_feed_each_other(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "kg", "type": "decimal"},
        {"linkId": "m", "type": "decimal"},
        {"linkId": "bmi", "type": "decimal", "readOnly": True, "extension": [
            variable("w", "%resource.item.where(linkId='kg').answer.value"),
            variable("h", "%resource.item.where(linkId='m').answer.value"),
            calculated("iif(%w.exists() and %h.exists(), (%w / (%h * %h)).round(1), {})"),
        ]},
        {"linkId": "obese", "type": "boolean", "readOnly": True, "extension": [
            calculated("%resource.item.where(linkId='bmi').answer.value >= 30")]},
    )  # fmt: skip
    answers: dict[str, Any] = {"kg": Decimal(100), "m": Decimal(2)}
    apply_calculations(q, answers)
    assert answers["bmi"] == Decimal("25.0")
    assert answers["obese"] is False
    answers["kg"] = Decimal(130)
    apply_calculations(q, answers)
    assert (answers["bmi"], answers["obese"]) == (Decimal("32.5"), True)
    del answers["m"]
    apply_calculations(q, answers)
    assert "bmi" not in answers  # nothing to compute from: no answer
    assert "obese" not in answers


def test_phq9_total_matches_its_scores() -> None:
    q = load_questionnaire(SHARED_QUESTIONNAIRES / "lforms__phq9.json")
    answers = fresh_answers(q)
    assert "/44261-6" not in answers  # iif(any answered, ..., {})
    for link_id in ("/44250-9", "/44251-7", "/44259-0"):
        answers[link_id] = q.item(link_id).options[3].value  # "Nearly every day": 3
    apply_calculations(q, answers)
    assert answers["/44261-6"] == Decimal(9)


def test_hidden_items_are_calculated_as_in_the_paired_response() -> None:
    q = load_questionnaire(SHARED_QUESTIONNAIRES / "lforms__hidden-item-questionnaire.R4.json")
    paired = json.loads(
        (
            SHARED_QUESTIONNAIRES / "lforms__hidden-item-questionnaire-response.R4.response.json"
        ).read_text(encoding="utf-8")
    )
    expected, errors = read_response(q, paired)
    assert errors == []
    answers = fresh_answers(q)
    answers["ITEM-VISIBLE"] = expected["ITEM-VISIBLE"]
    apply_calculations(q, answers)
    assert answers == expected
    assert q.item("CE-HIDDEN").hidden


def test_initial_expression_with_an_empty_launch_context() -> None:
    q = load_questionnaire(
        SHARED_QUESTIONNAIRES / "android-fhir__new-patient-registration-paginated.json"
    )
    assert q.launch_contexts
    assert q.item("PR-name-family").initial_expression is not None
    assert "PR-name-family" not in fresh_answers(q)  # no patient at a lobby terminal


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("%undefined.sum()", "uses %undefined, which is not defined"),
        ("1 +", "the expression ends too early"),
    ],
)
def test_expressions_the_engine_cannot_evaluate_are_warnings(expression: str, reason: str) -> None:
    q = parse_questionnaire({"resourceType": "Questionnaire", "item": [
        {"linkId": "x", "type": "decimal", "extension": [calculated(expression)]}]})  # fmt: skip
    [found] = q.warnings
    assert found.startswith("item 'x': ")
    assert reason in found
    assert fresh_answers(q) == {}


def test_other_expression_languages_are_warnings() -> None:
    ext = calculated("1")
    ext["valueExpression"]["language"] = "text/cql"
    q = parse_questionnaire(
        {
            "resourceType": "Questionnaire",
            "item": [{"linkId": "x", "type": "decimal", "extension": [ext]}],
        }
    )
    assert q.warnings == (
        "item 'x': 'calculatedExpression' in language 'text/cql' is not supported",
    )
    assert q.item("x").calculated is None


def test_a_result_that_does_not_fit_gives_no_answer(make_q) -> None:  # type: ignore[no-untyped-def]
    q = make_q(
        {"linkId": "n", "type": "integer", "readOnly": True, "extension": [calculated("'x'")]},
        {"linkId": "d", "type": "integer", "readOnly": True, "extension": [calculated("7 / 2")]},
        {"linkId": "e", "type": "integer", "readOnly": True, "extension": [calculated("1 / 0")]},
        {"linkId": "f", "type": "integer", "readOnly": True,
         "extension": [calculated("(1 | 2 | 3)")]},
    )  # fmt: skip
    assert fresh_answers(q) == {}


def test_parser_reports_position() -> None:
    with pytest.raises(FhirPathError, match="position 3"):
        parse("1 ) 2")
