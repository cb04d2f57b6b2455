"""The pickup visit with speech on: the masked name is said, the password only by its length."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk.app import KioskApp
from kiosk.speech.speakers import TranscriptSpeaker, read_transcript
from screens.pickup_identity import IdentityScreen
from screens.pickup_login import LoginScreen
from tests.pickup.env import PickupEnv
from tests.pickup.helpers import PASSWORD, confirm_identity, enter_code, wait_until
from tests.visit_helpers import tap


async def test_a_password_is_said_only_by_its_length(pickup_env: PickupEnv, tmp_path: Path) -> None:
    _chart_id, code = pickup_env.chart("Morgan", "Vale", date_of_birth=date(1990, 2, 3))
    transcript = tmp_path / "speech.txt"
    app = KioskApp(pickup_env.config(), speaker=TranscriptSpeaker(transcript))
    length = f"Password, password field, {len(PASSWORD)} characters"

    def said_now() -> list[str]:
        return [phrase for _language, phrase in read_transcript(transcript)]

    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5")
        await enter_code(pilot, code)
        await wait_until(pilot, lambda: isinstance(app.screen, IdentityScreen))
        await wait_until(pilot, lambda: any(p.startswith("Is this you?") for p in said_now()))
        await confirm_identity(pilot, "1990-02-03")
        await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        await tap(pilot, "#password")
        await pilot.press(*PASSWORD, "tab")
        await pilot.press("shift+tab")
        await wait_until(pilot, lambda: length in said_now())  # said as the focus comes back
        await pilot.press("f7")
        await wait_until(pilot, lambda: said_now().count(length) == 2)  # and in the whole screen
    said = said_now()
    assert any(p.startswith("Is this you?") and "M*** V***" in p for p in said)
    assert length in said
    assert PASSWORD not in transcript.read_text(encoding="utf-8")
