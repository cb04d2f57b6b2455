"""The kiosk application: one visit at a time, from Welcome and back to Welcome.

The app owns the flow of a visit (which screen comes next), the backend client (built in
a worker once Welcome is up, so start-up stays fast), and the idle timer that wipes an
abandoned visit. Screens live in the ``screens`` package, one module each: they post what the
visitor does as Messages (``screens/messages.py``), which the app carries out here, with the
pickup and returning visits' controllers in ``kiosk.visits``; their calls to the backend and
the outbox go through :class:`kiosk.backend.services.KioskServices`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on, work
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.theme import Theme

from kiosk.backend.delivery import Submissions
from kiosk.backend.outbox import Outbox, open_outbox
from kiosk.backend.services import KioskServices
from kiosk.config import KioskConfig, PortalConfig
from kiosk.i18n import _, set_language
from kiosk.paths import SCREENS_DIR
from kiosk.terminal import css_store
from kiosk.terminal.branding import portal_theme as _branded_theme
from kiosk.terminal.idle import IdleWatch, check_idle
from kiosk.terminal.lockdown import CRASH_EXIT_CODE, CrashCounter, blocking_bindings, log_crash
from kiosk.terminal.memory import StartupMemory, forget_drawn_screens, release_collection
from kiosk.terminal.speech import SpeechApp
from screens import messages

if TYPE_CHECKING:  # these load once a visit starts, or in a worker once Welcome is up
    from textual.dom import DOMNode

    from kiosk.backend.client import BackendClient
    from kiosk.flow.plan import Step
    from kiosk.flow.session import PortalQuestionnaire, Visit
    from kiosk.speech.speakers import Speaker
    from kiosk.terminal.staff_pin import PinGuard

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)

__all__ = ["KioskApp", "load_portal_questionnaires", "portal_theme"]


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


def _handles(
    message_type: type[M],
) -> Callable[[Callable[[KioskApp, M], None]], Callable[[KioskApp, M], None]]:
    """The app's handler of a screen's *message_type* (``screens/messages.py``).

    It is carried out only while the message is current (:meth:`KioskApp.is_current`), and a
    crash in it is the visit's, as it was when the screens did this themselves (a fresh
    Welcome), not the app's."""

    def decorate(handler: Callable[[KioskApp, M], None]) -> Callable[[KioskApp, M], None]:
        @on(message_type)
        @wraps(handler)
        def carry_out(app: KioskApp, message: M) -> None:
            if not app.is_current(message):
                app.dropped(message)
                return
            try:
                handler(app, message)
            except Exception as error:
                app.recover(error)

        return carry_out

    return decorate


class KioskApp(SpeechApp):
    """The lobby kiosk."""

    # Welcome's CSS loads with the app's: a screen's own CSS_PATH restyles every widget
    # when the screen is first shown, and the first screen should not pay for that.
    # Absolute, so that a subclass (the tests') reads the same files.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        Path(__file__).with_name("app.tcss"),
        SCREENS_DIR / "welcome.tcss",
    ]
    TITLE = "Lobby Kiosk"
    ENABLE_COMMAND_PALETTE = False
    # Below 30 rows (an 80×24 terminal or thin client) the app carries -short, else -tall: the
    # screens' CSS then keeps what matters (reference number, QR code, the main buttons) in
    # view. On the app, not on each screen (Textual's VERTICAL_BREAKPOINTS), so that a screen
    # is styled once, with the class, rather than again when it is first laid out.
    SHORT_BELOW_ROWS: ClassVar[int] = 30
    # No quit key for visitors: these replace Textual's defaults (Ctrl+Q quits, Ctrl+C hints).
    BINDINGS: ClassVar[list[BindingType]] = [
        *blocking_bindings(),
        Binding("f12", "staff", show=False, priority=True, id="staff"),
    ]
    # Seconds after Welcome is first drawn before the backend client (and the embedded
    # server's heavy imports) is built, so that Welcome is up and taking keys first.
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
        self.services = KioskServices(self.backend, lambda: self.submissions, config.terminal)
        self._terminal_size: Size | None = None  # the last size on_resize let through
        self.setup_speech(speaker)
        set_language(self.language)
        self.apply_portal_theme(before_start=True)
        self._css_restored = css_store.restore(self.stylesheet)
        self._welcome_css: dict[Any, Any] | None = None

    # -- start-up ---------------------------------------------------------------------

    @cached_property
    def staff_guard(self) -> PinGuard:
        """The staff PIN's attempts and lock-outs (made at the first F12: not before Welcome)."""
        from kiosk.terminal.staff_pin import PinGuard

        return PinGuard()

    def on_resize(self, event: events.Resize) -> None:
        """The terminal's height decides -short or -tall (also at start, before any screen).

        A Resize to the size the app already has is dropped here: Textual's own handler would
        keep it and, once the app is idle, lay out every screen again at the same size. The
        terminal's driver reports its size at start after the app has taken it, so each start
        laid Welcome out once more for nothing."""
        if event.size == self._terminal_size:
            event.prevent_default()
            return
        self._terminal_size = event.size
        self._set_size_class(event.size)

    def _set_size_class(self, size: Size) -> None:
        short = size.height < self.SHORT_BELOW_ROWS
        self.update_classes({"-short": short, "-tall": not short})

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Restyle *node* after a change of its classes, unless it is not mounted yet.

        Textual restyles a widget whenever a class changes, also while the widget is still
        being built (a Button's variant and look, set in its constructor, are classes), though
        mounting styles it in full anyway. Welcome's buttons were each styled two or three
        times before they were mounted; so is every widget that a screen builds."""
        if node is not self and not node.is_attached:
            return
        super().update_styles(node, animate)

    def get_default_screen(self) -> Screen[Any]:
        """Textual's blank bottom screen, under Welcome, not styled again when first shown.

        The app takes its size class here, as the driver knows the terminal's size, so that
        this screen is not restyled for it (the first Resize then finds the class in place)."""
        from screens.base import StyledWhenMounted

        self._set_size_class(self.size)
        return StyledWhenMounted(id="_default")

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
        # Timed from Welcome's first drawing, not from here: on a slow machine a second after
        # mount can come before it, and the backend's imports would hold Welcome back.
        self.call_after_refresh(self._note_welcome_css)
        self.call_after_refresh(self.set_timer, self.BACKEND_START_DELAY, self._after_start_up)
        self.run_worker(self.submissions.run(), group="outbox", exit_on_error=False)

    def _after_start_up(self) -> None:
        """What start-up left for later: the garbage collector back on, the parsed CSS kept
        for the next start, the backend built."""
        release_collection()
        self._keep_parsed_css()
        self.connect_backend()

    def _note_welcome_css(self) -> None:
        """As Welcome is first drawn: what of its CSS the next start should find parsed."""
        self._welcome_css = css_store.worth_keeping(self.stylesheet, self._css_restored)

    def _keep_parsed_css(self) -> None:
        """Store Welcome's parsed CSS (:mod:`kiosk.terminal.css_store`), if there is anything
        new: once, a second after Welcome is up, or as the app ends if that comes first."""
        if self._welcome_css is not None:
            css_store.store(self._welcome_css, self._css_restored)
            self._welcome_css = None

    @work(thread=True, exclusive=True, group="backend", exit_on_error=False)
    def connect_backend(self) -> None:
        """Build the backend client off the UI thread (the embedded server's imports are heavy)."""
        from kiosk.backend.embedded import connect

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

    def push_screen(self, screen: Screen[Any] | str, *args: Any, **kwargs: Any) -> Any:
        self.startup_memory.saw(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Screen[Any] | str) -> AwaitComplete:
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
        self._keep_parsed_css()
        if self._backend is not None:
            await self._backend.aclose()
        if self._own_outbox:
            self.submissions.outbox.close()

    def action_ignore(self) -> None:
        """Swallow a key that must do nothing at a lobby terminal."""

    def action_staff(self) -> None:
        """F12: the staff PIN prompt (see kiosk.terminal.staff_pin), unless staff mode is not
        set up, locked, or already open; the right PIN opens the staff screen."""
        from screens.staff import StaffScreen
        from screens.staff_pin import StaffPinScreen, locked_message

        if isinstance(self.screen, StaffPinScreen | StaffScreen):
            return
        if self.config.staff_pin_hash is None:
            self.notify(_("Staff mode is not set up on this terminal."), timeout=5)
            return
        locked = self.staff_guard.locked_for()
        if locked > 0:
            self.notify(locked_message(locked), severity="warning", timeout=5)
            return

        def opened(ok: bool | None) -> None:
            if ok:
                log.info("staff mode opened", extra={"event": "staff_open"})
                self.push_screen(StaffScreen())

        self.push_screen(StaffPinScreen(), opened)

    # -- crashes --------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """A crash: log where (never what), wipe, and show a fresh Welcome; no traceback.

        A crash in the app's own handlers, or crashes that repeat, end the app with
        CRASH_EXIT_CODE instead: `run_supervised` (lockdown) starts a fresh one."""
        from textual._context import active_message_pump

        in_app = active_message_pump.get(None) is self  # the app's own loop has stopped
        self.recover(error, in_app=in_app)

    def recover(self, error: Exception, *, in_app: bool = False) -> None:
        """After a crash of the visit (not *in_app*): a fresh Welcome, or the app's end."""
        log_crash(error)
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
        forget_drawn_screens()
        self.push_screen(WelcomeScreen())
        self.idle.touch()
        if after_crash:
            self._say_sorry()

    # -- the visit ----------------------------------------------------------------------

    def start_applicant_visit(self) -> None:
        """Begin a new applicant visit at its first step."""
        from kiosk.flow.plan import applicant_steps
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

    def advance(self, from_step: int) -> None:
        """Go to the step after *from_step*, skipping pages with nothing to ask."""
        from kiosk.flow.progress import step_is_shown

        nxt = from_step + 1
        while nxt < len(self.steps) - 1 and not step_is_shown(self.visit, self.steps[nxt]):
            nxt += 1
        self._push_step(nxt)

    def go_back(self, from_step: int) -> None:
        """Back from *from_step* to the step shown before it.

        A step that pages replaced is built again from the visit (answers and drafts live
        there); one still underneath, like the consent under the first page, is uncovered.
        """
        from kiosk.flow.progress import step_is_shown
        from screens.base import VisitScreen
        from screens.steps import screen_for_step

        back = from_step - 1
        while back > 0 and not step_is_shown(self.visit, self.steps[back]):
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

    def edit_step(self, index: int) -> None:
        """From the review, open one page to change its answers."""
        self._push_step(index, editing=True)

    def finish_edit(self) -> None:
        """After a change from the review: the next page with a problem, or the review again."""
        from kiosk.flow.progress import first_step_with_problems

        self.pop_screen()
        pending = first_step_with_problems(self.visit, self.steps)
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
            await self.services.end_visit(token)
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
        from screens.base import KioskScreen

        screen = self.screen
        if isinstance(screen, KioskScreen):
            self.call_later(screen.refresh_preferences)

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

    # -- what the screens post (screens/messages.py) --------------------------------------------

    def is_current(self, message: Message) -> bool:
        """Whether to carry out *message*: an action while its screen is the one in front (a
        modal prompt may cover it), news while its visit is this app's."""
        if isinstance(message, messages.VisitNews):
            return message.visit is self.visit
        if isinstance(message, messages.ScreenAction):
            shown = [s for s in self.screen_stack if not isinstance(s, ModalScreen)]
            return bool(shown) and shown[-1] is message.screen
        return True

    def dropped(self, message: Message) -> None:
        """*message* came too late: a sign-in whose visit ended meanwhile is ended too."""
        if isinstance(message, messages.VisitorSignedIn):
            self.revoke_visit_token(message.signed_in.visit_token)

    @_handles(messages.StepDone)
    def _step_done(self, message: messages.StepDone) -> None:
        if message.editing:
            self.finish_edit()
        else:
            self.advance(message.step_index)

    @_handles(messages.StepBack)
    def _step_back(self, message: messages.StepBack) -> None:
        if message.step_index == 0 and not message.editing:
            self.end_visit()
        elif message.editing:
            self.pop_screen()  # back to the review
        else:
            self.go_back(message.step_index)

    @_handles(messages.EditStep)
    def _edit_step(self, message: messages.EditStep) -> None:
        self.edit_step(message.step_index)

    @_handles(messages.EndVisit)
    def _end_visit(self, message: messages.EndVisit) -> None:
        self.end_visit()

    @_handles(messages.Farewell)
    def _farewell(self, message: messages.Farewell) -> None:
        self.show_farewell(message.message)

    @_handles(messages.StartVisit)
    def _start_visit(self, message: messages.StartVisit) -> None:
        if message.kind is messages.VisitKind.APPLICANT:
            self.start_applicant_visit()
        elif message.kind is messages.VisitKind.PICKUP:
            from kiosk.visits.pickup import start_pickup_visit

            start_pickup_visit(self)
        else:
            from kiosk.visits.returning import start_returning_visit

            start_returning_visit(self)

    @_handles(messages.ChooseLanguage)
    def _choose_language(self, message: messages.ChooseLanguage) -> None:
        self.set_visitor_language(message.language)

    @_handles(messages.ChoosePortal)
    def _choose_portal(self, message: messages.ChoosePortal) -> None:
        self.use_portal(message.portal_name)

    @_handles(messages.Closed)
    def _screen_closed(self, message: messages.Closed) -> None:
        self.pop_screen()
        self.reset_preferences()

    @_handles(messages.ApplicantSubmitted)
    def _applicant_submitted(self, message: messages.ApplicantSubmitted) -> None:
        self.show_confirmation(message.reference)

    @_handles(messages.CodeVerified)
    def _code_verified(self, message: messages.CodeVerified) -> None:
        from kiosk.visits.pickup import begin_pickup_steps

        begin_pickup_steps(self, message.code, message.verification)

    @_handles(messages.CodeRedeemed)
    def _code_redeemed(self, message: messages.CodeRedeemed) -> None:
        from kiosk.visits.pickup import show_pickup_done

        show_pickup_done(self, message.visit, message.redemption)

    @_handles(messages.VisitorSignedIn)
    def _signed_in(self, message: messages.VisitorSignedIn) -> None:
        from kiosk.visits.returning import begin_returning_steps

        begin_returning_steps(self, message.signed_in)

    @_handles(messages.ReturningFiled)
    def _returning_filed(self, message: messages.ReturningFiled) -> None:
        from kiosk.visits.returning import show_returning_done

        show_returning_done(self, message.visit, message.still_due)

    @_handles(messages.StaffEndsVisit)
    def _staff_ends_visit(self, message: messages.StaffEndsVisit) -> None:
        log.info("staff ended the visit", extra={"event": "staff_end_visit"})
        self.reset_to_welcome()

    @_handles(messages.SwitchPortal)
    def _switch_portal(self, message: messages.SwitchPortal) -> None:
        self.switch_portal(message.portal_name)

    @_handles(messages.QuitKiosk)
    def _quit(self, message: messages.QuitKiosk) -> None:
        log.info("staff quit the kiosk", extra={"event": "staff_quit"})
        self.end_visit()
        self.exit(return_code=0)
