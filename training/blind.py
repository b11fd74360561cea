"""The locked blind test: whole real articles that no training, self-training, threshold or choice
has read, scored once per candidate champion.

``data/annotations/blind_test.jsonl`` holds the adjudicated labels (offsets and hashes, no text);
``blind_second.jsonl`` the second annotator's independent labels of every unit; ``blind_scores.jsonl``
the ledger of every model scored on it. A model already in the ledger is not scored again: its
recorded result is returned, so the set cannot be used to compare variants of one candidate.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypecheck.models.bundle import BundleInfo
from hypecheck.training.annotation import BLIND_TEST, load_real_units, read_jsonl
from hypecheck.training.dataset import with_context
from hypecheck.training.examples import Example, from_unit

BLIND_SECOND = BLIND_TEST.parent / "blind_second.jsonl"
BLIND_ADJUDICATION = BLIND_TEST.parent / "blind_adjudication.jsonl"
BLIND_LEDGER = BLIND_TEST.parent / "blind_scores.jsonl"


def blind_examples(data_dir: Path, context: str) -> list[Example]:
    """The blind units rebuilt from the shared corpora, read with ``context`` as the model reads."""
    return with_context([from_unit(u) for u in load_real_units(data_dir, BLIND_TEST)], context)


def model_key(info: BundleInfo) -> str:
    """Identifies a trained model by everything its bundle records (thresholds, training data
    fingerprint, validation metrics...) except its registry version, which differs between stores."""
    fields = {k: v for k, v in asdict(info).items() if k != "version"}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


def recorded(info: BundleInfo, ledger: Path | None = None) -> dict[str, Any] | None:
    """The ledger's entry for this model, if it was scored before."""
    key, ledger = model_key(info), ledger or BLIND_LEDGER
    rows = read_jsonl(ledger) if ledger.exists() else []
    return next((row for row in rows if row["model"] == key), None)


def record(info: BundleInfo, metrics: dict[str, float], ledger: Path | None = None) -> dict[str, Any]:
    """Append this model's one blind result to the ledger."""
    entry = {
        "model": model_key(info),
        "name": info.name,
        "version": info.version,
        "training": info.training,
        "scored_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": {k: round(float(v), 4) for k, v in metrics.items()},
    }
    with (ledger or BLIND_LEDGER).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
    return entry
