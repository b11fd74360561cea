"""Offsets in the unit a client counts in: code points (Python) or UTF-16 code units (JavaScript and
Java strings: the browser, the extension, LanguageTool's clients). They differ after any character
beyond U+FFFF, an emoji for one, which takes two UTF-16 units."""

from __future__ import annotations

from itertools import accumulate
from typing import Literal

from hypecheck.models.results import DocumentScore
from hypecheck.serve.inputs import SpanT

Unit = Literal["codepoint", "utf16"]


def utf16_positions(text: str) -> list[int]:
    """For every code-point offset into ``text`` (0 to ``len(text)``), the UTF-16 offset."""
    return [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]


def in_units(score: DocumentScore, text: str, unit: Unit) -> DocumentScore:
    """A scored document (offsets into ``text``) with every sentence's and trigger's span in ``unit``."""
    if unit == "codepoint":
        return score
    at = utf16_positions(text)

    def moved(span: SpanT) -> SpanT:
        return span.model_copy(update={"start": at[span.start], "end": at[span.end]})

    sentences = [
        moved(s).model_copy(update={"triggers": [moved(t) for t in s.triggers]}) for s in score.sentences
    ]
    return score.model_copy(update={"sentences": sentences})
