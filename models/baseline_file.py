"""The baseline's file: its scikit-learn heads as data (skops: values and a list of types, never
code), compressed, with each TF-IDF vocabulary written as one string of its terms in column order.

skops writes a dict as one JSON object per entry, some 150 bytes for every term of each of the 18
vectorizers (two per head, nine heads): about 100 MB for the smoke model. As one string, a
vocabulary costs what its characters do.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import skops.io

# What the file may contain beyond the types skops trusts by itself: anything else is refused.
BASELINE_TYPES = ["sklearn.calibration._CalibratedClassifier", "sklearn.calibration._SigmoidCalibration"]
# Never inside a term: both analyzers split the text on whitespace before they make n-grams.
SEPARATOR = "\n"


def _vectorizers(models: dict[str, Any]) -> Iterator[Any]:
    """Every TF-IDF vectorizer of the heads, always in the same order."""
    for pipeline in [models["verdict"], *models["reasons"], models["claim"]]:
        for _, vectorizer in pipeline.named_steps["features"].transformer_list:
            yield vectorizer


def save_baseline(models: dict[str, Any], path: Path) -> None:
    """Write the heads (``verdict``, ``reasons``, ``claim``) to ``path``; ``models`` stay as they are."""
    stored = copy.deepcopy(models)
    vocabularies = []
    for vectorizer in _vectorizers(stored):
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        if any(SEPARATOR in term for term in terms):
            raise ValueError("a vocabulary term holds a line break: it cannot be written as lines")
        vocabularies.append(SEPARATOR.join(terms))
        del vectorizer.vocabulary_
    skops.io.dump({**stored, "vocabularies": vocabularies}, path, compression=zipfile.ZIP_DEFLATED)


def load_baseline(path: Path) -> dict[str, Any]:
    """The heads as :func:`save_baseline` wrote them, each vectorizer with its vocabulary again."""
    stored = skops.io.load(path, trusted=BASELINE_TYPES)
    # A file written before vocabularies were stored as lines keeps them in its vectorizers.
    vocabularies = stored.pop("vocabularies", None)
    if vocabularies is not None:
        for vectorizer, terms in zip(_vectorizers(stored), vocabularies, strict=True):
            vectorizer.vocabulary_ = {term: column for column, term in enumerate(terms.split(SEPARATOR))}
    return stored
