"""A returning visitor at the terminal (``#start-login``), against a real kiosk-server on a
loopback port: the login made with a pickup code keeps working, and only what is due is
asked; the sign-in lasts for the visit only."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import httpx
import time_machine
from argon2 import PasswordHasher
from sqlalchemy import select
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.server.cli import main as server_main
from kiosk.server.enrolment import create_chart
from kiosk.server.models import Document, VisitSession
from kiosk.server.schemas_staff import ChartIn
from kiosk.tools.drive import screen_text
from screens.pickup_done import PickupDoneScreen
from screens.questionnaire_page import QuestionnairePageScreen
from screens.returning_done import ReturningDoneScreen
from screens.returning_login import ReturningLoginScreen
from screens.returning_review import ReturningReviewScreen
from screens.staff import StaffScreen
from screens.welcome import WelcomeScreen
from tests.pickup.env import LOCKOUT_SECONDS, PORTAL, PickupEnv, intake_url
from tests.pickup.helpers import (
    PASSWORD,
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
PIN = "2468"
PIN_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PIN)


def on(app: KioskApp, screen_type: type) -> bool:
    return isinstance(app.screen, screen_type)


async def pickup(pilot, app: KioskApp, code: str, username: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A first visit with a pickup code: the login, every consent."""
    await enter_code(pilot, code)
    await confirm_identity(pilot)
    await create_login(pilot, username)
    await sign_consents(pilot, name)
    await tap(pilot, "#submit")
    await wait_until(pilot, lambda: on(app, PickupDoneScreen))
    await tap(pilot, "#done")


async def sign_in(pilot, username: str, password: str = PASSWORD, *, fails: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Sign in from Welcome (or the sign-in screen); unless it *fails*, wait until signed in."""
    if not isinstance(pilot.app.screen, ReturningLoginScreen):
        await tap(pilot, "#start-login")
    await fill(pilot, "#login-username", username)
    await fill(pilot, "#login-password", password)
    await pilot.press("enter")
    if not fails:
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ReturningLoginScreen))


def assign(env: PickupEnv, chart_id: int, questionnaire: str) -> None:
    """``kiosk-server assign``, as staff run it."""
    command = ["assign", "--chart", str(chart_id), questionnaire, "--database", env.database_url]
    assert server_main(command) == 0


def guess_elsewhere(env: PickupEnv, username: str, times: int) -> None:
    """Wrong passwords for *username* from another terminal, over HTTP."""
    env.config_path("lobby-guess")
    token = (env.folder / "lobby-guess.token").read_text(encoding="utf-8").strip()
    for attempt in range(times):
        answer = httpx.post(
            f"{env.base_url}/v1/login",
            json={"username": username, "password": f"guess-{attempt}-x"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert answer.status_code == 403


def visit_sessions(env: PickupEnv, chart_id: int) -> list[VisitSession]:
    with env.sessions() as session:
        return list(session.scalars(select(VisitSession).where(VisitSession.chart_id == chart_id)))


def all_revoked(env: PickupEnv, chart_id: int) -> bool:
    rows = visit_sessions(env, chart_id)
    return bool(rows) and all(row.revoked_at is not None for row in rows)


def documents(env: PickupEnv, chart_id: int) -> list[tuple[str, datetime]]:
    with env.sessions() as session:
        rows = session.scalars(select(Document).where(Document.chart_id == chart_id))
        return [(row.questionnaire, row.filed_at) for row in rows]


async def test_days_later_the_login_asks_only_the_renewal_and_the_new_form(
    pickup_env: PickupEnv,
) -> None:
    chart_id, code = pickup_env.chart("Rita", "Return")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await pickup(pilot, app, code, "rita.return", "Rita Return")
    assert sorted(form for form, _terminal in pickup_env.signatures(chart_id)) == [
        "privacy",
        "vaccination",
    ]

    # A year and a day later: the yearly consent is due again; staff assign a new form.
    with time_machine.travel(datetime.now(UTC) + timedelta(days=366), tick=True):
        assign(pickup_env, chart_id, intake_url())
        app = KioskApp(pickup_env.config())
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "rita.return")
            assert await sign_consents(pilot, "Rita Return") == ["Consent to vaccination"]
            assert on(app, QuestionnairePageScreen)
            await fill_all_pages(pilot)
            assert on(app, ReturningReviewScreen)
            assert "Username: rita.return" in shown(pilot, "#review-username")
            assert "Rita" not in screen_text(app)  # the masked name only: a lobby terminal
            await tap(pilot, "#submit")
            await wait_until(pilot, lambda: on(app, ReturningDoneScreen))
            text = screen_text(app)
            assert "Thank you. This is what was done today:" in text
            assert "✓ Signed: Consent to vaccination" in text
            assert "✓ Filed: Applicant intake" in text
            assert app.visit is None
            await wait_until(pilot, lambda: all_revoked(pickup_env, chart_id))
            await tap(pilot, "#done")
            assert on(app, WelcomeScreen)
            renewed_at = datetime.now(UTC)

    # The server shows the second signature and the new document.
    signatures = pickup_env.signatures(chart_id)
    assert [form for form, _terminal in signatures].count("vaccination") == 2
    assert [form for form, _terminal in signatures].count("privacy") == 1
    filed = documents(pickup_env, chart_id)
    assert [questionnaire for questionnaire, _at in filed] == [intake_url()]
    assert filed[0][1] > renewed_at - timedelta(days=1)  # filed "a year later"
    (session_row,) = visit_sessions(pickup_env, chart_id)
    assert session_row.submitted_at is not None


async def test_nothing_due_is_said_and_the_visit_ends(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Nell", "Done")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await pickup(pilot, app, code, "nell.done", "Nell Done")
        await sign_in(pilot, "NELL.DONE")  # any case
        await wait_until(pilot, lambda: on(app, ReturningDoneScreen))
        assert "Nothing is due for you today." in screen_text(app)
        assert app.visit is None
        await wait_until(pilot, lambda: all_revoked(pickup_env, chart_id))


async def test_wrong_passwords_are_one_message_then_a_wait(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Walt", "Wrong")
    app = KioskApp(pickup_env.config("lobby-login-lock"))
    async with app.run_test(size=SIZE) as pilot:
        await pickup(pilot, app, code, "walt.wrong", "Walt Wrong")
        await sign_in(pilot, "walt.wrong", "not-my-password", fails=True)
        await wait_for_text(pilot, "This username and password do not match.")
        wrong = shown(pilot, "#login-status")
        assert app.screen.query_one("#login-password", Input).value == ""
        assert app.screen.query_one("#login-username", Input).value == "walt.wrong"
        await sign_in(pilot, "no.such.user", PASSWORD, fails=True)
        await wait_until(pilot, lambda: not app.screen.query_one("#login-password", Input).value)
        assert shown(pilot, "#login-status") == wrong  # the very same answer
        password = app.screen.query_one("#login-password", Input)
        for attempt in range(3):
            await sign_in(pilot, "walt.wrong", f"still-wrong-{attempt}", fails=True)
            await wait_until(pilot, lambda: password.value == "")  # answered: cleared
        await sign_in(pilot, "walt.wrong", fails=True)  # the right password, after 5 failures
        await wait_for_text(pilot, "Too many attempts at this terminal. Please wait")
        waiting = re.search(r"wait (\d+) (seconds?|minutes?)", shown(pilot, "#login-status"))
        assert waiting is not None
        assert on(app, ReturningLoginScreen)
        assert app.visit is not None
        assert not getattr(app.visit, "visit_token", "")
    assert visit_sessions(pickup_env, chart_id) == []


async def test_a_locked_username_is_said_as_a_wait_at_any_terminal(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Lena", "Locked")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await pickup(pilot, app, code, "lena.locked", "Lena Locked")
    guess_elsewhere(pickup_env, "lena.locked", 5)  # someone, at another terminal
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "lena.locked", fails=True)
        await wait_for_text(pilot, "Too many attempts with this username. Please wait")
        waiting = re.search(r"wait (\d+) seconds?", shown(pilot, "#login-status"))
        assert waiting is not None
        assert 1 <= int(waiting.group(1)) <= LOCKOUT_SECONDS  # the tests' short lock-out
        await wait_for_text(pilot, "You can try to sign in again now.")  # counted down
    assert visit_sessions(pickup_env, chart_id) == []


async def test_idle_wipe_and_staff_end_visit_revoke_the_sign_in(pickup_env: PickupEnv) -> None:
    chart_id, code = pickup_env.chart("Ida", "Idle")
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await pickup(pilot, app, code, "ida.idle", "Ida Idle")
    assign(pickup_env, chart_id, intake_url())  # so that the visit has steps

    idle = dataclasses.replace(pickup_env.config(), idle_timeout_seconds=1, idle_warning_seconds=1)
    app = KioskApp(idle)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ida.idle")
        await wait_until(pilot, lambda: len(visit_sessions(pickup_env, chart_id)) == 1)
        await wait_until(pilot, lambda: on(app, WelcomeScreen))  # left alone: wiped
        assert app.visit is None
        await wait_until(pilot, lambda: all_revoked(pickup_env, chart_id))

    staff = dataclasses.replace(pickup_env.config(), staff_pin_hash=PIN_HASH)
    app = KioskApp(staff)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "ida.idle")
        await wait_until(pilot, lambda: len(visit_sessions(pickup_env, chart_id)) == 2)
        await wait_until(pilot, lambda: app.visit is not None and bool(app.steps))
        await pilot.press("f12")
        await wait_until(pilot, lambda: bool(app.screen.query("#staff-pin")))
        await fill(pilot, "#staff-pin", PIN)
        await pilot.press("enter")
        await wait_until(pilot, lambda: on(app, StaffScreen))
        await tap(pilot, "#staff-end-visit")
        assert on(app, WelcomeScreen)
        assert app.visit is None
        await wait_until(pilot, lambda: all_revoked(pickup_env, chart_id))


async def test_the_visit_starts_in_the_charts_language(pickup_env: PickupEnv) -> None:
    with pickup_env.sessions() as session:
        issued = create_chart(
            session,
            ChartIn(
                first_name="Lucía",
                last_name="Fernández",
                portal=PORTAL,
                language="es-MX",
                questionnaires=[],
            ),
            "hr-feed",
            timedelta(days=7),
        )
    app = KioskApp(pickup_env.config())
    async with app.run_test(size=SIZE) as pilot:
        await enter_code(pilot, issued.pickup_code)
        await wait_for_text(pilot, "¿Es usted?")  # es-MX: the terminal has Spanish
        assert app.language == "es"
        await confirm_identity(pilot)
        await create_login(pilot, "lucia.f")
        await sign_consents(pilot, "Lucía Fernández")
        await tap(pilot, "#submit")
        await wait_until(pilot, lambda: on(app, PickupDoneScreen))
        await tap(pilot, "#done")
        assert app.language == "en"  # the next visitor starts in the terminal's language
        assign(pickup_env, issued.chart_id, intake_url())
        await sign_in(pilot, "lucia.f")
        await wait_until(pilot, lambda: on(app, QuestionnairePageScreen))
        assert app.language == "es"
        await wait_for_text(pilot, "Tab: campo siguiente")  # the form due, in Spanish
