"""One training run: data -> model(s) -> calibration -> evaluation -> MLflow.

``model: both`` trains the baseline and the transformer on the same examples so they are
compared side by side in one report.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.predictors import TransformerPredictor, load_predictor
from hypecheck.training.checkpoint import Checkpoint, resume_key
from hypecheck.training.config import TrainConfig
from hypecheck.training.dataset import ARTICLE_SOURCES, build_examples, by_split, fingerprint
from hypecheck.training.evaluate import evaluate, evaluation_sets, predict, write_report
from hypecheck.training.examples import Example
from hypecheck.training.metrics import best_reason_threshold, best_threshold, compute

log = logging.getLogger(__name__)


MIN_CALIBRATION_OVERCLAIMS = 50  # fewer whole-document overclaims than this: calibrate on everything


def calibration_examples(validation: list[Example], on: str) -> list[Example]:
    """The labelled validation examples calibration is fitted on: with ``on="documents"``, only the
    sentences of whole documents (real articles, our written documents), each read in its context,
    the way users send text; every labelled example when those hold too few overclaims."""
    labelled = [e for e in validation if e.verdict >= 0]
    whole = [e for e in labelled if e.source in ARTICLE_SOURCES]
    enough = sum(e.verdict == 0 for e in whole) >= MIN_CALIBRATION_OVERCLAIMS
    return whole if on == "documents" and enough else labelled


def _calibrate(bundle_dir: Path, validation: list[Example], kind: str, on: str) -> BundleInfo:
    """Fit temperature (transformer) and the overclaim and reason thresholds on validation
    (:func:`calibration_examples`), always on PyTorch: the bundle has no ONNX export yet."""
    predictor = load_predictor(bundle_dir, backend="torch")
    info = predictor.info
    labelled = calibration_examples(validation, on)
    if kind == "transformer" and labelled:
        from hypecheck.training.transformer import fit_temperature

        assert isinstance(predictor, TransformerPredictor)
        logits = predictor.logits([e.text for e in labelled], [e.context for e in labelled])["verdict"]
        info = dataclasses.replace(
            info, temperature=fit_temperature(logits, np.array([e.verdict for e in labelled]))
        )
        info.save(bundle_dir)
        predictor = load_predictor(bundle_dir, backend="torch")
    probs = predict(predictor, labelled)
    info = dataclasses.replace(
        info,
        overclaim_threshold=best_threshold(labelled, probs),
        reason_threshold=best_reason_threshold(labelled, probs),
    )
    info.save(bundle_dir)
    return info


def train_one(
    kind: str, config: TrainConfig, splits: dict[str, list], data_hash: str, run_dir: Path, version: str = "0"
) -> dict[str, Any]:
    started = time.perf_counter()
    bundle_dir = run_dir / kind
    if kind == "baseline":
        from hypecheck.training.baseline import train_baseline

        train_baseline(config, splits["train"], bundle_dir)
    else:
        from hypecheck.training.transformer import train_transformer

        train_transformer(
            config, splits["train"], bundle_dir, Checkpoint.beside(bundle_dir, resume_key(config, data_hash))
        )
    info = _calibrate(bundle_dir, splits["validation"], kind, config.calibration)
    wall = time.perf_counter() - started
    predictor = load_predictor(bundle_dir, backend="torch")
    sets = {"validation": splits["validation"], **evaluation_sets(config, splits)}
    metrics, predictions = evaluate(predictor, sets)
    metrics["train"] = compute(
        splits["train"][:2000],
        predict(predictor, splits["train"][:2000]),
        threshold=info.overclaim_threshold,
    )
    info = dataclasses.replace(
        info,
        name=f"hypecheck-{kind}",
        version=version,
        metrics={k: round(v, 4) for k, v in metrics["validation"].items()},
        training={
            "config": config.name,
            "config_file": config.config_file or config.name,
            "data": data_hash,
            "wall_s": round(wall, 1),
        },
    )
    info.save(bundle_dir)
    report = write_report(
        f"{config.name}-{kind}",
        load_predictor(bundle_dir, backend="torch"),
        sets,
        metrics,
        predictions,
        Path(config.reports_dir),
    )
    return {"kind": kind, "bundle": bundle_dir, "metrics": metrics, "wall_s": wall, "report": report}


def _next_version(tracking_uri: str) -> str:
    from hypecheck.training.tracking import next_version

    return next_version(tracking_uri)


def reference_splits(config: TrainConfig) -> dict[str, list]:
    """Validation and test from all of our own labelled data on this machine, whatever ``config``
    trains on, so that models from different configs are calibrated and compared on the same units."""
    everything = dataclasses.replace(
        config,
        use_real_annotations=True,
        use_seed_labels=False,
        use_claim_corpora=False,
        aux_tasks="",
        pseudo_teacher="",
        limit_train=0,
    )
    return by_split(build_examples(everything), everything)


def run(config: TrainConfig, *, track: bool = True) -> list[dict[str, Any]]:
    """Train what ``config`` asks for; returns one result per model kind."""
    if track and not config.tracking_uri:
        raise ValueError("no MLflow tracking URI to log to (set tracking_uri, or train without tracking)")
    reference = reference_splits(config)
    splits = {**reference, "train": by_split(build_examples(config), config)["train"]}
    data_hash = fingerprint(splits["train"])
    log.info("examples: %s", {k: len(v) for k, v in splits.items()})
    run_dir = Path(config.output_dir) / config.name
    kinds = ["baseline", "transformer"] if config.model == "both" else [config.model]
    results = []
    for kind in kinds:
        version = _next_version(config.tracking_uri) if track else "0"
        result = train_one(kind, config, splits, data_hash, run_dir, version)
        if track and kind == "transformer" and config.int8:
            result["onnx"] = export_fast_path(result["bundle"], splits["validation"])
        if track:
            artifacts = sorted(Path(config.reports_dir).glob(f"{config.name}-{kind}*"))
            result.update(log_and_register(config, kind, result, data_hash, splits, artifacts))
        results.append(result)
    summary = [{k: (str(v) if isinstance(v, Path) else v) for k, v in r.items()} for r in results]
    (run_dir / "results.json").write_text(json.dumps(summary, indent=1, default=str) + "\n")
    return results


def export_fast_path(bundle_dir: Path, validation: list) -> dict[str, Any]:
    """Export int8 ONNX into the bundle before it is registered, gated on validation, so every
    door serves the fast path from the registered model without another command."""
    from hypecheck.models.onnx_export import export_bundle

    labelled = {"validation": [e for e in validation if e.verdict >= 0]}
    record = export_bundle(bundle_dir, lambda predictor: evaluate(predictor, labelled)[0]["validation"])
    log.info(
        "int8 %s (%s): drop %s", "passed" if record["passed"] else "failed", record["recipe"], record["drop"]
    )
    return {"passed": record["passed"], "recipe": record["recipe"], "drop": record["drop"]}


def log_and_register(
    config: TrainConfig, kind: str, result: dict, data_hash: str, splits: dict, artifacts: list[Path]
) -> dict[str, Any]:
    from hypecheck.training.tracking import log_run

    params = {
        **{key: value for key, value in config.to_dict().items() if key != "tracking_uri"},
        "kind": kind,
        "data_fingerprint": data_hash,
        **{f"n_{k}": len(v) for k, v in splits.items()},
    }
    return log_run(
        tracking_uri=config.tracking_uri,
        run_name=f"{config.name}-{kind}",
        params=params,
        metrics=result["metrics"],
        bundle_dir=result["bundle"],
        artifacts=artifacts,
        tags={"kind": kind, "config": config.name, "wall_s": f"{result['wall_s']:.1f}"},
    )
