"""Welcome: the portal's brand, the language list, the portal list, and the three ways in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from kiosk.config import PortalConfig
from kiosk.config.words import replaced, words
from kiosk.i18n import _, current_language
from screens.base import KioskScreen
from screens.language import language_buttons
from screens.messages import ChooseLanguage, ChoosePortal, StartVisit, VisitKind
from screens.ticker import Ticker

if TYPE_CHECKING:
    from pathlib import Path


def read_logo(portal_logo: Path | None) -> str | None:
    """The logo's text art, or None when there is none (or it cannot be read any more)."""
    if portal_logo is None:
        return None
    try:
        return portal_logo.read_text(encoding="utf-8").rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None


def start_label(portal: PortalConfig, said: dict[str, str]) -> str:
    """The first button: the job applicant's own sentence, or the sign-in named with the
    portal's word where it calls its visitors something else ("Contractor sign-in")."""
    if replaced(portal, "applicant"):
        return _("{Applicant} sign-in").format(**said)
    return _("I am applying for a job")


def speech_hint_line(languages: list[str]) -> str:
    """ "Press F5 to hear the screen read aloud" in each of *languages*, on one line."""
    from kiosk.speech.hint import hint_in_languages

    return "  ·  ".join(hint for _language, hint in hint_in_languages(languages))


class WelcomeScreen(KioskScreen):
    """The first screen, and the one every visit returns to."""

    # welcome.tcss is loaded with the app's CSS (see KioskApp.CSS_PATH).
    # The first button has the keyboard from the start: focused as the screen is composed
    # (Textual's auto focus), so that its focus style is there in the first drawing of the
    # screen instead of making a second one.
    AUTO_FOCUS = "#start-applicant"

    def compose(self) -> ComposeResult:
        portal = self.kiosk.portal
        said = words(portal)
        yield from self.compose_header()
        yield Static(speech_hint_line(self.kiosk.hint_languages()), id="speech-hint", markup=False)
        if portal.ticker:
            yield Ticker(portal.ticker, id="ticker")
        with VerticalScroll(id="welcome-scroll"), Vertical(id="welcome-box"):
            logo = read_logo(portal.logo)
            if logo:
                with Center(id="welcome-logo-row"):  # the art centred as one block, not per line
                    yield Static(logo, id="welcome-logo", markup=False)
            yield Static(
                _("Welcome to the {brand} {portal}").format(brand=portal.brand, **said)
                if portal.brand
                else _("Welcome"),
                id="welcome-greeting",
                markup=False,
            )
            language = current_language()
            yield Static(portal.title_in(language), id="welcome-title", markup=False)
            if portal.description_in(language):
                yield Static(
                    portal.description_in(language), id="welcome-description", markup=False
                )
            yield Button(start_label(portal, said), id="start-applicant", variant="primary")
            yield Button(_("I have a pickup code"), id="start-code")
            yield Button(_("I have a login"), id="start-login")
            yield Static(_("Language"), classes="welcome-section")
            with Horizontal(id="language"):
                yield from language_buttons(self.kiosk.languages(), "lang-")
            if self.kiosk.portal_choice:
                yield Static(_("Choose your {portal}").format(**said), classes="welcome-section")
                with Vertical(id="portals"):
                    for choice in self.kiosk.config.portals:
                        button = Button(
                            choice.brand or choice.title,
                            id=f"portal-{choice.name}",
                            classes="portal-choice",
                            variant="primary" if choice is portal else "default",
                        )
                        button.portal_name = choice.name  # type: ignore[attr-defined]
                        yield button

    def focus_default(self) -> None:
        self.query_one("#start-applicant", Button).focus()

    def on_screen_resume(self) -> None:
        self.focus_default()

    @on(Button.Pressed, "#start-applicant")
    def start_applicant(self) -> None:
        self.post_message(StartVisit(self, VisitKind.APPLICANT))

    @on(Button.Pressed, "#start-code")
    def start_code(self) -> None:
        self.post_message(StartVisit(self, VisitKind.PICKUP))

    @on(Button.Pressed, "#start-login")
    def start_login(self) -> None:
        self.post_message(StartVisit(self, VisitKind.RETURNING))

    @on(Button.Pressed, "#language .language-choice")
    def choose_language(self, event: Button.Pressed) -> None:
        self.post_message(ChooseLanguage(self, getattr(event.button, "language", "")))

    @on(Button.Pressed, ".portal-choice")
    def choose_portal(self, event: Button.Pressed) -> None:
        self.post_message(ChoosePortal(self, getattr(event.button, "portal_name", "")))
