"""The naive baseline: the fine-tuned model behind a stock ``transformers.pipeline``.

This is what a user would write first: one sentence per forward pass, no length sorting, no
int8. Benchmarks measure the fast path against it, so it must score with the very same weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import transformers
from hypecheck.models.bundle import WEIGHTS, BundleInfo
from hypecheck.models.network import HypeModel
from safetensors.torch import load_file
from transformers import AutoConfig, AutoTokenizer, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class VerdictClassifier(PreTrainedModel):
    """The bundle's encoder and verdict head as a sequence classifier ``pipeline`` accepts."""

    base_model_prefix = "hype"

    def __init__(self, config: PretrainedConfig) -> None:
        super().__init__(config)
        self.hype = HypeModel.from_config(config)
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        **_: Any,
    ) -> SequenceClassifierOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        pooled = self.hype.pooled(input_ids, attention_mask, token_type_ids)
        return SequenceClassifierOutput(logits=self.hype.verdict(pooled))


def naive_pipeline(bundle_dir: str | Path) -> transformers.Pipeline:
    """``pipeline("text-classification")`` over a bundle: verdict labels, softmax without temperature.
    A bundle that reads context takes ``{"text": sentence, "text_pair": context}`` inputs (see
    :func:`naive_inputs`), as the pipeline passes pairs and their segment ids through."""
    bundle_dir = Path(bundle_dir)
    info = BundleInfo.load(bundle_dir)
    config = AutoConfig.from_pretrained(bundle_dir)
    config.id2label = dict(enumerate(info.verdicts))
    config.label2id = {name: i for i, name in enumerate(info.verdicts)}
    config.architectures = [VerdictClassifier.__name__]
    model = VerdictClassifier(config)
    model.hype.load_state_dict(load_file(bundle_dir / WEIGHTS))
    model.eval()
    return transformers.pipeline(
        "text-classification", model=model, tokenizer=AutoTokenizer.from_pretrained(bundle_dir)
    )


def naive_inputs(texts: list[str], contexts: list[str | None]) -> list[str | dict[str, str]]:
    """What the pipeline is given for each sentence: the sentence, or it and its context as a pair."""
    return [
        text if context is None else {"text": text, "text_pair": context}
        for text, context in zip(texts, contexts, strict=True)
    ]
