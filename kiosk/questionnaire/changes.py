"""What changed in one visit's answers since the engine last looked, by linkId.

The screens (and ``fill``, and the response reader) change answers in place, so the engine
does not hear of each change; instead :meth:`Changes.look` compares the answers with a
snapshot of what they were when it last looked (a walk over the stored values, much
cheaper than building the response) and counts a *generation* up when something differs,
noting for each linkId the generation of its last change. A result computed at
generation ``g`` from inputs ``I`` still holds while no linkId of ``I`` changed after
``g`` (:meth:`Changes.unchanged_since`).

The snapshot holds answers, so it lives with the visit's answers (see
:class:`~kiosk.questionnaire.evaluation.VisitAnswers`), never with the questionnaire.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.questionnaire.answers import Answers, Entry, Path
from kiosk.questionnaire.dependencies import Inputs

Snapshot = dict[str, tuple[Hashable, ...]]
"""linkId -> its stored answers (or number of entries) at every path, comparable."""


@dataclass
class Changes:
    """The generations at which the answers to each linkId last changed."""

    generation: int = 0
    _snapshot: Snapshot = field(default_factory=dict)
    _changed_at: dict[str, int] = field(default_factory=dict)

    def look(self, answers: Answers) -> int:
        """Compare *answers* with the last snapshot; the current generation."""
        current = snapshot_of(answers)
        if current == self._snapshot:
            return self.generation
        self.generation += 1
        for link_id in current.keys() | self._snapshot.keys():
            if current.get(link_id) != self._snapshot.get(link_id):
                self._changed_at[link_id] = self.generation
        self._snapshot = current
        return self.generation

    def unchanged_since(self, generation: int, inputs: Inputs) -> bool:
        """Whether no answer to *inputs* (any answer, for ``None``) changed after
        *generation* (as of the last :meth:`look`)."""
        if generation == self.generation:
            return True
        if inputs is None or generation > self.generation:
            return False
        changed_at = self._changed_at
        return all(changed_at.get(link_id, 0) <= generation for link_id in inputs)


def snapshot_of(answers: Answers) -> Snapshot:
    """The stored answers of every linkId, wherever nested, in a comparable form: each path
    with its values (a repeating item also with its number of entries)."""
    found: dict[str, list[Hashable]] = {}
    stack: list[tuple[Mapping[str, Any], Path]] = [(answers, ())]
    while stack:
        scope, path = stack.pop()
        for link_id, raw in scope.items():
            if raw is None:
                continue
            own = found.setdefault(link_id, [])
            if not isinstance(raw, list):
                own.append((path, _comparable(raw)))
                continue
            own.append((path, len(raw)))
            for index, element in enumerate(raw):
                if isinstance(element, Entry):
                    own.append((path, index, _comparable(element.value)))
                    stack.append((element.answers, (*path, index)))
                elif isinstance(element, dict):
                    stack.append((element, (*path, index)))
                else:
                    own.append((path, index, _comparable(element)))
    return {link_id: tuple(values) for link_id, values in found.items()}


def _comparable(value: object) -> Hashable:
    """*value* as a key that tells apart what the response writes differently (``1`` and
    ``True``, ``1.0`` and ``1.00``)."""
    if type(value) is str or type(value) is int or type(value) is bool:
        return (type(value).__name__, value)
    return (type(value).__name__, repr(value))
