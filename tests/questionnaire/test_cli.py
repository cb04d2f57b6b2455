"""``kiosk questionnaire check|fill|validate`` on real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from kiosk.cli import main
from tests.conftest import SHARED_QUESTIONNAIRES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUTHORED = "2025-03-04T09:30:00+01:00"
S = SHARED_QUESTIONNAIRES

FORM = {
    "resourceType": "Questionnaire",
    "url": "https://example.org/Questionnaire/meds",
    "status": "active",
    "title": "Medicines",
    "item": [
        {"linkId": "weight", "type": "quantity", "text": "Weight", "extension": [
            {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption",
             "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg", "display": "kg"}},
            {"url": "http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption",
             "valueCoding": {"system": "http://unitsofmeasure.org", "code": "[lb_av]",
                             "display": "lb"}}]},
        {"linkId": "about", "type": "group", "item": [
            {"linkId": "born", "type": "date", "text": "Born", "required": True},
            {"linkId": "allergies", "type": "string", "repeats": True},
        ]},
        {"linkId": "meds", "type": "group", "repeats": True, "item": [
            {"linkId": "name", "type": "string", "required": True},
            {"linkId": "when", "type": "choice", "answerOption": [
                {"valueCoding": {"system": "http://x", "code": "am", "display": "Morning"}},
                {"valueCoding": {"system": "http://x", "code": "pm", "display": "Evening"}}]},
        ]},
    ],
}  # fmt: skip


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["questionnaire", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_says_ok_ok_with_warnings_or_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _err = run(capsys, "check", str(S / "lforms__phq9.json"))
    assert (status, out) == (0, f"{S / 'lforms__phq9.json'}: ok\n")
    loop = S / "lforms__q-enableWhen-with-reference-loop.json"
    status, out, _err = run(capsys, "check", str(S / "lforms__phq9.json"), str(loop))
    assert status == 0  # warnings do not fail the check
    assert out.splitlines() == [
        f"{S / 'lforms__phq9.json'}: ok",
        f"{loop}: ok, with warnings",
        "  item 'item1': enableWhen conditions form a loop: item1 -> item3 -> item1",
        "  item 'item3': enableWhen conditions form a loop: item3 -> item2 -> item3",
    ]
    refused = write(tmp_path, "r.json", {**FORM, "modifierExtension": [{"url": "http://x/m"}],
        "item": [{"linkId": "f", "type": "attachment", "required": True}]})  # fmt: skip
    status, out, _err = run(capsys, "check", str(refused), str(loop))
    assert status == 1
    assert out.splitlines()[:3] == [
        f"{refused}: refused",
        "  modifier extension 'http://x/m' is not supported",
        "  item 'f': a required attachment item cannot be answered at a lobby terminal",
    ]


def test_check_names_file_problems(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nope.json"
    status, out, _err = run(capsys, "check", str(missing))
    assert status == 1
    assert out.splitlines() == [f"{missing}: refused", "  file not found"]


def test_fill_prints_a_valid_response(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    form = write(tmp_path, "form.json", FORM)
    answers = write(tmp_path, "answers.json", {
        "weight": {"value": 72.5, "unit": "kg"},
        "born": "1990-7-31",
        "allergies": ["pollen", "nuts"],
        "meds": [{"name": "Aspirin", "when": "Morning"}, {"name": "Iron", "when": "pm"}],
    })  # fmt: skip
    status, out, err = run(
        capsys, "fill", str(form), "--answers", str(answers), "--authored", AUTHORED
    )
    assert (status, err) == (0, "")
    response = json.loads(out)
    QuestionnaireResponse.model_validate(response)
    assert response["authored"] == AUTHORED
    assert response["questionnaire"] == "https://example.org/Questionnaire/meds"
    items = response["item"]
    kg = {"value": 72.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
    assert items[0]["answer"] == [{"valueQuantity": kg}]
    assert items[1]["item"][1]["answer"] == [{"valueString": "pollen"}, {"valueString": "nuts"}]
    meds = [item for item in items if item["linkId"] == "meds"]
    assert [m["item"][1]["answer"][0]["valueCoding"]["code"] for m in meds] == ["am", "pm"]
    # the response that fill prints passes validate
    out_path = write(tmp_path, "response.json", response)
    status, out, _err = run(capsys, "validate", str(form), str(out_path))
    assert (status, out) == (0, f"{out_path}: valid\n")


def test_fill_lists_each_invalid_or_missing_answer(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    form = write(tmp_path, "form.json", FORM)
    answers = write(tmp_path, "answers.json", {
        "weight": 72.5,
        "allergies": "pollen",
        "meds": [{"when": "Noon"}, {"name": "Iron"}],
        "name": "misplaced",
        "ghost": 1,
    })  # fmt: skip
    status, out, err = run(capsys, "fill", str(form), "--answers", str(answers))
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        f"{answers}: the answers are not valid",
        "  item 'weight': answer 72.5: Choose a unit for this answer.",
        "  item 'when[1]': answer \"Noon\": Choose one of: Morning, Evening.",
        "  item 'name': is answered inside 'meds', not here",
        "  item 'ghost': is not in the questionnaire",
        "  item 'born': This question needs an answer.",
    ]


def test_fill_refuses_bad_files(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    form = write(tmp_path, "form.json", FORM)
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    status, _out, err = run(capsys, "fill", str(form), "--answers", str(bad))
    assert status == 1
    assert err.startswith(f"{bad}: not valid JSON")
    good = write(tmp_path, "answers.json", {"born": "2000-01-01"})
    status, _out, err = run(
        capsys, "fill", str(form), "--answers", str(good), "--authored", "yesterday"
    )
    assert status == 1
    assert "--authored" in err


@pytest.mark.parametrize(
    ("questionnaire", "response", "errors"),
    [
        ("fhir-test-cases__q-enablewhen-me.json",
         "fhir-test-cases__qr-enablewhen-me.response.json", []),
        ("lforms__q-items-under-repeating-choice-item.json",
         "lforms__qr-items-under-repeating-choice-item.response.json", []),
        ("lforms__hidden-item-questionnaire.R4.json",
         "lforms__hidden-item-questionnaire-response.R4.response.json", []),
        ("fhir-test-cases__string-regex-q.json", "fhir-test-cases__string-regex-qr.response.json",
         ["item 'q1': answer 'fasdfa@@test.com.au': This answer is not in the expected form, "
          "for example blah@example.com."]),
        ("fhir-test-cases__date-min-max-q.json", "fhir-test-cases__date-min-max-qr.response.json",
         ["item 'q1': answer '1998': Enter a value from 2020 to 2022. "
          "answer '2023': Enter a value from 2020 to 2022."]),
        ("fhir-test-cases__integer-answer-option-q.json",
         "fhir-test-cases__integer-answer-option-qr.response.json",
         ["item 'q1': answer '3': Choose one of the listed answers."]),
        ("fhir-test-cases__choice-answer-option-exclusive-q.json",
         "fhir-test-cases__choice-answer-option-exclusive-qr.response.json",
         ["item 'q1': 'c2' cannot be combined with other answers."]),
    ],
)  # fmt: skip
def test_validate_the_paired_responses(capsys, questionnaire, response, errors) -> None:  # type: ignore[no-untyped-def]
    status, out, _err = run(capsys, "validate", str(S / questionnaire), str(S / response))
    lines = out.splitlines()
    if not errors:
        assert (status, lines) == (0, [f"{S / response}: valid"])
    else:
        assert status == 1
        assert lines == [f"{S / response}: not valid", *(f"  {e}" for e in errors)]


def test_validate_reports_structure_and_disabled_answers(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    q = S / "fhir-test-cases__q-enablewhen-me.json"
    response = write(tmp_path, "r.json", {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://example.org/other",
        "status": "completed",
        "item": [
            {"linkId": "N0", "answer": [{"valueInteger": 1}]},
            {"linkId": "N1", "answer": [{"valueString": "1"}]},
            {"linkId": "N2", "answer": [{"valueInteger": 4}]},
            {"linkId": "N0", "answer": [{"valueInteger": 2}]},
            {"linkId": "X9"},
        ],
    })  # fmt: skip
    status, out, _err = run(capsys, "validate", str(q), str(response))
    assert status == 1
    assert out.splitlines()[1:] == [
        "  response: it answers questionnaire 'http://example.org/other', not "
        "'http://hl7.org/fhir/test/Questionnaire/q-enablewhen-me'",
        "  item 'N1': answer 'valueString' is not supported",
        "  item 'N0': appears more than once",
        "  item 'X9': is not in the questionnaire",
        "  item 'N2': has an answer, but enableWhen disables this item",
    ]


def test_the_console_script_exits_with_the_status() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "questionnaire", "check",
         str(FIXTURES / "intake.json"), str(S / "lforms__bit-of-everything.json"),
         str(S / "nope.json")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{FIXTURES / 'intake.json'}: ok"
    assert f"{S / 'lforms__bit-of-everything.json'}: ok, with warnings" in lines
    assert "Traceback" not in result.stderr


def test_fill_answers_under_repeating_answers(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    form = write(tmp_path, "pets.json", {
        "resourceType": "Questionnaire", "status": "active", "id": "pets",
        "item": [{"linkId": "pets", "type": "choice", "repeats": True,
                  "answerOption": [{"valueString": "cat"}, {"valueString": "dog"}],
                  "item": [{"linkId": "age", "type": "integer"}]}],
    })  # fmt: skip
    answers = write(tmp_path, "a.json", {"pets": [{"answer": "cat", "items": {"age": 3}}, "dog"]})
    status, out, err = run(capsys, "fill", str(form), "--answers", str(answers))
    assert (status, err) == (0, "")
    assert json.loads(out)["item"] == [{"linkId": "pets", "answer": [
        {"valueString": "cat", "item": [{"linkId": "age", "answer": [{"valueInteger": 3}]}]},
        {"valueString": "dog"},
    ]}]  # fmt: skip


def test_check_parses_every_expression_ahead_of_the_first_visit(capsys) -> None:  # type: ignore[no-untyped-def]
    """check keeps fhirpathpy's parse trees on disk: the first visit does not wait for them."""
    from kiosk.paths import user_cache_dir
    from kiosk.questionnaire import fhirpath

    form = S / "second-batch" / "smart-forms__ACDCPlusNQIPClinicalQI.json"
    fhirpath.clear_caches()
    status, out, _err = run(capsys, "check", str(form))
    assert status == 0
    assert out.startswith(f"{form}: ok, with warnings")
    assert "not valid FHIRPath" not in out  # fhirpathpy parses all 232 of them
    kept = list((user_cache_dir() / "fhirpath").rglob("*.json"))
    assert len(kept) >= 150  # one per distinct expression text
