"""The kiosk application: one visit at a time, from Welcome and back to Welcome.

The app owns the flow of a visit (which screen comes next), the backend client (built in
a worker once Welcome is up, so start-up stays fast), and the idle timer that wipes an
abandoned visit. Screens live in the ``screens`` package, one module each.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.binding import Binding, BindingType
from textual.theme import Theme

from kiosk.backend.delivery import Submissions
from kiosk.backend.outbox import Outbox, open_outbox
from kiosk.config import KioskConfig, PortalConfig
from kiosk.flow.plan import Step, applicant_steps
from kiosk.i18n import _, set_language
from kiosk.paths import SCREENS_DIR
from kiosk.terminal.branding import portal_theme as _branded_theme
from kiosk.terminal.idle import IdleWatch, check_idle
from kiosk.terminal.lockdown import CRASH_EXIT_CODE, CrashCounter, blocking_bindings, log_crash
from kiosk.terminal.memory import StartupMemory
from kiosk.terminal.speech import SpeechApp
from kiosk.terminal.staff_pin import PinGuard

if TYPE_CHECKING:  # these load once a visit starts, or in a worker once Welcome is up
    from kiosk.backend.client import BackendClient
    from kiosk.flow.session import PortalQuestionnaire, Visit
    from kiosk.speech.speakers import Speaker

log = logging.getLogger(__name__)


__all__ = ["KioskApp", "Step", "load_portal_questionnaires", "portal_theme"]


def load_portal_questionnaires(portal: PortalConfig) -> tuple[PortalQuestionnaire, ...]:
    """The portal's questionnaires, parsed once per file version."""
    from kiosk.flow.session import PortalQuestionnaire
    from kiosk.questionnaire import load_questionnaire_once

    return tuple(
        PortalQuestionnaire(
            questionnaire=load_questionnaire_once(q.file),
            order_item=q.order_item,
            document_type=q.document_type,
            chart_tab=q.chart_tab,
        )
        for q in portal.questionnaires
    )


def portal_theme(portal: PortalConfig) -> Theme:
    """A light Textual theme in the portal's colour (see :mod:`kiosk.terminal.branding`)."""
    return _branded_theme(portal.name, portal.colour)


class KioskApp(SpeechApp):
    """The lobby kiosk."""

    # Welcome's CSS loads with the app's: a screen's own CSS_PATH restyles every widget
    # when the screen is first shown, and the first screen should not pay for that.
    # Absolute, so that a subclass (the tests') reads the same files.
    CSS_PATH: ClassVar[list[str | Path]] = [
        Path(__file__).with_name("app.tcss"),
        SCREENS_DIR / "welcome.tcss",
    ]
    TITLE = "Lobby Kiosk"
    ENABLE_COMMAND_PALETTE = False
    # Every screen gets -short below 30 rows (an 80×24 terminal or thin client): the screens'
    # CSS then keeps what matters (reference number, QR code, the main buttons) in view.
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]
    # No quit key for visitors: these replace Textual's defaults (Ctrl+Q quits, Ctrl+C hints).
    BINDINGS: ClassVar[list[BindingType]] = [
        *blocking_bindings(),
        Binding("f12", "staff", show=False, priority=True, id="staff"),
    ]
    # Seconds after mount before the backend client (and the embedded server's heavy
    # imports) is built, so that Welcome is up and taking keys first.
    BACKEND_START_DELAY: ClassVar[float] = 1.0

    def __init__(
        self,
        config: KioskConfig,
        *,
        portal: str | None = None,
        database_url: str | None = None,
        outbox: Outbox | None = None,
        after_crash: bool = False,
        handle_signals: bool = False,
        speaker: Speaker | None = None,
    ) -> None:
        """*speaker*: where speech goes instead of espeak-ng (``kiosk drive
        --speech-transcript``, tests)."""
        super().__init__()
        self.config = config
        self.portal = config.portal(portal)
        self.portal_choice = portal is None and len(config.portals) > 1
        self.language = config.language
        self.visit: Visit | None = None
        self.steps: tuple[Step, ...] = ()
        self._database_url = database_url
        self._backend: BackendClient | None = None
        self._backend_error: str | None = None
        self._backend_ready = asyncio.Event()
        self.startup_memory = StartupMemory()
        self.idle = IdleWatch()
        self._crashes = CrashCounter()
        self._after_crash = after_crash
        self._handle_signals = handle_signals
        self._own_outbox = outbox is None
        self.submissions = Submissions(outbox or open_outbox(config.outbox), self.backend)
        self.staff_guard = PinGuard()
        self.setup_speech(speaker)
        set_language(self.language)
        self.apply_portal_theme(before_start=True)

    # -- start-up ---------------------------------------------------------------------

    def on_mount(self) -> None:
        self.title = self.portal.title
        from screens.welcome import WelcomeScreen

        self.push_screen(WelcomeScreen())
        self.set_interval(1.0, self.idle_tick)
        if self._handle_signals:
            from kiosk.terminal.lockdown import install_signal_handlers

            install_signal_handlers(self)
        if self._after_crash:
            self.call_after_refresh(self._say_sorry)
        self.set_timer(self.BACKEND_START_DELAY, self.connect_backend)
        self.run_worker(self.submissions.run(), group="outbox", exit_on_error=False)

    @work(thread=True, exclusive=True, group="backend", exit_on_error=False)
    def connect_backend(self) -> None:
        """Build the backend client off the UI thread (the embedded server's imports are heavy)."""
        from kiosk.backend.client import connect

        try:
            client = connect(
                self.config.backend,
                self._database_url,
                terminal=self.config.terminal,
                kiosk_config=self.config,
            )
        except Exception as exc:  # any failure here must reach the visitor as a message
            log.error("backend client could not be built: %s", type(exc).__name__)
            self.call_from_thread(self._set_backend, None, type(exc).__name__)
        else:
            self.call_from_thread(self._set_backend, client, None)

    def _set_backend(self, client: BackendClient | None, error: str | None) -> None:
        self._backend = client
        self._backend_error = error
        self._backend_ready.set()
        self.settle_memory()

    def settle_memory(self) -> None:
        """Once start-up is over: collect garbage, then set what is left aside for good.

        Only at rest, with no screen of a visit left in memory (see :mod:`kiosk.terminal.memory`);
        otherwise the idle tick tries again each second.
        """
        self.startup_memory.settle(self)

    def push_screen(self, screen, *args, **kwargs):  # type: ignore[no-untyped-def,override]
        self.startup_memory.saw(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):  # type: ignore[no-untyped-def,override]
        self.startup_memory.saw(screen)
        return super().switch_screen(screen)

    async def backend(self) -> BackendClient:
        """The backend client, once built; :class:`BackendError` if it could not be."""
        from kiosk.backend.client import BackendError

        await self._backend_ready.wait()
        if self._backend is None:
            raise BackendError(
                _("The clinic's system cannot be reached right now."), retryable=False
            )
        return self._backend

    async def on_unmount(self) -> None:
        if self._backend is not None:
            await self._backend.aclose()
        if self._own_outbox:
            self.submissions.outbox.close()

    def action_ignore(self) -> None:
        """Swallow a key that must do nothing at a lobby terminal."""

    def action_staff(self) -> None:
        """F12: the staff PIN prompt (see kiosk.terminal.staff_pin)."""
        from screens.staff_pin import open_staff_prompt

        open_staff_prompt(self)

    # -- crashes --------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """A crash: log where (never what), wipe, and show a fresh Welcome; no traceback.

        A crash in the app's own handlers, or crashes that repeat, end the app with
        CRASH_EXIT_CODE instead: `run_supervised` (lockdown) starts a fresh one."""
        from textual._context import active_message_pump

        log_crash(error)
        in_app = active_message_pump.get(None) is self  # the app's own loop has stopped
        if not in_app and self._crashes.record() and self.is_running:
            self.call_later(self.reset_to_welcome, after_crash=True)
        else:
            self.exit(return_code=CRASH_EXIT_CODE)

    def _say_sorry(self) -> None:
        self.notify(
            _("Sorry, something went wrong. Please start again."),
            title=_("We are sorry"),
            severity="warning",
            timeout=10,
        )

    # -- idle -------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.idle.touch()
        await super().on_event(event)

    def idle_tick(self) -> None:
        """Every second: act on an idle terminal (Textual's own ``check_idle`` is another thing)."""
        check_idle(self)
        self.startup_memory.retry(self)

    def reset_to_welcome(self, *, after_crash: bool = False) -> None:
        """Wipe any visit and leave exactly one, fresh, Welcome screen."""
        from screens.welcome import WelcomeScreen

        self.end_visit()
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(WelcomeScreen())
        self.idle.touch()
        if after_crash:
            self._say_sorry()

    # -- the visit ----------------------------------------------------------------------

    def start_applicant_visit(self) -> None:
        """Begin a new applicant visit at its first step."""
        from kiosk.flow.session import Visit
        from kiosk.questionnaire import fresh_answers

        self.end_visit(show_welcome=False)
        questionnaires = load_portal_questionnaires(self.portal)
        visit = Visit(portal=self.portal, questionnaires=questionnaires, language=self.language)
        # the engine's answers carry its memo of expression results (wiped with them)
        visit.answers = [fresh_answers(entry.questionnaire) for entry in questionnaires]
        self.visit = visit
        self.steps = applicant_steps(
            len(self.portal.consents),
            [len(entry.questionnaire.pages()) for entry in questionnaires],
        )
        log.info("applicant visit started")
        self._push_step(0)

    def step_is_shown(self, step: Step) -> bool:
        """A page is skipped when every question on it is disabled by enableWhen."""
        from kiosk.questionnaire import is_enabled

        if step.kind != "page" or self.visit is None:
            return True
        q = self.visit.questionnaires[step.index].questionnaire
        answers = self.visit.answers[step.index]
        page = q.pages()[step.page]
        return any(is_enabled(q, item.link_id, answers) for item in page.items)

    def advance(self, from_step: int) -> None:
        """Go to the step after *from_step*, skipping pages with nothing to ask."""
        nxt = from_step + 1
        while nxt < len(self.steps) - 1 and not self.step_is_shown(self.steps[nxt]):
            nxt += 1
        self._push_step(nxt)

    def go_back(self, from_step: int) -> None:
        """Back from *from_step* to the step shown before it.

        A step that pages replaced is built again from the visit (answers and drafts live
        there); one still underneath, like the consent under the first page, is uncovered.
        """
        from screens.base import VisitScreen
        from screens.steps import screen_for_step

        back = from_step - 1
        while back > 0 and not self.step_is_shown(self.steps[back]):
            back -= 1
        below = self.screen_stack[-2] if len(self.screen_stack) > 1 else None
        if isinstance(below, VisitScreen) and below.step_index == back:
            self.pop_screen()
        else:
            self.switch_screen(screen_for_step(self.steps[back], back))

    def _push_step(self, index: int, *, editing: bool = False) -> None:
        """Show step *index*: questionnaire pages replace one another (and the last one is
        replaced by the review), so only one page's widgets live at a time; other steps
        stack up, and an edit from the review opens over the review."""
        from screens.questionnaire_page import QuestionnairePageScreen
        from screens.steps import screen_for_step

        screen = screen_for_step(self.steps[index], index, editing=editing)
        current = self.screen
        if not editing and isinstance(current, QuestionnairePageScreen) and not current.editing:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def first_step_with_problems(self) -> int | None:
        """The first questionnaire page that still has a problem, if any (a constraint of
        the questionnaire itself counts on the page that checks it)."""
        from kiosk.questionnaire.page_problems import page_problems

        if self.visit is None:
            return None
        for index, step in enumerate(self.steps):
            if step.kind != "page" or not self.step_is_shown(step):
                continue
            q = self.visit.questionnaires[step.index].questionnaire
            if page_problems(q, self.visit.answers[step.index], step.page):
                return index
        return None

    def edit_step(self, index: int) -> None:
        """From the review, open one page to change its answers."""
        self._push_step(index, editing=True)

    def finish_edit(self) -> None:
        """After a change from the review: the next page with a problem, or the review again."""
        self.pop_screen()
        pending = self.first_step_with_problems()
        if pending is not None:
            self._push_step(pending, editing=True)

    def end_visit(self, *, show_welcome: bool = True) -> None:
        """Wipe the visit and return to Welcome, leaving no screen of it behind."""
        visit, self.visit = self.visit, None
        self.steps = ()
        if visit is not None:
            token = getattr(visit, "visit_token", "")  # a returning visitor's sign-in
            visit.wipe()
            if token:
                self.revoke_visit_token(token)
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if show_welcome:
            self.reset_preferences()

    @work(group="visit-end", exit_on_error=False)
    async def revoke_visit_token(self, token: str) -> None:
        """The visit is over (done, idle wipe, staff's End visit): its sign-in stops working.

        Should the backend not hear of it, the token still expires by itself."""
        try:
            backend = await self.backend()
            await backend.end_visit(token)
        except Exception as exc:  # never in front of the visitor; the token expires anyway
            log.warning("visit token not revoked: %s", type(exc).__name__)
        else:
            log.info("visit token revoked", extra={"event": "visit_token_revoked"})

    def use_portal(self, name: str) -> None:
        """On Welcome, the visitor chose the portal *name*: its brand, words and forms."""
        if self.visit is not None or name not in {p.name for p in self.config.portals}:
            return
        self.portal = self.config.portal(name)
        self.title = self.portal.title
        self.apply_portal_theme()
        self.preferences_version += 1
        self.call_later(self.screen.refresh_preferences)  # type: ignore[attr-defined]

    def show_farewell(self, message: str) -> None:
        """End the visit and thank the visitor with *message* before Welcome returns."""
        from screens.farewell import FarewellScreen

        self.end_visit(show_welcome=False)
        self.push_screen(FarewellScreen(message, self.config.confirmation_seconds))

    def switch_portal(self, name: str) -> None:
        """Staff: run portal *name* from now on (the current visit is wiped)."""
        self.end_visit()
        self.portal = self.config.portal(name)
        self.apply_portal_theme()
        self.title = self.portal.title
        log.info("portal switched", extra={"event": "portal_switch", "portal": name})
        self.reset_to_welcome()

    def show_confirmation(self, reference: str | None) -> None:
        """End the visit and show its reference number."""
        from screens.confirmation import ConfirmationScreen

        self.end_visit(show_welcome=False)
        self.push_screen(ConfirmationScreen(reference, self.config.confirmation_seconds))
