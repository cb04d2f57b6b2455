"""answerValueSet: contained, then the shipped FHIR core value sets; designations; search."""

from __future__ import annotations

from kiosk.questionnaire import Coding, load_questionnaire, parse_questionnaire
from kiosk.questionnaire.valuesets import core_value_sets, search
from tests.conftest import SECOND_BATCH, SHARED_QUESTIONNAIRES

V2 = "http://terminology.hl7.org/CodeSystem/v2-0136"


def test_core_value_sets_ship_with_the_kiosk() -> None:
    assert {
        "http://hl7.org/fhir/ValueSet/yesnodontknow",
        "http://hl7.org/fhir/ValueSet/administrative-gender",
        "http://hl7.org/fhir/ValueSet/languages",
    } <= set(core_value_sets())


def test_the_core_example_takes_yesnodontknow_from_the_shipped_copy() -> None:
    q = load_questionnaire(SHARED_QUESTIONNAIRES / "fhir-test-cases__questionnaire-example.json")
    options = q.item("1.1").options
    assert [o.value for o in options] == [
        Coding(V2, "Y", "Yes"),
        Coding(V2, "N", "No"),
        Coding(
            "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "asked-unknown",
            "Don't know",
        ),
    ]
    assert not [w for w in q.warnings if "yesnodontknow" in w]


def test_designations_are_translations() -> None:
    q = load_questionnaire(SECOND_BATCH / "smart-forms__QCVDRisk.json")
    gender = next(i for i in q.questions() if "administrative-gender" in str(i.options[:1]))
    female = next(o for o in gender.options if o.value.code == "female")  # type: ignore[union-attr]
    assert (female.label_in("en"), female.label_in("es"), female.label_in("zh_Hans")) == (
        "Female", "Femenino", "女",
    )  # fmt: skip


def test_contained_comes_before_shipped() -> None:
    own = {"resourceType": "ValueSet", "id": "g", "status": "active",
           "url": "http://hl7.org/fhir/ValueSet/administrative-gender",
           "expansion": {"contains": [
               {"system": "http://x", "code": "f", "display": "F"}]}}  # fmt: skip
    q = parse_questionnaire({"resourceType": "Questionnaire", "contained": [own], "item": [
        {"linkId": "g", "type": "choice",
         "answerValueSet": "http://hl7.org/fhir/ValueSet/administrative-gender"}]})  # fmt: skip
    assert [o.value for o in q.item("g").options] == [Coding("http://x", "f", "F")]


def test_search_over_a_large_expansion() -> None:
    q = load_questionnaire(SECOND_BATCH / "smart-forms__QDemoAnsExp.json")
    options = q.item("language_vsc.3").options
    assert len(options) == 56
    assert [o.value.code for o in search(options, "port")] == ["pt", "pt-BR"]  # type: ignore[union-attr]
    assert [o.value.code for o in search(options, "english can")] == ["en-CA"]  # type: ignore[union-attr]
    assert [o.value.code for o in search(options, "zh-h")] == ["zh-HK"]  # type: ignore[union-attr]
    assert search(options, "   ") == []
    many = options * 200  # 11,200 options: still answers, with at most *limit*
    assert len(search(many, "e", limit=20)) == 20
