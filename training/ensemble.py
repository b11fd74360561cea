"""Ensembles of model bundles: their probabilities averaged with weights.

The distillation teacher (``pseudo_teacher`` with ``pseudo_weights``, see
:mod:`hypecheck.training.self_training`) is such a mix. This command measures mixes on the held-out sets, with
the overclaim threshold re-tuned on validation for each, before one is chosen as a teacher::

    python -m hypecheck.training.ensemble --models A,B --weights 1,0 0.7,0.3 0.5,0.5

Prints and writes ``reports/ensemble.json``. Context-reading members must share one context mode.
"""

from __future__ import annotations

import argparse
import json

from hypecheck.models.settings import Settings
from hypecheck.training.config import load_config
from hypecheck.training.evaluate import evaluation_sets, predict
from hypecheck.training.metrics import best_threshold, compute
from hypecheck.training.mixing import mix, parse_weights
from hypecheck.training.train import reference_splits

REPORTED = ("macro_f1", "overclaim_f1", "auroc", "ece", "reason_micro_f1")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", required=True, help="Comma-separated bundle folders or models:/ URIs.")
    parser.add_argument(
        "--weights", nargs="+", required=True, help="One comma-separated weight list per mix."
    )
    parser.add_argument(
        "--config", default="shared.yaml", help="Config whose data defines the held-out sets."
    )
    args = parser.parse_args()
    settings = Settings()
    settings.go_offline()
    predictors = [settings.with_options(model=m.strip()).predictor() for m in args.models.split(",")]
    modes = {p.info.context for p in predictors} - {""}
    if len(modes) > 1:
        raise SystemExit(f"members read different context modes: {sorted(modes)}")
    config = load_config(args.config, {"context": modes.pop() if modes else ""}, settings)
    splits = reference_splits(config)
    sets = {"validation": splits["validation"], **evaluation_sets(config, splits)}
    sets = {name: [e for e in examples if e.verdict >= 0] for name, examples in sets.items()}
    sets = {name: examples for name, examples in sets.items() if examples}
    probs = {name: [predict(p, examples) for p in predictors] for name, examples in sets.items()}
    results = []
    for spec in args.weights:
        weights = parse_weights(spec, len(predictors))
        mixed = {name: mix(parts, weights) for name, parts in probs.items()}
        threshold = best_threshold(sets["validation"], mixed["validation"])
        row = {"weights": weights, "overclaim_threshold": threshold}
        for name, examples in sets.items():
            metrics = compute(
                examples,
                mixed[name],
                threshold=threshold,
                reason_threshold=predictors[0].info.reason_threshold,
            )
            row[name] = {key: round(metrics[key], 4) for key in REPORTED if key in metrics}
        results.append(row)
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    (settings.reports_dir / "ensemble.json").write_text(
        json.dumps({"models": args.models, "mixes": results}, indent=1) + "\n"
    )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
