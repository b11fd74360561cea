"""The champion shipped in the package: small, faithful to what was measured when it was packed, and
registered with int8 on first use."""

import json
import os
import subprocess
import sys

import pytest
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.compact import DELTA, unpack
from hypecheck.models.onnx_predictor import int8_gate_passed
from hypecheck.models.rewriter import REWRITER_WEIGHTS
from hypecheck.models.settings import Settings
from hypecheck.training.config import config_path
from hypecheck.training.ship import CARD, RECORD, held_out, reference_scores, shipped_dir

from tests.conftest import ROOT

CHAMPION = shipped_dir()
BINARY_BUDGET = 10_000_000


@pytest.fixture(scope="module")
def record():
    return json.loads((CHAMPION / RECORD).read_text())


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    return unpack(CHAMPION, tmp_path_factory.mktemp("champion") / "bundle")


def test_the_champion_ships_in_the_package_within_the_size_budget():
    binaries = [p for p in CHAMPION.iterdir() if p.suffix in (".safetensors", ".onnx", ".bin")]
    assert sorted(p.name for p in binaries) == sorted([DELTA, REWRITER_WEIGHTS])
    assert sum(p.stat().st_size for p in binaries) <= BINARY_BUDGET
    tracked = subprocess.run(
        ["git", "ls-files", "models/champion"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert f"models/champion/{DELTA}" in tracked and "models/champion/MODEL_CARD.md" in tracked


def test_the_shipped_files_reproduce_the_recorded_scores(rebuilt, record):
    documents, recorded = record["reference"]["documents"], record["reference"]["scores"]
    scores = reference_scores(rebuilt, documents)
    assert [len(doc) for doc in scores] == [len(doc) for doc in recorded] and sum(map(len, recorded)) >= 10
    for got, want in zip(scores, recorded, strict=True):
        assert got == pytest.approx(want, abs=2e-3)


def test_the_record_and_card_describe_the_shipped_model(record):
    assert record["passed"], "the shipped form must match the full-precision model on validation"
    for model in ("full_precision", "shipped"):
        assert {"validation", "ours_test"} <= set(record["metrics"][model])
    full, shipped = record["metrics"]["full_precision"], record["metrics"]["shipped"]
    for name in full:
        for key in ("macro_f1", "auroc"):
            if key in full[name]:
                assert abs(full[name][key] - shipped[name][key]) <= 0.005 or name != "validation"
    trained = record["training"]
    assert {"data_fingerprint", "context", "name"} <= set(trained["params"])
    assert "validation.auroc" in trained["metrics"]
    card = (CHAMPION / CARD).read_text()
    assert trained["params"]["data_fingerprint"] in card and f"{shipped['validation']['auroc']:.3f}" in card
    assert BundleInfo.load(CHAMPION).context == trained["params"]["context"]
    trained_with = record.get("held_out_config") or trained["params"]["name"]
    assert config_path(trained_with).exists() and f"-c {trained_with} " in card, "the card reproduces it"


def test_first_use_registers_the_shipped_champion_with_int8(tmp_path, record):
    """``hypecheck check`` in a store with no champion registers the shipped one (its recorded
    parameters and metrics, int8 gated and cached in the bundle) and scores with int8."""
    from mlflow import MlflowClient

    store = f"sqlite:///{tmp_path}/mlflow.db"
    sample = tmp_path / "draft.md"
    sample.write_text(record["reference"]["documents"][0])
    done = _check(sample, store, tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert "registering the shipped champion" in done.stderr
    scored = json.loads(done.stdout)
    assert scored[0]["model"]["runtime"] == "onnxruntime-int8"

    client = MlflowClient(store)
    version = client.get_model_version_by_alias("hypecheck", "champion")
    run = client.get_run(version.run_id)
    assert run.data.params["data_fingerprint"] == record["training"]["params"]["data_fingerprint"]
    recorded = record["training"]["metrics"]["validation.auroc"]
    assert run.data.metrics["validation.auroc"] == pytest.approx(recorded)
    bundles = list(tmp_path.rglob("onnx.json"))
    assert bundles and all(int8_gate_passed(path.parent) for path in bundles)

    again = _check(sample, store, tmp_path)
    assert "registering" not in again.stderr and json.loads(again.stdout) == scored


def _check(path, store, home):
    """``hypecheck check --format json`` in a fresh project home and MLflow store."""
    env = {**os.environ, "MLFLOW_TRACKING_URI": store, "HYPECHECK_HOME": str(home), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "hypecheck.serve.cli", "check", str(path), "--format", "json"]
    return subprocess.run(command, cwd=home, env=env, capture_output=True, text=True)


def test_a_renamed_run_is_shipped_with_the_config_file_it_was_trained_with(tmp_path):
    """``--set name=`` records a run name that is no config file; ship asks for the file instead of
    building held-out sets from a guess."""
    info = json.loads((CHAMPION / "bundle.json").read_text())
    info["training"] = {**info["training"], "config": "a-renamed-run"}
    (tmp_path / "bundle.json").write_text(json.dumps(info))
    settings = Settings(home=tmp_path, data_dir=tmp_path / "no-shared")
    with pytest.raises(FileNotFoundError, match="a-renamed-run"):
        held_out(tmp_path, settings)
    sets, _ = held_out(tmp_path, settings, "training/configs/default.yaml")
    assert sets["validation"]
    # a bundle trained since names its config file in its record, and needs no --config
    info["training"]["config_file"] = "default"
    (tmp_path / "bundle.json").write_text(json.dumps(info))
    assert held_out(tmp_path, settings)[0].keys() == sets.keys()
