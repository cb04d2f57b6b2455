"""Answer options from a ValueSet (``answerValueSet``), found offline.

Resolution order: a ValueSet contained in the questionnaire (``#id``, or its canonical
URL), then the FHIR core value sets forms use most, shipped with the kiosk
(``core_valuesets/``: yesnodontknow, administrative-gender, languages, ...). Anything else
needs a terminology server: ``kiosk questionnaire prepare`` expands it into a contained
copy on a connected machine (:mod:`kiosk.questionnaire.prepare`).

Of a ValueSet, its ``expansion.contains`` is used, or else its ``compose.include`` entries
that list their concepts. A concept's ``designation``s with a language are its
translations.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.extensions import OPTION_EXTENSIONS
from kiosk.questionnaire.itemext import option_settings
from kiosk.questionnaire.jsonshape import Report, check_extensions, translations_of
from kiosk.questionnaire.model import AnswerOption, Coding

MAX_CONCEPTS = 20000
"""More options than this are not offered (an autocomplete searches them as one types)."""
CORE_DIR = Path(__file__).with_name("core_valuesets")


@cache
def core_value_sets() -> dict[str, dict[str, Any]]:
    """The shipped FHIR core value sets by canonical URL (read once)."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(CORE_DIR.glob("*.json")):
        value_set = json.loads(path.read_text(encoding="utf-8"))
        found[value_set["url"]] = value_set
    return found


def resolve(reference: str, value_sets: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The ValueSet *reference* names: contained first, then shipped; ``None`` if neither."""
    if reference.startswith("#"):
        return value_sets.get(reference[1:])
    url = reference.split("|")[0]
    contained = next((vs for vs in value_sets.values() if vs.get("url") == url), None)
    return contained if contained is not None else core_value_sets().get(url)


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
    value_set = resolve(reference, value_sets)
    if value_set is None:
        report(
            _(
                "answerValueSet '{url}' cannot be resolved offline; "
                "contain the ValueSet in the questionnaire or list the answers with answerOption"
            ).format(url=reference)
        )
        return ()
    problems: list[str] = []
    options = read_value_set(value_set, value_sets, problems.append)
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


def read_value_set(
    value_set: dict[str, Any],
    value_sets: dict[str, dict[str, Any]],
    report: Report,
    depth: int = 0,
) -> list[AnswerOption]:
    """The options of *value_set*: its expansion, else its compose (reading an included
    value set that is contained or shipped)."""
    options = _expansion(value_set, report)
    if options is None:
        options = _compose(value_set, value_sets, report, depth)
    return options


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


def _compose(
    value_set: dict[str, Any], value_sets: dict[str, dict[str, Any]], report: Report, depth: int
) -> list[AnswerOption]:
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
        included = include.get("valueSet")
        if included and not include.get("filter") and not include.get("system") and depth < 5:
            found = [resolve(url, value_sets) for url in included if isinstance(url, str)]
            if found and all(vs is not None for vs in found):  # all readable here
                for other in found:
                    assert other is not None
                    options.extend(read_value_set(other, value_sets, report, depth + 1))
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
    translations = translations_of(raw.get("_display"), report) + designations(raw)
    return AnswerOption(coding, display or raw["code"], translations, prefix, weight, exclusive)


def designations(raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A concept's designations that have a language, as translations ``(language, text)``."""
    found = raw.get("designation")
    return tuple(
        (entry["language"], entry["value"])
        for entry in (found if isinstance(found, list) else [])
        if isinstance(entry, dict)
        and isinstance(entry.get("language"), str)
        and isinstance(entry.get("value"), str)
    )


def _folded(text: str) -> str:
    """Lower case without accents, for matching what a visitor types."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search(
    options: tuple[AnswerOption, ...], typed: str, language: str | None = None, limit: int = 20
) -> list[AnswerOption]:
    """The options whose label (in *language*) or code matches *typed*, best first.

    For an autocomplete over a large expansion: every word typed must start a word of the
    label (or the code starts with what was typed); labels that start with it come first.
    Case and accents are ignored. At most *limit* options.
    """
    words = _folded(typed).split()
    if not words:
        return []
    starts: list[AnswerOption] = []
    others: list[AnswerOption] = []
    for option in options:
        label = _folded(option.label_in(language))
        code = option.value.code if isinstance(option.value, Coding) else None
        label_words = label.replace("(", " ").replace(")", " ").replace(",", " ").split()
        if all(any(w.startswith(word) for w in label_words) for word in words):
            (starts if label.startswith(words[0]) else others).append(option)
        elif code and _folded(code).startswith(words[0]) and len(words) == 1:
            others.append(option)
        if len(starts) >= limit:
            break
    return (starts + others)[:limit]
