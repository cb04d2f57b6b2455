"""Turn Questionnaire JSON into the model, or refuse it with every reason at once.

The policy (README "Questionnaires"): a questionnaire is refused only for what would change
the meaning of an answer or cannot be asked at a terminal: an unknown modifierExtension
(or implicitRules), a required attachment or reference, a required question whose options
cannot be found offline or whose enabling depends on an expression the engine cannot
evaluate, and a file that is not a Questionnaire with items. Everything else loads; what
the loader ignored or could not use is a *warning* (``Questionnaire.warnings``).

Reasons and warnings are localized and meant for staff: each names the item's linkId (or
the file, for problems of the file itself or of items without a usable linkId). One pass
finds them all.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire import extensions as ext
from kiosk.questionnaire.constraints import check_value
from kiosk.questionnaire.fhirpath import STANDARD_NAMES, Expression, _reads_focus
from kiosk.questionnaire.hints import ITEM_HINT_EXTENSIONS, ROOT_HINT_EXTENSIONS, read_item_hints
from kiosk.questionnaire.itemext import (
    QUERY_LANGUAGE,
    ItemSettings,
    constraint_of,
    option_settings,
    read_item_settings,
    variable_of,
)
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.jsonshape import (
    Report,
    check_extensions,
    check_keys,
    extensions,
    one_value,
    optional_bool,
    optional_str,
    translations_of,
)
from kiosk.questionnaire.model import (
    UNAVAILABLE_TYPES,
    AnswerOption,
    AnswerValue,
    Coding,
    Constraint,
    EnableWhen,
    Item,
    ItemType,
    PartialDate,
    Questionnaire,
    QuestionnaireRefused,
    Variable,
)
from kiosk.questionnaire.textentry import AnswerError
from kiosk.questionnaire.values import VALUE_KINDS, same_value, value_kind
from kiosk.questionnaire.valuesets import contained_value_sets, options_from

MAX_DEPTH = 30
"""Items nested deeper than this are refused (and recursion stays bounded)."""

_TOP_LEVEL_KEYS = frozenset(
    {
        "resourceType", "id", "meta", "language", "text", "contained", "extension", "url",
        "identifier", "version", "name", "title", "derivedFrom", "status", "experimental",
        "subjectType", "date", "publisher", "contact", "description", "useContext",
        "jurisdiction", "purpose", "copyright", "approvalDate", "lastReviewDate",
        "effectivePeriod", "code", "item",
    }
)  # fmt: skip
_ITEM_KEYS = frozenset(
    {
        "id", "extension", "linkId", "definition", "code", "prefix", "text", "type",
        "enableWhen", "enableBehavior", "required", "repeats", "readOnly", "maxLength",
        "answerValueSet", "answerOption", "initial", "item",
    }
)  # fmt: skip
_ENABLE_WHEN_KEYS = frozenset({"id", "extension", "question", "operator"})
_OPTION_KEYS = frozenset({"id", "extension", "initialSelected"})
_INITIAL_KEYS = frozenset({"id", "extension"})
_TOP_LEVEL_STRINGS = ("id", "url", "version", "name", "title", "language")
OPERATORS = ("exists", "=", "!=", ">", "<", ">=", "<=")
_ORDERED_KINDS = frozenset({"Integer", "Decimal", "Date", "DateTime", "Time", "String", "Quantity"})


def load(path: str | Path) -> Questionnaire:
    """Read *path* as UTF-8 JSON and parse it (decimals kept exact)."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise _refused(source, _("file not found")) from None
    except OSError as error:
        problem = _("cannot read the file ({error})").format(error=error.strerror or error)
        raise _refused(source, problem) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused(source, _("the file is not UTF-8 text")) from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        problem = _("not valid JSON (line {line}, column {column}: {error})").format(
            line=error.lineno, column=error.colno, error=error.msg
        )
        raise _refused(source, problem) from None
    except (ValueError, RecursionError):
        raise _refused(source, _("not valid JSON")) from None
    return parse(data, source)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _refused(source: str, problem: str) -> QuestionnaireRefused:
    return QuestionnaireRefused([_file_reason(source, problem)], source)


def _file_reason(source: str, problem: str) -> str:
    return _("{source}: {problem}").format(source=source or _("questionnaire"), problem=problem)


def parse(data: object, source: str = "") -> Questionnaire:
    """Build a :class:`Questionnaire` from decoded JSON or raise :class:`QuestionnaireRefused`."""
    return _Loader(source).questionnaire(data)


class _Loader:
    """One pass over the JSON that collects every reason before giving up."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.reasons: list[str] = []
        self.declared: set[str] = set()
        self.order: list[str] = []  # linkIds in document order
        self.built: dict[str, Item] = {}
        self.parents: dict[str, str | None] = {}
        self.faulty: set[str] = set()  # linkIds already reported on their own account
        self.value_sets: dict[str, dict[str, Any]] = {}
        self.warnings: list[str] = []
        self.enable_loops = False
        self.root_constraints: list[Constraint] = []
        self.elsewhere: set[str] = set()
        self.empty_here: set[str] = set()
        self.kept_occurrence: dict[str, int] = {}  # duplicated linkId -> the one kept
        self.seen: dict[str, int] = {}

    # -- reporting -----------------------------------------------------------------------

    def file_problem(self, problem: str) -> None:
        """A reason to refuse, about the file itself."""
        self.reasons.append(_file_reason(self.source, problem))

    def file_warning(self, problem: str) -> None:
        self.warnings.append(_file_reason(self.source, problem))

    def reporter(self, link_id: str | None, path: str, *, refuse: bool = False) -> Report:
        """A callback that records a warning (or, with *refuse*, a reason to refuse)."""
        out = self.reasons if refuse else self.warnings
        if link_id is None:
            where = _("item at {path}").format(path=path)
            return lambda problem: out.append(
                _file_reason(
                    self.source, _("{where}: {problem}").format(where=where, problem=problem)
                )
            )

        def report(problem: str) -> None:
            self.faulty.add(link_id)
            out.append(_("item '{link_id}': {problem}").format(link_id=link_id, problem=problem))

        return report

    def refuser(self, link_id: str | None, path: str = "") -> Report:
        return self.reporter(link_id, path, refuse=True)

    def refuse(self) -> QuestionnaireRefused:
        unique = list(dict.fromkeys(self.reasons))  # an item may repeat one extension
        return QuestionnaireRefused(unique, self.source)

    # -- the resource --------------------------------------------------------------------

    def questionnaire(self, data: object) -> Questionnaire:
        if not isinstance(data, dict):
            self.file_problem(_("the JSON is not an object"))
            raise self.refuse()
        resource_type = data.get("resourceType")
        if resource_type != "Questionnaire":
            self.file_problem(
                _("resourceType is '{found}', expected 'Questionnaire'").format(found=resource_type)
            )
            raise self.refuse()

        report = self.file_warning
        check_keys(data, _TOP_LEVEL_KEYS, report, refuse=self.file_problem)
        check_extensions(data, report, handled=ext.ROOT_EXTENSIONS | ROOT_HINT_EXTENSIONS)
        self.kept_occurrence = _kept_occurrences(data.get("item"))
        variables, launch_contexts = self.root_extensions(data, report)
        self.empty_here = _empty_at_a_terminal(data) | set(launch_contexts)
        fields = {key: optional_str(data, key, report) for key in _TOP_LEVEL_STRINGS}
        title_translations = translations_of(data.get("_title"), report)
        self.value_sets = contained_value_sets(data)
        raw_items = data.get("item")
        items: list[Item] = []
        if not isinstance(raw_items, list) or not raw_items:
            self.file_problem(_("the questionnaire has no items"))
        else:
            items = self.items(raw_items, "item", None, 1)
        self.check_enable_when()
        if not items:
            raise self.refuse()
        # the expressions are checked even when there are reasons already: one pass finds all
        questionnaire = Questionnaire(
            id=fields["id"],
            url=fields["url"],
            version=fields["version"],
            name=fields["name"],
            title=fields["title"] or fields["name"] or fields["id"] or "",
            items=tuple(items),
            language=fields["language"],
            title_translations=title_translations,
            variables=variables,
            launch_contexts=launch_contexts,
            raw=data,
            warnings=tuple(dict.fromkeys(self.warnings)),
        )
        self.check_expressions(questionnaire)
        if self.reasons:
            raise self.refuse()
        return dataclasses.replace(
            questionnaire,
            warnings=tuple(dict.fromkeys(self.warnings)),
            enable_loops=self.enable_loops,
            constraints=tuple(self.root_constraints),
        )

    def check_expressions(self, questionnaire: Questionnaire) -> None:
        """Expressions may only name what is defined, and compute items outside repeats."""
        known = set(STANDARD_NAMES) | set(questionnaire.launch_contexts)
        # Smart Forms lets an item use a variable of another item: such names are known too
        self.elsewhere = {v.name for item in questionnaire.all_items() for v in item.variables}
        for variable in questionnaire.variables:
            self.check_names(variable.expression, known, self.file_warning)
            known.add(variable.name)
        self.check_item_expressions(questionnaire, questionnaire.items, known)

    def check_item_expressions(
        self, questionnaire: Questionnaire, items: tuple[Item, ...], outer: set[str]
    ) -> None:
        for item in items:
            report = self.reporter(item.link_id, "")
            known = set(outer)
            for variable in item.variables:
                self.check_names(variable.expression, known, report)
                known.add(variable.name)
            for expression in (
                item.calculated,
                item.initial_expression,
                item.answer_expression,
                *(constraint.expression for constraint in item.constraints),
            ):
                if expression is not None:
                    self.check_names(expression, known, report)
            if item.enable_expression is not None:
                decides_required = _asks_something_required(item)
                self.check_names(
                    item.enable_expression,
                    known,
                    self.refuser(item.link_id) if decides_required else report,
                )
            self.check_item_expressions(questionnaire, item.items, known)

    def check_names(self, expression: Expression, known: set[str], report: Report) -> None:
        for name in sorted(expression.constants - known - self.elsewhere):
            report(
                _("expression '{expression}' uses %{name}, which is not defined").format(
                    expression=_shorten(expression.source), name=name
                )
            )

    def root_extensions(
        self, data: dict[str, Any], report: Report
    ) -> tuple[tuple[Variable, ...], tuple[str, ...]]:
        variables: list[Variable] = []
        contexts: list[str] = []
        for url, extension in extensions(data):
            if url in (ext.TARGET_CONSTRAINT, ext.OLD_CONSTRAINT):
                constraint = constraint_of(extension, report)
                if constraint is not None:
                    self.root_constraints.append(constraint)
            elif url == ext.VARIABLE:
                variable = variable_of(extension, report)
                if variable is not None:
                    variables.append(variable)
            elif url == ext.LAUNCH_CONTEXT:
                name = _launch_context_name(extension)
                if name is None:
                    report(_("'launchContext' needs a name"))
                else:
                    contexts.append(name)
        return tuple(variables), tuple(contexts)

    def items(self, raw: list[Any], path: str, parent: str | None, depth: int) -> list[Item]:
        built = []
        for index, raw_item in enumerate(raw):
            item = self.item(raw_item, f"{path}[{index}]", parent, depth)
            if item is not None:
                built.append(item)
        return built

    # -- one item ------------------------------------------------------------------------

    def item(self, raw: object, path: str, parent: str | None, depth: int) -> Item | None:
        if not isinstance(raw, dict):
            self.file_warning(_("{path} is not an object").format(path=path))
            return None
        link_id = raw.get("linkId")
        if not isinstance(link_id, str) or not link_id.strip():
            self.file_warning(_("the item at {path} has no linkId").format(path=path))
            link_id = None
        report = self.reporter(link_id, path)
        refuse = self.refuser(link_id, path)
        duplicate = False
        if link_id is not None:
            occurrence = self.seen.get(link_id, 0)
            self.seen[link_id] = occurrence + 1
            if occurrence != self.kept_occurrence.get(link_id, 0):
                report(_("linkId is used more than once"))
                duplicate = True  # read for its reasons, then left out
            else:
                self.declared.add(link_id)
                self.order.append(link_id)

        item_type = self.item_type(raw, report)
        check_keys(raw, _ITEM_KEYS, report, refuse=refuse)
        handled = ext.ITEM_EXTENSIONS | ITEM_HINT_EXTENSIONS
        if item_type in UNAVAILABLE_TYPES:
            handled = handled | ext.IGNORED_ON_UNAVAILABLE
        check_extensions(raw, report, handled=handled, on_display=item_type is ItemType.DISPLAY)
        if item_type is ItemType.DISPLAY:  # takes no answer: 'hidden' and its enabling matter
            read = read_item_settings(raw, None, _ignore)
            settings = ItemSettings(
                hidden=read.hidden,
                enable_expression=read.enable_expression,
                enable_expression_problem=read.enable_expression_problem,
            )
            if read.enable_expression_problem:
                report(read.enable_expression_problem)
        else:
            settings = read_item_settings(raw, item_type, report)
        text = optional_str(raw, "text", report) or ""
        prefix = optional_str(raw, "prefix", report)
        definition = optional_str(raw, "definition", report)
        required = optional_bool(raw, "required", report)
        repeats = optional_bool(raw, "repeats", report)
        read_only = optional_bool(raw, "readOnly", report)
        max_length = self.max_length(raw, item_type, report)
        option_problems: list[str] = []
        options, selected = self.options(raw, item_type, option_problems.append)
        if settings.answer_expression is not None:  # the options come from the expression
            needs = _("a choice item needs answerOption or answerValueSet")
            option_problems = [problem for problem in option_problems if problem != needs]
        for problem in option_problems:
            report(problem)
        enable_when = self.enable_when(raw, report)
        enable_behavior = self.enable_behavior(raw, enable_when, report)
        children = self.children(raw, path, link_id, item_type, depth, report)
        self.check_item(raw, item_type, required, repeats, read_only, settings, report, refuse)

        if item_type is None or link_id is None or duplicate:
            if required and not duplicate:
                refuse(_("a required item that cannot be read cannot be asked"))
            return None
        unavailable = None
        # a choice without options cannot be asked, but one answered by its initial value
        # (a hidden one, typically) still sends that value
        no_options = not options and settings.answer_expression is None and "initial" not in raw
        if item_type is ItemType.CHOICE and no_options:
            unavailable = option_problems[-1] if option_problems else None
            if required and unavailable:
                refuse(unavailable)
        computed = settings.answer_expression
        if item_type is ItemType.CHOICE and not options and computed is not None:
            empty = computed.constants and computed.constants <= self.empty_here
            if empty and computed.root is not None and not _reads_focus(computed.root):
                unavailable = _(
                    "'answerExpression' gives no options at a lobby terminal: {names} come from "
                    "a server"
                ).format(names=", ".join(f"%{name}" for name in sorted(computed.constants)))
                (refuse if required else report)(unavailable)
        item = Item(
            link_id=link_id,
            type=item_type,
            text=text,
            prefix=prefix,
            required=required,
            max_length=max_length,
            options=options,
            enable_when=enable_when,
            enable_behavior=enable_behavior,
            items=tuple(children),
            definition=definition,
            repeats=repeats,
            read_only=read_only,
            hidden=settings.hidden,
            min_length=settings.min_length,
            regex=settings.regex,
            regex_message=settings.regex_message,
            regex_message_translations=settings.regex_message_translations,
            min_value=settings.min_value,
            max_value=settings.max_value,
            max_decimal_places=settings.max_decimal_places,
            min_occurs=settings.min_occurs,
            max_occurs=settings.max_occurs,
            entry_format=settings.entry_format,
            item_control=settings.item_control,
            choice_orientation=settings.choice_orientation,
            units=tuple(settings.units),
            calculated=settings.calculated,
            initial_expression=settings.initial_expression,
            variables=tuple(settings.variables),
            text_translations=translations_of(raw.get("_text"), report),
            prefix_translations=translations_of(raw.get("_prefix"), report),
            unavailable_reason=unavailable,
            enable_expression=settings.enable_expression,
            answer_expression=settings.answer_expression,
            constraints=tuple(settings.constraints),
            hints=read_item_hints(raw),
        )
        if settings.enable_expression_problem and _asks_something_required(item):
            refuse(settings.enable_expression_problem)
        initials = self.initials(raw, item, selected, report)
        if initials:
            item = _with_initials(item, initials)
        self.check_unanswerable_required(item, report)
        if link_id not in self.built:
            self.built[link_id] = item
            self.parents[link_id] = parent
        return item

    def item_type(self, raw: dict[str, Any], report: Report) -> ItemType | None:
        value = raw.get("type")
        if not isinstance(value, str):
            report(_("'type' is missing or not a string"))
            return None
        try:
            return ItemType(value)
        except ValueError:
            report(_("item type '{type}' is not supported").format(type=value))
            return None

    def check_item(
        self,
        raw: dict[str, Any],
        item_type: ItemType | None,
        required: bool,
        repeats: bool,
        read_only: bool,
        settings: ItemSettings,
        report: Report,
        refuse: Report,
    ) -> None:
        """Combinations that cannot work, whatever the answers."""
        if item_type is ItemType.DISPLAY:
            if required:
                report(_("a display item cannot be required"))
            if repeats:
                report(_("a display item cannot repeat"))
        if item_type in UNAVAILABLE_TYPES and required:
            refuse(
                _("a required {type} item cannot be answered at a lobby terminal").format(
                    type=item_type
                )
            )
        if (settings.min_occurs or 0) > 1 and not repeats:
            report(_("'questionnaire-minOccurs' above 1 needs 'repeats'"))
        if settings.initial_expression is not None and "initial" in raw:
            report(_("an item cannot have both 'initial' and 'initialExpression'"))
        del read_only

    def check_unanswerable_required(self, item: Item, report: Report) -> None:
        """A required item the visitor cannot answer must get its value another way."""
        if not item.required or not item.is_question or not item.available:
            return
        cannot_answer = item.hidden or item.read_only
        computed = item.initials or item.calculated or item.initial_expression
        if cannot_answer and not computed:
            report(
                _(
                    "a required item that is hidden or read-only needs an initial answer "
                    "or a calculatedExpression"
                )
            )

    def max_length(
        self, raw: dict[str, Any], item_type: ItemType | None, report: Report
    ) -> int | None:
        if "maxLength" not in raw:
            return None
        value = raw["maxLength"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            report(_("'maxLength' must be a positive whole number"))
            return None
        if item_type is not None and not spec_for(item_type).text_rules:
            report(_("'maxLength' is only supported on items answered with text"))
            return None
        return value

    # -- answer options ------------------------------------------------------------------

    def options(
        self, raw: dict[str, Any], item_type: ItemType | None, report: Report
    ) -> tuple[tuple[AnswerOption, ...], list[AnswerOption]]:
        """The options and those marked ``initialSelected``."""
        raw_options = raw.get("answerOption")
        value_set = raw.get("answerValueSet")
        kinds = spec_for(item_type).option_kinds if item_type is not None else frozenset()
        if raw_options is not None and value_set is not None:
            report(_("an item cannot have both answerOption and answerValueSet"))
            return (), []
        if value_set is not None:
            if item_type is not None and "Coding" not in kinds:
                report(
                    _("'answerValueSet' is not supported on {type} items").format(type=item_type)
                )
                return (), []
            return options_from(value_set, self.value_sets, report), []
        if raw_options is None:
            if item_type is ItemType.CHOICE:
                report(_("a choice item needs answerOption or answerValueSet"))
            return (), []
        if not isinstance(raw_options, list) or not raw_options:
            report(_("'answerOption' must be a non-empty list"))
            return (), []
        if item_type is not None and not kinds:
            report(_("'answerOption' is not supported on {type} items").format(type=item_type))
            return (), []
        options: list[AnswerOption] = []
        selected: list[AnswerOption] = []
        for raw_option in raw_options:
            option, initial_selected = self.option(raw_option, kinds, report)
            if option is None:
                continue
            first = next(
                (known for known in options if same_value(option.value, known.value)), None
            )
            if first is not None:
                report(
                    _("answerOption '{label}' has the same value as answerOption '{first}'").format(
                        label=_option_name(option), first=_option_name(first)
                    )
                )
                continue
            options.append(option)
            if initial_selected:
                selected.append(option)
        return tuple(options), selected

    def option(
        self, raw: object, kinds: frozenset[str], report: Report
    ) -> tuple[AnswerOption | None, bool]:
        if not isinstance(raw, dict):
            report(_("an answerOption is not an object"))
            return None, False
        check_extensions(raw, report, handled=ext.OPTION_EXTENSIONS)
        found = one_value(raw, "value", "answerOption", _OPTION_KEYS, kinds or VALUE_KINDS, report)
        initial_selected = optional_bool(raw, "initialSelected", report)
        prefix, weight, exclusive = option_settings(raw, report)
        if found is None:
            return None, False
        kind, value = found
        if kind == "Coding":
            assert isinstance(value, Coding)
            translations = translations_of((raw.get("valueCoding") or {}).get("_display"), report)
        else:
            translations = translations_of(raw.get(f"_value{kind}"), report)
        option = AnswerOption(value, option_label(value), translations, prefix, weight, exclusive)
        return option, initial_selected

    # -- enableWhen ----------------------------------------------------------------------

    def enable_when(self, raw: dict[str, Any], report: Report) -> tuple[EnableWhen, ...]:
        raw_conditions = raw.get("enableWhen")
        if raw_conditions is None:
            return ()
        if not isinstance(raw_conditions, list) or not raw_conditions:
            report(_("'enableWhen' must be a non-empty list"))
            return ()
        conditions = []
        for raw_condition in raw_conditions:
            if not isinstance(raw_condition, dict):
                report(_("an enableWhen is not an object"))
                continue
            check_extensions(raw_condition, report)
            question = raw_condition.get("question")
            operator = raw_condition.get("operator")
            if not isinstance(question, str) or not question:
                report(_("an enableWhen has no 'question'"))
            if not isinstance(operator, str):
                report(_("an enableWhen has no 'operator'"))
            elif operator not in OPERATORS:
                report(
                    _("enableWhen operator '{operator}' is not supported").format(operator=operator)
                )
            found = one_value(
                raw_condition, "answer", "enableWhen", _ENABLE_WHEN_KEYS, VALUE_KINDS, report
            )
            if found is None or not isinstance(question, str) or not question:
                continue
            kind = found[0]
            if operator == "exists" and kind != "Boolean":
                report(_("enableWhen 'exists' needs answerBoolean"))
                continue
            if operator in (">", "<", ">=", "<=") and kind not in _ORDERED_KINDS:
                report(
                    _("enableWhen operator '{operator}' cannot compare answer{kind}").format(
                        operator=operator, kind=kind
                    )
                )
                continue
            if operator in OPERATORS:
                conditions.append(EnableWhen(question, operator, found[1]))
        return tuple(conditions)

    def enable_behavior(
        self, raw: dict[str, Any], conditions: tuple[EnableWhen, ...], report: Report
    ) -> str:
        value = raw.get("enableBehavior")
        if value is None:
            return "any"
        if value == "all":
            return "all"
        if value != "any":
            report(_("'enableBehavior' must be 'any' or 'all'"))
        return "any"

    # -- nested items and initial answers ------------------------------------------------

    def children(
        self,
        raw: dict[str, Any],
        path: str,
        link_id: str | None,
        item_type: ItemType | None,
        depth: int,
        report: Report,
    ) -> list[Item]:
        raw_children = raw.get("item")
        if raw_children is None:
            if item_type is ItemType.GROUP:
                report(_("a group needs items"))
            return []
        if not isinstance(raw_children, list) or not raw_children:
            report(_("'item' must be a non-empty list"))
            return []
        if item_type is ItemType.DISPLAY:
            report(_("a display item cannot contain items"))
        if depth >= MAX_DEPTH:
            report(_("items are nested more than {depth} levels deep").format(depth=MAX_DEPTH))
            return []
        return self.items(raw_children, f"{path}.item", link_id, depth + 1)

    def initials(
        self, raw: dict[str, Any], item: Item, selected: list[AnswerOption], report: Report
    ) -> tuple[AnswerValue, ...]:
        raw_initial = raw.get("initial")
        if raw_initial is None and not selected:
            return ()
        spec = spec_for(item.type)
        if not spec.answerable or not item.available:
            report(_("a {type} item cannot have an initial answer").format(type=item.type))
            return ()
        if raw_initial is not None and (not isinstance(raw_initial, list) or not raw_initial):
            report(_("'initial' must be a non-empty list"))
            return ()
        if raw_initial is not None and selected:
            report(_("an item cannot have both 'initial' and answerOption.initialSelected"))
            return ()
        if len(raw_initial or selected) > 1 and not item.repeats:
            report(_("more than one initial answer (that needs 'repeats') is not supported"))
            return ()
        if selected:
            return tuple(option.value for option in selected)
        values: list[AnswerValue] = []
        for entry in raw_initial or []:
            value = self.initial(entry, item, report)
            if value is not None:
                values.append(value)
        return tuple(values)

    def initial(self, entry: object, item: Item, report: Report) -> AnswerValue | None:
        if not isinstance(entry, dict):
            report(_("'initial' is not an object"))
            return None
        check_extensions(entry, report)
        found = one_value(entry, "value", "initial", _INITIAL_KEYS, VALUE_KINDS, report)
        if found is None:
            return None
        kind, value = found
        spec = spec_for(item.type)
        # a choice whose options are not known here still takes a coding as initial answer
        fitting = spec.comparable_kinds(item) or (spec.option_kinds if not item.options else ())
        if kind not in fitting:
            report(
                _("initial 'value{kind}' does not fit a {type} item").format(
                    kind=kind, type=item.type
                )
            )
            return None
        if item.options:
            match = next((o.value for o in item.options if same_value(value, o.value)), None)
            if match is not None:
                value = match  # the option's own value, with system and display
            elif item.type is not ItemType.OPEN_CHOICE:
                report(_("the initial answer is not one of the answerOptions"))
                return None
        try:
            check_value(item, value)
        except AnswerError as error:
            report(_("the initial answer is not valid: {error}").format(error=error.message))
            return None
        return value

    # -- across items --------------------------------------------------------------------

    def check_enable_when(self) -> None:
        """Conditions must name a known question of a fitting type, and never form a loop."""
        for link_id in self.order:
            item = self.built.get(link_id)
            if item is None:
                continue
            report = self.reporter(link_id, "")
            for condition in item.enable_when:
                self.check_condition(condition, report)
        self.check_loops()

    def check_condition(self, condition: EnableWhen, report: Report) -> None:
        if condition.question not in self.declared:
            report(
                _("enableWhen refers to unknown question '{question}'").format(
                    question=condition.question
                )
            )
            return
        target = self.built.get(condition.question)
        if target is None or condition.question in self.faulty:
            return  # that item was refused on its own account
        if not target.is_question:
            report(
                _("enableWhen refers to '{question}', a {type} item, which has no answer").format(
                    question=condition.question, type=target.type
                )
            )
            return
        if condition.operator == "exists":
            return
        kind = value_kind(condition.answer)
        if kind not in spec_for(target.type).comparable_kinds(target):
            report(
                _("enableWhen compares '{question}' ({type}) with answer{kind}").format(
                    question=condition.question, type=target.type, kind=kind
                )
            )

    def check_loops(self) -> None:
        """Refuse items whose enabling depends, through conditions or parents, on itself."""
        depends: dict[str, list[str]] = {}
        for link_id, item in self.built.items():
            edges = [c.question for c in item.enable_when if c.question in self.built]
            parent = self.parents.get(link_id)
            depends[link_id] = edges if parent is None else [*edges, parent]
        order = [link_id for link_id in self.order if link_id in depends]
        for loop in find_loops(order, depends):
            self.enable_loops = True
            self.reporter(loop[0], "")(
                _("enableWhen conditions form a loop: {loop}").format(loop=" -> ".join(loop))
            )


def _option_name(option: AnswerOption) -> str:
    """An option as staff find it in the file: its label, and its code when it differs."""
    value = option.value
    if isinstance(value, Coding) and value.code and value.code != option.label:
        return f"{option.label} ({value.code})"
    return option.label


def _empty_at_a_terminal(data: dict[str, Any]) -> set[str]:
    """Names whose values come from a server: variables that are FHIR queries and
    itemPopulationContexts, wherever they are (empty at a lobby terminal)."""
    names: set[str] = set()
    stack: list[object] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        value = node.get("valueExpression")
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            query = value.get("language") == QUERY_LANGUAGE
            if query or node.get("url") == ext.POPULATION_CONTEXT:
                names.add(value["name"])
        stack.extend(v for k, v in node.items() if k in ("extension", "item"))
    return names


def _asks_something_required(item: Item) -> bool:
    """Whether *item* or an item under it is a required question (or group)."""
    stack = [item]
    while stack:
        current = stack.pop()
        if current.required and current.type is not ItemType.DISPLAY:
            return True
        stack.extend(current.items)
    return False


def _kept_occurrences(raw_items: object) -> dict[str, int]:
    """For each linkId used more than once, which occurrence (in document order) is kept:
    the first that takes an answer, else the first. (Android FHIR's layout sample gives a
    help text and a question the same linkId.)"""
    types: dict[str, list[object]] = {}
    stack: list[object] = list(reversed(raw_items)) if isinstance(raw_items, list) else []
    while stack:
        raw = stack.pop()
        if not isinstance(raw, dict):
            continue
        if isinstance(raw.get("linkId"), str):
            types.setdefault(raw["linkId"], []).append(raw.get("type"))
        children = raw.get("item")
        if isinstance(children, list):
            stack.extend(reversed(children))
    kept: dict[str, int] = {}
    for link_id, found in types.items():
        if len(found) > 1:
            kept[link_id] = next(
                (index for index, kind in enumerate(found) if kind not in ("display", "group")), 0
            )
    return kept


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ignore(problem: str) -> None:
    del problem


def _with_initials(item: Item, initials: tuple[AnswerValue, ...]) -> Item:
    return dataclasses.replace(item, initials=initials)


def _launch_context_name(extension: dict[str, Any]) -> str | None:
    for part in (
        extension.get("extension", []) if isinstance(extension.get("extension"), list) else []
    ):
        if isinstance(part, dict) and part.get("url") == "name":
            coding = part.get("valueCoding")
            code = coding.get("code") if isinstance(coding, dict) else None
            if isinstance(code, str):
                return code
            value_id = part.get("valueId")
            if isinstance(value_id, str):
                return value_id
    return None


def find_loops(order: list[str], depends: dict[str, list[str]]) -> list[list[str]]:
    """Cycles of the graph *depends* (node -> nodes it needs), each as ``[a, b, ..., a]``.

    Iterative depth-first search from each node of *order* in turn, so a loop is named
    from its node that comes first in *order* and deep graphs cannot hit the recursion limit.
    """
    loops: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in order:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path = [start]
        state[start] = 1
        while stack:
            node, index = stack[-1]
            if index == len(depends[node]):
                state[node] = 2
                stack.pop()
                path.pop()
                continue
            stack[-1] = (node, index + 1)
            following = depends[node][index]
            if state.get(following) == 1:
                loops.append([*path[path.index(following) :], following])
            elif not state.get(following):
                state[following] = 1
                stack.append((following, 0))
                path.append(following)
    return loops


def option_label(value: AnswerValue) -> str:
    """What the visitor sees for an option: the coding's display (or code), or the value."""
    if isinstance(value, Coding):
        return value.display or value.code or ""
    if isinstance(value, datetime.date | datetime.time | PartialDate):
        return value.isoformat()
    return str(value)
