"""The pickup review lists the consents its Submit signs, with a way back to each."""

from __future__ import annotations

from datetime import date

from kiosk.app import KioskApp
from kiosk.tools.drive import screen_text
from screens.consent import ConsentScreen
from screens.pickup_review import PickupReviewScreen
from tests.pickup.env import PickupEnv
from tests.pickup.helpers import (
    confirm_identity,
    create_login,
    enter_code,
    sign_consents,
    wait_until,
)
from tests.visit_helpers import tap


async def test_the_pickup_review_lists_the_consents_about_to_be_signed(
    pickup_env: PickupEnv,
) -> None:
    _chart_id, code = pickup_env.chart("Jordan", "Doe", date_of_birth=date(1985, 4, 23))
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=(100, 40)) as pilot:
        await enter_code(pilot, code)
        await confirm_identity(pilot, "1985-04-23")
        await create_login(pilot, "jordan.doe")
        titles = await sign_consents(pilot, "jordan doe")
        assert titles == ["Privacy notice", "Consent to vaccination"]
        await wait_until(pilot, lambda: isinstance(app.screen, PickupReviewScreen))
        text = screen_text(app)
        for title in titles:
            assert f"You sign: {title}" in text
        assert text.count("Signed as: jordan doe") == 2

        sections = list(app.screen.query(".review-consent"))
        assert len(sections) == 2
        await tap(pilot, sections[1].query_one(".change"))  # back to the second consent
        await wait_until(pilot, lambda: isinstance(app.screen, ConsentScreen))
        assert app.screen.consent.title == "Consent to vaccination"
