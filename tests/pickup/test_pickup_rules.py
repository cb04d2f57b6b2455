"""The pure parts of the pickup visit: the code's shape, the login rules, the date of birth."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.contract.login_rules import (
    common_passwords,
    confirm_problem,
    password_problem,
    password_rules,
    username_problem,
)
from kiosk.contract.pickup_code import (
    ALPHABET,
    CHECK_ALPHABET,
    DISPLAY_PATTERN,
    CodeProblem,
    code_from_input,
    code_problem,
    normalize_code,
)
from kiosk.i18n.dates import parse_birth_date
from kiosk.server import codes

CODE = codes.new_code(random.Random(5).randrange)


def test_the_server_makes_codes_of_the_shape_the_terminal_checks() -> None:
    assert DISPLAY_PATTERN.match(CODE)
    assert codes.normalize_code is normalize_code  # one implementation, shared


@given(st.integers(min_value=0, max_value=2**55 - 1))
def test_every_single_wrong_character_is_caught(value: int) -> None:
    data = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(11))
    code = data + codes.check_symbol(data)
    assert normalize_code(code) is not None
    for position in range(len(code)):
        alphabet = CHECK_ALPHABET if position == 11 else ALPHABET
        wrong = next(c for c in alphabet if c != code[position])
        assert normalize_code(code[:position] + wrong + code[position + 1 :]) is None


def test_neighbours_swapped_are_caught() -> None:
    compact = CODE.replace("-", "")
    for i in range(len(compact) - 1):
        if compact[i] != compact[i + 1]:
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            assert code_problem(swapped) in (CodeProblem.CHECK, CodeProblem.CHARACTER)


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        CODE.lower(),
        CODE.replace("-", ""),
        CODE.replace("-", " "),
        f"  {CODE.lower().replace('-', ' - ')}  ",
    ],
)
def test_case_spaces_and_dashes_do_not_matter(typed: str) -> None:
    assert code_from_input(typed) == (CODE, None)


def test_look_alike_letters_read_as_digits() -> None:
    data = "01" + CODE.replace("-", "")[2:11]
    code = data + codes.check_symbol(data)
    assert normalize_code("OI" + code[2:]) == normalize_code(code)


@pytest.mark.parametrize(
    "scanned",
    [
        "https://portal.acme.example/pickup?code={code}",
        "https://portal.acme.example/pickup?lang=en&code={code}",
        "https://portal.acme.example/pickup/{code}",
        "https://portal.acme.example/#/pickup/{code}",
        "HTTPS://portal.acme.example/p?c={lower}",
    ],
)
def test_a_scanned_portal_address_gives_its_code(scanned: str) -> None:
    quoted = CODE.replace("*", "%2A").replace("$", "%24").replace("=", "%3D")
    text = scanned.format(code=quoted, lower=quoted.lower())
    assert code_from_input(text) == (CODE, None)


def test_what_is_wrong_with_a_code_is_told_apart() -> None:
    wrong_check = CODE[:-1] + next(c for c in CHECK_ALPHABET if c != CODE[-1])
    assert code_from_input("") == (None, CodeProblem.EMPTY)
    assert code_from_input("7K3M-Q9XD") == (None, CodeProblem.LENGTH)
    assert code_from_input("7K3M-Q9XD-2H!#") == (None, CodeProblem.CHARACTER)
    assert code_from_input(wrong_check) == (None, CodeProblem.CHECK)
    assert code_from_input(f"https://portal.acme.example/pickup?code={wrong_check}") == (
        None,
        CodeProblem.CHECK,
    )
    assert code_from_input("https://portal.acme.example/login") == (None, CodeProblem.CHARACTER)


def test_usernames() -> None:
    assert username_problem("jordan.doe") is None
    assert username_problem("j.d@acme-1") is None
    for bad in ("", "jd", "x" * 65, ".jordan", "jordan doe", "jördan"):
        assert username_problem(bad) is not None, bad


def test_password_rules_tick_as_typed() -> None:
    assert "password" in common_passwords()
    assert [rule.kept for rule in password_rules("", "sam")] == [False, False, False]
    assert [rule.kept for rule in password_rules("password", "sam")] == [True, False, True]
    assert [rule.kept for rule in password_rules("sam.lee.x", "sam.lee.x")] == [True, True, False]
    assert [rule.kept for rule in password_rules("lantern-harbor-91", "sam")] == [True] * 3
    assert password_problem("short", "sam") is not None
    assert password_problem("PASSWORD", "sam") is not None
    assert password_problem("lantern-harbor-91", "sam") is None
    assert confirm_problem("lantern-harbor-91", "lantern-harbor-9") is not None
    assert confirm_problem("lantern-harbor-91", "lantern-harbor-91") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1985-04-23", date(1985, 4, 23)),
        ("1985/4/3", date(1985, 4, 3)),
        ("19850423", date(1985, 4, 23)),
        (" 1985 04 23 ", date(1985, 4, 23)),
    ],
)
def test_dates_of_birth_year_first(typed: str, expected: date) -> None:
    assert parse_birth_date(typed) == (expected, None)


@pytest.mark.parametrize("typed", ["", "23.04.1985", "1985-02-30", "1850-01-01", "2999-01-01"])
def test_dates_of_birth_that_are_not(typed: str) -> None:
    value, problem = parse_birth_date(typed, today=date(2026, 1, 1))
    assert value is None
    assert problem is not None
    assert re.search(r"\w", problem)
