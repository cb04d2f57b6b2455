"""Colours that keep text readable: the WCAG 2 contrast rules for a portal's colour.

Contrast is the WCAG 2 ratio of relative luminances, ``(L1 + 0.05) / (L2 + 0.05)``. The
portal colour is used as the background of the header and of primary buttons, with the
kiosk's light or dark ink on it, whichever reads better; a colour on which neither reaches
:data:`MIN_CONTRAST` is refused (:func:`colour_problem`, which ``kiosk check-config`` and
``kiosk-server portals load --kiosk-config`` apply). Where the colour itself is used as text
on the light page (headings, focus), a darker shade of it is derived until it reaches the
same ratio (:func:`text_shade`).

Plain arithmetic on ``#RRGGBB`` text, without Textual: :mod:`kiosk.terminal.branding` builds
the Textual theme from these.
"""

from __future__ import annotations

MIN_CONTRAST = 4.5
LIGHT_INK = "#FFFFFF"
DARK_INK = "#16202B"
PAGE = "#F6F8FB"
SURFACE = "#FFFFFF"


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
