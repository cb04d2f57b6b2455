"""The rules for a portal login made at the terminal, checked as the visitor types.

They mirror the reference backend's (which checks again and has the last word): a
username of 3 to 64 characters, letters, digits and ``. _ @ -``, starting with a letter
or digit; a password of 8 to 128 characters that is not in the shipped list of common
passwords and is not the username. The list is read from the package's data, not by
importing the server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kiosk.i18n import _

USERNAME_MIN = 3
USERNAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 128
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-case (empty if the file is missing)."""
    try:
        text = (
            resources.files("kiosk.server")
            .joinpath("data", "common-passwords.txt")
            .read_text(encoding="utf-8")
        )
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - broken install
        return frozenset()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def username_problem(username: str) -> str | None:
    """Why *username* cannot be used (localized), or None when it can."""
    if not username:
        return _("Choose a username.")
    if len(username) < USERNAME_MIN:
        return _("A username has at least {n} characters.").format(n=USERNAME_MIN)
    if len(username) > USERNAME_MAX:
        return _("A username has at most {n} characters.").format(n=USERNAME_MAX)
    if not _USERNAME.match(username):
        return _(
            "Use only letters A–Z, digits and . _ @ - in a username, starting with a letter "
            "or digit."
        )
    return None


@dataclass(frozen=True)
class Rule:
    """One password rule and whether the password typed so far keeps it."""

    text: str
    kept: bool


def password_rules(password: str, username: str) -> list[Rule]:
    """Every password rule, each with whether *password* keeps it (shown as they type)."""
    folded = password.strip().lower()
    return [
        Rule(
            _("At least {n} characters").format(n=PASSWORD_MIN),
            PASSWORD_MIN <= len(password) <= PASSWORD_MAX,
        ),
        Rule(
            _("Not a common password"),
            bool(password) and folded not in common_passwords(),
        ),
        Rule(
            _("Not the same as the username"),
            bool(password) and folded != username.strip().lower(),
        ),
    ]


def password_problem(password: str, username: str) -> str | None:
    """Why *password* cannot be used (localized), or None when it can."""
    if not password:
        return _("Choose a password.")
    if len(password) < PASSWORD_MIN:
        return _("The password needs at least {n} characters.").format(n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("The password may have at most {n} characters.").format(n=PASSWORD_MAX)
    folded = password.strip().lower()
    if folded in common_passwords():
        return _("This password is too common. Please choose another.")
    if folded == username.strip().lower():
        return _("The password must not be the same as the username.")
    return None


def confirm_problem(password: str, confirmation: str) -> str | None:
    """Why the repeated password does not confirm the first (localized), or None."""
    if not confirmation:
        return _("Type the password again.")
    if confirmation != password:
        return _("The two passwords are not the same.")
    return None
