"""Article context: the second segment a sentence is read with.

``data/GUIDELINES.md`` has annotators judge each sentence in its article: a result can be an
extrapolation only because the paragraph before said the study was in rats. A bundle trained with a context
mode reads each sentence together with its headline and/or the sentence before it; the mode travels
in ``bundle.json`` so training, evaluation and every scoring door build the same second segment.

The segment has a budget: the headline's first 8 words and the previous sentence's last 16. Read
whole, context made up 60% of the tokens of a sentence in a 10-sentence document; clipped, the model
reads 29% fewer tokens at the same quality (``make context-bench`` measures both).
"""

from __future__ import annotations

from collections.abc import Sequence

CONTEXT_MODES = ("", "previous", "headline", "headline+previous")
SEPARATOR = " … "
HEADLINE_WORDS = 8  # the headline names the finding and the study in its first words
PREVIOUS_WORDS = 16  # the end of the previous sentence is what the next one follows on from
Budget = tuple[int | None, int | None]  # words kept of the headline and of the previous sentence
BUDGET: Budget = (HEADLINE_WORDS, PREVIOUS_WORDS)


def check_mode(mode: str) -> str:
    if mode not in CONTEXT_MODES:
        raise ValueError(
            f"unknown context mode {mode!r} (one of {', '.join(repr(m) for m in CONTEXT_MODES)})"
        )
    return mode


def context_at(sentences: Sequence[str], index: int, mode: str, budget: Budget = BUDGET) -> str | None:
    """The context of ``sentences[index]`` in its document; ``None`` where there is none.

    The first sentence is taken as the headline. With ``headline+previous`` the previous sentence
    is added only when it is not the headline itself, so no segment repeats. Each part is clipped
    to its word budget (``None``: whole).
    """
    headline_words, previous_words = budget
    with_headline = mode in ("headline", "headline+previous")
    parts = []
    if with_headline and index > 0:
        parts.append(sentences[0].split()[:headline_words])
    if mode in ("previous", "headline+previous") and index > (1 if with_headline else 0):
        previous = sentences[index - 1].split()
        parts.append(previous[-previous_words:] if previous_words else previous)
    return SEPARATOR.join(" ".join(words) for words in parts) or None


def sentence_contexts(sentences: Sequence[str], mode: str, budget: Budget = BUDGET) -> list[str | None]:
    """The context of each sentence of one document, in order."""
    check_mode(mode)
    return [context_at(sentences, i, mode, budget) for i in range(len(sentences))]
