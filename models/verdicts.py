"""The verdict rule, in one place: the scoring core decides every sentence with it, and training
metrics and threshold calibration measure it, so a model is judged by the rule that serves it.

Overclaim when the overclaim probability reaches the threshold and the sentence has an enabled
reason; a sentence's reasons are those over the reason threshold, else its most probable one.
A user who disables a reason says "do not flag this for me", so an overclaim whose only reasons are
disabled falls to the likelier of the other two verdicts, as every other sentence does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Decisions:
    """Per row: the verdict (an index into the model's verdicts, 0 = overclaim) and the reasons named
    (a boolean row over the model's reasons, all false unless the verdict is overclaim)."""

    verdicts: np.ndarray
    reasons: np.ndarray


def decide(
    verdict_probs: np.ndarray,
    reason_probs: np.ndarray,
    *,
    threshold: float,
    reason_threshold: float,
    enabled: Sequence[bool] | None = None,
) -> Decisions:
    """The verdicts and reasons of ``n`` sentences from their ``n x 3`` and ``n x R`` probabilities."""
    rows = np.arange(len(reason_probs))
    best = np.zeros(reason_probs.shape, dtype=bool)
    best[rows, np.argmax(reason_probs, axis=1)] = True
    picked = reason_probs >= reason_threshold
    named = np.where(picked.any(axis=1, keepdims=True), picked, best)
    if enabled is not None:
        named &= np.asarray(enabled, dtype=bool)
    overclaim = (verdict_probs[:, 0] >= threshold) & named.any(axis=1)
    verdicts = np.where(overclaim, 0, 1 + np.argmax(verdict_probs[:, 1:], axis=1))
    return Decisions(verdicts, named & overclaim[:, None])


@dataclass(frozen=True)
class VerdictRule:
    """The rule's settings for one model and one set of options (see ``ScoreOptions.rule``)."""

    threshold: float
    reason_threshold: float
    enabled: tuple[bool, ...] | None = None  # per reason of the model; None: every reason

    def apply(self, verdict_probs: np.ndarray, reason_probs: np.ndarray) -> Decisions:
        return decide(
            verdict_probs,
            reason_probs,
            threshold=self.threshold,
            reason_threshold=self.reason_threshold,
            enabled=self.enabled,
        )
