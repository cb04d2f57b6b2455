"""``kiosk questionnaire prepare``: make a questionnaire's value sets work offline.

On a connected machine, each value set the questionnaire names but does not contain (and
each contained one that needs a terminology server: a compose with a filter, an included
value set or an exclusion, and no expansion) is expanded through the FHIR terminology
operation ``ValueSet/$expand``, once per language of the kiosk's screens (with
``displayLanguage``). The expansions are written into a copy of the questionnaire as
contained ValueSets (the English display as each concept's display, the others as its
``designation``s, which the engine uses as translations), and the items point at them
(``#id``). The copy runs at a terminal that is offline.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from kiosk.i18n import _

if TYPE_CHECKING:
    import httpx

FHIR_JSON = "application/fhir+json"
TIMEOUT = 30.0


class PrepareError(Exception):
    """A value set could not be expanded; ``str()`` is a localized reason."""


@dataclass
class Prepared:
    """The self-contained copy and what was done."""

    questionnaire: dict[str, Any]
    expanded: list[tuple[str, int]] = field(default_factory=list)
    """(value set, number of concepts) for each value set expanded."""
    failed: list[str] = field(default_factory=list)
    """Localized reasons, one per value set that could not be expanded."""


def ui_languages() -> list[str]:
    """The kiosk's screen languages as BCP 47 tags (``pt_BR`` -> ``pt-BR``), English first."""
    from kiosk.i18n import available_languages

    tags = [language.replace("_", "-") for language in available_languages()]
    return ["en", *(tag for tag in tags if tag != "en")]


def prepare(
    data: dict[str, Any],
    terminology: str,
    languages: list[str] | None = None,
    client: httpx.Client | None = None,
) -> Prepared:
    """Expand the value sets of the Questionnaire JSON *data* on the server *terminology*
    (its FHIR base URL) and return the self-contained copy. *client* is an
    ``httpx.Client`` (one is made when not given)."""
    import httpx

    languages = languages or ui_languages()
    out = copy.deepcopy(data)
    result = Prepared(out)
    contained: list[dict[str, Any]] = out.setdefault("contained", [])
    own = _contained_by_id(contained)
    base = terminology.rstrip("/")
    ids: dict[str, str] = {}
    session = client or httpx.Client(timeout=TIMEOUT, headers={"Accept": FHIR_JSON})
    try:
        for item in _items(out.get("item")):
            reference = item.get("answerValueSet")
            if not isinstance(reference, str) or not reference:
                continue
            if reference in ids:
                item["answerValueSet"] = "#" + ids[reference]
                continue
            local = own.get(reference[1:]) if reference.startswith("#") else None
            if local is not None and not _needs_server(local):
                continue
            try:
                expansions = {
                    language: _expand(session, base, reference, local, language)
                    for language in languages
                }
            except PrepareError as error:
                result.failed.append(
                    _("{value_set}: {problem}").format(value_set=reference, problem=error)
                )
                continue
            value_set = _merged(reference, local, expansions, languages)
            if local is not None:  # expanded in place: the reference stays
                local.clear()
                local.update(value_set)
                ids[reference] = value_set["id"]
            else:
                value_set["id"] = _free_id(reference, own)
                own[value_set["id"]] = value_set
                contained.append(value_set)
                ids[reference] = value_set["id"]
                item["answerValueSet"] = "#" + value_set["id"]
            result.expanded.append((reference, len(value_set["expansion"]["contains"])))
    finally:
        if client is None:
            session.close()
    if not contained:
        del out["contained"]
    return result


def _items(items: object) -> Iterator[dict[str, Any]]:
    stack = list(reversed(items)) if isinstance(items, list) else []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            children = item.get("item")
            if isinstance(children, list):
                stack.extend(reversed(children))


def _contained_by_id(contained: list[Any]) -> dict[str, dict[str, Any]]:
    return {
        resource["id"]: resource
        for resource in contained
        if isinstance(resource, dict)
        and resource.get("resourceType") == "ValueSet"
        and isinstance(resource.get("id"), str)
    }


def _needs_server(value_set: dict[str, Any]) -> bool:
    """A contained ValueSet the engine cannot read offline."""
    if isinstance(value_set.get("expansion"), dict):
        return False
    compose = value_set.get("compose")
    if not isinstance(compose, dict):
        return False
    include = compose.get("include")
    includes = include if isinstance(include, list) else []
    return bool(compose.get("exclude")) or any(
        isinstance(i, dict) and (i.get("filter") or i.get("valueSet") or not i.get("concept"))
        for i in includes
    )


def _expand(
    session: httpx.Client, base: str, reference: str, local: dict[str, Any] | None, language: str
) -> dict[str, Any]:
    """One ``$expand`` (GET by canonical URL, or POST of a contained ValueSet)."""
    import httpx

    url = f"{base}/ValueSet/$expand"
    try:
        if local is None:
            canonical, _bar, version = reference.partition("|")
            params = {"url": canonical, "displayLanguage": language}
            if version:
                params["valueSetVersion"] = version
            response = session.get(url, params=params, headers={"Accept-Language": language})
        else:
            parameters = {"resourceType": "Parameters", "parameter": [
                {"name": "valueSet", "resource": local},
                {"name": "displayLanguage", "valueCode": language}]}  # fmt: skip
            body = json.dumps(parameters, default=_json_number)
            response = session.post(
                url, content=body, headers={"Accept-Language": language, "Content-Type": FHIR_JSON}
            )
    except httpx.HTTPError as error:
        raise PrepareError(_("the terminology server cannot be reached ({error})").format(
            error=type(error).__name__)) from None  # fmt: skip
    if response.status_code != 200:
        raise PrepareError(_("the terminology server answered {status}{detail}").format(
            status=response.status_code, detail=_outcome_text(response))) from None  # fmt: skip
    try:
        found = response.json()
    except ValueError:
        raise PrepareError(_("the terminology server's answer is not JSON")) from None
    contains = (found.get("expansion") or {}).get("contains") if isinstance(found, dict) else None
    if (
        not isinstance(found, dict)
        or found.get("resourceType") != "ValueSet"
        or not isinstance(contains, list)
    ):
        raise PrepareError(_("the terminology server's answer is not an expanded ValueSet"))
    return found


def _json_number(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value).__name__)


def _outcome_text(response: Any) -> str:
    """': ' and the first issue of an OperationOutcome, if the answer is one."""
    try:
        body = response.json()
        issue = body["issue"][0]
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return ""
    return f": {text}" if isinstance(text, str) and text else ""


def _flat_contains(contains: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack = list(reversed(contains))
    while stack:
        entry = stack.pop()
        if not isinstance(entry, dict):
            continue
        nested = entry.get("contains")
        if isinstance(nested, list):
            stack.extend(reversed(nested))
        out.append({key: value for key, value in entry.items() if key != "contains"})
    return out


def _merged(
    reference: str,
    local: dict[str, Any] | None,
    expansions: dict[str, dict[str, Any]],
    languages: list[str],
) -> dict[str, Any]:
    """One ValueSet: the first language's expansion, the others' displays as designations."""
    first = expansions[languages[0]]
    contains = _flat_contains(first["expansion"]["contains"])
    for language in languages[1:]:
        displays = {
            (entry.get("system"), entry.get("code")): entry.get("display")
            for entry in _flat_contains(expansions[language]["expansion"]["contains"])
        }
        for entry in contains:
            display = displays.get((entry.get("system"), entry.get("code")))
            if not isinstance(display, str) or display == entry.get("display"):
                continue
            designations = entry.setdefault("designation", [])
            if not any(d.get("language") == language for d in designations):
                designations.append({"language": language, "value": display})
    value_set: dict[str, Any] = {"resourceType": "ValueSet"}
    if local is not None:
        value_set.update({k: v for k, v in local.items() if k != "expansion"})
    else:
        canonical, _bar, version = reference.partition("|")
        value_set.update({"url": canonical, "status": first.get("status") or "active"})
        for key in ("name", "title", "version"):
            if first.get(key):
                value_set[key] = first[key]
        if version:
            value_set["version"] = version
    expansion = {k: v for k, v in first["expansion"].items() if k not in ("contains", "parameter")}
    expansion.setdefault("timestamp", "1970-01-01T00:00:00Z")
    expansion["contains"] = contains
    value_set["expansion"] = expansion
    return value_set


def _free_id(reference: str, taken: dict[str, Any]) -> str:
    """An id for the contained copy of *reference*, from the last part of its URL."""
    stem = re.sub(r"[^A-Za-z0-9.-]", "-", reference.split("|")[0].rstrip("/").rsplit("/", 1)[-1])
    stem = (stem.strip("-.") or "valueset")[:48]
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate
