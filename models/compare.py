"""News against its source: where a story states a stronger claim than the abstract it reports on.

Following Sumner et al. (2014), three exaggerations are checked for each claim sentence of the
news text, against its best-matching source sentence: a stronger claim strength (correlation
reported as cause), human inference from animal or cell research, and advice the source does not
give. Claim strength comes from the model's claim head; matching is TF-IDF cosine similarity.
"""

from __future__ import annotations

import re

import numpy as np
from hypecheck.models.labels import CLAIM_STRENGTHS
from hypecheck.models.results import DocumentScore, SentenceScore
from pydantic import BaseModel, Field
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


class Flag(BaseModel):
    kind: str = Field(description="stronger_claim, animal_to_human or advice")
    detail: str


class ClaimSpan(BaseModel):
    start: int
    end: int
    text: str
    claim_strength: str


class SourceSpan(ClaimSpan):
    similarity: float = Field(description="TF-IDF cosine similarity to the news sentence")


class Claim(BaseModel):
    news: ClaimSpan
    source: SourceSpan | None = Field(description="The best-matching source sentence, if any matches")
    flags: list[Flag]


class ComparisonSummary(BaseModel):
    claims: int
    exaggerated: int
    source_is_animal_or_cell_study: bool


class Comparison(BaseModel):
    """News claims aligned to source sentences, with the exaggerations found."""

    claims: list[Claim]
    summary: ComparisonSummary


def _span(sentence: SentenceScore) -> ClaimSpan:
    label = sentence.claim_strength.label
    return ClaimSpan(start=sentence.start, end=sentence.end, text=sentence.text, claim_strength=label)


def _flags(news: SentenceScore, baseline: str, source_is_animal: bool, source_advises: bool) -> list[Flag]:
    strength = CLAIM_STRENGTHS.index(news.claim_strength.label)
    flags = []
    if strength > CLAIM_STRENGTHS.index(baseline):
        detail = f"news says {news.claim_strength.label}, source says {baseline}"
        flags.append(Flag(kind="stronger_claim", detail=detail))
    if source_is_animal and strength > 0 and not ANIMAL.search(news.text):
        detail = "the source studied animals or cells; this sentence does not say so"
        flags.append(Flag(kind="animal_to_human", detail=detail))
    if ADVICE.search(news.text) and not source_advises:
        flags.append(Flag(kind="advice", detail="the news gives advice the source does not give"))
    return flags


def compare_scores(news: DocumentScore, source: DocumentScore) -> Comparison:
    """Claims of the scored ``news`` aligned to the scored ``source``: both come from
    :func:`hypecheck.models.scoring.score_documents` (or the API's micro-batcher over it), so each
    sentence's claim strength is read with its article context, as every other door reads it."""
    source_text = " ".join(s.text for s in source.sentences)
    source_is_animal = bool(ANIMAL.search(source_text))
    source_advises = bool(ADVICE.search(source_text))
    if not news.sentences or not source.sentences:
        empty = ComparisonSummary(claims=0, exaggerated=0, source_is_animal_or_cell_study=source_is_animal)
        return Comparison(claims=[], summary=empty)
    similarity = _similarity([s.text for s in news.sentences], [s.text for s in source.sentences])
    strongest = max((s.claim_strength.label for s in source.sentences), key=CLAIM_STRENGTHS.index)
    claims = []
    for i, sentence in enumerate(news.sentences):
        if sentence.claim_strength.label == CLAIM_STRENGTHS[0] and not ADVICE.search(sentence.text):
            continue
        j = int(np.argmax(similarity[i]))
        matched = float(similarity[i, j]) >= MIN_SIMILARITY
        # Without a matching sentence, compare with the strongest claim anywhere in the source.
        baseline = source.sentences[j].claim_strength.label if matched else strongest
        claims.append(
            Claim(
                news=_span(sentence),
                source=SourceSpan(
                    **dict(_span(source.sentences[j])), similarity=round(float(similarity[i, j]), 3)
                )
                if matched
                else None,
                flags=_flags(sentence, baseline, source_is_animal, source_advises),
            )
        )
    summary = ComparisonSummary(
        claims=len(claims),
        exaggerated=sum(1 for c in claims if c.flags),
        source_is_animal_or_cell_study=source_is_animal,
    )
    return Comparison(claims=claims, summary=summary)
