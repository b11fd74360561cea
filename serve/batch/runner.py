"""Running a batch job: stream the input in chunks, score them, commit each, join the parts at the end.

Memory holds one chunk (a window of chunks on Ray), whatever the size of the input. Each scored
chunk is written as numbered part files beside the output and then counted in the checkpoint
(:mod:`hypecheck.serve.batch.checkpoint`); a rerun of the same command after a kill skips the committed
records and goes on, and a rerun of a finished job does nothing. The output and its errors file
appear, whole, only when every chunk is in.
"""

from __future__ import annotations

import itertools
import shutil
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from hypecheck.models.bundle import bundle_hash
from hypecheck.serve.batch.checkpoint import Checkpoint
from hypecheck.serve.batch.job import BatchJob, ChunkResult, score_chunk
from hypecheck.serve.batch.readers import RawRecord, fingerprint, input_files, read_records
from hypecheck.serve.batch.writers import join_parts, write_part
from tqdm import tqdm

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class BatchStats:
    """What the output holds (all runs together) and what this run did."""

    records: int
    articles: int
    sentences: int
    errors: int
    seconds: float  # this run's wall time
    resumed_at: int  # records already committed when this run started
    already_done: bool = False


def _chunked(records: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    while chunk := list(itertools.islice(records, size)):
        yield chunk


def _local_chunks(
    bundle: Path,
    job: BatchJob,
    chunks: Iterable[list[RawRecord]],
    backend: str,
    threads: int | None,
    trust_bundle: bool,
) -> Iterator[ChunkResult]:
    from hypecheck.models.predictors import load_predictor

    predictor = load_predictor(bundle, backend=backend, threads=threads, trust_bundle=trust_bundle)
    for chunk in chunks:
        yield score_chunk(predictor, chunk, job)


def _part(job: BatchJob, chunk: int, kind: str) -> Path:
    return job.parts_dir / f"{chunk:08d}.{kind}"


def _parts(job: BatchJob, chunks: int, kind: str) -> list[Path]:
    return [_part(job, k, kind) for k in range(chunks)]


def _stats(state: Checkpoint, started: float, resumed_at: int, done: bool = False) -> BatchStats:
    return BatchStats(
        state.records,
        state.articles,
        state.sentences,
        state.errors,
        time.perf_counter() - started,
        resumed_at,
        done,
    )


def _start(job: BatchJob, saved: Checkpoint | None, fresh: Checkpoint) -> Checkpoint:
    """The state to go on from: the unfinished checkpoint of this same job, or ``fresh``; parts beyond
    it (written by a run killed before it could count them) are deleted."""
    state = saved if saved is not None and not saved.done else fresh
    if state.chunks == 0:
        shutil.rmtree(job.parts_dir, ignore_errors=True)
    job.parts_dir.mkdir(parents=True, exist_ok=True)
    keep = {p.name for kind in (job.format, "errors.jsonl") for p in _parts(job, state.chunks, kind)}
    for path in job.parts_dir.iterdir():
        if path.name not in keep:
            path.unlink()
    state.save(job.checkpoint_path)
    return state


def _check_apart(job: BatchJob, files: list[Path]) -> None:
    """The output, its parts and errors must not be read back as input on a rerun."""
    output = job.output.resolve()
    if output in {f.resolve() for f in files}:
        raise ValueError(f"{job.output} is one of the inputs: write the output elsewhere")
    for folder in (p.resolve() for p in job.inputs if p.is_dir()):
        if output.is_relative_to(folder):
            raise ValueError(f"{job.output} lies inside the input folder {folder}: write it elsewhere")


def _check_output(job: BatchJob) -> None:
    """Before anything is written: the output goes in a folder that exists, as a regular file (an
    atomic rename over ``/dev/null`` or a pipe would replace it), beside no special files of ours."""
    folder = job.output.parent
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder for the output (create it first)")
    for path in (job.output, job.errors_path, job.checkpoint_path):
        if path.exists() and not path.is_file():
            raise ValueError(f"{path} is not a regular file: write the output to a file")


def run_batch(
    job: BatchJob,
    bundle: Path,
    *,
    engine: str = "local",
    workers: int | None = None,
    progress: bool = True,
    backend: str = "auto",
    threads: int | None = None,
    trust_bundle: bool = False,
    ray_address: str | None = None,
) -> BatchStats:
    """Score ``job.inputs`` into ``job.output`` (and ``job.errors_path``) with ``bundle``'s model,
    resuming from the checkpoint of an interrupted run of the same job. ``backend`` and ``threads``
    load the model (:func:`hypecheck.models.predictors.load_predictor`); ``ray_address`` is the Ray
    cluster to join (none: a local Ray)."""
    if engine not in ENGINES:
        raise ValueError(f"engine is one of {', '.join(ENGINES)}, not {engine!r}")
    started = time.perf_counter()
    files = input_files(job.inputs)
    _check_apart(job, files)
    _check_output(job)
    fresh = Checkpoint(inputs=fingerprint(files), model=bundle_hash(bundle), settings=job.settings())
    saved = Checkpoint.load(job.checkpoint_path)
    if saved is not None:
        saved.check_same_job(fresh, job.checkpoint_path)
        if saved.done and job.output.is_file() and job.errors_path.is_file():
            shutil.rmtree(job.parts_dir, ignore_errors=True)
            return _stats(saved, started, saved.records, done=True)
    state = _start(job, saved, fresh)
    resumed_at, done_before = state.records, state.articles
    records = read_records(files, job.fields)
    skipped = sum(record.size for record in itertools.islice(records, state.records))
    pending: deque[tuple[int, int]] = deque()  # records and bytes of each chunk handed to the engine

    def chunks() -> Iterator[list[RawRecord]]:
        for chunk in _chunked(records, job.chunk_size):
            pending.append((len(chunk), sum(record.size for record in chunk)))
            yield chunk

    if engine == "ray":
        from hypecheck.serve.batch.ray_engine import ray_chunks

        results = ray_chunks(
            bundle,
            job,
            chunks(),
            workers=workers,
            backend=backend,
            trust_bundle=trust_bundle,
            address=ray_address,
        )
    else:
        results = _local_chunks(bundle, job, chunks(), backend, threads, trust_bundle)
    total = sum(path.stat().st_size for path in files)
    with tqdm(
        total=total, initial=skipped, unit="B", unit_scale=True, unit_divisor=1024, disable=not progress
    ) as bar:
        bar.set_description(f"batch {engine}")
        for result in results:
            count, size = pending.popleft()
            write_part(_part(job, state.chunks, job.format), result.rows, job.format, job.level)
            write_part(_part(job, state.chunks, "errors.jsonl"), result.errors, "jsonl", job.level)
            state = replace(
                state,
                chunks=state.chunks + 1,
                records=state.records + count,
                articles=state.articles + result.articles,
                sentences=state.sentences + result.sentences,
                errors=state.errors + len(result.errors),
            )
            state.save(job.checkpoint_path)
            bar.update(size)
            elapsed = max(bar.format_dict["elapsed"], 1e-9)
            bar.set_postfix(
                {
                    "articles": state.articles,
                    "sentences": state.sentences,
                    "errors": state.errors,
                    "articles/s": f"{(state.articles - done_before) / elapsed:.1f}",
                }
            )
        bar.update(max(total - bar.n, 0))
    join_parts(_parts(job, state.chunks, job.format), job.output, job.format, job.level)
    join_parts(_parts(job, state.chunks, "errors.jsonl"), job.errors_path, "jsonl", job.level)
    state = replace(state, done=True)
    state.save(job.checkpoint_path)
    shutil.rmtree(job.parts_dir, ignore_errors=True)
    return _stats(state, started, resumed_at)
