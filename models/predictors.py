"""Turning sentences into probabilities: one interface over the transformer and the TF-IDF baseline.

The scoring core, evaluation and the MLflow pyfunc all call :func:`load_predictor` and
``predict``; nothing else knows which kind of model sits behind a bundle.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from hypecheck.models.bundle import BundleInfo, bundle_hash

WEIGHTS = "model.safetensors"
BASELINE = "baseline.joblib"


@dataclass(frozen=True)
class Probabilities:
    """Per sentence: verdict (n x 3), reasons (n x 7) and claim strength (n x 4) probabilities."""

    verdict: np.ndarray
    reasons: np.ndarray
    claim: np.ndarray

    @property
    def p_overclaim(self) -> np.ndarray:
        return self.verdict[:, 0]


Contexts = Sequence[str | None] | None  # per sentence, its article context (models.context)
Item = tuple[str, str | None]  # a sentence and its context


class Predictor(Protocol):
    info: BundleInfo
    hash: str
    runtime: str  # what computes the scores: pytorch-fp32, onnxruntime-int8, scikit-learn, ...

    def predict(self, texts: Sequence[str], contexts: Contexts = None) -> Probabilities: ...


def _softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


class EncoderPredictor:
    """Shared by the PyTorch and ONNX Runtime encoders: sentences sorted by length, batches padded
    only to their own longest sentence, outputs put back in input order.

    Contexts are used only by a bundle trained with a context mode (``info.context``); any other
    bundle scores the sentence alone, as it was trained.
    """

    info: BundleInfo
    hash: str
    batch_size: int

    def _heads(self, batch: list[Item]) -> dict[str, np.ndarray]:
        """Head logits of one batch."""
        raise NotImplementedError

    def _map_batches(self, batches: list[list[Item]]) -> Iterable[dict[str, np.ndarray]]:
        """Head logits of each batch, in order: one after another unless a runtime can do better."""
        return map(self._heads, batches)

    def logits(self, texts: Sequence[str], contexts: Contexts = None) -> dict[str, np.ndarray]:
        """Raw head outputs in input order (what temperature scaling is fitted on)."""
        if contexts is None or not self.info.context:
            contexts = [None] * len(texts)
        items = list(zip(texts, contexts, strict=True))
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]) + len(items[i][1] or ""))
        outputs: dict[str, list[np.ndarray]] = {"verdict": [], "reasons": [], "claim": []}
        batches = [
            [items[i] for i in order[start : start + self.batch_size]]
            for start in range(0, len(order), self.batch_size)
        ]
        for heads in self._map_batches(batches):
            for name, parts in outputs.items():
                parts.append(heads[name])
        inverse = np.argsort(order)
        width = {
            "verdict": len(self.info.verdicts),
            "reasons": len(self.info.reasons),
            "claim": len(self.info.claim_strengths),
        }
        return {
            name: (np.concatenate(parts)[inverse] if parts else np.zeros((0, width[name]), dtype=np.float32))
            for name, parts in outputs.items()
        }

    def predict(self, texts: Sequence[str], contexts: Contexts = None) -> Probabilities:
        raw = self.logits(texts, contexts)
        return Probabilities(
            verdict=_softmax(raw["verdict"], self.info.temperature),
            reasons=_sigmoid(raw["reasons"]),
            claim=_softmax(raw["claim"]),
        )


class TransformerPredictor(EncoderPredictor):
    """The fine-tuned encoder in PyTorch (fp32)."""

    runtime = "pytorch-fp32"

    def __init__(self, directory: Path, *, batch_size: int = 64, threads: int | None = None) -> None:
        import torch
        from hypecheck.models.network import HypeModel
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoTokenizer

        self.info = BundleInfo.load(directory)
        self.hash = bundle_hash(directory)
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.model = HypeModel.from_config(AutoConfig.from_pretrained(directory))
        self.model.load_state_dict(load_file(directory / WEIGHTS))
        self.model.eval()
        if threads:
            torch.set_num_threads(threads)
        self._torch = torch

    def _heads(self, batch: list[Item]) -> dict[str, np.ndarray]:
        from hypecheck.models.network import encode

        texts, contexts = zip(*batch, strict=True)
        encoded = encode(self.tokenizer, texts, contexts, self.info.max_length)
        with self._torch.inference_mode():
            heads = self.model(**encoded)
        return {name: value.float().numpy() for name, value in heads.items()}


class BaselinePredictor:
    """TF-IDF and logistic regression: the yardstick, and the fallback when no transformer exists."""

    runtime = "scikit-learn"

    def __init__(self, directory: Path) -> None:
        import joblib

        self.info = BundleInfo.load(directory)
        self.hash = bundle_hash(directory)
        self.models = joblib.load(directory / BASELINE)

    def predict(self, texts: Sequence[str], contexts: Contexts = None) -> Probabilities:
        """Scores the sentence alone: the n-gram baseline has no use for a second segment."""
        texts = list(texts)
        if not texts:
            empty = np.zeros((0, 1))
            return Probabilities(empty.reshape(0, 3), empty.reshape(0, 7), empty.reshape(0, 4))
        return Probabilities(
            verdict=self.models["verdict"].predict_proba(texts),
            reasons=np.column_stack([model.predict_proba(texts)[:, 1] for model in self.models["reasons"]]),
            claim=self.models["claim"].predict_proba(texts),
        )


BACKENDS = ("auto", "torch", "onnx")


def load_predictor(
    directory: str | Path, *, backend: str | None = None, threads: int | None = None
) -> Predictor:
    """Open any bundle folder as a predictor.

    ``backend`` (default ``HYPECHECK_BACKEND``, else ``auto``): ``auto`` serves a transformer from
    its int8 ONNX file when ``hypecheck export`` gated it on validation quality, else PyTorch;
    ``torch`` and ``onnx`` force one. ``threads``: compute threads (default: physical cores).
    """
    directory = Path(directory)
    backend = backend or os.environ.get("HYPECHECK_BACKEND") or "auto"
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    info = BundleInfo.load(directory)
    if info.kind == "transformer":
        if backend == "onnx" or (backend == "auto" and _int8_ready(directory)):
            from hypecheck.models.onnx_predictor import ONNX_INT8, OnnxPredictor

            if not (directory / ONNX_INT8).is_file():
                raise FileNotFoundError(f"{directory} has no {ONNX_INT8} (run `hypecheck export`)")
            return OnnxPredictor(directory, threads=threads)
        return TransformerPredictor(directory, threads=threads)
    if info.kind == "baseline":
        return BaselinePredictor(directory)
    raise ValueError(f"unknown model kind {info.kind!r} in {directory}")


def _int8_ready(directory: Path) -> bool:
    """A gated int8 export sits in the bundle and ONNX Runtime is installed (it may not be, in
    an environment MLflow rebuilt from the model's requirements)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return False
    from hypecheck.models.onnx_predictor import int8_gate_passed

    return int8_gate_passed(directory)
