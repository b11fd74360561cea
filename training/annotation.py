"""Annotation of real sentences: sampling whole articles into work batches and merging labels back.

The committed file ``data/annotations/real_sentences.jsonl`` holds no corpus text, only the article
id, the sentence offsets, a short hash of the sentence and the labels; :func:`load_real_units`
rebuilds the text from the shared corpora and checks every hash.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from hypecheck.models.labels import LabelledUnit, text_hash
from hypecheck.models.sentences import split_sentences
from hypecheck.training.articles import Article, all_articles, articles_by_id
from hypecheck.training.paths import REPO_ROOT
from hypecheck.training.splits import split_of

REAL_ANNOTATIONS = REPO_ROOT / "data" / "annotations" / "real_sentences.jsonl"
SECOND_PASS = REPO_ROOT / "data" / "annotations" / "second_pass.jsonl"
FLAGGED_TEST = REPO_ROOT / "data" / "annotations" / "flagged_test.jsonl"
BLIND_TEST = REPO_ROOT / "data" / "annotations" / "blind_test.jsonl"
BLIND_QUOTAS = {"fakehealth_story": 25, "fakehealth_release": 25, "cardiff": 25}
ACTIVE_ROUND = "active_round_{}.jsonl"  # a round of active learning (training.active_learning)


def active_round_files() -> list[Path]:
    """The annotated rounds of active learning, in order."""
    return sorted(REAL_ANNOTATIONS.parent.glob(ACTIVE_ROUND.format("*")))


def real_annotation_files() -> list[Path]:
    """The files of annotated real units that train: the first random sample, then each round of
    active learning."""
    return [p for p in [REAL_ANNOTATIONS, *active_round_files()] if p.exists()]


MIN_UNITS, MAX_UNITS = 5, 80
QUOTAS = {"fakehealth_story": 130, "fakehealth_release": 45, "cardiff": 80}
SOURCE_REGISTER = {"fakehealth_story": "news", "fakehealth_release": "press_release", "cardiff": "news"}


class AnnotationDrift(ValueError):
    """A stored hash no longer matches the text rebuilt from the shared corpora."""


def sample_articles(
    articles: Iterable[Article], *, exclude: set[str], seed: int = 13, quotas: dict[str, int] = QUOTAS
) -> list[Article]:
    """Draw whole articles at random per source, among those of MIN_UNITS..MAX_UNITS sentences."""
    rng = random.Random(seed)
    pools: dict[str, list[Article]] = {source: [] for source in quotas}
    for article in articles:
        if article.id in exclude or article.source not in pools:
            continue
        if MIN_UNITS <= len(split_sentences(article.text)) <= MAX_UNITS:
            pools[article.source].append(article)
    chosen: list[Article] = []
    for source, quota in quotas.items():
        chosen.extend(rng.sample(pools[source], min(quota, len(pools[source]))))
    rng.shuffle(chosen)
    return chosen


def article_units(article: Article) -> list[dict[str, Any]]:
    """The units of an article as annotators see them: uid, offsets, text."""
    return [
        {"uid": f"{article.id}@{s.start}", "start": s.start, "end": s.end, "text": s.text}
        for s in split_sentences(article.text)
    ]


def write_batches(articles: list[Article], out_dir: Path, n_batches: int) -> list[Path]:
    """Deal whole articles into ``n_batches`` JSON files of about equal sentence count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    batches: list[list[dict[str, Any]]] = [[] for _ in range(n_batches)]
    sizes = [0] * n_batches
    for article in articles:
        units = article_units(article)
        target = sizes.index(min(sizes))
        batches[target].append(
            {"article": article.id, "source": article.source, "text": article.text, "units": units}
        )
        sizes[target] += len(units)
    paths = []
    for i, batch in enumerate(batches):
        path = out_dir / f"batch_{i:02d}.json"
        path.write_text(json.dumps(batch, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def merge_labels(batch: list[dict[str, Any]], labels: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Join an annotator's labels (keyed by uid) with a batch into committed, text-free rows."""
    by_uid = {row["uid"]: row for row in labels}
    for article in batch:
        for unit in article["units"]:
            label = by_uid.get(unit["uid"])
            if label is None:
                continue
            headline = article["text"].startswith(unit["text"]) and unit["start"] == 0
            register = (
                "headline"
                if headline
                else "quote"
                if label.get("quoted")
                else SOURCE_REGISTER[article["source"]]
            )
            yield {
                "id": unit["uid"],
                "article": article["article"],
                "start": unit["start"],
                "end": unit["end"],
                "sha": text_hash(unit["text"]),
                "source": article["source"],
                "register": register,
                "topic": label.get("topic"),
                "verdict": label["verdict"],
                "reasons": sorted(label.get("reasons") or []),
                "claim_strength": label.get("claim_strength"),
                "confidence": label.get("confidence", "high"),
            }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_real_units(data_dir: Path, *paths: Path) -> list[LabelledUnit]:
    """Rebuild the annotated real sentences of ``paths`` (default: the first random sample) from the
    shared corpora in ``data_dir``, read once for all of them, checking every hash."""
    rows = [row for path in paths or (REAL_ANNOTATIONS,) for row in read_jsonl(path)]
    articles = articles_by_id(data_dir)
    units = []
    for row in rows:
        article = articles.get(row["article"])
        if article is None:
            raise AnnotationDrift(f"{row['id']}: article {row['article']} is not in the shared corpora")
        text = article.text[row["start"] : row["end"]]
        if text_hash(text) != row["sha"]:
            raise AnnotationDrift(f"{row['id']}: text hash {text_hash(text)} != stored {row['sha']}")
        units.append(
            LabelledUnit(
                id=row["id"],
                text=text,
                source=row["source"],
                group=row["article"],
                verdict=row["verdict"],
                reasons=tuple(row["reasons"]),
                claim_strength=row.get("claim_strength"),
                topic=row.get("topic"),
                register=row.get("register"),
                confidence=row.get("confidence", "high"),
            )
        )
    return units


def load_all_real_units(data_dir: Path) -> list[LabelledUnit]:
    """Every annotated real unit that trains (:func:`real_annotation_files`)."""
    files = real_annotation_files()
    return load_real_units(data_dir, *files) if files else []


def seed_article_ids(seed_file: Path) -> set[str]:
    """Articles already labelled in the calibration seed, kept out of our sample."""
    if not seed_file.exists():
        return set()
    return {row["article"] for row in read_jsonl(seed_file) if row.get("article")}


def prepare(data_dir: Path, out_dir: Path, n_batches: int, seed_file: Path) -> list[Path]:
    """Sample articles and write the annotation work batches (not committed: they hold corpus text)."""
    articles = sample_articles(all_articles(data_dir), exclude=seed_article_ids(seed_file))
    return write_batches(articles, out_dir, n_batches)


def annotated_article_ids(seed_file: Path) -> set[str]:
    """Every article that the calibration seed or any of our annotation files already touches."""
    files = [*real_annotation_files(), FLAGGED_TEST, BLIND_TEST]
    return seed_article_ids(seed_file) | {
        row["article"] for f in files if f.exists() for row in read_jsonl(f)
    }


def prepare_blind(
    data_dir: Path, out_dir: Path, n_batches: int, seed_file: Path, seed: int = 2026
) -> list[Path]:
    """Draw the blind test articles: whole test-split articles never annotated before, so that no
    training, self-training (train split only) or model selection has read them."""
    pool = [a for a in all_articles(data_dir) if split_of(a.id) == "test"]
    articles = sample_articles(pool, exclude=annotated_article_ids(seed_file), seed=seed, quotas=BLIND_QUOTAS)
    return write_batches(articles, out_dir, n_batches)


def second_pass_sample(batch_paths: list[Path], out_path: Path, n: int = 500, seed: int = 29) -> int:
    """Draw ``n`` units at random for an independent second annotator, with their whole articles."""
    articles = [article for path in batch_paths for article in json.loads(path.read_text(encoding="utf-8"))]
    pool = [(a["article"], u["uid"]) for a in articles for u in a["units"]]
    chosen = set(random.Random(seed).sample(pool, n))
    sample = []
    for article in articles:
        units = [u for u in article["units"] if (article["article"], u["uid"]) in chosen]
        if units:
            sample.append({**article, "units": units})
    out_path.write_text(json.dumps(sample, ensure_ascii=False, indent=1), encoding="utf-8")
    return sum(len(a["units"]) for a in sample)


def merge_batches(work_dir: Path, out_path: Path = REAL_ANNOTATIONS) -> int:
    """Merge every ``batch_NN.json`` with its ``labels_NN.jsonl`` into the committed annotation file."""
    rows: list[dict[str, Any]] = []
    for batch_path in sorted(work_dir.glob("batch_*.json")):
        labels_path = work_dir / batch_path.name.replace("batch_", "labels_").replace(".json", ".jsonl")
        batch = json.loads(batch_path.read_text(encoding="utf-8"))
        rows.extend(merge_labels(batch, read_jsonl(labels_path)))
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)
