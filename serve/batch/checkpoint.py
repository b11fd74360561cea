"""The checkpoint of a batch job: how many chunks are committed, and for what inputs, settings and model.

A chunk is committed when its parts are in place *and* the checkpoint counts it. The checkpoint is
replaced atomically after the parts are, so a kill at any moment leaves the old state or the new
one, never half of each; parts beyond the count are leftovers of a killed run and are deleted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hypecheck.serve.batch.writers import atomic_write


class CheckpointMismatch(ValueError):
    """The checkpoint belongs to a run with other inputs, settings or model: resuming would mix them."""


@dataclass(frozen=True)
class Checkpoint:
    inputs: str  # fingerprint of the input files
    model: str  # bundle hash
    settings: dict[str, Any] = field(default_factory=dict)
    chunks: int = 0
    records: int = 0
    articles: int = 0
    sentences: int = 0
    errors: int = 0
    done: bool = False

    def save(self, path: Path) -> None:
        text = json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"
        atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        return cls(**json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None

    def check_same_job(self, other: Checkpoint, path: Path) -> None:
        """Raise :class:`CheckpointMismatch`, saying what changed, unless ``other`` is the same job."""
        changed = []
        if self.inputs != other.inputs:
            changed.append("input files (added, removed or modified)")
        if self.model != other.model:
            changed.append("model")
        keys = set(self.settings) | set(other.settings)
        settings = sorted(k for k in keys if self.settings.get(k) != other.settings.get(k))
        if settings:
            changed.append(f"settings ({', '.join(settings)})")
        if changed:
            raise CheckpointMismatch(
                f"{path} is from a run with other {'; '.join(changed)}. Rerun the original command to "
                f"finish it, or delete {path.name} (and the .parts folder beside it) to start over."
            )
