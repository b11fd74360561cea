"""The learned rewriter: a tagger over the scoring model's own token states.

For each word of a flagged sentence it predicts whether the word stays and which phrase, from a
vocabulary mined from the rewrite pairs, goes before it (:mod:`hypecheck.models.edits`). A candidate
may only make edits that editors made in the pairs ("shows" -> "suggests", "can" -> "may", dropping
"landmark"): the tagger decides where, the editors' edits decide what, which keeps rewrites whole. It reads
the encoder's states of the sentence in its context, so "in mice" can come from the paragraph
before. Its weights are a small MLP kept in the bundle (``rewriter.json`` and
``rewriter.safetensors``; ``hypecheck rewriter train`` writes them); a bundle without them is
rewritten by the rules alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypecheck.models.edits import Tag, edit_runs, realize

REWRITER_JSON = "rewriter.json"
REWRITER_WEIGHTS = "rewriter.safetensors"


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x * x * x)))


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@dataclass
class Rewriter:
    """``vocabulary[0]`` is the empty phrase; ``edits`` are the (words, phrase) edits editors made
    at least twice in the pairs, the only ones a candidate may make; ``preference`` says, per
    reason, whether the learned edits or the rules were accepted more often on validation."""

    vocabulary: list[str]
    weights: dict[str, np.ndarray]
    edits: set[tuple[str, str]]
    preference: dict[str, str]

    @classmethod
    def load(cls, directory: Path) -> Rewriter | None:
        if not (directory / REWRITER_JSON).is_file():
            return None
        from safetensors.numpy import load_file

        meta = json.loads((directory / REWRITER_JSON).read_text(encoding="utf-8"))
        edits = {(words, phrase) for words, phrase in meta["edits"]}
        return cls(
            meta["vocabulary"], load_file(directory / REWRITER_WEIGHTS), edits, meta.get("preference", {})
        )

    def save(self, directory: Path, **meta: object) -> None:
        from safetensors.numpy import save_file

        save_file(self.weights, directory / REWRITER_WEIGHTS)
        record = {
            "vocabulary": self.vocabulary,
            "edits": sorted(self.edits),
            "preference": self.preference,
            **meta,
        }
        (directory / REWRITER_JSON).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")

    def tag_scores(self, states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Log-probabilities per word: of keeping it (n, 2: delete, keep) and of each phrase (n, V)."""
        w = self.weights
        hidden = _gelu(states @ w["hidden.weight"].T + w["hidden.bias"])
        keep = hidden @ w["keep.weight"].T + w["keep.bias"]
        phrase = hidden @ w["phrase.weight"].T + w["phrase.bias"]
        return _log_softmax(keep), _log_softmax(phrase)

    def candidates(self, text: str, states: np.ndarray, limit: int = 3) -> list[str]:
        """Up to ``limit`` rewrites, likeliest first: the best tags, then each with the one change
        that costs the least probability."""
        keep, phrase = self.tag_scores(states)
        best_keep, best_phrase = keep.argmax(1), phrase.argmax(1)
        n, rows = len(best_keep), np.arange(len(best_keep))
        second = np.argsort(phrase, axis=1)[:, -2] if phrase.shape[1] > 1 else best_phrase
        # the cost of each one change: flipping word i's keep (first n), or its second phrase (next n)
        costs = np.concatenate(
            [
                keep[rows, best_keep] - keep[rows, 1 - best_keep],
                phrase[rows, best_phrase] - phrase[rows, second],
            ]
        )
        best = [
            Tag(keep=bool(k), phrase=self.vocabulary[p]) for k, p in zip(best_keep, best_phrase, strict=True)
        ]
        options = [best]
        for change in np.argsort(costs, kind="stable")[: limit * 2]:
            i = int(change % n)
            flip = change < n
            tags = list(best)
            tags[i] = Tag(
                keep=bool(1 - best_keep[i] if flip else best_keep[i]),
                phrase=self.vocabulary[best_phrase[i] if flip else second[i]],
            )
            options.append(tags)
        out: list[str] = []
        for tags in options:
            if not all(edit in self.edits for edit in edit_runs(text, tags)):  # only edits editors made
                continue
            rewrite = realize(text, tags)
            if rewrite and rewrite != text.strip() and rewrite not in out:
                out.append(rewrite)
        return out[:limit]
