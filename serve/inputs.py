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
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypeVar

from hypecheck.models.html import looks_like_html, visible_text
from hypecheck.models.results import DocumentScore, SentenceScore, Trigger
from hypecheck.serve.input_errors import InputError

SpanT = TypeVar("SpanT", SentenceScore, Trigger)

MAX_BYTES = 5_000_000
MAX_DOCX_UNPACKED = 50_000_000  # a Word file's parts once unzipped: text XML packs about tenfold


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

    def _moved(self, span: SpanT) -> SpanT:
        start, end = self.to_source(span.start, span.end)
        return span.model_copy(update={"start": start, "end": end})

    def sentence_in_source(self, sentence: SentenceScore) -> SentenceScore:
        """A scored sentence with its and its triggers' spans moved to offsets in what the user gave."""
        moved = self._moved(sentence)
        return moved.model_copy(update={"triggers": [self._moved(t) for t in sentence.triggers]})

    def in_source(self, score: DocumentScore) -> DocumentScore:
        """A scored document with every span in offsets of what the user gave."""
        return score.model_copy(update={"sentences": [self.sentence_in_source(s) for s in score.sentences]})


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?)", re.M)
_EMPHASIS = ("**", "__", "*", "_", "`")
_NON_SPACE = re.compile(r"\S")


class _Next:
    """The first match at or after a position, for positions that only move forward: each search
    goes on from where the last one stopped, so scanning a line costs its length once, not once
    per place a pattern could start (the difference between milliseconds and hours on ``[[[[``)."""

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text, self.pattern = text, pattern
        self.found: int | None = -1  # -1: nothing searched yet; None: no match after the last search

    def at_or_after(self, position: int) -> int | None:
        if self.found is not None and (self.found == -1 or self.found < position):
            match = self.pattern.search(self.text, position)
            self.found = match.start() if match else None
        return self.found


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _without_comments(text: str) -> str:
    """HTML comments blanked out; an unclosed ``<!--`` is left as it is."""
    out, cursor = [], 0
    while (start := text.find("<!--", cursor)) >= 0 and (end := text.find("-->", start + 4)) >= 0:
        out += [text[cursor:start], re.sub(r"[^\n]", " ", text[start : end + 3])]
        cursor = end + 3
    return "".join([*out, text[cursor:]])


def _without_links(line: str) -> str:
    """``[label](url)`` and ``![alt](src)`` as their label at the same offsets."""
    closing_bracket, closing_paren = _Next(line, re.compile(r"\]")), _Next(line, re.compile(r"\)"))
    out, cursor, i = [], 0, line.find("[")
    while i >= 0:
        label_end = closing_bracket.at_or_after(i + 1)
        if label_end is None:
            break
        opens_url = line[label_end + 1 : label_end + 2] == "("
        url_end = closing_paren.at_or_after(label_end + 2) if opens_url else None
        if url_end is None:
            i = line.find("[", i + 1)
            continue
        start = i - 1 if i > cursor and line[i - 1] == "!" else i
        label = line[i + 1 : label_end]
        out += [line[cursor:start], " " * (i + 1 - start), label, " " * (url_end - label_end + 1)]
        cursor = url_end + 1
        i = line.find("[", cursor)
    return "".join([*out, line[cursor:]])


def _without_emphasis(line: str) -> str:
    """``**bold**``, ``_italic_`` and ``code`` as their content at the same offsets: a delimiter
    followed by a non-space opens, the first same delimiter after a non-space closes."""
    closers = {d: _Next(line, re.compile(r"(?<=\S)" + re.escape(d))) for d in _EMPHASIS}
    out, cursor, i = [], 0, 0
    while (opener := _NON_SPACE.search(line, i)) is not None:
        i = opener.start()
        for delimiter in _EMPHASIS:
            width = len(delimiter)
            if not line.startswith(delimiter, i) or not line[i + width : i + width + 1].strip():
                continue
            close = closers[delimiter].at_or_after(i + width + 1)
            if close is not None:
                out += [line[cursor:i], " " * width, line[i + width : close], " " * width]
                cursor = i = close + width
                break
        else:
            i += 1
    return "".join([*out, line[cursor:]])


def markdown_to_text(source: str) -> str:
    """The prose of a Markdown file at the same offsets: syntax, code and comments become spaces.
    Every step is linear in the length of the file, whatever the file holds."""
    text = _FENCE.sub(_blank, source)
    text = _without_comments(text)
    text = "\n".join(_without_links(line) for line in text.split("\n"))
    text = _HEADING.sub(_blank, text)
    return "\n".join(_without_emphasis(line) for line in text.split("\n"))


_SURROGATE = re.compile("[\ud800-\udfff]")
# Whitespace and the characters that take no room on screen: soft hyphen, joiners, direction marks,
# the Hangul fillers, the byte-order mark.
_INVISIBLE = re.compile(
    r"[\s\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]*"
)


def clean_text(text: str, name: str, max_chars: int | None = None) -> str:
    """The one rule for text at every door (API, CLI, batch, extract): over ``max_chars`` is too
    long; NUL means binary and is refused; lone surrogates (which ``JSON.stringify`` sends for
    broken page text) become U+FFFD, one code point for one, so offsets still point into what the
    caller sent; text with nothing visible (whitespace, zero-width characters, a lone byte-order
    mark) is empty."""
    if max_chars is not None and len(text) > max_chars:
        raise InputError("too_long", f"{name}: {len(text):,} characters (over {max_chars:,})", max_chars)
    if "\x00" in text:
        message = f"{name}: contains NUL characters; give text, Markdown or HTML, not binary data"
        raise InputError("binary", message)
    if not has_visible_text(text):
        raise InputError("empty", f"{name}: empty (nothing visible in it)")
    return without_lone_surrogates(text)


def without_lone_surrogates(text: str) -> str:
    """Lone surrogates as U+FFFD: they cannot be encoded, split or written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def has_visible_text(text: str) -> bool:
    """Whether anything but whitespace and invisible format characters is in ``text``."""
    return _INVISIBLE.fullmatch(text) is None


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise InputError(
            "too_large", f"{name}: {size:,} bytes is over the {MAX_BYTES:,}-byte limit", MAX_BYTES
        )


def read_limited(handle: BinaryIO, name: str) -> bytes:
    """At most the size limit from ``handle`` (a pipe or ``/dev/zero`` never ends), else an error."""
    data = handle.read(MAX_BYTES + 1)
    _check_size(len(data), name)
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 text or a clear :class:`InputError` (binary, undecodable, oversized, empty)."""
    _check_size(len(data), name)
    if b"\x00" in data[:8192]:
        raise InputError("binary", f"{name}: looks binary (NUL bytes); give text, Markdown or HTML")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("undecodable", f"{name}: not valid UTF-8 (byte {error.start})") from error
    return text


def _check_docx_parts(data: bytes, name: str) -> None:
    """Refuse a Word file before python-docx inflates it: over :data:`MAX_DOCX_UNPACKED` bytes once
    unpacked (a zip bomb), or XML that declares a DTD or entities (entity expansion)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_DOCX_UNPACKED:
                message = f"{name}: unpacks to {unpacked:,} bytes, over the {MAX_DOCX_UNPACKED:,}-byte limit"
                raise InputError("too_large", message, MAX_DOCX_UNPACKED)
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, member):
                    message = f"{name}: {member.filename} declares a DTD or entities; refused"
                    raise InputError("unreadable", message)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as error:
        raise InputError("unreadable", f"{name}: not a readable .docx file ({error})"[:300]) from None


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether ``<!DOCTYPE`` or ``<!ENTITY`` appears in the part, read a block at a time (zipfile
    stops at the declared size, which the caller has bounded)."""
    tail = b""
    with archive.open(member) as handle:
        while block := handle.read(1 << 20):
            window = (tail + block).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                return True
            tail = window[-8:]
    return False


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs of a Word file (body and tables), or a clear :class:`InputError`."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    _check_size(len(data), name)
    _check_docx_parts(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        cells = (cell for table in document.tables for row in table.rows for cell in row.cells)
        paragraphs = [p.text.strip() for p in document.paragraphs] + [c.text.strip() for c in cells]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError) as error:
        raise InputError("unreadable", f"{name}: not a readable .docx file ({error})"[:300]) from None
    text = "\n\n".join(p for p in paragraphs if p)
    if not has_visible_text(text):
        raise InputError("empty", f"{name}: the Word file has no text")
    return text


def read_document(
    source: str, name: str = "<text>", kind: str | None = None, max_chars: int | None = None
) -> Document:
    """A document from text; ``kind`` is text, markdown or html (guessed from name and content)."""
    source = clean_text(source, name, max_chars)
    if kind is None:
        suffix = Path(name).suffix.lower()
        kind = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}.get(suffix)
        kind = kind or ("html" if looks_like_html(source) else "text")
    if kind == "html":
        visible = visible_text(source)
        if not has_visible_text(visible.text):
            raise InputError("empty", f"{name}: the HTML has no visible text")
        return Document(name, source, visible.text, kind, visible.starts, visible.ends)
    if kind == "markdown":
        return Document(name, source, markdown_to_text(source), kind)
    return Document(name, source, source, "text")


def read_path(path: str) -> Document:
    """A document from a file path, or ``-`` for standard input."""
    import sys

    if path == "-":
        return read_document(decode(read_limited(sys.stdin.buffer, "<stdin>"), "<stdin>"), "<stdin>")
    file = Path(path)
    if not file.is_file():
        raise InputError("not_found", f"{path}: no such file")
    _check_size(file.stat().st_size, path)
    with file.open("rb") as handle:
        data = read_limited(handle, path)
    if file.suffix.lower() == ".docx":
        return read_document(docx_text(data, path), path, kind="text")
    return read_document(decode(data, path), path)
