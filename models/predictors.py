"""Turning sentences into probabilities: the PyTorch transformer, the TF-IDF baseline, and the loader
that opens any bundle as one of them (or as the ONNX Runtime encoder).

The scoring core, evaluation and the MLflow pyfunc all call :func:`load_predictor` and
``predict`` (:mod:`hypecheck.models.prediction` defines the interface); nothing else knows which kind
of model sits behind a bundle.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from hypecheck.models.bundle import (
    BASELINE,
    PICKLED_BASELINE,
    WEIGHTS,
    BundleInfo,
    bundle_hash,
    check_no_pickles,
)
from hypecheck.models.onnx_predictor import ONNX_INT8, OnnxPredictor, int8_gate_passed
from hypecheck.models.prediction import (
    Contexts,
    EncoderPredictor,
    Item,
    Predictor,
    Probabilities,
    TokenStates,
)
from hypecheck.models.rewriter import Rewriter


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
        self.rewriter = Rewriter.load(directory)
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

    def _batch_states(self, batch: list[Item]) -> list[TokenStates]:
        return [self._states(item) for item in batch]  # unpadded: the states rewriters are trained on

    def _states(self, item: Item) -> TokenStates:
        text, context = item
        encoded = self.tokenizer(
            text,
            context,
            truncation=True,
            max_length=self.info.max_length,
            return_offsets_mapping=True,
            return_token_type_ids=True,
            return_tensors="pt",
        )
        inputs = {k: encoded[k] for k in ("input_ids", "attention_mask")}
        if context is not None:
            inputs["token_type_ids"] = encoded["token_type_ids"]
        with self._torch.inference_mode():
            states = self.model.states(**inputs)[0].float().numpy()
        offsets = [(int(start), int(end)) for start, end in encoded["offset_mapping"][0]]
        return states, offsets, encoded.sequence_ids(0)


class BaselinePredictor:
    """TF-IDF and logistic regression: the yardstick, and the fallback when no transformer exists.
    Read from a skops file, which holds data and a list of types, never code; an older bundle's
    pickle only when the caller vouched for it (``load_predictor`` checks)."""

    runtime = "scikit-learn"

    def __init__(self, directory: Path) -> None:
        self.info = BundleInfo.load(directory)
        self.hash = bundle_hash(directory)
        if (directory / BASELINE).is_file():
            from hypecheck.models.baseline_file import load_baseline

            self.models = load_baseline(directory / BASELINE)
        else:
            import joblib

            self.models = joblib.load(directory / PICKLED_BASELINE)

    def word_states(self, texts: Sequence[str], contexts: Contexts = None) -> None:
        """An n-gram model has no token states: its overclaims get the rules' rewrites."""
        return None

    def predict(
        self, texts: Sequence[str], contexts: Contexts = None, *, states: bool = False
    ) -> Probabilities:
        """Scores the sentence alone: the n-gram baseline has no use for a second segment, and has
        no token states to give."""
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
    directory: str | Path,
    *,
    backend: str = "auto",
    threads: int | None = None,
    trust_bundle: bool = False,
) -> Predictor:
    """Open any bundle folder as a predictor.

    ``backend``: ``auto`` serves a transformer from its int8 ONNX file when ``hypecheck export``
    gated it on validation quality, else PyTorch; ``torch`` and ``onnx`` force one.
    ``threads``: compute threads (default: physical cores).
    A bundle holding a pickle is refused (:class:`UntrustedBundle`) unless ``trust_bundle``.
    """
    directory = Path(directory)
    check_no_pickles(directory, trust_bundle)
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r} (one of {', '.join(BACKENDS)})")
    info = BundleInfo.load(directory)
    if info.kind == "transformer":
        if backend == "onnx" or (backend == "auto" and _int8_ready(directory)):
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
    return int8_gate_passed(directory)
