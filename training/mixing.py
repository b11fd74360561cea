"""Mixing several models' probabilities with weights: the ensemble command and the distillation
teacher (:mod:`hypecheck.training.self_training`) both use it."""

from __future__ import annotations

from collections.abc import Sequence

from hypecheck.models.prediction import Probabilities


def parse_weights(spec: str, count: int) -> list[float]:
    """``"0.7,0.3"`` -> weights summing to 1; empty -> equal weights."""
    weights = [float(w) for w in spec.split(",") if w.strip()] or [1.0] * count
    if len(weights) != count:
        raise ValueError(f"{len(weights)} weights for {count} models")
    total = sum(weights)
    return [w / total for w in weights]


def mix(parts: Sequence[Probabilities], weights: Sequence[float]) -> Probabilities:
    """The weighted mean of each head's probabilities."""
    return Probabilities(
        **{
            head: sum(w * getattr(p, head) for p, w in zip(parts, weights, strict=True))
            for head in ("verdict", "reasons", "claim")
        }
    )
