"""Pilot helpers: run the kiosk on one questionnaire and answer its pages like a visitor.

Every field kind of :mod:`screens.question_fields` is answered by tapping and typing:
radio buttons and check boxes are tapped, drop-downs opened and chosen with the keys,
text fields typed into with a value that the item's own rules accept.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Select, TextArea

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from kiosk.questionnaire import input_text
from screens.question_fields import ItemField
from screens.questionnaire_page import QuestionnairePageScreen
from screens.review import ReviewScreen
from screens.slider import Slider
from tests.questionnaire.sampling import valid_values
from tests.visit_helpers import press_next, tap, wait_for_screen

CONFIG = """
terminal = "test-terminal"
language = "{language}"
idle_timeout_seconds = 600
confirmation_seconds = 5
[[portals]]
name = "forms"
title = "Forms Portal"
applicant_department = "Forms Applicants"
[[portals.questionnaires]]
file = "{file}"
order_item = "Order"
document_type = "Document"
chart_tab = "Tab"
"""


def one_questionnaire_config(
    tmp_path: Path, questionnaire: Path, language: str = "en"
) -> KioskConfig:
    path = tmp_path / "kiosk.toml"
    text = CONFIG.format(file=questionnaire.as_posix(), language=language)
    path.write_text(text, encoding="utf-8")
    return load_config(path)


async def start(pilot: Pilot[None]) -> None:
    """From Welcome to the first questionnaire page (the portal has no consents)."""
    await tap(pilot, "#start-applicant")
    await pilot.press(*"Ana", "enter", *"Lee", "enter")
    await wait_for_screen(pilot, QuestionnairePageScreen)


def shown(field: ItemField) -> bool:
    return all(node.display for node in field.ancestors_with_self)


def pending_fields(screen: QuestionnairePageScreen) -> list[ItemField]:
    """Visible fields the visitor answers that have no answer yet."""
    return [
        field
        for field in screen.ctx.fields.values()
        if field.item.answerable and field.kind not in ("group", "groups") and shown(field)
        and not field.values()
    ]  # fmt: skip


async def answer_field(pilot: Pilot[None], field: ItemField) -> None:
    """Give *field* a valid answer the way a visitor would."""
    screen = pilot.app.screen
    kind = field.kind
    if kind in ("boolean", "radio"):
        radio = screen.query_one(f"#{field.input_id}", RadioSet)
        await tap(pilot, radio.query(RadioButton)[1 if kind == "boolean" else 0])
    elif kind == "checkboxes":
        wanted = max(1, field.item.min_occurs or 0)
        boxes = [
            box for box in field.query(Checkbox)
            if not any(o.exclusive and o.label_in() == str(box.label) for o in field.item.options)
        ]  # fmt: skip
        for box in boxes[:wanted]:
            await tap(pilot, box)
    elif kind == "select":
        await choose(pilot, screen.query_one(f"#{field.input_id}", Select), nth=1)
    elif kind == "autocomplete":
        await tap(pilot, screen.query_one(f"#{field.input_id}", Input))
        await pilot.press(*field.item.options[0].label_in())
    elif kind == "slider":
        slider = screen.query_one(f"#{field.input_id}", Slider)
        slider.focus()
        await pilot.press("right")  # the lowest value, or one step up from it
    elif kind == "text":
        await answer_rows(pilot, field)
    await pilot.pause()


async def choose(pilot: Pilot[None], select: Select, nth: int = 0) -> None:  # type: ignore[type-arg]
    """Open a drop-down with Enter and take its *nth* option, as with a keyboard."""
    pilot.app.screen.scroll_to_widget(select, animate=False)
    select.focus()
    await pilot.pause()
    await pilot.press("enter", *["down"] * (nth + 1), "enter")
    await pilot.pause()
    assert select.value is not Select.NULL, f"nothing chosen in {select.id}"


async def answer_rows(pilot: Pilot[None], field: ItemField) -> None:
    item = field.item
    values = valid_values(item)
    assert values, f"no sample value for {item.link_id}"
    wanted = max(1, item.min_occurs or 0) if item.repeats else 1
    for row in range(wanted):
        if row > 0:
            await tap(pilot, f"#{field.input_id}--add")
            field = pilot.app.screen.ctx.fields[field.key]  # the page was built again
        widget = pilot.app.screen.query_one(f"#{field.row_id(row)}")
        await tap(pilot, widget)
        text = input_text(item, values[row % len(values)])
        if isinstance(widget, TextArea):
            widget.insert(text)
        else:
            await pilot.press(*text)
        if len(item.units) > 1 and row == 0:
            await choose(pilot, pilot.app.screen.query_one(f"#{field.input_id}--unit", Select))


async def fill_page(pilot: Pilot[None]) -> None:
    """Answer every visible question of the page (revealed ones too), then press Next."""
    screen = pilot.app.screen
    assert isinstance(screen, QuestionnairePageScreen)
    tried: set[str] = set()
    while True:
        pending = [f for f in pending_fields(pilot.app.screen) if f.key not in tried]
        if not pending:
            break
        tried.add(pending[0].key)
        await answer_field(pilot, pending[0])
    await press_next(pilot)


async def fill_to_review(pilot: Pilot[None]) -> None:
    for _ in range(50):
        screen = pilot.app.screen
        if isinstance(screen, ReviewScreen):
            return
        assert isinstance(screen, QuestionnairePageScreen), type(screen).__name__
        await fill_page(pilot)
        if pilot.app.screen is screen:
            problems = screen.page_problems()
            raise AssertionError(f"page {screen.page_index + 1} refused its answers: {problems}")
    raise AssertionError("too many pages")


class FormKiosk(KioskApp):
    """The kiosk without its backend: these tests page through forms and read the response
    the kiosk would send, but never send it, so no server is built behind them."""

    BACKEND_START_DELAY: ClassVar[float] = 3600.0


def app_for(
    tmp_path: Path, questionnaire: Path, database_url: str, language: str = "en"
) -> KioskApp:
    config = one_questionnaire_config(tmp_path, questionnaire, language)
    return FormKiosk(config, database_url=database_url)
