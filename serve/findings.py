"""From scores to what an editor acts on: findings filtered by the project config and inline
suppressions, located by line and column in the file the editor wrote.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from hypecheck.models.labels import OVERCLAIM, REASONS
from hypecheck.models.results import DocumentScore, SentenceScore
from hypecheck.models.scoring import ScoreOptions
from hypecheck.serve.inputs import Document

IGNORE = re.compile(r"hypecheck:\s*ignore\b")


FAIL_ON = ("any", "never", *REASONS)


def check_fail_on(value: str, where: str) -> None:
    if value not in FAIL_ON:
        raise ValueError(f"{where}: fail_on must be one of {', '.join(FAIL_ON)}")


def _strings(raw: dict[str, object], key: str, path: Path) -> list[str]:
    """A list of strings from the config, or an error naming the key."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{path}: {key} must be a list of strings, not {value!r}"[:300])
    return value


def _number(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number, not {value!r}"[:300])
    return float(value)


@dataclass(frozen=True)
class ProjectConfig:
    """``.hypecheck.toml``: the scoring options (threshold, reasons to leave alone), which findings to
    show and fail on, and phrases that are always fine."""

    min_score: float = 0.0
    fail_on: str = "any"
    allow: tuple[str, ...] = ()
    options: ScoreOptions = field(default_factory=ScoreOptions)

    @classmethod
    def load(cls, path: Path) -> ProjectConfig:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(raw) - {"min_score", "fail_on", "disabled_reasons", "allow", "overclaim_threshold"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        fail_on = raw.get("fail_on", "any")
        check_fail_on(fail_on, str(path))
        threshold = raw.get("overclaim_threshold")
        try:
            options = ScoreOptions(
                overclaim_threshold=None if threshold is None else _number(threshold, "overclaim_threshold"),
                disabled_reasons=frozenset(_strings(raw, "disabled_reasons", path)),
            )
            min_score = _number(raw.get("min_score", 0.0), "min_score")
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None
        return cls(min_score, fail_on, tuple(_strings(raw, "allow", path)), options)


@dataclass(frozen=True)
class Finding:
    """A sentence to show, with its place in the source file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    sentence: SentenceScore

    @property
    def reasons(self) -> dict[str, float]:
        return self.sentence.reasons


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def _suppressed_lines(source: str) -> set[int]:
    """Lines carrying ``hypecheck: ignore`` and the line after each (a comment above a sentence)."""
    lines = set()
    for number, text in enumerate(source.split("\n"), start=1):
        if IGNORE.search(text):
            lines.update((number, number + 1))
    return lines


def findings(document: Document, score: DocumentScore, config: ProjectConfig) -> list[Finding]:
    """Every sentence that should be shown: verdict overclaim (decided by the scoring core with the
    config's options), over ``min_score``, not allowed, not suppressed."""
    starts = _line_starts(document.source)
    ignored = _suppressed_lines(document.source)
    out = []
    for sentence in score.sentences:
        if sentence.verdict != OVERCLAIM or sentence.p_overclaim < config.min_score:
            continue
        if any(phrase.lower() in sentence.text.lower() for phrase in config.allow):
            continue
        start, end = document.to_source(sentence.start, sentence.end)
        line, column = _line_col(starts, start)
        end_line, end_column = _line_col(starts, max(start, end - 1))
        if line in ignored:
            continue
        out.append(Finding(document.name, line, column, end_line, end_column, start, end, sentence))
    return out


def fails(found: list[Finding], fail_on: str) -> bool:
    """Whether findings fail the run (exit 1): ``any`` finding, ``never``, or one with a given reason."""
    if fail_on == "never":
        return False
    return any(fail_on == "any" or fail_on in finding.reasons for finding in found)
