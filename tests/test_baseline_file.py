"""The baseline's file is data (no pickle), compact, and gives back exactly the heads it was given."""

import pickle
from pathlib import Path

import numpy as np
from hypecheck.models.baseline_file import load_baseline, save_baseline
from hypecheck.models.bundle import BASELINE
from hypecheck.training.baseline import _classifier

TEXTS = [
    "This miracle cure works for everyone.",
    "The trial enrolled 40 adults with mild asthma.",
    "Coffee prevents cancer, experts say.",
    "More research is needed before any advice can be given.",
    "This breakthrough will revolutionize medicine.",
    "Blood pressure fell by 5 mm Hg on average.",
] * 4


def vocabularies(models):
    heads = [models["verdict"], *models["reasons"], models["claim"]]
    return [dict(v.vocabulary_) for head in heads for _, v in head.named_steps["features"].transformer_list]


def test_the_file_gives_back_the_heads_it_was_given(tmp_path):
    verdicts = [0, 1, 2, 0, 0, 1] * 4
    verdict = _classifier(13, calibrate=True).fit(TEXTS, verdicts)
    reasons = [_classifier(13, calibrate=False).fit(TEXTS, [int(v == 0) for v in verdicts]) for _ in range(7)]
    claim = _classifier(13, calibrate=False).fit(TEXTS, [3, 1, 2, 0, 3, 1] * 4)
    models = {"verdict": verdict, "reasons": reasons, "claim": claim}
    before = vocabularies(models)
    save_baseline(models, tmp_path / BASELINE)
    assert vocabularies(models) == before  # saving leaves the caller's models as they were
    loaded = load_baseline(tmp_path / BASELINE)
    assert vocabularies(loaded) == before and all(before)
    for name in ("verdict", "claim"):
        assert np.array_equal(loaded[name].predict_proba(TEXTS), models[name].predict_proba(TEXTS))
    assert np.array_equal(loaded["reasons"][3].predict_proba(TEXTS), reasons[3].predict_proba(TEXTS))


def test_the_smoke_baseline_file_is_smaller_than_a_pickle_of_its_heads(baseline_bundle):
    """skops writes a dict as one JSON object per entry: the smoke baseline's vocabularies made its
    file 100 MB, 28 times a pickle of the same heads."""
    file = Path(baseline_bundle) / BASELINE
    pickled = len(pickle.dumps(load_baseline(file), protocol=pickle.HIGHEST_PROTOCOL))
    assert file.stat().st_size < pickled
