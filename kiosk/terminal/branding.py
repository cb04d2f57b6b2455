"""A portal's colour made into a Textual theme whose text keeps a readable contrast.

The contrast rules (which ink reads on the portal colour, the darker shade of it used as
text) are :mod:`kiosk.config.colours`, without Textual; this module builds the themes.
"""

from __future__ import annotations

from textual.theme import Theme

from kiosk.config.colours import DARK_INK, PAGE, SURFACE, ink_on, text_shade

HIGH_CONTRAST_THEME = "kiosk-high-contrast"


def portal_theme(name: str, colour: str) -> Theme:
    """The light theme of the portal *name* in *colour* (which must pass
    :func:`kiosk.config.colours.colour_problem`)."""
    ink, _ratio = ink_on(colour)
    shade = text_shade(colour)
    return Theme(
        name=f"portal-{name}",
        primary=colour,
        secondary=shade,
        accent=shade,
        background=PAGE,
        surface=SURFACE,
        panel="#E8EDF3",
        foreground=DARK_INK,
        error="#B00020",
        success="#1E7B34",
        warning="#8A5300",
        dark=False,
        variables={
            "button-color-foreground": ink,
            "header-ink": ink,
            "brand-text": shade,
            "focus-ring": shade,
            "block-cursor-foreground": ink,
            "block-cursor-background": colour,
            "footer-key-foreground": shade,
        },
    )


def high_contrast_theme() -> Theme:
    """White and yellow on black, for visitors who need the strongest contrast."""
    return Theme(
        name=HIGH_CONTRAST_THEME,
        primary="#FFFF00",
        secondary="#FFFFFF",
        accent="#FFFF00",
        background="#000000",
        surface="#000000",
        panel="#000000",
        foreground="#FFFFFF",
        error="#FF6B6B",
        success="#7CFC00",
        warning="#FFD700",
        dark=True,
        variables={
            "button-color-foreground": "#000000",
            "button-foreground": "#FFFFFF",
            "header-ink": "#000000",
            "brand-text": "#FFFF00",
            "focus-ring": "#FFFF00",
            "block-cursor-foreground": "#000000",
            "block-cursor-background": "#FFFF00",
            "footer-key-foreground": "#FFFF00",
        },
    )
