"""Self-training: a teacher model labels unannotated real sentences and the confident ones join training.

The real articles in ../shared hold tens of thousands of sentences; 6,569 are annotated. A stronger teacher
(the champion transformer) labels a sample of the rest; sentences it is sure of become training
examples for the student. Only articles whose group falls in the train split are read, so no sentence
of a validation or test article is seen, not even with a teacher's label.
"""

from __future__ import annotations

import logging
import random

import numpy as np

from models.labels import OVERCLAIM, REASONS, VERDICTS
from training.config import TrainConfig
from training.paths import SharedDataMissing
from training.splits import split_of

log = logging.getLogger(__name__)
MIN_CHARS, MAX_CHARS = 25, 400  # fragments and run-on extraction debris teach nothing


def candidate_sentences(seed: int, limit: int, exclude: set[str]) -> list[tuple[str, str, str]]:
    """Up to ``limit`` unannotated sentences ``(text, source, article id)`` from train-split articles."""
    from models.sentences import split_sentences
    from training.articles import all_articles

    pool = []
    for article in all_articles():
        if split_of(article.id) != "train":
            continue
        for sentence in split_sentences(article.text):
            key = " ".join(sentence.text.lower().split())
            if MIN_CHARS <= len(sentence.text) <= MAX_CHARS and key not in exclude:
                pool.append((sentence.text, article.source, article.id))
    return random.Random(seed).sample(pool, min(limit, len(pool)))


def pseudo_examples(config: TrainConfig, exclude: set[str]) -> list:
    """Teacher-labelled examples: verdict (and reasons for overclaims) where the teacher is confident."""
    from models.predictors import load_predictor
    from models.registry import resolve_bundle
    from training.dataset import Example

    try:
        candidates = candidate_sentences(config.seed, config.pseudo_limit, exclude)
    except SharedDataMissing as missing:
        log.warning("skipped self-training: %s", missing)
        return []
    teacher = load_predictor(resolve_bundle(config.pseudo_teacher))
    probs = teacher.predict([text for text, _, _ in candidates])
    confident = probs.verdict.max(axis=1) >= config.pseudo_confidence
    verdicts = probs.verdict.argmax(axis=1)
    claims = probs.claim.argmax(axis=1)
    sure_claim = probs.claim.max(axis=1) >= config.pseudo_confidence
    overclaim = VERDICTS.index(OVERCLAIM)
    examples = []
    for i in np.flatnonzero(confident):
        text, source, group = candidates[i]
        is_overclaim = verdicts[i] == overclaim
        reasons = probs.reasons[i] >= teacher.info.reason_threshold
        if not is_overclaim:
            reasons = np.zeros(len(REASONS))
        examples.append(
            Example(
                text=text,
                source=f"pseudo_{source}",
                group=group,
                split="train",
                verdict=int(verdicts[i]),
                reasons=tuple(float(r) for r in reasons),
                claim=int(claims[i]) if sure_claim[i] else -1,
            )
        )
    counts = np.bincount([e.verdict for e in examples], minlength=len(VERDICTS))
    log.info(
        "self-training: kept %d of %d sentences %s, %d with claim strength",
        len(examples),
        len(candidates),
        dict(zip(VERDICTS, counts.tolist(), strict=True)),
        sum(e.claim >= 0 for e in examples),
    )
    return examples
