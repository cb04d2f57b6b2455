"""What the kiosk says: a control, an error, a reference number, in the current language.

A :class:`Control` describes what a focused widget is (built by :mod:`screens.speech_reader`
from the widget's own label, id and state); :func:`control_phrase` says it in the order a
visitor needs: label, kind, whether it is required, its value, its hint and its problem.
A password is said only by its length; a consent's typed name only as "your name as typed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.i18n import _, ngettext

TEXT = "text"
TEXT_AREA = "textarea"
PASSWORD = "password"
SIGNATURE = "signature"
CHOICE = "choice"
CHECKBOX = "checkbox"
DROP_DOWN = "select"
LIST = "list"
BUTTON = "button"
SCROLL = "scroll"


@dataclass(frozen=True)
class Control:
    """A control as a visitor who cannot see it needs to know it."""

    kind: str
    label: str = ""
    required: bool = False
    value: str = ""
    """What the control holds now (a typed text, a chosen option)."""
    position: int = 0
    """1-based place of the highlighted option (or of a check box among its question's)."""
    total: int = 0
    option: str = ""
    """The highlighted option's, or a check box's own, label."""
    ticked: bool = False
    """A check box is ticked; an option is the chosen one."""
    length: int = 0
    """Characters in a password field."""
    hint: str = ""
    problem: str = ""


def clean(text: str) -> str:
    """*text* on one line, its runs of blanks made one space."""
    return " ".join(text.split())


def required_marker() -> str:
    """The words the kiosk puts after a required field's label, as shown."""
    return _(" (required)").strip()


def split_required(label: str) -> tuple[str, bool]:
    """The label without its "(required)" marker, and whether it had one."""
    label = clean(label)
    marker = required_marker()
    if marker and label.endswith(marker):
        return label[: -len(marker)].rstrip(" :"), True
    return label, False


def your_name_as_typed() -> str:
    return _("your name as typed")


def kind_phrase(control: Control) -> str:
    """What sort of control it is, with its place among options where it has one."""
    kind = control.kind
    if kind in (TEXT, SIGNATURE):
        return _("text field")
    if kind == TEXT_AREA:
        return _("text area")
    if kind == PASSWORD:
        return ngettext(
            "password field, {count} character",
            "password field, {count} characters",
            control.length,
        ).format(count=control.length)
    if kind == CHOICE:
        if not control.total:
            return _("choice")
        said = _("choice, {position} of {total}: {option}").format(
            position=control.position, total=control.total, option=control.option
        )
        # Not _() inside an f-string: the catalogs' extractor would not see the message.
        chosen = _("chosen")
        return f"{said}, {chosen}" if control.ticked else said
    if kind == CHECKBOX:
        state = _("ticked") if control.ticked else _("not ticked")
        if control.total:
            said = _("check box, {position} of {total}: {option}").format(
                position=control.position, total=control.total, option=control.option
            )
            return f"{said}, {state}"
        check_box = _("check box")
        return f"{check_box}, {state}"
    if kind == DROP_DOWN:
        return _("drop-down list")
    if kind == LIST:
        return _("list, {position} of {total}: {option}").format(
            position=control.position, total=control.total, option=control.option
        )
    if kind == SCROLL:
        return _("text to read, the arrow keys scroll it")
    return _("button")


def value_phrase(control: Control) -> str:
    """The control's value as it may be said (never a password; a signature veiled)."""
    if control.kind in (PASSWORD, BUTTON, CHECKBOX, LIST, CHOICE):
        return ""
    if control.kind == SIGNATURE:
        return your_name_as_typed() if control.value.strip() else _("blank")
    if control.kind == DROP_DOWN:
        return clean(control.value) or _("nothing chosen")
    if control.kind == SCROLL:
        return clean(control.value)
    return clean(control.value) or _("blank")


def control_phrase(control: Control) -> str:
    """Everything about a control that has just been focused, in one phrase."""
    parts = [clean(control.label), kind_phrase(control)]
    if control.required:
        parts.append(_("required"))
    parts.append(value_phrase(control))
    if control.hint:
        parts.append(clean(control.hint))
    if control.problem:
        parts.append(problem_phrase(control.problem))
    return ", ".join(part for part in parts if part)


def state_phrase(control: Control) -> str:
    """What changed in a control that keeps the focus (an arrow key, a tick, a choice)."""
    if control.kind == DROP_DOWN:
        return value_phrase(control)
    return kind_phrase(control)


def problem_phrase(problem: str) -> str:
    return _("Problem: {problem}").format(problem=clean(problem))


def error_phrase(label: str, problem: str) -> str:
    """An error as it appears beside its field."""
    label = split_required(label)[0]
    return f"{label}: {problem_phrase(problem)}" if label else problem_phrase(problem)


_GROUPS = re.compile(r"[^\W_]+")


def spell_out(reference: str) -> str:
    """A reference number said character by character: ``KX-42`` -> ``K X, 4 2``."""
    groups = _GROUPS.findall(reference)
    return ", ".join(" ".join(group) for group in groups)


def reference_phrase(reference: str) -> str:
    label = _("Your reference number:")
    return f"{label} {spell_out(reference)}"


def speech_hint() -> str:
    """What Welcome shows and says, so that a visitor who cannot see learns of speech."""
    from kiosk.speech.hint import HINT

    return _(HINT)


def veil_name(phrase: str, name: str) -> str:
    """*phrase* with the visitor's *name* replaced by "your name as typed" (any case)."""
    if not name.strip():
        return phrase
    return re.sub(re.escape(name.strip()), your_name_as_typed(), phrase, flags=re.IGNORECASE)
