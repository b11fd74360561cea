"""Self-training: a teacher model labels unannotated real sentences and the confident ones join training.

The real articles in ../shared hold tens of thousands of sentences; 6,569 are annotated. A stronger teacher
(the champion transformer) labels a sample of the rest; sentences it is sure of become training
examples for the student. Only articles whose group falls in the train split are read, so no sentence
of a validation or test article is seen, not even with a teacher's label.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypecheck.models.context import context_at
from hypecheck.models.labels import OVERCLAIM, VERDICTS
from hypecheck.models.prediction import Probabilities
from hypecheck.models.predictors import load_predictor
from hypecheck.models.registry import resolve_bundle
from hypecheck.models.sentences import split_sentences
from hypecheck.training.articles import all_articles
from hypecheck.training.config import TrainConfig
from hypecheck.training.examples import Example
from hypecheck.training.mixing import mix, parse_weights
from hypecheck.training.paths import SharedDataMissing
from hypecheck.training.splits import split_of

log = logging.getLogger(__name__)
MIN_CHARS, MAX_CHARS = 25, 400  # fragments and run-on extraction debris teach nothing


@dataclass(frozen=True)
class Candidate:
    """An unannotated sentence, with its article's sentences so any context mode can be built."""

    text: str
    source: str
    article: str
    sentences: tuple[str, ...]
    index: int

    def context(self, mode: str) -> str | None:
        return context_at(self.sentences, self.index, mode)


def candidate_sentences(data_dir: Path, seed: int, limit: int, exclude: set[str]) -> list[Candidate]:
    """Up to ``limit`` unannotated sentences from train-split articles."""
    pool = []
    for article in all_articles(data_dir):
        if split_of(article.id) != "train":
            continue
        sentences = tuple(s.text for s in split_sentences(article.text))
        for index, text in enumerate(sentences):
            key = " ".join(text.lower().split())
            if MIN_CHARS <= len(text) <= MAX_CHARS and key not in exclude:
                pool.append(Candidate(text, article.source, article.id, sentences, index))
    return random.Random(seed).sample(pool, min(limit, len(pool)))


def teacher_probabilities(config: TrainConfig, candidates: list[Candidate]) -> tuple[Probabilities, float]:
    """The teachers' probabilities mixed with ``pseudo_weights`` (:func:`hypecheck.training.mixing.mix`),
    each teacher reading the candidates with its own context mode; and the first teacher's reason
    threshold."""
    references = [r.strip() for r in config.pseudo_teacher.split(",") if r.strip()]
    weights = parse_weights(config.pseudo_weights, len(references))
    teachers = [load_predictor(resolve_bundle(r, tracking_uri=config.tracking_uri)) for r in references]
    texts = [c.text for c in candidates]
    parts = [t.predict(texts, [c.context(t.info.context) for c in candidates]) for t in teachers]
    return mix(parts, weights), teachers[0].info.reason_threshold


def pseudo_examples(config: TrainConfig, exclude: set[str]) -> list[Example]:
    """Teacher-labelled examples. Hard (self-training): the verdict (and reasons for overclaims)
    where the teacher is confident. Soft (``pseudo_soft``, distillation): every candidate, with the
    teacher's verdict and reason probabilities as targets."""
    try:
        candidates = candidate_sentences(config.shared_data, config.seed, config.pseudo_limit, exclude)
    except SharedDataMissing as missing:
        log.warning("skipped self-training: %s", missing)
        return []
    probs, reason_threshold = teacher_probabilities(config, candidates)
    confident = probs.verdict.max(axis=1) >= (0.0 if config.pseudo_soft else config.pseudo_confidence)
    verdicts = probs.verdict.argmax(axis=1)
    claims = probs.claim.argmax(axis=1)
    sure_claim = probs.claim.max(axis=1) >= config.pseudo_confidence
    overclaim = VERDICTS.index(OVERCLAIM)
    examples = []
    for i in np.flatnonzero(confident):
        candidate = candidates[i]
        if config.pseudo_soft:
            reasons = probs.reasons[i]
        else:
            reasons = (probs.reasons[i] >= reason_threshold) * (verdicts[i] == overclaim)
        examples.append(
            Example(
                text=candidate.text,
                source=f"pseudo_{candidate.source}",
                group=candidate.article,
                split="train",
                verdict=-1 if config.pseudo_soft else int(verdicts[i]),
                reasons=tuple(float(r) for r in reasons),
                claim=int(claims[i]) if sure_claim[i] else -1,
                context=candidate.context(config.context),
                verdict_probs=tuple(float(p) for p in probs.verdict[i]) if config.pseudo_soft else None,
            )
        )
    counts = np.bincount(verdicts[confident], minlength=len(VERDICTS))
    log.info(
        "self-training: kept %d of %d sentences %s (%s labels), %d with claim strength",
        len(examples),
        len(candidates),
        dict(zip(VERDICTS, counts.tolist(), strict=True)),
        "soft" if config.pseudo_soft else "hard",
        sum(e.claim >= 0 for e in examples),
    )
    return examples
