"""Offsets in the unit a client counts in: code points (Python) or UTF-16 code units (JavaScript and
Java strings: the browser, the extension, LanguageTool's clients). They differ after any character
beyond U+FFFF, an emoji for one, which takes two UTF-16 units."""

from __future__ import annotations

from itertools import accumulate
from typing import Any, Literal

Unit = Literal["codepoint", "utf16"]


def utf16_positions(text: str) -> list[int]:
    """For every code-point offset into ``text`` (0 to ``len(text)``), the UTF-16 offset."""
    return [0, *accumulate(2 if ord(char) > 0xFFFF else 1 for char in text)]


def sentence_in_units(row: dict[str, Any], text: str, unit: Unit) -> dict[str, Any]:
    """A scored sentence (offsets into ``text``) with its and its triggers' spans in ``unit``."""
    if unit == "codepoint":
        return row
    at = utf16_positions(text)
    triggers = [{**t, "start": at[t["start"]], "end": at[t["end"]]} for t in row.get("triggers", [])]
    return {**row, "start": at[row["start"]], "end": at[row["end"]], "triggers": triggers}
