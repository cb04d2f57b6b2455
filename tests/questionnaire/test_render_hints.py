"""Rendering hints a terminal can honour, read from the form and shown by the kiosk."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.widgets import Input, OptionList, RadioButton, RadioSet, Static

from kiosk.flow.submission import applicant_submission
from kiosk.questionnaire import load_questionnaire
from kiosk.questionnaire.hints import read_item_hints
from kiosk.questionnaire.qr_read import validate_response
from kiosk.questionnaire.richtext import markdown_to_text, xhtml_to_text
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.slider import Slider
from tests.conftest import SHARED_QUESTIONNAIRES
from tests.questionnaire.screen_driver import app_for, fill_page, start
from tests.visit_helpers import tap, wait_for_screen, wait_until

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HINTS = FIXTURES / "hints.json"
CORE = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"


def texts(screen: QuestionnairePageScreen, selector: str) -> list[str]:
    return [str(widget.render()) for widget in screen.query(selector).results(Static)]


# -- reading ---------------------------------------------------------------------------


def test_the_hints_are_read_into_the_model() -> None:
    q = load_questionnaire(HINTS)
    assert q.item("habits").hints.instruction == "Answer for the last 30 days."
    assert q.item("transport-help").hints.beside == "help"
    assert q.item("transport-legal").hints.beside == "legal"
    assert q.item("sleep-flyover").hints.beside == "flyover"
    assert q.item("privacy-security").hints.beside == "security"
    assert q.item("sleep").hints.column_count == 3
    assert [c.path for c in q.item("site").hints.choice_columns] == ["code", "display"]
    assert q.item("employer").hints.short_text == "Employer"
    assert q.item("steps").hints.slider_step == Decimal(2)
    assert q.item("steps").hints.has("slider")
    assert q.item("privacy-text").hints.rich_text == (
        "Read the privacy leaflet (https://example.org/privacy) before you go on."
    )
    assert q.item("privacy-more").hints.rich_text == (
        "Questions? Ask at the desk or see our page (https://example.org/help)."
    )


def test_malformed_hints_are_left_out_not_refused() -> None:
    hints = read_item_hints(
        {
            "linkId": "x",
            "extension": [
                {"url": SDC + "sdc-questionnaire-columnCount", "valuePositiveInt": 0},
                {"url": CORE + "questionnaire-sliderStepValue", "valueInteger": -2},
                {"url": SDC + "sdc-questionnaire-shortText", "valueString": "  "},
                {"url": CORE + "questionnaire-choiceColumn", "extension": []},
            ],
        }
    )
    assert hints.column_count is None
    assert hints.slider_step is None
    assert hints.short_text is None
    assert hints.choice_columns == ()


def test_xhtml_keeps_the_words_and_writes_out_link_targets() -> None:
    xhtml = (
        '<div xmlns="http://www.w3.org/1999/xhtml"><head><style>p{color:red}</style></head>'
        '<p>See <a href="https://example.org/a">the leaflet</a> and <a href="#top">top</a>.</p>'
        "<ul><li>one</li><li>two &amp; three</li></ul><p>Call <b>now</b></p></div>"
    )
    assert xhtml_to_text(xhtml) == (
        "See the leaflet (https://example.org/a) and top.\n• one\n• two & three\nCall now"
    )
    assert markdown_to_text("# Title\n\n*Visit* <https://example.org>") == (
        "Title\nVisit https://example.org"
    )


def test_entry_mode_pages_one_item_at_a_time(make_q) -> None:  # type: ignore[no-untyped-def]
    items = [
        {"linkId": "g", "type": "group", "text": "G", "item": [
            {"linkId": "a", "type": "string", "text": "A"},
            {"linkId": "b", "type": "string", "text": "B"},
        ]},
        {"linkId": "c", "type": "string", "text": "C"},
    ]  # fmt: skip
    mode = {"url": SDC + "sdc-questionnaire-entryMode", "valueCode": "sequential"}
    assert len(make_q(*items).pages()) == 2
    sequential = make_q(*items, extension=[mode])
    assert sequential.entry_mode == "sequential"
    assert [[i.link_id for i in p.items] for p in sequential.pages()] == [["a"], ["b"], ["c"]]
    assert [p.title for p in sequential.pages()][:2] == ["G", "G"]
    random = make_q(*items, extension=[mode | {"valueCode": "random"}])
    assert len(random.pages()) == 2


# -- at the terminal -------------------------------------------------------------------


async def test_hints_at_80_columns(tmp_path: Path, database_url: str) -> None:
    app = app_for(tmp_path, HINTS, database_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        assert texts(screen, ".item-instruction") == ["Answer for the last 30 days."]
        # help, legal and flyover texts beside their question before it is answered
        assert texts(screen, ".beside-help") == [
            "Pick the way you travelled for the longest part of the trip."
        ]
        assert texts(screen, ".beside-legal") == ["Travel answers are kept for 30 days."]
        assert texts(screen, ".beside-flyover") == ["Count naps too."]
        assert "transport-help" not in {f.item.link_id for f in screen.ctx.fields.values()}

        # eight horizontal choices do not fit 80 columns: they wrap into columns
        transport = screen.query_one("#q-transport", RadioSet)
        assert transport.styles.grid_size_columns == 2
        page = screen.query_one("#page-body").content_region
        for button in transport.query(RadioButton):
            screen.scroll_to_widget(button, animate=False, immediate=True)
            await pilot.pause()
            assert page.contains_region(button.region), button.label
        assert screen.query_one("#q-sleep", RadioSet).styles.grid_size_columns == 3
        site = [str(b.label) for b in screen.query_one("#q-site", RadioSet).query(RadioButton)]
        assert site == ["368209003 · Right arm", "368208006 · Left arm"]
        employer = screen.ctx.fields["employer"].query_one(".field-label", Static)
        assert str(employer.render()) == "Employer"  # shortText: the screen is narrow

        # the slider moves in steps of 2 between 0 and 20, and its value is the answer
        slider = screen.query_one("#q-steps", Slider)
        slider.focus()
        await pilot.press("right", "right")
        assert slider.value == 2
        assert screen.ctx.fields["steps"].values() == [2]
        await pilot.press("end")
        assert screen.ctx.fields["steps"].values() == [20]

        await fill_page(pilot)
        await wait_for_screen(pilot, QuestionnairePageScreen)
        page2 = app.screen
        assert texts(page2, ".display-text")[:2] == [
            "Read the privacy leaflet (https://example.org/privacy) before you go on.",
            "Questions? Ask at the desk or see our page (https://example.org/help).",
        ]
        assert texts(page2, ".beside-security") == [
            "Nothing you enter here is shown to the next visitor."
        ]
        await fill_page(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        answers = app.visit.answers[0]
        assert answers["steps"] == 20


async def test_the_full_text_where_there_is_room(tmp_path: Path, database_url: str) -> None:
    app = app_for(tmp_path, HINTS, database_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        employer = screen.ctx.fields["employer"].query_one(".field-label", Static)
        assert str(employer.render()).startswith("Name of the company")
        # the eight travel choices still wrap, into as many columns as fit
        assert screen.query_one("#q-transport", RadioSet).styles.grid_size_columns == 4


async def test_help_of_a_shared_form_is_shown_before_its_question_is_answered(
    tmp_path: Path, database_url: str
) -> None:
    path = SHARED_QUESTIONNAIRES / "second-batch" / "android-fhir__baby.json"
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(100, 36)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        [help_text] = texts(screen, ".beside-help")
        assert help_text.startswith("This question should be answered as part of the order")
        assert not screen.ctx.fields["/58232-0"].values()


def big_form(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A form whose autocomplete item has about two thousand real codes (languages,
    territories, currencies and time zones, as babel and the system name them)."""
    import zoneinfo

    from babel import Locale

    english = Locale("en")
    concepts: list[dict[str, Any]] = []
    for system, names in (
        ("urn:ietf:bcp:47", english.languages),
        ("urn:iso:std:iso:3166", english.territories),
        ("urn:iso:std:iso:4217", english.currencies),
    ):
        concepts += [{"system": system, "code": c, "display": n} for c, n in names.items()]
    concepts += [
        {"system": "urn:iana:tz", "code": z, "display": z.replace("_", " ")}
        for z in sorted(zoneinfo.available_timezones())
    ]
    seen: set[str] = set()
    unique = [c for c in concepts if not (c["display"] in seen or seen.add(c["display"]))]
    form = {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "Where from",
        "contained": [{
            "resourceType": "ValueSet", "id": "places", "status": "active",
            "expansion": {"timestamp": "2025-01-01", "contains": unique},
        }],
        "item": [{
            "linkId": "place", "type": "choice", "text": "Language, place, currency or zone",
            "required": True, "answerValueSet": "#places",
            "extension": [{"url": CORE + "questionnaire-itemControl", "valueCodeableConcept": {
                "coding": [{"code": "autocomplete"}]}}],
        }],
    }  # fmt: skip
    path = tmp_path / "big.json"
    path.write_text(json.dumps(form), encoding="utf-8")
    return path, unique


async def test_autocomplete_searches_thousands_of_codes_as_the_visitor_types(
    tmp_path: Path, database_url: str
) -> None:
    path, concepts = big_form(tmp_path)
    assert len(concepts) > 1500
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        field = screen.query_one("#q-place", Input)
        matches = screen.query_one("#q-place--matches", OptionList)
        assert app.focused is field
        assert not matches.display or matches.option_count == 0
        await pilot.press(*"zeal")
        listed = [str(matches.get_option_at_index(i).prompt) for i in range(matches.option_count)]
        assert "New Zealand" in listed
        assert all("zeal" in label.casefold() for label in listed)
        await pilot.press("down")
        assert app.focused is matches
        wanted = listed.index("New Zealand")
        for _ in range(wanted):
            await pilot.press("down")
        await pilot.press("enter")
        assert field.value == "New Zealand"
        assert app.focused is field
        assert matches.option_count == 0  # an exact answer lists nothing more
        [value] = screen.ctx.fields["place"].values()
        assert value.code == "NZ"  # type: ignore[union-attr]
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)


async def test_sequential_entry_mode_asks_one_question_at_a_time_without_a_way_back(
    tmp_path: Path, database_url: str
) -> None:
    form = {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "One at a time",
        "extension": [{"url": SDC + "sdc-questionnaire-entryMode", "valueCode": "sequential"}],
        "item": [{"linkId": "g", "type": "group", "text": "Questions", "item": [
            {"linkId": "a", "type": "string", "text": "First", "required": True},
            {"linkId": "b", "type": "string", "text": "Second", "required": True},
        ]}],
    }  # fmt: skip
    path = tmp_path / "sequential.json"
    path.write_text(json.dumps(form), encoding="utf-8")
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        first = app.screen
        assert isinstance(first, QuestionnairePageScreen)
        assert list(first.ctx.fields) == ["a"]
        assert first.query("#back")  # the first question: Back leaves the questionnaire
        await fill_page(pilot)
        await wait_for_screen(pilot, QuestionnairePageScreen)
        second = app.screen
        assert second is not first
        assert list(second.ctx.fields) == ["b"]
        assert not second.query("#back")
        await pilot.press("escape")  # no way back to a question already answered
        await pilot.pause()
        assert app.screen is second


async def test_calculations_wait_for_the_typing_to_pause_and_next_never_sees_a_stale_one(
    tmp_path: Path, database_url: str
) -> None:
    path = (
        SHARED_QUESTIONNAIRES / "second-batch" / "lforms-fhir-app__weight-height-questionnaire.json"
    )
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(100, 36)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        bmi = screen.ctx.fields["/39156-5"]
        await tap(pilot, "#q-_29463-7")
        await pilot.press(*"70")
        await tap(pilot, "#q-_8302-2")
        await pilot.press(*"70")  # inches
        # The BMI appears once the typing pauses (on a busy machine a pause may also fall
        # between the two keys: then a value for "7" inches shows first, and is replaced).
        await wait_until(pilot, lambda: bmi.values() and not screen.calculations_waiting)
        assert [str(v) for v in bmi.values()] == ["22.1"]
        await pilot.press("backspace", "backspace", *"60")  # and Next at once:
        await tap(pilot, "#next")
        await wait_for_screen(pilot, ReviewScreen)
        [document] = applicant_submission(app.visit, "t")["documents"]
        response = json.loads(json.dumps(document["response"]))
        questionnaire = app.visit.questionnaires[0].questionnaire
        assert validate_response(questionnaire, response) == []
        [bmi_item] = [i for i in response["item"] if i["linkId"] == "/39156-5"]
        assert bmi_item["answer"] == [{"valueDecimal": 30.1}]


async def test_answer_expression_options_are_offered_as_choices(
    tmp_path: Path, database_url: str
) -> None:
    form = {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "Options from an expression",
        "item": [
            {"linkId": "src", "type": "choice", "text": "Source", "answerOption": [
                {"valueCoding": {"system": "urn:x", "code": "a", "display": "Apple"}},
                {"valueCoding": {"system": "urn:x", "code": "b", "display": "Banana"}},
            ]},
            {"linkId": "pick", "type": "choice", "text": "Pick one", "required": True,
             "extension": [{"url": SDC + "sdc-questionnaire-answerExpression", "valueExpression": {
                 "language": "text/fhirpath",
                 "expression": "%questionnaire.item.where(linkId='src').answerOption.valueCoding",
             }}]},
        ],
    }  # fmt: skip
    path = tmp_path / "answer-expression.json"
    path.write_text(json.dumps(form), encoding="utf-8")
    app = app_for(tmp_path, path, database_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        pick = screen.query_one("#q-pick", RadioSet)
        assert [str(b.label) for b in pick.query(RadioButton)] == ["Apple", "Banana"]
        await tap(pilot, pick.query(RadioButton)[1])
        [value] = screen.ctx.fields["pick"].values()
        assert value.code == "b"  # type: ignore[union-attr]
        await fill_page(pilot)
        await wait_for_screen(pilot, ReviewScreen)
        [document] = applicant_submission(app.visit, "t")["documents"]
        response = json.loads(json.dumps(document["response"]))
        assert validate_response(app.visit.questionnaires[0].questionnaire, response) == []
