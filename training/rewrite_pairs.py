"""Rewrite pairs: an overclaim and the sentence an evidence-minded editor would publish instead.

Three sources, each written to ``data/GUIDELINES.md``'s rewriting rules (keep every number, name,
study and population; change only what overclaims; use the article's context, never invent it):

- the written corpus's minimal pairs (the overclaim and its supported twin);
- ``data/rewrites/written.jsonl``: a rewrite of every other written overclaim;
- ``data/rewrites/real.jsonl``: a rewrite of every annotated real overclaim, stored as character
  edits of the sentence with its hash, since the sentence itself stays in the shared corpora.

Pairs take the split of their sentence's group, so the test split's pairs only ever measure.
``real_overclaims`` gives a split's real overclaims; for the test split it adds the real sentences
of test articles that the model flagged and annotators judged overclaims
(``data/annotations/flagged_test.jsonl``), for measuring coverage on real writing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from hypecheck.models.context import sentence_contexts
from hypecheck.models.labels import LabelledUnit, text_hash
from hypecheck.models.sentences import split_sentences
from hypecheck.training.annotation import FLAGGED_TEST, AnnotationDrift, load_real_units, read_jsonl
from hypecheck.training.articles import articles_by_id
from hypecheck.training.corpus import load_written_units
from hypecheck.training.dataset import with_context
from hypecheck.training.examples import from_unit
from hypecheck.training.paths import REPO_ROOT, SharedDataMissing
from hypecheck.training.splits import split_of

REWRITES_DIR = REPO_ROOT / "data" / "rewrites"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RewritePair:
    """An overclaim (``source``, read with ``context``) and its rewrite (``target``; ``None`` for an
    overclaim kept only for measuring)."""

    id: str
    source: str
    target: str | None
    context: str | None
    reasons: tuple[str, ...]
    split: str
    kind: str  # "minimal pair", "written" or "real"


def apply_edits(text: str, edits: list[list]) -> str:
    """``text`` with each ``[start, end, replacement]`` applied (in order, non-overlapping)."""
    pieces, cursor = [], 0
    for start, end, replacement in edits:
        pieces += [text[cursor:start], replacement]
        cursor = end
    return "".join([*pieces, text[cursor:]])


def _written_pairs() -> list[RewritePair]:
    units = load_written_units()
    by_id = {u.id: u for u in units}
    twins: dict[str, list] = defaultdict(list)
    for unit in units:
        if unit.extra.get("pair") and unit.verdict != "overclaim":
            twins[unit.extra["pair"]].append(unit)
    pairs = []
    for unit in units:
        if unit.verdict == "overclaim" and (twin := twins.get(unit.extra.get("pair") or "")):
            pairs.append(_pair(unit, twin[0].text, None, "minimal pair"))
    for row in read_jsonl(REWRITES_DIR / "written.jsonl"):
        pairs.append(_pair(by_id[row["id"]], row["rewrite"], None, "written"))
    return pairs


def _pair(unit: LabelledUnit, target: str | None, context: str | None, kind: str) -> RewritePair:
    return RewritePair(unit.id, unit.text, target, context, tuple(unit.reasons), split_of(unit.group), kind)


def _real_pairs(data_dir: Path, mode: str) -> list[RewritePair]:
    units = load_real_units(data_dir)
    read = with_context([from_unit(u) for u in units], mode)  # same order as ``units``
    contexts = {u.id: e.context for u, e in zip(units, read, strict=True)}
    by_id = {u.id: u for u in units}
    pairs = []
    for row in read_jsonl(REWRITES_DIR / "real.jsonl"):
        unit = by_id[row["id"]]
        if text_hash(unit.text) != row["sha"]:
            raise AnnotationDrift(f"{row['id']}: text hash {text_hash(unit.text)} != stored {row['sha']}")
        pairs.append(_pair(unit, apply_edits(unit.text, row["edits"]), contexts[unit.id], "real"))
    return pairs


def load_pairs(data_dir: Path, mode: str) -> list[RewritePair]:
    """Every pair on this machine: the written ones always, the real ones with the shared corpora.
    ``mode`` is the scoring model's context mode."""
    pairs = _written_pairs()
    try:
        pairs += _real_pairs(data_dir, mode)
    except SharedDataMissing as missing:
        log.warning("real rewrite pairs skipped: %s", missing)
    return pairs


def real_overclaims(data_dir: Path, mode: str, split: str = "test") -> list[RewritePair]:
    """A split's real overclaims, each in its article context: the annotated ones (with their
    rewrites, for reference) and, for the test split only, the flagged-and-judged ones (the
    validation split has no such file, so rules are tuned on its annotated pairs alone)."""
    pairs = [p for p in _real_pairs(data_dir, mode) if p.split == split]
    return pairs + _flagged_test(data_dir, mode) if split == "test" else pairs


def _flagged_test(data_dir: Path, mode: str) -> list[RewritePair]:
    """The real sentences of test articles the model flagged and annotators judged overclaims."""
    pairs: list[RewritePair] = []
    articles = articles_by_id(data_dir)
    for row in read_jsonl(FLAGGED_TEST):
        if row["verdict"] != "overclaim":
            continue
        sentences = split_sentences(articles[row["article"]].text)
        index = next(i for i, s in enumerate(sentences) if s.start == row["start"])
        text = sentences[index].text
        if text_hash(text) != row["sha"]:
            raise AnnotationDrift(f"{row['id']}: text hash {text_hash(text)} != stored {row['sha']}")
        context = sentence_contexts([s.text for s in sentences], mode)[index] if mode else None
        pairs.append(
            RewritePair(row["id"], text, None, context, tuple(row["reasons"]), "test", "real (flagged)")
        )
    return pairs
