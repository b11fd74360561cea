"""Batch scoring of JSONL records through the scoring core, in chunks, streaming.

``--unit sentence``: each record is one unit (not split); its output row has ``id``,
``p_overclaim``, ``verdict``, ``reasons`` and ``claim_strength`` at the top level.
``--unit article``: each record is split; its row holds the summary and the sentences.
Records that cannot be scored go to ``<output>.errors.jsonl`` with a reason; the job goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from models.predictors import Predictor
from models.scoring import ScoreOptions, score_documents, score_units

MAX_CHARS = 200_000


def _records(path: Path, id_field: str, text_field: str) -> Iterator[tuple[int, Any, str | None, str | None]]:
    """(line number, id, text, error) per line; a bad line yields an error instead of text."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                yield number, None, None, f"line {number} is not UTF-8 JSON: {error}"
                continue
            if not isinstance(record, dict):
                yield number, None, None, f"line {number} is not a JSON object"
                continue
            record_id, text = record.get(id_field, number), record.get(text_field)
            if not isinstance(text, str) or not text.strip():
                yield number, record_id, None, f"no text in field {text_field!r}"
            elif len(text) > MAX_CHARS:
                yield number, record_id, None, f"text is over {MAX_CHARS:,} characters"
            else:
                yield number, record_id, text, None


def _rows(predictor: Predictor, unit: str, ids: list[Any], texts: list[str]) -> list[dict[str, Any]]:
    if unit == "sentence":
        scores = score_units(predictor, texts)
        return [
            {
                "id": i,
                "p_overclaim": s.p_overclaim,
                "verdict": s.verdict,
                "reasons": s.reasons,
                "claim_strength": s.claim_strength,
            }
            for i, s in zip(ids, scores, strict=True)
        ]
    options = ScoreOptions(triggers=False)
    return [
        {"id": i, **doc.to_dict()}
        for i, doc in zip(ids, score_documents(predictor, texts, options), strict=True)
    ]


def run_jsonl(
    predictor: Predictor,
    source: Path,
    destination: Path,
    *,
    unit: str,
    id_field: str,
    text_field: str,
    chunk: int = 256,
) -> dict[str, int]:
    """Score ``source`` into ``destination`` in chunks of ``chunk`` records, with a progress bar."""
    errors_path = destination.with_name(destination.name + ".errors.jsonl")
    counts = {"scored": 0, "errors": 0}
    ids: list[Any] = []
    texts: list[str] = []
    with (
        destination.open("w", encoding="utf-8") as out,
        errors_path.open("w", encoding="utf-8") as errors,
        tqdm(desc="batch", unit="rec") as progress,
    ):

        def flush() -> None:
            for row in _rows(predictor, unit, ids, texts):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            counts["scored"] += len(ids)
            progress.update(len(ids))
            ids.clear()
            texts.clear()

        for number, record_id, text, error in _records(source, id_field, text_field):
            if error is not None:
                errors.write(json.dumps({"line": number, "id": record_id, "error": error}) + "\n")
                counts["errors"] += 1
                continue
            ids.append(record_id)
            texts.append(text)
            if len(texts) >= chunk:
                flush()
        if texts:
            flush()
    return counts
