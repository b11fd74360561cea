"""Micro-batching of concurrent requests: one model call for many documents.

Requests queue up; a single worker takes everything waiting (up to ``max_sentences`` worth, or
whatever arrived within ``wait_ms`` of the first), groups it by scoring options and calls the
scoring core once per group in a worker thread. On two cores this keeps both busy with large,
length-sorted batches instead of many tiny ones fighting for them. A failure is one request's: the
group is scored again request by request, and only the request that fails gets the error.

The model is asked for at most ``max_sentences`` sentences at a time. A request that has gone (timed
out, or its client left) is dropped before it is scored, and a group whose requests have all gone
stops at the next of those batches, so the scoring thread moves on to requests someone waits for.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from hypecheck.models.prediction import Contexts, Predictor, Probabilities
from hypecheck.models.results import DocumentScore
from hypecheck.models.scoring import ScoreOptions, score_documents


@dataclass
class _Job:
    texts: list[str]
    options: ScoreOptions
    future: asyncio.Future[list[DocumentScore]]
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = max(1, sum(text.count(".") + 1 for text in self.texts))


class _Abandoned(Exception):
    """Every request of the group has gone: nobody waits for the rest of its scores."""


class _InBatches:
    """The predictor, asked for at most ``max_sentences`` sentences per call, that stops between
    calls (raising :class:`_Abandoned`) once ``abandoned`` is set."""

    def __init__(self, predictor: Predictor, max_sentences: int, abandoned: threading.Event) -> None:
        self.predictor, self.max_sentences, self.abandoned = predictor, max_sentences, abandoned
        self.info, self.hash, self.runtime = predictor.info, predictor.hash, predictor.runtime
        self.rewriter = getattr(predictor, "rewriter", None)  # the same rewrites as every other door

    def word_states(self, texts: Sequence[str], contexts: Contexts = None) -> list[np.ndarray] | None:
        return self.predictor.word_states(texts, contexts)

    def predict(
        self, texts: Sequence[str], contexts: Contexts = None, *, states: bool = False
    ) -> Probabilities:
        parts = []
        for start in range(0, max(len(texts), 1), self.max_sentences):
            if self.abandoned.is_set():
                raise _Abandoned
            end = start + self.max_sentences
            part_contexts = None if contexts is None else contexts[start:end]
            parts.append(self.predictor.predict(texts[start:end], part_contexts, states=states))
        return Probabilities(
            verdict=np.concatenate([p.verdict for p in parts]),
            reasons=np.concatenate([p.reasons for p in parts]),
            claim=np.concatenate([p.claim for p in parts]),
            states=None
            if any(p.states is None for p in parts)
            else [s for p in parts for s in p.states or []],
        )


class MicroBatcher:
    """``await batcher.score(texts, options)`` from any number of concurrent requests."""

    def __init__(self, predictor: Predictor, *, wait_ms: float = 5.0, max_sentences: int = 256) -> None:
        self.predictor = predictor
        self.wait = wait_ms / 1000
        self.max_sentences = max_sentences
        self.queue: asyncio.Queue[_Job] = asyncio.Queue()
        self.worker: asyncio.Task[None] | None = None
        self.batches = 0

    def start(self) -> None:
        self.worker = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self.worker:
            self.worker.cancel()
            await asyncio.gather(self.worker, return_exceptions=True)

    async def score(self, texts: list[str], options: ScoreOptions) -> list[DocumentScore]:
        job = _Job(texts, options, asyncio.get_running_loop().create_future())
        await self.queue.put(job)
        return await job.future

    async def _collect(self) -> list[_Job]:
        jobs = [await self.queue.get()]
        deadline = time.monotonic() + self.wait
        total = jobs[0].size
        while total < self.max_sentences:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                job = await asyncio.wait_for(self.queue.get(), remaining)
            except TimeoutError:
                break
            jobs.append(job)
            total += job.size
        return jobs

    async def _run(self) -> None:
        while True:
            jobs = [job for job in await self._collect() if not job.future.cancelled()]
            groups: dict[ScoreOptions, list[_Job]] = defaultdict(list)
            for job in jobs:
                groups[job.options].append(job)
            for options, group in groups.items():
                await self._score_group(options, group)

    async def _score_group(self, options: ScoreOptions, group: list[_Job]) -> None:
        """One scoring call for the group; should it fail, each request alone, so a request that
        breaks scoring fails by itself and never takes the others' answers with it."""
        group = [job for job in group if not job.future.done()]  # gone while earlier groups scored
        if not group:
            return
        abandoned = threading.Event()

        def on_done(_: object) -> None:
            if all(job.future.done() for job in group):
                abandoned.set()

        for job in group:
            job.future.add_done_callback(on_done)
        texts = [text for job in group for text in job.texts]
        predictor = _InBatches(self.predictor, self.max_sentences, abandoned)
        try:
            scores = await asyncio.to_thread(score_documents, predictor, texts, options)
        except _Abandoned:
            return
        except Exception as error:  # handed to the request it belongs to, not swallowed
            if len(group) == 1:
                _settle(group[0], error=error)
                return
            for job in group:
                if not job.future.done():
                    await self._score_group(options, [job])
            return
        self.batches += 1
        cursor = 0
        for job in group:
            _settle(job, scores=scores[cursor : cursor + len(job.texts)])
            cursor += len(job.texts)


def _settle(job: _Job, scores: list[DocumentScore] | None = None, error: Exception | None = None) -> None:
    """Hand a request its scores or its error, unless it has gone (timed out, disconnected)."""
    if job.future.done():
        return
    if error is not None:
        job.future.set_exception(error)
    else:
        job.future.set_result(scores or [])
