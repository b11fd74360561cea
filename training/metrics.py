"""Metrics over predicted probabilities: pure functions, the same for every model kind."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
from hypecheck.models.labels import REASONS, VERDICTS
from hypecheck.models.prediction import Probabilities
from hypecheck.models.verdicts import VerdictRule
from hypecheck.training.examples import Example
from sklearn.metrics import f1_score, roc_auc_score


def reliability_bins(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 15
) -> list[tuple[float, float, float]]:
    """(mean confidence, accuracy, share of rows) for each non-empty confidence bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for low, high in pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            out.append(
                (float(confidence[inside].mean()), float(correct[inside].mean()), float(inside.mean()))
            )
    return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 15) -> float:
    """ECE of top-label confidence: the bin-weighted gap between confidence and accuracy."""
    if len(confidence) == 0:
        return float("nan")
    return float(
        sum(share * abs(conf - acc) for conf, acc, share in reliability_bins(confidence, correct, bins))
    )


def verdict_predictions(
    probs: Probabilities,
    threshold: float,
    reason_threshold: float = 0.5,
    enabled: Sequence[bool] | None = None,
) -> np.ndarray:
    """The verdict index per row, by the scoring core's rule (:mod:`hypecheck.models.verdicts`)."""
    rule = VerdictRule(threshold, reason_threshold, None if enabled is None else tuple(enabled))
    return rule.apply(probs.verdict, probs.reasons).verdicts


def compute(
    examples: Sequence[Example],
    probs: Probabilities,
    *,
    threshold: float,
    reason_threshold: float = 0.5,
    enabled: Sequence[bool] | None = None,
) -> dict[str, float]:
    """Headline metrics for whatever labels the examples carry (missing labels are skipped); verdicts
    by the scoring rule with these thresholds and ``enabled`` reasons (all by default)."""
    out: dict[str, float] = {}
    verdict = np.array([e.verdict for e in examples])
    has_verdict = verdict >= 0
    if has_verdict.sum():
        y = verdict[has_verdict]
        p = probs.verdict[has_verdict]
        pred = verdict_predictions(
            Probabilities(p, probs.reasons[has_verdict], probs.claim[has_verdict]),
            threshold,
            reason_threshold,
            enabled,
        )
        out["n"] = float(len(y))
        out["macro_f1"] = float(f1_score(y, pred, average="macro", labels=[0, 1, 2], zero_division=0))
        out["overclaim_f1"] = float(f1_score(y == 0, pred == 0, zero_division=0))
        for i, name in enumerate(VERDICTS):
            out[f"f1_{name}"] = float(f1_score(y == i, pred == i, zero_division=0))
        if 0 < (y == 0).sum() < len(y):
            out["auroc"] = float(roc_auc_score(y == 0, p[:, 0]))
        out["ece"] = expected_calibration_error(p.max(axis=1), (p.argmax(axis=1) == y).astype(float))
        out["ece_overclaim"] = expected_calibration_error(
            np.where(p[:, 0] >= 0.5, p[:, 0], 1 - p[:, 0]), ((p[:, 0] >= 0.5) == (y == 0)).astype(float)
        )
    reason_rows = [i for i, e in enumerate(examples) if e.reasons is not None and e.verdict == 0]
    if reason_rows:
        truth = np.array([examples[i].reasons for i in reason_rows])
        guess = probs.reasons[reason_rows] >= reason_threshold
        out["reason_micro_f1"] = float(f1_score(truth, guess, average="micro", zero_division=0))
        for j, name in enumerate(REASONS):
            out[f"f1_reason_{name}"] = float(f1_score(truth[:, j], guess[:, j], zero_division=0))
    claim = np.array([e.claim for e in examples])
    if (claim >= 0).sum():
        y = claim[claim >= 0]
        pred = probs.claim[claim >= 0].argmax(axis=1)
        out["claim_macro_f1"] = float(
            f1_score(y, pred, average="macro", labels=[0, 1, 2, 3], zero_division=0)
        )
        out["claim_n"] = float(len(y))
    return out


def best_threshold(examples: Sequence[Example], probs: Probabilities) -> float:
    """The overclaim threshold that maximises overclaim F1 on (validation) examples."""
    y = np.array([e.verdict for e in examples])
    keep = y >= 0
    if not (y[keep] == 0).any():
        return 0.5
    candidates = np.linspace(0.2, 0.8, 25)
    kept = Probabilities(probs.verdict[keep], probs.reasons[keep], probs.claim[keep])
    scores = [f1_score(y[keep] == 0, verdict_predictions(kept, t) == 0, zero_division=0) for t in candidates]
    return round(float(candidates[int(np.argmax(scores))]), 4)  # a grid point, without float noise


def best_reason_threshold(examples: Sequence[Example], probs: Probabilities) -> float:
    """The reason threshold that maximises reason micro-F1 on (validation) overclaims."""
    rows = [i for i, e in enumerate(examples) if e.reasons is not None and e.verdict == 0]
    if not rows:
        return 0.5
    truth = np.array([examples[i].reasons for i in rows])
    candidates = np.linspace(0.1, 0.7, 25)
    scores = [f1_score(truth, probs.reasons[rows] >= t, average="micro", zero_division=0) for t in candidates]
    return round(float(candidates[int(np.argmax(scores))]), 4)  # a grid point, without float noise
