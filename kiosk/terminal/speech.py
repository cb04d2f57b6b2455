"""Speech on the app's side: F5 turns it on and off, F6 says the last phrase again, F7 reads
the whole screen; with it on, screens, focus, changes and errors are said as they happen.

The hook is generic: it listens to the app's screen changes, to focus moving (Textual's
``DescendantFocus``, which bubbles up to the app), to keys that change a focused control
(arrows, Space, Enter) and to notifications, and asks :mod:`screens.speech_reader` what the
widgets say. A pass runs after the next refresh, so that one key's effects (a new screen,
its focus, its error lines) are said together, in that order. The speech modules load only
when speech is turned on, configured on, or Welcome's hint is said.
"""

from __future__ import annotations

import logging
import time
import weakref
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType

from kiosk.i18n import _
from kiosk.terminal.visitor_prefs import VisitorPreferencesApp

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from kiosk.speech.speakers import Speaker

log = logging.getLogger(__name__)

LIVE_CHECK_SECONDS = 0.5
"""How often lines that change by themselves (a server's answer, the countdown) are checked."""
QUIET_KEYS = frozenset({"f5", "f6", "f7"})
TYPING_SECONDS = 0.5
"""The timed check waits while keys come faster than this (a key's own pass covers it)."""


class SpeechApp(VisitorPreferencesApp):
    """The visitor's speech setting and what it says."""

    # Priority: they work over modal prompts too (the idle prompt, the language list, the PIN).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "toggle_speech", show=False, priority=True, id="speech"),
        Binding("f6", "repeat_phrase", show=False, priority=True, id="repeat-phrase"),
        Binding("f7", "read_screen", show=False, priority=True, id="read-screen"),
    ]

    speech_on: bool = False

    def setup_speech(self, speaker: Speaker | None = None) -> None:
        """Call from ``__init__``: *speaker* replaces espeak-ng (a transcript, for testers)."""
        self._speaker: Speaker | None = speaker
        self._speaker_given = speaker is not None
        self._last_phrase: tuple[str, str] | None = None
        self._said_screen: weakref.ref[Screen[Any]] | None = None
        self._said_focus: weakref.ref[Widget] | None = None
        self._said_state: object = None
        self._said_lines: dict[str, str] = {}
        self._pass_pending = False
        self._live_timer: Any = None
        self._last_key_at = 0.0
        self._welcome_hint_said = False

    # -- the speaker -----------------------------------------------------------------------

    def speaker(self) -> Speaker | None:
        """The speaker, started the first time it is needed; None without espeak-ng."""
        if self._speaker is None:
            from kiosk.speech.speakers import EspeakSpeaker, espeak_installed

            if not espeak_installed():
                return None
            self._speaker = EspeakSpeaker(
                voices=self.config.speech_voices, rate=self.config.speech_rate
            )
        return self._speaker

    def say(self, phrase: str, *, interrupt: bool = False, language: str | None = None) -> None:
        """Say *phrase* in the visitor's language (never logged)."""
        speaker = self.speaker()
        if speaker is None or not phrase.strip():
            return
        phrase = self._veiled(phrase)
        language = language or self.language
        self._last_phrase = (phrase, language)
        speaker.say(phrase, language, interrupt=interrupt)

    def _veiled(self, phrase: str) -> str:
        """On a consent, the visitor's name is said only as "your name as typed"."""
        visit = getattr(self, "visit", None)
        if visit is None or not self.screen.query("#consent-signature"):
            return phrase
        from kiosk.speech.phrases import veil_name

        return veil_name(phrase, visit.full_name)

    # -- the keys --------------------------------------------------------------------------

    def action_toggle_speech(self) -> None:
        """F5 (or the header's button): speech on or off."""
        if self.speech_on:
            self.set_speech(False)
            self.say(_("Speech off."), interrupt=True)
        elif self.speaker() is None:
            self.notify(
                _("Speech is not installed on this terminal. Please ask at the front desk."),
                severity="warning",
                timeout=6,
            )
        else:
            self.set_speech(True)
            self.say(_("Speech on."), interrupt=True)

    def action_repeat_phrase(self) -> None:
        """F6: the last phrase again."""
        if self.speech_on and self._last_phrase is not None:
            phrase, language = self._last_phrase
            self.say(phrase, interrupt=True, language=language)

    def action_read_screen(self) -> None:
        """F7: the whole screen, from the top."""
        if not self.speech_on:
            return
        from screens.speech_reader import read_screen

        for index, phrase in enumerate(read_screen(self.screen)):
            self.say(phrase, interrupt=index == 0)

    def set_speech(self, on: bool) -> None:
        """Turn speech on (the screen is said from its title) or off (silence at once)."""
        if on == self.speech_on:
            return
        self.speech_on = on
        for screen in self.screen_stack:
            for button in screen.query("#speech-button"):
                button.set_class(on, "-on")
        if on:
            self._said_screen = self._said_focus = None
            self._said_lines = {}
            if self._live_timer is None:
                self._live_timer = self.set_interval(LIVE_CHECK_SECONDS, self._timed_pass)
            else:
                self._live_timer.resume()
            self.screen_change_signal.subscribe(self, self._screen_changed)
            self._soon()
        else:
            if self._speaker is not None:
                self._speaker.stop()
            if self._live_timer is not None:
                self._live_timer.pause()
            self.screen_change_signal.unsubscribe(self)

    def forget_speech(self) -> None:
        """The visit is over: back to the terminal's setting, nothing of what was said kept."""
        self._last_phrase = None
        self._said_lines = {}
        self._welcome_hint_said = False  # the next visitor's first key on Welcome brings it
        if self._speaker is not None:
            self._speaker.stop()
        self.set_speech(self.config.speech)

    def reset_preferences(self) -> None:
        super().reset_preferences()
        self.forget_speech()

    # -- listening -------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.speech:
            self.call_after_refresh(self.set_speech, True)

    async def on_unmount(self) -> None:
        if self._speaker is not None:
            self._speaker.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._key(event)
        elif isinstance(event, events.MouseUp) and self.speech_on:
            self._soon()
        await super().on_event(event)

    def _key(self, event: events.Key) -> None:
        if self.speech_on:
            self._last_key_at = time.monotonic()
            if not event.is_printable or event.key == "space":
                self._soon()
        elif event.key not in QUIET_KEYS and self._hint_due():
            # said once the key's own effect is on the screen: the first key is answered first
            self.call_after_refresh(self._say_hint, self.hint_languages())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.speech_on:
            self._soon()

    def _screen_changed(self, screen: Screen[Any]) -> None:
        self._soon()

    def notify(self, message: str, **kwargs: Any) -> None:
        super().notify(message, **kwargs)
        if self.speech_on:
            self.say(message)

    def _timed_pass(self) -> None:
        """Lines that change by themselves, looked at while the visitor is not typing."""
        if time.monotonic() - self._last_key_at >= TYPING_SECONDS:
            self._speech_pass()

    @property
    def speech_pass_waiting(self) -> bool:
        """Whether a look at the screen for what to say is due after the next refresh."""
        return self._pass_pending

    def _soon(self) -> None:
        """A pass after the next refresh (once, however many things asked for it)."""
        if not self._pass_pending:
            self._pass_pending = True
            self.call_after_refresh(self._speech_pass)

    # -- what is said ----------------------------------------------------------------------

    def _speech_pass(self) -> None:
        """Say what is new; speech never stops the visit (a failure is logged by type only)."""
        self._pass_pending = False
        if not self.speech_on or not self.screen_stack:
            return
        try:
            self._say_what_is_new()
        except Exception as error:
            log.warning("speech failed: %s", type(error).__name__, extra={"event": "speech_error"})

    def _say_what_is_new(self) -> None:
        """The screen (title, then focus), or the focus, or its state; then new error lines."""
        from screens import speech_reader as reader

        screen = self.screen
        focused = screen.focused
        lines = reader.live_lines(screen)
        said_screen = self._said_screen() if self._said_screen else None
        said_focus = self._said_focus() if self._said_focus else None
        if screen is not said_screen:
            opening = reader.opening_phrase(screen)
            if not opening and focused is None:
                return  # not composed yet: the next pass says it
            self._said_screen = weakref.ref(screen)
            self._said_lines = {}
            self.say(opening, interrupt=True)
            self._say_focus(focused, lines, interrupt=False)
        elif focused is not said_focus:
            self._say_focus(focused, lines, interrupt=True)
        elif focused is not None and reader.state_of(focused) != self._said_state:
            self._said_state = reader.state_of(focused)
            self.say(reader.state_phrase(focused), interrupt=True)
        for key, text in lines.items():
            if self._said_lines.get(key) == text:
                continue
            self._said_lines[key] = text
            if text and (key != reader.COUNTDOWN or reader.countdown_due(text)):
                self.say(reader.live_phrase(screen, key, text))

    def _say_focus(self, focused: Widget | None, lines: dict[str, str], *, interrupt: bool) -> None:
        from screens import speech_reader as reader

        self._said_focus = None if focused is None else weakref.ref(focused)
        self._said_state = reader.state_of(focused)
        if focused is None:
            return
        self.say(reader.focus_phrase(focused), interrupt=interrupt)
        for node in list(focused.ancestors_with_self)[:4]:  # its own error is said with it
            key = f"{node.id}-error" if node.id else ""
            if key in lines:
                self._said_lines[key] = lines[key]

    # -- Welcome's hint ----------------------------------------------------------------------

    def _hint_due(self) -> bool:
        """The first key on Welcome, speech off: "Press F5 ..." is due, in every language, once
        for each visitor (again once a visit has ended, on the same Welcome or a fresh one).

        Checked when the key arrives, so that the key that leaves Welcome still brings it."""
        from screens.welcome import WelcomeScreen

        if (
            not self.config.speech_hint
            or not isinstance(self.screen, WelcomeScreen)
            or self._welcome_hint_said
        ):
            return False
        self._welcome_hint_said = True
        return True

    def _say_hint(self, languages: list[str]) -> None:
        if self.speaker() is None:
            return
        from kiosk.speech.hint import hint_in_languages

        for index, (language, hint) in enumerate(hint_in_languages(languages)):
            self.say(hint, interrupt=index == 0, language=language)

    def hint_languages(self) -> list[str]:
        """The visitor's language first, then every other one of the terminal."""
        return [self.language, *[lang for lang in self.languages() if lang != self.language]]
