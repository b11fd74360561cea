"""Which parts of a text sit inside quotation marks, so a sentence can say it is a quotation."""

from __future__ import annotations

import re

_OPEN_CLOSE = {"“": "”", "«": "»", "„": "“"}
_STRAIGHT = re.compile(r'"')


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans between matching quotation marks (curly pairs, or alternating straight quotes)."""
    regions: list[tuple[int, int]] = []
    for opener, closer in _OPEN_CLOSE.items():
        start = text.find(opener)
        while start >= 0:
            end = text.find(closer, start + 1)
            if end < 0:
                regions.append((start, len(text)))
                break
            regions.append((start, end + 1))
            start = text.find(opener, end + 1)
    marks = [m.start() for m in _STRAIGHT.finditer(text)]
    regions.extend((a, b + 1) for a, b in zip(marks[::2], marks[1::2], strict=False))
    return sorted(regions)


def is_quoted(start: int, end: int, regions: list[tuple[int, int]]) -> bool:
    """True when at least half of ``[start, end)`` lies inside quotation marks."""
    if end <= start:
        return False
    inside = sum(max(0, min(end, b) - max(start, a)) for a, b in regions)
    return inside * 2 >= end - start
