"""Which real articles to annotate next: those the current models are unsure about or disagree on,
and those they expect to hold overclaims, with a share drawn at random to keep the distribution
honest.

Only train-split articles never annotated are candidates, so the annotations go to training and the
validation, test and blind sets keep their unselected distribution.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypecheck.models.context import sentence_contexts
from hypecheck.models.prediction import Predictor
from hypecheck.models.sentences import split_sentences
from hypecheck.training.annotation import MAX_UNITS, MIN_UNITS, annotated_article_ids, write_batches
from hypecheck.training.articles import Article, all_articles
from hypecheck.training.splits import split_of

RANDOM_SHARE = 0.25


@dataclass(frozen=True)
class Ranked:
    """An article and why it ranks: mean disagreement, mean uncertainty, expected overclaim share."""

    article: Article
    units: int
    disagreement: float
    uncertainty: float
    density: float

    @property
    def score(self) -> float:
        return self.disagreement + self.uncertainty + self.density


def candidates(data_dir: Path, seed_file: Path) -> list[Article]:
    """Unannotated train-split articles of a size annotators read whole."""
    seen = annotated_article_ids(seed_file)
    return [
        a
        for a in all_articles(data_dir)
        if split_of(a.id) == "train"
        and a.id not in seen
        and MIN_UNITS <= len(split_sentences(a.text)) <= MAX_UNITS
    ]


def rank(articles: Sequence[Article], predictors: Sequence[Predictor]) -> list[Ranked]:
    """Score every sentence with every predictor (each reading its own context mode) and rank the
    articles, most informative first. Uncertainty is how close a model's probability is to its own
    threshold; disagreement is the spread of the models' probabilities."""
    sentences = [[s.text for s in split_sentences(a.text)] for a in articles]
    flat = [t for ss in sentences for t in ss]
    per_model = []
    for predictor in predictors:
        contexts = [c for ss in sentences for c in sentence_contexts(ss, predictor.info.context)]
        p = predictor.predict(flat, contexts).p_overclaim
        t = predictor.info.overclaim_threshold
        per_model.append((p, 1 - np.abs(p - t) / max(t, 1 - t)))
    probs = np.stack([p for p, _ in per_model])
    unsure = np.stack([u for _, u in per_model]).mean(axis=0)
    spread = probs.max(axis=0) - probs.min(axis=0)
    mean_p = probs.mean(axis=0)
    ranked, start = [], 0
    for article, ss in zip(articles, sentences, strict=True):
        part = slice(start, start + len(ss))
        start += len(ss)
        ranked.append(
            Ranked(
                article,
                len(ss),
                float(spread[part].mean()),
                float(unsure[part].mean()),
                float(mean_p[part].mean()),
            )
        )
    return sorted(ranked, key=lambda r: r.score, reverse=True)


def choose(ranked: Sequence[Ranked], units: int, seed: int) -> list[tuple[Ranked, str]]:
    """Articles worth about ``units`` units, each with how it was drawn: the top of the ranking
    (``ranked``), then RANDOM_SHARE of the units drawn at random from the rest (``random``)."""
    rng = random.Random(seed)
    chosen: list[tuple[Ranked, str]] = []
    total = 0
    for r in ranked:
        if total >= units * (1 - RANDOM_SHARE):
            break
        chosen.append((r, "ranked"))
        total += r.units
    rest = list(ranked[len(chosen) :])
    rng.shuffle(rest)
    for r in rest:
        if total >= units:
            break
        chosen.append((r, "random"))
        total += r.units
    return chosen


def prepare_round(
    data_dir: Path,
    seed_file: Path,
    predictors: Sequence[Predictor],
    out_dir: Path,
    units: int,
    n_batches: int,
    seed: int,
) -> list[Path]:
    """Rank, choose and write one round's work batches (they hold corpus text: not committed) and
    ``chosen.json``: each article's id, how it was drawn and its ranking figures (no text)."""
    chosen = choose(rank(candidates(data_dir, seed_file), predictors), units, seed)
    paths = write_batches([r.article for r, _ in chosen], out_dir, n_batches)
    record = [
        {
            "article": r.article.id,
            "drawn": drawn,
            "units": r.units,
            "disagreement": round(r.disagreement, 4),
            "uncertainty": round(r.uncertainty, 4),
            "density": round(r.density, 4),
        }
        for r, drawn in chosen
    ]
    (out_dir / "chosen.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return paths
