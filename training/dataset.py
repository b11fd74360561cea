"""Assemble the multi-task training table from every labelled source a config asks for.

Each example carries the labels its source has and masks the rest: our data has verdict, reasons
and claim strength; the seed labels have verdict and reasons; the claim-strength corpora have
claim strength only. Splits come from :func:`training.splits.split_of` on each unit's group.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from models.labels import CLAIM_STRENGTHS, OVERCLAIM, REASONS, VERDICTS, LabelledUnit
from training.config import TrainConfig
from training.corpus import load_own_units
from training.paths import SharedDataMissing
from training.splits import split_of

log = logging.getLogger(__name__)
REAL_SOURCES = frozenset({"fakehealth_story", "fakehealth_release", "cardiff"})


@dataclass(frozen=True)
class Example:
    text: str
    source: str
    group: str
    split: str
    verdict: int  # index into VERDICTS, -1 when unlabelled
    reasons: tuple[float, ...] | None  # multi-hot over REASONS, None when unlabelled
    claim: int  # index into CLAIM_STRENGTHS, -1 when unlabelled
    topic: str | None = None
    register: str | None = None


def from_unit(unit: LabelledUnit, *, with_reasons: bool = True) -> Example:
    verdict = VERDICTS.index(unit.verdict) if unit.verdict else -1
    reasons = None
    if with_reasons and unit.verdict:
        reasons = tuple(float(r in unit.reasons) for r in REASONS)
    return Example(
        text=unit.text,
        source=unit.source,
        group=unit.group,
        split=split_of(unit.group),
        verdict=verdict,
        reasons=reasons,
        claim=CLAIM_STRENGTHS.index(unit.claim_strength) if unit.claim_strength else -1,
        topic=unit.topic,
        register=unit.register,
    )


def _shared_units(config: TrainConfig) -> list[LabelledUnit]:
    from training.shared_corpora import seed_rows, yu2020_rows

    units: list[LabelledUnit] = []
    loaders = [(config.use_seed_labels, seed_rows), (config.use_claim_corpora, yu2020_rows)]
    for wanted, load in loaders:
        if not wanted:
            continue
        try:
            units.extend(LabelledUnit.from_dict(row) for row in load())
        except SharedDataMissing as missing:
            log.warning("skipped: %s", missing)
    return units


def build_examples(config: TrainConfig) -> list[Example]:
    """All examples for ``config`` (every split), in a deterministic order."""
    units = load_own_units(real=config.use_real_annotations) + _shared_units(config)
    seen: set[str] = set()
    examples = []
    for unit in units:
        key = " ".join(unit.text.lower().split())
        if key in seen:  # the same sentence from two sources: keep the first (our own labels)
            continue
        seen.add(key)
        examples.append(from_unit(unit))
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
            ).encode()
        )
    return digest.hexdigest()[:16]


def is_overclaim(example: Example) -> bool:
    return example.verdict == VERDICTS.index(OVERCLAIM)
