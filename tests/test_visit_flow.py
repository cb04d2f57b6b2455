"""The plan of each kind of visit (``kiosk/flow/plan.py``): its steps in order, without Textual."""

from __future__ import annotations

import subprocess
import sys

from kiosk.flow.plan import (
    Step,
    StepKind,
    applicant_steps,
    pickup_steps,
    returning_steps,
)


def test_each_visit_has_its_sequence() -> None:
    assert applicant_steps(1, [2]) == (
        Step(StepKind.NAME),
        Step(StepKind.CONSENT, 0),
        Step(StepKind.PAGE, 0, 0),
        Step(StepKind.PAGE, 0, 1),
        Step(StepKind.REVIEW),
    )
    assert pickup_steps([1], [1]) == (
        Step(StepKind.IDENTITY),
        Step(StepKind.LOGIN),
        Step(StepKind.CONSENT, 1),
        Step(StepKind.PAGE, 0, 0),
        Step(StepKind.PICKUP_REVIEW),
    )
    # A returning visitor: only what is due, then the review; nothing due, no steps at all.
    assert returning_steps([0], [0, 2]) == (
        Step(StepKind.CONSENT, 0),
        Step(StepKind.PAGE, 1, 0),
        Step(StepKind.PAGE, 1, 1),
        Step(StepKind.RETURNING_REVIEW),
    )
    assert returning_steps([], []) == ()
    assert Step("page", 1, 0) == Step(StepKind.PAGE, 1, 0)  # kinds compare as their names


def test_the_flow_does_not_load_textual() -> None:
    code = "import sys, kiosk.flow.plan; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
