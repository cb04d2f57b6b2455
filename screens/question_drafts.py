"""What the visitor typed into a questionnaire's text fields, kept even when it is not valid.

Texts live in ``Visit.drafts`` under ``(questionnaire index, key)``; the key encodes the
item, its instance path and the slot (a row of a repeating answer, ``other`` for an
open-choice's own answer, ``unit`` for a quantity's chosen unit) as JSON, so that removing
an instance of a repeating group can renumber the texts of the instances after it.
"""

from __future__ import annotations

import json

from kiosk.questionnaire import Path, Questionnaire

Slot = int | str


class Drafts:
    """The drafts of one questionnaire of the visit."""

    def __init__(self, store: dict[tuple[int, str], str], q_index: int) -> None:
        self.store = store
        self.q_index = q_index

    def _key(self, link_id: str, path: Path, slot: Slot) -> tuple[int, str]:
        return (self.q_index, json.dumps([link_id, list(path), slot]))

    def get(self, link_id: str, path: Path, slot: Slot = 0) -> str | None:
        return self.store.get(self._key(link_id, path, slot))

    def set(self, link_id: str, path: Path, slot: Slot, text: str) -> None:
        self.store[self._key(link_id, path, slot)] = text

    def rows(self, link_id: str, path: Path) -> list[str] | None:
        """The typed rows of a (repeating) text answer, or ``None`` if none were typed."""
        found: dict[int, str] = {}
        for (q, key), text in self.store.items():
            if q != self.q_index:
                continue
            d_link, d_path, slot = json.loads(key)
            if d_link == link_id and tuple(d_path) == path and isinstance(slot, int):
                found[slot] = text
        if not found:
            return None
        return [found.get(row, "") for row in range(max(found) + 1)]

    def set_rows(self, link_id: str, path: Path, rows: list[str]) -> None:
        old = self.rows(link_id, path) or []
        for row in range(len(rows), len(old)):
            self.store.pop(self._key(link_id, path, row), None)
        for row, text in enumerate(rows):
            self.set(link_id, path, row, text)

    def remove_instance(
        self, questionnaire: Questionnaire, container: str, container_path: Path, index: int
    ) -> None:
        """Forget the texts of instance *index* of *container* and renumber those after it."""
        depth = len(container_path)
        moved: dict[tuple[int, str], str] = {}
        for (q, key), text in list(self.store.items()):
            if q != self.q_index:
                continue
            link_id, path, slot = json.loads(key)
            if link_id not in questionnaire:
                continue
            chain = [c.link_id for c in questionnaire.containers_of(link_id)]
            if len(chain) <= depth or chain[depth] != container:
                continue
            if tuple(path[:depth]) != container_path or len(path) <= depth:
                continue
            del self.store[(q, key)]
            if path[depth] == index:
                continue
            if path[depth] > index:
                path[depth] -= 1
            moved[self._key(link_id, tuple(path), slot)] = text
        self.store.update(moved)
