"""Loaders for the labelled corpora in the shared data folder, as ``datasets.DatasetDict`` objects.

Every row follows the :class:`hypecheck.models.labels.LabelledUnit` record (``id``, ``text``, ``source``,
``group``, ``verdict``, ``reasons``, ``claim_strength``, ``topic``, ``register``, ``confidence``)
plus the corpus's own target in ``label`` (advice strength, certainty, hedge, hype, clickbait).
Splits are grouped by PubMed id where the corpus has one, so a press release's headline and
sentences, or one abstract's sentences, never straddle two splits.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypecheck.models.extras import require
from hypecheck.models.labels import CLAIM_STRENGTHS, LabelledUnit, text_hash
from hypecheck.training.paths import corpus_dir
from hypecheck.training.splits import SPLITS, split_of

if TYPE_CHECKING:
    from datasets import DatasetDict

ADVICE = ("none", "weak", "strong")


def _csv_rows(path: Any) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _unit(text: str, source: str, group: str, **fields: Any) -> dict[str, Any]:
    """A validated record row; the id is stable across runs (source + text hash)."""
    text = " ".join(text.split())
    label = fields.pop("label", None)
    unit = LabelledUnit(
        id=f"{source}:{text_hash(source + text)}", text=text, source=source, group=group, **fields
    )
    return {**unit.to_dict(), "label": label}


def to_dataset_dict(rows: Iterable[dict[str, Any]]) -> DatasetDict:
    """Grouped train/validation/test ``DatasetDict`` of record rows (empty splits are kept)."""
    datasets = require("datasets", "datasets", "the shared corpora as datasets")

    buckets: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    for row in rows:
        row.pop("extra", None)
        buckets[split_of(row["group"])].append(row)
    return datasets.DatasetDict({name: datasets.Dataset.from_list(items) for name, items in buckets.items()})


def yu2020_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Claim strength (0-3) of PubMed conclusions and EurekAlert press-release headlines/sentences."""
    root = corpus_dir(data_dir, "yu2020_claim_strength")
    rows = []
    for row in _csv_rows(root / "annotated_pubmed.csv"):
        strength = CLAIM_STRENGTHS[int(row["label"])]
        text = row["sentence"]
        # This file carries no PubMed id: each conclusion sentence is its own group.
        rows.append(
            _unit(
                text, "yu2020_pubmed", f"yu-pubmed:{text_hash(text)}", claim_strength=strength, label=strength
            )
        )
    for row in _csv_rows(root / "annotated_eureka.csv"):
        strength = CLAIM_STRENGTHS[int(row["label"])]
        pmid = row["sentId"].split("-", 1)[0]
        register = "headline" if "-title" in row["sentId"] else "press_release"
        rows.append(
            _unit(
                row["sentence"],
                "yu2020_eureka",
                f"pmid:{pmid}",
                claim_strength=strength,
                register=register,
                label=strength,
            )
        )
    return rows


def li2021_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Health-advice strength (none, weak, strong) in abstracts and discussion sections."""
    root = corpus_dir(data_dir, "li2021_health_advice")
    rows = []
    for name in (
        "annotations_structured_abstract",
        "annotations_unstructured_abstract",
        "annotations_discussion",
    ):
        for row in _csv_rows(root / f"{name}.csv"):
            rows.append(
                _unit(
                    row["sentence"],
                    f"li2021_{name.removeprefix('annotations_')}",
                    f"pmid:{row['pmid']}",
                    label=ADVICE[int(row["label"])],
                )
            )
    return rows


def pei2021_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Sentence-level certainty (1 = most uncertain .. 6 = most certain) of scientific findings."""
    root = corpus_dir(data_dir, "pei2021_certainty")
    rows = []
    with (root / "sentence-level-certainty.train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.append(
                _unit(
                    row["finding"],
                    "pei2021",
                    f"pei:{row['id']}",
                    label=float(row["sentence-level-certainty"]),
                )
            )
    return rows


def bioscope_rows(data_dir: Path) -> list[dict[str, Any]]:
    """Sentences of BioScope abstracts and full papers; ``label`` is whether a speculation cue occurs."""
    root = corpus_dir(data_dir, "bioscope")
    rows = []
    for name in ("abstracts", "full_papers"):
        tree = ET.parse(root / f"{name}.xml")
        for document in tree.iter("Document"):
            doc_id = (document.findtext("DocID") or "").strip()
            for sentence in document.iter("sentence"):
                text = "".join(sentence.itertext())
                if not text.strip():
                    continue
                cues = [cue for cue in sentence.iter("cue") if cue.get("type") == "speculation"]
                rows.append(
                    _unit(
                        text, f"bioscope_{name}", f"bioscope:{doc_id}", label="hedged" if cues else "certain"
                    )
                )
    return rows


def millar_rows(data_dir: Path) -> list[dict[str, Any]]:
    """The 60 guideline sentences of the hype lexicon, each ``HYPE`` or ``NOT HYPE`` for one adjective."""
    root = corpus_dir(data_dir, "millar_hype_lexicon")
    with (root / "guideline_examples.tsv").open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [
            _unit(
                row["sentence"].strip("… ").strip(),
                "millar",
                f"millar:{row['adjective']}",
                label=row["label"].lower().replace(" ", "_"),
            )
            for row in reader
        ]


def hype_lexicon(data_dir: Path) -> dict[str, str]:
    """The 139 hype adjectives of Millar et al., each with its category."""
    root = corpus_dir(data_dir, "millar_hype_lexicon")
    with (root / "hype_adjectives.tsv").open(encoding="utf-8") as handle:
        return {row["adjective"]: row["category"] for row in csv.DictReader(handle, delimiter="\t")}


def clickbait_rows(data_dir: Path) -> list[dict[str, Any]]:
    """32,000 news headlines, half clickbait (Chakraborty et al. 2016)."""
    root = corpus_dir(data_dir, "clickbait_chakraborty2016")
    rows = []
    for name, label in (("clickbait_data.gz", "clickbait"), ("non_clickbait_data.gz", "not_clickbait")):
        with gzip.open(root / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rows.append(
                        _unit(
                            line,
                            "clickbait",
                            f"clickbait:{text_hash(line.strip())}",
                            register="headline",
                            label=label,
                        )
                    )
    return rows


def weasel_rows(data_dir: Path) -> list[dict[str, Any]]:
    """CoNLL-2010 Wikipedia sentences, ``weasel`` (uncertain) or ``certain``; auxiliary only."""
    root = corpus_dir(data_dir, "conll2010_wiki_weasel")
    rows = []
    for name in ("train", "test"):
        for row in _csv_rows(root / f"{name}.csv"):
            if row["text"].strip():
                rows.append(
                    _unit(
                        row["text"],
                        "conll2010_weasel",
                        f"weasel:{text_hash(row['text'])}",
                        label="weasel" if row["label"] == "1" else "certain",
                    )
                )
    return rows


def seed_rows(data_dir: Path) -> list[dict[str, Any]]:
    """The 1,219 calibration units already labelled to our spec (real FakeHealth and written)."""
    root = corpus_dir(data_dir, "hypecheck_seed_labels")
    rows = []
    for name, source in (("fakehealth_sentences", "seed_fakehealth"), ("written_sentences", "seed_written")):
        with (root / f"{name}.jsonl").open(encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                group = row.get("article") or f"seed:{row['id']}"
                rows.append(
                    _unit(
                        row["text"],
                        source,
                        group,
                        verdict=row["verdict"],
                        reasons=tuple(row["reasons"]),
                        confidence=row.get("confidence", "high"),
                        label=row["verdict"],
                    )
                )
    return rows


CORPORA: dict[str, Callable[[Path], list[dict[str, Any]]]] = {
    "yu2020_claim_strength": yu2020_rows,
    "li2021_health_advice": li2021_rows,
    "pei2021_certainty": pei2021_rows,
    "bioscope": bioscope_rows,
    "millar_hype_lexicon": millar_rows,
    "clickbait_chakraborty2016": clickbait_rows,
    "conll2010_wiki_weasel": weasel_rows,
    "hypecheck_seed_labels": seed_rows,
}


def load_corpus(data_dir: Path, name: str) -> DatasetDict:
    """One shared corpus of ``data_dir`` as a grouped ``DatasetDict``."""
    return to_dataset_dict(CORPORA[name](data_dir))
