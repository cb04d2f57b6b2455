"""One page of a questionnaire (one top-level group), checked before the visitor moves on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, RadioSet, Select, Static, TextArea

from kiosk.i18n import _, current_language, ngettext
from kiosk.questionnaire import (
    EnableState,
    add_entry,
    apply_calculations,
    has_calculations,
    set_values,
)
from kiosk.questionnaire.page_problems import FORM_KEY, page_problems
from kiosk.questionnaire.values import same_value
from screens.base import VisitScreen
from screens.question_drafts import Drafts
from screens.question_fields import FieldContext, ItemField, Ref
from screens.slider import Slider
from screens.typed_fields import TypedField

if TYPE_CHECKING:
    from kiosk.flow.plan import Step


class QuestionnairePageScreen(VisitScreen):
    """The questions of one page; enableWhen shows and hides them as answers change."""

    CSS_PATH = "questionnaire_page.tcss"

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As Textual's, but a move of the focus does not repaint the whole page: the widgets
    that gain and lose it repaint themselves (their ``:focus`` styles change)."""

    def __init__(
        self, step_index: int, questionnaire_index: int, page_index: int, *, editing: bool = False
    ) -> None:
        super().__init__(step_index, editing=editing)
        self.q_index = questionnaire_index
        entry = self.visit.questionnaires[questionnaire_index]
        self.questionnaire = entry.questionnaire
        self.pages = self.questionnaire.pages()
        self.page = self.pages[page_index]
        self.page_index = page_index
        self.answers = self.visit.answers[questionnaire_index]
        self.drafts = Drafts(self.visit.drafts, questionnaire_index)
        q = self.questionnaire
        self.sources = {c.question for item in q.all_items() for c in item.enable_when} | {
            item.link_id for item in q.all_items() if item.is_question and item.items
        }
        self.calculates = has_calculations(q)
        self.ctx = self._field_context()
        self._focus_after: str | None = None

    @classmethod
    def for_step(cls, step: Step, step_index: int, *, editing: bool = False) -> Self:
        return cls(step_index, step.index, step.page, editing=editing)

    def _field_context(self) -> FieldContext:
        return FieldContext(self.questionnaire, self.answers, self.drafts, current_language())

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        language = current_language()
        yield from self.compose_header()
        yield Static(
            self.questionnaire.title_in(language),
            classes="questionnaire-title screen-heading",
            markup=False,
        )
        yield Static(
            _("Page {current} of {total}").format(
                current=self.page_index + 1, total=len(self.pages)
            ),
            id="page-progress",
            classes="screen-heading",
        )
        self.ctx = self._field_context()
        with VerticalScroll(id="page-body"):
            title = self.page.title_in(language)
            if title and title != self.questionnaire.title_in(language):
                yield Static(title, classes="step-title", markup=False)
            if self.page.link_id is not None:
                instruction = self.questionnaire.item(self.page.link_id).hints.instruction
                if instruction:
                    yield Static(instruction, classes="item-instruction", markup=False)
            yield from self.ctx.build(self.page.items, self.answers, (), top=True)
            yield Static("", id="form-problem", classes="field-error", markup=False)
            with Horizontal(classes="nav-row"):
                if not self.no_way_back:
                    yield Button(_("Back"), id="back")
                yield Button(_("Done") if self.editing else _("Next"), id="next", variant="primary")

    def on_mount(self) -> None:
        self._apply_enable_when()
        first = self._first_enabled_question()
        if first is not None:
            first.focus_input()
        else:
            self.query_one("#next", Button).focus()

    @property
    def no_way_back(self) -> bool:
        """entryMode ``sequential``: once past a question, the visitor does not return to it
        (``prior-edit`` and ``random`` allow Back)."""
        return (
            self.questionnaire.entry_mode == "sequential"
            and self.page_index > 0
            and not self.editing
        )

    def action_back(self) -> None:
        self.calculate_now()
        if not self.no_way_back:
            super().action_back()

    # -- answers as they change ---------------------------------------------------------

    def _ref(self, widget_id: str | None) -> Ref | None:
        ref = self.ctx.refs.get(widget_id or "")
        if ref is None or ref.field.item.link_id not in self.questionnaire:
            return None
        return ref

    @on(RadioSet.Changed)
    def _radio_changed(self, event: RadioSet.Changed) -> None:
        ref = self._ref(event.radio_set.id)
        if ref is not None:
            self._store(ref.field)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        ref = self._ref(event.select.id)
        if ref is None:
            return
        if ref.role == "unit":
            ref.field.take_unit(event.value if isinstance(event.value, int) else None)
        self._store(ref.field)

    @on(Slider.Changed)
    def _slider_changed(self, event: Slider.Changed) -> None:
        ref = self._ref(event.slider.id)
        if ref is not None:
            self._store(ref.field)

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        ref = self._ref(event.checkbox.id)
        if ref is not None:
            self._store(ref.field)

    @on(Input.Changed)
    def _text_changed(self, event: Input.Changed) -> None:
        self._typed(event.input.id, event.value)

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        self._typed(event.text_area.id, event.text_area.text)

    def _typed(self, widget_id: str | None, text: str) -> None:
        """The text a Changed event carries: the field keeps it as a draft, then its
        answers are read from the drafts (never from the widget)."""
        ref = self._ref(widget_id)
        if ref is None:
            return
        ref.field.take_typed(ref, text)
        self._store(ref.field, typing=True)

    CALCULATE_AFTER = 0.15
    """Seconds of no typing after which calculations run (a choice runs them at once)."""

    _calculation_timer: Timer | None = None

    def _store(self, field: ItemField, *, typing: bool = False) -> None:
        """Keep what *field*'s widgets hold as its answers, and update what depends on it.

        While the visitor types, the form's calculations wait until the typing pauses
        (``CALCULATE_AFTER``): a large form's scores need not be worked out again for every
        character. Anything that reads the answers as a whole (Next, Back, the entry
        buttons, leaving the page) runs them first (:meth:`calculate_now`)."""
        item = field.item
        new = field.read().values
        structural = False
        if item.is_container:
            old = field.values()
            kept = [v for v in old if any(same_value(v, n) for n in new)]
            added = [v for v in new if not any(same_value(v, o) for o in old)]
            removed = [i for i, v in enumerate(old) if not any(same_value(v, n) for n in new)]
            for index in reversed(removed):
                self.drafts.remove_instance(self.questionnaire, item.link_id, field.path, index)
            structural = bool(removed or added)
            new = [*kept, *added]
        set_values(item, field.scope, new)
        field.show_error(None)
        changed: set[str] = set()
        if self.calculates and typing and not structural:
            if self._calculation_timer is not None:
                self._calculation_timer.stop()
            self._calculation_timer = self.set_timer(self.CALCULATE_AFTER, self.calculate_now)
        elif self.calculates:
            changed = self._calculate()
        if structural:
            self._recompose(focus=field.focusable_input())
        elif item.link_id in self.sources or changed & self.sources:
            self._apply_enable_when()

    def _calculate(self) -> set[str]:
        """Run the form's calculations; show the values that changed (their linkIds)."""
        if self._calculation_timer is not None:
            self._calculation_timer.stop()
            self._calculation_timer = None
        changed = apply_calculations(self.questionnaire, self.answers)
        for other in self.ctx.fields.values():
            if other.item.link_id in changed:
                other.refresh_value()
        return changed

    @property
    def calculations_waiting(self) -> bool:
        """Whether calculations wait for the visitor's typing to pause."""
        return self._calculation_timer is not None

    def calculate_now(self) -> None:
        """Calculations that wait for the typing to pause, run now (if any wait)."""
        if self._calculation_timer is None:
            return
        if not self.is_current:  # on its way out: the answers only, nothing to show
            self._calculation_timer.stop()
            self._calculation_timer = None
            apply_calculations(self.questionnaire, self.answers)
            return
        changed = self._calculate()
        if changed & self.sources:
            self._apply_enable_when()

    def on_unmount(self) -> None:
        """Leaving the page while calculations wait: run them on the answers (its widgets
        are gone by now, so nothing is shown)."""
        if self._calculation_timer is not None:
            self._calculation_timer.stop()
            self._calculation_timer = None
            apply_calculations(self.questionnaire, self.answers)

    def _apply_enable_when(self) -> None:
        state = EnableState(self.questionnaire, self.answers)
        for field in self.ctx.fields.values():
            field.display = state.enabled(field.item.link_id, field.path)

    def _recompose(self, focus: object = None) -> None:
        """Build the page again after entries were added or removed."""
        self._focus_after = getattr(focus, "id", None)
        self.refresh(recompose=True)
        self.call_after_refresh(self._after_recompose)

    rebuilds_inputs_itself = True
    """Every field is rebuilt from the visit's answers and drafts, dates in the new order."""

    checked = False
    """Whether Next was pressed once: its messages are said again after a rebuild."""

    def after_recompose(self) -> None:
        """After a change of language or text size (see :class:`KioskScreen`)."""
        self._after_recompose()

    def _after_recompose(self) -> None:
        self._apply_enable_when()
        if self.checked:
            self._show_problems(self.page_problems())
        if self._focus_after:
            target = self.query(f"#{self._focus_after}")
            if target:
                target.first().focus()
                target.first().scroll_visible()
        self._focus_after = None

    # -- entries of repeating groups and answers of repeating questions ----------------

    @on(Button.Pressed, ".add-instance, .remove-instance, .add-row, .remove-row")
    def _entries_button(self, event: Button.Pressed) -> None:
        event.stop()
        ref = self._ref(event.button.id)
        if ref is None:
            return
        field = ref.field
        item, scope, path = field.item, field.scope, field.path
        if ref.role == "add-instance":  # with its initial values and initialExpressions
            add_entry(self.questionnaire, self.answers, item, path)
            target = f"{field.input_id}--add"
        elif ref.role == "remove-instance":
            found = scope.get(item.link_id)
            if isinstance(found, list) and 0 <= ref.index < len(found):
                del found[ref.index]
                self.drafts.remove_instance(self.questionnaire, item.link_id, path, ref.index)
            target = f"{field.input_id}--add"
        elif not isinstance(field, TypedField):
            return
        elif ref.role == "add-row":
            rows = field.row_texts()
            self.drafts.set_rows(item.link_id, path, [*rows, ""])
            target = field.row_id(len(rows))
        else:
            rows = field.row_texts()
            del rows[ref.index]
            self.drafts.set_rows(item.link_id, path, rows or [""])
            set_values(item, scope, field.read().values)
            target = field.row_id(max(0, ref.index - 1))
        if self.calculates:
            self._calculate()
        self._focus_after = target
        self.refresh(recompose=True)
        self.call_after_refresh(self._after_recompose)

    # -- moving on ---------------------------------------------------------------------

    def _first_enabled_question(self) -> ItemField | None:
        state = EnableState(self.questionnaire, self.answers)
        for field in self.ctx.fields.values():
            if field.focusable_input() is not None and state.enabled(
                field.item.link_id, field.path
            ):
                return field
        return None

    def page_problems(self) -> dict[str, str]:
        """Every problem on this page, by answer key, in the order of the fields."""
        self.calculate_now()
        state = EnableState(self.questionnaire, self.answers)
        found: dict[str, str] = {}
        for key, field in self.ctx.fields.items():
            if not field.item.answerable or not state.enabled(field.item.link_id, field.path):
                continue
            problem = field.read().problem
            if problem is not None:
                found[key] = problem
        engine = page_problems(self.questionnaire, self.answers, self.page_index, state=state)
        for key, problem in engine.items():
            found.setdefault(key, problem)
        order = list(self.ctx.fields)

        def place(key: str) -> int:  # the form's own problem last, under the page's fields
            if key == FORM_KEY:
                return len(order)
            return order.index(key) if key in order else 0

        return dict(sorted(found.items(), key=lambda kv: place(kv[0])))

    def _show_problems(self, found: dict[str, str]) -> None:
        """Each problem under its field; one of the questionnaire as a whole (its
        targetConstraint) under the last field, above the buttons."""
        for key, field in self.ctx.fields.items():
            field.show_error(found.get(key))
        form_problem = self.query_one("#form-problem", Static)
        form_problem.update(found.get(FORM_KEY, ""))
        form_problem.set_class(FORM_KEY in found, "shown")

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#next")
    def next_page(self) -> None:
        """Check the page; say what is wrong beside each field, or go on."""
        self.calculate_now()
        self.checked = True
        found = self.page_problems()
        self._show_problems(found)
        if found:
            first = self.ctx.fields.get(next(iter(found)))
            if first is not None:
                first.focus_input()
                first.scroll_visible()
            if list(found) == [FORM_KEY]:  # the form's own rule: say it as the form words it
                self.query_one("#form-problem", Static).scroll_visible()
                self.notify(found[FORM_KEY], severity="warning", timeout=4, markup=False)
                return
            self.notify(
                ngettext(
                    "Please check the answer with a message below it.",
                    "Please check the {count} answers with a message below them.",
                    len(found),
                ).format(count=len(found)),
                severity="warning",
                timeout=4,
            )
            return
        self.go_next()
