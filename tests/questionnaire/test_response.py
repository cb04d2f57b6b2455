"""build_response(): structure, value encoding, refusal of invalid answers, FHIR validity."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.questionnaire import (
    AnswerError,
    Coding,
    Item,
    ItemType,
    Questionnaire,
    build_response,
    load_questionnaire,
    parse_text_answer,
    problems,
)

INTAKE = load_questionnaire(Path(__file__).resolve().parent / "fixtures" / "intake.json")
WHEN = datetime.datetime(2025, 3, 4, 9, 30, 15, 123456, tzinfo=datetime.UTC)


def full_answers(q: Questionnaire) -> dict[str, object]:
    return {
        "nickname": "Jo",
        "birthdate": datetime.date(1990, 7, 31),
        "height": Decimal("1.80"),
        "smoker": True,
        "cigarettes": 5,
        "shift": Coding(None, "night", None),
        "night-ok": False,
        "night-notes": "Line 1\nLine 2",
        "years": 5,
        "language": "Deutsch",
        "senior": "Blue team",
        "remarks": "None",
        "consent": True,
    }


def test_full_response(fhir_valid) -> None:
    response = build_response(
        INTAKE, full_answers(INTAKE), authored=WHEN, language="de", identifier="visit-1"
    )
    fhir_valid(response)
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["status"] == "completed"
    assert response["questionnaire"] == "https://example.org/fhir/Questionnaire/intake|1.0"
    assert response["authored"] == "2025-03-04T09:30:15+00:00"
    assert response["language"] == "de"
    assert response["identifier"] == {"value": "visit-1"}
    top = [item["linkId"] for item in response["item"]]
    assert top == ["nickname", "about", "work", "remarks", "consent"]  # display item left out
    about = response["item"][1]
    assert about == {
        "linkId": "about",
        "text": "About you",
        "item": [
            {"linkId": "birthdate", "text": "Date of birth",
             "answer": [{"valueDate": "1990-07-31"}]},
            {"linkId": "height", "text": "Height in metres", "answer": [{"valueDecimal": 1.8}]},
            {"linkId": "smoker", "text": "Do you smoke?", "answer": [{
                "valueBoolean": True,
                "item": [{"linkId": "cigarettes", "text": "Cigarettes per day",
                          "answer": [{"valueInteger": 5}]}],
            }]},
        ],
    }  # fmt: skip
    work = {item["linkId"]: item for item in response["item"][2]["item"]}
    # the option's coding is written, not the partial one the screen held
    assert work["shift"]["answer"] == [
        {
            "valueCoding": {
                "system": "https://example.org/shift",
                "code": "night",
                "display": "Night",
            }
        }
    ]
    assert work["night-details"]["item"][1]["answer"] == [{"valueString": "Line 1\nLine 2"}]
    assert work["years"]["answer"] == [{"valueInteger": 5}]
    assert work["language"]["answer"] == [{"valueString": "Deutsch"}]


def test_minimal_response_leaves_out_unanswered_and_disabled(fhir_valid) -> None:
    answers = {
        "birthdate": datetime.date(1990, 7, 31),
        "smoker": False,
        "cigarettes": 3,  # disabled
        "shift": INTAKE.item("shift").options[0].value,
        "night-ok": True,  # disabled
        "consent": True,
    }
    response = build_response(INTAKE, answers, authored=WHEN)
    fhir_valid(response)
    assert "language" not in response
    assert "identifier" not in response
    assert [item["linkId"] for item in response["item"]] == ["about", "work", "consent"]
    assert response["item"][1]["item"] == [
        {"linkId": "shift", "text": "Preferred shift", "answer": [{"valueCoding": {
            "system": "https://example.org/shift", "code": "day", "display": "Day"}}]},
    ]  # fmt: skip
    smoker = response["item"][0]["item"][1]
    assert smoker == {
        "linkId": "smoker",
        "text": "Do you smoke?",
        "answer": [{"valueBoolean": False}],
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("72", 72), ("72.0", 72.0), ("72,50", 72.5), ("-0.001", -0.001), ("0", 0)],
)
def test_decimal_json(make_q, fhir_valid, typed: str, expected: float) -> None:
    q = make_q({"linkId": "d", "type": "decimal", "text": "Weight"})
    value = parse_text_answer(q.item("d"), typed)
    response = build_response(q, {"d": value}, authored=WHEN)
    fhir_valid(response)
    encoded = response["item"][0]["answer"][0]["valueDecimal"]
    assert encoded == expected
    assert type(encoded) is type(expected)
    assert json.dumps(encoded) == json.dumps(expected)


def test_int_answer_to_decimal_item_is_written_as_decimal(make_q, fhir_valid) -> None:
    q = make_q({"linkId": "d", "type": "decimal"})
    response = build_response(q, {"d": 3}, authored=WHEN)
    fhir_valid(response)
    assert response["item"] == [{"linkId": "d", "answer": [{"valueDecimal": 3}]}]  # no text


def test_invalid_answers_raise(intake: Questionnaire) -> None:
    with pytest.raises(ValueError, match="birthdate, smoker, shift, consent"):
        build_response(intake, {}, authored=WHEN)


def test_authored_needs_a_timezone(intake: Questionnaire) -> None:
    answers = full_answers(intake)
    with pytest.raises(ValueError, match="timezone"):
        build_response(intake, answers, authored=datetime.datetime(2025, 1, 1, 12, 0))
    local = datetime.timezone(datetime.timedelta(hours=2))
    response = build_response(
        intake, answers, authored=datetime.datetime(2025, 1, 1, 12, tzinfo=local)
    )
    assert response["authored"] == "2025-01-01T12:00:00+02:00"


def test_canonical_fallbacks_validate(make_q, fhir_valid) -> None:
    item = {"linkId": "b", "type": "boolean", "text": "OK?"}
    for fields in ({"id": "q-1"}, {"title": "A title with spaces"}):
        response = build_response(make_q(item, **fields), {"b": True}, authored=WHEN)
        fhir_valid(response)


def test_empty_response_has_no_item_list(make_q, fhir_valid) -> None:
    q = make_q({"linkId": "s", "type": "string"}, title="T")
    response = build_response(q, {}, authored=WHEN)
    assert "item" not in response
    fhir_valid(response)


def test_definition_is_copied(make_q, fhir_valid) -> None:
    q = make_q({"linkId": "s", "type": "string", "definition": "http://x/Patient#Patient.name"})
    response = build_response(q, {"s": "Ann"}, authored=WHEN)
    fhir_valid(response)
    assert response["item"][0]["definition"] == "http://x/Patient#Patient.name"


# -- properties --------------------------------------------------------------------------

QUESTIONS = [item.link_id for item in INTAKE.questions()]
OPTION_VALUES = [o.value for item in INTAKE.questions() for o in item.options]

any_value = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.decimals(allow_nan=True, allow_infinity=True, places=None),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.sampled_from(OPTION_VALUES),
    st.builds(Coding, st.none() | st.text(max_size=5), st.none() | st.text(max_size=5),
              st.none() | st.text(max_size=5)),
    st.none(),
    st.floats(allow_nan=False),
)  # fmt: skip


def _plausible(item: Item) -> st.SearchStrategy[object]:
    """Mostly valid values for *item*, so that valid responses are actually reached."""
    by_type: dict[ItemType, st.SearchStrategy[object]] = {
        ItemType.BOOLEAN: st.booleans(),
        ItemType.INTEGER: st.integers(-10, 10),
        ItemType.DECIMAL: st.decimals(-1000, 1000, places=2),
        ItemType.DATE: st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)),
        ItemType.STRING: st.text(st.characters(codec="utf-8"), min_size=1, max_size=20),
        ItemType.TEXT: st.text(min_size=1, max_size=50),
    }
    if item.options:
        return st.sampled_from([o.value for o in item.options])
    return by_type[item.type]


ALWAYS_DUE = [item for item in INTAKE.questions() if item.required and not item.enable_when]
plausible_answers = st.fixed_dictionaries(
    {item.link_id: _plausible(item) for item in ALWAYS_DUE},
    optional={
        item.link_id: _plausible(item) for item in INTAKE.questions() if item not in ALWAYS_DUE
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(plausible_answers, st.dictionaries(st.sampled_from(QUESTIONS), any_value)))
def test_random_answers_never_crash_and_valid_ones_build(answers: dict[str, object]) -> None:
    found = problems(INTAKE, answers)  # type: ignore[arg-type]
    assert set(found) <= set(QUESTIONS)
    if found:
        with pytest.raises(ValueError, match="answers have problems"):
            build_response(INTAKE, answers, authored=WHEN)  # type: ignore[arg-type]
        return
    response = build_response(INTAKE, answers, authored=WHEN)  # type: ignore[arg-type]
    decoded = json.loads(json.dumps(response))
    QuestionnaireResponse.model_validate(decoded)


TYPED = [
    item for item in INTAKE.questions() if item.type not in (ItemType.BOOLEAN, ItemType.CHOICE)
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(TYPED), st.text(max_size=25) | st.from_regex(r"-?[0-9]{1,17}([.,][0-9]{1,4})?")
)
def test_typed_text_is_parsed_or_explained(item: Item, text: str) -> None:
    message = ""
    try:
        value = parse_text_answer(item, text)
    except AnswerError as error:
        message = error.message
        value = None
    if message:
        assert message.endswith(".")
        return
    if value is None:
        assert not text.strip()
        return
    assert problems(INTAKE, {item.link_id: value}, [item]) == {}
