"""Assemble the multi-task training table from every labelled source a config asks for.

Each example carries the labels its source has and masks the rest: our data has verdict, reasons
and claim strength; the seed labels have verdict and reasons; the claim-strength corpora have
claim strength only. Splits come from :func:`hypecheck.training.splits.split_of` on each unit's group.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
from collections.abc import Callable

from hypecheck.models.context import BUDGET, Budget, sentence_contexts
from hypecheck.models.labels import LabelledUnit
from hypecheck.training.annotation import active_round_files, read_jsonl
from hypecheck.training.config import TrainConfig
from hypecheck.training.corpus import DOCUMENT_SOURCE, load_own_units
from hypecheck.training.examples import Example, from_unit
from hypecheck.training.paths import SharedDataMissing
from hypecheck.training.self_training import pseudo_examples
from hypecheck.training.splits import split_of

log = logging.getLogger(__name__)
REAL_SOURCES = frozenset({"fakehealth_story", "fakehealth_release", "cardiff"})
# Sources whose units are whole articles' sentences in reading order (the seed's real half and our
# written documents too), so each unit's article context can be rebuilt from its neighbours.
ARTICLE_SOURCES = REAL_SOURCES | {"seed_fakehealth", DOCUMENT_SOURCE}


def _shared_units(config: TrainConfig) -> list[LabelledUnit]:
    from hypecheck.training.shared_corpora import seed_rows, yu2020_rows

    units: list[LabelledUnit] = []
    loaders = [(config.use_seed_labels, seed_rows), (config.use_claim_corpora, yu2020_rows)]
    for wanted, load in loaders:
        if not wanted:
            continue
        try:
            units.extend(LabelledUnit.from_dict(row) for row in load(config.shared_data))
        except SharedDataMissing as missing:
            log.warning("skipped: %s", missing)
    return units


def _advice(row: dict) -> float:
    from hypecheck.training.shared_corpora import ADVICE

    return float(ADVICE.index(row["label"]))


# task -> (loader name in training.shared_corpora, label -> training target)
AUX_TASKS: dict[str, tuple[str, Callable[[dict], float]]] = {
    "advice": ("li2021_rows", _advice),  # 3-way: none, weak, strong advice
    "certainty": ("pei2021_rows", lambda row: (float(row["label"]) - 1.0) / 5.0),  # 1-6 scaled to 0-1
    "hedge": ("bioscope_rows", lambda row: float(row["label"] == "hedged")),  # speculation cue or not
}


def aux_examples(config: TrainConfig) -> list[Example]:
    """Training examples of the auxiliary tasks in ``config.aux_tasks`` (train split, capped per task)."""
    from hypecheck.training import shared_corpora

    out: list[Example] = []
    for task in [t.strip() for t in config.aux_tasks.split(",") if t.strip()]:
        if task not in AUX_TASKS:
            raise ValueError(f"unknown auxiliary task {task!r} (one of {', '.join(AUX_TASKS)})")
        loader, target = AUX_TASKS[task]
        try:
            rows = getattr(shared_corpora, loader)(config.shared_data)
            rows = [r for r in rows if split_of(r["group"]) == "train"]
        except SharedDataMissing as missing:
            log.warning("skipped auxiliary task %s: %s", task, missing)
            continue
        rows = random.Random(config.seed).sample(rows, min(config.aux_limit, len(rows)))
        out += [
            Example(
                text=r["text"],
                source=r["source"],
                group=r["group"],
                split="train",
                verdict=-1,
                reasons=None,
                claim=-1,
                aux_task=task,
                aux_label=target(r),
            )
            for r in rows
        ]
    return out


def with_context(examples: list[Example], mode: str, budget: Budget = BUDGET) -> list[Example]:
    """Give each unit of an article its context under ``mode``; standalone sentences keep none.

    Units of one article arrive in reading order (the annotation file and the seed keep it), so
    the article is the sequence of its units.
    """
    if not mode:
        return examples
    articles: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        if example.source in ARTICLE_SOURCES:
            articles.setdefault(example.group, []).append(i)
    out = examples[:]
    for members in articles.values():
        contexts = sentence_contexts([examples[i].text for i in members], mode, budget)
        for i, context in zip(members, contexts, strict=True):
            out[i] = dataclasses.replace(examples[i], context=context)
    return out


def wave_articles() -> set[str]:
    """The real articles of the second data wave: those of the active-learning rounds."""
    return {row["article"] for path in active_round_files() for row in read_jsonl(path)}


def second_wave_share(
    units: list[LabelledUnit], fraction: float, wave: set[str] | None = None
) -> list[LabelledUnit]:
    """``units`` less the second wave's training articles outside a ``fraction`` of them; a hash of
    the article decides, so a smaller share is contained in a larger one. Validation and test stay
    whole, so every point of a learning curve is measured on the same sets. ``wave``: the wave's
    real articles (:func:`wave_articles`), read here when not given."""
    wave = wave_articles() if wave is None else wave

    def kept(unit: LabelledUnit) -> bool:
        in_wave = unit.group in wave or unit.source == DOCUMENT_SOURCE
        if not in_wave or split_of(unit.group) != "train":
            return True
        return int(hashlib.sha256(unit.group.encode()).hexdigest()[:8], 16) < fraction * 16**8

    return [unit for unit in units if kept(unit)]


def build_examples(config: TrainConfig) -> list[Example]:
    """All examples for ``config`` (every split), in a deterministic order."""
    units = load_own_units(config.shared_data, real=config.use_real_annotations) + _shared_units(config)
    if config.wave_fraction < 1.0:
        units = second_wave_share(units, config.wave_fraction)
    seen: set[str] = set()
    examples = []
    for example in with_context([from_unit(unit) for unit in units], config.context) + aux_examples(config):
        key = " ".join(example.text.lower().split())
        if key in seen:  # the same sentence from two sources: keep the first (our own labels)
            continue
        seen.add(key)
        examples.append(example)
    if config.pseudo_teacher:
        examples += pseudo_examples(config, exclude=seen)
    return examples


def by_split(examples: list[Example], config: TrainConfig) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {"train": [], "validation": [], "test": []}
    for example in examples:
        out[example.split].append(example)
    if config.limit_train:
        out["train"] = out["train"][: config.limit_train]
    return out


def fingerprint(examples: list[Example]) -> str:
    """Hash of the training data (texts, labels, splits): two runs with the same hash saw the same data."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(
            json.dumps(
                [example.text, example.split, example.verdict, example.reasons, example.claim]
                + ([example.context] if example.context else [])
                + ([example.verdict_probs] if example.verdict_probs else [])
            ).encode()
        )
    return digest.hexdigest()[:16]
