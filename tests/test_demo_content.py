"""The shipped demo portal content (config/demo/): questionnaires and consent text.

The questionnaires must be valid FHIR R4 and use only the subset of the Questionnaire
resource that the kiosk engine supports; ``questionnaire_problems`` checks that subset
on its own (it does not import the engine) and is itself tested against broken copies.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fhir_models import validate_fhir

DEMO_DIR = Path(__file__).resolve().parent.parent / "config" / "demo"
QUESTIONNAIRE_DIR = DEMO_DIR / "questionnaires"
CONSENT = DEMO_DIR / "consents" / "preplacement-evaluation.en.txt"

OSHA = "osha-respirator-medical-evaluation"
HISTORY = "preplacement-health-history"
QUESTIONNAIRE_IDS = [OSHA, HISTORY]
URL_BASE = "https://lobby-kiosk.example.org/fhir/Questionnaire/"

MAX_QUESTIONS_PER_PAGE = 10
LINK_ID = re.compile(r"^[A-Za-z0-9._-]+$")
HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")

TOP_KEYS = {
    "resourceType",
    "id",
    "url",
    "version",
    "name",
    "title",
    "status",
    "publisher",
    "date",
    "description",
    "subjectType",
    "item",
}
ITEM_KEYS = {
    "linkId",
    "prefix",
    "text",
    "type",
    "required",
    "maxLength",
    "answerOption",
    "enableWhen",
    "enableBehavior",
    "item",
    "extension",
}
CORE = "http://hl7.org/fhir/StructureDefinition/"
CALCULATED_VALUE = CORE + "cqf-calculatedValue"
VALIDATION_TEXT = "http://biodesign.stanford.edu/fhir/StructureDefinition/validationtext"
BOUND_KINDS = {"integer": {"valueInteger", "_valueInteger"}, "decimal": {"valueDecimal"},
               "date": {"valueDate", "_valueDate"}}  # fmt: skip
"""The limits each question type may carry (minValue/maxValue): a value, or an expression."""
BOUND_EXPRESSIONS = {"_valueDate": {"today()", "today() - 10 years"},
                     "_valueInteger": {"today().yearOf()"}}  # fmt: skip
NOT_SHOWN = {CORE + "regex", CALCULATED_VALUE}
"""Extensions whose valueString is for the engine, not for the visitor (not translated)."""
ENABLE_WHEN_KEYS = {
    "question",
    "operator",
    "answerBoolean",
    "answerCoding",
    "answerString",
    "answerInteger",
    "answerDecimal",
    "answerDate",
}
OPTION_KEYS = {"valueCoding", "valueString", "valueInteger"}
CODING_KEYS = {"system", "code", "display"}
QUESTION_TYPES = {"boolean", "string", "text", "integer", "decimal", "date", "choice"}
ITEM_TYPES = QUESTION_TYPES | {"group", "display"}
OPERATORS = {"=", "exists"}
# For "=": which answer[x] fits a question of each type.
ANSWER_KEY = {
    "boolean": "answerBoolean",
    "string": "answerString",
    "text": "answerString",
    "integer": "answerInteger",
    "decimal": "answerDecimal",
    "date": "answerDate",
}


# --------------------------------------------------------------------------- helpers


TRANSLATION_URL = "http://hl7.org/fhir/StructureDefinition/translation"
TRANSLATED_LANGUAGES = ["es", "fr", "pt-BR", "vi", "zh-Hans"]
"""Every shipped language but English, as BCP 47 tags (the FHIR translation extension's)."""


def load_raw(qid: str) -> dict[str, Any]:
    """The questionnaire as shipped, translations included."""
    path = QUESTIONNAIRE_DIR / f"{qid}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def translations_of(element: Any) -> dict[str, str]:
    """``{language: text}`` from a primitive's ``_text``/``_title``/``_display`` element."""
    found: dict[str, str] = {}
    for extension in (element or {}).get("extension", []):
        if extension.get("url") == TRANSLATION_URL:
            parts = {part["url"]: part for part in extension["extension"]}
            found[parts["lang"]["valueCode"]] = parts["content"]["valueString"]
    return found


def without_translations(node: Any) -> Any:
    """*node* without its ``_…`` translation elements: what the subset rules look at."""
    if isinstance(node, dict):
        kept = ("_valueDate", "_valueInteger")  # a limit's expression, not a translation
        return {
            k: without_translations(v)
            for k, v in node.items()
            if not k.startswith("_") or k in kept
        }
    if isinstance(node, list):
        return [without_translations(v) for v in node]
    return node


def load(qid: str) -> dict[str, Any]:
    """The questionnaire without its translations."""
    return without_translations(load_raw(qid))


def untranslated(node: Any, where: str = "") -> Iterator[str]:
    """Each shown text of *node* that lacks one of :data:`TRANSLATED_LANGUAGES`, or whose
    translation element has anything but translations."""
    if isinstance(node, list):
        for index, value in enumerate(node):
            yield from untranslated(value, f"{where}[{index}]")
        return
    if not isinstance(node, dict) or node.get("url") in NOT_SHOWN:
        return
    for key in ("title", "text", "display", "valueString"):
        if isinstance(node.get(key), str):
            element = node.get("_" + key) or {}
            others = [e for e in element.get("extension", []) if e.get("url") != TRANSLATION_URL]
            have = translations_of(element)
            missing = [lang for lang in TRANSLATED_LANGUAGES if not have.get(lang, "").strip()]
            if missing or others:
                yield f"{where}.{key}: missing {missing}" if missing else f"{where}.{key}: {others}"
    for key, value in node.items():
        if not key.startswith("_") and key not in ("enableWhen", "initial"):
            yield from untranslated(value, f"{where}.{key}")


def walk(items: list[dict[str, Any]], ancestors: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Every item in document (pre-)order, with the linkIds of its ancestors."""
    for item in items:
        yield item, ancestors
        yield from walk(item.get("item", []), (*ancestors, item.get("linkId", "")))


def is_question(item: dict[str, Any]) -> bool:
    return item.get("type") in QUESTION_TYPES


def questions_in(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [child for child, _ in walk(item.get("item", [])) if is_question(child)]


def by_link_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item, _ in walk(doc.get("item", []))}


def option_value(option: dict[str, Any]) -> tuple:
    if "valueCoding" in option:
        coding = option["valueCoding"]
        return ("coding", coding.get("system"), coding.get("code"))
    if "valueString" in option:
        return ("string", option["valueString"])
    return ("integer", option.get("valueInteger"))


def condition_problems(cond: dict[str, Any], target: dict[str, Any], where: str) -> list[str]:
    """Problems of one enableWhen against the item it names."""
    found = []
    answers = [key for key in cond if key.startswith("answer")]
    if len(answers) != 1:
        return [f"{where}: enableWhen needs exactly one answer[x], has {answers}"]
    answer_key = answers[0]
    if cond.get("operator") == "exists":
        if answer_key != "answerBoolean" or not isinstance(cond[answer_key], bool):
            found.append(f"{where}: 'exists' takes answerBoolean")
        return found
    kind = target.get("type")
    if kind == "choice":
        values = {option_value(o) for o in target.get("answerOption", [])}
        wanted = {
            "answerCoding": lambda v: ("coding", v.get("system"), v.get("code")),
            "answerString": lambda v: ("string", v),
            "answerInteger": lambda v: ("integer", v),
        }.get(answer_key)
        if wanted is None or wanted(cond[answer_key]) not in values:
            found.append(f"{where}: answer is not one of the options of {target['linkId']}")
    elif ANSWER_KEY.get(kind) != answer_key:
        found.append(f"{where}: {answer_key} does not fit a {kind} question")
    return found


def item_problems(item: dict[str, Any], where: str) -> list[str]:
    """Problems of one item taken on its own (keys, type, options, text)."""
    found = [f"{where}: key {key!r} not supported" for key in sorted(set(item) - ITEM_KEYS)]
    kind = item.get("type")
    if kind not in ITEM_TYPES:
        found.append(f"{where}: type {kind!r} not supported")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip() or text != text.strip():
        found.append(f"{where}: needs plain, trimmed text")
    elif HTML_TAG.search(text):
        found.append(f"{where}: text contains HTML")
    found += extension_problems(item, where)
    if "maxLength" in item and kind not in {"string", "text"}:
        found.append(f"{where}: maxLength only on string/text")
    if "required" in item and not is_question(item):
        found.append(f"{where}: only questions can be required")
    if (kind == "group") != ("item" in item) or (kind == "group" and not item["item"]):
        found.append(f"{where}: groups, and only groups, have child items")
    options = item.get("answerOption")
    if (kind == "choice") != (options is not None):
        found.append(f"{where}: answerOption goes with choice, and only choice")
    if options is not None:
        if len(options) < 2:
            found.append(f"{where}: a choice needs at least two options")
        for option in options:
            if len(option) != 1 or not set(option) <= OPTION_KEYS:
                found.append(f"{where}: option {option} must have one supported value[x]")
            elif "valueCoding" in option:
                coding = option["valueCoding"]
                if set(coding) != CODING_KEYS or not all(coding.values()):
                    found.append(f"{where}: valueCoding needs system, code and display")
        if len({option_value(o) for o in options}) != len(options):
            found.append(f"{where}: duplicate options")
    return found


def extension_problems(item: dict[str, Any], where: str) -> list[str]:
    """The limits an item may carry: minValue/maxValue of its type (a value, or one of
    :data:`BOUND_EXPRESSIONS` through cqf-calculatedValue), a regex with its message."""
    found = []
    extensions = item.get("extension", [])
    urls = [extension.get("url") for extension in extensions]
    if len(set(urls)) != len(urls):
        found.append(f"{where}: an extension given twice")
    for extension in extensions:
        url = extension.get("url")
        if url in (CORE + "minValue", CORE + "maxValue"):
            keys = set(extension) - {"url"}
            if len(keys) != 1 or not keys <= BOUND_KINDS.get(item.get("type"), set()):
                found.append(f"{where}: {url} as {sorted(keys)} on a {item.get('type')}")
                continue
            [key] = keys
            if key.startswith("_"):
                [calculated] = extension[key]["extension"]
                if (
                    calculated.get("url") != CALCULATED_VALUE
                    or calculated.get("valueString") not in BOUND_EXPRESSIONS[key]
                ):
                    found.append(f"{where}: limit {calculated} not supported")
        elif url == CORE + "regex":
            if item.get("type") != "string" or VALIDATION_TEXT not in urls:
                found.append(f"{where}: a regex goes on a string, with its validationtext")
            re.compile(extension["valueString"])
        elif url != VALIDATION_TEXT:
            found.append(f"{where}: extension {url} not supported")
    return found


def questionnaire_problems(doc: dict[str, Any], qid: str) -> list[str]:
    """Everything about *doc* that the kiosk engine or the demo rules would reject."""
    found = [f"top-level key {key!r} not allowed" for key in sorted(set(doc) - TOP_KEYS)]
    expected = {
        "resourceType": "Questionnaire",
        "id": qid,
        "url": URL_BASE + qid,
        "version": "1.0.0",
        "status": "active",
        "subjectType": ["Patient"],
    }
    found += [
        f"{key} should be {value!r}" for key, value in expected.items() if doc.get(key) != value
    ]
    found += [
        f"{key} missing"
        for key in ("name", "title", "publisher", "date", "description")
        if not doc.get(key)
    ]

    pages = doc.get("item", [])
    if not pages:
        found.append("no pages")
    for page in pages:
        if page.get("type") != "group":
            found.append(f"{page.get('linkId')}: top-level items must be groups (pages)")
        count = len(questions_in(page))
        if not 1 <= count <= MAX_QUESTIONS_PER_PAGE:
            found.append(f"{page.get('linkId')}: {count} questions on one page")

    seen: dict[str, dict[str, Any]] = {}
    for item, ancestors in walk(pages):
        link_id = item.get("linkId")
        where = str(link_id)
        if not isinstance(link_id, str) or not LINK_ID.fullmatch(link_id):
            found.append(f"{where}: linkId must use only [A-Za-z0-9._-]")
        if link_id in seen:
            found.append(f"{where}: duplicate linkId")
        found += item_problems(item, where)

        conditions = item.get("enableWhen", [])
        behavior = item.get("enableBehavior")
        if len(conditions) > 1 and behavior not in {"any", "all"}:
            found.append(f"{where}: several conditions need enableBehavior any/all")
        if len(conditions) <= 1 and behavior is not None:
            found.append(f"{where}: enableBehavior without several conditions")
        for cond in conditions:
            if not set(cond) <= ENABLE_WHEN_KEYS:
                found.append(f"{where}: enableWhen keys {sorted(set(cond) - ENABLE_WHEN_KEYS)}")
            if cond.get("operator") not in OPERATORS:
                found.append(f"{where}: operator {cond.get('operator')!r} not supported")
            target = seen.get(cond.get("question"))
            if target is None or cond.get("question") in ancestors:
                found.append(f"{where}: enableWhen must name an earlier question")
            elif not is_question(target):
                found.append(f"{where}: enableWhen names a {target.get('type')}")
            else:
                found += condition_problems(cond, target, where)
        if isinstance(link_id, str):
            seen[link_id] = item
    return found


# ------------------------------------------------------------------- questionnaires


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_questionnaire_is_valid_fhir_r4(qid: str) -> None:
    resource = validate_fhir(load_raw(qid))
    assert resource.id == qid
    assert resource.status == "active"


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_every_shown_text_is_translated_into_every_shipped_language(qid: str) -> None:
    assert list(untranslated(load_raw(qid))) == []


def test_the_translation_check_finds_a_missing_language() -> None:
    doc = load_raw(OSHA)
    first = doc["item"][0]
    first["_text"]["extension"] = [
        e
        for e in first["_text"]["extension"]
        if translations_of({"extension": [e]}) != {}
        and "vi" not in translations_of({"extension": [e]})
    ]
    assert list(untranslated(doc)) == [".item[0].text: missing ['vi']"]


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_questionnaire_uses_only_the_supported_subset(qid: str) -> None:
    assert questionnaire_problems(load(qid), qid) == []


@pytest.mark.parametrize("qid", QUESTIONNAIRE_IDS)
def test_no_collection_of_identifiers_a_kiosk_must_not_ask_for(qid: str) -> None:
    texts = " ".join(item["text"].lower() for item, _ in walk(load(qid)["item"]))
    for forbidden in ("social security", "ssn", "driver's license number", "date of birth"):
        assert forbidden not in texts


def test_osha_section_2_has_every_regulatory_yes_no_question() -> None:
    items = by_link_id(load(OSHA))
    # 29 CFR 1910.134 Appendix C, Part A, Section 2: sub-items per question.
    letters = {
        2: "abcde",
        3: "abcdefghijkl",
        4: "abcdefghijklmn",
        5: "abcdefgh",
        6: "abcdef",
        7: "abcd",
        8: "abcde",
    }
    expected = ["resp-2.1", "resp-2.9"]
    expected += [f"resp-2.{n}{letter}" for n, chars in letters.items() for letter in chars]
    assert len(expected) == 56
    for link_id in expected:
        item = items[link_id]
        assert item["type"] == "boolean", link_id
        assert item.get("required") is True, link_id


def test_osha_key_wording_is_verbatim() -> None:
    items = by_link_id(load(OSHA))
    assert items["resp-2.1"]["text"] == (
        "Do you currently smoke tobacco, or have you smoked tobacco in the last month?"
    )
    assert items["resp-2.4"]["text"] == (
        "Do you currently have any of the following symptoms of pulmonary or lung illness?"
    )
    assert items["resp-2.6d"]["text"] == (
        "In the past two years, have you noticed your heart skipping or missing a beat"
    )
    assert items["resp-2.9"]["text"].startswith(
        "Would you like to talk to the health care professional who will review this"
    )


def test_osha_question_8_only_for_people_who_have_worn_a_respirator() -> None:
    items = by_link_id(load(OSHA))
    worn = {"question": "resp-1.12", "operator": "=", "answerBoolean": True}
    assert items["resp-2.8"]["type"] == "group"
    assert items["resp-2.8"]["enableWhen"] == [worn]
    skip_note = items["resp-2.8-skip"]
    assert skip_note["type"] == "display"
    assert skip_note["enableWhen"] == [{**worn, "answerBoolean": False}]


def test_osha_other_items_have_describe_follow_ups() -> None:
    items = by_link_id(load(OSHA))
    for source in ("resp-2.3l", "resp-2.4n", "resp-2.5h", "resp-2.6f", "resp-2.8e"):
        follow_up = items[f"{source}-desc"]
        assert follow_up["type"] == "text"
        assert follow_up["enableWhen"] == [
            {"question": source, "operator": "=", "answerBoolean": True}
        ]


def test_osha_other_respirator_type_follows_the_other_choice() -> None:
    items = by_link_id(load(OSHA))
    (condition,) = items["resp-1.11-other"]["enableWhen"]
    other = [
        o["valueCoding"]
        for o in items["resp-1.11"]["answerOption"]
        if o["valueCoding"]["code"] == "other"
    ]
    assert condition["operator"] == "="
    assert condition["answerCoding"] == other[0]
    assert any(
        cond["operator"] == "exists"
        for item in items.values()
        for cond in item.get("enableWhen", [])
    )


def test_health_history_covers_the_required_shapes() -> None:
    doc = load(HISTORY)
    assert 4 <= len(doc["item"]) <= 7
    items = list(by_link_id(doc).values())
    types = {item["type"] for item in items}
    assert {"date", "integer", "decimal", "text", "choice", "string", "boolean"} <= types
    option_kinds = {key for item in items for o in item.get("answerOption", []) for key in o}
    assert option_kinds == OPTION_KEYS
    behaviors = {item.get("enableBehavior") for item in items} - {None}
    assert behaviors == {"any", "all"}
    operators = {c["operator"] for item in items for c in item.get("enableWhen", [])}
    assert operators == OPERATORS
    assert any(item["type"] == "display" and "confirm" in item["text"] for item in items)


def test_health_history_tetanus_date_only_after_yes() -> None:
    items = by_link_id(load(HISTORY))
    (condition,) = items["hh-5.2"]["enableWhen"]
    assert items["hh-5.2"]["type"] == "date"
    assert condition["question"] == "hh-5.1"
    assert condition["answerCoding"]["display"] == "Yes"


# ------------------------------------------------- the checker itself catches mistakes


def _broken(mutate) -> list[str]:
    doc = copy.deepcopy(load(OSHA))
    mutate(by_link_id(doc), doc)
    return questionnaire_problems(doc, OSHA)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda items, doc: items["resp-2.1"].update(linkId="resp 2.1"), "linkId must use"),
        (lambda items, doc: items["resp-2.1"].update(linkId="resp-2.2a"), "duplicate linkId"),
        (lambda items, doc: items["resp-2.1"].update(type="open-choice"), "not supported"),
        (lambda items, doc: items["resp-2.1"].update(repeats=True), "'repeats' not supported"),
        (lambda items, doc: items["resp-2.1"].update(maxLength=5), "maxLength only"),
        (lambda items, doc: items["resp-2.1"].update(text="<b>Smoke?</b>"), "HTML"),
        (
            lambda items, doc: items["resp-1.9"]["enableWhen"][0].update(question="resp-2.9"),
            "earlier question",
        ),
        (
            lambda items, doc: items["resp-1.9"]["enableWhen"][0].update(operator="!="),
            "operator '!=' not supported",
        ),
        (
            lambda items, doc: items["resp-1.11-other"]["enableWhen"][0]["answerCoding"].update(
                code="nope"
            ),
            "not one of the options",
        ),
        (
            lambda items, doc: items["resp-1.12-type"]["enableWhen"].append(
                {"question": "resp-1.10", "operator": "=", "answerBoolean": True}
            ),
            "enableBehavior any/all",
        ),
        (
            lambda items, doc: items["sec2-q3-1"]["item"][0]["item"].extend(
                copy.deepcopy(items["resp-2.4"]["item"])
            ),
            "questions on one page",
        ),
        (lambda items, doc: doc["item"].append(items["resp-2.1"]), "must be groups"),
        (lambda items, doc: doc.update(extension=[]), "'extension' not allowed"),
    ],
)
def test_checker_reports_broken_questionnaires(mutate, expected: str) -> None:
    problems = _broken(mutate)
    assert any(expected in problem for problem in problems), problems


# --------------------------------------------------------------------------- consent


def test_consent_text_is_plain_utf8_with_short_lines() -> None:
    raw = CONSENT.read_bytes()
    text = raw.decode("utf-8")
    assert text.strip()
    assert "\r" not in text
    assert "\t" not in text
    lines = text.splitlines()
    assert all(len(line) <= 90 for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert "\n\n\n" not in text
    assert not HTML_TAG.search(text)


def test_consent_says_what_a_candidate_needs_to_know() -> None:
    text = CONSENT.read_text(encoding="utf-8")
    words = len(text.split())
    assert 300 <= words <= 450, words
    flat = " ".join(text.split())
    for phrase in (
        "Northwind Logistics",
        "Harbor Occupational Health",
        "fitness-for-duty",
        "ADA",
        "EEOC",
        "voluntary",
        "one year",
        "revoke",
        "diagnoses",
    ):
        assert phrase in flat, phrase
    last = text.strip().splitlines()[-1]
    assert last.startswith("[")
    assert last.endswith("]")
    assert "not legal advice" in last
