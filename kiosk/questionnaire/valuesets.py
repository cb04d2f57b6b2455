"""Answer options from a ValueSet contained in the questionnaire (``answerValueSet: "#id"``).

Only what can be read offline is used: the ValueSet's ``expansion.contains``, or else its
``compose.include`` entries that list their concepts. Anything that needs a terminology
server (an external URL, a filter, an included ValueSet, an exclusion) is a load problem.
"""

from __future__ import annotations

from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.extensions import OPTION_EXTENSIONS
from kiosk.questionnaire.itemext import option_settings
from kiosk.questionnaire.jsonshape import Report, check_extensions, translations_of
from kiosk.questionnaire.model import AnswerOption, Coding

MAX_CONCEPTS = 5000
"""More options than this would not fit any terminal screen; such a ValueSet is refused."""


def contained_value_sets(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The questionnaire's contained ValueSets by id."""
    contained = data.get("contained")
    found: dict[str, dict[str, Any]] = {}
    for resource in contained if isinstance(contained, list) else []:
        if (
            isinstance(resource, dict)
            and resource.get("resourceType") == "ValueSet"
            and isinstance(resource.get("id"), str)
        ):
            found[resource["id"]] = resource
    return found


def options_from(
    reference: object, value_sets: dict[str, dict[str, Any]], report: Report
) -> tuple[AnswerOption, ...]:
    """The options that *reference* (an ``answerValueSet``) stands for; ``()`` after a report."""
    if not isinstance(reference, str) or not reference:
        report(_("'answerValueSet' must be a string"))
        return ()
    value_set = value_sets.get(reference[1:]) if reference.startswith("#") else None
    if value_set is None:
        value_set = next(
            (vs for vs in value_sets.values() if vs.get("url") == reference.split("|")[0]), None
        )
    if value_set is None:
        report(
            _(
                "answerValueSet '{url}' cannot be resolved offline; "
                "contain the ValueSet in the questionnaire or list the answers with answerOption"
            ).format(url=reference)
        )
        return ()
    problems: list[str] = []
    options = _expansion(value_set, problems.append)
    if options is None:
        options = _compose(value_set, problems.append)
    for problem in problems:
        report(_("answerValueSet '{url}': {problem}").format(url=reference, problem=problem))
    if problems or not options:
        if not problems:
            report(_("answerValueSet '{url}' has no concepts").format(url=reference))
        return ()
    if len(options) > MAX_CONCEPTS:
        report(
            _("answerValueSet '{url}' has more than {count} concepts").format(
                url=reference, count=MAX_CONCEPTS
            )
        )
        return ()
    return tuple(options)


def _expansion(value_set: dict[str, Any], report: Report) -> list[AnswerOption] | None:
    expansion = value_set.get("expansion")
    if not isinstance(expansion, dict) or "contains" not in expansion:
        return None
    options: list[AnswerOption] = []
    stack = [iter(expansion["contains"] if isinstance(expansion["contains"], list) else [])]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if not isinstance(entry, dict):
            report(_("an expansion entry is not an object"))
            continue
        if isinstance(entry.get("contains"), list):
            stack.append(iter(entry["contains"]))
        if entry.get("abstract") is True or entry.get("inactive") is True:
            continue
        option = _concept(entry, entry.get("system"), report)
        if option is not None:
            options.append(option)
        if len(options) > MAX_CONCEPTS:
            break
    return options


def _compose(value_set: dict[str, Any], report: Report) -> list[AnswerOption]:
    compose = value_set.get("compose")
    if not isinstance(compose, dict):
        report(_("it has neither an expansion nor a compose"))
        return []
    if compose.get("exclude"):
        report(_("'compose.exclude' needs a terminology server"))
    options: list[AnswerOption] = []
    includes = compose.get("include")
    for include in includes if isinstance(includes, list) else []:
        if not isinstance(include, dict):
            report(_("a compose.include is not an object"))
            continue
        if include.get("filter") or include.get("valueSet"):
            report(_("'compose.include' with a filter or a valueSet needs a terminology server"))
            continue
        system = include.get("system")
        concepts = include.get("concept")
        if not isinstance(system, str) or not isinstance(concepts, list) or not concepts:
            report(_("a compose.include without listed concepts needs a terminology server"))
            continue
        for concept in concepts:
            option = _concept(concept, system, report)
            if option is not None:
                options.append(option)
    return options


def _concept(raw: object, system: object, report: Report) -> AnswerOption | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("code"), str) or not raw["code"]:
        report(_("a concept has no code"))
        return None
    display = raw.get("display")
    if display is not None and not isinstance(display, str):
        report(_("a concept has a display that is not a string"))
        display = None
    check_extensions(raw, report, handled=OPTION_EXTENSIONS)
    prefix, weight, exclusive = option_settings(raw, report)
    coding = Coding(system if isinstance(system, str) else None, raw["code"], display)
    return AnswerOption(
        coding,
        display or raw["code"],
        translations_of(raw.get("_display"), report),
        prefix,
        weight,
        exclusive,
    )
