"""The facts a rewrite must keep, and may not invent: numbers and names.

A rewrite that drops "in 12 mice", "Johns Hopkins" or "30%" is no longer the same report, however
calm it sounds. Names are capitalised words that do not open the sentence, read only when the
sentence is not in title or capital case (where every word is capitalised).
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"[A-Za-z][\w'’-]*")
_OPENING = re.compile(r"^\W*[A-Za-z][\w'’-]*")


def _title_case(words: list[str]) -> bool:
    return sum(w[0].isupper() for w in words) > 0.6 * len(words)


def facts(text: str) -> set[str]:
    """Numbers and names in ``text``."""
    found = set(NUMBER.findall(text))
    words = WORD.findall(text)
    if words and not _title_case(words):
        body = text[m.end() :] if (m := _OPENING.match(text)) else text
        found |= {w for w in WORD.findall(body) if w[0].isupper() and len(w) > 1}
    return found


def keeps_facts(source: str, rewrite: str, context: str | None = None) -> bool:
    """Every number and name of ``source`` is still in ``rewrite`` (names in any case), and
    ``rewrite`` brings in no number or name that neither ``source`` nor its ``context`` has."""
    numbers = set(NUMBER.findall(rewrite))
    lowered = rewrite.lower()
    kept = all(f in numbers if f[0].isdigit() else f.lower() in lowered for f in facts(source))
    known = f"{source} {context or ''}".lower()
    return kept and all(f.lower() in known for f in facts(rewrite))
