"""problems(): required answers, invalid values, disabled items, restriction to a page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kiosk.questionnaire import Coding, Questionnaire, problems

NEEDS_ANSWER = "This question needs an answer."


def complete(intake: Questionnaire) -> dict[str, object]:
    return {
        "birthdate": datetime.date(1990, 1, 2),
        "smoker": False,
        "shift": intake.item("shift").options[0].value,
        "consent": True,
    }


def test_empty_answers_list_required_questions_in_document_order(intake: Questionnaire) -> None:
    found = problems(intake, {})
    assert found == {"birthdate": NEEDS_ANSWER, "smoker": NEEDS_ANSWER, "shift": NEEDS_ANSWER,
                     "consent": NEEDS_ANSWER}  # fmt: skip
    assert list(found) == ["birthdate", "smoker", "shift", "consent"]


def test_complete_answers_have_no_problems(intake: Questionnaire) -> None:
    assert problems(intake, complete(intake)) == {}


def test_required_items_become_due_when_enabled(intake: Questionnaire) -> None:
    answers = complete(intake) | {"smoker": True}
    assert problems(intake, answers) == {"cigarettes": NEEDS_ANSWER}
    answers["shift"] = Coding(None, "night", None)
    assert problems(intake, answers) == {"cigarettes": NEEDS_ANSWER, "night-ok": NEEDS_ANSWER}


def test_answers_to_disabled_items_are_ignored(intake: Questionnaire) -> None:
    answers = complete(intake) | {"cigarettes": "not a number", "night-ok": 3}
    assert problems(intake, answers) == {}


@pytest.mark.parametrize(
    ("link_id", "value", "message"),
    [
        ("smoker", "yes", "This answer is not valid. Please answer the question again."),
        ("birthdate", "1990-01-02", "This answer is not valid. Please answer the question again."),
        ("birthdate", datetime.datetime(1990, 1, 2), "This answer is not valid. "
         "Please answer the question again."),
        ("birthdate", datetime.date(1850, 1, 1), "Enter a year between 1900 and 2100."),
        ("height", 1.8, "This answer is not valid. Please answer the question again."),
        ("height", Decimal("NaN"), "Enter a number with at most 15 digits."),
        ("height", Decimal("1.00000000000000001"), "Enter a number with at most 15 digits."),
        ("nickname", "x" * 21, "Enter at most 20 characters; this answer has 21."),
        ("nickname", "two\nlines", "Enter a single line, without line breaks."),
        ("nickname", "   ", "Type an answer, not only spaces."),
        ("remarks", 5, "This answer is not valid. Please answer the question again."),
        ("years", 2, "Choose one of the listed answers."),
        ("years", True, "Choose one of the listed answers."),
        ("shift", Coding(None, "evening", None), "Choose one of the listed answers."),
        ("shift", "day", "Choose one of the listed answers."),
        ("language", "French", "Choose one of the listed answers."),
    ],
)  # fmt: skip
def test_invalid_values(intake: Questionnaire, link_id: str, value: object, message: str) -> None:
    assert problems(intake, complete(intake) | {link_id: value}) == {link_id: message}


def test_valid_optional_values(intake: Questionnaire) -> None:
    answers = complete(intake) | {
        "nickname": "Jo",
        "height": 2,  # an int is a fine decimal
        "years": 0,
        "language": "Deutsch",
        "remarks": "first\nsecond",
        "shift": Coding(None, "night", None),  # matches on code
        "night-ok": True,
    }
    assert problems(intake, answers) == {}


def test_restricted_to_items(intake: Questionnaire) -> None:
    about = intake.pages()[1]
    assert problems(intake, {}, about.items) == {"birthdate": NEEDS_ANSWER, "smoker": NEEDS_ANSWER}
    assert problems(intake, {"smoker": True}, about.items) == {
        "birthdate": NEEDS_ANSWER,
        "cigarettes": NEEDS_ANSWER,
    }
    assert problems(intake, {}, [intake.item("consent")]) == {"consent": NEEDS_ANSWER}
    assert problems(intake, {}, []) == {}


def test_required_group_needs_one_answer(make_q) -> None:
    q = make_q(
        {"linkId": "g", "type": "group", "required": True, "item": [
            {"linkId": "a", "type": "string"},
            {"linkId": "h", "type": "group", "item": [{"linkId": "b", "type": "boolean"}]},
        ]},
    )  # fmt: skip
    assert problems(q, {}) == {"g": "Answer at least one question in this section."}
    assert problems(q, {"b": False}) == {}
    assert problems(q, {"a": "x"}) == {}


def test_validate_names_each_wrong_answer_under_a_disabled_item(make_q) -> None:  # type: ignore[no-untyped-def]
    from kiosk.questionnaire.qr_read import validate_response

    max_60 = {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 60}
    q = make_q(
        {"linkId": "employed", "type": "boolean"},
        {"linkId": "employment", "type": "group",
         "enableWhen": [{"question": "employed", "operator": "=", "answerBoolean": True}],
         "item": [{"linkId": "years", "type": "integer", "extension": [max_60]},
                  {"linkId": "employer-name", "type": "string", "required": True}]},
    )  # fmt: skip
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "employed", "answer": [{"valueBoolean": False}]},
        {"linkId": "employment", "item": [{"linkId": "years", "answer": [{"valueInteger": 99}]}]},
    ]}  # fmt: skip
    errors = validate_response(q, response)
    assert errors[0] == "item 'employment': has an answer, but enableWhen disables this item"
    assert errors[1].startswith("item 'years': answer '99': ")
    assert "60" in errors[1]
    assert errors[2:] == ["item 'employer-name': This question needs an answer."]


def test_validate_reports_a_tampered_score(make_q) -> None:  # type: ignore[no-untyped-def]
    from kiosk.questionnaire.qr_read import validate_response

    total = {"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
             "sdc-questionnaire-calculatedExpression",
             "valueExpression": {"language": "text/fhirpath",
                                 "expression": "%resource.item.answer.value.weight().sum()"},
             }  # fmt: skip
    weighted = [
        {"valueCoding": {"system": "urn:x", "code": c},
         "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue",
                        "valueDecimal": w}]}
        for c, w in (("a", 0), ("b", 3))
    ]  # fmt: skip
    q = make_q(
        {"linkId": "q1", "type": "choice", "answerOption": weighted},
        {"linkId": "q2", "type": "choice", "answerOption": weighted},
        {"linkId": "total", "type": "integer", "readOnly": True, "extension": [total]},
    )
    answer_b = [{"valueCoding": {"system": "urn:x", "code": "b"}}]

    def response(score: int) -> dict:  # type: ignore[type-arg]
        return {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
            {"linkId": "q1", "answer": answer_b}, {"linkId": "q2", "answer": answer_b},
            {"linkId": "total", "answer": [{"valueInteger": score}]}]}  # fmt: skip

    assert validate_response(q, response(6)) == []
    assert validate_response(q, response(9)) == [
        "item 'total': the stored answer 9 is not what its calculation gives (6)"
    ]
