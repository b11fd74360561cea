"""Batch inputs as one stream of raw records, read lazily and always in the same order.

Readers only cut inputs into records and pick out the fields a record needs. Decoding HTML and
extracting article text happen later, in the engine (in parallel on Ray workers), so a resumed job
skips the records it has already scored without redoing that work. A record a reader cannot read
(a malformed JSON line, a corrupt WARC record) still comes out, carrying its error, so that it lands
in the errors file and the numbering of records never depends on what failed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypecheck.serve.input_errors import InputError
from hypecheck.serve.inputs import MAX_BYTES

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Fields:
    """Which fields of a JSON, CSV or Parquet record hold its id, text and (optional) title."""

    id: str = "id"
    text: str = "text"
    title: str | None = None


@dataclass(frozen=True)
class RawRecord:
    """One record as read: ``source`` says where it is (``in.jsonl:12``, ``t.parquet#7``,
    ``crawl.warc.gz@4096``, ``pages/a.html``); ``size`` is the input bytes it stands for."""

    source: str
    size: int
    id: Any = None
    text: Any = None
    title: Any = None
    html: bytes | None = None
    url: str | None = None
    date: str | None = None
    error: InputError | None = None  # when the reader could not read it


def input_kind(path: Path) -> str | None:
    """The reader for a file, from its name; None for files batch does not read."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    return {
        ".jsonl": "jsonl",
        ".json": "json",
        ".csv": "csv",
        ".parquet": "parquet",
        ".html": "html",
        ".htm": "html",
    }.get(path.suffix.lower())


def input_files(inputs: Sequence[Path]) -> list[Path]:
    """The files to read: files as given, folders walked recursively in sorted order (files of
    other kinds in a folder are left alone)."""
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and input_kind(p))
        elif not path.is_file():
            raise InputError("not_found", f"{path}: no such file or folder")
        elif input_kind(path) is None:
            raise InputError(
                "unsupported", f"{path}: not JSONL, JSON, CSV, Parquet, HTML or WARC (by its name)"
            )
        else:
            files.append(path)
    return files


def fingerprint(files: Sequence[Path]) -> str:
    """Names, sizes and modification times of the input files: changes when the input does."""
    digest = hashlib.sha256()
    for path in files:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def read_records(files: Sequence[Path], fields: Fields) -> Iterator[RawRecord]:
    """Every record of every file, in order; a file that cannot be opened or read on is reported."""
    for path in files:
        try:
            yield from READERS[input_kind(path) or ""](path, fields)
        except OSError as error:
            yield RawRecord(str(path), 0, error=InputError("unreadable", f"cannot read the file: {error}"))


def _row(source: str, size: int, row: Mapping[str, Any], fields: Fields) -> RawRecord:
    return RawRecord(
        source,
        size,
        id=row.get(fields.id),
        text=row.get(fields.text),
        title=row.get(fields.title) if fields.title else None,
    )


def _too_big(path: Path) -> RawRecord | None:
    size = path.stat().st_size
    if size <= MAX_BYTES:
        return None
    return RawRecord(str(path), size, error=InputError("too_large", f"{size:,} bytes is over {MAX_BYTES:,}"))


def _json_object(source: str, raw: bytes, fields: Fields) -> RawRecord:
    try:
        row = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        return RawRecord(source, len(raw), error=InputError("undecodable", f"not UTF-8 (byte {error.start})"))
    except json.JSONDecodeError as error:
        return RawRecord(source, len(raw), error=InputError("malformed", f"not JSON: {error}"))
    if not isinstance(row, dict):
        return RawRecord(
            source, len(raw), error=InputError("malformed", f"a JSON {type(row).__name__}, not an object")
        )
    return _row(source, len(raw), row, fields)


def _jsonl(path: Path, fields: Fields) -> Iterator[RawRecord]:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield _json_object(f"{path}:{number}", line, fields)


def _json(path: Path, fields: Fields) -> Iterator[RawRecord]:
    yield _too_big(path) or _json_object(str(path), path.read_bytes(), fields)


def _csv(path: Path, fields: Fields) -> Iterator[RawRecord]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        rows = csv.reader(handle, strict=True)
        try:
            header = next(rows, [])
        except csv.Error as error:
            yield RawRecord(f"{path}:1", 0, error=InputError("malformed", f"bad CSV header: {error}"))
            return
        if fields.text not in header:
            yield RawRecord(
                str(path), 0, error=InputError("malformed", f"no column {fields.text!r} in the header")
            )
            return
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as error:
                yield RawRecord(
                    f"{path}:{rows.line_num}", 0, error=InputError("malformed", f"bad CSV row: {error}")
                )
                continue
            if not row:
                continue
            source, size = f"{path}:{rows.line_num}", sum(map(len, row)) + len(row)
            if len(row) != len(header):
                yield RawRecord(
                    source,
                    size,
                    error=InputError("malformed", f"{len(row)} fields, the header has {len(header)}"),
                )
            elif any("\udc80" <= char <= "\udcff" for field in row for char in field):
                yield RawRecord(source, size, error=InputError("undecodable", "not UTF-8"))
            else:
                yield _row(source, size, dict(zip(header, row, strict=True)), fields)


def _parquet(path: Path, fields: Fields) -> Iterator[RawRecord]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    try:
        file = pq.ParquetFile(path)
        names = file.schema_arrow.names
        if fields.text not in names:
            yield RawRecord(str(path), 0, error=InputError("malformed", f"no column {fields.text!r}"))
            return
        columns = list(dict.fromkeys(c for c in (fields.id, fields.text, fields.title) if c in names))
        size = path.stat().st_size // max(file.metadata.num_rows, 1)
        for batch in file.iter_batches(batch_size=1024, columns=columns):
            for row in batch.to_pylist():
                yield _row(f"{path}#{number}", size, row, fields)
                number += 1
    except (pa.ArrowException, OSError) as error:
        yield RawRecord(f"{path}#{number}", 0, error=InputError("corrupt", f"unreadable Parquet: {error}"))


def _html(path: Path, fields: Fields) -> Iterator[RawRecord]:
    yield _too_big(path) or RawRecord(str(path), path.stat().st_size, html=path.read_bytes())


def _warc(path: Path, fields: Fields) -> Iterator[RawRecord]:
    """HTML responses (and resources) of a WARC file; other records are not documents and are passed
    over. A record whose digest fails is reported and skipped; an unreadable stretch ends the file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    with path.open("rb") as handle:
        records = ArchiveIterator(handle, check_digests=True)
        try:
            for record in records:
                if record.rec_type not in ("response", "resource"):
                    continue
                headers = record.http_headers or record.rec_headers
                if not (headers.get_header("Content-Type") or "").lower().startswith(HTML_TYPES):
                    continue
                payload = record.content_stream().read(MAX_BYTES + 1)
                source = f"{path}@{records.get_record_offset()}"
                size = records.get_record_length()
                digest = record.rec_headers.get_header("WARC-Payload-Digest")
                if len(payload) > MAX_BYTES:
                    yield RawRecord(source, size, error=InputError("too_large", f"over {MAX_BYTES:,} bytes"))
                elif record.digest_checker.passed is False or (digest and not record.digest_checker.passed):
                    problems = "; ".join(record.digest_checker.problems) or "record truncated"
                    yield RawRecord(
                        source, size, error=InputError("corrupt", f"digest check failed: {problems}")
                    )
                else:
                    yield RawRecord(
                        source,
                        size,
                        html=payload,
                        url=record.rec_headers.get_header("WARC-Target-URI"),
                        date=record.rec_headers.get_header("WARC-Date"),
                    )
        except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as error:
            message = f"unreadable WARC from byte {records.offset} on: {error}"
            yield RawRecord(f"{path}@{records.offset}", 0, error=InputError("corrupt", message[:500]))


READERS: dict[str, Callable[[Path, Fields], Iterator[RawRecord]]] = {
    "jsonl": _jsonl,
    "json": _json,
    "csv": _csv,
    "parquet": _parquet,
    "html": _html,
    "warc": _warc,
}
