"""The same sentences with the same options get the same verdict and reasons from every door: the
CLI (``hypecheck check --format json`` with a ``.hypecheck.toml``), the API (a real server),
batch (``hypecheck batch --unit sentence``) and ``hypecheck evaluate``, all run as a user runs them
on the smoke-trained transformer."""

import json

import httpx
import pytest
from hypecheck.models.predictors import load_predictor
from hypecheck.models.scoring import ScoreOptions, score_units

from tests.conftest import start_server
from tests.test_cli import hypecheck

SENTENCES = [
    "This breakthrough will revolutionize the treatment of depression.",
    "Coffee cures cancer, experts say.",
    "The study followed 40 adults for two weeks.",
    "The drug is completely safe for everyone.",
    "Researchers found a modest link between sleep and mood.",
    "A daily cup of green tea prevents dementia, a new survey shows.",
    "More research is needed before doctors recommend it.",
    "Scientists say the miracle pill reverses ageing in mice.",
    "Buy now and feel ten years younger!",
    "The trial enrolled 300 patients with arthritis.",
]


def run(*args, cwd):
    done = hypecheck(*args, cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def options(transformer_bundle):
    """A threshold that splits these sentences and two disabled reasons of a flagged one: options
    that change verdicts and reasons, so a door that ignored or misapplied them would disagree."""
    predictor = load_predictor(transformer_bundle)
    scores = sorted(s.p_overclaim for s in score_units(predictor, SENTENCES))
    threshold = round((scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2, 6)
    plain = score_units(predictor, SENTENCES)
    split = score_units(predictor, SENTENCES, ScoreOptions(overclaim_threshold=threshold))
    disabled = sorted(next(s for s in split if s.verdict == "overclaim").reasons)[:2]
    chosen = score_units(
        predictor,
        SENTENCES,
        ScoreOptions(overclaim_threshold=threshold, disabled_reasons=frozenset(disabled)),
    )
    assert [s.verdict for s in chosen] != [s.verdict for s in plain], "the threshold changes no verdict"
    assert [s.reasons for s in chosen] != [s.reasons for s in split], "the disabled reasons change nothing"
    return threshold, disabled


def decisions(rows):
    return {row["text"]: (row["verdict"], sorted(row["reasons"])) for row in rows}


def test_every_door_gives_the_same_verdicts_and_reasons(transformer_bundle, options, tmp_path):
    threshold, disabled = options
    flags = ["--overclaim-threshold", threshold, *[x for r in disabled for x in ("--disable-reason", r)]]
    model = ["--model", transformer_bundle]

    draft = tmp_path / "draft.txt"
    draft.write_text("\n\n".join(SENTENCES) + "\n")
    (tmp_path / ".hypecheck.toml").write_text(
        f"overclaim_threshold = {threshold}\ndisabled_reasons = {json.dumps(disabled)}\n"
    )
    [report] = json.loads(run("check", draft, "--format", "json", *model, cwd=tmp_path))
    cli = decisions(report["sentences"])

    process, url = start_server(transformer_bundle)
    try:
        body = {
            "documents": [{"text": s} for s in SENTENCES],
            "options": {"overclaim_threshold": threshold, "disabled_reasons": disabled},
        }
        results = httpx.post(f"{url}/v1/score/batch", json=body, timeout=60).json()["results"]
    finally:
        process.terminate()
        process.wait(10)
    api = decisions([s for result in results for s in result["sentences"]])

    records = tmp_path / "sentences.jsonl"
    records.write_text("".join(json.dumps({"id": str(i), "text": s}) + "\n" for i, s in enumerate(SENTENCES)))
    out = tmp_path / "scores.jsonl"
    run("batch", records, out, "--unit", "sentence", "--no-progress", *flags, *model, cwd=tmp_path)
    batch = decisions(json.loads(line) for line in out.read_text().splitlines())

    units = tmp_path / "units.jsonl"
    units.write_text(
        "".join(
            json.dumps({"id": f"u{i}", "text": s, "source": "doors", "group": f"u{i}"}) + "\n"
            for i, s in enumerate(SENTENCES)
        )
    )
    reports = tmp_path / "reports"
    hypecheck(
        "evaluate", "--data", units, "--reports", reports, "--name", "doors", *flags, *model, cwd=tmp_path
    )
    evaluate = decisions(
        json.loads(line) for line in (reports / "doors.predictions.jsonl").read_text().splitlines()
    )

    assert set(cli) == set(SENTENCES)
    assert cli == api == batch == evaluate
    assert any(verdict == "overclaim" for verdict, _ in cli.values())
    assert not any(set(reasons) & set(disabled) for _, reasons in cli.values())
