"""A transparent stand-in predictor for tests that need scores but not a trained model."""

import numpy as np
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.prediction import Probabilities


class KeywordPredictor:
    """Overclaim probability driven by known words: "miracle" makes a sentence overclaim (with the
    reasons sensational and causal), "safe" adds the reason safety, anything else is supported."""

    hash = "0" * 16
    runtime = "keywords"

    def __init__(self, info):
        self.info = info

    def predict(self, texts, contexts=None, *, states=False):
        p = np.array([0.9 if "miracle" in t.lower() else 0.1 for t in texts])
        verdict = np.column_stack([p, (1 - p) * 0.6, (1 - p) * 0.4])
        reasons = np.tile(np.array([0.8, 0.1, 0.1, 0.6, 0.1, 0.1, 0.1]), (len(texts), 1))
        reasons[[i for i, t in enumerate(texts) if "safe" in t.lower()], 2] = 0.7
        claim = np.tile(np.array([0.1, 0.2, 0.3, 0.4]), (len(texts), 1))
        return Probabilities(verdict, reasons, claim)


def keyword_predictor():
    return KeywordPredictor(BundleInfo(kind="test", overclaim_threshold=0.5))
