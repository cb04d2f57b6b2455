"""Find answer options by what the visitor has typed so far (autocomplete over long lists).

Matching ignores case and accents. Labels whose first word starts with the text come
first, then labels with any word starting with it, then labels containing it anywhere;
within each rank the options keep the form's order. An index is built once per list of
labels, so a keystroke over thousands of options costs a scan of prepared strings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def fold(text: str) -> str:
    """*text* without case or accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class OptionIndex:
    """The labels of one item's options, folded once."""

    labels: tuple[str, ...]
    folded: tuple[str, ...]
    word_starts: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, labels: Sequence[str]) -> OptionIndex:
        folded = tuple(fold(label) for label in labels)
        starts = tuple(_word_starts(text) for text in folded)
        return cls(tuple(labels), folded, starts)

    def search(self, typed: str, limit: int = 8) -> list[int]:
        """Indexes of the options matching *typed*, best first, at most *limit*."""
        wanted = fold(typed.strip())
        if not wanted:
            return []
        first: list[int] = []
        word: list[int] = []
        inside: list[int] = []
        for index, text in enumerate(self.folded):
            at = text.find(wanted)
            if at < 0:
                continue
            if at == 0:
                first.append(index)
                if len(first) >= limit:
                    break
            elif any(text.startswith(wanted, start) for start in self.word_starts[index]):
                word.append(index)
            else:
                inside.append(index)
        return (first + word + inside)[:limit]

    def exact(self, typed: str) -> int | None:
        """The option whose label is *typed* (ignoring case and accents), if any."""
        wanted = fold(typed.strip())
        for index, text in enumerate(self.folded):
            if text == wanted:
                return index
        return None


def _word_starts(text: str) -> tuple[int, ...]:
    return tuple(
        i for i, ch in enumerate(text) if ch.isalnum() and (i == 0 or not text[i - 1].isalnum())
    )
