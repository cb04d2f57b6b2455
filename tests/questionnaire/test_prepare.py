"""``kiosk questionnaire prepare``: value sets expanded over real HTTP into an offline copy."""

from __future__ import annotations

import json
import socket
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.questionnaire import QuestionnaireRefused, load_questionnaire, parse_questionnaire
from kiosk.questionnaire.prepare import prepare, ui_languages
from kiosk.questionnaire.valuesets import CORE_DIR
from tests.conftest import SECOND_BATCH, SHARED_QUESTIONNAIRES
from tests.questionnaire.terminology_server import TerminologyServer

GENDER = "http://hl7.org/fhir/ValueSet/administrative-gender"


def corpus_value_sets() -> list[dict[str, Any]]:
    """Real ValueSets: those the shared forms contain, and FHIR core ones."""
    found = []
    for name in ("researchkitonfhir__GAD-7.json",
                 "second-batch/sdc__questionnaire-sdc-profile-example-PHQ9.json"):  # fmt: skip
        data = json.loads((SHARED_QUESTIONNAIRES / name).read_text(encoding="utf-8"))
        found.extend(r for r in data["contained"] if r["resourceType"] == "ValueSet")
    for name in ("administrative-gender.json", "languages.json"):
        found.append(json.loads((CORE_DIR / name).read_text(encoding="utf-8")))
    return found


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with TerminologyServer(corpus_value_sets()) as running:
        yield running


def gad7_with_external_value_sets() -> dict[str, Any]:
    """GAD-7 as a clinic gets it when its value set lives on a terminology server."""
    data = json.loads(
        (SHARED_QUESTIONNAIRES / "researchkitonfhir__GAD-7.json").read_text(encoding="utf-8"),
        parse_float=Decimal,
    )
    [value_set] = data.pop("contained")
    for group in data["item"]:
        for item in group.get("item", []):
            if item.get("answerValueSet") == "#VSGAD7":
                item["answerValueSet"] = value_set["url"]
    data["item"].append({"linkId": "gender", "type": "choice", "text": "Gender",
                         "answerValueSet": GENDER})  # fmt: skip
    return data


def test_unprepared_it_is_refused_its_required_questions_having_no_options() -> None:
    with pytest.raises(QuestionnaireRefused) as caught:
        parse_questionnaire(gad7_with_external_value_sets())
    assert len(caught.value.reasons) == 7  # one per GAD-7 question (gender is shipped)
    assert all("VSGAD7' cannot be resolved offline" in r for r in caught.value.reasons)


def test_prepare_expands_each_value_set_once_per_language(server) -> None:  # type: ignore[no-untyped-def]
    result = prepare(gad7_with_external_value_sets(), server.base_url)
    assert result.failed == []
    assert result.expanded == [
        ("http://biodesign.stanford.edu/fhir/uv/sdc/ValueSet/VSGAD7", 4),
        (GENDER, 4),
    ]
    languages = ui_languages()
    assert languages[0] == "en"
    assert {"es", "fr", "pt-BR", "vi", "zh-Hans"} <= set(languages)
    asked = [(params["url"], params["displayLanguage"]) for _m, params in server.requests]
    assert sorted(asked) == sorted(
        (url, language) for url, _n in result.expanded for language in languages
    )
    q = parse_questionnaire(json.loads(json.dumps(result.questionnaire, default=float)))
    assert q.warnings == ()
    first = next(item for item in q.questions() if item.type == "choice")
    assert [option.weight for option in first.options] == [0, 1, 2, 3]  # ordinalValue kept
    female = next(o for o in q.item("gender").options if o.value.code == "female")  # type: ignore[union-attr]
    assert female.label_in("es") == "Femenino"  # a designation from the es expansion
    assert female.label_in("zh_Hans") == "女"
    assert q.raw is not None
    assert all(r["resourceType"] == "ValueSet" for r in q.raw["contained"])


def test_prepare_expands_a_contained_value_set_that_needs_a_server(server) -> None:  # type: ignore[no-untyped-def]
    data = {"resourceType": "Questionnaire", "status": "active",
            "contained": [{"resourceType": "ValueSet", "id": "langs", "status": "active",
                           "compose": {"include": [{"valueSet": [
                               "http://hl7.org/fhir/ValueSet/languages"]},
                                                   {"system": "urn:ietf:bcp:47",
                                                    "filter": [{"property": "x", "op": "=",
                                                                "value": "y"}]}]}}],
            "item": [{"linkId": "l", "type": "choice", "answerValueSet": "#langs"}]}  # fmt: skip
    assert not parse_questionnaire(data).item("l").available  # the filter needs a server
    result = prepare(data, server.base_url)
    assert result.expanded == [("#langs", 56)]
    assert {method for method, _params in server.requests} == {"POST"}
    q = parse_questionnaire(result.questionnaire)
    assert len(q.item("l").options) == 56


def test_cli_writes_the_copy_and_it_loads_offline(tmp_path: Path, server, capsys) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "gad7.json"
    source.write_text(json.dumps(gad7_with_external_value_sets(), default=float), "utf-8")
    out = tmp_path / "ready.json"
    status = main(["questionnaire", "prepare", str(source), "--terminology", server.base_url,
                   "-o", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert f"wrote {out}" in printed
    assert load_questionnaire(out).warnings == ()
    assert main(["questionnaire", "check", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}: ok\n"
    default = main(["questionnaire", "prepare", str(source), "--terminology", server.base_url])
    assert default == 0
    assert (tmp_path / "gad7.prepared.json").is_file()


def test_an_unknown_value_set_fails_with_the_servers_reason(tmp_path: Path, server, capsys) -> None:  # type: ignore[no-untyped-def]
    source = SHARED_QUESTIONNAIRES / "lforms__bit-of-everything.json"
    out = tmp_path / "out.json"
    status = main(["questionnaire", "prepare", str(source), "--terminology", server.base_url,
                   "-o", str(out)])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert not out.exists()
    assert (
        "  http://fhir.telstrahealth.com.au/tcm/ValueSet/ARE: the terminology server answered "
        "404: unknown value set http://fhir.telstrahealth.com.au/tcm/ValueSet/ARE"
    ) in err.splitlines()


def test_an_unreachable_server_is_said_in_words(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = SECOND_BATCH / "smart-forms__QCVDRisk.json"
    status = main(["questionnaire", "prepare", str(source), "--terminology",
                   f"http://127.0.0.1:{port}/fhir", "-o", str(tmp_path / "o.json")])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert f"{GENDER}: the terminology server cannot be reached (ConnectError)" in err
    assert "Traceback" not in err
