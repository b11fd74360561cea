"""The scikit-learn baseline: word and character n-gram TF-IDF with calibrated logistic regression.

Same data and labels as the transformer; it is the yardstick and the fallback model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypecheck.models.baseline_file import save_baseline
from hypecheck.models.bundle import BASELINE, BundleInfo
from hypecheck.models.labels import REASONS
from hypecheck.training.config import TrainConfig
from hypecheck.training.examples import Example
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
        ]
    )


def _classifier(seed: int, calibrate: bool) -> Pipeline:
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed)
    if calibrate:
        model = CalibratedClassifierCV(model, method="sigmoid", cv=3)
    return Pipeline([("features", _features()), ("model", model)])


def train_baseline(config: TrainConfig, train: list[Example], out_dir: Path) -> BundleInfo:
    """Fit the three heads on ``train`` and save a bundle folder; returns its info (thresholds unset)."""
    labelled = [e for e in train if e.verdict >= 0]
    verdict = _classifier(config.seed, calibrate=True).fit(
        [e.text for e in labelled], [e.verdict for e in labelled]
    )
    with_reasons = [(e.text, e.reasons) for e in labelled if e.reasons is not None]
    texts = [text for text, _ in with_reasons]
    reasons = []
    for j, _ in enumerate(REASONS):
        target = np.array([multi_hot[j] for _, multi_hot in with_reasons]).astype(int)
        reasons.append(_classifier(config.seed, calibrate=False).fit(texts, target))
    claimed = [e for e in train if e.claim >= 0]
    claim = _classifier(config.seed, calibrate=False).fit(
        [e.text for e in claimed], [e.claim for e in claimed]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    save_baseline({"verdict": verdict, "reasons": reasons, "claim": claim}, out_dir / BASELINE)
    info = BundleInfo(kind="baseline", name="hypecheck-baseline", max_length=0)
    info.save(out_dir)
    return info
