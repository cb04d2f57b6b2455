"""Loading questionnaires: the model built, and every way a file is refused."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiosk.questionnaire import (
    AnswerOption,
    Coding,
    EnableWhen,
    Item,
    ItemType,
    Questionnaire,
    QuestionnaireRefused,
    load_questionnaire,
    parse_questionnaire,
)
from kiosk.questionnaire.extensions import IGNORED_EXTENSIONS, UNSUPPORTED_EXTENSIONS

Q = "http://hl7.org/fhir/StructureDefinition/"


def refusal(*items: dict[str, Any], **fields: Any) -> list[str]:
    data = {"resourceType": "Questionnaire", "status": "active", **fields, "item": list(items)}
    with pytest.raises(QuestionnaireRefused) as caught:
        parse_questionnaire(data, "test.json")
    return caught.value.reasons


def warnings_of(*items: dict[str, Any], **fields: Any) -> list[str]:
    """Load a questionnaire that must not be refused; its warnings."""
    data = {"resourceType": "Questionnaire", "status": "active", **fields, "item": list(items)}
    return list(parse_questionnaire(data, "test.json").warnings)


def when(question: str, operator: str = "=", **answer: Any) -> list[dict[str, Any]]:
    """A one-condition enableWhen list."""
    return [{"question": question, "operator": operator, **answer}]


def string_item(link_id: str = "q1", **extra: Any) -> dict[str, Any]:
    return {"linkId": link_id, "type": "string", "text": "Question", **extra}


# -- the model ---------------------------------------------------------------------------


def test_intake_fixture_is_valid_fhir(intake_path: Path, fhir_questionnaire_valid) -> None:
    fhir_questionnaire_valid(intake_path)


def test_intake_model(intake: Questionnaire) -> None:
    assert intake.id == "intake"
    assert intake.title == "Applicant intake"
    assert intake.language == "en"
    assert intake.canonical() == "https://example.org/fhir/Questionnaire/intake|1.0"
    smoker = intake.item("smoker")
    assert smoker.type is ItemType.BOOLEAN
    assert smoker.required
    assert smoker.label == "2. Do you smoke?"
    assert intake.item("nickname").max_length == 20
    assert intake.item("cigarettes").enable_when == (EnableWhen("smoker", "=", True),)
    assert intake.parent_of("cigarettes") is smoker
    assert intake.parent_of("about") is None
    assert [a.link_id for a in intake.ancestors("cigarettes")] == ["smoker", "about"]
    assert intake.item("senior").enable_behavior == "all"
    with pytest.raises(KeyError):
        intake.item("nope")


def test_choice_options_and_initial_selected(intake: Questionnaire) -> None:
    shift = intake.item("shift")
    day = Coding("https://example.org/shift", "day", "Day")
    assert shift.options[0] == AnswerOption(day, "Day")
    assert shift.options[2].label == "any"  # no display: the code
    assert shift.initial == Coding("https://example.org/shift", "any", None)
    years = intake.item("years")
    assert [o.value for o in years.options] == [0, 1, 5]
    assert [o.label for o in years.options] == ["0", "1", "5"]
    assert intake.item("language").initial == "English"


def test_questions_are_depth_first_in_document_order(intake: Questionnaire) -> None:
    assert [item.link_id for item in intake.questions()] == [
        "nickname", "birthdate", "height", "smoker", "cigarettes", "shift", "night-ok",
        "night-notes", "years", "language", "senior", "remarks", "consent",
    ]  # fmt: skip


def test_pages(intake: Questionnaire) -> None:
    pages = intake.pages()
    assert [(p.title, p.link_id) for p in pages] == [
        ("Applicant intake", None),
        ("About you", "about"),
        ("Work", "work"),
        ("Applicant intake", None),
    ]
    assert [i.link_id for i in pages[0].items] == ["intro", "nickname"]
    assert [i.link_id for i in pages[1].items] == ["birthdate", "height", "unit-hint", "smoker"]
    assert [i.link_id for i in pages[3].items] == ["remarks", "consent"]


def test_group_without_text_takes_questionnaire_title(make_q) -> None:
    q = make_q({"linkId": "g", "type": "group", "item": [string_item()]}, title="T")
    assert q.pages()[0].title == "T"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"url": "http://x/Q", "version": "2", "id": "a"}, "http://x/Q|2"),
        ({"url": "http://x/Q", "id": "a"}, "http://x/Q"),
        ({"id": "a", "title": "T"}, "Questionnaire/a"),
        ({"title": "Health check"}, "#Health%20check"),
    ],
)
def test_canonical(make_q, fields: dict[str, str], expected: str) -> None:
    assert make_q(string_item(), **fields).canonical() == expected


def test_title_falls_back_to_name(make_q) -> None:
    assert make_q(string_item(), name="intake_form").title == "intake_form"


def test_decimals_stay_exact(tmp_path: Path) -> None:
    data = {
        "resourceType": "Questionnaire",
        "item": [
            {"linkId": "d", "type": "decimal", "initial": [{"valueDecimal": 0.1}]},
            {
                "linkId": "s",
                "type": "string",
                "enableWhen": [{"question": "d", "operator": "=", "answerDecimal": 72.50}],
            },
        ],
    }
    path = tmp_path / "q.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    q = load_questionnaire(path)
    assert q.item("d").initial == Decimal("0.1")
    assert q.item("s").enable_when[0].answer == Decimal("72.5")
    # Python floats handed to parse_questionnaire are taken by their shortest repr.
    assert parse_questionnaire(data).item("d").initial == Decimal("0.1")


def test_cosmetic_extensions_are_ignored(make_q) -> None:
    extensions = [{"url": url, "valueString": "x"} for url in sorted(IGNORED_EXTENSIONS)]
    q = make_q(
        string_item("q1", extension=extensions),
        {"linkId": "d", "type": "display", "text": "kg",
         "extension": [{"url": Q + "questionnaire-unit", "valueCoding": {"code": "kg"}}]},
        {"linkId": "c", "type": "choice", "answerOption": [
            {"valueString": "a", "extension": [{"url": Q + "ordinalValue", "valueDecimal": 1}]}
        ]},
    )  # fmt: skip
    assert q.item("q1").type is ItemType.STRING


def test_initial_values(make_q) -> None:
    q = make_q(
        {"linkId": "b", "type": "boolean", "initial": [{"valueBoolean": False}]},
        {"linkId": "i", "type": "integer", "initial": [{"valueInteger": 3}]},
        {"linkId": "d", "type": "date", "initial": [{"valueDate": "2020-02-29"}]},
        {"linkId": "c", "type": "choice", "answerOption": [
            {"valueCoding": {"system": "s", "code": "a", "display": "A"}}],
         "initial": [{"valueCoding": {"code": "a"}}]},
    )  # fmt: skip
    assert q.item("b").initial is False
    assert q.item("i").initial == 3
    assert str(q.item("d").initial) == "2020-02-29"
    # the option's own coding (with system and display) becomes the initial value
    assert q.item("c").initial == Coding("s", "a", "A")


def test_model_rejects_duplicate_link_ids_when_built_by_hand() -> None:
    item = Item("a", ItemType.STRING)
    with pytest.raises(ValueError, match="duplicate"):
        Questionnaire(None, None, None, None, "T", (item, item))


# -- refusals: the file ------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(QuestionnaireRefused) as caught:
        load_questionnaire(path)
    assert caught.value.reasons == [f"{path}: file not found"]
    assert str(path) in str(caught.value)


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireRefused) as caught:
        load_questionnaire(tmp_path)
    assert caught.value.reasons[0].startswith(f"{tmp_path}: cannot read the file")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe{}", "the file is not UTF-8 text"),
        (b'{"resourceType": ', "not valid JSON (line 1, column"),
        (b'{"resourceType": "Questionnaire", "x": NaN}', "not valid JSON"),
        (b"[1, 2]", "the JSON is not an object"),
        (b'{"resourceType": "Patient"}', "resourceType is 'Patient', expected 'Questionnaire'"),
        (b'{"resourceType": "Questionnaire", "status": "active"}', "has no items"),
        (b'{"resourceType": "Questionnaire", "item": []}', "has no items"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "q.json"
    path.write_bytes(content)
    with pytest.raises(QuestionnaireRefused) as caught:
        load_questionnaire(path)
    [reason] = caught.value.reasons
    assert reason.startswith(f"{path}: ")
    assert expected in reason


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    data = {"resourceType": "Questionnaire", "item": [string_item()]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    assert load_questionnaire(path).item("q1").type is ItemType.STRING


def test_parse_without_source_names_the_questionnaire() -> None:
    with pytest.raises(QuestionnaireRefused) as caught:
        parse_questionnaire("nope")
    assert caught.value.reasons == ["questionnaire: the JSON is not an object"]


def test_top_level_problems() -> None:
    """Only modifiers refuse; everything else is a warning, and one pass finds them all."""
    fields: dict[str, Any] = {
        "title": 5,
        "implicitRules": "http://x",
        "modifierExtension": [{"url": "http://x/m"}],
        "extension": [{"url": "http://x/unknown"}],
        "somethingElse": 1,
    }
    assert refusal(string_item(), **fields) == [
        "test.json: 'implicitRules' is not supported",
        "test.json: modifier extension 'http://x/m' is not supported",
    ]
    del fields["implicitRules"], fields["modifierExtension"]
    assert warnings_of(string_item(), **fields) == [
        "test.json: property 'somethingElse' is not supported",
        "test.json: extension 'http://x/unknown' is not supported",
        "test.json: 'title' must be a string",
    ]


def test_every_refusal_reason_is_found_in_one_pass() -> None:
    reasons = refusal(
        string_item("a", modifierExtension=[{"url": "http://x/m"}]),
        {"linkId": "f", "type": "attachment", "required": True},
        {"linkId": "c", "type": "choice", "required": True, "answerValueSet": "http://x/vs"},
        string_item("w", extension=[{"url": "http://x/e"}]),  # a warning, not a reason
        {"linkId": "g", "type": "group", "extension": [{
            "url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
                   "sdc-questionnaire-enableWhenExpression",
            "valueExpression": {"language": "text/fhirpath", "expression": "%nowhere.exists()"}}],
         "item": [string_item("r", required=True)]},
        modifierExtension=[{"url": "http://x/top"}],
    )  # fmt: skip
    assert reasons == [
        "test.json: modifier extension 'http://x/top' is not supported",
        "item 'a': modifier extension 'http://x/m' is not supported",
        "item 'f': a required attachment item cannot be answered at a lobby terminal",
        "item 'c': answerValueSet 'http://x/vs' cannot be resolved offline; contain the "
        "ValueSet in the questionnaire or list the answers with answerOption",
        "item 'g': expression '%nowhere.exists()' uses %nowhere, which is not defined",
    ]


# -- refusals: structure -----------------------------------------------------------------


def test_structural_problems_are_all_collected() -> None:
    reasons = warnings_of(
        {"type": "string"},
        "not an item",
        string_item("dup"),
        string_item("dup"),
        {"linkId": "t"},
        {"linkId": "r", "type": "string", "required": "yes", "text": 3},
        {"linkId": "g", "type": "group"},
        {"linkId": "d", "type": "display", "required": True, "item": [string_item("inner")]},
        {"linkId": "m", "type": "integer", "maxLength": 3},
        {"linkId": "m2", "type": "string", "maxLength": 0},
        {"linkId": "c", "type": "choice"},
        {"linkId": "e", "type": "string", "enableBehavior": "some"},
        {"linkId": "o", "type": "integer", "answerOption": [{"valueInteger": 1}]},  # fine
    )
    assert reasons == [
        "test.json: the item at item[0] has no linkId",
        "test.json: item[1] is not an object",
        "item 'dup': linkId is used more than once",
        "item 't': 'type' is missing or not a string",
        "item 'r': 'text' must be a string",
        "item 'r': 'required' must be true or false",
        "item 'g': a group needs items",
        "item 'd': a display item cannot contain items",
        "item 'd': a display item cannot be required",
        "item 'm': 'maxLength' is only supported on items answered with text",
        "item 'm2': 'maxLength' must be a positive whole number",
        "item 'c': a choice item needs answerOption or answerValueSet",
        "item 'e': 'enableBehavior' must be 'any' or 'all'",
    ]


def test_item_without_link_id_names_its_path() -> None:
    reasons = warnings_of({"linkId": "g", "type": "group", "item": [{"type": "foo"}]})
    assert reasons == [
        "test.json: the item at item[0].item[0] has no linkId",
        "test.json: item at item[0].item[0]: item type 'foo' is not supported",
    ]


def test_nesting_too_deep_is_refused() -> None:
    item: dict[str, Any] = string_item("leaf")
    for level in range(40):
        item = {"linkId": f"g{level}", "type": "group", "item": [item]}
    reasons = warnings_of(item)
    assert len(reasons) == 1
    assert "nested more than 30 levels deep" in reasons[0]


# -- refusals: unsupported features ------------------------------------------------------


@pytest.mark.parametrize(
    "item_type",
    ["dateTime", "time", "url", "open-choice", "quantity", "attachment", "reference"],
)
def test_every_r4_item_type_loads(make_q, item_type: str) -> None:
    q = make_q({"linkId": "q3", "type": item_type})
    assert q.item("q3").type == item_type
    assert q.item("q3").available is (item_type not in ("attachment", "reference"))


def test_unknown_item_type() -> None:
    assert warnings_of({"linkId": "q3", "type": "question"}, string_item()) == [
        "item 'q3': item type 'question' is not supported"
    ]
    assert refusal({"linkId": "q3", "type": "question", "required": True}) == [
        "item 'q3': a required item that cannot be read cannot be asked"
    ]


@pytest.mark.parametrize("item_type", ["attachment", "reference"])
def test_required_attachment_and_reference_are_refused(item_type: str) -> None:
    assert refusal({"linkId": "f", "type": item_type, "required": True}) == [
        f"item 'f': a required {item_type} item cannot be answered at a lobby terminal"
    ]


def test_read_only_and_hidden(make_q) -> None:
    hidden = [{"url": Q + "questionnaire-hidden", "valueBoolean": True}]
    q = make_q(
        string_item("a", readOnly=True, initial=[{"valueString": "x"}]),
        string_item("b", extension=hidden),
        string_item("d", repeats=False, readOnly=False),  # explicit false is fine
    )
    assert q.item("a").read_only
    assert not q.item("a").answerable
    assert q.item("b").hidden
    assert not q.item("b").answerable
    assert q.item("d").answerable
    assert warnings_of(
        string_item("r", readOnly=True, required=True),
        string_item("h", extension=hidden, required=True),
    ) == [
        "item 'r': a required item that is hidden or read-only needs an initial answer "
        "or a calculatedExpression",
        "item 'h': a required item that is hidden or read-only needs an initial answer "
        "or a calculatedExpression",
    ]


def test_value_set_must_be_contained() -> None:
    assert warnings_of({"linkId": "c", "type": "choice", "answerValueSet": "http://x/vs"}) == [
        "item 'c': answerValueSet 'http://x/vs' cannot be resolved offline; contain the "
        "ValueSet in the questionnaire or list the answers with answerOption"
    ]


def test_contained_value_set_gives_the_options(make_q) -> None:
    expanded = {"resourceType": "ValueSet", "id": "e", "status": "active", "expansion": {
        "timestamp": "2020-01-01", "contains": [
            {"system": "http://s", "code": "a", "display": "A"},
            {"abstract": True, "code": "head", "contains": [{"system": "http://s", "code": "b"}]},
        ]}}  # fmt: skip
    composed = {"resourceType": "ValueSet", "id": "c", "status": "active", "compose": {
        "include": [{"system": "http://t", "concept": [
            {"code": "x", "display": "X",
             "extension": [{"url": Q + "ordinalValue", "valueDecimal": 2}]}]}]}}  # fmt: skip
    q = make_q(
        {"linkId": "e", "type": "choice", "answerValueSet": "#e"},
        {"linkId": "c", "type": "choice", "answerValueSet": "#c"},
        contained=[expanded, composed],
    )
    assert [o.value for o in q.item("e").options] == [
        Coding("http://s", "a", "A"),
        Coding("http://s", "b", None),
    ]
    [x] = q.item("c").options
    assert (x.value, x.label, x.weight) == (Coding("http://t", "x", "X"), "X", Decimal(2))


def test_value_set_needing_a_terminology_server_is_refused() -> None:
    filtered = {"resourceType": "ValueSet", "id": "f", "status": "active", "compose": {
        "include": [{"system": "http://loinc.org",
                     "filter": [{"property": "x", "op": "=", "value": "y"}]}]}}  # fmt: skip
    assert warnings_of(
        {"linkId": "c", "type": "choice", "answerValueSet": "#f"}, contained=[filtered]
    ) == [
        "item 'c': answerValueSet '#f': 'compose.include' with a filter or a valueSet needs "
        "a terminology server"
    ]


@pytest.mark.parametrize("operator", ["!=", ">", "<", ">=", "<="])
def test_every_operator_loads(make_q, operator: str) -> None:
    q = make_q(
        {"linkId": "n", "type": "integer"},
        string_item("q7", enableWhen=[{"question": "n", "operator": operator, "answerInteger": 1}]),
    )
    assert q.item("q7").enable_when == (EnableWhen("n", operator, 1),)


def test_ordering_needs_an_ordered_answer_type() -> None:
    reasons = warnings_of(
        {"linkId": "b", "type": "boolean"},
        string_item("q7", enableWhen=[{"question": "b", "operator": ">", "answerBoolean": True}]),
    )
    assert reasons == ["item 'q7': enableWhen operator '>' cannot compare answerBoolean"]


@pytest.mark.parametrize(
    ("source", "key", "value"),
    [
        ("dateTime", "answerDateTime", "2020-01-01T10:00:00Z"),
        ("time", "answerTime", "10:00:00"),
        ("quantity", "answerQuantity", {"value": 1, "unit": "kg"}),
    ],
)
def test_enable_when_answer_types(make_q, source: str, key: str, value: object) -> None:
    q = make_q(
        {"linkId": "a", "type": source},
        string_item("b", enableWhen=[{"question": "a", "operator": "=", key: value}]),
    )
    assert len(q.item("b").enable_when) == 1


def test_unsupported_enable_when_answer_type() -> None:
    reasons = warnings_of(
        string_item("a"),
        string_item("b", enableWhen=[{"question": "a", "operator": "=",
                                      "answerReference": {"reference": "Patient/1"}}]),
    )  # fmt: skip
    assert reasons == ["item 'b': enableWhen 'answerReference' is not supported"]


def test_option_types(make_q) -> None:
    q = make_q(
        {"linkId": "d", "type": "choice", "answerOption": [{"valueDate": "2020-01-01"}]},
        {"linkId": "t", "type": "choice", "answerOption": [{"valueTime": "10:00:00"}]},
    )
    assert q.item("d").options[0].label == "2020-01-01"
    assert q.item("t").options[0].label == "10:00:00"
    reasons = warnings_of(
        {"linkId": "c", "type": "choice", "answerOption": [{"valueReference": {}}]}
    )
    assert reasons == ["item 'c': answerOption 'valueReference' is not supported"]


@pytest.mark.parametrize(("url", "feature"), sorted(UNSUPPORTED_EXTENSIONS.items()))
def test_refused_extensions_name_the_feature(url: str, feature: str) -> None:
    reasons = warnings_of(string_item("q", extension=[{"url": url, "valueString": "x"}]))
    assert reasons == [f"item 'q': '{feature}' is not supported"]


def test_unknown_extensions_are_warnings_and_modifier_extensions_refuse() -> None:
    items = (
        string_item("a", extension=[{"url": "http://x/e"}, {"url": "http://x/e"}]),
        string_item("c", _text={"extension": [{"url": "http://x/t"}]}),
        string_item("d", extension=[{"valueString": "no url"}]),
        {"linkId": "e", "type": "choice",
         "answerOption": [{"valueString": "a", "extension": [{"url": "http://x/o"}]}]},
    )  # fmt: skip
    assert warnings_of(*items) == [
        "item 'a': extension 'http://x/e' is not supported",  # reported once
        "item 'c': extension 'http://x/t' is not supported",
        "item 'd': an extension has no url",
        "item 'e': extension 'http://x/o' is not supported",
    ]
    assert refusal(*items, string_item("b", modifierExtension=[{"url": "http://x/m"}])) == [
        "item 'b': modifier extension 'http://x/m' is not supported"
    ]


def test_extraction_hints_and_the_old_initial_expression_url() -> None:
    sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
    hints = [
        {"url": sdc + "sdc-questionnaire-observation-extract-category",
         "valueCodeableConcept": {"text": "vital-signs"}},
        {"url": sdc + "sdc-questionnaire-itemExtractionContext",
         "valueExpression": {"language": "text/fhirpath", "expression": "%resource"}},
    ]  # fmt: skip
    q = parse_questionnaire(
        {
            "resourceType": "Questionnaire",
            "extension": [{"url": sdc + "sdc-questionnaire-targetStructureMap",
                           "valueCanonical": "http://x/StructureMap/m"}],
            "item": [
                string_item("a", definition="http://x/Patient#Patient.name", extension=hints),
                string_item("b", extension=[{
                    "url": Q + "questionnaire-initialExpression",
                    "valueExpression": {"language": "text/fhirpath", "expression": "'x' + 'y'"},
                }]),
            ],
        }
    )  # fmt: skip
    assert q.warnings == ()
    assert q.item("a").definition == "http://x/Patient#Patient.name"
    assert q.raw is not None
    assert q.raw["item"][0]["extension"] == hints  # kept in the form
    assert q.item("b").initial_expression is not None


def test_unknown_item_property() -> None:
    assert warnings_of(string_item("a", answerConstraint="optionsOnly")) == [
        "item 'a': property 'answerConstraint' is not supported"
    ]


# -- refusals: enableWhen across items ----------------------------------------------------


def test_enable_when_problems() -> None:
    reasons = warnings_of(
        {"linkId": "b", "type": "boolean"},
        {"linkId": "g", "type": "group", "item": [string_item("in-g")]},
        {"linkId": "c", "type": "choice", "answerOption": [{"valueString": "x"}]},
        string_item("u", enableWhen=when("nowhere", answerString="x")),
        string_item("t", enableWhen=when("b", answerString="x")),
        string_item("gq", enableWhen=when("g", "exists", answerBoolean=True)),
        string_item("cx", enableWhen=when("c", answerCoding={"code": "x"})),
        string_item("e", enableWhen=when("b", "exists", answerString="x")),
        string_item("two", enableWhen=[{"question": "b", "operator": "=", "answerBoolean": True,
                                        "answerString": "x"}]),
    )  # fmt: skip
    assert reasons == [
        "item 'e': enableWhen 'exists' needs answerBoolean",
        "item 'two': enableWhen needs exactly one 'answer[x]'",
        "item 'u': enableWhen refers to unknown question 'nowhere'",
        "item 't': enableWhen compares 'b' (boolean) with answerString",
        "item 'gq': enableWhen refers to 'g', a group item, which has no answer",
        "item 'cx': enableWhen compares 'c' (choice) with answerCoding",
    ]


def test_enable_when_on_a_refused_item_adds_no_second_reason() -> None:
    reasons = warnings_of(
        {"linkId": "dt", "type": "datetime"},
        {"linkId": "vs", "type": "choice", "answerValueSet": "http://x"},
        string_item("a", enableWhen=when("dt", "exists", answerBoolean=True)),
        string_item("b", enableWhen=when("vs", answerCoding={"code": "y"})),
    )  # fmt: skip
    assert reasons == [
        "item 'dt': item type 'datetime' is not supported",
        "item 'vs': answerValueSet 'http://x' cannot be resolved offline; contain the ValueSet "
        "in the questionnaire or list the answers with answerOption",
    ]


def test_enable_when_loops_are_refused() -> None:
    reasons = warnings_of(
        {"linkId": "a", "type": "boolean",
         "enableWhen": [{"question": "b", "operator": "=", "answerBoolean": True}]},
        {"linkId": "b", "type": "boolean",
         "enableWhen": [{"question": "a", "operator": "exists", "answerBoolean": True}]},
        {"linkId": "g", "type": "group",
         "enableWhen": [{"question": "inner", "operator": "exists", "answerBoolean": True}],
         "item": [string_item("inner")]},
    )  # fmt: skip
    assert reasons == [
        "item 'a': enableWhen conditions form a loop: a -> b -> a",
        "item 'g': enableWhen conditions form a loop: g -> inner -> g",
    ]


def test_self_reference_is_a_loop() -> None:
    reasons = warnings_of(
        string_item(
            "s", enableWhen=[{"question": "s", "operator": "exists", "answerBoolean": True}]
        )
    )
    assert reasons == ["item 's': enableWhen conditions form a loop: s -> s"]


# -- refusals: values --------------------------------------------------------------------


def test_bad_values_are_refused() -> None:
    reasons = warnings_of(
        {"linkId": "i", "type": "integer", "initial": [{"valueInteger": 2**40}]},
        {"linkId": "d", "type": "date", "initial": [{"valueDate": "2020-02"}]},  # partial: fine
        {"linkId": "d2", "type": "date", "initial": [{"valueDate": "2021-02-29"}]},
        {"linkId": "s", "type": "string", "maxLength": 2, "initial": [{"valueString": "abc"}]},
        {"linkId": "b", "type": "boolean", "initial": [{"valueString": "yes"}]},
        {"linkId": "two", "type": "integer",
         "initial": [{"valueInteger": 1}, {"valueInteger": 2}]},
        {"linkId": "c", "type": "choice", "answerOption": [{"valueCoding": {"display": "A"}}]},
        {"linkId": "c2", "type": "choice", "answerOption": [{"valueString": "a"}],
         "initial": [{"valueString": "b"}]},
        {"linkId": "c3", "type": "choice", "answerOption": [
            {"valueString": "a", "initialSelected": True},
            {"valueString": "b", "initialSelected": True}]},
        {"linkId": "g", "type": "group", "item": [string_item("x")],
         "initial": [{"valueString": "b"}]},
    )  # fmt: skip
    assert reasons == [
        "item 'i': initial 'valueInteger' must be between -2147483648 and 2147483647",
        "item 'd2': initial 'valueDate' is not a real date",
        "item 's': the initial answer is not valid: Enter at most 2 characters; this answer has 3.",
        "item 'b': initial 'valueString' does not fit a boolean item",
        "item 'two': more than one initial answer (that needs 'repeats') is not supported",
        "item 'c': answerOption 'valueCoding' is a Coding without a code",
        "item 'c2': the initial answer is not one of the answerOptions",
        "item 'c3': more than one initial answer (that needs 'repeats') is not supported",
        "item 'g': a group item cannot have an initial answer",
    ]


def test_a_file_is_parsed_once_per_version(tmp_path: Path) -> None:
    from kiosk.questionnaire import load_questionnaire_once

    source = Path(__file__).with_name("fixtures") / "intake.json"
    path = tmp_path / "intake.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data), encoding="utf-8")
    first = load_questionnaire_once(path)
    assert load_questionnaire_once(path) is first  # the start-up check and visits share it
    data["title"] = "Intake, revised"
    path.write_text(json.dumps(data), encoding="utf-8")  # another size: another version
    revised = load_questionnaire_once(path)
    assert revised is not first
    assert revised.title == "Intake, revised"


def test_hidden_choice_answered_by_its_initial_coding_without_options_gets_one_reason() -> None:
    hidden = [{"url": Q + "questionnaire-hidden", "valueBoolean": True}]
    warnings = warnings_of({
        "linkId": "c", "type": "choice", "extension": hidden, "answerValueSet": "http://x/vs",
        "initial": [{"valueCoding": {"system": "http://x", "code": "a"}}],
    })  # fmt: skip
    assert warnings == [
        "item 'c': answerValueSet 'http://x/vs' cannot be resolved offline; contain the "
        "ValueSet in the questionnaire or list the answers with answerOption"
    ]  # and no "initial 'valueCoding' does not fit a choice item"
    q = parse_questionnaire({"resourceType": "Questionnaire", "item": [{
        "linkId": "c", "type": "choice", "extension": hidden, "answerValueSet": "http://x/vs",
        "initial": [{"valueCoding": {"system": "http://x", "code": "a"}}]}]})  # fmt: skip
    assert q.item("c").initial == Coding("http://x", "a", None)  # still sent in the response
    assert q.item("c").available


def test_duplicate_option_codes_name_both_options() -> None:
    warnings = warnings_of({"linkId": "c", "type": "choice", "answerOption": [
        {"valueCoding": {"system": "http://x", "code": "y", "display": "Yes"}},
        {"valueCoding": {"system": "http://x", "code": "n", "display": "No"}},
        {"valueCoding": {"system": "http://x", "code": "y", "display": "Yes, often"}},
    ]})  # fmt: skip
    assert warnings == [
        "item 'c': answerOption 'Yes, often (y)' has the same value as answerOption 'Yes (y)'"
    ]
