"""What the visitor typed into a questionnaire's fields, kept even when it is not valid.

Drafts live in ``Visit.drafts`` under a :class:`~kiosk.flow.session.DraftKey`: the
questionnaire's index, the item's linkId, its instance path and the slot of its field (a
row of its answers, ``"other"`` for an open-choice's own answer, ``"unit"`` for a quantity's
chosen unit). The page writes them from its widgets' Changed events (the event carries the
text); the fields read them from here, never from their widgets. Removing an instance of a
repeating group renumbers the drafts of the instances after it.
"""

from __future__ import annotations

from typing import Literal

from kiosk.flow.session import DraftKey
from kiosk.questionnaire import Path, Questionnaire

Slot = int | Literal["other", "unit"]


class Drafts:
    """The drafts of one questionnaire of the visit."""

    def __init__(self, store: dict[DraftKey, str], questionnaire: int) -> None:
        self.store = store
        self.questionnaire = questionnaire

    def key(self, link_id: str, path: Path, slot: Slot) -> DraftKey:
        return DraftKey(self.questionnaire, link_id, path, slot)

    def get(self, link_id: str, path: Path, slot: Slot = 0) -> str | None:
        return self.store.get(self.key(link_id, path, slot))

    def set(self, link_id: str, path: Path, slot: Slot, text: str) -> None:
        self.store[self.key(link_id, path, slot)] = text

    def rows(self, link_id: str, path: Path) -> list[str] | None:
        """The typed rows of a (repeating) text answer, or ``None`` if none were typed."""
        found = {
            key.slot: text
            for key, text in self.store.items()
            if isinstance(key.slot, int)
            and (key.questionnaire, key.link_id, key.path) == (self.questionnaire, link_id, path)
        }
        if not found:
            return None
        return [found.get(row, "") for row in range(max(found) + 1)]

    def set_rows(self, link_id: str, path: Path, rows: list[str]) -> None:
        old = self.rows(link_id, path) or []
        for row in range(len(rows), len(old)):
            self.store.pop(self.key(link_id, path, row), None)
        for row, text in enumerate(rows):
            self.set(link_id, path, row, text)

    def remove_instance(
        self, questionnaire: Questionnaire, container: str, container_path: Path, index: int
    ) -> None:
        """Forget the drafts of instance *index* of *container* and renumber those after it."""
        depth = len(container_path)
        moved: dict[DraftKey, str] = {}
        for key, text in list(self.store.items()):
            if key.questionnaire != self.questionnaire or key.link_id not in questionnaire:
                continue
            chain = [c.link_id for c in questionnaire.containers_of(key.link_id)]
            if len(chain) <= depth or chain[depth] != container:
                continue
            path = key.path
            if path[:depth] != container_path or len(path) <= depth:
                continue
            del self.store[key]
            if path[depth] == index:
                continue
            if path[depth] > index:
                path = (*path[:depth], path[depth] - 1, *path[depth + 1 :])
            moved[key._replace(path=path)] = text
        self.store.update(moved)
