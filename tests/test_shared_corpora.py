"""Loaders of the shared corpora: counts match each SOURCE.md, splits are grouped, absence is clean."""

import subprocess
import sys
from collections import Counter

import pytest
from hypecheck.training.articles import all_articles
from hypecheck.training.paths import SharedDataMissing, corpus_dir
from hypecheck.training.shared_corpora import clickbait_rows, load_corpus, seed_rows, yu2020_rows

from tests.conftest import SHARED_DATA, needs_shared


@needs_shared
def test_yu2020_counts_match_source():
    rows = yu2020_rows(SHARED_DATA)
    assert Counter(r["source"] for r in rows) == {"yu2020_pubmed": 3061, "yu2020_eureka": 2076}


@needs_shared
def test_seed_labels_match_source():
    rows = seed_rows(SHARED_DATA)
    real = Counter(r["verdict"] for r in rows if r["source"] == "seed_fakehealth")
    written = Counter(r["verdict"] for r in rows if r["source"] == "seed_written")
    assert real == {"neutral": 276, "supported": 242, "overclaim": 101}
    assert written == {"neutral": 200, "supported": 200, "overclaim": 200}


@needs_shared
def test_clickbait_is_balanced_headlines():
    counts = Counter(r["label"] for r in clickbait_rows(SHARED_DATA))
    assert sum(counts.values()) == 32000 and abs(counts["clickbait"] - 16000) <= 1


@needs_shared
def test_articles_match_source():
    counts = Counter(a.source for a in all_articles(SHARED_DATA))
    assert counts == {"fakehealth_story": 1638, "fakehealth_release": 599, "cardiff": 604}


@needs_shared
def test_splits_are_grouped_by_pubmed_id():
    dd = load_corpus(SHARED_DATA, "yu2020_claim_strength")
    groups = {name: set(dd[name]["group"]) for name in dd}
    assert not groups["train"] & groups["test"] and not groups["train"] & groups["validation"]
    assert dd["test"].num_rows > 300


def test_missing_data_dir_is_a_clear_error(tmp_path):
    with pytest.raises(SharedDataMissing, match="HYPECHECK_DATA_DIR"):
        corpus_dir(tmp_path / "nowhere", "yu2020_claim_strength")


def test_stats_command_without_shared_data_prints_one_line_per_corpus(tmp_path):
    env = {"HYPECHECK_DATA_DIR": str(tmp_path / "nowhere"), "PATH": "/usr/bin:/bin", "COLUMNS": "200"}
    out = subprocess.run(
        [sys.executable, "-m", "hypecheck.serve.cli", "data", "stats", "--shared"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout.count("not found at") >= 8
