"""Export a transformer bundle to ONNX (fp32 and int8) and record whether int8 kept its quality.

fp32: the fine-tuned model with all three heads, dynamic batch and sequence axes, traced with
eager attention so ONNX Runtime's transformer optimizer fuses attention, LayerNorm and GELU.
int8: dynamic quantization, by the first of three recipes that passes the gate. ``per-tensor``:
every MatMul and the fused attention get per-channel int8 weights and per-tensor int8 activations
(``MatMulInteger``). ``mixed``: the same, except the feed-forward output MatMuls of the first two
layers, which stay fp32: those are where outlier tokens appear, and a single activation scale cannot
hold them (the shipped champion lost 0.9 points of validation macro-F1 to ``per-tensor`` and 0.4 to
``mixed``, at 2.4x and 2.1x the speed of ONNX fp32 on two cores). ``blocked``: attention as
before, every other MatMul gets int8 weights in blocks of 128 and int8 activations quantized per
token and block at run time (``MatMulNBits``, accuracy level 4): the most faithful, but on CPUs where
its kernels are slow it runs below fp32 (0.8x on the benchmark machine). Per-tensor activation scales
are per run, so with ``per-tensor`` and ``mixed`` a sentence's score would move with its batch mates:
the predictor runs one sentence at a time (:class:`hypecheck.models.onnx_predictor.OnnxPredictor`).

The gate compares the int8 model with PyTorch fp32 on validation; ``load_predictor`` serves
int8 only when it passed. Validation data comes from the caller (``hypecheck export`` wires in
the training split), so this module imports nothing from ``training``.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypecheck.models.bundle import BUNDLE_FILE
from hypecheck.models.network import encode
from hypecheck.models.onnx_predictor import (
    CONTEXT_INPUTS,
    INPUTS,
    ONNX_FP32,
    ONNX_INT8,
    OUTPUTS,
    RECORD,
    TOKEN_STATES,
    OnnxPredictor,
    source_digest,
)
from hypecheck.models.prediction import Predictor
from hypecheck.models.predictors import TransformerPredictor

OPSET = 17
TOLERANCE = 0.005  # half a point of macro-F1 and AUROC
GATED = ("macro_f1", "auroc")
REPORTED = ("macro_f1", "auroc", "overclaim_f1")
BLOCK = 128
FP32_FFN_LAYERS = (0, 1)  # where outlier activations live in the MiniLM encoders measured
RECIPES = {
    "per-tensor": "dynamic int8: MatMuls and fused attention per-channel weights, per-tensor activations",
    "mixed": (
        "dynamic int8: MatMuls and fused attention per-channel weights, per-tensor activations; the "
        f"feed-forward output MatMuls of layers {', '.join(map(str, FP32_FFN_LAYERS))} stay fp32"
    ),
    "blocked": (
        f"dynamic int8: fused attention per-channel (QAttention); other MatMuls MatMulNBits 8-bit, "
        f"block {BLOCK}, symmetric, int8 activations (accuracy level 4)"
    ),
}

Evaluate = Callable[[Predictor], dict[str, float]]


def export_fp32(directory: Path) -> Path:
    """Trace the bundle's model to ONNX and fuse it for ONNX Runtime; returns ``model.onnx``."""
    import torch
    from onnxruntime.transformers import optimizer

    source = TransformerPredictor(directory)
    model = source.model
    model.encoder.set_attn_implementation("eager")  # the pattern the attention fusion matches

    class Heads(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
            states = self.model.states(*inputs)
            heads = self.model.heads(self.model.pool(states, *inputs[1:]))
            return (*(heads[name] for name in OUTPUTS), states)

    names = CONTEXT_INPUTS if source.info.context else INPUTS
    texts = ["A sample.", "A longer sample sentence for tracing."]
    contexts = ["A headline.", None] if source.info.context else None
    sample = encode(source.tokenizer, texts, contexts, source.info.max_length)
    inputs = tuple(sample[name] for name in names)
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        traced = Path(scratch) / "traced.onnx"
        torch.onnx.export(
            Heads().eval(),
            inputs,
            str(traced),
            dynamo=False,
            opset_version=OPSET,
            input_names=list(names),
            output_names=[*OUTPUTS, TOKEN_STATES],
            dynamic_axes={**axes, **{n: {0: "batch"} for n in OUTPUTS}, TOKEN_STATES: axes["input_ids"]},
        )
        config = model.encoder.config
        fused = optimizer.optimize_model(
            str(traced),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
        )
        fused.save_model_to_file(str(directory / ONNX_FP32))
    return directory / ONNX_FP32


def _outlier_matmuls(model: Path) -> list[str]:
    """The feed-forward output MatMuls of layers ``FP32_FFN_LAYERS`` (``layer.N/output/dense``)."""
    import onnx

    layers = tuple(f"layer.{n}/output/dense/" for n in FP32_FFN_LAYERS)
    names = [n.name for n in onnx.load(model).graph.node if n.op_type == "MatMul"]
    return [name for name in names if any(layer in name for layer in layers)]


def quantize_int8(directory: Path, recipe: str = "per-tensor") -> Path:
    """``model.onnx`` -> ``model.int8.onnx`` by ``recipe`` (see the module docstring)."""
    root = logging.getLogger()
    level = root.level
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    root.setLevel(logging.WARNING)  # the quantizers log every node at INFO (and configure the root)
    target = directory / ONNX_INT8
    try:
        with tempfile.TemporaryDirectory() as scratch:
            attention = Path(scratch) / "attention.int8.onnx"
            quantize_dynamic(
                directory / ONNX_FP32,
                attention if recipe == "blocked" else target,
                op_types_to_quantize=["Attention"] if recipe == "blocked" else ["Attention", "MatMul"],
                per_channel=True,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=_outlier_matmuls(directory / ONNX_FP32) if recipe == "mixed" else None,
                # the fused graph's contrib ops defeat shape inference; their outputs are float
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
            if recipe == "blocked":
                blocks = MatMulNBitsQuantizer(
                    onnx.load(attention), bits=8, block_size=BLOCK, is_symmetric=True, accuracy_level=4
                )
                blocks.process()
                blocks.model.save_model_to_file(str(target))
    finally:
        root.setLevel(level)
    return target


def gate(validation: dict[str, dict[str, float]], tolerance: float = TOLERANCE) -> dict[str, Any]:
    """int8 passes when no gated metric is more than ``tolerance`` below PyTorch fp32."""
    reference, candidate = validation["torch_fp32"], validation["onnx_int8"]
    drops = {key: round(reference[key] - candidate[key], 4) for key in GATED}
    return {"tolerance": tolerance, "drop": drops, "passed": all(d <= tolerance for d in drops.values())}


def export_bundle(directory: Path, evaluate: Evaluate) -> dict[str, Any]:
    """Export, quantize by the fastest recipe that passes the gate, and write ``onnx.json``;
    returns the record (of the last recipe tried, when none passed)."""
    export_fp32(directory)

    def scores(predictor: Predictor) -> dict[str, float]:
        return {key: round(value, 4) for key, value in evaluate(predictor).items() if key in REPORTED}

    reference = {
        "torch_fp32": scores(TransformerPredictor(directory)),
        "onnx_fp32": scores(OnnxPredictor(directory, file=ONNX_FP32)),
    }
    tried = []
    for recipe in RECIPES:
        quantize_int8(directory, recipe)
        validation = {**reference, "onnx_int8": scores(OnnxPredictor(directory, file=ONNX_INT8))}
        verdict = gate(validation)
        tried.append({"recipe": recipe, "int8": validation["onnx_int8"], **verdict})
        if verdict["passed"]:
            break
    record = {
        "fp32": ONNX_FP32,
        "int8": ONNX_INT8,
        "recipe": recipe,
        "quantization": RECIPES[recipe],
        "opset": OPSET,
        "source": source_digest(directory),
        "validation": validation,
        "tried": tried,
        **verdict,
    }
    write_record(directory, record)
    return record


def write_record(directory: Path, record: dict[str, Any]) -> None:
    (directory / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


def log_to_registry(
    directory: Path, record: dict[str, Any], model_name: str, *, tracking_uri: str
) -> dict[str, Any]:
    """Attach the gate to the registered version this bundle is, if it is one.

    That is the version of ``bundle.json``'s number whose stored ``bundle.json`` is identical. Its
    run gets the validation metrics (``onnx.<variant>.validation.<metric>``, linked to the model),
    the version gets tags, and its bundle gets the ONNX files and the record, so that ``models:/``
    references serve int8 as well. Returns what was done, or why nothing was.
    """
    import mlflow
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri)
    version = json.loads((directory / BUNDLE_FILE).read_text())["version"]
    client = MlflowClient()
    try:
        found = client.get_model_version(model_name, version)
    except MlflowException:
        return {"logged": False, "why": f"{model_name} has no version {version} in {tracking_uri}"}
    model_id = found.model_id or (found.source or "").removeprefix("models:/")
    if not model_id or not found.run_id:
        return {"logged": False, "why": f"version {version} of {model_name} has no logged model and run"}
    stored = [a.path for a in client.list_logged_model_artifacts(model_id, "artifacts") if a.is_dir]
    local = json.loads((directory / BUNDLE_FILE).read_text())
    location = client.get_model_version_download_uri(model_name, version)
    same = [
        path
        for path in stored
        if json.loads(
            Path(mlflow.artifacts.download_artifacts(f"{location}/{path}/{BUNDLE_FILE}")).read_text()
        )
        == local
    ]
    if not same:
        return {"logged": False, "why": f"this bundle is not version {version} of {model_name}"}
    for variant, metrics in record["validation"].items():
        for key, value in metrics.items():
            client.log_metric(found.run_id, f"onnx.{variant}.validation.{key}", value, model_id=model_id)
    client.set_model_version_tag(
        model_name, version, "onnx_int8_gate", "passed" if record["passed"] else "failed"
    )
    client.set_model_version_tag(model_name, version, "onnx_int8_drop", json.dumps(record["drop"]))
    with tempfile.TemporaryDirectory() as scratch:
        for name in (ONNX_FP32, ONNX_INT8, RECORD):
            shutil.copy2(directory / name, Path(scratch) / name)
        client.log_model_artifacts(model_id, scratch, artifact_path=same[0])
    return {"logged": True, "model": model_name, "version": version, "run_id": found.run_id}
