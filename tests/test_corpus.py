"""The project's own labelled data: thresholds, near-duplicates, splits, and the real annotations."""

import numpy as np
import pytest
from hypecheck.models.labels import OVERCLAIM
from hypecheck.training.annotation import REAL_ANNOTATIONS, load_real_units, read_jsonl
from hypecheck.training.corpus import load_document_units, load_written_units, units_by_split
from hypecheck.training.dataset import with_context
from hypecheck.training.examples import from_unit
from hypecheck.training.splits import split_of
from hypecheck.training.stats import real_thresholds, written_thresholds
from sklearn.feature_extraction.text import CountVectorizer

from tests.conftest import SHARED_DATA, needs_shared


@pytest.fixture(scope="module")
def written():
    return load_written_units()


def test_written_corpus_meets_every_threshold(written):
    missed = [c for c in written_thresholds(written) if not c.met]
    assert not missed, missed


def near_duplicates(texts, threshold=0.9):
    """Pairs whose character 3-gram sets have Jaccard similarity >= threshold."""
    grams = CountVectorizer(analyzer="char", ngram_range=(3, 3), lowercase=True, binary=True).fit_transform(
        texts
    )
    sizes = np.asarray(grams.sum(axis=1)).ravel()
    overlap = (grams @ grams.T).tocoo()
    jaccard = overlap.data / (sizes[overlap.row] + sizes[overlap.col] - overlap.data)
    keep = (overlap.row < overlap.col) & (jaccard >= threshold)
    return list(zip(overlap.row[keep], overlap.col[keep], strict=True))


def test_near_duplicate_detector_catches_a_copy():
    texts = [
        "Coffee was linked to lower dementia risk in 3,000 adults.",
        "Coffee was linked to lower dementia risk in 3,000 adults!",
        "Something else entirely.",
    ]
    assert near_duplicates(texts) == [(0, 1)]


def test_written_corpus_has_no_near_duplicates(written):
    pairs = near_duplicates([u.text for u in written])
    assert not pairs, [(written[i].id, written[j].id) for i, j in pairs[:10]]


def test_minimal_pairs_contrast_an_overclaim_with_a_supported_claim(written):
    pairs = {}
    for unit in written:
        if unit.extra.get("pair"):
            pairs.setdefault(unit.extra["pair"], []).append(unit.verdict)
    broken = {p: v for p, v in pairs.items() if sorted(v) != [OVERCLAIM, "supported"]}
    assert not broken, list(broken.items())[:10]


def test_no_group_crosses_splits(written):
    where = {}
    for split, units in units_by_split(written).items():
        for unit in units:
            assert where.setdefault(unit.group, split) == split
    sizes = {split: len(units) for split, units in units_by_split(written).items()}
    assert sizes["validation"] > 0.05 * len(written) and sizes["test"] > 0.05 * len(written)


@needs_shared
@pytest.mark.skipif(not REAL_ANNOTATIONS.exists(), reason="no real-sentence annotations yet")
def test_real_annotations_rebuild_with_matching_hashes():
    units = load_real_units(SHARED_DATA)  # raises AnnotationDrift on any mismatch
    assert len(units) == len(read_jsonl(REAL_ANNOTATIONS))
    assert all(t.met for t in real_thresholds(units))


@pytest.fixture(scope="module")
def documents():
    return load_document_units()


def test_written_documents_are_whole_labelled_pages(documents):
    """Issue targets: 300+ documents, 3,000+ units, a third hard negatives, furniture on most pages."""
    by_document: dict[str, list] = {}
    for unit in documents:
        by_document.setdefault(unit.group, []).append(unit)
    assert len(by_document) >= 300 and len(documents) >= 3000
    assert len({u.id for u in documents}) == len(documents)
    assert sum(u.extra["hard_negative"] for u in documents) >= len(documents) / 3
    with_furniture = [d for d, units in by_document.items() if any(u.extra["furniture"] for u in units)]
    assert len(with_furniture) >= 0.6 * len(by_document)
    assert all(u.verdict == "neutral" for u in documents if u.extra["furniture"])
    assert all(bool(u.reasons) == (u.verdict == OVERCLAIM) for u in documents)
    genres = {u.extra["genre"] for u in documents}
    assert genres >= {
        "clinic",
        "supplement_shop",
        "wellness_blog",
        "testimonial",
        "social_post",
        "news_aggregator",
    }
    # sober pages of every genre: a genre alone never predicts the label
    for genre in genres:
        pages = [units for units in by_document.values() if units[0].extra["genre"] == genre]
        assert any(all(u.verdict != OVERCLAIM for u in units) for units in pages), genre


def test_written_documents_have_no_near_duplicate_sentences(documents, written):
    sentences = [u for u in documents if not u.extra["furniture"]]
    pairs = near_duplicates([u.text for u in sentences])
    assert not pairs, [(sentences[i].id, sentences[j].id) for i, j in pairs[:10]]
    pairs = near_duplicates([u.text for u in sentences + written])
    across = [(i, j) for i, j in pairs if i < len(sentences) <= j]
    assert not across, [(sentences[i].id, written[j - len(sentences)].id) for i, j in across[:10]]


def test_a_document_reads_its_own_units_as_context(documents):
    first = [u for u in documents if u.group == documents[0].group]
    examples = with_context([from_unit(u) for u in first], "headline+previous")
    assert examples[0].context is None
    assert (
        first[0].text.split()[0] in examples[2].context and first[1].text.split()[-1] in examples[2].context
    )
    assert len({split_of(u.group) for u in first}) == 1
