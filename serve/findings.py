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
from hypecheck.models.scoring import DocumentScore, SentenceScore
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


@dataclass(frozen=True)
class ProjectConfig:
    """``.hypecheck.toml``: thresholds, reasons to leave alone and phrases that are always fine."""

    min_score: float = 0.0
    fail_on: str = "any"
    disabled_reasons: frozenset[str] = frozenset()
    allow: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> ProjectConfig:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        unknown = set(raw) - {"min_score", "fail_on", "disabled_reasons", "allow"}
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        disabled = frozenset(_strings(raw, "disabled_reasons", path))
        if disabled - set(REASONS):
            raise ValueError(f"{path}: unknown reasons {sorted(disabled - set(REASONS))}")
        fail_on = raw.get("fail_on", "any")
        check_fail_on(fail_on, str(path))
        min_score = raw.get("min_score", 0.0)
        if isinstance(min_score, bool) or not isinstance(min_score, int | float):
            raise ValueError(f"{path}: min_score must be a number, not {min_score!r}")
        return cls(float(min_score), fail_on, disabled, tuple(_strings(raw, "allow", path)))


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
    reasons: dict[str, float] = field(default_factory=dict)


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
    """Every sentence that should be shown: verdict overclaim, over ``min_score``, not suppressed."""
    starts = _line_starts(document.source)
    ignored = _suppressed_lines(document.source)
    out = []
    for sentence in score.sentences:
        reasons = {r: p for r, p in sentence.reasons.items() if r not in config.disabled_reasons}
        if sentence.verdict != OVERCLAIM or not reasons or sentence.p_overclaim < config.min_score:
            continue
        if any(phrase.lower() in sentence.text.lower() for phrase in config.allow):
            continue
        start, end = document.to_source(sentence.start, sentence.end)
        line, column = _line_col(starts, start)
        end_line, end_column = _line_col(starts, max(start, end - 1))
        if line in ignored:
            continue
        out.append(Finding(document.name, line, column, end_line, end_column, start, end, sentence, reasons))
    return out


def fails(found: list[Finding], fail_on: str) -> bool:
    """Whether findings fail the run (exit 1): ``any`` finding, ``never``, or one with a given reason."""
    if fail_on == "never":
        return False
    return any(fail_on == "any" or fail_on in finding.reasons for finding in found)
