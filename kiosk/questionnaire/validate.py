"""What is wrong with a set of answers, per question, in words for the visitor.

Problems are keyed by :func:`~kiosk.questionnaire.answers.answer_key` (the linkId, with
the instance number inside repeating groups), in document order.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kiosk.i18n import _, ngettext
from kiosk.questionnaire.answers import Answers, Path, answer_key, instances, option_for
from kiosk.questionnaire.answers import input_text as _input_text
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.model import (
    AnswerValue,
    Coding,
    Constraint,
    Item,
    ItemType,
    Quantity,
    Questionnaire,
)
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.translations import translate
from kiosk.questionnaire.values import same_value

if TYPE_CHECKING:
    from kiosk.questionnaire.evaluation import Evaluation


def problems(
    questionnaire: Questionnaire,
    answers: Answers,
    items: Iterable[Item] | None = None,
    *,
    state: EnableState | None = None,
    complete: bool = True,
    name_values: bool = False,
) -> dict[str, str]:
    """answer key -> localized problem, for enabled items among *items* and their descendants.

    *items* defaults to the whole questionnaire (pass ``page.items`` for one page; they
    must be items outside repeating containers). Reported: a required question without an
    answer, a required group none of whose questions is answered, too few or too many
    answers or group entries (minOccurs, maxOccurs, repeats), an exclusive option combined
    with others, and answers that are not valid for their item (wrong type, not an option,
    too long, out of range, ...). Answers to disabled items are ignored, and so is an entry
    of a repeating group that has no answer at all (it is left out of the response; the
    group's own count says if one is missing). With *complete*
    false (a response still in progress) missing answers are not problems; with
    *name_values* a problem with one answer quotes that answer.

    ``targetConstraint``s of the enabled items are checked too (those of the questionnaire
    itself when *items* is the whole questionnaire, keyed by ``""``): one that does not give
    ``true`` is reported with its human text, unless the item has a problem already.
    """
    walker = _Walker(state or EnableState(questionnaire, answers), complete, name_values)
    walker.walk(questionnaire.items if items is None else items, answers, ())
    if items is None and questionnaire.constraints and "" not in walker.found:
        broken = walker.broken_constraint(None, questionnaire.constraints, ())
        if broken is not None:
            walker.found[""] = broken
    return walker.found


def broken_form_constraint(
    questionnaire: Questionnaire, constraints: tuple[Constraint, ...], state: EnableState
) -> str | None:
    """The human text (in the visitor's language) of the first error-severity constraint
    among *constraints*, constraints of *questionnaire* itself, that does not hold."""
    assert state.questionnaire is questionnaire
    return _Walker(state, complete=True, name_values=False).broken_constraint(None, constraints, ())


class _Walker:
    def __init__(self, state: EnableState, complete: bool, name_values: bool) -> None:
        self.state = state
        self.complete = complete
        self.name_values = name_values
        self.found: dict[str, str] = {}
        self._evaluation: Evaluation | None = None

    def walk(self, items: Iterable[Item], scope: Answers, path: Path) -> None:
        for item in items:
            if not self.state.enabled(item.link_id, path):
                continue
            problem = self.problem(item, scope, path)
            if problem is None and item.constraints:
                problem = self.broken_constraint(item, item.constraints, path)
            if problem is not None:
                self.found[answer_key(item.link_id, path)] = problem
            if item.type is ItemType.GROUP and item.repeats:
                # an entry without any answer is not there: its questions are not due
                found = instances(item, scope)
                for index in filled_instances(item, scope, path, self.state):
                    self.walk(item.items, found[index], (*path, index))
            elif item.is_container:
                for index, inner in enumerate(instances(item, scope)):
                    self.walk(item.items, inner, (*path, index))
            else:
                self.walk(item.items, scope, path)

    def broken_constraint(
        self, item: Item | None, constraints: tuple[Constraint, ...], path: Path
    ) -> str | None:
        """The human text of the first error-severity constraint that does not hold."""
        from kiosk.questionnaire.evaluation import Evaluation

        if self._evaluation is None:
            state = self.state
            self._evaluation = Evaluation(state.questionnaire, state.answers, state)
        for constraint in constraints:
            if constraint.severity != "error":
                continue
            result = self._evaluation.evaluate(item, constraint.expression, path)
            if result != [True]:
                return translate(constraint.human, constraint.human_translations)
        return None

    def problem(self, item: Item, scope: Answers, path: Path) -> str | None:
        if item.type is ItemType.GROUP:
            return _group_problem(item, scope, path, self.state, self.complete)
        if item.type is ItemType.DISPLAY or not item.available:
            return None
        found = self.state.values(item.link_id, path)
        problem = question_problem(
            item, found, complete=self.complete, name_values=self.name_values
        )
        if problem is None and found and item.answer_expression is not None:
            problem = self.not_computed_option(item, found, path)
        return problem

    def not_computed_option(self, item: Item, found: list[AnswerValue], path: Path) -> str | None:
        """An answer that is not among the options *item*'s answerExpression gives now (when
        it gives any: offline, an expression over a server's data gives none to check)."""
        from kiosk.questionnaire.calculate import computed_options

        state = self.state
        options = computed_options(state.questionnaire, item, state.answers, path)
        if options and any(not any(same_value(v, o.value) for o in options) for v in found):
            return _("Choose one of the listed answers.")
        return None


def question_problem(
    item: Item, found: list[AnswerValue], *, complete: bool = True, name_values: bool = False
) -> str | None:
    """What is wrong with *found*, all the answers to the (enabled) question *item*."""
    if not found:
        # a hidden, read-only or calculated question the visitor cannot answer is not due
        due = item.answerable and (item.required or (item.min_occurs or 0) > 0)
        if complete and due:
            return _("This question needs an answer.")
        return None
    wrong: list[str] = []
    for value in found:
        try:
            check_value(item, value)
        except AnswerError as error:
            if not name_values:
                return error.message
            wrong.append(
                _("answer '{answer}': {problem}").format(
                    answer=_shown(value), problem=error.message
                )
            )
    if wrong:
        return " ".join(wrong)
    if len(found) > 1 and not item.repeats:
        return _("Give only one answer.")
    least = item.min_occurs or 0
    if complete and item.repeats and len(found) < least:
        return ngettext(
            "Give at least {count} answer.", "Give at least {count} answers.", least
        ).format(count=least)
    if item.max_occurs is not None and len(found) > item.max_occurs:
        return ngettext(
            "Give at most {count} answer.", "Give at most {count} answers.", item.max_occurs
        ).format(count=item.max_occurs)
    for index, value in enumerate(found):
        if any(same_value(value, other) for other in found[:index]):
            return _("The same answer is given more than once.")
    if len(found) > 1:
        for value in found:
            option = option_for(item, value)
            if option is not None and option.exclusive:
                return _("'{answer}' cannot be combined with other answers.").format(
                    answer=option.label_in()
                )
    return None


def _group_problem(
    group: Item, scope: Answers, path: Path, state: EnableState, complete: bool
) -> str | None:
    if not group.repeats:
        if complete and group.required and not _any_answered(group.items, scope, path, state):
            return _("Answer at least one question in this section.")
        return None
    filled = filled_instances(group, scope, path, state)
    least = max(group.min_occurs or 0, 1 if group.required else 0)
    if complete and len(filled) < least:
        if least == 1:
            return _("Fill in at least one entry in this section.")
        return ngettext(
            "Fill in at least {count} entry in this section.",
            "Fill in at least {count} entries in this section.",
            least,
        ).format(count=least)
    if group.max_occurs is not None and len(filled) > group.max_occurs:
        return ngettext(
            "This section allows at most {count} entry.",
            "This section allows at most {count} entries.",
            group.max_occurs,
        ).format(count=group.max_occurs)
    return None


def _any_answered(items: Iterable[Item], scope: Answers, path: Path, state: EnableState) -> bool:
    """Whether any question among *items* (and nested in them) has an enabled answer."""
    for item in items:
        if item.is_question and item.available and state.values(item.link_id, path):
            return True
        if item.is_container:
            for index, inner in enumerate(instances(item, scope)):
                if _any_answered(item.items, inner, (*path, index), state):
                    return True
        elif _any_answered(item.items, scope, path, state):
            return True
    return False


def filled_instances(group: Item, scope: Answers, path: Path, state: EnableState) -> list[int]:
    """Indices of the instances of repeating *group* in *scope* that hold an answer."""
    return [
        index
        for index, inner in enumerate(instances(group, scope))
        if _any_answered(group.items, inner, (*path, index), state)
    ]


def _shown(value: AnswerValue) -> str:
    if isinstance(value, Coding):
        return value.code or value.display or ""
    if isinstance(value, Quantity):
        return f"{value.value} {value.unit or value.code or ''}".strip()
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return _input_text(Item("", ItemType.STRING), value)
