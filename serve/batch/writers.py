"""Writing chunk parts atomically and joining them into the output, as JSONL or Parquet.

Every part is written to a temporary name and renamed into place, so a part either exists whole or
not at all. Parquet gets a fixed schema, derived from the result types of :mod:`hypecheck.models.results` (a
chunk whose rows all lack a suggestion must not change a column's type, and a field the core adds
must not be dropped) and one row group per chunk; joining parts in chunk order makes the file the same
to the byte however often the job was stopped on the way.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from types import UnionType
from typing import Any, BinaryIO, Literal, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.parquet as pq
from hypecheck.models.results import DocumentScore, SentenceScore
from pydantic import BaseModel

COMPRESSION = "zstd"

_SCALARS: dict[Any, pa.DataType] = {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_()}


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of a field of the result types: optional values are nullable, literals take
    their values' type, lists are lists,
    dicts (always keyed by name) are maps, and models are structs."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        [inner] = [a for a in args if a is not type(None)]
        return arrow_type(inner)
    if origin is Literal:  # a fixed set of values of one type
        return _SCALARS[type(args[0])]
    if origin is list:
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(arrow_fields(annotation))
    return _SCALARS[annotation]


def arrow_fields(model: type[BaseModel]) -> list[pa.Field]:
    """One Arrow field per field of ``model``, in its order."""
    return [pa.field(name, arrow_type(info.annotation)) for name, info in model.model_fields.items()]


_WHERE = [pa.field("id", pa.string()), pa.field("source", pa.string())]
_META = [pa.field(name, pa.string()) for name in ("title", "url", "date")]
_SENTENCE_WHERE = [pa.field("sentence", pa.int64())]
_DOCUMENT = {f.name: f for f in arrow_fields(DocumentScore)}
SCHEMAS = {
    # a row per article: where it came from, then the scored document
    "article": pa.schema([*_WHERE, *_META, *_DOCUMENT.values()]),
    # a row per sentence: where it came from, the scored sentence, and the document's model card
    "sentence": pa.schema(
        [
            *_WHERE,
            *_SENTENCE_WHERE,
            *arrow_fields(SentenceScore),
            _DOCUMENT["model"],
            _DOCUMENT["schema_version"],
        ]
    ),
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
