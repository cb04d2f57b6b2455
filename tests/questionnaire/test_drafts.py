"""What the visitor typed but has not (validly) answered: kept under tuple keys, taken from
the widgets' Changed events, and renumbered when an entry of a repeating group goes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from kiosk.app import KioskApp
from kiosk.flow.session import DraftKey
from screens.questionnaire_page import QuestionnairePageScreen
from tests.mini_portal import mini_portal, questionnaire
from tests.questionnaire.screen_driver import app_for, choose, start
from tests.visit_helpers import sign_in, tap, wait_for_screen

WIDGETS = Path(__file__).resolve().parent / "fixtures" / "widgets.json"

DOSES = questionnaire(
    {
        "linkId": "dose",
        "type": "group",
        "text": "Dose",
        "repeats": True,
        "item": [{"linkId": "mg", "type": "integer", "text": "Milligrams"}],
    }
)


async def test_typed_text_is_kept_from_the_changed_events_and_read_from_there(
    tmp_path: Path, database_url: str
) -> None:
    app = app_for(tmp_path, WIDGETS, database_url)
    async with app.run_test(size=(110, 50)) as pilot:
        await start(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnairePageScreen)
        assert app.visit is not None
        drafts = app.visit.drafts
        await tap(pilot, "#q-transport--other")
        await pilot.press(*"Bike")
        await tap(pilot, "#q-country")
        await pilot.press(*"Atlantis")
        assert drafts[DraftKey(0, "transport", (), "other")] == "Bike"
        assert drafts[DraftKey(0, "country", (), 0)] == "Atlantis"

        # A field reads its drafts, not its widgets: text put into a widget without its
        # Changed event reaching the page is not seen.
        other = screen.query_one("#q-transport--other", Input)
        with other.prevent(Input.Changed):
            other.value = "Car"
        assert screen.ctx.fields["transport"].read().values == ["Bike"]
        assert screen.ctx.fields["country"].read().problem == (
            "Choose one of the suggested answers."
        )
        await pilot.press(*["backspace"] * len("Atlantis"), *"Austria")
        assert screen.ctx.fields["country"].read().problem is None
        await tap(pilot, "#q-symptoms--o1")
        await tap(pilot, "#next")

        await wait_for_screen(pilot, QuestionnairePageScreen)
        page = app.screen
        await tap(pilot, "#q-weight")
        await pilot.press(*"72,5")
        assert drafts[DraftKey(0, "weight", (), 0)] == "72,5"
        assert DraftKey(0, "weight", (), "unit") not in drafts
        assert page.ctx.fields["weight"].read().problem == "Choose a unit for this answer."
        await choose(pilot, page.query_one("#q-weight--unit", Select), nth=1)
        assert drafts[DraftKey(0, "weight", (), "unit")] == "1"  # the second unit: lb
        [weight] = page.ctx.fields["weight"].read().values
        assert (str(weight.value), weight.unit) == ("72.5", "lb")


async def test_removing_an_entry_renumbers_the_drafts_of_the_entries_after_it(
    tmp_path: Path, database_url: str
) -> None:
    app = KioskApp(mini_portal(tmp_path, DOSES), database_url=database_url)
    async with app.run_test(size=(110, 50)) as pilot:
        await sign_in(pilot, "Ana", "Lee")
        await wait_for_screen(pilot, QuestionnairePageScreen)
        assert app.visit is not None
        await tap(pilot, "#q-dose--add")
        await tap(pilot, "#q-dose--add")
        for entry, typed in ((1, "ten"), (2, "5"), (3, "twenty")):
            await tap(pilot, f"#q-mg__{entry}")
            await pilot.press(*typed)
        drafts = app.visit.drafts
        assert {key.path: text for key, text in drafts.items()} == {
            (0,): "ten",
            (1,): "5",
            (2,): "twenty",
        }
        await tap(pilot, "#q-dose--remove1")
        assert {key.path: text for key, text in drafts.items()} == {(0,): "5", (1,): "twenty"}
        assert all(key[:2] == (0, "mg") and key.slot == 0 for key in drafts)
        page = app.screen
        assert page.query_one("#q-mg__1", Input).value == "5"
        assert page.query_one("#q-mg__2", Input).value == "twenty"
        await tap(pilot, "#next")
        error = page.query_one("#q-mg__2-error", Static)
        assert str(error.render()) == "Enter a whole number, for example 42."
