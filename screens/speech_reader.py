"""What a screen and its widgets say, read from the widgets as they are (their ids, labels,
classes and state), so no screen or field needs code of its own for speech.

* a control's label is the nearest ``.field-label`` before it (in its parent or above),
  or its own label (buttons, check boxes); its problem is the ``#<id>-error`` line shown
  for it or for the question around it;
* a screen's title is its headings (``.screen-heading``, ``.step-title``, Welcome's
  greeting) and what a screen without fields is there to say (a reference number, a
  farewell, the idle countdown);
* live lines are the ``.field-error`` and ``.status-line`` texts and the idle countdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    OptionList,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from kiosk.speech import phrases
from kiosk.speech.phrases import Control

OPENING = (
    "#welcome-greeting, #welcome-title, .screen-heading, .step-title, #farewell-message, "
    "#still-there-text, #still-there-countdown, #saved-for-later, #reference, #masked-name, "
    "#done-username"
)
"""What is said when a screen opens, in the screen's order."""
LIVE_CLASSES = frozenset({"field-error", "status-line"})
"""With the idle countdown, the lines said when they change."""
SPELLED = frozenset({"reference"})
"""Ids of texts said character by character."""
SILENT = frozenset({"reference-qr", "portal-qr", "speech-hint"})
COUNTDOWN = "still-there-countdown"
CONTROLS = (Input, TextArea, RadioSet, Checkbox, Select, OptionList, Button)


def text_of(widget: Widget) -> str:
    """The plain text a Static (or Label) shows."""
    visual = getattr(widget, "visual", None)
    plain = getattr(visual, "plain", None)
    if isinstance(plain, str):
        return plain
    return str(getattr(widget, "content", "") or "")


def shown(widget: Widget) -> bool:
    """Whether *widget* and everything around it is displayed."""
    return all(node.display and node.visible for node in widget.ancestors_with_self)


def field_label(widget: Widget) -> str:
    """The ``.field-label`` nearest before *widget*, in its parent or further up."""
    node: Widget | None = widget
    while node is not None and not isinstance(node, Screen):
        parent = node.parent
        if not isinstance(parent, Widget):
            return ""
        siblings = list(parent.children)
        for sibling in reversed(siblings[: siblings.index(node)]):
            if sibling.has_class("field-label"):
                return text_of(sibling)
            if isinstance(sibling, CONTROLS):
                break  # another control's label is not this one's
        node = parent
    return ""


def _problem(widget: Widget) -> str:
    """The error line shown for *widget* or for the question it is part of: ``#<id>-error``
    beside it or beside one of its containers (looked for there, not in the whole screen)."""
    nearby = list(widget.ancestors_with_self)[:5]
    wanted = {f"{node.id}-error" for node in nearby[:4] if node.id}
    for container in nearby[1:]:
        for child in container.children:
            if child.id in wanted:
                return text_of(child).strip() if shown(child) else ""
    return ""


def _check_box(box: Checkbox) -> Control:
    parent = box.parent
    group = [c for c in parent.children if isinstance(c, Checkbox)] if parent else [box]
    if isinstance(parent, Widget) and parent.has_class("choices") and len(group) > 1:
        label, required = phrases.split_required(field_label(parent))
        return Control(
            phrases.CHECKBOX,
            label=label,
            required=required,
            position=group.index(box) + 1,
            total=len(group),
            option=str(box.label),
            ticked=box.value,
            problem=_problem(parent),
        )
    return Control(phrases.CHECKBOX, label=str(box.label), ticked=box.value, problem=_problem(box))


def _radio_set(radios: RadioSet) -> Control:
    buttons = list(radios.query(RadioButton))
    highlighted = getattr(radios, "_selected", None)
    if highlighted is None:
        highlighted = radios.pressed_index
    label, required = phrases.split_required(field_label(radios))
    if not buttons or highlighted is None or highlighted < 0:
        return Control(phrases.CHOICE, label=label, required=required)
    return Control(
        phrases.CHOICE,
        label=label,
        required=required,
        position=highlighted + 1,
        total=len(buttons),
        option=str(buttons[highlighted].label),
        ticked=buttons[highlighted].value,
        problem=_problem(radios),
    )


def _select_value(select: Select[object]) -> str:
    value = select.value
    for prompt, option_value in getattr(select, "_options", []):
        if option_value == value and value != Select.NULL:
            return str(prompt)
    return ""


def _option_list(options: OptionList) -> Control:
    """A list of options; in an open drop-down, its blank first line is not counted."""
    index = options.highlighted
    select = options.parent if isinstance(options.parent, Select) else None
    label = phrases.split_required(field_label(select))[0] if select is not None else ""
    blank = 1 if select is not None and getattr(select, "_allow_blank", False) else 0
    if index is None or index < blank:
        return Control(phrases.DROP_DOWN, label=label)
    prompt = options.get_option_at_index(index).prompt
    return Control(
        phrases.LIST,
        label=label,
        position=index + 1 - blank,
        total=options.option_count - blank,
        option=str(prompt),
    )


def _input(field: Input) -> Control:
    label, required = phrases.split_required(field_label(field))
    problem = _problem(field)
    if field.password:
        return Control(
            phrases.PASSWORD, label=label, required=required, length=len(field.value),
            problem=problem,
        )  # fmt: skip
    kind = phrases.SIGNATURE if field.id == "consent-signature" else phrases.TEXT
    return Control(
        kind,
        label=label,
        required=required,
        value=field.value,
        hint=str(field.placeholder or ""),
        problem=problem,
    )


def is_text_to_read(widget: ScrollableContainer) -> bool:
    """A focusable scrolling box of text only (a consent's text), not a form's body."""
    return widget.can_focus and not widget.query(",".join(c.__name__ for c in CONTROLS))


def describe(widget: Widget) -> Control | None:
    """What *widget* is to a visitor, or None for what is not a control."""
    if isinstance(widget, Input):
        return _input(widget)
    if isinstance(widget, TextArea):
        label, required = phrases.split_required(field_label(widget))
        return Control(
            phrases.TEXT_AREA, label=label, required=required, value=widget.text,
            problem=_problem(widget),
        )  # fmt: skip
    if isinstance(widget, RadioSet):
        return _radio_set(widget)
    if isinstance(widget, Checkbox):
        return _check_box(widget)
    if isinstance(widget, Select):
        label, required = phrases.split_required(field_label(widget))
        return Control(
            phrases.DROP_DOWN, label=label, required=required, value=_select_value(widget),
            problem=_problem(widget),
        )  # fmt: skip
    if isinstance(widget, OptionList):
        return _option_list(widget)
    if isinstance(widget, Button):
        return Control(phrases.BUTTON, label=str(widget.label))
    if isinstance(widget, ScrollableContainer) and is_text_to_read(widget):
        words = " ".join(text_of(s) for s in widget.query(Static) if shown(s))
        return Control(phrases.SCROLL, value=words)
    return None


def focus_phrase(widget: Widget) -> str:
    control = describe(widget)
    return "" if control is None else phrases.control_phrase(control)


def state_of(widget: Widget | None) -> object:
    """What an arrow key, Space or Enter changes in a focused control (not typed text)."""
    if isinstance(widget, RadioSet):
        return (getattr(widget, "_selected", None), widget.pressed_index)
    if isinstance(widget, Checkbox):
        return widget.value
    if isinstance(widget, Select):
        return (widget.value, widget.expanded)
    if isinstance(widget, OptionList):
        return widget.highlighted
    return None


def state_phrase(widget: Widget) -> str:
    control = describe(widget)
    return "" if control is None else phrases.state_phrase(control)


def _said(widget: Widget) -> str:
    text = phrases.clean(text_of(widget))
    if widget.id in SPELLED and text:
        return phrases.reference_phrase(text)
    return text


def opening_phrase(screen: Screen[object]) -> str:
    """A screen's title and what a screen without fields is there to say."""
    parts: list[str] = []
    for widget in screen.query(OPENING):
        if shown(widget) and (said := _said(widget)) and said not in parts:
            parts.append(said)
    return ". ".join(part.rstrip(".") for part in parts)


def live_lines(screen: Screen[object]) -> dict[str, str]:
    """Error and status lines by widget id (or place), with what each shows now ("" none)."""
    found: dict[str, str] = {}
    index = 0
    for widget in screen.walk_children(Widget):  # faster than a query: it runs twice a second
        classes = widget.classes
        if LIVE_CLASSES.isdisjoint(classes) and widget.id != COUNTDOWN:
            continue
        index += 1
        key = widget.id or f"#{index}"
        found[key] = phrases.clean(text_of(widget)) if shown(widget) else ""
    return found


def live_phrase(screen: Screen[object], key: str, text: str) -> str:
    """What to say for the live line *key* that now shows *text*."""
    if key.endswith("-error"):
        found = screen.query(f"#{key.removesuffix('-error')}")
        control = describe(found.first()) if found else None
        label = "" if control is None else control.label
        if control is not None and control.kind == phrases.CHECKBOX and control.option:
            label = control.option
        return phrases.error_phrase(label, text)
    return text


def countdown_due(text: str) -> bool:
    """The idle countdown is said every 5 seconds, and every second of the last 5."""
    number = re.search(r"\d+", text)
    return number is None or int(number.group()) % 5 == 0 or int(number.group()) <= 5


def _walk(widget: Widget) -> Iterator[Widget]:
    for child in widget.children:
        if not isinstance(child, Widget) or not child.display or not child.visible:
            continue
        yield child
        if describe(child) is None:
            yield from _walk(child)


def read_screen(screen: Screen[object]) -> list[str]:
    """Everything on *screen* from the top, a phrase per text or control."""
    said: list[str] = []
    for widget in _walk(screen):
        if widget.id in SILENT or widget.has_class("field-label") or widget.has_class("key-hints"):
            continue
        if (control := describe(widget)) is not None:
            said.append(phrases.control_phrase(control))
        elif isinstance(widget, Static) and (text := _said(widget)):
            said.append(text)
    return said
