"""What a visitor may change on any screen: the language (F2), high contrast (F3), large text (F4).

:class:`VisitorPreferencesApp` is the base of the kiosk app. A change applies at once: the
screen on top is rebuilt in place with everything typed into it kept, and the screens below
rebuild themselves when they come back (see ``screens.base.KioskScreen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from kiosk.i18n import available_languages, set_language
from kiosk.terminal.branding import high_contrast_theme, portal_theme

if TYPE_CHECKING:
    from kiosk.config import KioskConfig, PortalConfig

LARGE_TEXT_CLASS = "-large-text"


class VisitorPreferencesApp(App[None]):
    """Language, contrast and text size, switchable from every screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "choose_language", show=False, id="choose-language"),
        Binding("f3", "toggle_high_contrast", show=False, id="high-contrast"),
        Binding("f4", "toggle_large_text", show=False, id="large-text"),
    ]

    config: KioskConfig
    portal: PortalConfig
    language: str
    high_contrast: bool = False
    large_text: bool = False
    preferences_version: int = 0
    """Bumped on every change, so a screen knows it was drawn with older preferences."""

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # Textual's own themes lack the kiosk's variables; these keep the CSS valid under them.
        return {
            "header-ink": "#FFFFFF",
            "brand-text": "#1F6FB2",
            "focus-ring": "#1F6FB2",
        }

    # -- language ---------------------------------------------------------------------

    def languages(self) -> list[str]:
        """The languages a visitor can choose, the configured one first."""
        found = available_languages()
        return [self.config.language, *[lang for lang in found if lang != self.config.language]]

    def set_visitor_language(self, language: str) -> None:
        """Switch every text of the kiosk, and of the visit under way, to *language*."""
        if language not in available_languages():
            return
        set_language(language)
        self.language = language
        visit = getattr(self, "visit", None)
        if visit is not None:
            visit.language = language
        self._preferences_changed()

    def action_choose_language(self) -> None:
        """F2: the language picker, over whatever screen is up."""
        from screens.language import LanguageScreen

        if isinstance(self.screen, LanguageScreen):
            self.screen.dismiss(None)
            return

        def chosen(language: str | None) -> None:
            if language is not None:
                self.set_visitor_language(language)

        self.push_screen(LanguageScreen(), chosen)

    # -- contrast and text size -------------------------------------------------------

    def apply_portal_theme(self, *, before_start: bool = False) -> None:
        """The portal's theme, or high contrast when the visitor asked for it.

        *before_start*: the app is not running yet, so the theme is only recorded, the way
        Textual's own ``__init__`` records its default one; setting ``App.theme`` would
        restyle every widget once more as soon as the app started.
        """
        theme = (
            high_contrast_theme()
            if self.high_contrast
            else portal_theme(self.portal.name, self.portal.colour)
        )
        self.register_theme(theme)
        if not before_start:
            self.theme = theme.name
            return
        self.set_reactive(App.theme, theme.name)
        self.stylesheet.set_variables(self.get_css_variables())
        self.set_class(theme.dark, "-dark-mode", update=False)
        self.set_class(not theme.dark, "-light-mode", update=False)
        self.set_class(True, f"-theme-{theme.name}", update=False)

    def action_toggle_high_contrast(self) -> None:
        """F3: high contrast on or off."""
        self.high_contrast = not self.high_contrast
        self.apply_portal_theme()
        self._preferences_changed()

    def action_toggle_large_text(self) -> None:
        """F4: large text on or off."""
        self.large_text = not self.large_text
        self.set_class(self.large_text, LARGE_TEXT_CLASS)
        self._preferences_changed()

    def reset_preferences(self) -> None:
        """Back to the terminal's defaults, for the next visitor."""
        changed = self.high_contrast or self.large_text or self.language != self.config.language
        set_language(self.config.language)
        self.language = self.config.language
        self.high_contrast = self.large_text = False
        self.set_class(False, LARGE_TEXT_CLASS)
        self.apply_portal_theme()
        if changed:
            self._preferences_changed()

    def _preferences_changed(self) -> None:
        self.preferences_version += 1
        from screens.base import KioskScreen

        # The screen on top is rebuilt now; one under a modal (the picker), or covered by a
        # screen pushed meanwhile, is rebuilt when it is shown again.
        screen = self.screen
        if isinstance(screen, KioskScreen):
            self.call_later(screen.refresh_preferences)
