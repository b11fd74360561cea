"""Benchmark batch scoring end to end on FakeHealth's 2,237 stories and press releases.

JSON files -> article text -> sentences -> scores -> one Parquet file, through ``run_batch`` as
``hypecheck batch`` runs it: articles/s, sentences/s and peak memory (RSS). In the same run, a
naive loop calls a ``transformers.pipeline`` on the same model one sentence at a time, over an
evenly spaced subset of the same articles (``--naive-articles``), and the two are compared by rate.
The batch output then feeds the example report (:mod:`hypecheck.serve.batch.report`). The corpus is read from
the shared data folder (``HYPECHECK_DATA_DIR``): a benchmark, not part of serving.

Run from the checkout: ``python -m benchmarks.batch_bench`` (``--limit N`` for the first N files of
each folder); writes ``bench.json``, ``bench.md``, the Parquet output and the report to ``batch/`` in
the reports folder (``reports/`` of the project home).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypecheck.models.bundle import bundle_hash
from hypecheck.models.settings import Settings
from hypecheck.serve.batch.job import BatchJob
from hypecheck.serve.batch.prepare import Article, prepare
from hypecheck.serve.batch.readers import Fields, input_files, read_records
from hypecheck.serve.batch.report import write_report
from hypecheck.serve.batch.runner import run_batch

GOAL_SECONDS = 360
GOAL_SPEEDUP = 3.0
GOAL_SHARE_OF_MODEL = 0.85  # the crawl's sentences/s over the served model's own, on the same sentences
QUANTILES = (0.1, 0.25, 0.5, 0.75, 1.0)  # of the run's time, where resident memory is reported
FIELDS = Fields(id="id", text="text", title="title")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _sampling_rss(samples: list[float], stop: threading.Event) -> threading.Thread:
    """Resident memory once a second until ``stop``: flat memory shows as a flat series."""

    def sample() -> None:
        while not stop.wait(1.0):
            samples.append(_rss_mb())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    return thread


def _inputs(data_dir: Path, limit: int | None) -> list[Path]:
    from hypecheck.training.paths import corpus_dir

    root = corpus_dir(data_dir, "fakehealth_content")
    folders = [root / "HealthStory", root / "HealthRelease"]
    return folders if limit is None else [f for folder in folders for f in input_files([folder])[:limit]]


def _subset(files: list[Path], count: int) -> list[Path]:
    return files[:: max(1, len(files) // count)][:count]


def _in_context(files: list[Path], mode: str) -> Iterator[tuple[list[str], list[str | None]]]:
    """Each article's sentences and their contexts under the model's context ``mode``."""
    from hypecheck.models.context import sentence_contexts
    from hypecheck.models.sentences import split_sentences

    for record in read_records(files, FIELDS):
        article = prepare(record, text_field=FIELDS.text, max_chars=100_000)
        if isinstance(article, Article):
            sentences = [s.text for s in split_sentences(article.text)]
            yield sentences, sentence_contexts(sentences, mode) if mode else [None] * len(sentences)


def _model_only(
    bundle: Path, files: list[Path], count: int, backend: str, threads: int | None
) -> dict[str, Any]:
    """The served model alone (no reading, splitting, summaries or Parquet) on the sentences of
    ``count`` evenly spaced articles, each read with its context: the rate the crawl is held to."""
    from hypecheck.models.predictors import load_predictor

    predictor = load_predictor(bundle, backend=backend, threads=threads)
    texts: list[str] = []
    contexts: list[str | None] = []
    for sentences, around in _in_context(_subset(files, count), predictor.info.context):
        texts += sentences
        contexts += around
    predictor.predict(texts[:64], contexts[:64])
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        predictor.predict(texts, contexts)
        rates.append(len(texts) / (time.perf_counter() - started))
    return {
        "runtime": predictor.runtime,
        "sentences": len(texts),
        "sentences_per_s": round(sorted(rates)[1], 1),
    }


def _naive(bundle: Path, files: list[Path], count: int) -> dict[str, Any]:
    """One pipeline call per sentence (with its context, as the model reads it) over ``count``
    evenly spaced articles: the loop one writes first."""
    from hypecheck.models.bundle import BundleInfo
    from hypecheck.models.naive import naive_inputs, naive_pipeline
    from transformers.utils import logging

    subset = _subset(files, count)
    logging.set_verbosity(logging.CRITICAL)  # the pipeline logs that it does not know the model class
    pipe = naive_pipeline(bundle)
    pipe("Warm-up sentence for the model.")
    started, sentences = time.perf_counter(), 0
    for texts, contexts in _in_context(subset, BundleInfo.load(bundle).context):
        for item in naive_inputs(texts, contexts):
            pipe(item)
            sentences += 1
    seconds = time.perf_counter() - started
    return {
        "articles": len(subset),
        "sentences": sentences,
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(subset) / seconds, 2),
        "sentences_per_s": round(sentences / seconds, 1),
    }


def _markdown(result: dict[str, Any]) -> str:
    batch, naive = result["batch"], result.get("naive")
    lines = [
        "# Batch scoring benchmark: FakeHealth stories and press releases",
        "",
        f"Machine: {result['machine']}. Model: `{result['model']}` ({result['predictor']}).",
        f"Input: {batch['files']} JSON files, chunk size {batch['chunk_size']}, engine local.",
        "",
        "| run | articles | sentences | seconds | articles/s | sentences/s | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| hypecheck batch (JSON → Parquet) | {batch['articles']} | {batch['sentences']} | "
        f"{batch['seconds']} | {batch['articles_per_s']} | {batch['sentences_per_s']} | "
        f"{batch['peak_rss_mb']:.0f} MB |",
    ]
    if naive:
        lines.append(
            f"| naive `transformers.pipeline` loop (subset) | {naive['articles']} | {naive['sentences']} | "
            f"{naive['seconds']} | {naive['articles_per_s']} | {naive['sentences_per_s']} | |"
        )
    if model := result.get("model_only"):
        lines.append(
            f"| served model alone ({model['runtime']}, subset, in context) | | {model['sentences']} | | | "
            f"{model['sentences_per_s']} | |"
        )
    rss = ", ".join(f"{mb} MB at {at}" for at, mb in batch["rss_mb_at"].items())
    lines += ["", f"Resident memory during the batch run: {rss} of its time.", ""]
    lines += [f"- {line}" for line in result["verdicts"]]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings().with_options(model=args.model)
    settings.go_offline()
    bundle = settings.bundle()
    args.out = args.out or settings.reports_dir / "batch"
    args.out.mkdir(parents=True, exist_ok=True)
    output = args.out / "fakehealth.parquet"
    job = BatchJob(
        inputs=tuple(_inputs(settings.shared_data_dir, args.limit)),
        output=output,
        format="parquet",
        level="article",
        fields=FIELDS,
        chunk_size=args.chunk_size,
        rewrites=args.rewrites,
    )
    for leftover in (output, job.errors_path, job.checkpoint_path):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(job.parts_dir, ignore_errors=True)
    weights = bundle_hash(bundle)
    samples: list[float] = []
    stop = threading.Event()
    sampler = _sampling_rss(samples, stop)
    stats = run_batch(job, bundle, backend=settings.backend, threads=settings.threads)
    stop.set()
    sampler.join()
    if bundle_hash(bundle) != weights:
        raise RuntimeError(f"{bundle} changed during the run (an export?): measure again")
    files = input_files(job.inputs)
    batch = {
        "files": len(files),
        "chunk_size": args.chunk_size,
        "rewrites": args.rewrites,
        "articles": stats.articles,
        "sentences": stats.sentences,
        "errors": stats.errors,
        "seconds": round(stats.seconds, 1),
        "articles_per_s": round(stats.articles / stats.seconds, 2),
        "sentences_per_s": round(stats.sentences / stats.seconds, 1),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "rss_mb_at": {
            f"{q:.0%}": round(samples[round(q * (len(samples) - 1))]) for q in QUANTILES if samples
        },
    }
    from hypecheck.models.predictors import load_predictor

    result: dict[str, Any] = {
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}",
        "model": str(bundle),
        "predictor": type(load_predictor(bundle, backend=settings.backend)).__name__,
        "batch": batch,
        "verdicts": [],
    }
    full = args.limit is None
    result["verdicts"].append(
        f"Whole corpus in {batch['seconds']}s: goal ≤{GOAL_SECONDS}s "
        + ("met." if batch["seconds"] <= GOAL_SECONDS else "not met.")
        if full
        else f"Subset of {len(files)} files (--limit {args.limit}): not the whole-corpus figure."
    )
    model = _model_only(bundle, files, args.naive_articles or 150, settings.backend, settings.threads)
    share = batch["sentences_per_s"] / model["sentences_per_s"]
    result["model_only"] = {**model, "crawl_share": round(share, 3)}
    result["verdicts"].append(
        f"The served model alone ({model['runtime']}) scores {model['sentences_per_s']} sentences/s on "
        f"{model['sentences']} sentences of evenly spaced articles, in context; the crawl keeps {share:.0%} "
        f"of it (goal ≥{GOAL_SHARE_OF_MODEL:.0%}: {'met' if share >= GOAL_SHARE_OF_MODEL else 'not met'})."
    )
    if args.naive_articles:
        naive = _naive(bundle, files, args.naive_articles)
        speedup = batch["sentences_per_s"] / naive["sentences_per_s"]
        result["naive"] = {**naive, "speedup_sentences_per_s": round(speedup, 2)}
        result["verdicts"].append(
            f"Naive loop measured on {naive['articles']} evenly spaced articles of the same input and "
            f"compared by rate: batch is {speedup:.1f}x the naive loop's sentences/s "
            f"(goal ≥{GOAL_SPEEDUP:.0f}x: {'met' if speedup >= GOAL_SPEEDUP else 'not met'}). "
            f"The naive loop runs PyTorch fp32, one sentence per call, and computes the verdict only "
            f"(no summary, checklist, advice or Parquet); batch ran {result['predictor']}."
        )
    (args.out / "bench.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    (args.out / "bench.md").write_text(_markdown(result), encoding="utf-8")
    result["report"] = str(write_report(output, args.out))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="Bundle folder or models:/ URI (default: the champion)")
    parser.add_argument("--limit", type=int, help="Only the first N files of each folder (a quick check)")
    parser.add_argument(
        "--naive-articles", type=int, default=150, help="Articles for the naive loop (0: skip it)"
    )
    parser.add_argument("--chunk-size", type=int, default=128)
    parser.add_argument("--rewrites", action="store_true", help="Crawl with checked rewrites, as --rewrites")
    parser.add_argument("--out", type=Path, help="Output folder (default: batch/ in the reports folder)")
    result = run(parser.parse_args())
    print(_markdown(result))
    print(f"report: {result['report']}")


if __name__ == "__main__":
    main()
