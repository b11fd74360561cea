"""Are the trigger words faithful? Removing them should lower ``p_overclaim`` more than removing
random words of the same total length from the same sentence.

Run: ``python -m hypecheck.training.faithfulness [--model REF] [--limit N]``; prints and writes
``reports/triggers-faithfulness.json``. Uses the flagged sentences of the real-sentence test split
(else our test split).
"""

from __future__ import annotations

import argparse
import json
import random

import numpy as np
from hypecheck.models.labels import OVERCLAIM
from hypecheck.models.prediction import Predictor
from hypecheck.models.scoring import ScoreOptions, score_units
from hypecheck.models.settings import Settings
from hypecheck.models.triggers import without, word_spans
from hypecheck.training.config import load_config
from hypecheck.training.dataset import REAL_SOURCES
from hypecheck.training.train import reference_splits


def random_spans(
    text: str, exclude: list[tuple[int, int]], length: int, rng: random.Random
) -> list[tuple[int, int]]:
    """Random non-trigger words whose total length first reaches ``length``."""
    pool = [s for s in word_spans(text) if s not in exclude]
    rng.shuffle(pool)
    chosen, total = [], 0
    for span in pool:
        if total >= length:
            break
        chosen.append(span)
        total += span[1] - span[0]
    return chosen


def measure(
    predictor: Predictor,
    texts: list[str],
    contexts: list[str | None] | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Mean score drops for trigger removal and for random removal of equal length (each sentence
    keeps its article context, as it was scored)."""
    rng = random.Random(seed)
    contexts = contexts or [None] * len(texts)
    scored = score_units(predictor, texts, ScoreOptions(triggers=True, suggestions=False), contexts)
    flagged = [i for i, s in enumerate(scored) if s.verdict == OVERCLAIM and s.triggers]
    trigger_texts, random_texts = [], []
    for s in (scored[i] for i in flagged):
        spans = [(t.start, t.end) for t in s.triggers]
        length = sum(end - start for start, end in spans)
        trigger_texts.append(without(s.text, spans))
        random_texts.append(without(s.text, random_spans(s.text, spans, length, rng)))
    if not flagged:
        return {"sentences": 0}
    base = np.array([scored[i].p_overclaim for i in flagged])
    kept = [contexts[i] for i in flagged]
    after_triggers = predictor.predict(trigger_texts, kept).p_overclaim
    after_random = predictor.predict(random_texts, kept).p_overclaim
    return {
        "sentences": len(flagged),
        "mean_drop_triggers": round(float(np.mean(base - after_triggers)), 4),
        "mean_drop_random": round(float(np.mean(base - after_random)), 4),
        "share_triggers_beat_random": round(
            float(np.mean((base - after_triggers) > (base - after_random))), 4
        ),
        "share_flag_removed_by_triggers": round(
            float(np.mean(after_triggers < predictor.info.overclaim_threshold)), 4
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--config", default="shared.yaml")
    parser.add_argument("--limit", type=int, default=2000)
    args = parser.parse_args()
    settings = Settings().with_options(model=args.model)
    settings.go_offline()
    predictor = settings.predictor()
    config = load_config(args.config, {"context": predictor.info.context}, settings)
    test = reference_splits(config)["test"]
    real = [e for e in test if e.source in REAL_SOURCES]
    chosen = (real or test)[: args.limit]
    result = {
        "model": f"{predictor.info.name} {predictor.info.version}",
        "set": "real_test" if real else "test",
        **measure(predictor, [e.text for e in chosen], [e.context for e in chosen]),
    }
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    (settings.reports_dir / "triggers-faithfulness.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
