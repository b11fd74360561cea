"""Reading what users hand us (plain text, Markdown, HTML, Word) into text the scoring core can
score, with a way back to offsets in what they handed us.

Markdown syntax is blanked out with spaces rather than removed, so offsets in the scored text are
offsets in the file; HTML goes through :mod:`hypecheck.models.html`, whose map leads back to the source.
A Word file (.docx, read by python-docx) becomes its paragraphs' text, a blank line between
paragraphs; offsets and lines are those of that text.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypecheck.models.html import looks_like_html, visible_text

MAX_BYTES = 5_000_000


class InputError(ValueError):
    """Input we cannot score: binary, undecodable, empty or too large. The message says which."""


@dataclass(frozen=True)
class Document:
    """``text`` is what gets scored; ``source`` what the user gave; ``to_source`` maps spans back."""

    name: str
    source: str
    text: str
    kind: str
    _starts: tuple[int, ...] | None = None
    _ends: tuple[int, ...] | None = None

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None or self._ends is None or end <= start:
            return start, end
        return self._starts[start], self._ends[end - 1]

    def sentence_in_source(self, row: dict[str, Any]) -> dict[str, Any]:
        """A scored sentence (``SentenceScore.to_dict()``) with its and its triggers' spans moved
        to offsets in what the user gave."""
        start, end = self.to_source(row["start"], row["end"])
        triggers = [
            {**t, **dict(zip(("start", "end"), self.to_source(t["start"], t["end"]), strict=True))}
            for t in row.get("triggers", [])
        ]
        return {**row, "start": start, "end": end, "triggers": triggers}


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?)", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)([^\n]*?\S)\1")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def markdown_to_text(source: str) -> str:
    """The prose of a Markdown file at the same offsets: syntax, code and comments become spaces."""
    text = _FENCE.sub(_blank, source)
    text = _COMMENT.sub(_blank, text)
    text = _LINK.sub(
        lambda m: " " * (1 + (m.group().startswith("!"))) + m.group(1) + " " * (len(m.group(2)) + 3), text
    )
    text = _HEADING.sub(_blank, text)
    return _EMPHASIS.sub(lambda m: " " * len(m.group(1)) + m.group(2) + " " * len(m.group(1)), text)


def _check_size(data: bytes, name: str) -> None:
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit")


def decode(data: bytes, name: str) -> str:
    """UTF-8 text or a clear :class:`InputError` (binary, undecodable, oversized, empty)."""
    _check_size(data, name)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks binary (NUL bytes); give text, Markdown or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not valid UTF-8 (byte {error.start})") from error
    if not text.strip():
        raise InputError(f"{name}: empty")
    return text


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs of a Word file (body and tables), or a clear :class:`InputError`."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InputError(f"{name}: not a readable .docx file ({error})"[:300]) from None
    cells = (cell for table in document.tables for row in table.rows for cell in row.cells)
    paragraphs = [p.text.strip() for p in document.paragraphs] + [c.text.strip() for c in cells]
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise InputError(f"{name}: the Word file has no text")
    return text


def read_document(source: str, name: str = "<text>", kind: str | None = None) -> Document:
    """A document from text; ``kind`` is text, markdown or html (guessed from name and content)."""
    if kind is None:
        suffix = Path(name).suffix.lower()
        kind = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(suffix)
        kind = kind or ("html" if looks_like_html(source) else "text")
    if kind == "html":
        visible = visible_text(source)
        if not visible.text.strip():
            raise InputError(f"{name}: the HTML has no visible text")
        return Document(name, source, visible.text, kind, visible.starts, visible.ends)
    if kind == "markdown":
        return Document(name, source, markdown_to_text(source), kind)
    return Document(name, source, source, "text")


def read_path(path: str) -> Document:
    """A document from a file path, or ``-`` for standard input."""
    import sys

    if path == "-":
        return read_document(decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>")
    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file")
    if file.suffix.lower() == ".docx":
        return read_document(docx_text(file.read_bytes(), path), path, kind="text")
    return read_document(decode(file.read_bytes(), path), path)
