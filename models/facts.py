"""The facts a rewrite must keep, and may not invent: numbers, names and the words of quotations.

A rewrite that drops "in 12 mice", "Johns Hopkins" or "30%" is no longer the same report, however
calm it sounds; one that softens a quotation puts words in the speaker's mouth. Names are
capitalised words that do not open the sentence, read only when the sentence is not in title or
capital case (where every word is capitalised).
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
WORD = re.compile(r"[A-Za-z][\w'’-]*")
_OPENING = re.compile(r"^\W*[A-Za-z][\w'’-]*")
# A quotation: between curly or straight double quotes, or from an opening quote to the end (the
# sentence splitter may cut a long quotation), or from the start to a closing curly quote.
QUOTED = re.compile(r'“[^”]*(?:”|$)|"[^"]*(?:"|$)|^[^“]*”')


def title_case(words: list[str]) -> bool:
    """A headline in title case: there capitals mark no names, so they are not facts to keep."""
    return sum(w[0].isupper() for w in words) > 0.6 * len(words)


def facts(text: str) -> set[str]:
    """Numbers and names in ``text``."""
    found = set(NUMBER.findall(text))
    words = WORD.findall(text)
    if words and not title_case(words):
        body = text[m.end() :] if (m := _OPENING.match(text)) else text
        found |= {w for w in WORD.findall(body) if w[0].isupper() and len(w) > 1}
    return found


def keeps_facts(source: str, rewrite: str, context: str | None = None) -> bool:
    """Every number and name of ``source`` is still in ``rewrite`` (names in any case), its
    quotations are untouched, and ``rewrite`` brings in no number or name that neither ``source``
    nor its ``context`` has."""
    numbers = set(NUMBER.findall(rewrite))
    lowered = rewrite.lower()
    kept = all(f in numbers if f[0].isdigit() else f.lower() in lowered for f in facts(source))
    known = f"{source} {context or ''}".lower()
    return kept and keeps_quotes(source, rewrite) and all(f.lower() in known for f in facts(rewrite))


def keeps_quotes(source: str, rewrite: str) -> bool:
    """Every quotation of ``source`` is word for word in ``rewrite``."""
    return all(quote.group().strip('“”"') in rewrite for quote in QUOTED.finditer(source))
