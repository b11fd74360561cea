"""What a batch job is, and its unit of work: scoring one chunk of records into output rows.

Both engines call :func:`score_chunk` on the same chunks (the first ``chunk_size`` records, the
next ``chunk_size``, ...), so the model sees the same batches whichever engine runs them, and the
output is the same to the byte. Rows carry the API's fields: an article row is the API's response
for one document plus where it came from; a sentence row is one of its sentences with the id.

``unit`` says what a record is: an ``article`` is split into sentences; a ``sentence`` record (a
labelled sentence, a headline) is scored whole, as one unit, and gives one sentence row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypecheck.models.prediction import Predictor
from hypecheck.models.results import SCHEMA_VERSION
from hypecheck.models.scoring import ScoreOptions, model_card, score_documents, score_units
from hypecheck.serve.batch.prepare import Article, Rejection, prepare
from hypecheck.serve.batch.readers import Fields, RawRecord
from hypecheck.serve.input_errors import InputError

FORMATS = ("jsonl", "parquet")
LEVELS = ("article", "sentence")
UNITS = ("article", "sentence")


@dataclass(frozen=True)
class BatchJob:
    """Inputs, output and every setting that shapes the output (all of them go in the checkpoint)."""

    inputs: tuple[Path, ...]
    output: Path
    format: str = "jsonl"
    level: str = "article"
    unit: str = "article"
    fields: Fields = field(default_factory=Fields)
    chunk_size: int = 128
    max_chars: int = 100_000
    triggers: bool = False
    rewrites: bool = False  # advice always; a checked rewrite costs model calls a crawl rarely needs
    overclaim_threshold: float | None = None  # None: the model's calibrated threshold
    disabled_reasons: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format is one of {', '.join(FORMATS)}, not {self.format!r}")
        if self.level not in LEVELS:
            raise ValueError(f"level is one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unit is one of {', '.join(UNITS)}, not {self.unit!r}")
        if self.unit == "sentence" and (self.level != "sentence" or self.fields.title):
            raise ValueError("a sentence unit gives sentence rows and has no title field")
        if self.chunk_size < 1 or self.max_chars < 1:
            raise ValueError("chunk size and maximum characters must be positive")
        self.options()  # unknown reasons or a threshold outside [0, 1] fail here, before any work

    def options(self) -> ScoreOptions:
        return ScoreOptions(
            triggers=self.triggers,
            rewrites=self.rewrites,
            overclaim_threshold=self.overclaim_threshold,
            disabled_reasons=self.disabled_reasons,
        )

    @property
    def errors_path(self) -> Path:
        return self.output.with_name(self.output.name + ".errors.jsonl")

    @property
    def checkpoint_path(self) -> Path:
        return self.output.with_name(self.output.name + ".checkpoint.json")

    @property
    def parts_dir(self) -> Path:
        return self.output.with_name(self.output.name + ".parts")

    def settings(self) -> dict[str, Any]:
        """The settings that shape the output, as the checkpoint records them."""
        return {
            "format": self.format,
            "level": self.level,
            "unit": self.unit,
            "id_field": self.fields.id,
            "text_field": self.fields.text,
            "title_field": self.fields.title,
            "chunk_size": self.chunk_size,
            "max_chars": self.max_chars,
            "triggers": self.triggers,
            "rewrites": self.rewrites,
            "overclaim_threshold": self.overclaim_threshold,
            "disabled_reasons": sorted(self.disabled_reasons),
            "schema_version": SCHEMA_VERSION,
        }


@dataclass(frozen=True)
class ChunkResult:
    """Output rows and error rows of one chunk, in input order."""

    rows: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    articles: int
    sentences: int


def _article_row(article: Article, score: dict[str, Any]) -> dict[str, Any]:
    meta = {"title": article.title, "url": article.url, "date": article.date}
    return {"id": article.id, "source": article.source, **meta, **score}


def _sentence_rows(article: Article, score: dict[str, Any]) -> list[dict[str, Any]]:
    where = {"id": article.id, "source": article.source}
    document = {"model": score["model"], "schema_version": score["schema_version"]}
    return [{**where, "sentence": i, **sentence, **document} for i, sentence in enumerate(score["sentences"])]


def _as_unit(prepared: Article | Rejection, record: RawRecord) -> Article | Rejection:
    """A sentence unit comes from a record's text field, never from an HTML page."""
    if isinstance(prepared, Article) and record.html is not None:
        message = "--unit sentence takes records with a text field, not HTML pages"
        return Rejection(prepared.source, prepared.id, InputError("malformed", message))
    return prepared


def _score_units(predictor: Predictor, texts: list[str], options: ScoreOptions) -> list[dict[str, Any]]:
    """Each text as one unit, in the shape of a one-sentence document."""
    card = model_card(predictor).model_dump()
    return [
        {"sentences": [s.model_dump()], "model": card, "schema_version": SCHEMA_VERSION}
        for s in score_units(predictor, texts, options)
    ]


def _score(predictor: Predictor, articles: list[Article], job: BatchJob) -> list[dict[str, Any]]:
    options = job.options()
    texts = [a.text for a in articles]
    if job.unit == "sentence":
        return _score_units(predictor, texts, options)
    return [s.model_dump() for s in score_documents(predictor, texts, options)]


def _score_apart(
    predictor: Predictor, articles: list[Article], job: BatchJob
) -> list[dict[str, Any] | Rejection]:
    """Every article in one pass; should that fail, each one alone, so that an article the model
    cannot score goes to the errors file by itself and the job (and its rerun) goes on. Any error
    is the article's, not the job's, hence the broad except."""
    try:
        return list(_score(predictor, articles, job))
    except Exception:
        out: list[dict[str, Any] | Rejection] = []
        for article in articles:
            try:
                out.extend(_score(predictor, [article], job))
            except Exception as error:
                message = f"scoring failed: {type(error).__name__}: {error}"[:500]
                out.append(Rejection(article.source, article.id, InputError("scoring_failed", message)))
        return out


def score_chunk(predictor: Predictor, records: Sequence[RawRecord], job: BatchJob) -> ChunkResult:
    """Prepare the records, score every article of the chunk in one pass, and build the rows."""
    prepared = [prepare(r, text_field=job.fields.text, max_chars=job.max_chars) for r in records]
    if job.unit == "sentence":
        prepared = [_as_unit(p, r) for p, r in zip(prepared, records, strict=True)]
    articles = [p for p in prepared if isinstance(p, Article)]
    scored = iter(_score_apart(predictor, articles, job))
    outcomes = [next(scored) if isinstance(p, Article) else p for p in prepared]
    done = [(p, s) for p, s in zip(prepared, outcomes, strict=True) if not isinstance(s, Rejection)]
    if job.level == "article":
        rows = [_article_row(a, s) for a, s in done]
    else:
        rows = [row for a, s in done for row in _sentence_rows(a, s)]
    errors = [p.row() for p in outcomes if isinstance(p, Rejection)]
    return ChunkResult(rows, errors, len(done), sum(len(s["sentences"]) for _, s in done))
