"""``make bench``: inference speed against the hardware's limit and against the naive way, in one run.

(a) model-only sentences/s of PyTorch fp32, ONNX Runtime fp32 and ONNX Runtime int8 on a fixed
sample of real sentences, each read with the context the API builds for it in a 10-sentence
document (its headline and previous sentence, for a model that reads context), tokenising
included; (b) the machine's measured matrix-multiply rate
(fp32: PyTorch and ONNX Runtime; int8: ONNX Runtime's u8 x s8 GEMM) and the model's FLOPs per
sentence, giving each variant's share of the limit; (c) ``/v1/score`` latency p50/p99 and
sentences/s for documents of 1, 10 and 60 of the same sentences (one per line) with 1 and 16
clients against the real server, with its start-up time and resident memory, and the two goals'
loads again without checked rewrites (advice alone), to show their cost; (d)
``transformers.pipeline`` on the same model, sentences and contexts.

Run from the checkout: ``python -m benchmarks.bench [--model BUNDLE]`` (the bundle needs
``hypecheck export`` first); writes ``bench/bench.json`` and ``bench.md`` in the reports folder
(``reports/`` of the project home). Timings only mean something on an idle
machine; the load generator shares the server's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from hypecheck.models.context import BUDGET, Budget, sentence_contexts
from hypecheck.models.onnx_predictor import ONNX_FP32, ONNX_INT8, OnnxPredictor, physical_cores, read_record
from hypecheck.models.prediction import Contexts, Predictor
from hypecheck.models.settings import Settings

from benchmarks import write_report
from benchmarks.loadtest import document_sentences, documents, run, written_sentences
from benchmarks.local_server import start_local_server

DOCUMENT_SIZES = (1, 10, 60)
CLIENTS = (1, 16)
MODEL_ONLY_DOCUMENT = 10  # sentences per document whose contexts the model-only runs read
GOAL_VS_NAIVE = 5.0  # /v1/score, 16 clients, 10-sentence documents, over the naive pipeline
GOAL_INT8_VS_FP32 = 1.8  # int8 over ONNX fp32, model only
GOAL_P99_MS = 250.0  # a 60-sentence document, one client
# Every size with every client count, as the API answers by default (checked rewrites); then the two
# goals' loads again with advice but no rewrites: what checking rewrites costs, measured in the same run.
LOADS = [(size, clients, True) for size in DOCUMENT_SIZES for clients in CLIENTS] + [
    (10, 16, False),
    (60, 1, False),
]


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def sentence_sample(data_dir: Path, count: int, seed: int = 0) -> tuple[list[str], str]:
    """A fixed sample of real sentences: the annotated news sentences when the shared corpora are
    here, else our written corpus."""
    try:
        from hypecheck.training.annotation import load_real_units

        pool, source = [u.text for u in load_real_units(data_dir)], "annotated real sentences"
    except Exception:  # the shared corpora are absent or do not rebuild: fall back to ours
        pool, source = written_sentences(), "written corpus (data/written)"
    return random.Random(seed).sample(pool, min(count, len(pool))), source


def in_documents(pool: list[str], mode: str, budget: Budget = BUDGET) -> tuple[list[str], list[str | None]]:
    """``pool``'s sentences as 10-sentence documents, each with the context the API builds for it
    under the bundle's context ``mode`` (``None`` for every sentence of a model without one)."""
    texts: list[str] = []
    contexts: list[str | None] = []
    for doc in document_sentences(MODEL_ONLY_DOCUMENT, count=len(pool) // MODEL_ONLY_DOCUMENT, pool=pool):
        texts += doc
        contexts += sentence_contexts(doc, mode, budget) if mode else [None] * len(doc)
    return texts, contexts


def sentences_per_s(
    predict: Callable[[list[str], Contexts], Any], texts: list[str], contexts: list[str | None], repeats: int
) -> float:
    """Median rate over ``repeats`` passes after one warm-up batch."""
    predict(texts[:64], contexts[:64])
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict(texts, contexts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(rates)


def _rate(run: Callable[[], Any], work: float, repeats: int) -> float:
    """Giga-operations per second of ``run`` (``work`` operations each), after three warm-ups."""
    for _ in range(3):
        run()
    started = time.perf_counter()
    for _ in range(repeats):
        run()
    return work * repeats / (time.perf_counter() - started) / 1e9


def _ort_gemm(threads: int, size: int, int8: bool) -> Callable[[], Any]:
    """One ``size``-square GEMM under ONNX Runtime: fp32 ``MatMul`` or u8 x s8 ``MatMulInteger``."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    if int8:
        weights = rng.integers(-127, 128, (size, size), dtype=np.int8)
        activations = rng.integers(0, 256, (size, size), dtype=np.uint8)
        node, types = "MatMulInteger", (TensorProto.UINT8, TensorProto.INT32)
    else:
        weights = rng.standard_normal((size, size), dtype=np.float32)
        activations = rng.standard_normal((size, size), dtype=np.float32)
        node, types = "MatMul", (TensorProto.FLOAT, TensorProto.FLOAT)
    graph = helper.make_graph(
        [helper.make_node(node, ["A", "B"], ["Y"])],
        "gemm",
        [helper.make_tensor_value_info("A", types[0], [size, size])],
        [helper.make_tensor_value_info("Y", types[1], [size, size])],
        [numpy_helper.from_array(weights, "B")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    return lambda: session.run(None, {"A": activations})


def matmul_peaks(threads: int, size: int = 2048, repeats: int = 10) -> dict[str, float]:
    """The machine's matrix-multiply limit, measured: fp32 is the faster of PyTorch and ONNX Runtime;
    int8 is ONNX Runtime's u8 x s8 GEMM, the kernel family the int8 model runs on."""
    import torch

    torch.set_num_threads(threads)
    a, b = torch.randn(size, size), torch.randn(size, size)
    work = 2 * size**3
    rates = {
        "fp32_pytorch_gflops": _rate(lambda: a @ b, work, repeats),
        "fp32_onnxruntime_gflops": _rate(_ort_gemm(threads, size, int8=False), work, repeats),
        "int8_gops": _rate(_ort_gemm(threads, size, int8=True), work, repeats),
    }
    rates["fp32_gflops"] = max(rates["fp32_pytorch_gflops"], rates["fp32_onnxruntime_gflops"])
    return {**{k: round(v, 1) for k, v in rates.items()}, "matrix": size, "threads": threads}


def model_flops(config: dict[str, Any], tokens: list[int], outputs: int) -> float:
    """Mean FLOPs per sentence: 2 x (weights in matmuls) per token, plus attention's QK^T and AV
    (4 x tokens^2 x hidden per layer) and the heads."""
    hidden, inner, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
    per_token = 2 * layers * (4 * hidden * hidden + 2 * hidden * inner)
    flops = [t * per_token + layers * 4 * t * t * hidden + 2 * hidden * outputs for t in tokens]
    return float(np.mean(flops))


def model_only(
    bundle: Path, texts: list[str], contexts: list[str | None], repeats: int, threads: int
) -> dict[str, float]:
    from hypecheck.models.predictors import TransformerPredictor

    variants: dict[str, Callable[[], Predictor]] = {
        "pytorch_fp32": lambda: TransformerPredictor(bundle, threads=threads),
        "onnx_fp32": lambda: OnnxPredictor(bundle, file=ONNX_FP32, threads=threads),
        "onnx_int8": lambda: OnnxPredictor(bundle, file=ONNX_INT8, threads=threads),
    }
    rates = {}
    for name, make in variants.items():
        predictor = make()
        rates[name] = round(sentences_per_s(predictor.predict, texts, contexts, repeats), 1)
        del predictor
        gc.collect()
    return rates


def naive_rate(bundle: Path, texts: list[str], contexts: list[str | None]) -> float:
    """``pipeline("text-classification")`` as a user would call it: the list, default settings."""
    import transformers
    from hypecheck.models.naive import naive_inputs, naive_pipeline

    transformers.logging.set_verbosity(transformers.logging.CRITICAL)  # "model not supported": ours
    pipe = naive_pipeline(bundle)
    return round(sentences_per_s(lambda t, c: pipe(naive_inputs(t, c)), texts, contexts, repeats=1), 1)


def serve_and_load(bundle: Path, pool: list[str], seconds: float) -> dict[str, Any]:
    """Start the real server, time it to ready, then load it: every document size x client count."""
    import psutil

    started = time.perf_counter()
    unlimited = {"HYPECHECK_RATE_LIMIT": "100000000/minute"}
    process, url = start_local_server(str(bundle), options=("--log-level", "warning"), env=unlimited)
    startup = time.perf_counter() - started
    server = psutil.Process(process.pid)
    try:
        import httpx

        runtime = httpx.get(f"{url}/v1/model").json().get("runtime")
        rss_ready = server.memory_info().rss
        rss_peak, runs = rss_ready, []
        for size, clients, rewrites in LOADS:
            texts = documents(size, count=200, pool=pool, separator="\n")  # a unit per line
            options = {"triggers": False, "rewrites": rewrites}
            result = asyncio.run(run(url, clients, seconds, texts, options))
            runs.append({"sentences_per_document": size, "rewrites": rewrites, **result})
            rss_peak = max(rss_peak, server.memory_info().rss)
    finally:
        process.terminate()
        process.wait(10)
    return {
        "runtime": runtime,
        "startup_s": round(startup, 2),
        "rss_ready_mb": round(rss_ready / 2**20, 1),
        "rss_peak_mb": round(rss_peak / 2**20, 1),
        "runs": runs,
    }


def goals(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The four goals, each from this one run, and the API's share of model-only for reference."""
    model, api = result["model_only"], result["api"]
    by_load = {(r["sentences_per_document"], r["clients"], r["rewrites"]): r for r in api["runs"]}
    rows = [
        {
            "name": "API, 16 clients, 10-sentence documents / naive pipeline (sentences/s)",
            "value": by_load[(10, 16, True)]["sentences_per_s"] / result["naive_sentences_per_s"],
            "goal": GOAL_VS_NAIVE,
            "higher_is_better": True,
        },
        {
            "name": "int8 / ONNX fp32, model only (sentences/s)",
            "value": model["onnx_int8"]["sentences_per_s"] / model["onnx_fp32"]["sentences_per_s"],
            "goal": GOAL_INT8_VS_FP32,
            "higher_is_better": True,
        },
        {
            "name": "60-sentence document, one client: p99 ms",
            "value": by_load[(60, 1, True)]["p99_ms"],
            "goal": GOAL_P99_MS,
            "higher_is_better": False,
        },
    ]
    rows += [
        {
            "name": "without rewrites: API, 16 clients, 10-sentence documents / naive pipeline",
            "value": by_load[(10, 16, False)]["sentences_per_s"] / result["naive_sentences_per_s"],
            "goal": None,
            "higher_is_better": True,
        },
        {
            "name": "without rewrites: 60-sentence document, one client: p99 ms",
            "value": by_load[(60, 1, False)]["p99_ms"],
            "goal": None,
            "higher_is_better": False,
        },
    ]
    for size in DOCUMENT_SIZES:
        rows.append(
            {
                "name": f"API, 16 clients, {size}-sentence documents / int8 model only",
                "value": by_load[(size, 16, True)]["sentences_per_s"] / model["onnx_int8"]["sentences_per_s"],
                "goal": None,
                "higher_is_better": True,
            }
        )
    for row in rows:
        row["value"] = round(row["value"], 3)
        goal = row["goal"]
        row["met"] = (
            None
            if goal is None
            else (row["value"] >= goal) == row["higher_is_better"] or row["value"] == goal
        )
    return rows


def markdown(result: dict[str, Any]) -> str:
    hardware, api = result["hardware"], result["api"]
    lines = [
        f"Machine: {result['machine']}; {hardware['threads']} threads. Sentences: {result['sentences']} "
        f"{result['source']} in {MODEL_ONLY_DOCUMENT}-sentence documents, read with context "
        f"({result['context'] or 'none'}): mean {result['mean_tokens']:.1f} tokens with it, "
        f"{result['gflop_per_sentence']:.3f} GFLOP each.",
        f"Hardware limit (measured, {hardware['matrix']}² matrices): fp32 {hardware['fp32_gflops']} GFLOP/s "
        f"(PyTorch {hardware['fp32_pytorch_gflops']}, ONNX Runtime {hardware['fp32_onnxruntime_gflops']}), "
        f"int8 {hardware['int8_gops']} GOP/s (ONNX Runtime MatMulInteger, u8 x s8).",
        "",
        "| model only | sentences/s | G(FL)OP/s | share of its peak (fp32 or int8) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, row in result["model_only"].items():
        peak = "int8_gops" if name == "onnx_int8" else "fp32_gflops"
        lines.append(
            f"| {name} | {row['sentences_per_s']} | {row['gops']:.1f} | {row['gops'] / hardware[peak]:.0%} |"
        )
    lines.append(f"| naive `transformers.pipeline` (fp32) | {result['naive_sentences_per_s']} | | |")
    lines += [
        "",
        f"Server ({api['runtime']}): ready {api['startup_s']} s after start; RSS {api['rss_ready_mb']} MB "
        f"ready, {api['rss_peak_mb']} MB peak under load; int8 recipe `{result['gate']['recipe']}`. "
        "`/v1/score`, triggers off, access log off:",
        "",
        "| sentences/document | clients | rewrites | p50 ms | p99 ms | requests/s | sentences/s | failed |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in api["runs"]:
        lines.append(
            f"| {r['sentences_per_document']} | {r['clients']} | {'on' if r['rewrites'] else 'off'} | "
            f"{r['p50_ms']} | {r['p99_ms']} | "
            f"{r['requests_per_s']} | {r['sentences_per_s']} | {r['failed']} |"
        )
    lines += ["", "| measure | value | goal | met |", "| --- | ---: | ---: | --- |"]
    for r in result["goals"]:
        goal = "" if r["goal"] is None else ("≥ " if r["higher_is_better"] else "≤ ") + str(r["goal"])
        met = "" if r["met"] is None else ("yes" if r["met"] else "no")
        lines.append(f"| {r['name']} | {r['value']} | {goal} | {met} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--model", help="Exported transformer bundle (default: the champion)")
    parser.add_argument("--sentences", type=int, default=1024, help="Sentences for the model-only runs")
    parser.add_argument("--repeats", type=int, default=3, help="Timed passes per model-only variant")
    parser.add_argument("--seconds", type=float, default=20, help="Seconds per API load run")
    args = parser.parse_args()
    settings = Settings().with_options(model=args.model)
    settings.go_offline()
    bundle = settings.bundle()
    record = read_record(bundle)
    if record is None or not all((bundle / f).is_file() for f in (ONNX_FP32, ONNX_INT8)):
        raise SystemExit(f"{bundle} has no ONNX export: run `hypecheck export --model {bundle}` first")
    threads = physical_cores()
    pool, source = sentence_sample(settings.shared_data_dir, args.sentences)
    probe = OnnxPredictor(bundle, threads=threads)
    info = probe.info
    texts, contexts = in_documents(pool, info.context)
    pairs = [
        text if context is None else (text, context) for text, context in zip(texts, contexts, strict=True)
    ]
    tokens = [sum(e.attention_mask) for e in probe.tokenizer.encode_batch(pairs)]
    outputs = len(info.verdicts) + len(info.reasons) + len(info.claim_strengths)
    flops = model_flops(json.loads((bundle / "config.json").read_text()), tokens, outputs)
    del probe
    print(
        f"{len(texts)} sentences ({source}, context: {info.context or 'none'}); matmul peaks ...",
        flush=True,
    )
    hardware = matmul_peaks(threads)
    print(f"hardware {hardware}; model-only runs ...", flush=True)
    model = {
        name: {"sentences_per_s": rate, "gops": rate * flops / 1e9}
        for name, rate in model_only(bundle, texts, contexts, args.repeats, threads).items()
    }
    print(f"model only {model}; naive pipeline ...", flush=True)
    naive = naive_rate(bundle, texts, contexts)
    print(f"naive {naive} sentences/s; API runs ...", flush=True)
    api = serve_and_load(bundle, pool, args.seconds)
    result: dict[str, Any] = {
        "machine": f"{cpu_name()}, {threads} physical cores",
        "bundle": str(bundle),
        "gate": {"passed": record["passed"], "recipe": record["recipe"], "validation": record["validation"]},
        "context": info.context,
        "sentences": len(texts),
        "source": source,
        "mean_tokens": float(np.mean(tokens)),
        "gflop_per_sentence": flops / 1e9,
        "hardware": hardware,
        "model_only": model,
        "naive_sentences_per_s": naive,
        "api": api,
    }
    result["goals"] = goals(result)
    write_report("bench/bench", result, markdown(result))


if __name__ == "__main__":
    main()
