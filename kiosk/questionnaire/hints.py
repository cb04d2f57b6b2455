"""Rendering hints of an item and of a questionnaire: how to show it, never what is valid.

These extensions change the look of a form, not the answers it accepts or the response it
builds, so a hint that is malformed is simply not used. The loader keeps the hints of every
item in :attr:`Item.hints <kiosk.questionnaire.model.Item.hints>`; the screens decide how a
terminal honours them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.questionnaire.richtext import markdown_to_text, xhtml_to_text

CORE = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"

ITEM_CONTROL = CORE + "questionnaire-itemControl"
DISPLAY_CATEGORY = CORE + "questionnaire-displayCategory"
INSTRUCTION = CORE + "questionnaire-instruction"
SHORT_TEXT = SDC + "sdc-questionnaire-shortText"
COLUMN_COUNT = SDC + "sdc-questionnaire-columnCount"
CHOICE_COLUMNS = frozenset(
    {CORE + "questionnaire-choiceColumn", SDC + "sdc-questionnaire-choiceColumn"}
)
SLIDER_STEP = CORE + "questionnaire-sliderStepValue"
ENTRY_MODE = SDC + "sdc-questionnaire-entryMode"
RENDERING_XHTML = CORE + "rendering-xhtml"
RENDERING_MARKDOWN = CORE + "rendering-markdown"

ITEM_HINT_EXTENSIONS = frozenset(
    {INSTRUCTION, SHORT_TEXT, COLUMN_COUNT, *CHOICE_COLUMNS, SLIDER_STEP, DISPLAY_CATEGORY}
)
"""Item extensions read here (itemControl is read by the loader and here)."""
ROOT_HINT_EXTENSIONS = frozenset({ENTRY_MODE})
"""Questionnaire extensions read here."""

BESIDE_CONTROLS = frozenset({"help", "flyover", "legal", "instructions"})
"""itemControl codes of a display child that is shown beside its parent, not as an item."""
BESIDE_CATEGORIES = frozenset({"help", "instructions", "security"})
"""displayCategory codes of a display child shown beside its parent."""
ENTRY_MODES = frozenset({"sequential", "prior-edit", "random"})


@dataclass(frozen=True, slots=True)
class ChoiceColumn:
    """One column of ``questionnaire-choiceColumn``: which part of an option to show."""

    path: str
    label: str | None = None
    for_display: bool = False


@dataclass(frozen=True, slots=True)
class ItemHints:
    """What an item's rendering extensions say (all optional)."""

    controls: tuple[str, ...] = ()
    """Every ``questionnaire-itemControl`` code, known to the kiosk or not (``help``...)."""
    display_category: str | None = None
    instruction: str | None = None
    """``questionnaire-instruction``: shown before the question."""
    short_text: str | None = None
    """``sdc-questionnaire-shortText``: the label where space is short."""
    rich_text: str | None = None
    """The item's text from ``rendering-xhtml`` (else ``rendering-markdown``) as plain text,
    with each link's target written out after it."""
    column_count: int | None = None
    choice_columns: tuple[ChoiceColumn, ...] = ()
    slider_step: Decimal | None = None

    def has(self, control: str) -> bool:
        return control in self.controls

    @property
    def beside(self) -> str | None:
        """``help``, ``flyover``, ``legal``, ``instructions`` or ``security`` when this
        display item is shown beside its parent question or group; else ``None``."""
        for control in self.controls:
            if control in BESIDE_CONTROLS:
                return control
        if self.display_category in BESIDE_CATEGORIES:
            return self.display_category
        return None


NO_HINTS = ItemHints()


def read_item_hints(raw: dict[str, Any]) -> ItemHints:
    """The rendering hints of one raw item (malformed hints are left out)."""
    controls: list[str] = []
    found: dict[str, Any] = {}
    columns: list[ChoiceColumn] = []
    for extension in _extensions(raw):
        url = extension["url"]
        if url == ITEM_CONTROL:
            controls.extend(_codes(extension.get("valueCodeableConcept")))
        elif url == DISPLAY_CATEGORY:
            codes = _codes(extension.get("valueCodeableConcept"))
            if codes:
                found["display_category"] = codes[0]
        elif url in (INSTRUCTION, SHORT_TEXT):
            text = extension.get("valueString") or extension.get("valueMarkdown")
            if isinstance(text, str) and text.strip():
                found["instruction" if url == INSTRUCTION else "short_text"] = text.strip()
        elif url == COLUMN_COUNT:
            count = extension.get("valuePositiveInt", extension.get("valueInteger"))
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                found["column_count"] = count
        elif url in CHOICE_COLUMNS:
            column = _choice_column(extension)
            if column is not None:
                columns.append(column)
        elif url == SLIDER_STEP:
            found["slider_step"] = _positive_number(extension)
    rich = _rich_text(raw.get("_text"))
    return ItemHints(
        controls=tuple(controls),
        rich_text=rich,
        choice_columns=tuple(columns),
        **{k: v for k, v in found.items() if v is not None},
    )


def read_entry_mode(raw: object) -> str | None:
    """``sequential``, ``prior-edit`` or ``random`` (``sdc-questionnaire-entryMode``)."""
    if not isinstance(raw, dict):
        return None
    for extension in _extensions(raw):
        if extension["url"] == ENTRY_MODE and extension.get("valueCode") in ENTRY_MODES:
            return str(extension["valueCode"])
    return None


def _extensions(raw: object) -> list[dict[str, Any]]:
    found = raw.get("extension") if isinstance(raw, dict) else None
    if not isinstance(found, list):
        return []
    return [e for e in found if isinstance(e, dict) and isinstance(e.get("url"), str)]


def _codes(concept: object) -> list[str]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    if not isinstance(codings, list):
        return []
    return [c["code"] for c in codings if isinstance(c, dict) and isinstance(c.get("code"), str)]


def _choice_column(extension: dict[str, Any]) -> ChoiceColumn | None:
    parts: dict[str, Any] = {}
    for part in _extensions(extension):
        for key, value in part.items():
            if key.startswith("value"):
                parts[part["url"]] = value
    path = parts.get("path")
    if not isinstance(path, str) or not path:
        return None
    label = parts.get("label")
    return ChoiceColumn(
        path, label if isinstance(label, str) else None, parts.get("forDisplay") is True
    )


def _positive_number(extension: dict[str, Any]) -> Decimal | None:
    value = extension.get("valueInteger", extension.get("valueDecimal"))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number > 0 else None


def _rich_text(element: object) -> str | None:
    """The plain text of ``_text``'s rendering-xhtml, else of its rendering-markdown."""
    by_url = {e["url"]: e.get("valueString", e.get("valueMarkdown")) for e in _extensions(element)}
    xhtml, markdown = by_url.get(RENDERING_XHTML), by_url.get(RENDERING_MARKDOWN)
    if isinstance(xhtml, str) and xhtml.strip():
        return xhtml_to_text(xhtml) or None
    if isinstance(markdown, str) and markdown.strip():
        return markdown_to_text(markdown) or None
    return None
