"""The pickup-code visit at the terminal, against a real kiosk-server on a loopback port."""

from __future__ import annotations

import re
from datetime import date, timedelta

from textual.widgets import Button, Input, Static

from kiosk.app import KioskApp
from kiosk.backend.pickup_client import invalid_message
from kiosk.server.enrolment import issue_code
from kiosk.tools.drive import screen_text
from screens.consent import ConsentScreen
from screens.farewell import FarewellScreen
from screens.pickup_code import PickupCodeScreen
from screens.pickup_done import PickupDoneScreen
from screens.pickup_identity import IdentityScreen
from screens.pickup_login import LoginScreen
from screens.pickup_review import PickupReviewScreen
from screens.qr_code import QRCode
from screens.questionnaire_page import QuestionnairePageScreen
from screens.welcome import WelcomeScreen
from tests.pickup.cable import Cable
from tests.pickup.env import (
    ELSEWHERE_URL,
    LOCKOUT_SECONDS,
    LOGIN_URL,
    OTHER_TERMINAL,
    PickupEnv,
    intake_url,
)
from tests.pickup.helpers import (
    confirm_identity,
    create_login,
    enter_code,
    fill,
    shown,
    sign_consents,
    wait_for_text,
    wait_until,
)
from tests.visit_helpers import fill_all_pages, tap

SIZE = (100, 40)


def on(app: KioskApp, screen_type: type) -> bool:
    return isinstance(app.screen, screen_type)


async def test_a_code_becomes_a_login_with_the_consents_signed(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Jordan", "Doe", date_of_birth=date(1985, 4, 23))
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        # Typed key by key, in lower case with spaces: a scanner types just as fast.
        await enter_code(pilot, code.lower().replace("-", " "), typed=True)
        await wait_until(pilot, lambda: on(app, IdentityScreen))
        assert shown(pilot, "#masked-name") == "J*** D***"
        await confirm_identity(pilot, "1985-04-23")
        await create_login(pilot, "jordan.doe")
        assert await sign_consents(pilot, "Jordan Doe") == [
            "Privacy notice",
            "Consent to vaccination",
        ]
        assert on(app, PickupReviewScreen)
        assert "Username: jordan.doe" in shown(pilot, "#review-username")
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
        text = screen_text(app)
        assert "Your login is ready." in text
        assert "✓ Signed: Privacy notice" in text
        assert "✓ Signed: Consent to vaccination" in text
        assert app.screen.query_one("#portal-qr", QRCode).data == LOGIN_URL
        assert app.visit is None
        await tap(pilot, "#done")
        assert on(app, WelcomeScreen)
    assert pickup_env.login(chart_id) == "jordan.doe"
    assert sorted(pickup_env.signatures(chart_id)) == [
        ("privacy", "lobby-pickup"),
        ("vaccination", "lobby-pickup"),
    ]


async def test_a_scanned_portal_address_and_a_mistyped_code(pickup_env: PickupEnv) -> None:
    _chart_id, code = pickup_env.chart("Ana", "Lima")
    mistyped = code[:5] + ("0" if code[5] != "0" else "1") + code[6:]
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        before = pickup_env.failed_attempts()
        await enter_code(pilot, mistyped)
        await wait_for_text(pilot, "typing mistake")
        assert pickup_env.failed_attempts() == before  # caught here; the server was not asked
        await fill(pilot, "#pickup-code", "7K3M")
        await pilot.press("enter")
        await wait_for_text(pilot, "A pickup code has 12 letters and digits")
        scanned = f"{LOGIN_URL}?code={code.replace('*', '%2A')}"
        await fill(pilot, "#pickup-code", scanned)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, IdentityScreen))
        assert shown(pilot, "#masked-name") == "A*** L***"
        assert not app.screen.query("#dob")  # this chart has no date of birth


async def test_wrong_expired_and_used_codes_get_one_message(pickup_env: PickupEnv) -> None:
    wrong_id, wrong = pickup_env.chart("Wes", "Wrong")
    expired_id, expired = pickup_env.chart("Eve", "Expired")
    pickup_env.expire_code(expired_id)
    used_id, used = pickup_env.chart("Uma", "Used")
    # Reissuing revokes: the first code of this chart is now as good as a wrong one.
    with pickup_env.sessions() as session:
        issue_code(session, wrong_id, "hr-feed", timedelta(days=7))
    app = KioskApp(pickup_env.config("lobby-wrong"))
    messages = []
    async with app.run_test(size=SIZE) as pilot:
        assert pickup_env.redeem(used, "uma.used") == 201  # at another terminal, earlier
        await tap(pilot, "#start-code")
        for code in (wrong, expired, used):
            await fill(pilot, "#pickup-code", code)
            await pilot.press("enter")
            await wait_until(pilot, lambda: shown(pilot, "#pickup-code-error") != "")
            messages.append(shown(pilot, "#pickup-code-error"))
            assert app.screen.query_one("#pickup-code").value == code  # kept to correct
        assert on(app, PickupCodeScreen)
    assert messages == [invalid_message()] * 3
    assert pickup_env.login(used_id) == "uma.used"


async def test_lock_out_says_how_long_and_ends(pickup_env: PickupEnv) -> None:
    _chart_id, good = pickup_env.chart("Lou", "Locke")
    _other, wrong = pickup_env.chart("Wil", "Wrong")
    pickup_env.expire_code(_other)
    app = KioskApp(pickup_env.config("lobby-lock"))
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#start-code")
        for _ in range(5):
            await fill(pilot, "#pickup-code", wrong)
            await pilot.press("enter")
            await wait_until(pilot, lambda: shown(pilot, "#pickup-code-error") != "")
            await fill(pilot, "#pickup-code", "")
        await fill(pilot, "#pickup-code", good)
        await pilot.press("enter")
        await wait_for_text(pilot, "Too many attempts at this terminal. Please wait")
        # It counts down from the lock-out the server gave, so it may have ticked once already.
        waiting = re.search(r"wait (\d+) seconds?", shown(pilot, "#pickup-status"))
        assert waiting is not None
        assert 1 <= int(waiting.group(1)) <= LOCKOUT_SECONDS
        assert on(app, PickupCodeScreen)
        await wait_for_text(pilot, "You can try your code again now.")  # counted down
        await tap(pilot, "#pickup-continue")
        await wait_until(pilot, lambda: on(app, IdentityScreen))


async def test_date_of_birth_mismatch_counts_and_can_be_corrected(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Dee", "Birch", date_of_birth=date(1990, 12, 31))
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, code)
        await confirm_identity(pilot, "31.12.1990")
        await wait_for_text(pilot, "month/day/year")  # not a date this field reads
        await confirm_identity(pilot, "1990-12-30")
        # Said at the identity step, before the rest of the visit, and counted as a failure.
        await wait_until(pilot, lambda: "does not match" in shown(pilot, "#dob-error"))
        assert "does not match our records" in shown(pilot, "#dob-error")
        assert on(app, IdentityScreen)
        assert pickup_env.chart_row(chart_id)["failed_confirmations"] == 1
        assert pickup_env.login(chart_id) is None
        await confirm_identity(pilot, "1990-12-31")
        await create_login(pilot, "dee.birch")
        await sign_consents(pilot, "Dee Birch")
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
    assert pickup_env.login(chart_id) == "dee.birch"


async def test_only_due_consents_are_asked(pickup_env: PickupEnv) -> None:
    renew_id, renew = pickup_env.chart("Rae", "Renew")
    pickup_env.sign(renew_id, "vaccination", days_ago=400)  # yearly: due again
    pickup_env.sign(renew_id, "privacy", days_ago=900)  # no renewal: still good
    fresh_id, fresh = pickup_env.chart("Fay", "Fresh")
    pickup_env.sign(fresh_id, "vaccination", days_ago=30)
    pickup_env.sign(fresh_id, "privacy", days_ago=30)
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, renew)
        await confirm_identity(pilot)
        await create_login(pilot, "rae.renew")
        assert await sign_consents(pilot, "Rae Renew") == ["Consent to vaccination"]
        assert on(app, PickupReviewScreen)
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
        await tap(pilot, "#done")
        await enter_code(pilot, fresh)
        await confirm_identity(pilot)
        await create_login(pilot, "fay.fresh")
        await wait_until(pilot, lambda: not on(app, LoginScreen))
        assert not on(app, ConsentScreen)
        assert on(app, PickupReviewScreen)
    assert [form for form, _t in pickup_env.signatures(renew_id)] == [
        "privacy",
        "vaccination",
        "vaccination",
    ]


async def test_two_terminals_race_with_one_code(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Ray", "Race")
    first = KioskApp(pickup_env.config())
    second = KioskApp(pickup_env.config(OTHER_TERMINAL))
    async with first.run_test(size=SIZE) as p1, second.run_test(size=SIZE) as p2:
        for pilot, username in ((p1, "ray.one"), (p2, "ray.two")):
            await enter_code(pilot, code)
            await confirm_identity(pilot)
            await create_login(pilot, username)
            await sign_consents(pilot, "Ray Race")
        assert on(first, PickupReviewScreen)
        assert on(second, PickupReviewScreen)
        # Both press Submit before either has an answer.
        first.screen.query_one("#submit", Button).press()
        second.screen.query_one("#submit", Button).press()
        for pilot, app in ((p1, first), (p2, second)):
            await wait_until(pilot, lambda a=app: not on(a, PickupReviewScreen), seconds=60)
        outcomes = sorted(type(app.screen).__name__ for app in (first, second))
        assert outcomes == ["FarewellScreen", "PickupDoneScreen"]
        loser = first if on(first, FarewellScreen) else second
        message = str(loser.screen.query_one("#farewell-message", Static).render())
        assert "used a moment ago, perhaps at another terminal" in message
    assert pickup_env.login(chart_id) in {"ray.one", "ray.two"}


async def test_server_unreachable_keeps_what_was_typed(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Una", "Reach")
    cable = Cable(pickup_env.base_url)
    app = KioskApp(pickup_env.config(url=cable.url))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await enter_code(pilot, code)  # the cable is not plugged in yet
            await wait_for_text(pilot, "cannot be reached right now")
            assert app.screen.query_one("#pickup-code", Input).value == code
            assert str(app.screen.query_one("#pickup-continue", Button).label) == "Try again"
            cable.plug()
            await tap(pilot, "#pickup-continue")
            await confirm_identity(pilot)
            await create_login(pilot, "una.reach")
            await sign_consents(pilot, "Una Reach")
            cable.unplug()
            await tap(pilot, "#submit")
            # said in the status line under the answers (it may be scrolled below the fold)
            await wait_until(
                pilot, lambda: "Your answers are still here" in shown(pilot, "#submit-status")
            )
            assert on(app, PickupReviewScreen)
            assert pickup_env.login(chart_id) is None
            cable.plug()
            await tap(pilot, "#submit")
            await wait_until(pilot, lambda: on(app, PickupDoneScreen))
    finally:
        cable.unplug()
    assert pickup_env.login(chart_id) == "una.reach"


async def test_login_rules_are_shown_live_and_failures_beside_fields(
    pickup_env: PickupEnv,
) -> None:
    _taken_id, taken_code = pickup_env.chart("Sam", "Lee")
    assert pickup_env.redeem(taken_code, "sam.lee") == 201
    chart_id, code = pickup_env.chart("Sam", "Lane")
    _racer_id, racer_code = pickup_env.chart("Sal", "Racer")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, code)
        await confirm_identity(pilot)
        await wait_until(pilot, lambda: on(app, LoginScreen))
        assert shown(pilot, "#rule-0").startswith("✗")
        await fill(pilot, "#username", "s")
        await fill(pilot, "#password", "password", typed=True)
        assert shown(pilot, "#rule-0").startswith("✓")  # eight characters
        assert shown(pilot, "#rule-1").startswith("✗")  # but a common one
        await fill(pilot, "#password-confirm", "passw0rd")
        await tap(pilot, "#next")
        assert "at least 3 characters" in shown(pilot, "#username-error")
        assert "too common" in shown(pilot, "#password-error")
        assert "not the same" in shown(pilot, "#password-confirm-error")
        # A username someone has already: said when leaving the step, beside the field.
        await create_login(pilot, "SAM.LEE")
        await wait_until(pilot, lambda: "taken" in shown(pilot, "#username-error"))
        assert on(app, LoginScreen)
        await create_login(pilot, "sam.lane")
        await sign_consents(pilot, "Sam Lane")
        # Taken at another terminal meanwhile: the backend says so on Submit, beside the field.
        assert pickup_env.redeem(racer_code, "sam.lane") == 201
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, LoginScreen))
        assert "taken" in shown(pilot, "#username-error")
        await create_login(pilot, "sam.lane2")
        await wait_until(pilot, lambda: on(app, PickupReviewScreen))
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
    assert pickup_env.login(chart_id) == "sam.lane2"


async def test_not_me_and_escape_leave_nothing_behind(pickup_env: PickupEnv) -> None:
    _chart_id, code = pickup_env.chart("Nia", "Other")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, code)
        await wait_until(pilot, lambda: on(app, IdentityScreen))
        await tap(pilot, "#identity-no")
        assert on(app, FarewellScreen)
        assert app.visit is None
        await tap(pilot, "#done")
        await tap(pilot, "#start-code")
        await fill(pilot, "#pickup-code", code)
        await pilot.press("escape")
        assert on(app, WelcomeScreen)
        assert app.visit is None


async def test_assigned_questionnaires_are_filled_and_filed(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Quinn", "Form", questionnaires=[intake_url(), ELSEWHERE_URL])
    pickup_env.sign(chart_id, "privacy", days_ago=1)
    pickup_env.sign(chart_id, "vaccination", days_ago=1)
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, code)
        await confirm_identity(pilot)
        await create_login(pilot, "quinn.form")
        await wait_until(pilot, lambda: on(app, QuestionnairePageScreen))
        await fill_all_pages(pilot)
        assert on(app, PickupReviewScreen)
        later = [str(w.render()) for w in app.screen.query(".later-item")]
        assert later == ["To do later in the portal: Travel history"]
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
        text = screen_text(app)
        assert "✓ Filed: Applicant intake" in text
        assert "Still to do in the portal: Travel history" in text
    assert pickup_env.chart_row(chart_id)["documents"] == [intake_url()]


async def test_a_visit_in_another_language_ends_in_that_language(pickup_env: PickupEnv) -> None:
    """The closing screen is still in the visitor's language; English comes back after it."""
    chart_id, code = pickup_env.chart("Minh", "Tran")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        app.set_visitor_language("vi")
        await pilot.pause()
        await enter_code(pilot, code)
        await confirm_identity(pilot)
        await create_login(pilot, "minh.tran")
        await sign_consents(pilot, "Minh Tran")
        assert on(app, PickupReviewScreen)
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
        for _ in range(5):
            await pilot.pause()
        assert on(app, PickupDoneScreen)  # not a crash back to Welcome
        assert "Tài khoản đăng nhập của bạn đã sẵn sàng." in screen_text(app)
        await tap(pilot, "#done")
        await wait_until(pilot, lambda: on(app, WelcomeScreen))
        assert app.language == "en"
    assert pickup_env.login(chart_id) == "minh.tran"
    # The test portal's consents are in English only: the signature records the text shown.
    assert sorted(pickup_env.signatures(chart_id)) == [
        ("privacy", "lobby-pickup"),
        ("vaccination", "lobby-pickup"),
    ]


def test_what_was_filed_is_named_in_the_visitors_language() -> None:
    """The done screen names each questionnaire as its pages did: by its translated title."""
    from types import SimpleNamespace

    from kiosk.app import load_portal_questionnaires
    from kiosk.config import load_config
    from kiosk.i18n import set_language
    from kiosk.visits.pickup import done_lines

    portal = load_config().portal("cascade-contractors")
    visit = SimpleNamespace(signatures={}, questionnaires=load_portal_questionnaires(portal))
    try:
        set_language("es")
        lines = done_lines(visit)  # type: ignore[arg-type]
    finally:
        set_language("en")
    title = visit.questionnaires[0].questionnaire.title_in("es")
    assert title != visit.questionnaires[0].questionnaire.title  # the demo form has Spanish
    assert lines == [f"Archivado: {title}"]
