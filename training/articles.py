"""The unlabelled real articles of the shared corpora (FakeHealth stories and releases, Cardiff news).

An article's text is its headline, a blank line, then its body: the one canonical string that the
real-sentence annotations point into with character offsets.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hypecheck.training.paths import corpus_dir

FAKEHEALTH = "fakehealth_content"
CARDIFF = "cardiff_health_news"
CARDIFF_FILE = "corpus_news_enhanced.csv"


@dataclass(frozen=True)
class Article:
    """A real article: ``id`` is its path under the shared data folder (``#news_id`` for Cardiff rows)."""

    id: str
    source: str
    title: str
    body: str
    url: str | None = None
    published: str | None = None

    @property
    def text(self) -> str:
        return f"{self.title.strip()}\n\n{self.body.strip()}" if self.title.strip() else self.body.strip()

    @property
    def headline_end(self) -> int:
        return len(self.title.strip())


def fakehealth_articles(data_dir: Path) -> Iterator[Article]:
    """FakeHealth's 1,638 stories (``fakehealth_story``) and 599 press releases (``fakehealth_release``)."""
    root = corpus_dir(data_dir, FAKEHEALTH)
    for kind, source in (("HealthStory", "fakehealth_story"), ("HealthRelease", "fakehealth_release")):
        for path in sorted((root / kind).glob("*.json")):
            row = json.loads(path.read_text(encoding="utf-8"))
            yield Article(
                id=f"{FAKEHEALTH}/{kind}/{path.name}",
                source=source,
                title=row.get("title") or "",
                body=row.get("text") or "",
                url=row.get("url"),
                published=row.get("publish_date"),
            )


def cardiff_articles(data_dir: Path) -> Iterator[Article]:
    """The 604 UK news stories of the Cardiff corpus (``cardiff``)."""
    csv.field_size_limit(sys.maxsize)
    path = corpus_dir(data_dir, CARDIFF) / CARDIFF_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield Article(
                id=f"{CARDIFF}/{CARDIFF_FILE}#{row['news_id']}",
                source="cardiff",
                title=row.get("news_title") or "",
                body=row.get("news_content") or "",
                published=row.get("news_date"),
            )


def all_articles(data_dir: Path) -> Iterator[Article]:
    """Every real article of both corpora, in a fixed order."""
    yield from fakehealth_articles(data_dir)
    yield from cardiff_articles(data_dir)


def articles_by_id(data_dir: Path) -> dict[str, Article]:
    return {article.id: article for article in all_articles(data_dir)}
