"""Sentence splitting with exact character offsets: one splitter for training and serving.

Line breaks are hard boundaries (headlines, bullets and list items carry no full stop); inside a
block of text Bling Fire decides: on the tricky health-text cases of ``data/splitter`` it was the
most accurate candidate inside this line-aware wrapper and 45 times faster than pysbd
(``data/splitter/RESULTS.md``, made by ``training/splitter_benchmark.py``).
Offsets are recovered by aligning each sentence to the source with a moving cursor, so
``text[s.start:s.end] == s.text`` holds for every sentence whatever the splitter does inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SPLITTER_VERSION = "blingfire-0.1.8+lines-2"

_BLOCK = re.compile(r"[^\n\r\u2028\u2029\x0b\x0c\x1c-\x1e\x85]+")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2023\u25e6\u2043\u2219]|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence and where it sits in the text it came from."""

    start: int
    end: int
    text: str


Segment = Callable[[str], list[str]]


def _blingfire(block: str) -> list[str]:
    import blingfire

    return blingfire.text_to_sentences(block).split("\n")


def _align(block: str, offset: int, pieces: list[str]) -> list[Sentence]:
    """Map splitter output back to offsets in ``block``; pieces that cannot be found are skipped."""
    out: list[Sentence] = []
    cursor = 0
    for piece in pieces:
        core = piece.strip()
        if not core:
            continue
        at = block.find(core, cursor)
        if at < 0:
            continue
        end = at + len(core)
        out.append(Sentence(offset + at, offset + end, core))
        cursor = end
    return out


def _fill_gaps(block: str, offset: int, found: list[Sentence]) -> list[Sentence]:
    """Keep any non-space text the splitter dropped as a sentence of its own, so nothing is lost."""
    out: list[Sentence] = []
    cursor = offset
    for sentence in [*found, Sentence(offset + len(block), offset + len(block), "")]:
        gap = block[cursor - offset : sentence.start - offset]
        if gap.strip():
            lead = len(gap) - len(gap.lstrip())
            core = gap.strip()
            out.append(Sentence(cursor + lead, cursor + lead + len(core), core))
        if sentence.text:
            out.append(sentence)
        cursor = sentence.end
    return out


def split_sentences(text: str, segment: Segment | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with offsets.

    Lines are never joined, surrounding whitespace and list markers ("- ", "2. ") are not part of a
    sentence, and every other non-space character belongs to exactly one piece; a piece with no
    letter or digit in it ("...!!!", a rule of dashes, zero-width characters, a byte-order mark)
    says nothing to score and is not a sentence. ``segment``
    swaps the in-block splitter (Bling Fire) for another: the benchmark compares candidates this way.
    """
    segment = segment or _blingfire
    sentences: list[Sentence] = []
    for match in _BLOCK.finditer(text):
        bullet = _BULLET.match(match.group())
        skip = bullet.end() if bullet else 0
        block, offset = match.group()[skip:], match.start() + skip
        if not block.strip():
            continue
        pieces = segment(block)
        pieces_found = _fill_gaps(block, offset, _align(block, offset, pieces))
        sentences.extend(s for s in pieces_found if any(char.isalnum() for char in s.text))
    return sentences
