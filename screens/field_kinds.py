"""One field class per kind of item, and the table that picks one for an item.

The table mirrors the engine's type table (:data:`kiosk.questionnaire.itemtypes.ITEM_TYPES`):
each item type has its field class in :data:`FIELD_FOR_TYPE`, and a few item settings pick
another one (:func:`field_class`: a repeating group shows its entries, a question with
options is answered by choosing, an itemControl asks for a drop-down, an autocomplete or a
slider; a question the visitor cannot answer shows its value, or that it is not available
here). A new item type is a field class and a line in :data:`FIELD_FOR_TYPE`, beside its
line in the engine's table.

The classes: groups and texts here, the typed answers in :mod:`screens.typed_fields`, the
chosen ones in :mod:`screens.chosen_fields`. They never switch on the item's type (what
differs between types is the class), and never parse what was typed (the engine does, in
the visitor's locale: :mod:`kiosk.questionnaire.localized`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.i18n import _
from kiosk.questionnaire import Item, ItemControl, ItemType, instances
from kiosk.questionnaire.localized import show_answer
from screens.chosen_fields import (
    AutocompleteField,
    BooleanField,
    CheckboxesField,
    IntegerSliderField,
    RadioField,
    SelectField,
    SliderField,
)
from screens.question_fields import ItemField, beside_kind
from screens.typed_fields import (
    DateField,
    DateTimeField,
    DecimalField,
    IntegerField,
    QuantityField,
    StringField,
    TextField,
    TimeField,
    UrlField,
)

# -- groups and texts --------------------------------------------------------------------


class GroupField(ItemField):
    """A group: its title and its items."""

    kind = "group"

    def compose_heading(self) -> ComposeResult:
        if self.item.text or self.item.prefix:
            yield Static(self.label_text(), classes="group-title", markup=False)

    def focusable_input(self) -> Widget | None:
        return None


class RepeatingGroupField(GroupField):
    """A repeating group: its entries, each with a button to remove it, and one to add."""

    kind = "groups"

    def _prepare_children(self) -> None:
        item = self.item
        for index, inner in enumerate(instances(item, self.scope)):
            heading = _("Entry {number}").format(number=index + 1)
            self.entries.append(
                (index, heading, self.ctx.build(item.items, inner, (*self.path, index)))
            )

    def compose_after(self) -> ComposeResult:
        item = self.item
        least = max(1, item.min_occurs or 0)
        count = len(self.entries)
        for index, heading, fields in self.entries:
            with Vertical(classes="instance"):
                with Horizontal(classes="instance-head"):
                    yield Static(heading, classes="entry-heading", markup=False)
                    if count > least:
                        yield Button(
                            _("Remove this entry"),
                            id=self.ctx.claim(
                                f"{self.input_id}--remove{index + 1}",
                                self,
                                "remove-instance",
                                index,
                            ),
                            classes="remove-instance",
                        )
                yield from fields
        if item.max_occurs is None or count < item.max_occurs:
            yield Button(
                _("Add another entry"),
                id=self.ctx.claim(f"{self.input_id}--add", self, "add-instance"),
                classes="add-instance",
            )

    def focus_input(self) -> None:
        target = self.query(".add-instance, .remove-instance").first() if self.entries else None
        first_child = next(
            (f for _i, _h, fields in self.entries for f in fields if f.focusable_input()), None
        )
        if first_child is not None:
            first_child.focus_input()
        elif target is not None:
            target.focus()


class DisplayField(ItemField):
    """A text to read."""

    kind = "display"
    has_error_line = False

    def compose_heading(self) -> ComposeResult:
        kind = beside_kind(self.item)
        classes = "display-text" + (f" beside-{kind}" if kind else "")
        yield Static(self.label_text(), classes=classes, markup=False)


class UnavailableField(ItemField):
    """An attachment, a reference, or a question whose options are not to be had here."""

    kind = "unavailable"

    def compose_inputs(self) -> ComposeResult:
        yield Static(_("Not available here."), classes="not-available")


class ReadOnlyField(ItemField):
    """A question the visitor does not answer (read-only, calculated, hidden): its value."""

    kind = "readonly"
    _shown_value: str | None = None
    """What the value line shows now."""

    def compose_inputs(self) -> ComposeResult:
        self._shown_value = self.shown_values()
        yield Static(self._shown_value, id=self.input_id, classes="read-only-value", markup=False)

    def shown_values(self) -> str:
        found = self.values()
        if not found:
            return "—"
        return ", ".join(show_answer(self.item, v, self.language) for v in found)

    def refresh_value(self) -> None:
        """Show the item's current (e.g. calculated) value."""
        shown = self.shown_values()
        found = self.query(f"#{self.input_id}")
        if shown != self._shown_value and found:  # an update lays the page out again
            self._shown_value = shown
            found.first(Static).update(shown)


# -- the table ---------------------------------------------------------------------------


FIELD_FOR_TYPE: dict[ItemType, type[ItemField]] = {
    ItemType.GROUP: GroupField,
    ItemType.DISPLAY: DisplayField,
    ItemType.BOOLEAN: BooleanField,
    ItemType.DECIMAL: DecimalField,
    ItemType.INTEGER: IntegerField,
    ItemType.DATE: DateField,
    ItemType.DATETIME: DateTimeField,
    ItemType.TIME: TimeField,
    ItemType.STRING: StringField,
    ItemType.TEXT: TextField,
    ItemType.URL: UrlField,
    ItemType.CHOICE: RadioField,
    ItemType.OPEN_CHOICE: RadioField,  # with "Other:" and a field for the visitor's own answer
    ItemType.ATTACHMENT: UnavailableField,
    ItemType.REFERENCE: UnavailableField,
    ItemType.QUANTITY: QuantityField,
}
"""The field of each item type (one line per line of the engine's type table)."""

FIELD_FOR_CONTROL: dict[ItemControl | None, type[ItemField]] = {
    ItemControl.DROP_DOWN: SelectField,
    ItemControl.AUTOCOMPLETE: AutocompleteField,
}
"""A question with options that does not repeat: the field its ``itemControl`` asks for
(radio buttons otherwise)."""

SLIDER_FOR_TYPE: dict[ItemType, type[ItemField]] = {
    ItemType.INTEGER: IntegerSliderField,
    ItemType.DECIMAL: SliderField,
}
"""A number item with ``itemControl`` slider (and no options)."""

WITHOUT_OPTIONS: dict[ItemType, type[ItemField]] = {
    ItemType.CHOICE: UnavailableField,  # its answerExpression gives nothing to choose here
    ItemType.OPEN_CHOICE: StringField,  # the visitor's own answer only
}
"""A choice type whose item has no options to choose from."""


def field_class(item: Item) -> type[ItemField]:
    """The class that shows *item*: its type's, unless its settings ask for another."""
    if item.type is ItemType.GROUP and item.repeats:
        return RepeatingGroupField
    if item.is_question and not item.available:
        return UnavailableField
    if item.is_question and not item.answerable:
        return ReadOnlyField
    if item.options:
        if item.repeats:
            return CheckboxesField
        return FIELD_FOR_CONTROL.get(item.item_control, RadioField)
    if item.hints.has("slider") and item.type in SLIDER_FOR_TYPE:
        return SLIDER_FOR_TYPE[item.type]
    return WITHOUT_OPTIONS.get(item.type, FIELD_FOR_TYPE[item.type])
