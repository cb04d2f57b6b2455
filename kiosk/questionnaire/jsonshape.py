"""Checks of the JSON shape of Questionnaire elements, reporting problems as they go.

Every helper takes a ``report`` callback that receives localized problem texts, so that
the loader can collect every reason in one pass instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from kiosk.i18n import _
from kiosk.questionnaire.extensions import TRANSLATION, extension_problem
from kiosk.questionnaire.model import AnswerValue
from kiosk.questionnaire.translations import Translations
from kiosk.questionnaire.values import ValueProblem, decode_value

Report = Callable[[str], None]


def check_keys(
    raw: dict[str, Any], allowed: frozenset[str], report: Report, refuse: Report | None = None
) -> None:
    """Refuse (through *refuse*) modifier extensions and ``implicitRules``, which may change
    the meaning of what they sit on; *report* properties the engine does not know.

    ``_name`` elements (extensions of primitive properties) may only carry translations.
    """
    refuse = refuse or report
    for key, value in raw.items():
        if key == "modifierExtension":
            for url in _extension_urls(value):
                refuse(_("modifier extension '{url}' is not supported").format(url=url))
            if not _extension_urls(value):
                refuse(_("'modifierExtension' is not supported"))
        elif key == "implicitRules":
            refuse(_("'implicitRules' is not supported"))
        elif key.startswith("_"):
            for element in value if isinstance(value, list) else [value]:
                if isinstance(element, dict):
                    check_extensions(element, report)
        elif key not in allowed:
            report(_("property '{name}' is not supported").format(name=key))


def extensions(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(url, extension)`` for each well-formed entry of ``raw["extension"]``."""
    found = raw.get("extension")
    if not isinstance(found, list):
        return
    for extension in found:
        if isinstance(extension, dict) and isinstance(extension.get("url"), str):
            yield extension["url"], extension


def check_extensions(
    raw: dict[str, Any],
    report: Report,
    *,
    handled: frozenset[str] = frozenset(),
    on_display: bool = False,
) -> None:
    """Apply the extension policy to ``raw["extension"]``; *handled* URLs are the caller's."""
    found = raw.get("extension")
    if found is None:
        return
    if not isinstance(found, list):
        report(_("'extension' must be a list"))
        return
    for extension in found:
        url = extension.get("url") if isinstance(extension, dict) else None
        if not isinstance(url, str):
            report(_("an extension has no url"))
            continue
        problem = extension_problem(url, handled=handled)
        if problem is not None:
            report(problem)


def _extension_urls(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [e["url"] for e in value if isinstance(e, dict) and isinstance(e.get("url"), str)]


def translations_of(element: object, report: Report) -> Translations:
    """The FHIR ``translation`` extensions of a ``_name`` element, as (language, text)."""
    if not isinstance(element, dict):
        return ()
    found: list[tuple[str, str]] = []
    for url, extension in extensions(element):
        if url != TRANSLATION:
            continue
        parts = {
            part.get("url"): part
            for part in extension.get("extension", [])
            if isinstance(part, dict)
        }
        language = (parts.get("lang") or {}).get("valueCode")
        content = parts.get("content") or {}
        text = content.get("valueString", content.get("valueMarkdown"))
        if not isinstance(language, str) or not language or not isinstance(text, str):
            report(_("a translation needs 'lang' and 'content'"))
            continue
        found.append((language, text))
    return tuple(found)


def one_value(
    raw: dict[str, Any],
    prefix: str,
    element: str,
    allowed_keys: frozenset[str],
    kinds: tuple[str, ...] | frozenset[str],
    report: Report,
) -> tuple[str, AnswerValue] | None:
    """The single ``<prefix>[x]`` of *element* as ``(kind, value)``, reporting any problem."""
    present = [key for key in raw if key.startswith(prefix) and key[len(prefix) :][:1].isupper()]
    for key in raw:
        if key not in allowed_keys and key not in present and not key.startswith("_"):
            report(
                _("{element} property '{name}' is not supported").format(element=element, name=key)
            )
    if len(present) != 1:
        report(
            _("{element} needs exactly one '{prefix}[x]'").format(element=element, prefix=prefix)
        )
        return None
    key = present[0]
    kind = key[len(prefix) :]
    if kind not in kinds:
        report(_("{element} '{key}' is not supported").format(element=element, key=key))
        return None
    try:
        return kind, decode_value(kind, raw[key])
    except ValueProblem as problem:
        report(_("{element} '{key}' {problem}").format(element=element, key=key, problem=problem))
        return None


def optional_str(raw: dict[str, Any], key: str, report: Report) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        report(_("'{key}' must be a string").format(key=key))
        return None
    return value


def optional_bool(raw: dict[str, Any], key: str, report: Report) -> bool:
    """``raw[key]`` as a boolean; the strings "true" and "false" are read as such (after a
    report), anything else that is not a boolean as false."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        report(_("'{key}' must be true or false").format(key=key))
        return value in ("true", "True")
    return value
