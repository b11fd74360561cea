"""What every predictor returns, and the batching the two encoder runtimes share.

:mod:`hypecheck.models.predictors` (PyTorch, the baseline, the loader) and
:mod:`hypecheck.models.onnx_predictor` both build on this module, so neither imports the other's
implementation to reach the interface.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import numpy as np
from hypecheck.models.bundle import BundleInfo

Contexts = Sequence[str | None] | None  # per sentence, its article context (models.context)
Item = tuple[str, str | None]  # a sentence and its context
# a sentence's last token states, each token's character span, each token's segment (None: special)
TokenStates = tuple[np.ndarray, list[tuple[int, int]], list[int | None]]
T = TypeVar("T")


@dataclass(frozen=True)
class Probabilities:
    """Per sentence: verdict (n x 3), reasons (n x 7) and claim strength (n x 4) probabilities;
    with ``predict(..., states=True)`` on an encoder, also each sentence's token states, so the
    rewriter reads the pass that scored the sentence instead of running the encoder again."""

    verdict: np.ndarray
    reasons: np.ndarray
    claim: np.ndarray
    states: list[TokenStates] | None = field(default=None, compare=False)

    @property
    def p_overclaim(self) -> np.ndarray:
        return self.verdict[:, 0]


class Predictor(Protocol):
    info: BundleInfo
    hash: str
    runtime: str  # what computes the scores: pytorch-fp32, onnxruntime-int8, scikit-learn, ...

    def predict(
        self, texts: Sequence[str], contexts: Contexts = None, *, states: bool = False
    ) -> Probabilities:
        """Probabilities in input order; with ``states``, also each sentence's token states where
        the model has them (the scoring core asks only a predictor that has a ``rewriter``). Every
        predictor takes the keyword; one without states ignores it."""
        ...

    def word_states(self, texts: Sequence[str], contexts: Contexts = None) -> list[np.ndarray] | None:
        """Per sentence, a state per word for the rewriter; ``None`` from a model without them."""
        ...


def word_states_of(text: str, states: TokenStates) -> np.ndarray:
    """The state of the first token of each word of ``text`` (``models.edits``): what the rewriter
    reads."""
    from hypecheck.models.edits import words

    rows, offsets, segments = states
    own = [t for t, segment in enumerate(segments) if segment == 0]
    firsts = []
    for word in words(text):
        start = word.end - len(word.bare)
        firsts.append(next((t for t in own if offsets[t][1] > start), own[-1] if own else 0))
    return rows[firsts]


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

    def _batch_states(self, batch: list[Item]) -> list[TokenStates] | None:
        """Each sentence's last token states, each token's character span and segment (``None`` for
        special and padding tokens); ``None`` where the runtime has no states to give."""
        raise NotImplementedError

    def _map_batches(self, work: Callable[[list[Item]], T], batches: list[list[Item]]) -> Iterable[T]:
        """``work`` on each batch, results in order: one after another unless a runtime can do better."""
        return map(work, batches)

    def _sorted(self, texts: Sequence[str], contexts: Contexts) -> tuple[list[list[Item]], np.ndarray]:
        """Batches of similar length (padding only to their own longest), and the permutation that
        puts their flattened results back in input order."""
        if contexts is None or not self.info.context:
            contexts = [None] * len(texts)
        items = list(zip(texts, contexts, strict=True))
        order = sorted(range(len(items)), key=lambda i: len(items[i][0]) + len(items[i][1] or ""))
        batches = [
            [items[i] for i in order[start : start + self.batch_size]]
            for start in range(0, len(order), self.batch_size)
        ]
        return batches, np.argsort(order)

    def _heads_and_states(self, batch: list[Item]) -> tuple[dict[str, np.ndarray], list[TokenStates] | None]:
        """Head logits and token states of one batch; a runtime that can give both from one pass
        overrides this."""
        return self._heads(batch), self._batch_states(batch)

    def _forward(
        self, texts: Sequence[str], contexts: Contexts, states: bool
    ) -> tuple[dict[str, np.ndarray], list[TokenStates] | None]:
        """Head logits in input order and, when ``states``, each sentence's token states (``None``
        where the runtime has none)."""
        batches, inverse = self._sorted(texts, contexts)
        outputs: dict[str, list[np.ndarray]] = {"verdict": [], "reasons": [], "claim": []}
        found: list[TokenStates] | None = [] if states else None
        work = self._heads_and_states if states else lambda batch: (self._heads(batch), None)
        for heads, batch_states in self._map_batches(work, batches):
            for name, parts in outputs.items():
                parts.append(heads[name])
            if found is not None and batch_states is not None:
                found += batch_states
            else:
                found = None
        width = {
            "verdict": len(self.info.verdicts),
            "reasons": len(self.info.reasons),
            "claim": len(self.info.claim_strengths),
        }
        raw = {
            name: (np.concatenate(parts)[inverse] if parts else np.zeros((0, width[name]), dtype=np.float32))
            for name, parts in outputs.items()
        }
        return raw, None if found is None else [found[k] for k in inverse]

    def logits(self, texts: Sequence[str], contexts: Contexts = None) -> dict[str, np.ndarray]:
        """Raw head outputs in input order (what temperature scaling is fitted on)."""
        return self._forward(texts, contexts, states=False)[0]

    def _token_states(self, texts: Sequence[str], contexts: Contexts) -> list[TokenStates] | None:
        batches, inverse = self._sorted(texts, contexts)
        found: list[TokenStates] = []
        for states in self._map_batches(self._batch_states, batches):
            if states is None:
                return None
            found += states
        return [found[k] for k in inverse]

    def word_states(self, texts: Sequence[str], contexts: Contexts = None) -> list[np.ndarray] | None:
        """For each sentence, the state of the first token of each of its words, read in context
        as the scores are, in the same length-sorted batches; ``None`` when the runtime gives no
        states."""
        found = self._token_states(texts, contexts)
        if found is None:
            return None
        return [word_states_of(text, states) for text, states in zip(texts, found, strict=True)]

    def predict(
        self, texts: Sequence[str], contexts: Contexts = None, *, states: bool = False
    ) -> Probabilities:
        raw, found = self._forward(texts, contexts, states)
        return Probabilities(
            verdict=_softmax(raw["verdict"], self.info.temperature),
            reasons=_sigmoid(raw["reasons"]),
            claim=_softmax(raw["claim"]),
            states=found,
        )
