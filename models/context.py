"""Article context: the second segment a sentence is read with.

``data/GUIDELINES.md`` has annotators judge each sentence in its article: a result can be an
extrapolation only because the paragraph before said the study was in rats. A bundle trained with a context
mode reads each sentence together with its headline and/or the sentence before it; the mode travels
in ``bundle.json`` so training, evaluation and every scoring door build the same second segment.
"""

from __future__ import annotations

from collections.abc import Sequence

CONTEXT_MODES = ("", "previous", "headline", "headline+previous")
SEPARATOR = " … "


def check_mode(mode: str) -> str:
    if mode not in CONTEXT_MODES:
        raise ValueError(
            f"unknown context mode {mode!r} (one of {', '.join(repr(m) for m in CONTEXT_MODES)})"
        )
    return mode


def context_at(sentences: Sequence[str], index: int, mode: str) -> str | None:
    """The context of ``sentences[index]`` in its document; ``None`` where there is none.

    The first sentence is taken as the headline. With ``headline+previous`` the previous sentence
    is added only when it is not the headline itself, so no segment repeats.
    """
    with_headline = mode in ("headline", "headline+previous")
    parts = []
    if with_headline and index > 0:
        parts.append(sentences[0])
    if mode in ("previous", "headline+previous") and index > (1 if with_headline else 0):
        parts.append(sentences[index - 1])
    return SEPARATOR.join(p.strip() for p in parts) or None


def sentence_contexts(sentences: Sequence[str], mode: str) -> list[str | None]:
    """The context of each sentence of one document, in order."""
    check_mode(mode)
    return [context_at(sentences, i, mode) for i in range(len(sentences))]
