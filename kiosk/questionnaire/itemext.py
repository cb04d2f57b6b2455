"""Read the extensions of an item and of its answer options into typed settings.

Each reader checks the value's shape and whether the extension fits the item's type,
reporting problems through the loader's ``report`` callback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeGuard

from kiosk.i18n import _
from kiosk.questionnaire import extensions as ext
from kiosk.questionnaire.bounds import CALCULATED_VALUE, CalendarBound, parse_calendar_bound
from kiosk.questionnaire.fhirpath import Expression, FhirPathError, parse
from kiosk.questionnaire.itemtypes import spec_for
from kiosk.questionnaire.jsonshape import Report, extensions, one_value, translations_of
from kiosk.questionnaire.model import (
    AnswerValue,
    Coding,
    Constraint,
    ItemControl,
    ItemType,
    Variable,
)
from kiosk.questionnaire.translations import Translations
from kiosk.questionnaire.values import ValueProblem, decode_coding, is_number

_EXTENSION_KEYS = frozenset({"url", "id", "extension"})
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"


@dataclass
class ItemSettings:
    """What an item's extensions say."""

    item_control: ItemControl | None = None
    choice_orientation: str | None = None
    entry_format: str | None = None
    hidden: bool = False
    min_occurs: int | None = None
    max_occurs: int | None = None
    units: list[Coding] = field(default_factory=list)
    min_length: int | None = None
    regex: str | None = None
    regex_message: str | None = None
    regex_message_translations: Translations = ()
    min_value: AnswerValue | CalendarBound | None = None
    max_value: AnswerValue | CalendarBound | None = None
    max_decimal_places: int | None = None
    calculated: Expression | None = None
    initial_expression: Expression | None = None
    variables: list[Variable] = field(default_factory=list)
    enable_expression: Expression | None = None
    enable_expression_problem: str | None = None
    """Why the enableWhenExpression cannot be evaluated (the loader decides if it refuses)."""
    answer_expression: Expression | None = None
    constraints: list[Constraint] = field(default_factory=list)


def _value(extension: dict[str, Any], kind: str, report: Report) -> Any:
    """The ``value<kind>`` of *extension*, or ``None`` after reporting what is wrong."""
    name = _short_name(extension["url"])
    found = one_value(extension, "value", name, _EXTENSION_KEYS, (kind,), report)
    return None if found is None else found[1]


def _short_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].removeprefix("sdc-questionnaire-")


def expression_of(
    extension: dict[str, Any], report: Report, *, named: bool = False
) -> Expression | None:
    """The FHIRPath ``valueExpression`` of *extension* (``None`` after a report)."""
    feature = _short_name(extension["url"])
    value = extension.get("valueExpression")
    if not isinstance(value, dict) or not isinstance(value.get("expression"), str):
        report(_("'{feature}' needs a valueExpression with an expression").format(feature=feature))
        return None
    language = value.get("language")
    if language != "text/fhirpath":
        report(
            _("'{feature}' in language '{language}' is not supported").format(
                feature=feature, language=language
            )
        )
        return None
    if named and not _is_identifier(value.get("name")):
        report(_("'{feature}' needs a name").format(feature=feature))
        return None
    try:
        return parse(value["expression"])
    except FhirPathError as error:
        report(_("'{feature}': {error}").format(feature=feature, error=error))
        return None


def _is_identifier(name: object) -> TypeGuard[str]:
    return isinstance(name, str) and re.fullmatch(_IDENTIFIER, name) is not None


QUERY_LANGUAGE = "application/x-fhir-query"


def variable_of(extension: dict[str, Any], report: Report) -> Variable | None:
    """A ``variable``; one that is a FHIR query (it needs a FHIR server) is empty here."""
    value = extension.get("valueExpression")
    if isinstance(value, dict) and value.get("language") == QUERY_LANGUAGE:
        report(
            _("'{feature}' in language '{language}' is not supported").format(
                feature="variable", language=QUERY_LANGUAGE
            )
        )
        if _is_identifier(value.get("name")):
            return Variable(value["name"], parse("{}"))
        return None
    expression = expression_of(extension, report, named=True)
    if expression is None:
        return None
    return Variable(extension["valueExpression"]["name"], expression)


def constraint_of(extension: dict[str, Any], report: Report) -> Constraint | None:
    """A ``targetConstraint`` (or R4 ``questionnaire-constraint``): key, expression, human."""
    parts: dict[str, dict[str, Any]] = {
        part["url"]: part
        for part in extension.get("extension") or []
        if isinstance(part, dict) and isinstance(part.get("url"), str)
    }
    raw = parts.get("expression", {})
    value = raw.get("valueExpression")
    if isinstance(value, dict):
        language, source = value.get("language"), value.get("expression")
    else:
        language, source = "text/fhirpath", raw.get("valueString")
    human = parts.get("human", {}).get("valueString")
    if not isinstance(source, str) or not isinstance(human, str):
        report(
            _("'{feature}' needs an expression and a human text").format(feature="targetConstraint")
        )
        return None
    if language != "text/fhirpath":
        report(
            _("'{feature}' in language '{language}' is not supported").format(
                feature="targetConstraint", language=language
            )
        )
        return None
    try:
        expression = parse(source)
    except FhirPathError as error:
        report(_("'{feature}': {error}").format(feature="targetConstraint", error=error))
        return None
    key = parts.get("key", {}).get("valueId") or parts.get("key", {}).get("valueString") or ""
    severity = parts.get("severity", {}).get("valueCode") or "error"
    human_translations = translations_of(parts.get("human", {}).get("_valueString"), report)
    return Constraint(str(key), expression, human, str(severity), human_translations)


def read_item_settings(
    raw: dict[str, Any], item_type: ItemType | None, report: Report
) -> ItemSettings:
    """The settings of an item from its ``extension`` list."""
    settings = ItemSettings()
    for url, extension in extensions(raw):
        _read_one(url, extension, item_type, settings, report)
    _check_fit(settings, item_type, report)
    return settings


def _read_one(
    url: str,
    extension: dict[str, Any],
    item_type: ItemType | None,
    settings: ItemSettings,
    report: Report,
) -> None:
    if url == ext.ITEM_CONTROL:
        settings.item_control = _item_control(extension)
    elif url == ext.CHOICE_ORIENTATION:
        orientation = _value(extension, "Code", report)
        if orientation is not None and orientation not in ("horizontal", "vertical"):
            report(_("'choiceOrientation' must be 'horizontal' or 'vertical'"))
        elif orientation is not None:
            settings.choice_orientation = orientation
    elif url == ext.ENTRY_FORMAT:
        settings.entry_format = _value(extension, "String", report)
    elif url == ext.HIDDEN:
        settings.hidden = bool(_value(extension, "Boolean", report))
    elif url in (ext.MIN_OCCURS, ext.MAX_OCCURS):
        count = _count(extension, report)
        if url == ext.MIN_OCCURS:
            settings.min_occurs = count
        else:
            settings.max_occurs = count
    elif url in (ext.UNIT, ext.UNIT_OPTION):
        unit = _unit(extension, report)
        if unit is not None:
            settings.units.append(unit)
        if url == ext.UNIT_OPTION and item_type not in (None, ItemType.QUANTITY):
            report(_("'unitOption' is only supported on quantity items"))
    elif url == ext.MIN_LENGTH:
        settings.min_length = _count(extension, report)
    elif url == ext.REGEX:
        settings.regex = _regex(extension, report)
    elif url == ext.VALIDATION_TEXT:
        settings.regex_message = _value(extension, "String", report)
        settings.regex_message_translations = translations_of(extension.get("_valueString"), report)
    elif url in (ext.MIN_VALUE, ext.MAX_VALUE):
        bound = _bound(extension, item_type, report)
        if url == ext.MIN_VALUE:
            settings.min_value = bound
        else:
            settings.max_value = bound
    elif url == ext.MAX_DECIMAL_PLACES:
        settings.max_decimal_places = _count(extension, report)
    elif url == ext.CALCULATED:
        settings.calculated = expression_of(extension, report)
    elif url in (ext.INITIAL_EXPRESSION, ext.OLD_INITIAL_EXPRESSION):
        settings.initial_expression = expression_of(extension, report)
    elif url == ext.VARIABLE:
        variable = variable_of(extension, report)
        if variable is not None:
            settings.variables.append(variable)
    elif url == ext.POPULATION_CONTEXT:
        value = extension.get("valueExpression")
        name = value.get("name") if isinstance(value, dict) else None
        if _is_identifier(name):  # the data to fill from: none at a lobby terminal
            settings.variables.append(Variable(name, parse("{}")))
    elif url == ext.ENABLE_WHEN_EXPRESSION:
        problems: list[str] = []
        settings.enable_expression = expression_of(extension, problems.append)
        if problems:
            settings.enable_expression_problem = problems[0]
            for problem in problems:
                report(problem)
    elif url == ext.ANSWER_EXPRESSION:
        settings.answer_expression = expression_of(extension, report)
    elif url in (ext.TARGET_CONSTRAINT, ext.OLD_CONSTRAINT):
        constraint = constraint_of(extension, report)
        if constraint is not None:
            settings.constraints.append(constraint)


def _item_control(extension: dict[str, Any]) -> ItemControl | None:
    """The first code the kiosk has a widget for; other codes are rendering hints only."""
    concept = extension.get("valueCodeableConcept")
    codings = concept.get("coding") if isinstance(concept, dict) else None
    for coding in codings if isinstance(codings, list) else []:
        code = coding.get("code") if isinstance(coding, dict) else None
        if isinstance(code, str) and code in ItemControl.__members__.values():
            return ItemControl(code)
    return None


def _count(extension: dict[str, Any], report: Report) -> int | None:
    value = _value(extension, "Integer", report)
    if value is None:
        return None
    if value < 0:
        report(_("'{feature}' must not be negative").format(feature=_short_name(extension["url"])))
        return None
    return int(value)


def _unit(extension: dict[str, Any], report: Report) -> Coding | None:
    raw = extension.get("valueCoding")
    if raw is None:
        report(_("'{feature}' needs a valueCoding").format(feature=_short_name(extension["url"])))
        return None
    if isinstance(raw, dict) and raw.get("code") is None and isinstance(raw.get("display"), str):
        return Coding(raw.get("system"), None, raw["display"])  # a display-only unit label
    try:
        return decode_coding(raw)
    except ValueProblem as problem:
        report(
            _("'{feature}' {problem}").format(
                feature=_short_name(extension["url"]), problem=problem
            )
        )
        return None


def _regex(extension: dict[str, Any], report: Report) -> str | None:
    pattern = _value(extension, "String", report)
    if not isinstance(pattern, str):
        return None
    try:
        re.compile(pattern)
    except re.error as error:
        report(_("'regex' is not a valid regular expression ({error})").format(error=error))
        return None
    return pattern


def _bound(
    extension: dict[str, Any], item_type: ItemType | None, report: Report
) -> AnswerValue | CalendarBound | None:
    name = _short_name(extension["url"])
    kinds = spec_for(item_type).range_kinds if item_type is not None else frozenset()
    if item_type is not None and not kinds:
        report(
            _("'{feature}' is not supported on {type} items").format(feature=name, type=item_type)
        )
        return None
    calculated = _calendar_bound(extension, name, frozenset(kinds), report)
    if calculated is not None:
        return None if calculated is False else calculated
    found = one_value(extension, "value", name, _EXTENSION_KEYS, kinds or frozenset(), report)
    return None if found is None else found[1]


def _calendar_bound(
    extension: dict[str, Any], name: str, kinds: frozenset[str], report: Report
) -> CalendarBound | bool | None:
    """A bound given by ``cqf-calculatedValue`` on ``_valueDate`` or ``_valueInteger``: the
    bound, ``False`` after reporting why it cannot be used, or ``None`` when the bound is a
    plain value."""
    kind = next((k for k in ("Date", "Integer") if f"_value{k}" in extension), None)
    primitive = extension.get(f"_value{kind}") if kind is not None else None
    if kind is None or not isinstance(primitive, dict):
        return None
    if kinds and kind not in kinds:
        report(_("{element} '{key}' is not supported").format(element=name, key=f"_value{kind}"))
        return False
    for inner in primitive.get("extension") or []:
        if isinstance(inner, dict) and inner.get("url") == CALCULATED_VALUE:
            expression = inner.get("valueString")
            bound = parse_calendar_bound(expression, kind) if isinstance(expression, str) else None
            if bound is None:
                report(
                    _("'{feature}' expression '{expression}' is not supported").format(
                        feature=name, expression=expression
                    )
                )
                return False
            return bound
    return None


def _check_fit(settings: ItemSettings, item_type: ItemType | None, report: Report) -> None:
    if item_type is None:
        return
    spec = spec_for(item_type)
    if (settings.min_length is not None or settings.regex is not None) and not spec.text_rules:
        report(_("'minLength' and 'regex' are only supported on text answers"))
    if settings.max_decimal_places is not None and item_type not in (
        ItemType.DECIMAL,
        ItemType.QUANTITY,
    ):
        report(_("'maxDecimalPlaces' is only supported on decimal and quantity items"))
    if settings.units and item_type not in (ItemType.QUANTITY, ItemType.DECIMAL, ItemType.INTEGER):
        report(_("'questionnaire-unit' is only supported on quantity, decimal and integer items"))
    if (
        settings.min_occurs is not None
        and settings.max_occurs is not None
        and settings.max_occurs < settings.min_occurs
    ):
        report(_("'questionnaire-maxOccurs' is less than 'questionnaire-minOccurs'"))
    if settings.max_occurs == 0:
        report(_("'questionnaire-maxOccurs' must be at least 1"))
    if settings.calculated is not None and not spec.answerable:
        report(_("'calculatedExpression' needs an item that takes an answer"))
    if settings.initial_expression is not None and not spec.answerable:
        report(_("'initialExpression' needs an item that takes an answer"))


def option_settings(raw: dict[str, Any], report: Report) -> tuple[str | None, Decimal | None, bool]:
    """``(prefix, weight, exclusive)`` from an answerOption's (or concept's) extensions."""
    prefix: str | None = None
    weight: Decimal | None = None
    exclusive = False
    for url, extension in extensions(raw):
        if url == ext.OPTION_PREFIX:
            prefix = _value(extension, "String", report)
        elif url in ext.WEIGHTS:
            found = one_value(
                extension, "value", "ordinalValue", _EXTENSION_KEYS, ("Decimal", "Integer"), report
            )
            if found is not None and is_number(found[1]):
                weight = Decimal(found[1])
        elif url == ext.OPTION_EXCLUSIVE:
            exclusive = bool(_value(extension, "Boolean", report))
    return prefix, weight, exclusive
