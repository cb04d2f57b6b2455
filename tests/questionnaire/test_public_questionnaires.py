"""Real-world questionnaires (tests/questionnaire/forms): each loads and answers, or is refused."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.questionnaire import (
    EnableState,
    QuestionnaireRefused,
    apply_calculations,
    build_response,
    fresh_answers,
    load_questionnaire,
    problems,
)
from kiosk.questionnaire.calculate import Evaluation
from kiosk.questionnaire.fhirpath import parse
from kiosk.questionnaire.qr_read import validate_response
from tests.conftest import SHARED_QUESTIONNAIRES

SHARED = SHARED_QUESTIONNAIRES
FILES = sorted(
    path
    for path in [*SHARED.glob("*.json"), *(SHARED / "second-batch").glob("*.json")]
    if not path.name.endswith(".response.json")
)
WHEN = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)


def link_ids(data: Any) -> set[str]:
    """Every linkId anywhere in the raw JSON."""
    found: set[str] = set()
    if isinstance(data, dict):
        if isinstance(data.get("linkId"), str):
            found.add(data["linkId"])
        for value in data.values():
            found |= link_ids(value)
    elif isinstance(data, list):
        for value in data:
            found |= link_ids(value)
    return found


def refusal_reasons(name: str) -> list[str]:
    with pytest.raises(QuestionnaireRefused) as caught:
        load_questionnaire(SHARED / name)
    return caught.value.reasons


REFUSED: dict[str, list[str]] = {}
"""Forms refused, with their reasons: none of the shared forms needs what a terminal
cannot do."""


def test_the_forms_travel_with_the_tests() -> None:
    """Every file SOURCES.md names is in tests/questionnaire/forms (no ../shared needed)."""
    sources = (SHARED / "SOURCES.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w.-]+\.json)`", sources))
    present = {path.name for path in SHARED.rglob("*.json")}
    assert len(named) >= 40
    assert named <= present, sorted(named - present)


def test_the_folder_is_the_one_these_tests_know() -> None:
    assert {path.name for path in FILES} >= set(REFUSED)
    assert len(FILES) == 32


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_loads_and_answers_or_is_refused_with_reasons(
    path: Path, sample_answers, fhir_valid
) -> None:
    reasons: list[str] = []
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireRefused as refused:
        reasons = refused.reasons or ["(refused without a reason)"]
    assert bool(reasons) == (path.name in REFUSED), reasons
    if reasons:
        known = link_ids(json.loads(path.read_text(encoding="utf-8")))
        for reason in reasons:
            named = reason.startswith(f"{path}: ") or any(
                reason.startswith(f"item '{link_id}': ") for link_id in known
            )
            assert named, reason
        return
    answers = sample_answers(questionnaire)
    assert problems(questionnaire, answers) == {}
    response = build_response(questionnaire, answers, authored=WHEN)
    fhir_valid(response)
    assert validate_response(questionnaire, json.loads(json.dumps(response))) == []
    assert response.get("item"), "every form here has something to answer"


def test_enablewhen_me_loads_and_matches_its_paired_response(fhir_valid) -> None:
    q = load_questionnaire(SHARED / "fhir-test-cases__q-enablewhen-me.json")
    assert [item.link_id for item in q.questions()] == ["N0", "N1", "N2"]
    assert q.item("N2").enable_behavior == "all"
    assert q.canonical() == "http://hl7.org/fhir/test/Questionnaire/q-enablewhen-me"

    # N2 is required only when N0 = 1 and N1 = 1
    assert problems(q, {"N0": 1, "N1": 1}) == {"N2": "This question needs an answer."}
    assert problems(q, {"N0": 1, "N1": 0}) == {}

    paired = json.loads(
        (SHARED / "fhir-test-cases__qr-enablewhen-me.response.json").read_text(encoding="utf-8")
    )
    answers = {item["linkId"]: item["answer"][0]["valueInteger"] for item in paired["item"]}
    response = fhir_valid(build_response(q, answers | {"N2": 5}, authored=WHEN))
    assert response.questionnaire == paired["questionnaire"]
    built = build_response(q, answers, authored=WHEN)
    assert built["item"] == paired["item"]  # N2 (disabled) is left out, as in the pair


def test_bit_of_everything_loads_without_its_external_value_sets() -> None:
    q = load_questionnaire(SHARED / "lforms__bit-of-everything.json")
    external = [w for w in q.warnings if "cannot be resolved offline" in w]
    assert [w.split("'")[1] for w in external] == ["Item-rb", "Item10", "Item11", "Item12"]
    assert not q.item("Item10").available  # "not available here", left out of the response
    assert not [w for w in q.warnings if "item type" in w]  # every R4 type is understood
    assert len(q.warnings) == len(set(q.warnings))


def test_nested_enable_when_loads_and_chains_through_parents() -> None:
    q = load_questionnaire(SHARED / "lforms__q-with-nested-enableWhen.json")
    assert any(c.operator == "!=" for item in q.all_items() for c in item.enable_when)


def test_reference_loop_loads_with_warnings_and_terminates() -> None:
    q = load_questionnaire(SHARED / "lforms__q-enableWhen-with-reference-loop.json")
    assert q.warnings == (
        "item 'item1': enableWhen conditions form a loop: item1 -> item3 -> item1",
        "item 'item3': enableWhen conditions form a loop: item3 -> item2 -> item3",
    )
    answers = fresh_answers(q)
    state = EnableState(q, answers)
    assert [state.enabled(link_id) for link_id in ("item1", "item2", "item3")] == [True] * 3
    response = build_response(q, answers, authored=WHEN)
    assert [item["linkId"] for item in response["item"]] == ["item1", "item2", "item3"]


def test_core_example_loads_with_a_warning_for_its_choice_without_options() -> None:
    q = load_questionnaire(SHARED / "fhir-test-cases__questionnaire-example.json")
    assert "item '2.1.2': a choice item needs answerOption or answerValueSet" in q.warnings
    assert not q.item("2.1.2").available


def test_enable_when_matrix_loads_and_warns_about_each_broken_condition() -> None:
    q = load_questionnaire(SHARED / "lforms__enableWhen-test.R4.json")
    assert "item 'Q8': 'repeats' must be true or false" in q.warnings  # "true" is a string
    assert q.item("Q8").repeats
    # a date written as answerInteger: that condition is left out
    assert "item 'Q9c-eq-B': enableWhen 'answerInteger' must be a whole number" in q.warnings
    assert not [w for w in q.warnings if "operator" in w]


def test_gad7_takes_its_options_from_the_contained_value_set() -> None:
    q = load_questionnaire(SHARED / "researchkitonfhir__GAD-7.json")
    choices = [item for item in q.questions() if item.type == "choice"]
    assert len(choices) == 7
    assert [o.weight for o in choices[0].options] == [0, 1, 2, 3]


def test_translations_follow_the_visitors_language() -> None:
    q = load_questionnaire(SHARED / "android-fhir__new-patient-registration-paginated.json")
    item = q.item("PR-name-family")
    assert item.text_in("en") == item.text
    assert item.text_in("sw") != item.text
    assert item.text_in("sw-KE") == item.text_in("sw")  # the primary language serves
    gender = q.item("patient-0-gender")
    assert gender.choice_orientation == "horizontal"
    assert gender.item_control == "radio-button"


def test_initial_values_of_every_type_load() -> None:
    q = load_questionnaire(SHARED / "lforms__questionnaire-initialx.json")
    kinds = {item.type.value for item in q.questions() if item.initials}
    assert {"boolean", "integer", "decimal", "date", "dateTime", "time", "string"} <= kinds
    assert len(q.item("/type-choice-m").initials) > 1  # a repeating item takes several
    placeholders = load_questionnaire(SHARED / "lforms__questionnaire-with-entryFormat.json")
    assert all(item.entry_format for item in placeholders.questions() if item.answerable)


def test_number_limits_and_units() -> None:
    q = load_questionnaire(SHARED / "researchkitonfhir__NumberExample.json")
    decimals = [item for item in q.questions() if item.max_decimal_places is not None]
    assert decimals
    assert all(item.min_value is not None and item.max_value is not None for item in decimals)
    assert any(item.units for item in q.questions())


PAIRS: dict[str, tuple[str, list[str]]] = {
    # response: (questionnaire, the errors validate must give: none when it is valid)
    "fhir-test-cases__qr-enablewhen-me.response.json": (
        "fhir-test-cases__q-enablewhen-me.json", []),
    "fhir-test-cases__string-regex-qr.response.json": ("fhir-test-cases__string-regex-q.json", [
        "item 'q1': answer 'fasdfa@@test.com.au': This answer is not in the expected form, "
        "for example blah@example.com."]),
    "fhir-test-cases__date-min-max-qr.response.json": ("fhir-test-cases__date-min-max-q.json", [
        "item 'q1': answer '1998': Enter a value from 2020 to 2022. "
        "answer '2023': Enter a value from 2020 to 2022."]),
    "fhir-test-cases__integer-answer-option-qr.response.json": (
        "fhir-test-cases__integer-answer-option-q.json",
        ["item 'q1': answer '3': Choose one of the listed answers."]),
    "fhir-test-cases__choice-answer-option-exclusive-qr.response.json": (
        "fhir-test-cases__choice-answer-option-exclusive-q.json",
        ["item 'q1': 'c2' cannot be combined with other answers."]),
    "lforms__hidden-item-questionnaire-response.R4.response.json": (
        "lforms__hidden-item-questionnaire.R4.json", []),
    "lforms__qr-items-under-repeating-choice-item.response.json": (
        "lforms__q-items-under-repeating-choice-item.json", []),
    # the stored total 13 is not what the ordinals of its answers give (10)
    "second-batch/sdc__questionnaireresponse-sdc-profile-example-PHQ9.response.json": (
        "second-batch/sdc__questionnaire-sdc-profile-example-PHQ9.json",
        ["item 'H1/TS': the stored answer 13 {score} is not what its calculation gives (10)"]),
    # in progress and partial; its stored risk, 5, is what the form's equation gives
    "second-batch/smart-forms__RCVDRisk.response.json": (
        "second-batch/smart-forms__QCVDRisk.json", []),
    "second-batch/smart-forms__RDemoAnsExp.response.json": (
        "second-batch/smart-forms__QDemoAnsExp.json", []),
    "second-batch/smart-forms__RTestGrid.response.json": (
        "second-batch/smart-forms__QTestGrid.json", []),
}  # fmt: skip


def test_every_paired_response_is_covered() -> None:
    responses = {str(path.relative_to(SHARED)) for path in SHARED.rglob("*.response.json")}
    assert responses == set(PAIRS)


@pytest.mark.parametrize("response", sorted(PAIRS), ids=lambda name: name.split("/")[-1])
def test_paired_responses_validate_or_are_rejected_as_sources_md_says(response: str) -> None:
    form, expected = PAIRS[response]
    q = load_questionnaire(SHARED / form)
    data = json.loads((SHARED / response).read_text(encoding="utf-8"))
    assert validate_response(q, data) == expected


def test_lforms_phq9_total_score() -> None:
    """The LOINC PHQ-9 total (44261-6) is the sum of the answers' ordinal values."""
    q = load_questionnaire(SHARED / "lforms__phq9.json")
    answers = fresh_answers(q)
    questions = [item for item in q.questions() if item.options and item.answerable]
    assert questions[9].link_id == "/69722-7"  # how difficult: not part of the score
    questions = questions[:9]
    for item, index in zip(questions, [0, 1, 2, 3, 3, 2, 1, 0, 1], strict=True):
        answers[item.link_id] = item.options[index].value
    apply_calculations(q, answers)
    assert answers["/44261-6"] == 13  # 0+1+2+3+3+2+1+0+1


def test_gad7_ordinal_values_give_its_total() -> None:
    """GAD-7 as published has no score item; its options carry the ordinal values that a
    total (0 to 21) is made of: the engine sums them the way a score item would."""
    q = load_questionnaire(SHARED / "researchkitonfhir__GAD-7.json")
    answers = fresh_answers(q)
    choices = [item for item in q.questions() if item.type == "choice"]
    for item in choices:
        answers[item.link_id] = item.options[3].value  # "Nearly every day" = 3
    evaluation = Evaluation(q, answers)
    total = evaluation.value_of(
        parse("%resource.answers().value.ordinal().sum()"), evaluation.names(None, ()), None
    )
    assert total == [21]


def test_lforms_enable_when_expression_concatenates_two_answers() -> None:
    q = load_questionnaire(SHARED / "lforms__enableWhen-test.R4.json")
    assert not EnableState(q, {"Q10": "chick"}).enabled("Q10-ewe")
    assert EnableState(q, {"Q10": "chicken"}).enabled("Q10-ewe")  # & takes {} as ''
    assert EnableState(q, {"Q10": "chic", "Q10b": "ken"}).enabled("Q10-ewe")
