"""The champion that ships inside the package (``hypecheck/models/champion``), and its first use.

``hypecheck ship`` packs the registry's champion (or any transformer bundle) into its compact form
(:mod:`hypecheck.models.compact`). It tries the smallest forms first and keeps the first one that
fits the size budget and matches the full-precision model on validation (macro-F1 and AUROC within
half a point); the other held-out sets are measured in the same run and recorded, never used to
choose. Beside the weights it writes ``record.json``: what the champion was trained with, as its
MLflow run recorded it; both models' metrics on every held-out set; a gate set of our own labelled
sentences for the int8 export on machines without the training data; and reference scores that a
test reproduces from the shipped files.

``refresh_record`` re-measures the shipped files when the scoring path changes without a new model
(the context budget of :mod:`hypecheck.models.context`, say): the metrics it is served with and the
reference scores, beside the pack-time comparison, which stays as measured.

``register_shipped`` is the first use on a new machine: rebuild the bundle, export and gate int8,
and register it in the local MLflow store as a version with the recorded parameters and metrics.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from hypecheck.models.bundle import BundleInfo
from hypecheck.models.compact import pack, unpack
from hypecheck.models.labels import VERDICTS
from hypecheck.models.predictors import load_predictor
from hypecheck.models.scoring import score_documents
from hypecheck.models.settings import Settings
from hypecheck.training.config import config_path, load_config
from hypecheck.training.evaluate import evaluate, evaluation_sets
from hypecheck.training.examples import Example
from hypecheck.training.model_card import model_card
from hypecheck.training.train import reference_splits

log = logging.getLogger(__name__)
RECORD = "record.json"
CARD = "MODEL_CARD.md"
BUDGET_BYTES = 10_000_000
FORMS = ("rank-16", "rank-32", "4-bit")  # smallest first
TOLERANCE = 0.005  # half a point of macro-F1 and AUROC
GATED = ("macro_f1", "auroc")
GATE_UNITS = 446  # our written validation sentences carried for the int8 gate


def shipped_dir() -> Path:
    """The compact champion inside the installed package."""
    return Path(str(resources.files("hypecheck.models") / "champion"))


def _headline(metrics: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    keep = ("n", "macro_f1", "overclaim_f1", "auroc", "ece", "reason_micro_f1", "claim_macro_f1")
    return {name: {k: round(v, 4) for k, v in m.items() if k in keep} for name, m in metrics.items()}


def _matches(full: dict[str, float], compact: dict[str, float]) -> bool:
    return all(abs(full[key] - compact[key]) <= TOLERANCE for key in GATED)


def reference_scores(bundle: Path, documents: Sequence[str]) -> list[list[float]]:
    """Each sentence's ``p_overclaim`` in ``documents``, read in context (PyTorch fp32)."""
    predictor = load_predictor(bundle, backend="torch")
    return [[s.p_overclaim for s in doc.sentences] for doc in score_documents(predictor, documents)]


def _gate_units(validation: Sequence[Example]) -> list[dict[str, Any]]:
    """Labelled validation sentences we wrote ourselves: the int8 gate where no training data is."""
    ours = [e for e in validation if e.verdict >= 0 and e.context is None and e.source.startswith("written")]
    return [{"text": e.text, "verdict": VERDICTS[e.verdict]} for e in ours[:GATE_UNITS]]


def held_out(
    bundle: Path, settings: Settings, config_name: str | None = None
) -> tuple[dict[str, list[Example]], dict[str, list[Example]]]:
    """Every held-out set of ``config_name`` (default: the config file the bundle was trained
    from, as the current scoring path builds its contexts), and the config's splits. A bundle
    trained before its record named the file holds only the run's name, which ``--set name=`` may
    have changed: its caller names the file."""
    info = BundleInfo.load(bundle)
    name = config_name or info.training.get("config_file") or info.training.get("config", "default")
    if not config_path(name).exists():
        raise FileNotFoundError(
            f"no config {name!r} to rebuild the held-out sets from: name the file it was trained with"
        )
    config = load_config(name, {"context": info.context}, settings)
    splits = reference_splits(config)
    return {"validation": splits["validation"], **evaluation_sets(config, splits)}, splits


def refresh_record(compact: Path, *, settings: Settings) -> dict[str, Any]:
    """Measure the shipped files as today's scoring path serves them: ``metrics.served`` on every
    held-out set and new reference scores; the record and card are rewritten in place."""
    record = json.loads((compact / RECORD).read_text())
    with tempfile.TemporaryDirectory() as scratch:
        rebuilt = unpack(compact, Path(scratch) / "bundle")
        sets, _ = held_out(rebuilt, settings, record.get("held_out_config"))
        served, _ = evaluate(load_predictor(rebuilt, backend="torch"), sets)
        record["metrics"]["served"] = _headline(served)
        record["reference"]["scores"] = reference_scores(rebuilt, record["reference"]["documents"])
    (compact / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    (compact / CARD).write_text(model_card(record))
    return record


def pack_champion(
    bundle: Path,
    training_record: dict[str, Any],
    out: Path,
    *,
    settings: Settings,
    documents: Sequence[str],
    forms: Sequence[str] = FORMS,
    config_name: str | None = None,
) -> dict[str, Any]:
    """Pack ``bundle`` in the first of ``forms`` that fits and matches it; write ``out``.
    ``documents`` (texts of our own) get reference scores that the shipped files must reproduce;
    ``config_name`` names the config the held-out sets come from (see :func:`held_out`)."""
    sets, splits = held_out(bundle, settings, config_name)
    full, _ = evaluate(load_predictor(bundle, backend="torch"), sets)
    tried = []
    with tempfile.TemporaryDirectory() as scratch:
        for form in forms:
            packed, rebuilt = Path(scratch) / form, Path(scratch) / f"{form}-bundle"
            report = pack(bundle, packed, form=form)
            compact, _ = evaluate(load_predictor(unpack(packed, rebuilt), backend="torch"), sets)
            fits = report.bytes <= BUDGET_BYTES
            matches = _matches(full["validation"], compact["validation"])
            tried.append({**report.to_dict(), "fits": fits, "matches_on_validation": matches})
            log.info("%s: %d bytes, validation %s", form, report.bytes, _headline(compact)["validation"])
            if fits and matches:
                break
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(packed, out)
        record = {
            "form": form,
            "bytes": report.bytes,
            "tried": tried,
            "passed": fits and matches,
            "tolerance": TOLERANCE,
            "metrics": {
                "full_precision": _headline(full),
                "shipped": _headline(compact),
                "served": _headline(compact),
            },
            "training": training_record,
            **({"held_out_config": config_name} if config_name else {}),
            "gate_units": _gate_units(splits["validation"]),
            "reference": {"documents": list(documents), "scores": reference_scores(rebuilt, documents)},
        }
    (out / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    (out / CARD).write_text(model_card(record))
    return record


def training_record(version: str, *, tracking_uri: str) -> dict[str, Any]:
    """What the registry recorded when version ``version`` was trained: parameters, metrics, tags."""
    from hypecheck.training.tracking import MODEL_NAME
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri)
    run_id = client.get_model_version(MODEL_NAME, version).run_id
    if run_id is None:
        raise ValueError(f"version {version} of {MODEL_NAME} has no training run in {tracking_uri}")
    run = client.get_run(run_id)
    return {
        "version": version,
        "run_id": run.info.run_id,
        "params": dict(run.data.params),
        "metrics": dict(run.data.metrics),
        "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.")},
    }


def gate_examples(record: dict[str, Any]) -> list[Example]:
    """The shipped gate sentences as evaluation examples."""
    return [
        Example(u["text"], "written", "gate", "validation", VERDICTS.index(u["verdict"]), None, -1)
        for u in record["gate_units"]
    ]


def register_shipped(
    artifacts_dir: Path, *, tracking_uri: str, compact: Path | None = None
) -> dict[str, Any]:
    """Rebuild the shipped champion under ``artifacts_dir``, gate its int8 export on the shipped
    gate sentences, and register it with the parameters and metrics recorded when it was trained."""
    from hypecheck.models.onnx_export import export_bundle
    from hypecheck.training.tracking import log_run, next_version

    compact = compact or shipped_dir()
    record = json.loads((compact / RECORD).read_text())
    trained = record["training"]
    version = next_version(tracking_uri)
    bundle = unpack(compact, artifacts_dir / f"shipped-v{version}")
    dataclasses.replace(BundleInfo.load(bundle), version=version).save(bundle)
    gate = {"validation": gate_examples(record)}
    onnx = export_bundle(bundle, lambda predictor: evaluate(predictor, gate)[0]["validation"])
    metrics: dict[str, dict[str, float]] = {}
    for key, value in trained["metrics"].items():
        split, _, name = key.partition(".")
        metrics.setdefault(split, {})[name] = value
    tags = {
        **trained["tags"],
        "trained_git_commit": trained["tags"].get("git_commit", "unknown"),
        "shipped": record["form"],
        "onnx_int8_gate": "passed" if onnx["passed"] else "failed",
    }
    return log_run(
        tracking_uri=tracking_uri,
        run_name=f"{trained['tags'].get('config', 'champion')}-shipped",
        params={**trained["params"], "shipped_form": record["form"]},
        metrics=metrics,
        bundle_dir=bundle,
        artifacts=[compact / RECORD],
        tags=tags,
    )
