"""The shape of a pickup code, shared by the terminal and the reference server.

A code is 11 Crockford base32 data characters and one check character, shown in groups
of four: ``7K3M-Q9XD-2HB*``. The check character is the data's value modulo 37
(Crockford's scheme: 37 is prime, so every single wrong character and every swap of two
neighbours changes it), which lets the terminal catch a mistyped code before it asks the
server. Nothing here is secret and nothing imports the server.

At the terminal a code arrives typed, or from a barcode scanner, which may read a QR code
holding the portal's address with the code in it: :func:`code_from_input` accepts both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from urllib.parse import parse_qsl, unquote, urlsplit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford base32: no I, L, O or U."""
DATA_LENGTH = 11
CODE_LENGTH = DATA_LENGTH + 1
GROUP = 4
CHECK_ALPHABET = ALPHABET + "*~$=U"
"""Check symbols for the values 0..36: the 32 data symbols, then ``* ~ $ = U``."""
DISPLAY_PATTERN = re.compile(
    rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{3}}[{re.escape(CHECK_ALPHABET)}]$"
)
URL_CODE_KEYS = ("code", "pickup", "pickup_code", "c")
"""Query parameters of a portal address that may carry the code."""

_LOOKALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_IGNORED = re.compile(r"[\s-]")


class CodeProblem(StrEnum):
    """Why some text is not a pickup code (the terminal words each for the visitor)."""

    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    CHECK = "check"


def check_symbol(data: str) -> str:
    """Crockford's check symbol for the base32 string *data*."""
    value = 0
    for char in data:
        value = value * 32 + ALPHABET.index(char)
    return CHECK_ALPHABET[value % 37]


def display(compact: str) -> str:
    """``7K3MQ9XD2HB*`` as ``7K3M-Q9XD-2HB*``."""
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def compact(text: str) -> str:
    """*text* without spaces and dashes, in upper case."""
    return _IGNORED.sub("", text).upper()


def code_problem(text: str) -> CodeProblem | None:
    """Why *text* is not a pickup code, or None when it is one."""
    chars = compact(text)
    if not chars:
        return CodeProblem.EMPTY
    if len(chars) != CODE_LENGTH:
        return CodeProblem.LENGTH
    data = chars[:DATA_LENGTH].translate(_LOOKALIKES)
    check = chars[DATA_LENGTH]
    if check not in CHECK_ALPHABET:
        check = check.translate(_LOOKALIKES)
    if any(c not in ALPHABET for c in data) or check not in CHECK_ALPHABET:
        return CodeProblem.CHARACTER
    if check_symbol(data) != check:
        return CodeProblem.CHECK
    return None


def normalize_code(text: str) -> str | None:
    """*text* as a canonical code, or None when it is not one (bad shape or check symbol).

    Case, spaces and dashes are forgiven, and I, L and O read as 1, 1 and 0 (in the data
    characters; ``U`` is only ever a check symbol).
    """
    if code_problem(text) is not None:
        return None
    chars = compact(text)
    data = chars[:DATA_LENGTH].translate(_LOOKALIKES)
    check = chars[DATA_LENGTH]
    if check not in CHECK_ALPHABET:
        check = check.translate(_LOOKALIKES)
    return display(data + check)


def _url_candidates(text: str) -> Iterator[str]:
    """Where a portal address may hold the code: known query keys, then path and fragment."""
    parts = urlsplit(text)
    query = dict(parse_qsl(parts.query, keep_blank_values=False))
    for key in URL_CODE_KEYS:
        if key in query:
            yield query[key]
    yield from query.values()
    segments = [unquote(s) for s in parts.path.split("/") if s]
    yield from reversed(segments)
    if parts.fragment:  # single-page portals: ``#/pickup/CODE`` or ``#code=CODE``
        fragment = urlsplit(parts.fragment)
        yield from (v for _, v in parse_qsl(fragment.query or fragment.path))
        yield from reversed([unquote(s) for s in fragment.path.split("/") if s])


def looks_like_url(text: str) -> bool:
    return bool(re.match(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://", text))


def code_from_input(text: str) -> tuple[str | None, CodeProblem | None]:
    """The canonical code in what was typed or scanned, or the problem with it.

    A portal address (``https://portal.example/pickup?code=7K3M-Q9XD-2HB*``, or the code
    as the last part of its path) gives the first part of it that is a valid code.
    """
    text = text.strip()
    if not looks_like_url(text):
        return normalize_code(text), code_problem(text)
    problems = set()
    for candidate in _url_candidates(text):
        problem = code_problem(candidate)
        if problem is None:
            return normalize_code(candidate), None
        problems.add(problem)
    # A code-shaped part with a wrong check character is the likeliest misreading.
    return None, CodeProblem.CHECK if CodeProblem.CHECK in problems else CodeProblem.CHARACTER
