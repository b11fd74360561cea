"""The ONNX fast path on the tiny session model: export, int8, the gate, and the naive baseline."""

import json
import shutil
from pathlib import Path

import httpx
import numpy as np
import pytest
from hypecheck.models.edits import words
from hypecheck.models.onnx_export import (
    RECIPES,
    export_bundle,
    gate,
    log_to_registry,
    quantize_int8,
    write_record,
)
from hypecheck.models.onnx_predictor import ONNX_FP32, ONNX_INT8, OnnxPredictor, read_record
from hypecheck.models.prediction import _softmax, word_states_of
from hypecheck.models.predictors import TransformerPredictor, load_predictor
from hypecheck.models.scoring import ScoreOptions, score_documents
from hypecheck.models.settings import Settings
from typer.testing import CliRunner

from tests.conftest import start_server

TEXTS = [
    "This breakthrough will revolutionize the treatment of depression forever.",
    "The trial enrolled 240 women.",
    "Ok.",
    "Researchers found that people who drank more coffee had a lower risk, but the study was small " * 4,
]


@pytest.fixture(scope="module")
def exported(transformer_bundle, tmp_path_factory):
    """A copy of the session's transformer bundle with its ONNX export (the original stays torch-only)."""
    from hypecheck.training.config import CONFIG_DIR, TrainConfig
    from hypecheck.training.dataset import build_examples, by_split
    from hypecheck.training.evaluate import evaluate

    bundle = tmp_path_factory.mktemp("onnx") / "transformer"
    shutil.copytree(transformer_bundle, bundle)
    config = TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml")
    validation = by_split(build_examples(config), config)["validation"][:120]
    record = export_bundle(bundle, lambda p: evaluate(p, {"validation": validation})[0]["validation"])
    return bundle, record


def test_export_writes_both_models_and_the_gate_record(exported):
    bundle, record = exported
    assert (bundle / ONNX_FP32).is_file() and (bundle / ONNX_INT8).is_file()
    assert read_record(bundle) == record
    assert set(record["validation"]) == {"torch_fp32", "onnx_fp32", "onnx_int8"}
    for metrics in record["validation"].values():
        assert {"macro_f1", "auroc", "overclaim_f1"} <= set(metrics)
    assert record["passed"] == all(drop <= record["tolerance"] for drop in record["drop"].values())
    # Recipes are tried fastest first; the first to pass is kept, and every one tried is recorded.
    assert [t["recipe"] for t in record["tried"]] == list(RECIPES)[: len(record["tried"])]
    assert record["recipe"] == record["tried"][-1]["recipe"]
    assert all(not t["passed"] for t in record["tried"][:-1])


def test_onnx_fp32_matches_torch_at_any_batch_and_length(exported):
    bundle, _ = exported
    torch_logits = TransformerPredictor(bundle).logits(TEXTS)
    for batch_size in (1, 3, 64):
        onnx_logits = OnnxPredictor(bundle, file=ONNX_FP32, batch_size=batch_size).logits(TEXTS)
        for head in ("verdict", "reasons", "claim"):
            np.testing.assert_allclose(onnx_logits[head], torch_logits[head], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("recipe", list(RECIPES))
def test_every_recipe_gives_int8_close_to_fp32(exported, tmp_path, recipe):
    bundle = tmp_path / "bundle"
    shutil.copytree(exported[0], bundle)
    quantize_int8(bundle, recipe)
    fp32 = OnnxPredictor(bundle, file=ONNX_FP32).predict(TEXTS).verdict
    int8 = OnnxPredictor(bundle, file=ONNX_INT8).predict(TEXTS).verdict
    assert np.abs(int8 - fp32).max() < 0.05


def test_int8_scores_documents_through_the_scoring_core(exported):
    bundle, _ = exported
    predictor = OnnxPredictor(bundle)
    assert predictor.runtime == "onnxruntime-int8"
    text = " ".join(TEXTS[:3])
    [document] = score_documents(predictor, [text], ScoreOptions(triggers=True))
    assert [s.text for s in document.sentences] == TEXTS[:3]
    for sentence in document.sentences:
        assert 0.0 <= sentence.p_overclaim <= 1.0
        assert text[sentence.start : sentence.end] == sentence.text
    fp32 = TransformerPredictor(bundle).predict(TEXTS).verdict
    assert np.abs(predictor.predict(TEXTS).verdict - fp32).max() < 0.1
    assert predictor.predict([]).verdict.shape == (0, 3)


def test_load_predictor_serves_int8_only_when_gated(exported, tmp_path, monkeypatch):
    bundle = tmp_path / "bundle"
    shutil.copytree(exported[0], bundle)
    record = read_record(bundle)
    monkeypatch.setenv("HYPECHECK_BACKEND", "torch")  # the library does not read it: settings do
    write_record(bundle, {**record, "passed": True})
    assert isinstance(load_predictor(bundle), OnnxPredictor)
    assert isinstance(load_predictor(bundle, backend="torch"), TransformerPredictor)
    assert isinstance(Settings(model=str(bundle)).predictor(), TransformerPredictor)

    write_record(bundle, {**record, "passed": False})
    assert isinstance(load_predictor(bundle), TransformerPredictor)
    assert isinstance(load_predictor(bundle, backend="onnx"), OnnxPredictor)

    write_record(bundle, {**record, "passed": True})
    info = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**info, "temperature": 2.5}))
    assert isinstance(load_predictor(bundle), TransformerPredictor), "a stale export must not be served"

    with pytest.raises(ValueError, match="backend"):
        load_predictor(bundle, backend="tpu")


def test_forcing_onnx_without_an_export_fails_clearly(transformer_bundle):
    with pytest.raises(FileNotFoundError, match="hypecheck export"):
        load_predictor(transformer_bundle, backend="onnx")
    assert isinstance(load_predictor(transformer_bundle, backend="auto"), TransformerPredictor)


def test_gate_allows_half_a_point_below_fp32():
    reference = {"macro_f1": 0.80, "auroc": 0.90}
    assert gate({"torch_fp32": reference, "onnx_int8": {"macro_f1": 0.795, "auroc": 0.91}})["passed"]
    failed = gate({"torch_fp32": reference, "onnx_int8": {"macro_f1": 0.79, "auroc": 0.90}})
    assert not failed["passed"] and failed["drop"]["macro_f1"] == pytest.approx(0.01)


def test_gate_is_logged_against_the_registered_version(exported, smoke_run, tmp_path):
    from mlflow import MlflowClient

    root, _ = smoke_run
    store = f"sqlite:///{root}/mlflow.db"
    bundle, record = exported
    version = json.loads((bundle / "bundle.json").read_text())["version"]
    result = log_to_registry(bundle, record, "hypecheck", tracking_uri=store)
    assert result["logged"] and result["version"] == version
    client = MlflowClient()
    metrics = client.get_run(result["run_id"]).data.metrics
    assert metrics["onnx.onnx_int8.validation.macro_f1"] == record["validation"]["onnx_int8"]["macro_f1"]
    tags = client.get_model_version("hypecheck", version).tags
    assert tags["onnx_int8_gate"] == ("passed" if record["passed"] else "failed")

    other = tmp_path / "unregistered"
    shutil.copytree(bundle, other)
    info = json.loads((other / "bundle.json").read_text())
    (other / "bundle.json").write_text(json.dumps({**info, "version": "999"}))
    assert log_to_registry(other, record, "hypecheck", tracking_uri=store) == {
        "logged": False,
        "why": f"hypecheck has no version 999 in sqlite:///{root}/mlflow.db",
    }


def test_naive_pipeline_gives_the_models_verdict_probabilities(transformer_bundle):
    from hypecheck.models.naive import naive_pipeline

    pipe = naive_pipeline(transformer_bundle)
    predictor = TransformerPredictor(Path(transformer_bundle))
    expected = _softmax(predictor.logits(TEXTS[:3])["verdict"])
    for row, scores in zip(expected, pipe(TEXTS[:3], top_k=None), strict=True):
        by_label = {s["label"]: s["score"] for s in scores}
        np.testing.assert_allclose([by_label[v] for v in predictor.info.verdicts], row, atol=1e-5)


def test_naive_pipeline_reads_context_as_the_bundle_does(transformer_bundle, tmp_path):
    from hypecheck.models.naive import naive_inputs, naive_pipeline

    bundle = tmp_path / "context"
    shutil.copytree(transformer_bundle, bundle)
    info = json.loads((bundle / "bundle.json").read_text())
    (bundle / "bundle.json").write_text(json.dumps({**info, "context": "headline+previous"}))
    contexts = [None, TEXTS[0], f"{TEXTS[0]} … {TEXTS[1]}"]
    predictor = TransformerPredictor(bundle)
    expected = _softmax(predictor.logits(TEXTS[:3], contexts)["verdict"])
    assert not np.allclose(expected, _softmax(predictor.logits(TEXTS[:3])["verdict"]), atol=1e-4)
    scored = naive_pipeline(bundle)(naive_inputs(TEXTS[:3], contexts), top_k=None)
    for row, scores in zip(expected, scored, strict=True):
        by_label = {s["label"]: s["score"] for s in scores}
        np.testing.assert_allclose([by_label[v] for v in predictor.info.verdicts], row, atol=1e-5)


def test_export_command_refuses_a_baseline(baseline_bundle):
    from hypecheck.serve.cli import app

    result = CliRunner().invoke(app, ["export", "--model", str(baseline_bundle), "--no-track"])
    assert result.exit_code == 2 and "only transformers" in result.output


def test_server_serves_int8_without_loading_torch(exported):
    bundle, record = exported
    write_record(bundle, {**record, "passed": True})
    process, url = start_server(bundle)
    try:
        assert httpx.get(f"{url}/v1/model").json()["runtime"] == "onnxruntime-int8"
        body = httpx.post(f"{url}/v1/score", json={"text": TEXTS[0]}).json()
        assert len(body["sentences"]) == 1
        maps = Path(f"/proc/{process.pid}/maps")
        if maps.exists():
            assert "libtorch" not in maps.read_text()
    finally:
        process.terminate()
        process.wait(10)
        write_record(bundle, record)


def test_mixed_recipe_keeps_only_the_early_feed_forward_outputs_in_fp32(exported, tmp_path):
    import onnx
    from hypecheck.models.onnx_export import FP32_FFN_LAYERS

    bundle = tmp_path / "bundle"
    shutil.copytree(exported[0], bundle)
    quantize_int8(bundle, "mixed")
    float_matmuls = {n.name for n in onnx.load(bundle / ONNX_INT8).graph.node if n.op_type == "MatMul"}
    layers = json.loads((bundle / "config.json").read_text())["num_hidden_layers"]
    expected = {n for n in FP32_FFN_LAYERS if n < layers}
    assert expected and {int(name.split("layer.")[1].split("/")[0]) for name in float_matmuls} == expected
    assert all("/output/dense/" in name and "attention" not in name for name in float_matmuls)


def test_the_scoring_pass_hands_the_rewriter_the_states_a_second_pass_would(exported):
    """The API scores once and the rewriter reads that pass's states: they must be the ones the
    rewriter was trained on (a separate pass over the sentence in its context), heads unchanged."""
    bundle, _ = exported
    contexts = ["Mouse study finds compound slows tumour growth", None, "A headline"]
    for predictor in (OnnxPredictor(bundle, file=ONNX_FP32), TransformerPredictor(bundle)):
        plain = predictor.predict(TEXTS[:3], contexts)
        both = predictor.predict(TEXTS[:3], contexts, states=True)
        assert plain.states is None and len(both.states) == 3
        assert np.allclose(plain.verdict, both.verdict, atol=1e-5)
        again = predictor.word_states(TEXTS[:3], contexts)
        for text, states, expected in zip(TEXTS[:3], both.states, again, strict=True):
            found = word_states_of(text, states)
            assert found.shape == (len(words(text)), expected.shape[1])
            assert np.allclose(found, expected, atol=1e-4)


def test_an_int8_score_does_not_depend_on_what_else_is_scored(exported):
    """int8 scales activations by the run's largest value: a sentence scored with others must still
    get the score it gets alone, or a checked rewrite could fail when the document is scored again."""
    bundle, _ = exported
    predictor = OnnxPredictor(bundle)
    alone = [predictor.predict([text]).verdict[0] for text in TEXTS]
    together = predictor.predict(TEXTS * 3).verdict
    for k, text in enumerate(TEXTS * 3):
        assert np.array_equal(together[k], alone[k % len(TEXTS)]), text
