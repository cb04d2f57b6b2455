"""Request and response bodies of the HTTP API, with the contract's limits.

Every limit here is what keeps odd input a 4xx: text that SQLite or PostgreSQL
cannot store (NUL, lone surrogates), timestamps that overflow when moved to UTC,
and response documents nested or shaped beyond what is sane are all rejected.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from kiosk.server.models import LANGUAGE_MAX, NAME_MAX, TEXT_MAX, TYPED_NAME_MAX

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


def _single_line(text: str) -> str:
    _storable(text)
    if _CONTROL.search(text):
        raise ValueError("text must not contain control characters")
    return text


def _visible_name(text: str) -> str:
    """A name must show something: not only zero-width, bidirectional-control or other
    format characters (U+200B, U+202E...) and spaces."""
    _single_line(text)
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
    AfterValidator(_single_line),
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


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsentIn(_Request):
    form_id: Text = Field(description="A consent form of the portal.")
    title: Text | None = Field(
        default=None,
        description="The form's title as shown with the signed text, in *language*: kept when"
        " *version* is the server's text of the form in *language*; otherwise the server's"
        " title of the form is recorded.",
    )
    version: Text = Field(
        description="The form's current text version in *language* (`sha256:` + hex)."
    )
    language: Language
    typed_name: TypedName
    signed_at: Timestamp


_FROM_PORTAL = "Optional: the server files the document as the portal configures it; a value"
" that differs from the portal's is refused."


class DocumentIn(_Request):
    questionnaire: Text = Field(
        description="Canonical URL of the questionnaire, `url|version`: one configured on"
        " the portal (or assigned to the chart)."
    )
    title: Text | None = Field(
        default=None, description="Ignored: the server's title of the questionnaire is filed."
    )
    order_item: Text | None = Field(default=None, description=_FROM_PORTAL)
    document_type: Text | None = Field(default=None, description=_FROM_PORTAL)
    chart_tab: Text | None = Field(default=None, description=_FROM_PORTAL)
    response: QuestionnaireResponse = Field(
        description='A FHIR R4 QuestionnaireResponse with status "completed".'
    )


class ApplicantIn(_Request):
    """One applicant's visit: who, where, the consents signed and the questionnaires filled."""

    terminal: Text | None = Field(
        default=None,
        description="Optional: the chart is filed under the token's terminal; another name is"
        " refused.",
    )
    portal: Text = Field(
        description="A portal configured on the server (and allowed for the token)."
    )
    department: Text | None = Field(
        default=None,
        description="Optional: the portal's applicant department is filed; another is refused.",
    )
    first_name: Name
    last_name: Name
    language: Language
    consents: list[ConsentIn] = Field(max_length=MAX_CONSENTS)
    documents: list[DocumentIn] = Field(max_length=MAX_DOCUMENTS)


class ApplicantCreated(BaseModel):
    chart_id: int
    reference: str
    created: bool


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    questionnaire: str
    title: str
    order_item: str
    document_type: str
    chart_tab: str
    filed_at: datetime
    response: dict[str, Any]


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    form_id: str
    title: str
    version: str
    language: str
    typed_name: str
    signed_at: datetime
    terminal: str


class ChartOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    kind: str
    first_name: str
    last_name: str
    portal: str
    department: str
    login_enabled: bool
    language: str
    terminal: str
    created_at: datetime
    date_of_birth: date | None
    email: str | None
    phone: str | None = None
    provider_organization: str | None
    external_id: str | None
    retired_at: datetime | None
    merged_into_id: int | None
    documents: list[DocumentOut]
    consents: list[ConsentOut]


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class ErrorOut(BaseModel):
    """Every error answer: ``detail`` for people, ``error`` a stable name for programs."""

    detail: Any
    error: str | None = None
    retry_after: int | None = Field(
        default=None, description="Seconds to wait (lock-outs); also the Retry-After header."
    )
