"""The field types of the API's bodies, with the contract's limits.

Every limit here is what keeps odd input a 4xx: text that SQLite or PostgreSQL
cannot store (NUL, lone surrogates), timestamps that overflow when moved to UTC,
and response documents nested or shaped beyond what is sane are all rejected. The
server's columns are as wide as these limits (:mod:`kiosk.server.models`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

NAME_MAX = 60
TEXT_MAX = 200
TYPED_NAME_MAX = 130
LANGUAGE_MAX = 35

MAX_CONSENTS = 20
MAX_DOCUMENTS = 50
MAX_RESPONSE_DEPTH = 64
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_-]{8,200}$"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc", "Mn", "Me"})
"""Categories that show nothing on their own: format (zero-width, bidi controls), spaces,
separators, controls and combining marks with nothing to combine with."""


def _storable(text: str) -> str:
    """Reject text that cannot be stored as UTF-8 or holds NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode") from None
    if "\x00" in text:
        raise ValueError("text must not contain NUL characters")
    return text


def single_line(text: str) -> str:
    _storable(text)
    if _CONTROL.search(text):
        raise ValueError("text must not contain control characters")
    return text


def _visible_name(text: str) -> str:
    """A name must show something: not only zero-width, bidirectional-control or other
    format characters (U+200B, U+202E...) and spaces."""
    single_line(text)
    if all(unicodedata.category(c) in _INVISIBLE for c in text):
        raise ValueError("the name has no visible characters")
    return text


def _as_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("timestamp is out of range") from None


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
    AfterValidator(_visible_name),
]
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX),
    AfterValidator(single_line),
]
TypedName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TYPED_NAME_MAX),
    AfterValidator(_visible_name),
]
Language = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=2,
        max_length=LANGUAGE_MAX,
        pattern=r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$",
    ),
]


def _iso_text(value: Any) -> Any:
    """Dates and times come as ISO 8601 text, as the schema says; not as numbers."""
    if not isinstance(value, str | date):
        raise ValueError("give the date or time as ISO 8601 text")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_as_utc)]
IsoDate = Annotated[date, BeforeValidator(_iso_text)]


def _json_integer(value: Any) -> Any:
    """A JSON integer as JSON Schema defines it: a number with no fractional part (``110``
    or ``110.0``); never a boolean or a string."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("give a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("give a whole number")
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]
"""An integer as the OpenAPI schema says ``integer``: ``110.0`` is one, ``"110"`` is not."""
StrictId = Annotated[JsonInt, Field(ge=1, le=2**31 - 1)]


def _check_tree(root: Any) -> None:
    """Bound the nesting and reject unstorable strings and non-finite numbers, iteratively."""
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_RESPONSE_DEPTH:
            raise ValueError(f"response is nested deeper than {MAX_RESPONSE_DEPTH} levels")
        if isinstance(node, dict):
            for key, child in node.items():
                _storable(key)
                stack.append((child, depth + 1))
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
        elif isinstance(node, str):
            _storable(node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise ValueError("response numbers must be finite")


def _check_items(items: Any, where: str) -> None:
    """``item`` lists hold objects with a linkId; answers may nest further items."""
    if not isinstance(items, list):
        raise ValueError(f"{where} must be a list")
    for index, item in enumerate(items):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{here} must be an object")
        link_id = item.get("linkId")
        if not isinstance(link_id, str) or not link_id.strip():
            raise ValueError(f"{here} needs a linkId")
        if "item" in item:
            _check_items(item["item"], f"{here}.item")
        answers = item.get("answer", [])
        if not isinstance(answers, list) or not all(isinstance(a, dict) for a in answers):
            raise ValueError(f"{here}.answer must be a list of objects")
        for a_index, answer in enumerate(answers):
            if "item" in answer:
                _check_items(answer["item"], f"{here}.answer[{a_index}].item")


def _check_response(value: dict[str, Any]) -> dict[str, Any]:
    if value.get("resourceType") != "QuestionnaireResponse":
        raise ValueError('response must have resourceType "QuestionnaireResponse"')
    if value.get("status") != "completed":
        raise ValueError('response must have status "completed"')
    _check_tree(value)  # first, so the item walk below is bounded in depth
    if "item" in value:
        _check_items(value["item"], "item")
    return value


QuestionnaireResponse = Annotated[dict[str, Any], AfterValidator(_check_response)]


class Request(BaseModel):
    """A request body: a key the contract does not have is refused (422)."""

    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    """A response body: read-only once made, and a key it does not have is ignored (a newer
    server does not break an older terminal)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
