"""The problems a page checks when the visitor presses Next, the form's own constraints too.

A ``targetConstraint`` on the questionnaire itself (not on an item) is a rule about the
response as a whole, and SDC has it hold for the completed response; Smart Forms evaluates
it as answers change and refuses to submit while an error-severity one fails (LHC-Forms has
no targetConstraint). A paged terminal checks it on the page where the last of its inputs
is asked, the first point at which all the answers it reads are given, so that the visitor
hears of it next to (some of) the answers that break it, before the review: on Next of
the last shown page that holds an item the expression names (directly or through the
questionnaire's variables), or of the last shown page when it names none or may read any
answer. Its problem is keyed :data:`FORM_KEY` and says the constraint's human text, in the
visitor's language when the form translates it.
"""

from __future__ import annotations

from kiosk.questionnaire.answers import Answers
from kiosk.questionnaire.dependencies import dependencies_of
from kiosk.questionnaire.enable import EnableState
from kiosk.questionnaire.model import Constraint, Questionnaire, walk_items
from kiosk.questionnaire.validate import broken_form_constraint, problems

FORM_KEY = ""
"""The answer key of a problem of the questionnaire as a whole."""


def page_problems(
    questionnaire: Questionnaire,
    answers: Answers,
    page_index: int,
    *,
    state: EnableState | None = None,
) -> dict[str, str]:
    """Every problem of the page *page_index* by answer key (see
    :func:`~kiosk.questionnaire.validate.problems`), and under :data:`FORM_KEY` the first
    questionnaire constraint checked on this page that does not hold."""
    state = state or EnableState(questionnaire, answers)
    page = questionnaire.pages()[page_index]
    found = problems(questionnaire, answers, page.items, state=state)
    due = [
        constraint
        for constraint in questionnaire.constraints
        if constraint_page(questionnaire, constraint, state) == page_index
    ]
    if due:
        broken = broken_form_constraint(questionnaire, tuple(due), state)
        if broken is not None:
            found[FORM_KEY] = broken
    return found


def page_shown(questionnaire: Questionnaire, page_index: int, state: EnableState) -> bool:
    """Whether the page is shown: some item on it is enabled (else the visitor skips it)."""
    page = questionnaire.pages()[page_index]
    return any(state.enabled(item.link_id) for item in page.items)


def constraint_page(
    questionnaire: Questionnaire, constraint: Constraint, state: EnableState
) -> int:
    """The page whose Next checks the questionnaire constraint *constraint* (see the module
    docstring), for the answers of *state*."""
    pages = questionnaire.pages()
    shown = [index for index in range(len(pages)) if page_shown(questionnaire, index, state)]
    last = shown[-1] if shown else len(pages) - 1
    named = dependencies_of(questionnaire).named(None, constraint.expression)
    if not named:
        return last
    holding = _page_of_link_id(questionnaire)
    asked = [index for index in shown if any(holding.get(link_id) == index for link_id in named)]
    return asked[-1] if asked else last


def _page_of_link_id(questionnaire: Questionnaire) -> dict[str, int]:
    """linkId -> the page that shows it (made once per questionnaire)."""
    found = questionnaire.runtime.get("page_of")
    if isinstance(found, dict):
        return found
    index: dict[str, int] = {}
    for number, page in enumerate(questionnaire.pages()):
        if page.link_id is not None:
            index.setdefault(page.link_id, number)
        for item in walk_items(page.items):
            index.setdefault(item.link_id, number)
    questionnaire.runtime["page_of"] = index
    return index
