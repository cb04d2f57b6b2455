"""The rules of a portal login, for both sides: the terminal and the reference server.

A username has 3 to 64 characters, letters, digits and ``. _ @ -``, starting with a letter
or digit; a password has 8 to 128 characters, is not in the shipped list of common
passwords (``data/common-passwords.txt``, compared case-insensitively and without
surrounding spaces) and is not the username.

:func:`username_check` and :func:`password_check` name what is wrong. The terminal checks
as the visitor types and words each problem in the visitor's language (the functions below
them); the reference server checks again (the API's request bodies,
:mod:`kiosk.contract.wire`), has the last word, and words them in English
(:func:`password_refusal`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from kiosk.i18n import _

USERNAME_MIN = 3
USERNAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 128
USERNAME_PATTERN = rf"^[A-Za-z0-9][A-Za-z0-9._@-]{{{USERNAME_MIN - 1},{USERNAME_MAX - 1}}}$"
"""A whole username, as the API's schema states it."""
_USERNAME_CHARACTERS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


class UsernameProblem(StrEnum):
    EMPTY = "empty"
    SHORT = "short"
    LONG = "long"
    CHARACTERS = "characters"


class PasswordProblem(StrEnum):
    EMPTY = "empty"
    SHORT = "short"
    LONG = "long"
    COMMON = "common"
    USERNAME = "username"
    """The same as the username (case and surrounding spaces aside)."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case."""
    text = resources.files("kiosk.contract").joinpath("data", "common-passwords.txt")
    return frozenset(
        line.strip().lower()
        for line in text.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def _folded(text: str) -> str:
    return text.strip().lower()


def username_check(username: str) -> UsernameProblem | None:
    """What is wrong with *username*, or None when it may be used."""
    if not username:
        return UsernameProblem.EMPTY
    if len(username) < USERNAME_MIN:
        return UsernameProblem.SHORT
    if len(username) > USERNAME_MAX:
        return UsernameProblem.LONG
    if not _USERNAME_CHARACTERS.match(username):
        return UsernameProblem.CHARACTERS
    return None


def password_check(password: str, username: str | None) -> PasswordProblem | None:
    """What is wrong with *password* for the login *username*, or None when it may be used."""
    if not password:
        return PasswordProblem.EMPTY
    if len(password) < PASSWORD_MIN:
        return PasswordProblem.SHORT
    if len(password) > PASSWORD_MAX:
        return PasswordProblem.LONG
    if _folded(password) in common_passwords():
        return PasswordProblem.COMMON
    if username is not None and _folded(password) == _folded(username):
        return PasswordProblem.USERNAME
    return None


# -- the API's words for them (English, in the detail of a 422 answer) ------------------

_API_WORDS = {
    PasswordProblem.EMPTY: f"the password must have at least {PASSWORD_MIN} characters",
    PasswordProblem.SHORT: f"the password must have at least {PASSWORD_MIN} characters",
    PasswordProblem.LONG: f"the password must have at most {PASSWORD_MAX} characters",
    PasswordProblem.COMMON: "the password is too common; choose another",
    PasswordProblem.USERNAME: "the password must not be the username",
}


def password_refusal(password: str, username: str | None) -> str | None:
    """Why the API refuses *password* for *username* (English), or None when it takes it."""
    problem = password_check(password, username)
    return None if problem is None else _API_WORDS[problem]


# -- the terminal's words for them, in the visitor's language ---------------------------


def username_problem(username: str) -> str | None:
    """Why *username* cannot be used (localized), or None when it can."""
    match username_check(username):
        case None:
            return None
        case UsernameProblem.EMPTY:
            return _("Choose a username.")
        case UsernameProblem.SHORT:
            return _("A username has at least {n} characters.").format(n=USERNAME_MIN)
        case UsernameProblem.LONG:
            return _("A username has at most {n} characters.").format(n=USERNAME_MAX)
        case UsernameProblem.CHARACTERS:
            return _(
                "Use only letters A–Z, digits and . _ @ - in a username, starting with a letter "
                "or digit."
            )


@dataclass(frozen=True)
class Rule:
    """One password rule and whether the password typed so far keeps it."""

    text: str
    kept: bool


def password_rules(password: str, username: str) -> list[Rule]:
    """Every password rule, each with whether *password* keeps it (shown as they type)."""
    return [
        Rule(
            _("At least {n} characters").format(n=PASSWORD_MIN),
            PASSWORD_MIN <= len(password) <= PASSWORD_MAX,
        ),
        Rule(
            _("Not a common password"),
            bool(password) and _folded(password) not in common_passwords(),
        ),
        Rule(
            _("Not the same as the username"),
            bool(password) and _folded(password) != _folded(username),
        ),
    ]


def password_problem(password: str, username: str) -> str | None:
    """Why *password* cannot be used (localized), or None when it can."""
    match password_check(password, username):
        case None:
            return None
        case PasswordProblem.EMPTY:
            return _("Choose a password.")
        case PasswordProblem.SHORT:
            return _("The password needs at least {n} characters.").format(n=PASSWORD_MIN)
        case PasswordProblem.LONG:
            return _("The password may have at most {n} characters.").format(n=PASSWORD_MAX)
        case PasswordProblem.COMMON:
            return _("This password is too common. Please choose another.")
        case PasswordProblem.USERNAME:
            return _("The password must not be the same as the username.")


def confirm_problem(password: str, confirmation: str) -> str | None:
    """Why the repeated password does not confirm the first (localized), or None."""
    if not confirmation:
        return _("Type the password again.")
    if confirmation != password:
        return _("The two passwords are not the same.")
    return None
