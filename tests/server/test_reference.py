"""Short reference numbers."""

from __future__ import annotations

import itertools

import pytest

from kiosk.server.reference import (
    ALPHABET,
    PATTERN,
    ReferenceSpaceExhausted,
    new_reference,
    unused_reference,
)


def test_alphabet_is_crockford_base32_without_ambiguous_letters() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_new_reference_shape_and_spread() -> None:
    refs = [new_reference() for _ in range(2000)]
    assert all(PATTERN.match(ref) and len(ref) == 9 for ref in refs)
    assert len(set(refs)) == len(refs)
    used = set("".join(refs).replace("-", ""))
    assert used == set(ALPHABET)


def test_new_reference_draws_each_character_from_the_random_source() -> None:
    draws = itertools.count()
    ref = new_reference(randbelow=lambda n: next(draws) % n)
    assert ref == "0123-4567"
    assert new_reference(randbelow=lambda n: n - 1) == "ZZZZ-ZZZZ"


def test_unused_reference_retries_past_taken_ones() -> None:
    candidates = iter(["AAAA-AAAA", "BBBB-BBBB", "CCCC-CCCC"])
    taken = {"AAAA-AAAA", "BBBB-BBBB"}
    assert unused_reference(taken.__contains__, generate=lambda: next(candidates)) == "CCCC-CCCC"


def test_unused_reference_gives_up() -> None:
    with pytest.raises(ReferenceSpaceExhausted):
        unused_reference(lambda _ref: True, attempts=3)
