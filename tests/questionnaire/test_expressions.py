"""Expressions on fhirpathpy: functions forms use, variables, repeating groups, enabling,
options, constraints, and evaluation only when an input changed."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

from kiosk.questionnaire import (
    EnableState,
    QuestionnaireRefused,
    apply_calculations,
    fhirpath_eval,
    fresh_answers,
    load_questionnaire,
    new_instance,
    parse_questionnaire,
    problems,
)
from kiosk.questionnaire.calculate import computed_options
from kiosk.questionnaire.fhirpath import FhirPathError, parse
from kiosk.questionnaire.qr_read import validate_response
from tests.conftest import SECOND_BATCH

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CORE = "http://hl7.org/fhir/StructureDefinition/"


def expression(kind: str, source: str, name: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"language": "text/fhirpath", "expression": source}
    if name is not None:
        value["name"] = name
    url = CORE + "variable" if kind == "variable" else SDC + f"sdc-questionnaire-{kind}"
    return {"url": url, "valueExpression": value}


def form(*items: dict[str, Any], **fields: Any):  # type: ignore[no-untyped-def]
    return parse_questionnaire(
        {"resourceType": "Questionnaire", "status": "active", **fields, "item": list(items)},
        "t.json",
    )


def calc(link_id: str, item_type: str, source: str, **extra: Any) -> dict[str, Any]:
    return {"linkId": link_id, "type": item_type, "readOnly": True,
            "extension": [expression("calculatedExpression", source)], **extra}  # fmt: skip


@pytest.mark.parametrize(
    ("source", "item_type", "expected"),
    [
        ("(2).power(10)", "integer", 1024),
        ("(1.0).exp().ln().round(2)", "decimal", Decimal("1.00")),
        ("'abc@example.org'.matches('^[^@]+@[^@]+$')", "boolean", True),
        ("'kiosk'.substring(1, 3).upper()", "string", "IOS"),
        ("('a' | 'b' | 'c').join('-')", "string", "a-b-c"),
        ("today() = today()", "boolean", True),
        ("@2020-02-29 + 1 year", "date", "2021-02-28"),
        ("1 is Integer", "boolean", True),
    ],
)
def test_functions_forms_use(source: str, item_type: str, expected: object) -> None:
    q = form(calc("x", item_type, source))
    assert q.warnings == ()
    found = fresh_answers(q)["x"]
    assert str(found) == str(expected) if item_type == "date" else found == expected


def test_today_gives_todays_date() -> None:
    q = form(calc("d", "date", "today()"))
    assert fresh_answers(q)["d"] == datetime.date.today()


def test_an_unknown_function_is_a_warning_and_gives_nothing() -> None:
    q = form(calc("x", "decimal", "(2).frobnicate()"))
    assert q.warnings == (
        "item 'x': 'calculatedExpression': function 'frobnicate()' is not supported",
    )
    assert fresh_answers(q) == {}


def test_syntax_errors_name_the_place() -> None:
    with pytest.raises(FhirPathError, match="position 3"):
        parse("1 ) 2")
    with pytest.raises(FhirPathError, match="ends too early"):
        parse("1 +")


def test_variables_resource_context_qitem() -> None:
    q = form(
        {"linkId": "a", "type": "integer"},
        {"linkId": "b", "type": "integer"},
        {"linkId": "g", "type": "group",
         "extension": [expression("variable", "item.where(linkId='in').answer.value", "inner")],
         "item": [
            {"linkId": "in", "type": "integer"},
            calc("twice", "integer", "%inner * 2 + %total"),
            calc("own", "string", "%qitem.linkId + '/' + %context.linkId"),
         ]},
        extension=[expression("variable",
            "%resource.item.where(linkId='a' or linkId='b').answer.value.sum()", "total")],
    )  # fmt: skip
    answers = fresh_answers(q)
    assert answers["own"] == "own/own"
    answers.update({"a": 1, "b": 2, "in": 10})
    apply_calculations(q, answers)
    assert answers["twice"] == 23


def test_repeating_group_entries_are_computed_each_on_its_own() -> None:
    q = form(
        {"linkId": "meds", "type": "group", "repeats": True,
         "extension": [expression("variable",
             "item.where(linkId='dose').answer.value * item.where(linkId='times').answer.value",
             "daily")],
         "item": [{"linkId": "dose", "type": "integer"}, {"linkId": "times", "type": "integer"},
                  calc("per-day", "integer", "%daily")]},
    )  # fmt: skip
    assert q.warnings == ()
    answers = fresh_answers(q)
    first, second = new_instance(q.item("meds")), new_instance(q.item("meds"))
    first.update({"dose": 2, "times": 3})
    second.update({"dose": 5, "times": 1})
    answers["meds"] = [first, second]
    apply_calculations(q, answers)
    assert [entry["per-day"] for entry in answers["meds"]] == [6, 5]


def test_a_calculation_is_evaluated_only_when_its_inputs_change(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    q = form(
        {"linkId": "a", "type": "integer"},
        {"linkId": "b", "type": "integer"},
        calc("sum", "integer", "%resource.item.where(linkId='a').answer.value + 1"),
    )
    evaluated: list[str] = []
    real = fhirpath_eval.evaluate

    def counting(expr, focus, env, **options):  # type: ignore[no-untyped-def]
        evaluated.append(expr.source)
        return real(expr, focus, env, **options)

    monkeypatch.setattr("kiosk.questionnaire.evaluation.evaluate", counting)
    answers = fresh_answers(q)
    answers["a"] = 1
    apply_calculations(q, answers)
    assert answers["sum"] == 2
    count = len(evaluated)
    answers["b"] = 7  # not an input of the calculation
    apply_calculations(q, answers)
    assert len(evaluated) == count
    answers["a"] = 5
    apply_calculations(q, answers)
    assert len(evaluated) == count + 1
    assert answers["sum"] == 6


def test_enable_when_expression() -> None:
    q = form(
        {"linkId": "age", "type": "integer"},
        {"linkId": "guardian", "type": "string", "required": True, "extension": [
            expression("enableWhenExpression",
                       "%resource.item.where(linkId='age').answer.value < 18")]},
    )  # fmt: skip
    assert not EnableState(q, {}).enabled("guardian")
    assert EnableState(q, {"age": 12}).enabled("guardian")
    assert not EnableState(q, {"age": 40}).enabled("guardian")
    assert problems(q, {"age": 12}) == {"guardian": "This question needs an answer."}


def test_unevaluable_expression_refuses_only_when_it_decides_a_required_question() -> None:
    hidden_display = {
        "linkId": "d",
        "type": "display",
        "text": "x",
        "extension": [expression("enableWhenExpression", "%addVar1.exists()")],
    }
    assert form(hidden_display).warnings == (
        "item 'd': expression '%addVar1.exists()' uses %addVar1, which is not defined",
    )
    with pytest.raises(QuestionnaireRefused) as caught:
        form({"linkId": "g", "type": "group", "extension": [
                expression("enableWhenExpression", "%resource.frobnicate()")],
              "item": [{"linkId": "q", "type": "string", "required": True}]})  # fmt: skip
    assert caught.value.reasons == [
        "item 'g': 'enableWhenExpression': function 'frobnicate()' is not supported"
    ]


def test_answer_expression_gives_the_options_from_the_forms_own_data() -> None:
    q = form(
        {"linkId": "pets", "type": "string", "repeats": True},
        {"linkId": "favourite", "type": "choice", "extension": [
            expression("answerExpression", "%resource.item.where(linkId='pets').answer.value")]},
        {"linkId": "lang", "type": "choice", "extension": [
            expression("answerExpression", "%questionnaire.contained.expansion.contains")]},
        contained=[{"resourceType": "ValueSet", "id": "v", "status": "active", "expansion": {
            "contains": [{"system": "urn:ietf:bcp:47", "code": "ar", "display": "Arabic"}]}}],
    )  # fmt: skip
    assert q.warnings == ()
    found = computed_options(q, q.item("favourite"), {"pets": ["cat", "dog"]})
    assert [option.label for option in found] == ["cat", "dog"]
    assert computed_options(q, q.item("favourite"), {}) == ()
    [arabic] = computed_options(q, q.item("lang"), {})
    assert (arabic.value.code, arabic.label) == ("ar", "Arabic")  # type: ignore[union-attr]
    assert problems(q, {"pets": ["cat", "dog"], "favourite": "dog"}) == {}
    assert problems(q, {"pets": ["cat", "dog"], "favourite": "fish"}) == {
        "favourite": "Choose one of the listed answers."
    }


def test_target_constraint_on_next_and_in_validate() -> None:
    constraint = {"url": CORE + "targetConstraint", "extension": [
        {"url": "key", "valueId": "end-after-start"},
        {"url": "severity", "valueCode": "error"},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath",
         "expression": "%resource.item.where(linkId='end').answer.value.empty() or "
                       "%resource.item.where(linkId='end').answer.value >= "
                       "%resource.item.where(linkId='start').answer.value"}},
        {"url": "human", "valueString": "The end cannot be before the start."},
    ]}  # fmt: skip
    q = form({"linkId": "start", "type": "integer"},
             {"linkId": "end", "type": "integer", "extension": [constraint]})  # fmt: skip
    assert problems(q, {"start": 5, "end": 7}) == {}
    assert problems(q, {"start": 5, "end": 3}) == {"end": "The end cannot be before the start."}
    response = {"resourceType": "QuestionnaireResponse", "status": "completed", "item": [
        {"linkId": "start", "answer": [{"valueInteger": 5}]},
        {"linkId": "end", "answer": [{"valueInteger": 3}]}]}  # fmt: skip
    assert validate_response(q, response) == ["item 'end': The end cannot be before the start."]


def test_cvd_risk_reproduces_the_stored_result_with_ln_and_exp() -> None:
    q = load_questionnaire(SECOND_BATCH / "smart-forms__QCVDRisk.json")
    paired = json.loads((SECOND_BATCH / "smart-forms__RCVDRisk.response.json").read_text())
    assert validate_response(q, paired) == []  # its stored result, 5, is what the form gives


def test_sdc_phq9_total_is_recomputed_and_the_stored_13_reported() -> None:
    q = load_questionnaire(SECOND_BATCH / "sdc__questionnaire-sdc-profile-example-PHQ9.json")
    paired = json.loads(
        (SECOND_BATCH / "sdc__questionnaireresponse-sdc-profile-example-PHQ9.response.json")
        .read_text()
    )  # fmt: skip
    assert validate_response(q, paired) == [
        "item 'H1/TS': the stored answer 13 {score} is not what its calculation gives (10)"
    ]


def test_the_function_list_is_fhirpathpys() -> None:
    from fhirpathpy.engine.invocations import invocation_registry

    from kiosk.questionnaire.fhirpath import FHIRPATHPY_FUNCTIONS

    names = {name for name in invocation_registry if name[0].isalpha()}
    operators = {"and", "or", "xor", "implies", "div", "mod", "asOp", "isOp", "inOp", "containsOp"}
    assert names - operators == FHIRPATHPY_FUNCTIONS


def test_parse_trees_are_kept_on_disk(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kiosk.questionnaire import fhirpath

    source = "(7).power(2) + 1"
    fhirpath._MEMORY.pop(source, None)
    assert fhirpath.parsed_tree(source)  # parsed, and written to the cache directory
    fhirpath._MEMORY.pop(source, None)

    def no_parser(text: str) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(fhirpath, "_antlr_parse", no_parser)
    q = form(calc("x", "integer", source))
    assert fresh_answers(q)["x"] == 50


def test_bmi_from_quantities_in_other_units_and_from_inches() -> None:
    from kiosk.questionnaire import Quantity

    ucum = "http://unitsofmeasure.org"
    q = load_questionnaire(SECOND_BATCH / "lforms-fhir-app__vital-sign-questionnaire.json")
    answers = fresh_answers(q)
    answers["/3141-9"] = Quantity(Decimal(70), "kg", ucum, "kg")
    answers["/8302-2"] = Quantity(Decimal(175), "cm", ucum, "cm")  # toQuantity('m') converts
    apply_calculations(q, answers)
    assert answers["/39156-5"] == Decimal("22.9")
    q = load_questionnaire(SECOND_BATCH / "lforms-fhir-app__weight-height-questionnaire.json")
    answers = fresh_answers(q)
    answers.update({"/29463-7": Decimal(70), "/8302-2": Decimal(70)})  # kg, inches
    apply_calculations(q, answers)
    assert answers["/39156-5"] == Decimal("22.1")  # power(2) and round(1)


def test_hunger_vital_sign_risk_picks_its_own_option() -> None:
    q = load_questionnaire(SECOND_BATCH / "lforms-fhir-app__hunger-vital-signs.json")
    worried, ran_out, risk = (q.item(link) for link in ("/88122-7", "/88123-5", "/88124-3"))
    answers = fresh_answers(q)
    assert "/88124-3" not in answers  # {} until a question is answered
    answers[worried.link_id] = worried.options[0].value  # "Often true"
    apply_calculations(q, answers)
    assert answers["/88124-3"] == risk.options[0].value  # At risk
    answers[worried.link_id] = worried.options[2].value  # "Never true"
    answers[ran_out.link_id] = ran_out.options[2].value
    apply_calculations(q, answers)
    assert answers["/88124-3"] == risk.options[1].value  # No risk


def test_nothing_of_a_visit_stays_with_the_questionnaire() -> None:
    """The memo of expression results holds answers: it lives with the visit's answers."""
    q = form(
        {"linkId": "name", "type": "string"},
        calc("shout", "string", "%resource.item.where(linkId='name').answer.value.upper()"),
    )
    answers = fresh_answers(q)
    answers["name"] = "Zanzibar-7731"
    apply_calculations(q, answers)
    assert answers["shout"] == "ZANZIBAR-7731"
    assert "7731" not in repr(q.runtime)
    assert "7731" in repr(answers.engine_memo)  # type: ignore[attr-defined]
    visit_two = fresh_answers(q)
    assert "7731" not in repr(visit_two) + repr(visit_two.engine_memo)  # type: ignore[attr-defined]
    answers.clear()  # what Visit.wipe does at the end of a visit
    assert "7731" not in repr(answers) + repr(answers.engine_memo)  # type: ignore[attr-defined]


def test_an_expression_on_its_focus_without_linkids_follows_every_change() -> None:
    q = form({"linkId": "g", "type": "group",
              "extension": [expression(
                  "variable", "item.where(linkId != 't').answer.value.sum()", "total")],
              "item": [{"linkId": "a", "type": "integer"}, {"linkId": "b", "type": "integer"},
                       calc("t", "integer", "%total")]})  # fmt: skip
    answers = fresh_answers(q)
    answers["a"] = 2
    apply_calculations(q, answers)
    assert answers["t"] == 2
    answers["b"] = 5
    apply_calculations(q, answers)
    assert answers["t"] == 7


def test_an_answer_expression_over_server_data_makes_the_item_not_available_here() -> None:
    q = load_questionnaire(SECOND_BATCH / "smart-forms__QDemoAnsExp.json")
    assert not q.item("lang_vsd.7").available  # %vsListOfLanguages: an x-fhir-query
    assert not q.item("language_from_patient.8").available  # %LaunchPatient
    assert (
        "item 'language_from_patient.8': 'answerExpression' gives no options at a lobby "
        "terminal: %LaunchPatient come from a server"
    ) in q.warnings


@pytest.mark.parametrize(
    "source",
    [
        "%resource.item.where(linkId='g').item.where(linkId='a').answer.value",
        "%resource.item.where(linkId = 'g').item.where(linkId='b').answer.value.count()",
        "%resource.item.where(linkId='g').item.where(linkId='missing').exists()",
        "%resource.item.where(linkId='n').answer.value + 1",
        "%resource.item.where(linkId='g').where(linkId='g').item.where(linkId='a').linkId",
        "%resource.repeat(item).where(linkId='a').answer.value",
        "%resource.item.where(linkId='g').item.answer.where(linkId='a').exists()",
        "%resource.item.where(linkId='g').item.where(linkId='a').select($this.linkId)",
        "%resource.item.where(linkId='g').item.where(linkId='b').iif(linkId = 'b', 1, 2)",
        "(%resource.item.where(linkId='g').item.where(linkId='a') | %resource.item).count()",
        "%resource.item.where(linkId='g').item.where(linkId ~ 'A').count()",
        "%resource.item.where(linkId='1').exists() and %resource.item.where(linkId='x').empty()",
        "%resource.item.where(linkId='g').item.where(linkId='b').answer.value.where($this > 1)",
    ],
)
def test_linkid_steps_give_what_fhirpathpys_where_gives(source: str) -> None:
    """The engine evaluates ``where(linkId = '...')`` itself (it was most of the time of
    the forms' expressions); everything else stays fhirpathpy's, and the results agree."""
    from fhirpathpy import apply_parsed_path

    from kiosk.questionnaire.fhirpath_eval import Environment, _flat, _functions, _model

    resource = {"resourceType": "QuestionnaireResponse", "status": "in-progress", "item": [
        {"linkId": "g", "item": [
            {"linkId": "a", "answer": [{"valueCoding": {"code": "x"}}]},
            {"linkId": "b", "answer": [{"valueInteger": 1}, {"valueInteger": 3}]},
            {"text": "no linkId"},
            {"linkId": "A", "answer": [{"valueString": "upper"}]}]},
        {"linkId": "n", "answer": [{"valueDecimal": 2.5}]},
        {"linkId": 1, "answer": [{"valueBoolean": True}]},
    ]}  # fmt: skip
    expression_ = parse(source)
    assert expression_.evaluation_tree() != expression_.tree()  # some step was taken over
    env = Environment({"resource": [resource]})
    found = fhirpath_eval.evaluate(expression_, resource, env)
    fhirpathpys: list[object] = []
    options = {"userInvocationTable": _functions(env.weight), "returnRawData": True}
    raw = apply_parsed_path(resource, expression_.tree(), {"resource": [resource]}, _model(),
                            options)  # fmt: skip
    _flat(raw, fhirpathpys)
    assert found == fhirpathpys


def test_removing_an_entry_recomputes_the_entries_that_move_up() -> None:
    """The entry now at a path is not the one that was there: what it gives is worked out
    again (it used to keep the result of the removed entry)."""
    q = form(
        {"linkId": "meds", "type": "group", "repeats": True,
         "extension": [expression("variable", "item.where(linkId='dose').answer.value", "dose")],
         "item": [{"linkId": "dose", "type": "integer"}, calc("twice", "integer", "%dose * 2")]},
    )  # fmt: skip
    answers = fresh_answers(q)
    answers["meds"].append(new_instance(q.item("meds")))
    answers["meds"][1]["dose"] = 5
    apply_calculations(q, answers)
    assert [entry.get("twice") for entry in answers["meds"]] == [None, 10]
    del answers["meds"][0]  # the empty entry: the response looks the same without it
    apply_calculations(q, answers)
    assert [entry.get("twice") for entry in answers["meds"]] == [10]
