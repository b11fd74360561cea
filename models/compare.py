"""News against its source: where a story states a stronger claim than the abstract it reports on.

Following Sumner et al. (2014), three exaggerations are checked for each claim sentence of the
news text, against its best-matching source sentence: a stronger claim strength (correlation
reported as cause), human inference from animal or cell research, and advice the source does not
give. Claim strength comes from the model's claim head; matching is TF-IDF cosine similarity.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from hypecheck.models.prediction import Predictor
from hypecheck.models.sentences import split_sentences
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

ANIMAL = re.compile(
    r"\b(mice|mouse|rats?|rodents?|animals?|monkeys?|primates?|zebrafish|fruit fl(y|ies)|"
    r"in vitro|cells?|cell lines?|organoids?|petri|laboratory dish)\b",
    re.I,
)
ADVICE = re.compile(
    r"\b(should|must|ought to|recommend\w*|advis\w*|need to|try to|avoid|consider|"
    r"it is (best|wise)|make sure)\b",
    re.I,
)
MIN_SIMILARITY = 0.1


def _similarity(news: list[str], source: list[str]) -> np.ndarray:
    """TF-IDF cosine similarity of every news sentence to every source sentence (zeros if no words)."""
    try:
        vectors = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b").fit(
            news + source
        )
    except ValueError:  # no word characters at all
        return np.zeros((len(news), len(source)))
    return cosine_similarity(vectors.transform(news), vectors.transform(source))


def compare_texts(predictor: Predictor, news: str, source: str) -> dict[str, Any]:
    """Claims of ``news`` aligned to ``source`` sentences, with the exaggerations found."""
    news_sentences = split_sentences(news)
    source_sentences = split_sentences(source)
    if not news_sentences or not source_sentences:
        return {"claims": [], "summary": {"claims": 0, "exaggerated": 0}}
    names = predictor.info.claim_strengths
    news_claims = predictor.predict([s.text for s in news_sentences]).claim.argmax(axis=1)
    source_claims = predictor.predict([s.text for s in source_sentences]).claim.argmax(axis=1)
    similarity = _similarity([s.text for s in news_sentences], [s.text for s in source_sentences])
    source_is_animal = bool(ANIMAL.search(source))
    source_advises = bool(ADVICE.search(source))
    source_strongest = int(source_claims.max())
    claims = []
    for i, sentence in enumerate(news_sentences):
        strength = int(news_claims[i])
        advises = bool(ADVICE.search(sentence.text))
        if strength == 0 and not advises:
            continue
        j = int(np.argmax(similarity[i]))
        matched = float(similarity[i, j]) >= MIN_SIMILARITY
        # Without a matching sentence, compare with the strongest claim anywhere in the source.
        baseline = int(source_claims[j]) if matched else source_strongest
        flags = []
        if strength > baseline:
            flags.append(
                {
                    "kind": "stronger_claim",
                    "detail": f"news says {names[strength]}, source says {names[baseline]}",
                }
            )
        if source_is_animal and strength > 0 and not ANIMAL.search(sentence.text):
            flags.append(
                {
                    "kind": "animal_to_human",
                    "detail": "the source studied animals or cells; this sentence does not say so",
                }
            )
        if advises and not source_advises:
            flags.append({"kind": "advice", "detail": "the news gives advice the source does not give"})
        claims.append(
            {
                "news": {
                    "start": sentence.start,
                    "end": sentence.end,
                    "text": sentence.text,
                    "claim_strength": names[strength],
                },
                "source": {
                    "start": source_sentences[j].start,
                    "end": source_sentences[j].end,
                    "text": source_sentences[j].text,
                    "claim_strength": names[int(source_claims[j])],
                    "similarity": round(float(similarity[i, j]), 3),
                }
                if matched
                else None,
                "flags": flags,
            }
        )
    return {
        "claims": claims,
        "summary": {
            "claims": len(claims),
            "exaggerated": sum(1 for c in claims if c["flags"]),
            "source_is_animal_or_cell_study": source_is_animal,
        },
    }
