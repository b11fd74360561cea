"""Writing chunk parts atomically and joining them into the output, as JSONL or Parquet.

Every part is written to a temporary name and renamed into place, so a part either exists whole or
not at all. Parquet gets a fixed schema (a chunk whose rows all lack a suggestion must not change a
column's type) and one row group per chunk; joining parts in chunk order makes the file the same
to the byte however often the job was stopped on the way.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"

_SCORES = pa.map_(pa.string(), pa.float64())
_COUNTS = pa.map_(pa.string(), pa.int64())
_MODEL = pa.struct([(name, pa.string()) for name in ("name", "version", "bundle_hash", "kind")])
_SENTENCE = [
    ("start", pa.int64()),
    ("end", pa.int64()),
    ("text", pa.string()),
    ("p_overclaim", pa.float64()),
    ("verdict", pa.string()),
    ("reasons", _SCORES),
    ("claim_strength", pa.struct([("label", pa.string()), ("probs", _SCORES)])),
    ("quoted", pa.bool_()),
    (
        "triggers",
        pa.list_(
            pa.struct(
                [("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("weight", pa.float64())]
            )
        ),
    ),
    ("suggestion", pa.struct([("advice", pa.list_(pa.string())), ("rewrite", pa.string())])),
]
_CHECK = pa.struct([("question", pa.string()), ("answered", pa.bool_()), ("sentences", pa.list_(pa.int64()))])
_SUMMARY = pa.struct(
    [
        ("overall", pa.float64()),
        ("sentences", pa.int64()),
        ("verdicts", _COUNTS),
        ("reasons", _COUNTS),
        ("worst", pa.list_(pa.int64())),
        ("checklist", pa.map_(pa.string(), _CHECK)),
    ]
)
_WHERE = [("id", pa.string()), ("source", pa.string())]
SCHEMAS = {
    "article": pa.schema(
        [
            *_WHERE,
            ("title", pa.string()),
            ("url", pa.string()),
            ("date", pa.string()),
            ("sentences", pa.list_(pa.struct(_SENTENCE))),
            ("summary", _SUMMARY),
            ("model", _MODEL),
        ]
    ),
    "sentence": pa.schema([*_WHERE, ("sentence", pa.int64()), *_SENTENCE, ("model", _MODEL)]),
}


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """``write`` to a temporary file, flush it to disk, then rename it to ``path``."""
    temporary = path.with_name(path.name + ".tmp")
    write(temporary)
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    temporary.replace(path)


def jsonl_bytes(rows: Iterable[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def write_part(path: Path, rows: list[dict[str, Any]], output_format: str, level: str) -> None:
    """One chunk's rows, whole or not at all."""
    if output_format == "parquet":
        table = pa.Table.from_pylist(rows, schema=SCHEMAS[level])
        atomic_write(path, lambda p: pq.write_table(table, p, compression=COMPRESSION))
    else:
        atomic_write(path, lambda p: p.write_bytes(jsonl_bytes(rows)))


def _concatenate(parts: Iterable[Path], out: BinaryIO) -> None:
    for part in parts:
        with part.open("rb") as handle:
            shutil.copyfileobj(handle, out)


def join_parts(parts: list[Path], destination: Path, output_format: str, level: str) -> None:
    """The parts, in order, as one file at ``destination`` (replaced atomically); one part in memory
    at a time."""

    def write(path: Path) -> None:
        if output_format != "parquet":
            with path.open("wb") as out:
                _concatenate(parts, out)
            return
        with pq.ParquetWriter(path, SCHEMAS[level], compression=COMPRESSION) as writer:
            for part in parts:
                table = pq.read_table(part, schema=SCHEMAS[level])
                if table.num_rows:
                    writer.write_table(table)

    atomic_write(destination, write)
