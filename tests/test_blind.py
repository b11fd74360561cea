"""The locked blind test set: whole never-annotated test-split articles, scored once per model."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from hypecheck.models.bundle import BundleInfo
from hypecheck.serve.cli import app
from hypecheck.training import blind
from hypecheck.training.annotation import (
    BLIND_TEST,
    FLAGGED_TEST,
    article_units,
    load_real_units,
    read_jsonl,
    real_annotation_files,
    seed_article_ids,
)
from hypecheck.training.articles import articles_by_id
from hypecheck.training.splits import split_of
from typer.testing import CliRunner

from tests.conftest import SHARED_DATA, needs_shared

SEED_FILE = SHARED_DATA / "hypecheck_seed_labels" / "fakehealth_sentences.jsonl"


def test_the_ledger_knows_each_model_once(tmp_path):
    ledger = tmp_path / "ledger.jsonl"
    info = BundleInfo(kind="transformer", version="3", training={"data": "abc"})
    assert blind.recorded(info, ledger) is None
    entry = blind.record(info, {"macro_f1": 0.71234}, ledger)
    assert blind.recorded(info, ledger) == entry and entry["metrics"] == {"macro_f1": 0.7123}
    assert blind.recorded(replace(info, version="4"), ledger) == entry  # the same model in another store
    assert blind.recorded(replace(info, training={"data": "abd"}), ledger) is None  # another model
    assert blind.recorded(replace(info, overclaim_threshold=0.4), ledger) is None


@needs_shared
def test_blind_set_is_whole_unseen_test_split_articles_labelled_twice():
    rows = read_jsonl(BLIND_TEST)
    units = load_real_units(SHARED_DATA, BLIND_TEST)  # raises AnnotationDrift on any mismatch
    assert len(units) == len(rows) >= 1500
    articles = {row["article"] for row in rows}
    assert all(split_of(a) == "test" for a in articles)  # never in training or self-training
    annotated = [*real_annotation_files(), FLAGGED_TEST]
    elsewhere = {row["article"] for path in annotated for row in read_jsonl(path)}
    assert not articles & (elsewhere | seed_article_ids(SEED_FILE))
    texts = articles_by_id(SHARED_DATA)
    per_article = Counter(row["article"] for row in rows)
    assert all(per_article[a] == len(article_units(texts[a])) for a in articles)  # whole articles
    assert Counter(texts[a].source for a in articles) == {
        "fakehealth_story": 25,
        "fakehealth_release": 25,
        "cardiff": 25,
    }
    second = {row["id"] for row in read_jsonl(blind.BLIND_SECOND)}
    assert second == {row["id"] for row in rows}


@needs_shared
def test_evaluate_blind_scores_a_model_once(baseline_bundle, tmp_path, monkeypatch):
    monkeypatch.setattr(blind, "BLIND_LEDGER", tmp_path / "ledger.jsonl")
    command = ["evaluate", "--model", str(baseline_bundle), "--blind", "--reports", str(tmp_path)]
    first = CliRunner().invoke(app, command)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "evaluate-blind.md").exists()
    again = CliRunner().invoke(app, command)
    assert again.exit_code == 0 and "scored on the blind set before" in again.output
    ledger = [json.loads(line) for line in (tmp_path / "ledger.jsonl").read_text().splitlines()]
    assert len(ledger) == 1 and ledger[0]["metrics"]["n"] == len(read_jsonl(BLIND_TEST))
    tuned = CliRunner().invoke(app, [*command, "--overclaim-threshold", "0.3"])
    assert tuned.exit_code == 2 and "takes the model as it is" in tuned.output
