"""The label schema of ``data/GUIDELINES.md``: verdicts, reasons, claim strength and the labelled unit.

Every other module imports these names; no label string is spelled anywhere else.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

VERDICTS: tuple[str, ...] = ("overclaim", "supported", "neutral")
OVERCLAIM, SUPPORTED, NEUTRAL = VERDICTS

REASONS: tuple[str, ...] = (
    "sensational",
    "certainty",
    "safety",
    "causal",
    "extrapolation",
    "vague_evidence",
    "promotional",
)

REASON_DESCRIPTIONS: dict[str, str] = {
    "sensational": "hype vocabulary or sensational framing",
    "certainty": "unwarranted certainty or absolutes",
    "safety": "risk minimised or waved away, appeal to nature",
    "causal": "cause-and-effect wording for evidence that can only show association",
    "extrapolation": (
        "cells, animals, a handful of people or a subgroup presented as a benefit for people in general"
    ),
    "vague_evidence": "appeal to unnamed or unquantified evidence",
    "promotional": "selling or calls to action",
}

# Yu et al. (2019, 2020) claim-strength scale; the index is the corpus label id 0-3.
CLAIM_STRENGTHS: tuple[str, ...] = ("none", "correlational", "conditional_causal", "direct_causal")

REGISTERS: tuple[str, ...] = (
    "news",
    "press_release",
    "marketing",
    "blog",
    "social",
    "headline",
    "quote",
)

TOPICS: tuple[str, ...] = (
    "mental_health",
    "cancer",
    "heart",
    "nutrition",
    "supplements",
    "vaccines",
    "dementia",
    "sleep",
    "fertility",
    "weight_loss",
    "psychedelics",
    "pain",
    "diabetes",
    "ageing",
    "skin",
    "allergy",
    "infectious_disease",
    "exercise",
    "pregnancy",
    "child_health",
    "gut_health",
    "eyes",
    "respiratory",
    "addiction",
    "alternative_medicine",
    "surgery",
    "genetics",
    "oral_health",
    "kidney_liver",
    "stroke",
    "hormones",
    "medical_devices",
    "other",
)

CONFIDENCES: tuple[str, ...] = ("high", "low")


class LabelError(ValueError):
    """A record that does not follow the label guidelines (``data/GUIDELINES.md``)."""


def text_hash(text: str) -> str:
    """Short content hash that lets annotations detect drift in text rebuilt from a corpus."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class LabelledUnit:
    """One labelled sentence, headline or bullet: the record every data file and loader produces.

    ``group`` is the split group: units sharing it (one article, one minimal pair, one PubMed id)
    always land in the same split. Fields a corpus does not label are ``None``.
    """

    id: str
    text: str
    source: str
    group: str
    verdict: str | None = None
    reasons: tuple[str, ...] = ()
    claim_strength: str | None = None
    topic: str | None = None
    register: str | None = None
    confidence: str = "high"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate(self)

    def to_dict(self) -> dict[str, Any]:
        row = asdict(self)
        row["reasons"] = list(self.reasons)
        return row

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> LabelledUnit:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in row.items() if k in known}
        values["reasons"] = tuple(values.get("reasons") or ())
        return cls(**values)


def validate(unit: LabelledUnit) -> None:
    """Raise :class:`LabelError` when a unit breaks the spec (reasons only on overclaims, known names)."""
    where = f"unit {unit.id!r}"
    if not unit.text or not unit.text.strip():
        raise LabelError(f"{where}: empty text")
    if unit.verdict is not None and unit.verdict not in VERDICTS:
        raise LabelError(f"{where}: unknown verdict {unit.verdict!r}")
    unknown = [r for r in unit.reasons if r not in REASONS]
    if unknown:
        raise LabelError(f"{where}: unknown reasons {unknown}")
    if len(set(unit.reasons)) != len(unit.reasons):
        raise LabelError(f"{where}: repeated reasons")
    if unit.verdict == OVERCLAIM and not unit.reasons:
        raise LabelError(f"{where}: an overclaim needs at least one reason")
    if unit.verdict in (SUPPORTED, NEUTRAL) and unit.reasons:
        raise LabelError(f"{where}: reasons are only for overclaims")
    if unit.claim_strength is not None and unit.claim_strength not in CLAIM_STRENGTHS:
        raise LabelError(f"{where}: unknown claim strength {unit.claim_strength!r}")
    if unit.register is not None and unit.register not in REGISTERS:
        raise LabelError(f"{where}: unknown register {unit.register!r}")
    if unit.topic is not None and unit.topic not in TOPICS:
        raise LabelError(f"{where}: unknown topic {unit.topic!r}")
    if unit.confidence not in CONFIDENCES:
        raise LabelError(f"{where}: unknown confidence {unit.confidence!r}")
