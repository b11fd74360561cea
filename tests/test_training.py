"""Training end to end on the smoke config: a real MLflow store, registration, and the champion."""

import dataclasses
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.predictors import load_predictor
from hypecheck.models.scoring import score_documents, score_units
from hypecheck.training import tracking
from hypecheck.training.config import CONFIG_DIR, TrainConfig, parse_overrides
from hypecheck.training.dataset import build_examples, by_split
from hypecheck.training.transformer import fit_temperature, train_transformer

from tests.conftest import SHARED_DATA, needs_shared

TEXTS = [
    "This breakthrough will revolutionize the treatment of depression.",
    "In a randomised trial of 240 adults, the drug lowered blood pressure by 5 mm Hg on average.",
    "The study was published on Tuesday.",
    "Since the compound is natural, the risk of adverse effects is minimal.",
]


def test_smoke_run_trains_both_models_and_registers_them(smoke_run):
    _, results = smoke_run
    assert [r["kind"] for r in results] == ["baseline", "transformer"]
    for result in results:
        assert {"validation", "ours_test"} <= set(result["metrics"])
        assert 0.0 <= result["metrics"]["validation"]["macro_f1"] <= 1.0
        assert result["version"] in {"1", "2"}
        assert BundleInfo.load(Path(result["bundle"])).training["config_file"] == "smoke"
    assert results[0]["champion"]  # the first registered model always becomes champion


def test_champion_loaded_through_mlflow_scores_exactly_like_its_bundle(smoke_run, monkeypatch):
    root, results = smoke_run
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
    mlflow.set_tracking_uri(f"sqlite:///{root}/mlflow.db")
    version = str(mlflow.MlflowClient().get_model_version_by_alias("hypecheck", "champion").version)
    bundle = next(r["bundle"] for r in results if r["version"] == version)
    expected = [s.p_overclaim for s in score_units(load_predictor(bundle), TEXTS)]
    served = mlflow.pyfunc.load_model("models:/hypecheck@champion").predict(pd.DataFrame({"text": TEXTS}))
    assert served["p_overclaim"].tolist() == expected


def test_a_registered_version_holds_the_models_code_and_its_own_bundle_only(smoke_run):
    root, results = smoke_run
    mlflow.set_tracking_uri(f"sqlite:///{root}/mlflow.db")
    version = mlflow.artifacts.download_artifacts(f"models:/hypecheck/{results[1]['version']}")
    files = [path.relative_to(version) for path in Path(version).rglob("*") if path.is_file()]
    weights = [f for f in files if f.suffix in (".safetensors", ".onnx", ".joblib", ".skops")]
    assert weights and {f.parts[0] for f in weights} == {"artifacts"}  # inside the bundle artifact
    assert len([f for f in weights if f.suffix == ".safetensors"]) == 1  # its own bundle, once
    code = [f for f in files if f.parts[0] == "code"]
    assert code and all(f.parts[:3] == ("code", "hypecheck", "models") and f.suffix == ".py" for f in code)
    assert (root / "mlruns").is_dir()  # run artifacts beside the store, not in the working folder


def test_logged_code_leaves_out_whatever_lies_in_the_package_folder(tmp_path, monkeypatch):
    package = tmp_path / "pkg" / "lookalike"
    (package / "artifacts" / "old").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "scoring.py").write_text("SCORE = 1\n")
    (package / "artifacts" / "old" / "model.safetensors").write_bytes(b"weights")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    monkeypatch.setattr(tracking, "CODE_PACKAGE", "lookalike")
    code = tracking.models_code(tmp_path / "scratch")
    assert code.name == "hypecheck"
    assert sorted(p.relative_to(code).as_posix() for p in code.rglob("*") if p.is_file()) == [
        "models/__init__.py",
        "models/scoring.py",
    ]


def test_transformer_scores_do_not_depend_on_batching(smoke_run):
    _, results = smoke_run
    predictor = load_predictor(results[1]["bundle"])
    together = predictor.predict(TEXTS * 10).verdict
    predictor.batch_size = 1
    alone = predictor.predict(TEXTS).verdict
    np.testing.assert_allclose(together[: len(TEXTS)], alone, atol=1e-5)


def test_documents_are_split_and_scored_with_offsets(smoke_run):
    _, results = smoke_run
    text = "Miracle cure found!\nThe trial had 40 people. It was published in 2019."
    [doc] = score_documents(load_predictor(results[0]["bundle"]), [text])
    assert [text[s.start : s.end] for s in doc.sentences] == [s.text for s in doc.sentences]
    assert len(doc.sentences) == 3
    assert doc.model.name == "hypecheck-baseline" and len(doc.model.bundle_hash) == 16
    for sentence in doc.sentences:
        assert sentence.verdict in {"overclaim", "supported", "neutral"}
        assert (sentence.verdict == "overclaim") == bool(sentence.reasons)


def test_same_seed_same_model(tmp_path):
    config = TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"max_steps": "4", "limit_train": "64"})
    train = by_split(build_examples(config), config)["train"]
    first = train_transformer(config, train, tmp_path / "a")
    second = train_transformer(dataclasses.replace(config), train, tmp_path / "b")
    assert first == second
    a = load_predictor(tmp_path / "a").predict(TEXTS).verdict
    b = load_predictor(tmp_path / "b").predict(TEXTS).verdict
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_temperature_scaling_softens_an_overconfident_model():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 500)
    logits = rng.normal(size=(500, 3))
    logits[np.arange(500), labels] += 1.0
    assert fit_temperature(logits * 5, labels) > 2.0


def test_config_overrides_are_typed():
    config = TrainConfig.from_yaml(
        CONFIG_DIR / "smoke.yaml", parse_overrides(["epochs=2", "use_seed_labels=false"])
    )
    assert config.epochs == 2.0 and config.use_seed_labels is False
    with pytest.raises(ValueError, match="unknown config keys"):
        TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"epochz": 1})
    assert TrainConfig.from_yaml(CONFIG_DIR / "shared-fast.yaml", parse_overrides(["layers=2"])).layers == 2
    with pytest.raises(ValueError, match="layers must be"):
        TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"layers": -1})


def test_error_analysis_notebook_runs_top_to_bottom_on_the_smoke_run(smoke_run, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    root, _ = smoke_run
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
    monkeypatch.setenv("HYPECHECK_CONFIG", "smoke.yaml")
    monkeypatch.setenv("HYPECHECK_MODEL", "models:/hypecheck@champion")
    notebook = nbformat.read(CONFIG_DIR.parent.parent / "notebooks" / "01_error_analysis.ipynb", as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(CONFIG_DIR.parent.parent)}},
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]


@needs_shared
def test_self_training_reads_only_train_articles_and_keeps_confident_labels(transformer_bundle):
    from hypecheck.training.self_training import pseudo_examples
    from hypecheck.training.splits import split_of

    config = TrainConfig(
        pseudo_teacher=str(transformer_bundle),
        pseudo_limit=200,
        pseudo_confidence=0.0,
        data_dir=str(SHARED_DATA),
    )
    everything = pseudo_examples(config, exclude=set())
    assert len(everything) == 200
    assert {split_of(e.group) for e in everything} == {"train"}
    assert {e.source.removeprefix("pseudo_") for e in everything} <= {
        "fakehealth_story",
        "fakehealth_release",
        "cardiff",
    }
    probs = load_predictor(transformer_bundle).predict([e.text for e in everything])
    assert (probs.verdict.argmax(axis=1) == [e.verdict for e in everything]).all()

    cut = float(np.median(probs.verdict.max(axis=1)))
    confident = pseudo_examples(dataclasses.replace(config, pseudo_confidence=cut), exclude=set())
    assert {e.text for e in confident} == {
        e.text for e, p in zip(everything, probs.verdict.max(axis=1), strict=True) if p >= cut
    }
    excluded = {" ".join(everything[0].text.lower().split())}
    assert everything[0].text not in {e.text for e in pseudo_examples(config, exclude=excluded)}


def test_reports_break_sets_down_by_genre_reason_and_page_furniture(tmp_path):
    from hypecheck.models.labels import REASONS
    from hypecheck.training.evaluate import by_reason, evaluate, furniture, write_report
    from hypecheck.training.examples import Example

    from tests.stand_in import keyword_predictor

    def unit(text, verdict, reasons=(), genre=None, furniture=False):
        multi_hot = tuple(float(r in reasons) for r in REASONS)
        return Example(
            text, "written_document", "g", "test", verdict, multi_hot, -1, genre=genre, furniture=furniture
        )

    examples = [
        unit("This miracle tea cures colds.", 0, ("sensational",), "supplement_shop"),
        unit("It is safe for everyone, a miracle.", 0, ("safety",), "clinic"),
        unit("Nobody can promise it is safe.", 0, ("safety",), "clinic"),
        unit("The trial enrolled 40 adults.", 1, (), "clinic"),
        unit("Miracle Wellness", 2, (), "clinic", furniture=True),
        unit("3 min read", 2, (), "clinic", furniture=True),
    ]
    predictor = keyword_predictor()
    metrics, scored = evaluate(predictor, {"documents_test": examples})
    reasons = by_reason(examples, scored["documents_test"])
    assert reasons["sensational"]["recall"] == 1.0
    assert reasons["safety"]["recall"] == 0.5  # one of its two overclaims says "miracle"
    assert set(reasons) == {"sensational", "safety"}
    assert furniture(examples, scored["documents_test"]) == {"n": 2.0, "flagged": 1.0}
    report = write_report("t", predictor, {"documents_test": examples}, metrics, scored, tmp_path).read_text()
    assert "## documents_test by genre" in report and "| clinic | 5 |" in report
    assert "Page furniture: 1 of 2 units flagged as overclaims." in report
