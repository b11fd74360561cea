"""The project's own labelled data: the written corpus in ``data/written`` and the written whole
documents in ``data/documents`` (always present), and the real-sentence annotations (text rebuilt
from the shared corpora when they are on this machine).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hypecheck.models.labels import LabelledUnit
from hypecheck.training.annotation import load_all_real_units, read_jsonl
from hypecheck.training.paths import REPO_ROOT, SharedDataMissing
from hypecheck.training.splits import split_of

WRITTEN_DIR = REPO_ROOT / "data" / "written"
DOCUMENTS_DIR = REPO_ROOT / "data" / "documents"
DOCUMENT_SOURCE = "written_document"
log = logging.getLogger(__name__)


def _written_unit(row: dict[str, Any], source: str, group: str, extra: dict[str, Any]) -> LabelledUnit:
    """A unit we wrote: its text and labels come from the row itself."""
    return LabelledUnit(
        id=row["id"],
        text=row["text"],
        source=source,
        group=group,
        verdict=row["verdict"],
        reasons=tuple(row.get("reasons") or ()),
        claim_strength=row.get("claim_strength"),
        topic=row.get("topic"),
        register=row.get("register"),
        confidence=row.get("confidence", "high"),
        extra=extra,
    )


def load_written_units(directory: Path = WRITTEN_DIR) -> list[LabelledUnit]:
    """Every written sentence; a minimal pair shares one split group so it never straddles splits."""
    return [
        _written_unit(
            row,
            "written",
            f"pair:{row['pair']}" if row.get("pair") else f"written:{row['id']}",
            {"pair": row.get("pair")},
        )
        for path in sorted(directory.glob("*.jsonl"))
        for row in read_jsonl(path)
    ]


def load_document_units(directory: Path = DOCUMENTS_DIR) -> list[LabelledUnit]:
    """Every unit of the written whole documents (clinic and shop pages, blogs, testimonials, posts,
    news aggregators, with their page furniture), in reading order; a document is one split group,
    and its units read each other as article context."""
    keys = ("genre", "furniture", "hard_negative")
    return [
        _written_unit(row, DOCUMENT_SOURCE, f"document:{row['document']}", {k: row[k] for k in keys})
        for path in sorted(directory.glob("*.jsonl"))
        for row in read_jsonl(path)
    ]


def load_own_units(data_dir: Path, *, real: bool = True) -> list[LabelledUnit]:
    """Written units, plus the annotated real sentences when ``real`` and the shared corpora exist."""
    units = load_written_units() + load_document_units()
    if real:
        try:
            units.extend(load_all_real_units(data_dir))
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
