"""Visible text of an HTML document with a map from every text character back to the source.

This is the one way HTML becomes text to score, for every door: a draft checked by the CLI, a page
sent to the API, and pages in batch folders and WARC crawls. It was chosen over an article
extractor such as trafilatura because only it keeps offsets: editors, the web page
and the extension need spans in the HTML they sent, and an extractor rewrites the text it returns.
What an extractor did for crawls, leaving out menus and footers, is done here the way the browser
extension does it on a live page: the text of ``<main>``, else of a lone ``<article>``, else of the
whole page, without navigation, forms and code. Batch still reads a page's title, date and
canonical URL from its metadata; that is metadata, not the text scored.

The standard library's tolerant tokenizer reports where each token starts; this module keeps that
position for every character it emits (entities map to their whole ``&...;`` span), drops what a
reader never sees (scripts, styles, templates, hidden elements) and turns block elements into line
breaks, which the sentence splitter treats as hard boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "object"})
# Not prose, as the extension's content script leaves them out too.
NOT_PROSE = frozenset({"nav", "form", "textarea", "select", "button", "code", "pre", "kbd", "samp", "math"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "caption",
        "summary",
        "details",
    }
)
_ENTITY = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


@dataclass(frozen=True)
class VisibleText:
    """``text`` as a reader sees it; ``starts[i]``/``ends[i]`` is the source span of ``text[i]``."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Source offsets of the visible-text range ``[start, end)`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


class _Landmarks(HTMLParser):
    """Counts the ``<main>`` and ``<article>`` elements of a page, to choose the part to read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.counts = {"main": 0, "article": 0}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.counts:
            self.counts[tag] += 1


def article_root(source: str) -> str | None:
    """The element whose text is read: ``main``, else a lone ``article``, else None (the whole page)."""
    landmarks = _Landmarks()
    landmarks.feed(source)
    landmarks.close()
    if landmarks.counts["main"]:
        return "main"
    return "article" if landmarks.counts["article"] == 1 else None


class _Extractor(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.root = article_root(source)
        self.root_depth = 0  # open elements named ``root``; text counts only inside the first one
        self.root_done = False
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", source)]
        self.chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.hidden: list[str] = []

    def _here(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _emit(self, char: str, start: int, end: int) -> None:
        if char.isspace():
            if not self.chars or self.chars[-1] in " \n":
                return
            char = " " if char != "\n" else "\n"
        self.chars.append(char)
        self.starts.append(start)
        self.ends.append(end)

    def _break(self) -> None:
        if self.chars and self.chars[-1] == " ":
            self.chars.pop()
            self.starts.pop()
            self.ends.pop()
        if self.chars and self.chars[-1] != "\n":
            at = self._here()
            self._emit("\n", at, at)

    @property
    def outside(self) -> bool:
        """Outside the part of the page that is read (nothing is outside without a root)."""
        return self.root is not None and not self.root_depth

    def _track_root(self, tag: str, opening: bool) -> None:
        if tag != self.root or self.root_done:
            return
        self.root_depth += 1 if opening else -1
        if not opening and not self.root_depth:
            self.root_done = True  # only the first main (or the lone article) is read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden:
            self._track_root(tag, opening=True)
        is_hidden = (
            tag in INVISIBLE
            or tag in NOT_PROSE
            or any(name == "hidden" or (name == "aria-hidden" and value == "true") for name, value in attrs)
        )
        if tag not in VOID and (self.hidden or is_hidden):
            self.hidden.append(tag)
            return
        if tag in BLOCK and not self.hidden:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK and not self.hidden:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            if tag in self.hidden:
                while self.hidden and self.hidden.pop() != tag:
                    pass
            return
        if tag in BLOCK:
            self._break()
        self._track_root(tag, opening=False)

    def handle_data(self, data: str) -> None:
        if self.hidden or self.outside:
            return
        at = self._here()
        for i, char in enumerate(data):
            self._emit(" " if char.isspace() else char, at + i, at + i + 1)

    def _reference(self) -> None:
        if self.hidden or self.outside:
            return
        at = self._here()
        match = _ENTITY.match(self.source, at)
        raw = match.group() if match else "&"
        for char in unescape(raw):
            self._emit(char, at, at + len(raw))

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()


def visible_text(source: str) -> VisibleText:
    """Extract the visible text of ``source`` (any HTML, however malformed) with its source map."""
    parser = _Extractor(source)
    parser.feed(source)
    parser.close()
    chars, starts, ends = parser.chars, parser.starts, parser.ends
    while chars and chars[-1] in " \n":
        chars.pop()
        starts.pop()
        ends.pop()
    return VisibleText("".join(chars), tuple(starts), tuple(ends))


def looks_like_html(text: str) -> bool:
    """A cheap sniff for callers that accept either plain text or HTML."""
    head = text.lstrip()[:1024].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(
        re.search(r"<(p|div|body|article|h[1-6])\b", head)
    )
