"""A portal's colour made into a Textual theme whose text keeps a readable contrast.

Contrast is the WCAG 2 ratio of relative luminances, ``(L1 + 0.05) / (L2 + 0.05)``. The
portal colour is used as the background of the header and of primary buttons, with the
kiosk's light or dark ink on it, whichever reads better; a colour on which neither reaches
:data:`MIN_CONTRAST` is refused. Where the colour itself is used as text on the light page
(headings, focus), a darker shade of it is derived until it reaches the same ratio.
"""

from __future__ import annotations

from textual.theme import Theme

MIN_CONTRAST = 4.5
LIGHT_INK = "#FFFFFF"
DARK_INK = "#16202B"
PAGE = "#F6F8FB"
SURFACE = "#FFFFFF"
HIGH_CONTRAST_THEME = "kiosk-high-contrast"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def luminance(colour: str) -> float:
    """Relative luminance of a ``#RRGGBB`` colour (0 black to 1 white)."""
    r, g, b = (_channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(colour: str) -> tuple[str, float]:
    """The kiosk ink (light or dark) that reads best on *colour*, with its ratio."""
    light, dark = contrast(colour, LIGHT_INK), contrast(colour, DARK_INK)
    return (LIGHT_INK, light) if light >= dark else (DARK_INK, dark)


def colour_problem(colour: str) -> str | None:
    """Why *colour* cannot be a portal colour, or None when text on it stays readable."""
    _ink, ratio = ink_on(colour)
    if ratio >= MIN_CONTRAST:
        return None
    return (
        f"colour {colour} gives text a contrast of only {ratio:.2f}:1 (at least "
        f"{MIN_CONTRAST}:1 is needed); choose a darker or a lighter colour"
    )


def _scaled(colour: str, factor: float) -> str:
    return "#" + "".join(f"{round(v * factor):02X}" for v in _rgb(colour))


def text_shade(colour: str, background: str = SURFACE) -> str:
    """*colour*, darkened as little as needed to be read as text on *background*."""
    factor = 1.0
    shade = colour
    while contrast(shade, background) < MIN_CONTRAST and factor > 0:
        factor = round(factor - 0.05, 2)
        shade = _scaled(colour, factor)
    return shade


def portal_theme(name: str, colour: str) -> Theme:
    """The light theme of the portal *name* in *colour* (which must pass :func:`colour_problem`)."""
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
