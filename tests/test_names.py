"""Names: letters of any script, spaces, hyphens and apostrophes, at most 60 characters."""

from __future__ import annotations

import pytest

from kiosk.flow.names import name_problem, normalize_name


@pytest.mark.parametrize(
    "name",
    [
        "Ana",
        "O'Neil",
        "Jean-Luc",
        "María José",
        "Søren",
        "Nguyễn",
        "张伟",
        "Владимир",
        "D’Arcy",
        "देवनागरी",
        "A" * 60,
    ],
)
def test_accepted(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "enter"),
        ("   ", "enter"),
        ("A" * 61, "60"),
        ("R2D2", "“2”"),
        ("Ana!", "“!”"),
        ("-Ana", "starts with a letter"),
        ("<script>", "starts with a letter"),
        ("a_b", "“_”"),
    ],
)
def test_refused_with_a_clear_message(name: str, fragment: str) -> None:
    problem = name_problem(name)
    assert problem is not None
    assert fragment in problem


def test_normalize_folds_spaces_and_composes() -> None:
    assert normalize_name("  Ana   Mari\u0301a ") == "Ana María"
