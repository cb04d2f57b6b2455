"""Where a visit stands on its plan: which steps are shown, and which page still has a problem.

A questionnaire page whose questions enableWhen all hides is skipped; the review sends the
visitor back to the first page that still has a problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk.flow.plan import Step, StepKind

if TYPE_CHECKING:
    from kiosk.flow.session import Visit


def step_is_shown(visit: Visit | None, step: Step) -> bool:
    """Whether *step* is shown: every step but a page on which enableWhen hides every question."""
    from kiosk.questionnaire import is_enabled

    if step.kind is not StepKind.PAGE or visit is None:
        return True
    q = visit.questionnaires[step.index].questionnaire
    answers = visit.answers[step.index]
    page = q.pages()[step.page]
    return any(is_enabled(q, item.link_id, answers) for item in page.items)


def first_step_with_problems(visit: Visit | None, steps: Sequence[Step]) -> int | None:
    """The index of the first shown questionnaire page that still has a problem, if any (a
    constraint of the questionnaire itself counts on the page that checks it)."""
    from kiosk.questionnaire.page_problems import page_problems

    if visit is None:
        return None
    for index, step in enumerate(steps):
        if step.kind is not StepKind.PAGE or not step_is_shown(visit, step):
            continue
        q = visit.questionnaires[step.index].questionnaire
        if page_problems(q, visit.answers[step.index], step.page):
            return index
    return None
