"""Resumable training: the state of a fine-tuning run saved every few hundred steps.

A training run on two CPU cores takes most of an hour; a stopped run picks up from its last
checkpoint instead of starting over, but only when it is the same run (same config and data).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from pathlib import Path
from typing import Any

from hypecheck.training.config import TrainConfig

# Config keys that change where or how fast a run goes, or what follows it, not what it learns.
_NOT_LEARNING = (
    "threads",
    "checkpoint_every",
    "calibration",
    "int8",
    "output_dir",
    "reports_dir",
    "tracking_uri",
    "data_dir",
    "config_file",
)


def resume_key(config: TrainConfig, data_hash: str) -> str:
    """What identifies a run: its config (less the places, the speed and the steps after training)
    and its training data. Keys at their defaults are left out, so a checkpoint stays valid when a
    later version adds an option whose default changes nothing."""
    defaults = TrainConfig()
    learning = {
        f.name: getattr(config, f.name)
        for f in fields(config)
        if f.name not in _NOT_LEARNING and getattr(config, f.name) != getattr(defaults, f.name)
    }
    text = json.dumps(learning, sort_keys=True, default=str) + data_hash
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Checkpoint:
    """One checkpoint file, tagged with the key of the run that wrote it; kept beside the bundle, never
    in it (a bundle holds data only, and a checkpoint is a pickle)."""

    def __init__(self, path: Path | None, key: str) -> None:
        self.path = path
        self.key = key

    @classmethod
    def beside(cls, bundle_dir: Path, key: str) -> Checkpoint:
        """``NAME.checkpoint.pt`` next to the bundle folder ``NAME``."""
        return cls(bundle_dir.with_name(f"{bundle_dir.name}.checkpoint.pt"), key)

    def restore(self, parts: dict[str, Any]) -> int:
        """Load the saved state into ``parts`` and return its step; 0 when there is none to resume."""
        if self.path is None or not self.path.exists():
            return 0
        import torch  # here: the server reaches this module through the CLI and serves without torch

        saved = torch.load(self.path, map_location="cpu", weights_only=True)
        if saved.get("key") != self.key:
            return 0
        for name, part in parts.items():
            part.load_state_dict(saved["state"][name])
        torch.set_rng_state(saved["rng"])
        return int(saved["step"])

    def save(self, parts: dict[str, Any], step: int) -> None:
        """Write atomically, so a run killed while saving still has the previous checkpoint."""
        if self.path is None:
            return
        import torch

        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        state = {name: part.state_dict() for name, part in parts.items()}
        torch.save({"key": self.key, "step": step, "rng": torch.get_rng_state(), "state": state}, partial)
        partial.replace(self.path)
