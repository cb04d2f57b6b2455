"""Formatted item text (``rendering-xhtml``, ``rendering-markdown``) as readable plain text.

A terminal cannot follow a link or show a style, so links keep their words with the
target written out after them (``the leaflet (https://example.org/leaflet)``), paragraphs
and list items become lines, and head, style and script blocks are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
     "blockquote", "pre", "hr", "section", "article", "header", "footer"}
)  # fmt: skip
_SKIPPED = frozenset({"head", "style", "script", "title"})
_SPACES = re.compile(r"[ \t\r\f\v]+")


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.links: list[tuple[str | None, int]] = []
        """Open ``<a>`` elements: their target and where their words start in ``parts``."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href and not href.startswith("#") and href != words:
                self.parts.append(f" ({href})" if words else href)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(_SPACES.sub(" ", data.replace("\n", " ")))


def xhtml_to_text(xhtml: str) -> str:
    """The words of *xhtml* as lines of plain text, link targets written out."""
    parser = _TextOf()
    parser.feed(xhtml)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def markdown_to_text(markdown: str) -> str:
    """The words of *markdown* as plain text (through its HTML), link targets written out."""
    from markdown_it import MarkdownIt  # a dependency of rich, loaded only for such forms

    return xhtml_to_text(MarkdownIt("commonmark").render(markdown))
