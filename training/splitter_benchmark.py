"""Measure sentence-splitter candidates on the tricky health-text cases and on real articles.

Accuracy is the share of cases in ``data/splitter/cases.jsonl`` whose sentence list comes out
exactly as expected; speed is sentences per second over a large text. Each candidate is measured
raw (on the whole text) and inside our line-aware wrapper (``hypecheck.models.sentences.split_sentences``),
which treats line breaks as hard boundaries and drops list markers.

Run: ``python -m hypecheck.training.splitter_benchmark`` (writes ``data/splitter/RESULTS.md`` and ``.json``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from hypecheck.models.sentences import split_sentences
from hypecheck.models.settings import Settings
from hypecheck.training.paths import REPO_ROOT

CASES = REPO_ROOT / "data" / "splitter" / "cases.jsonl"
RESULTS = REPO_ROOT / "data" / "splitter" / "RESULTS"

Segment = Callable[[str], list[str]]


def load_cases(path: Path = CASES) -> list[dict]:
    """Cases with ``text`` (defaults to the sentences joined by a space) and expected ``sentences``."""
    cases = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        case = json.loads(line)
        case.setdefault("text", " ".join(case["sentences"]))
        case["id"] = i
        cases.append(case)
    return cases


def _pysbd() -> Segment:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False).segment


def _blingfire() -> Segment:
    import blingfire

    return lambda text: blingfire.text_to_sentences(text).split("\n")


def _syntok() -> Segment:
    from syntok import segmenter

    def segment(text: str) -> list[str]:
        return [
            "".join(token.spacing + token.value for token in sentence)
            for paragraph in segmenter.analyze(text)
            for sentence in paragraph
        ]

    return segment


def _spacy() -> Segment:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return lambda text: [s.text for s in nlp(text).sents]


CANDIDATES: dict[str, Callable[[], Segment]] = {
    "pysbd": _pysbd,
    "blingfire": _blingfire,
    "syntok": _syntok,
    "spacy-sentencizer": _spacy,
}


def raw(segment: Segment) -> Callable[[str], list[str]]:
    return lambda text: [piece.strip() for piece in segment(text) if piece.strip()]


def wrapped(segment: Segment) -> Callable[[str], list[str]]:
    return lambda text: [s.text for s in split_sentences(text, segment)]


def accuracy(split: Callable[[str], list[str]], cases: list[dict]) -> tuple[float, list[int]]:
    failures = [case["id"] for case in cases if split(case["text"]) != case["sentences"]]
    return 1 - len(failures) / len(cases), failures


def speed(split: Callable[[str], list[str]], texts: list[str]) -> float:
    start = time.perf_counter()
    count = sum(len(split(text)) for text in texts)
    return count / (time.perf_counter() - start)


def speed_texts(data_dir: Path, cases: list[dict], limit: int = 300) -> tuple[str, list[str]]:
    """Real articles when the shared corpora are present, else the cases repeated."""
    try:
        from hypecheck.training.articles import fakehealth_articles

        articles = [a.text for _, a in zip(range(limit), fakehealth_articles(data_dir), strict=False)]
        return f"{len(articles)} FakeHealth articles", articles
    except FileNotFoundError:
        return "the cases x20", [case["text"] for case in cases] * 20


def main() -> None:
    cases = load_cases()
    corpus_name, texts = speed_texts(Settings().shared_data_dir, cases)
    rows = []
    for name, build in CANDIDATES.items():
        segment = build()
        for mode, make in (("raw", raw), ("line-aware", wrapped)):
            split = make(segment)
            acc, failures = accuracy(split, cases)
            rows.append(
                {
                    "splitter": name,
                    "mode": mode,
                    "accuracy": round(acc, 3),
                    "sentences_per_s": round(speed(split, texts)),
                    "failed_cases": failures,
                }
            )
            print(f"{name:18} {mode:10} accuracy {acc:.3f}  {rows[-1]['sentences_per_s']:>7} sent/s")
    RESULTS.with_suffix(".json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    table = "\n".join(
        f"| {r['splitter']} | {r['mode']} | {r['accuracy']:.3f} | {r['sentences_per_s']:,} |" for r in rows
    )
    RESULTS.with_suffix(".md").write_text(
        f"# Sentence splitter benchmark\n\n{len(cases)} tricky cases (`cases.jsonl`); "
        f"speed over {corpus_name}.\n"
        f"Reproduce: `python -m hypecheck.training.splitter_benchmark`.\n\n"
        f"| splitter | mode | exact-case accuracy | sentences/s |\n|---|---|---|---|\n{table}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
