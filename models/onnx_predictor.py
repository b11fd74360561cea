"""The ONNX Runtime fast path: the exported encoder, int8 by default, without importing torch.

``hypecheck export`` (see :mod:`hypecheck.models.onnx_export`) writes ``model.onnx``, ``model.int8.onnx``
and ``onnx.json`` into a bundle. The record says whether int8 kept validation quality and which
weights it was made from, so a bundle retrained in place never serves a stale int8 file.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from hypecheck.models.bundle import BUNDLE_FILE, WEIGHTS, BundleInfo, bundle_hash
from hypecheck.models.prediction import EncoderPredictor, Item, T, TokenStates
from hypecheck.models.rewriter import Rewriter

ONNX_FP32 = "model.onnx"
ONNX_INT8 = "model.int8.onnx"
RECORD = "onnx.json"
INPUTS = ("input_ids", "attention_mask")
CONTEXT_INPUTS = (*INPUTS, "token_type_ids")  # a bundle read with article context
OUTPUTS = ("verdict", "reasons", "claim")
TOKEN_STATES = "token_states"  # the encoder's last states: a second output, read by the rewriter


def source_digest(directory: Path) -> str:
    """Digest of the weights and ``bundle.json`` an export was made from (staleness check)."""
    digest = hashlib.sha256()
    for name in (WEIGHTS, BUNDLE_FILE):
        with (directory / name).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def read_record(directory: Path) -> dict | None:
    path = directory / RECORD
    return json.loads(path.read_text()) if path.is_file() else None


def int8_gate_passed(directory: Path) -> bool:
    """The int8 file exists, passed the validation gate, and was exported from these weights."""
    record = read_record(directory)
    return bool(
        record
        and record.get("passed")
        and (directory / ONNX_INT8).is_file()
        and record.get("source") == source_digest(directory)
    )


def physical_cores() -> int:
    """Physical cores: ONNX Runtime gains nothing from hyper-threads and loses to their contention."""
    import psutil

    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


class OnnxPredictor(EncoderPredictor):
    """The encoder under ONNX Runtime; ``file`` picks int8 (default) or fp32.

    ``threads`` sessions of one thread each (default: one per physical core) take sentences from a
    shared queue, one sentence per run. On two cores this measured about 25% faster than one session
    with two threads: a small input keeps its activations in each core's cache, and no op waits for
    a second thread to join in. One sentence per run is as fast as batches of 4 (390-406 against
    388-392 sentences/s) and keeps each sentence's score its own: int8 scales a run's activations by
    their largest value, so in batches of 4 a sentence's probability moved with its batch mates by
    0.011 at the median and up to 0.26, and a check of a rewrite could pass in one batch and fail in
    another.
    """

    def __init__(
        self, directory: Path, *, file: str = ONNX_INT8, batch_size: int = 1, threads: int | None = None
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.info = BundleInfo.load(directory)
        self.rewriter = Rewriter.load(directory)
        self.hash = bundle_hash(directory)
        self.batch_size = batch_size
        self.runtime = f"onnxruntime-{'int8' if file == ONNX_INT8 else 'fp32'}"
        self.recipe = (read_record(directory) or {}).get("recipe", "") if file == ONNX_INT8 else ""
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        pad = json.loads((directory / "tokenizer_config.json").read_text()).get("pad_token", "[PAD]")
        self.tokenizer.enable_truncation(self.info.max_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id(pad), pad_token=pad)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.workers = threads or physical_cores()
        self.sessions: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(self.workers):
            session = ort.InferenceSession(str(directory / file), options, providers=["CPUExecutionProvider"])
            self.sessions.put(session)
        self._has_states = TOKEN_STATES in {o.name for o in session.get_outputs()}  # older exports lack it
        self._pool = ThreadPoolExecutor(self.workers, "onnx") if self.workers > 1 else None

    def _feed(self, batch: list[Item]) -> tuple[dict[str, np.ndarray], list[Any]]:
        encodings = self.tokenizer.encode_batch(
            [text if context is None else (text, context) for text, context in batch]
        )
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        if self.info.context:  # exported with the context segment's type ids as a third input
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        return feed, encodings

    def _run(self, outputs: list[str], feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        session = self.sessions.get()  # a free one: each session runs one batch at a time
        try:
            return session.run(outputs, feed)
        finally:
            self.sessions.put(session)

    def _heads(self, batch: list[Item]) -> dict[str, np.ndarray]:
        feed, _ = self._feed(batch)
        return dict(zip(OUTPUTS, self._run(list(OUTPUTS), feed), strict=True))

    def _batch_states(self, batch: list[Item]) -> list[TokenStates] | None:
        if not self._has_states:
            return None
        feed, encodings = self._feed(batch)
        [states] = self._run([TOKEN_STATES], feed)
        return _per_sentence(states, encodings)

    def _heads_and_states(self, batch: list[Item]) -> tuple[dict[str, np.ndarray], list[TokenStates] | None]:
        """Both from one run: the states are the graph's second output, nearly free beside the heads."""
        if not self._has_states:
            return self._heads(batch), None
        feed, encodings = self._feed(batch)
        *heads, states = self._run([*OUTPUTS, TOKEN_STATES], feed)
        return dict(zip(OUTPUTS, heads, strict=True)), _per_sentence(states, encodings)

    def _map_batches(self, work: Callable[[list[Item]], T], batches: list[list[Item]]) -> Iterable[T]:
        if self._pool is None or len(batches) < 2:
            return map(work, batches)
        return self._pool.map(work, batches)


def _per_sentence(states: np.ndarray, encodings: list[Any]) -> list[TokenStates]:
    return [(row, e.offsets, e.sequence_ids) for row, e in zip(states, encodings, strict=True)]
