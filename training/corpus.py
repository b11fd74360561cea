"""The project's own labelled data: the written corpus in ``data/written`` (always present) and the
real-sentence annotations (text rebuilt from the shared corpora when they are on this machine).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hypecheck.models.labels import LabelledUnit
from hypecheck.training.annotation import REAL_ANNOTATIONS, load_real_units, read_jsonl
from hypecheck.training.paths import REPO_ROOT, SharedDataMissing
from hypecheck.training.splits import split_of

WRITTEN_DIR = REPO_ROOT / "data" / "written"
log = logging.getLogger(__name__)


def load_written_units(directory: Path = WRITTEN_DIR) -> list[LabelledUnit]:
    """Every written sentence; a minimal pair shares one split group so it never straddles splits."""
    units = []
    for path in sorted(directory.glob("*.jsonl")):
        for row in read_jsonl(path):
            units.append(
                LabelledUnit(
                    id=row["id"],
                    text=row["text"],
                    source="written",
                    group=f"pair:{row['pair']}" if row.get("pair") else f"written:{row['id']}",
                    verdict=row["verdict"],
                    reasons=tuple(row.get("reasons") or ()),
                    claim_strength=row.get("claim_strength"),
                    topic=row.get("topic"),
                    register=row.get("register"),
                    confidence=row.get("confidence", "high"),
                    extra={"pair": row.get("pair")},
                )
            )
    return units


def load_own_units(data_dir: Path, *, real: bool = True) -> list[LabelledUnit]:
    """Written units, plus the annotated real sentences when ``real`` and the shared corpora exist."""
    units = load_written_units()
    if real and REAL_ANNOTATIONS.exists():
        try:
            units.extend(load_real_units(data_dir))
        except SharedDataMissing as missing:
            log.warning("real-sentence annotations skipped: %s", missing)
    return units


def units_by_split(units: list[LabelledUnit]) -> dict[str, list[LabelledUnit]]:
    out: dict[str, list[LabelledUnit]] = {"train": [], "validation": [], "test": []}
    for unit in units:
        out[split_of(unit.group)].append(unit)
    return out


def to_rows(units: list[LabelledUnit]) -> list[dict[str, Any]]:
    return [{k: v for k, v in unit.to_dict().items() if k != "extra"} for unit in units]
