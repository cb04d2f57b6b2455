"""A whole applicant visit as ``kiosk drive`` scenario steps, by keyboard alone.

Every question is answered the way ``tests/visit_helpers.py`` answers it (booleans No, first
choice, short typed examples), moving with Tab as a keyboard user does. The shipped example
``tests/scenarios/demo_applicant_visit.toml`` is this visit on the demo portal (written by
``tests/scenarios/generate_demo_visit.py``); the tests of ``kiosk drive`` and ``kiosk web``
run it on the fixture portal of ``tests/mini_portal.py``.
"""

from __future__ import annotations

from kiosk.app import load_portal_questionnaires
from kiosk.config import PortalConfig
from kiosk.questionnaire import ItemType, is_enabled, parse_text_answer
from screens.question_fields import walk
from tests.visit_helpers import typed_example

FIRST, LAST = "Dana", "Kowalczyk-Ng"


def step(**action: object) -> str:
    """One ``[[step]]`` table of a scenario."""
    (key, value), *_ = action.items()
    rendered = (
        "[" + ", ".join(f'"{k}"' for k in value) + "]"
        if isinstance(value, list)
        else (f'"{value}"')
    )
    return f"[[step]]\n{key} = {rendered}\n"


def keyboard_visit(portal: PortalConfig, first: str = FIRST, last: str = LAST) -> list[str]:
    """The steps of a complete applicant visit on *portal*: Welcome to the confirmation."""
    steps = [
        step(expect="I am applying for a job"),
        step(screenshot="welcome"),
        step(press=["enter"]),
        step(expect="Your name"),
        step(type=first),
        step(press=["enter"]),
        step(type=last),
        step(press=["enter"]),
    ]
    for consent in portal.consents:
        steps += [
            step(expect=consent.title),
            step(type=f"{first} {last}"),
            step(press=["enter", "space", "tab", "tab", "tab", "enter"]),
        ]
    for entry in load_portal_questionnaires(portal):
        q = entry.questionnaire
        answers: dict[str, object] = {}
        pages = q.pages()
        for number, page in enumerate(pages, start=1):
            if not any(is_enabled(q, i.link_id, answers) for i in page.items):
                continue
            steps.append(step(expect=f"Page {number} of {len(pages)}"))
            keys: list[str] = []
            for item in walk(page.items):
                if not item.is_question or not is_enabled(q, item.link_id, answers):
                    continue
                if item.type is ItemType.BOOLEAN:
                    keys += ["down", "enter", "tab"]
                    answers[item.link_id] = False
                elif item.type is ItemType.CHOICE:
                    keys += ["enter", "tab"]
                    answers[item.link_id] = item.options[0].value
                else:
                    text = typed_example(item)
                    if text:
                        steps.append(step(press=keys)) if keys else None
                        keys = []
                        steps.append(step(type=text))
                    keys.append("tab")
                    answers[item.link_id] = parse_text_answer(item, text)
            steps.append(step(press=[*keys, "tab", "enter"]))  # past Back, onto Next
    steps += [
        step(expect="Please check your answers"),
        step(screenshot="review"),
        step(press=["enter"]),  # Submit has the focus on the review
        step(expect="Your reference number"),
        step(screenshot="confirmation"),
        step(expect_not="Traceback"),
    ]
    return steps


def scenario_text(portal: PortalConfig, *comments: str) -> str:
    """A scenario file of :func:`keyboard_visit`, under *comments* (one ``#`` line each)."""
    header = [f"# {line}" if line else "#" for line in comments]
    if header:
        header[-1] += "\n"
    return "\n".join([*header, *keyboard_visit(portal)])
