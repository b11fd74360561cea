"""One training example: a sentence with the labels its source has and masks for the rest.

The record every training module passes around; :mod:`hypecheck.training.dataset` assembles them
and :mod:`hypecheck.training.self_training` adds teacher-labelled ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypecheck.models.labels import CLAIM_STRENGTHS, REASONS, VERDICTS, LabelledUnit
from hypecheck.training.splits import split_of


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
    aux_task: str | None = None  # an auxiliary corpus's task (see AUX_TASKS), trained but never served
    aux_label: float = -1.0
    context: str | None = None  # the article context read with the sentence (models.context)
    verdict_probs: tuple[float, ...] | None = None  # a teacher's soft verdict (distillation); verdict is -1
    genre: str | None = None  # a written document's genre (clinic, supplement_shop, ...), for reports
    furniture: bool = False  # page furniture (menu, byline, read time, ...) of a written document


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
        genre=unit.extra.get("genre"),
        furniture=bool(unit.extra.get("furniture")),
    )
