"""Fixed conditions for the SVG snapshots: terminal size, clock, data, and no backend.

Regenerate every snapshot after a deliberate change of a screen's look (review the SVGs
in the diff before committing them):

    .venv/bin/python -m pytest tests/snapshots --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import ClassVar

import pytest
import time_machine
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.config import KioskConfig, load_config
from kiosk.paths import SHIPPED_CONFIG_DIR

SIZE = (100, 36)
SMALL_SIZE = (80, 24)
FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday morning at the clinic
FIRST, LAST = "Dana", "Kowalczyk-Ng"
REFERENCE = "K7QX-2M4D"


class SnapshotKiosk(KioskApp):
    """The kiosk, without its backend: no screen here needs it, and none may wait on it."""

    BACKEND_START_DELAY: ClassVar[float] = 3600.0


@pytest.fixture(autouse=True)
def still_ticker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A portal's news ticker stands still, or every picture would differ."""
    from screens.ticker import Ticker

    monkeypatch.setattr(Ticker, "moving", False)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    """Wall-clock time stands still at :data:`FIXED_NOW` (monotonic time runs on)."""
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


Snap = Callable[..., bool]


async def steady_cursors(pilot: Pilot[None]) -> None:
    """Stop every text cursor blinking (shown, steady), so the moment of capture is moot."""
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]
    await pilot.pause()


def _steady_compare(snap_compare: Snap, size: tuple[int, int]) -> Snap:
    def compare(
        app: KioskApp, run_before: Callable[[Pilot[None]], Awaitable[None]] | None = None
    ) -> bool:
        async def before(pilot: Pilot[None]) -> None:
            await pilot.pause()
            if run_before is not None:
                await run_before(pilot)
            await pilot.pause()
            await steady_cursors(pilot)

        return snap_compare(app, terminal_size=size, run_before=before)

    return compare


@pytest.fixture
def snap(snap_compare: Snap) -> Snap:
    """``snap_compare`` at :data:`SIZE`, with the cursors steadied after ``run_before``."""
    return _steady_compare(snap_compare, SIZE)


@pytest.fixture
def snap_80x24(snap_compare: Snap) -> Snap:
    """As :func:`snap`, on an 80×24 terminal."""
    return _steady_compare(snap_compare, SMALL_SIZE)


@pytest.fixture
def demo_config() -> KioskConfig:
    return load_config(SHIPPED_CONFIG_DIR / "kiosk.toml")


@pytest.fixture
def kiosk_app(demo_config: KioskConfig) -> SnapshotKiosk:
    return SnapshotKiosk(demo_config)
