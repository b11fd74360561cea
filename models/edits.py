"""Token edits in the manner of LaserTagger: a rewrite as keep-or-delete per word, plus a phrase from a
fixed vocabulary inserted before a word.

Training turns each (overclaim, rewrite) pair into such tags (:func:`tags_for`); the learned
rewriter predicts them for a new sentence and :func:`realize` applies them. A word is a run of word
characters or one other non-space character, together with the spaces before it, so applying the
tags of a pair to its overclaim gives back the rewrite, spacing included.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

WORD = re.compile(r"\s*(?:\w+|[^\w\s])")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?)\]])")
_DOUBLE_SPACE = re.compile(r"\s{2,}")
_OPENERS = "\"'“‘([-/"
_CLOSERS = ",.;:!?)]'’”-/%"


@dataclass(frozen=True)
class Word:
    """One word of a sentence: its text with the spaces before it, and its character span."""

    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class Tag:
    """What happens at one word: the phrase inserted before it (``""`` for none), and whether the word
    itself is kept."""

    keep: bool = True
    phrase: str = ""


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[Word, ...]:
    """``text``'s words; cached, since a rewrite's candidates re-read the same sentence many times."""
    return tuple(Word(m.group(), m.start(), m.end()) for m in WORD.finditer(text))


def tags_for(source: str, target: str) -> list[Tag] | None:
    """The tags that turn ``source`` into ``target``, or ``None`` when the edit appends after the
    last word (a position no tag holds)."""
    a, b = words(source), words(target)
    matcher = difflib.SequenceMatcher(None, [w.bare for w in a], [w.bare for w in b], autojunk=False)
    tags = [Tag() for _ in a]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i1 == len(a):
            return None
        phrase = "".join(w.text for w in b[j1:j2]).strip()
        for i in range(i1, i2):
            tags[i] = Tag(keep=False)
        tags[i1] = Tag(keep=op == "insert", phrase=phrase)
    return tags


def realize(source: str, tags: list[Tag]) -> str:
    """``source`` with ``tags`` applied, with tidy spacing and the first letter's case kept.

    A phrase is spaced from what comes before it unless it opens with closing punctuation or follows
    an opening quote or bracket; a kept word after a phrase keeps its own spacing, or gets one
    space where it would otherwise run into the phrase.
    """
    out = ""
    for word, tag in zip(words(source), tags, strict=True):
        if tag.phrase:
            joined = not out or out[-1] in _OPENERS or tag.phrase[0] in _CLOSERS
            out += ("" if joined else " ") + tag.phrase
        if tag.keep:
            text = word.text
            if tag.phrase and not text[:1].isspace() and out[-1:].isalnum() and text[:1].isalnum():
                text = " " + text
            out += text
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", _DOUBLE_SPACE.sub(" ", out)).strip()
    if text and source[:1].isupper():
        text = text[0].upper() + text[1:]
    return text


def edit_runs(source: str, tags: list[Tag]) -> list[tuple[str, str]]:
    """The edits ``tags`` make, as (the words they replace or delete, lower-cased; the phrase put in):
    a run is a word that is dropped or gets a phrase, with the dropped words right after it."""
    found, ws, i = [], words(source), 0
    while i < len(tags):
        if tags[i].keep and not tags[i].phrase:
            i += 1
            continue
        j = i + 1 if tags[i].keep else i
        while j < len(tags) and not tags[j].keep and (j == i or not tags[j].phrase):
            j += 1
        found.append((" ".join(w.bare.lower() for w in ws[i:j]), tags[i].phrase))
        i = max(j, i + 1)
    return found


def phrases(tags: list[Tag]) -> list[str]:
    return [t.phrase for t in tags if t.phrase]
