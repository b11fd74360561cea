"""Counts of labelled data and the corpus thresholds that ``hypecheck data stats`` reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from hypecheck.models.labels import NEUTRAL, REASONS, REGISTERS, SUPPORTED, LabelledUnit

FIELDS = ("verdict", "reasons", "claim_strength", "topic", "register", "source", "label")


def counts(rows: Iterable[dict[str, Any]], fields: Iterable[str] = FIELDS) -> dict[str, Counter]:
    """Per field, how many rows carry each value (list fields count each member; empty ones skipped)."""
    out: dict[str, Counter] = {}
    for row in rows:
        for name in fields:
            value = row.get(name)
            if value is None or value == [] or value == ():
                continue
            if isinstance(value, float):
                value = f"{round(value)}"
            members = value if isinstance(value, list | tuple) else [value]
            out.setdefault(name, Counter()).update(str(v) for v in members)
    return out


@dataclass(frozen=True)
class Threshold:
    name: str
    required: int
    actual: int

    @property
    def met(self) -> bool:
        return self.actual >= self.required


def written_thresholds(units: list[LabelledUnit]) -> list[Threshold]:
    """What the written corpus must reach (breadth, every reason, both non-overclaim verdicts, pairs)."""
    verdicts = Counter(u.verdict for u in units)
    reasons = Counter(r for u in units for r in u.reasons)
    registers = Counter(u.register for u in units)
    pairs = Counter(u.extra.get("pair") for u in units if u.extra.get("pair"))
    checks = [
        Threshold("written sentences", 3000, len(units)),
        Threshold("topics", 25, len({u.topic for u in units if u.topic})),
        Threshold("registers", len(REGISTERS), sum(1 for r in REGISTERS if registers[r])),
        Threshold(f"{SUPPORTED} sentences", 900, verdicts[SUPPORTED]),
        Threshold(f"{NEUTRAL} sentences", 900, verdicts[NEUTRAL]),
        Threshold("minimal pairs", 400, sum(1 for n in pairs.values() if n == 2)),
    ]
    checks += [Threshold(f"reason {reason}", 150, reasons[reason]) for reason in REASONS]
    return checks


def real_thresholds(units: list[LabelledUnit]) -> list[Threshold]:
    return [Threshold("annotated real sentences", 6000, len(units))]
