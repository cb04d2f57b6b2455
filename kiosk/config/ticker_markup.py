"""The small markup of ticker messages: ``**bold**``, ``*italic*`` and ``[text](https://link)``.

Markup that does not close (a lone ``**``, an unfinished link) makes the whole message plain
text, shown exactly as written, so a typing slip never hides words or shows stray styles.
A backslash shows the next character as it is (``\\*``).
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()]+|mailto:[^\s()]+|tel:[^\s()]+)\)")


class MarkupError(ValueError):
    """The message's markup does not close."""


def parse(message: str) -> Text:
    """*message* as styled text, one span per run; raises :class:`MarkupError` on bad markup."""
    text = Text()
    bold = italic = False
    run = ""

    def flush() -> None:
        nonlocal run
        if run:
            text.append(run, _style(bold, italic))
            run = ""

    i = 0
    while i < len(message):
        ch = message[i]
        if ch == "\\" and i + 1 < len(message):
            run += message[i + 1]
            i += 2
        elif message.startswith("**", i):
            flush()
            bold = not bold
            i += 2
        elif ch == "*":
            flush()
            italic = not italic
            i += 1
        elif ch == "[":
            link = _LINK.match(message, i)
            if link is None:
                raise MarkupError(f"unfinished link at character {i + 1}")
            flush()
            style = _style(bold, italic) + Style(underline=True, link=link.group(2))
            text.append(link.group(1), style)
            i = link.end()
        elif ch == "]":
            raise MarkupError(f"']' without '[' at character {i + 1}")
        else:
            run += ch
            i += 1
    if bold or italic:
        raise MarkupError("bold or italic is not closed")
    flush()
    return text


def _style(bold: bool, italic: bool) -> Style:
    return Style(bold=bold or None, italic=italic or None)


def render(message: str) -> Text:
    """*message* styled, or as plain text when its markup is bad."""
    try:
        return parse(message)
    except MarkupError:
        return Text(message)
