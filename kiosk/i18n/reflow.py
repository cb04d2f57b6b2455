"""Text written with hard line breaks, laid out again for whatever width shows it.

Consent forms are plain text files wrapped by their authors at some width; shown as they are
in a narrower or wider box, every line ends raggedly. :func:`reflow` joins the lines of each
paragraph (paragraphs are separated by blank lines) and keeps list items on lines of their own.
"""

from __future__ import annotations

import re

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^(?:[-•*]|\d+[.)])\s")


def _is_wide(char: str) -> bool:
    """CJK characters, which are written without spaces between them."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF  # CJK radicals, kana, ideographs, CJK punctuation
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def reflow(text: str) -> str:
    """*text* with each paragraph on one line (list items each on their own)."""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text.strip()):
        merged = ""
        for line in (line.strip() for line in block.splitlines()):
            if not line:
                continue
            if not merged:
                merged = line
            elif _LIST_ITEM.match(line):
                merged += "\n" + line
            elif _is_wide(merged[-1]) or _is_wide(line[0]):
                merged += line
            else:
                merged += " " + line
        paragraphs.append(merged)
    return "\n\n".join(paragraphs)
