"""Expressions the visitor meets at the terminal: the questionnaire's own targetConstraint
on Next, and the initialExpressions of a repeating group's entries added later."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from kiosk.questionnaire import EnableState, add_entry, fresh_answers, parse_questionnaire
from kiosk.questionnaire.fill import fill
from kiosk.questionnaire.page_problems import FORM_KEY, constraint_page, page_problems
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from tests.questionnaire.screen_driver import app_for, fill_page, start
from tests.questionnaire.test_pages import submitted_response
from tests.visit_helpers import tap, wait_for_screen

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
CORE = "http://hl7.org/fhir/StructureDefinition/"
HUMAN_EN = "The last night cannot be before the first."
HUMAN_ES = "La última noche no puede ser anterior a la primera."


def expression(kind: str, source: str, name: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"language": "text/fhirpath", "expression": source}
    if name is not None:
        value["name"] = name
    url = CORE + "variable" if kind == "variable" else SDC + f"sdc-questionnaire-{kind}"
    return {"url": url, "valueExpression": value}


def form_constraint(source: str) -> dict[str, Any]:
    """A targetConstraint on the questionnaire, its human text translated into Spanish."""
    parts = [{"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": HUMAN_ES}]
    translation = {"url": CORE + "translation", "extension": parts}
    return {"url": CORE + "targetConstraint", "extension": [
        {"url": "key", "valueId": "nights"},
        {"url": "severity", "valueCode": "error"},
        {"url": "expression", "valueExpression": {"language": "text/fhirpath",
                                                  "expression": source}},
        {"url": "human", "valueString": HUMAN_EN, "_valueString": {"extension": [translation]}},
    ]}  # fmt: skip


NIGHTS = (
    "%resource.item.where(linkId='stay').item.where(linkId='last').answer.value >= "
    "%resource.item.where(linkId='arrival').item.where(linkId='first').answer.value"
)
"""Fails while either night is unanswered: it must not be checked before both are asked."""


def three_pages(source: str = NIGHTS) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "url": "http://example.org/Questionnaire/nights",
        "title": "Nights",
        "extension": [form_constraint(source)],
        "item": [
            {"linkId": "arrival", "type": "group", "text": "Arrival", "item": [
                {"linkId": "first", "type": "integer", "text": "First night", "required": True}]},
            {"linkId": "stay", "type": "group", "text": "Stay", "item": [
                {"linkId": "last", "type": "integer", "text": "Last night"}]},
            {"linkId": "other", "type": "group", "text": "Other", "item": [
                {"linkId": "note", "type": "string", "text": "Anything else?"}]},
        ],
    }  # fmt: skip


def test_a_form_constraint_is_checked_on_the_page_that_asks_the_last_of_its_inputs() -> None:
    q = parse_questionnaire(three_pages(), "nights.json")
    [constraint] = q.constraints
    answers = fresh_answers(q)
    state = EnableState(q, answers)
    assert constraint_page(q, constraint, state) == 1  # "last" is on the second page
    assert page_problems(q, answers, 0) == {"first": "This question needs an answer."}
    answers["first"] = 5
    assert page_problems(q, answers, 0) == {}  # not yet: "last" is not asked yet
    assert page_problems(q, answers, 1) == {FORM_KEY: HUMAN_EN}
    answers["last"] = 7
    assert page_problems(q, answers, 1) == {}
    assert page_problems(q, answers, 2) == {}


def test_a_form_constraint_naming_no_item_is_checked_on_the_last_page_shown() -> None:
    data = three_pages("%resource.repeat(item).answer.count() < 2")
    data["item"][2]["enableWhen"] = [{"question": "first", "operator": "=", "answerInteger": 1}]
    q = parse_questionnaire(data, "nights.json")
    [constraint] = q.constraints
    answers = fresh_answers(q)
    answers.update({"first": 1, "last": 2})
    assert constraint_page(q, constraint, EnableState(q, answers)) == 2
    assert page_problems(q, answers, 2) == {FORM_KEY: HUMAN_EN}
    answers["first"] = 3  # the last page is skipped now: the one before it checks it
    assert constraint_page(q, constraint, EnableState(q, answers)) == 1
    assert page_problems(q, answers, 1) == {FORM_KEY: HUMAN_EN}


async def type_into(pilot, link_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    field = screen.ctx.fields[link_id]
    widget = screen.query_one(f"#{field.row_id(0)}", Input)
    await tap(pilot, widget)
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


async def test_the_form_constraint_stops_next_with_its_text_in_the_visitors_language(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "nights.json"
    path.write_text(json.dumps(three_pages()), encoding="utf-8")
    app = app_for(tmp_path, path, database_url, language="es")
    async with app.run_test(size=(100, 36)) as pilot:
        await start(pilot)
        first_page = app.screen
        assert isinstance(first_page, QuestionnairePageScreen)
        await type_into(pilot, "first", "5")
        await tap(pilot, "#next")  # the constraint is not checked here: "last" comes later
        await wait_for_screen(pilot, QuestionnairePageScreen)
        for _ in range(50):
            if app.screen is not first_page:
                break
            await pilot.pause(0.02)
        second_page = app.screen
        assert isinstance(second_page, QuestionnairePageScreen)
        assert second_page.page_index == 1
        form_problem = second_page.query_one("#form-problem", Static)
        assert not form_problem.has_class("shown")
        await type_into(pilot, "last", "3")
        await tap(pilot, "#next")
        assert app.screen is second_page  # stopped, and told why, in Spanish
        assert form_problem.has_class("shown")
        assert str(form_problem.render()) == HUMAN_ES
        assert form_problem.region.height > 0  # shown on the page, above the buttons
        assert all(not field.has_class("has-problem") for field in second_page.ctx.fields.values())
        await type_into(pilot, "last", "7")
        await tap(pilot, "#next")
        for _ in range(50):
            if app.screen is not second_page:
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, QuestionnairePageScreen)
        assert app.screen.page_index == 2
        await fill_page(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        response = submitted_response(app)
        assert response["language"] == "es"


def repeating_doses() -> dict[str, Any]:
    """Each entry: the day (today, by initialExpression), the form (initial: tablet) and a
    label made from the response and the entry's own answers (%context of the entry)."""
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "url": "http://example.org/Questionnaire/doses",
        "title": "Doses",
        "item": [{
            "linkId": "doses", "type": "group", "repeats": True, "text": "Doses",
            "extension": [expression(
                "variable", "%context.item.where(linkId='kind').answer.value.first()", "kind")],
            "item": [
                {"linkId": "taken", "type": "date", "text": "Taken on",
                 "extension": [expression("initialExpression", "today()")]},
                {"linkId": "kind", "type": "string", "text": "Form",
                 "initial": [{"valueString": "tablet"}]},
                {"linkId": "label", "type": "string", "text": "Label",
                 "extension": [expression("initialExpression",
                     "'Dose ' + %resource.item.where(linkId='doses').count().toString()"
                     " + ' (' + %kind + ')'")]},
            ],
        }],
    }  # fmt: skip


def test_an_entry_added_later_gets_its_initial_expressions_for_that_entry() -> None:
    q = parse_questionnaire(repeating_doses(), "doses.json")
    assert q.warnings == ()
    answers = fresh_answers(q)
    [first] = answers["doses"]
    assert first == {"taken": datetime.date.today(), "kind": "tablet", "label": "Dose 1 (tablet)"}
    first["kind"] = "syrup"  # the new entry's %context is its own: still "tablet"
    index = add_entry(q, answers, q.item("doses"), ())
    assert index == 1
    assert answers["doses"][1] == {
        "taken": datetime.date.today(),
        "kind": "tablet",
        "label": "Dose 2 (tablet)",
    }
    assert first["label"] == "Dose 1 (tablet)"  # an initial value is not worked out again


def test_fill_gives_each_entry_of_the_answers_file_its_initial_expressions() -> None:
    q = parse_questionnaire(repeating_doses(), "doses.json")
    authored = datetime.datetime(2025, 3, 4, 9, 30, tzinfo=datetime.UTC)
    response = fill(q, {"doses": [{"kind": "drops"}, {"label": "evening"}]}, authored=authored)
    entries = [{i["linkId"]: i["answer"][0] for i in e["item"]} for e in response["item"]]
    today = datetime.date.today().isoformat()
    assert entries == [
        {"taken": {"valueDate": today}, "kind": {"valueString": "drops"},
         "label": {"valueString": "Dose 1 (tablet)"}},
        {"taken": {"valueDate": today}, "kind": {"valueString": "tablet"},
         "label": {"valueString": "evening"}},
    ]  # fmt: skip


async def test_add_another_entry_runs_the_initial_expressions_of_the_new_entry(
    tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "doses.json"
    path.write_text(json.dumps(repeating_doses()), encoding="utf-8")
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(100, 36)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        group = screen.ctx.fields["doses"]
        await type_into(pilot, "kind[1]", "syrup")
        await tap(pilot, f"#{group.input_id}--add")
        for _ in range(50):
            if "label[2]" in app.screen.ctx.fields:
                break
            await pilot.pause(0.02)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        label = screen.ctx.fields["label[2]"]
        assert screen.query_one(f"#{label.row_id(0)}", Input).value == "Dose 2 (tablet)"
        assert screen.ctx.fields["taken[2]"].values() == [datetime.date.today()]
        assert screen.ctx.fields["label[1]"].values() == ["Dose 1 (tablet)"]
        [document_answers] = app.visit.answers
        assert [entry["kind"] for entry in document_answers["doses"]] == ["syrup", "tablet"]
