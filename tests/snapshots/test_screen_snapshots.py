"""How every screen looks: SVG snapshots compared with the ones in ``__snapshots__``.

A failure means a screen's look changed. If the change is meant, regenerate (see
``conftest.py``) and review the SVGs in the diff; pytest writes ``snapshot_report.html``
showing old and new side by side.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from kiosk.flow.session import ConsentSignature
from tests.snapshots.conftest import FIRST, FIXED_NOW, LAST, REFERENCE, Snap, SnapshotKiosk
from tests.visit_helpers import buttons_released, sample_answers


def _kiosk(pilot: Pilot[None]) -> SnapshotKiosk:
    assert isinstance(pilot.app, SnapshotKiosk)
    return pilot.app


async def _named_visit(pilot: Pilot[None]) -> SnapshotKiosk:
    app = _kiosk(pilot)
    app.start_applicant_visit()
    await pilot.pause()
    assert app.visit is not None
    app.visit.first_name, app.visit.last_name = FIRST, LAST
    return app


async def _signed_and_answered(pilot: Pilot[None]) -> SnapshotKiosk:
    app = await _named_visit(pilot)
    visit = app.visit
    assert visit is not None
    for consent in app.portal.consents:
        visit.signatures[consent.id] = ConsentSignature(
            form_id=consent.id,
            title=consent.title,
            version="snapshot",
            language="en",
            typed_name=f"{FIRST} {LAST}",
            signed_at=FIXED_NOW,
        )
    for entry, answers in zip(visit.questionnaires, visit.answers, strict=True):
        answers.update(sample_answers(entry.questionnaire))
    return app


def _step_index(app: SnapshotKiosk, kind: str) -> int:
    return next(i for i, step in enumerate(app.steps) if step.kind == kind)


def test_welcome(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    assert snap(kiosk_app)


def test_name_entry(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _kiosk(pilot).start_applicant_visit()

    assert snap(kiosk_app, run_before)


def test_name_entry_with_problems(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _kiosk(pilot).start_applicant_visit()
        await pilot.pause()
        await pilot.click("#next")
        await buttons_released(pilot)

    assert snap(kiosk_app, run_before)


def test_consent(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await _named_visit(pilot)
        app.advance(_step_index(app, "consent") - 1)

    assert snap(kiosk_app, run_before)


def test_first_questionnaire_page(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await _named_visit(pilot)
        app.advance(_step_index(app, "page") - 1)

    assert snap(kiosk_app, run_before)


def test_questionnaire_page_with_problems(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await _named_visit(pilot)
        app.advance(_step_index(app, "page") - 1)
        await pilot.pause()
        next_button = app.screen.query_one("#next")
        app.screen.scroll_to_widget(next_button, animate=False)
        await pilot.pause()
        await pilot.click("#next")
        await buttons_released(pilot)

    assert snap(kiosk_app, run_before)


def test_review(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await _signed_and_answered(pilot)
        app.advance(_step_index(app, "review") - 1)

    assert snap(kiosk_app, run_before)


def test_confirmation(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        _kiosk(pilot).show_confirmation(REFERENCE)

    assert snap(kiosk_app, run_before)


def test_farewell_after_a_declined_consent(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        app = await _named_visit(pilot)
        app.advance(_step_index(app, "consent") - 1)
        await pilot.pause()
        decline = app.screen.query_one("#consent-decline")
        app.screen.scroll_to_widget(decline, animate=False)
        await pilot.pause()
        await pilot.click("#consent-decline")
        await pilot.pause()
        await pilot.click("#decline-end")
        await buttons_released(pilot)

    assert snap(kiosk_app, run_before)


def test_pickup_code_entry(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.click("#start-code")
        await buttons_released(pilot)

    assert snap(kiosk_app, run_before)


def test_pickup_done(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        from screens.pickup_done import PickupDoneScreen

        await pilot.app.push_screen(
            PickupDoneScreen(
                username="dana.kowalczyk-ng",
                done=["Consent to the pre-placement medical evaluation"],
                later=["Pre-placement Health History"],
                login_url="https://portal.example.org/login",
                seconds=60,
            )
        )

    assert snap(kiosk_app, run_before)


def test_staff_pin_prompt(snap: Snap, kiosk_app: SnapshotKiosk) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("f12")

    assert snap(kiosk_app, run_before)


EVERY_SCREEN = [
    test_welcome,
    test_name_entry,
    test_name_entry_with_problems,
    test_consent,
    test_first_questionnaire_page,
    test_questionnaire_page_with_problems,
    test_review,
    test_confirmation,
    test_farewell_after_a_declined_consent,
    test_pickup_code_entry,
    test_pickup_done,
    test_staff_pin_prompt,
]


@pytest.mark.parametrize(
    "shown", EVERY_SCREEN, ids=[test.__name__.removeprefix("test_") for test in EVERY_SCREEN]
)
def test_at_80x24(
    shown: Callable[[Snap, SnapshotKiosk], None], snap_80x24: Snap, kiosk_app: SnapshotKiosk
) -> None:
    """Every screen above on an 80×24 terminal (see also tests/test_small_screens.py)."""
    shown(snap_80x24, kiosk_app)
