"""Turning sentences into probabilities: one interface over the transformer and the TF-IDF baseline.

The scoring core, evaluation and the MLflow pyfunc all call :func:`load_predictor` and
``predict``; nothing else knows which kind of model sits behind a bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from models.bundle import BundleInfo, bundle_hash

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


class Predictor(Protocol):
    info: BundleInfo
    hash: str

    def predict(self, texts: Sequence[str]) -> Probabilities: ...


def _softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


class TransformerPredictor:
    """The fine-tuned encoder; sentences are sorted by length and padded per batch."""

    def __init__(self, directory: Path, *, batch_size: int = 64) -> None:
        import torch
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoTokenizer

        from models.network import HypeModel

        self.info = BundleInfo.load(directory)
        self.hash = bundle_hash(directory)
        self.batch_size = batch_size
        self.tokenizer = AutoTokenizer.from_pretrained(directory)
        self.model = HypeModel.from_config(AutoConfig.from_pretrained(directory))
        self.model.load_state_dict(load_file(directory / WEIGHTS))
        self.model.eval()
        self._torch = torch

    def logits(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Raw head outputs in input order (what temperature scaling is fitted on)."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        outputs: dict[str, list[np.ndarray]] = {"verdict": [], "reasons": [], "claim": []}
        with self._torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = [texts[i] for i in order[start : start + self.batch_size]]
                encoded = self.tokenizer(
                    batch, padding=True, truncation=True, max_length=self.info.max_length, return_tensors="pt"
                )
                heads = self.model(encoded["input_ids"], encoded["attention_mask"])
                for name, value in heads.items():
                    outputs[name].append(value.float().numpy())
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

    def predict(self, texts: Sequence[str]) -> Probabilities:
        raw = self.logits(texts)
        return Probabilities(
            verdict=_softmax(raw["verdict"], self.info.temperature),
            reasons=_sigmoid(raw["reasons"]),
            claim=_softmax(raw["claim"]),
        )


class BaselinePredictor:
    """TF-IDF and logistic regression: the yardstick, and the fallback when no transformer exists."""

    def __init__(self, directory: Path) -> None:
        import joblib

        self.info = BundleInfo.load(directory)
        self.hash = bundle_hash(directory)
        self.models = joblib.load(directory / BASELINE)

    def predict(self, texts: Sequence[str]) -> Probabilities:
        texts = list(texts)
        if not texts:
            empty = np.zeros((0, 1))
            return Probabilities(empty.reshape(0, 3), empty.reshape(0, 7), empty.reshape(0, 4))
        return Probabilities(
            verdict=self.models["verdict"].predict_proba(texts),
            reasons=np.column_stack([model.predict_proba(texts)[:, 1] for model in self.models["reasons"]]),
            claim=self.models["claim"].predict_proba(texts),
        )


def load_predictor(directory: str | Path) -> Predictor:
    """Open any bundle folder as a predictor."""
    directory = Path(directory)
    info = BundleInfo.load(directory)
    if info.kind == "transformer":
        return TransformerPredictor(directory)
    if info.kind == "baseline":
        return BaselinePredictor(directory)
    raise ValueError(f"unknown model kind {info.kind!r} in {directory}")
