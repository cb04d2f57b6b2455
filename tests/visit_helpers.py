"""Pilot helpers that walk the kiosk's screens the way a visitor does: keys and clicks."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal

from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, RadioButton, RadioSet, TextArea

from kiosk.app import KioskApp
from kiosk.questionnaire import (
    Answers,
    Item,
    ItemType,
    Questionnaire,
    is_enabled,
    parse_text_answer,
)
from kiosk.questionnaire.constraints import bounds
from kiosk.tools.drive import screen_text
from screens.question_fields import ItemField
from screens.questionnaire_page import QuestionnairePageScreen

TYPED_EXAMPLES = {
    ItemType.INTEGER: "30",
    ItemType.DECIMAL: "7.5",
    ItemType.DATE: "2020-01-15",
    ItemType.STRING: "Driver",
    ItemType.TEXT: "None.",
}


PATTERNED_EXAMPLES = ("555-201-0147",)
"""Typed where an item's regex refuses the example of its type (the demo forms' phones)."""


def typed_example(item: Item) -> str:
    """The example typed for *item*: :data:`TYPED_EXAMPLES`, a number moved into the item's
    own minValue..maxValue, a text that the item's regex takes."""
    text = TYPED_EXAMPLES[item.type]
    if item.type in (ItemType.INTEGER, ItemType.DECIMAL):
        value = Decimal(text)
        low, high = bounds(item)
        if isinstance(low, int | Decimal) and value < low:
            value = Decimal(low)
        if isinstance(high, int | Decimal) and value > high:
            value = Decimal(high)
        text = str(value)
    if item.regex is not None and not re.fullmatch(item.regex, text):
        text = next(t for t in PATTERNED_EXAMPLES if re.fullmatch(item.regex, t))
    return text


def kiosk(pilot: Pilot[None]) -> KioskApp:
    assert isinstance(pilot.app, KioskApp)
    return pilot.app


async def wait_for_screen(pilot: Pilot[None], screen_type: type, tries: int = 100) -> None:
    for _ in range(tries):
        await pilot.pause()
        if isinstance(pilot.app.screen, screen_type):
            return
        await pilot.pause(0.02)
    raise AssertionError(f"expected {screen_type.__name__}, on {type(pilot.app.screen).__name__}")


async def wait_until(
    pilot: Pilot[None], predicate: Callable[[], object], seconds: float = 30.0
) -> None:
    """Pause until *predicate()* holds (a worker, a timer or the backend answers it); generous,
    as the machine may be busy. On failure, say what the screen shows."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await pilot.pause()
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out; screen shows:\n{screen_text(pilot.app)}")


async def sign_in(pilot: Pilot[None], first: str, last: str) -> None:
    """From Welcome: start the applicant visit, type the name, sign every consent."""
    await pilot.click("#start-applicant")
    await pilot.pause()
    await pilot.press(*first, "enter", *last, "enter")
    await pilot.pause()
    for _ in kiosk(pilot).portal.consents:
        await pilot.press(*f"{first} {last}", "enter", "space")
        await tap(pilot, "#next")


async def tap(pilot: Pilot[None], target: str | Widget) -> None:
    """Scroll *target* into view and click it, as a finger on a touch screen would."""
    screen = pilot.app.screen
    if isinstance(target, str):
        # A widget inside a container is mounted after the container's first children: on a busy
        # machine a screen can show its title before its buttons. A finger waits for the button.
        for _ in range(500):
            if screen.query(target):
                break
            await pilot.pause(0.02)
    widget = screen.query_one(target) if isinstance(target, str) else target
    screen.scroll_to_widget(widget, animate=False)
    # A scroll (or a layout after entries came and went) lands on a later refresh: a finger
    # waits until the button is on the screen, however long a busy machine takes to get there.
    for _ in range(500):
        await pilot.pause()
        if _on_screen(pilot, widget):
            break
        screen.scroll_to_widget(widget, animate=False)
        await pilot.pause(0.01)
    # A Button ignores a press while it still shows the last one (Textual's "-active", 0.2 s):
    # a finger that taps again that fast taps once. Wait, as a person would.
    for _ in range(50):
        if not widget.has_class("-active"):
            break
        await pilot.pause(0.02)
    assert await pilot.click(widget), f"could not tap {target}"
    await pilot.pause()


def _on_screen(pilot: Pilot[None], widget: Widget) -> bool:
    """Whether a click on *widget* (at its top-left cell, as Pilot clicks) lands on it now."""
    region = widget.region
    if region.width == 0 or region.height == 0:
        return False
    if not pilot.app.screen.size.region.contains_point(region.offset):
        return False
    try:
        under, _ = pilot.app.get_widget_at(*region.offset)
    except NoWidget:
        return False
    return under is widget


async def buttons_released(pilot: Pilot[None]) -> None:
    """Wait until no button is drawn pressed: a click draws it "active" for 0.2 s, and the
    snapshots are taken once that is over."""
    for _ in range(500):
        stack = pilot.app.screen_stack
        if not any(b.has_class("-active") for screen in stack for b in screen.query(Button)):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("a button stayed pressed")


def visible_questions(screen: QuestionnairePageScreen) -> list[ItemField]:
    """The questions on screen now, in order (hidden by enableWhen excluded)."""
    fields = []
    for field in screen.query(ItemField):
        if field.item.is_question and all(node.display for node in field.ancestors_with_self):
            fields.append(field)
    return fields


async def answer(pilot: Pilot[None], field: ItemField, value: str | int | None = None) -> None:
    """Answer one question as a touch-screen visitor: tap the n-th option (0 = Yes / first)
    or tap the field and type."""
    widget = pilot.app.screen.query_one(f"#{field.input_id}")
    if isinstance(widget, RadioSet):
        index = 1 if value is None and field.item.type is ItemType.BOOLEAN else int(value or 0)
        widget = widget.query(RadioButton)[index]
    await tap(pilot, widget)
    if isinstance(widget, Input | TextArea):
        text = str(value) if value is not None else typed_example(field.item)
        await pilot.press(*text)
    await pilot.pause()


async def fill_page(pilot: Pilot[None], choices: dict[str, str | int] | None = None) -> None:
    """Answer every visible question not yet answered (booleans: No), then press Next."""
    choices = choices or {}
    screen = pilot.app.screen
    assert isinstance(screen, QuestionnairePageScreen)
    done: set[str] = set()
    while True:
        pending = [
            f
            for f in visible_questions(screen)
            if f.item.link_id not in done and f.item.link_id not in screen.answers
        ]
        if not pending:
            break
        field = pending[0]
        await answer(pilot, field, choices.get(field.item.link_id))
        done.add(field.item.link_id)
    await press_next(pilot)


async def press_next(pilot: Pilot[None]) -> None:
    """Tap a questionnaire page's Next, then wait until the next screen is up or the page says
    what is wrong: Next runs the page's calculations and checks first, and on a busy machine
    either can come after the tap's last pause."""
    screen = pilot.app.screen
    assert isinstance(screen, QuestionnairePageScreen)
    await tap(pilot, "#next")
    for _ in range(300):
        if pilot.app.screen is not screen or (screen.checked and screen.page_problems()):
            return
        await pilot.pause(0.02)


async def fill_all_pages(pilot: Pilot[None], choices: dict[str, str | int] | None = None) -> None:
    """Answer pages until the review is reached."""
    for _ in range(200):
        if not isinstance(pilot.app.screen, QuestionnairePageScreen):
            return
        before = pilot.app.screen
        await fill_page(pilot, choices)
        if pilot.app.screen is before:
            raise AssertionError("a page did not accept its answers")
    raise AssertionError("too many pages")


def sample_answers(questionnaire: Questionnaire) -> Answers:
    """Valid answers as the helpers above give them: booleans No, first choice, examples."""
    answers: Answers = {}
    for item in questionnaire.questions():
        if not is_enabled(questionnaire, item.link_id, answers):
            continue
        if item.type is ItemType.BOOLEAN:
            answers[item.link_id] = False
        elif item.type is ItemType.CHOICE:
            answers[item.link_id] = item.options[0].value
        else:
            value = parse_text_answer(item, typed_example(item))
            assert value is not None
            answers[item.link_id] = value
    return answers
