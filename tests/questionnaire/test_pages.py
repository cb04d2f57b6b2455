"""Shared questionnaires completed through the kiosk's screens, as a visitor would."""

from __future__ import annotations

import json
from pathlib import Path

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from textual.widgets import Button, Static

from kiosk.flow.submission import applicant_submission
from kiosk.questionnaire import EnableState, instances
from kiosk.questionnaire.qr_read import validate_response
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from tests.conftest import SHARED_QUESTIONNAIRES
from tests.questionnaire.screen_driver import (
    answer_field,
    app_for,
    fill_page,
    fill_to_review,
    pending_fields,
    start,
)
from tests.visit_helpers import tap, wait_for_screen


def submitted_response(app) -> dict:  # type: ignore[no-untyped-def]
    """The response the kiosk would send now, checked by fhir.resources and the engine."""
    [document] = applicant_submission(app.visit, "t")["documents"]
    response = json.loads(json.dumps(document["response"]))
    QuestionnaireResponse.model_validate(response)
    questionnaire = app.visit.questionnaires[0].questionnaire
    assert validate_response(questionnaire, response) == []
    return response


async def test_phq9_drop_downs_and_the_calculated_total(tmp_path: Path, database_url: str) -> None:
    app = app_for(tmp_path, SHARED_QUESTIONNAIRES / "lforms__phq9.json", database_url)
    async with app.run_test(size=(110, 50)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        assert str(screen.query_one("#page-progress", Static).render()) == "Page 1 of 1"
        total = screen.ctx.fields["/44261-6"]
        assert total.kind == "readonly"
        assert str(total.query_one(".read-only-value", Static).render()) == "—"
        await tap(pilot, "#next")  # nothing answered: the first problem gets the focus
        first = screen.ctx.fields["/44250-9"]
        assert "needs an answer" in str(first.query_one(".field-error", Static).render())
        assert app.focused is not None
        assert app.focused.id == first.input_id
        await fill_to_review(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        response = submitted_response(app)
        items = {item["linkId"]: item for item in response["item"]}
        # every drop-down got its second option ("Several days", ordinal value 1)
        assert items["/44261-6"]["answer"] == [{"valueDecimal": 9}]
        assert "Patient health questionnaire 9 item total score: 9" in "\n".join(
            str(s.render()) for s in app.screen.query(Static)
        )


async def test_repeating_group_entries_are_added_and_removed(
    tmp_path: Path, database_url: str
) -> None:
    path = SHARED_QUESTIONNAIRES / "lforms__q-with-minOccurs-maxOccurs.json"
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(110, 60)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        group = screen.ctx.fields["1"]
        assert len(group.entries) == 2  # minOccurs 2: two entries to begin with
        assert not screen.query(".remove-instance")  # and none can be removed
        await tap(pilot, "#q-1--add")
        assert len(app.screen.ctx.fields["1"].entries) == 3
        assert not app.screen.query("#q-1--add")  # maxOccurs 3
        assert len(app.screen.query(".remove-instance")) == 3
        await answer_field(pilot, app.screen.ctx.fields["1.2[3]"])
        assert app.screen.ctx.fields["1.2[3]"].values() == ["x"]
        await tap(pilot, "#q-1--remove3")
        assert len(app.screen.ctx.fields["1"].entries) == 2
        answers = app.visit.answers[0]
        group = app.visit.questionnaires[0].questionnaire.item("1")
        assert [entry.get("1.2") for entry in instances(group, answers)] == [None, None]
        await fill_page(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        response = submitted_response(app)
        entries = [item for item in response["item"] if item["linkId"] == "1"]
        assert len(entries) == 2
        for entry in entries:
            checked = {i["linkId"]: i["answer"] for i in entry["item"]}
            assert len(checked["1.1"]) == 2  # minOccurs 2 on a repeating choice
            assert len(checked["1.3"]) == 2


async def test_nested_enable_when_reveals_and_hides_through_the_chain(
    tmp_path: Path, database_url: str
) -> None:
    path = SHARED_QUESTIONNAIRES / "lforms__q-with-nested-enableWhen.json"
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(110, 50)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        q = app.visit.questionnaires[0].questionnaire
        assert [f.item.link_id for f in pending_fields(screen)] == ["p1"]
        await answer_field(pilot, screen.ctx.fields["p1"])  # the first option: YES
        await tap(pilot, "#next")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        page = app.screen
        assert page.page_index == 1
        assert [f.item.link_id for f in pending_fields(page)] == ["c1", "cc1"]
        await answer_field(pilot, page.ctx.fields["c1"])  # A: d1 stays hidden
        state = EnableState(q, app.visit.answers[0])
        assert not state.enabled("d1")
        b = page.ctx.fields["c1"].query("RadioButton")[1]
        await tap(pilot, b)  # B: d1 appears
        assert page.ctx.fields["d1"].display
        assert not page.ctx.fields["dd1"].display
        await tap(pilot, page.ctx.fields["cc1"].query("RadioButton")[1])
        assert page.ctx.fields["dd1"].display
        await fill_to_review(pilot)
        response = submitted_response(app)
        linked = json.dumps(response)
        assert '"d1"' in linked
        assert '"dd1"' in linked
        # going back to the first page and answering NO disables the whole group
        assert isinstance(app.screen, ReviewScreen)
        await tap(pilot, app.screen.query(Button).filter(".change").first())
        await wait_for_screen(pilot, QuestionnairePageScreen)
        radio = app.screen.ctx.fields["p1"].query("RadioButton")[1]
        await tap(pilot, radio)
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        response = submitted_response(app)
        assert [item["linkId"] for item in response["item"]] == ["p1"]
