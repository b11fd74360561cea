"""The Ray engine: the same chunks through the same scoring core, on a pool of Ray actors.

The driver reads the input, as the local engine does, and hands it to Ray Data a window of chunks
at a time (Ray Data has no source that streams from a Python iterator; a window bounds what the
driver holds). ``map_batches`` runs :class:`ChunkScorer`, a class, so in each window every actor
loads the model once and then scores chunk after chunk, reading HTML pages included, so that runs
in parallel too.

One dataset row is one whole chunk, so the model sees exactly the batches the local engine gives it
and the output is the same to the byte. Rows come back in order (``preserve_order``) and are
committed by the caller as they arrive. Without an address (``RAY_ADDRESS`` at the command line) a
local Ray starts; with one, the job joins that cluster (whose workers need hypecheck installed and
the model folder at the same path).
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
from hypecheck.models.extras import require
from hypecheck.serve.batch.job import BatchJob, ChunkResult, score_chunk
from hypecheck.serve.batch.readers import RawRecord

CHUNKS_PER_WORKER = 16  # chunks per actor in one window: each window loads the model once per actor


class ChunkScorer:
    """Loads the model once per actor, with one compute thread for the one CPU an actor reserves
    (scores do not depend on the thread count); each call scores whole chunks."""

    def __init__(self, bundle: str, job: BatchJob, backend: str, trust_bundle: bool) -> None:
        from hypecheck.models.predictors import load_predictor

        self.predictor = load_predictor(bundle, backend=backend, threads=1, trust_bundle=trust_bundle)
        self.job = job

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        results = [
            pickle.dumps(score_chunk(self.predictor, pickle.loads(chunk), self.job))
            for chunk in batch["records"]
        ]
        return {"chunk": batch["chunk"], "result": np.array(results, dtype=object)}


def _init_ray(address: str | None) -> int:
    """Join the cluster at ``address`` or start a local Ray (unless the caller did); its CPU count."""
    ray = require("ray", "ray", "the Ray engine")
    if not ray.is_initialized():
        if address:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def ray_chunks(
    bundle: Path,
    job: BatchJob,
    chunks: Iterable[list[RawRecord]],
    *,
    workers: int | None = None,
    backend: str = "auto",
    trust_bundle: bool = False,
    address: str | None = None,
) -> Iterator[ChunkResult]:
    """Score ``chunks`` on ``workers`` actors (default: one per CPU), yielding results in order."""
    ray_data = require("ray.data", "ray", "the Ray engine")
    cpus = _init_ray(address)
    workers = workers or cpus
    context = ray_data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    numbered = enumerate(chunks)
    while window := list(itertools.islice(numbered, workers * CHUNKS_PER_WORKER)):
        items = [{"chunk": k, "records": pickle.dumps(chunk)} for k, chunk in window]
        dataset = ray_data.from_items(items, override_num_blocks=len(items)).map_batches(
            ChunkScorer,
            fn_constructor_kwargs={
                "bundle": str(bundle),
                "job": job,
                "backend": backend,
                "trust_bundle": trust_bundle,
            },
            batch_size=1,
            compute=ray_data.ActorPoolStrategy(size=min(workers, len(items))),
            num_cpus=1,
        )
        for (expected, _), row in zip(window, dataset.iter_rows(), strict=True):
            if row["chunk"] != expected:
                raise RuntimeError(f"Ray returned chunk {row['chunk']} where {expected} was due")
            yield pickle.loads(row["result"])
