"""The transformer: a pretrained encoder, mean pooling, and one head per task.

Heads: the verdict (3-way), the seven reasons (multi-label) and claim strength (4-way). Sharing
one encoder lets the claim-strength corpora and our verdict labels teach each other.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import AutoModel, PretrainedConfig

from models.labels import CLAIM_STRENGTHS, REASONS, VERDICTS


class HypeModel(nn.Module):
    """Encoder plus verdict, reason and claim-strength heads over mean-pooled token states."""

    def __init__(self, encoder: nn.Module, dropout: float = 0.1) -> None:
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
    def from_pretrained(cls, path: str, dropout: float = 0.1) -> HypeModel:
        return cls(AutoModel.from_pretrained(path), dropout)

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def heads(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"verdict": self.verdict(pooled), "reasons": self.reasons(pooled), "claim": self.claim(pooled)}

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.heads(self.dropout(self.pooled(input_ids, attention_mask)))
