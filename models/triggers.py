"""Trigger words by occlusion: the words whose removal lowers a sentence's overclaim probability most.

Occlusion asks the model itself, so it works for every model kind and is faithful by construction
to what the model does; ``training/faithfulness.py`` checks that removing the triggers
lowers the score more than removing random words of the same total length. All variants of all
sentences go to the model in one call, so batching and length sorting apply to them too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from hypecheck.models.prediction import Contexts, Predictor
from hypecheck.models.results import Trigger

WORD = re.compile(r"[\w'’-]+", re.UNICODE)
MAX_WORDS = 60


def word_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text)][:MAX_WORDS]


def without(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the given spans cut out (and the doubled spaces that leaves collapsed)."""
    out, cursor = [], 0
    for start, end in sorted(spans):
        out.append(text[cursor:start])
        cursor = end
    out.append(text[cursor:])
    return re.sub(r"\s{2,}", " ", "".join(out)).strip()


def occlusion_triggers(
    predictor: Predictor,
    texts: Sequence[str],
    base: np.ndarray,
    contexts: Contexts = None,
    *,
    top_k: int = 3,
    min_weight: float = 0.02,
) -> list[list[Trigger]]:
    """For each text, up to ``top_k`` words whose removal lowers ``p_overclaim`` (``base``, as scored
    whole) by ``min_weight`` or more.

    Only the sentence's own words are occluded; its context (if any) stays as it was scored."""
    contexts = contexts or [None] * len(texts)
    variants: list[str] = []
    variant_contexts: list[str | None] = []
    owners: list[tuple[int, tuple[int, int]]] = []
    for i, text in enumerate(texts):
        for span in word_spans(text):
            variants.append(without(text, [span]))
            variant_contexts.append(contexts[i])
            owners.append((i, span))
    drops: list[list[Trigger]] = [[] for _ in texts]
    if not variants:
        return drops
    occluded = predictor.predict(variants, variant_contexts).p_overclaim
    for (i, (start, end)), p in zip(owners, occluded, strict=True):
        weight = float(base[i]) - float(p)
        if weight >= min_weight:
            drops[i].append(Trigger(start=start, end=end, text=texts[i][start:end], weight=round(weight, 4)))
    return [sorted(found, key=lambda t: -t.weight)[:top_k] for found in drops]
