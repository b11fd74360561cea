"""The one scoring path: text -> sentences with offsets -> probabilities -> verdicts and advice.

The API, the CLI, batch jobs and evaluation all call :func:`score_documents` (whole texts) or
:func:`score_units` (texts that are single units already), so a sentence gets the same score
whichever door it came in by. Every sentence of every text goes to the model in one call.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from hypecheck.models.checklist import checklist
from hypecheck.models.context import sentence_contexts
from hypecheck.models.labels import OVERCLAIM
from hypecheck.models.prediction import Contexts, Predictor, Probabilities
from hypecheck.models.quotes import is_quoted, quote_regions
from hypecheck.models.sentences import split_sentences
from hypecheck.models.suggestions import suggest
from hypecheck.models.triggers import occlusion_triggers, word_spans


@dataclass(frozen=True)
class ScoreOptions:
    """What to compute beyond the probabilities (triggers cost one model call per word)."""

    triggers: bool = True
    suggestions: bool = True
    overclaim_threshold: float | None = None  # None: the bundle's calibrated threshold
    reasons: frozenset[str] | None = None  # None: all reasons
    # Triggers for this many of a document's likeliest overclaims at most: a long document costs a
    # bounded number of occluded variants and degrades (fewer triggers) instead of timing out.
    trigger_sentences: int = 24


@dataclass(frozen=True)
class SentenceScore:
    """The score of one sentence; ``start``/``end`` are offsets into the scored text."""

    start: int
    end: int
    text: str
    p_overclaim: float
    verdict: str
    reasons: dict[str, float]
    claim_strength: dict[str, Any]
    quoted: bool = False
    triggers: list[dict[str, Any]] = field(default_factory=list)
    suggestion: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentScore:
    """A scored text: its sentences, a summary with the review checklist, and the model card."""

    sentences: list[SentenceScore]
    summary: dict[str, Any]
    model: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentences": [s.to_dict() for s in self.sentences],
            "summary": self.summary,
            "model": self.model,
        }


def decide(
    verdict_probs: np.ndarray, reason_probs: np.ndarray, predictor: Predictor, options: ScoreOptions
) -> tuple[str, dict[str, float]]:
    """Overclaim above the threshold, else the likelier of the other two; an overclaim always names
    at least its most probable (enabled) reason."""
    info = predictor.info
    threshold = (
        info.overclaim_threshold if options.overclaim_threshold is None else options.overclaim_threshold
    )
    enabled = [j for j, name in enumerate(info.reasons) if options.reasons is None or name in options.reasons]
    if verdict_probs[0] >= threshold and enabled:
        picked = [j for j in enabled if reason_probs[j] >= info.reason_threshold]
        best = max(enabled, key=lambda j: reason_probs[j])
        return OVERCLAIM, {info.reasons[j]: round(float(reason_probs[j]), 4) for j in picked or [best]}
    return info.verdicts[1 + int(np.argmax(verdict_probs[1:]))], {}


def model_card(predictor: Predictor) -> dict[str, str]:
    return {
        "name": predictor.info.name,
        "version": predictor.info.version,
        "bundle_hash": predictor.hash,
        "kind": predictor.info.kind,
    }


def _likeliest(rows: list[int], documents: Sequence[int], p: np.ndarray, k: int) -> list[int]:
    """Of ``rows``, the ``k`` with the highest ``p`` in each document, in row order."""
    by_document: dict[int, list[int]] = defaultdict(list)
    for i in rows:
        by_document[documents[i]].append(i)
    return sorted(i for group in by_document.values() for i in sorted(group, key=lambda i: -p[i])[:k])


def _scores(
    predictor: Predictor,
    spans: Sequence[tuple[int, int, str, bool]],
    options: ScoreOptions,
    contexts: Sequence[str | None],
    documents: Sequence[int],
) -> list[SentenceScore]:
    texts = [text for _, _, text, _ in spans]
    probs: Probabilities = predictor.predict(texts, contexts)
    decided = [decide(probs.verdict[i], probs.reasons[i], predictor, options) for i in range(len(spans))]
    overclaims = [i for i, (verdict, _) in enumerate(decided) if verdict == OVERCLAIM]
    flagged = _likeliest(overclaims, documents, probs.p_overclaim, options.trigger_sentences)
    triggers: dict[int, list[dict[str, Any]]] = {}
    if options.triggers and flagged:
        found = occlusion_triggers(
            predictor, [texts[i] for i in flagged], probs.p_overclaim[flagged], [contexts[i] for i in flagged]
        )
        for i, sentence_triggers in zip(flagged, found, strict=True):
            offset = spans[i][0]
            triggers[i] = [
                {"start": offset + t.start, "end": offset + t.end, "text": t.text, "weight": t.weight}
                for t in sentence_triggers
            ]
    out = []
    for i, (start, end, text, quoted) in enumerate(spans):
        verdict, reasons = decided[i]
        suggestion = None
        if options.suggestions and verdict == OVERCLAIM:
            advice = suggest(text, list(reasons))
            suggestion = {"advice": advice.advice, "rewrite": advice.rewrite}
        claim = probs.claim[i]
        out.append(
            SentenceScore(
                start=start,
                end=end,
                text=text,
                p_overclaim=round(float(probs.p_overclaim[i]), 4),
                verdict=verdict,
                reasons=reasons,
                claim_strength={
                    "label": predictor.info.claim_strengths[int(np.argmax(claim))],
                    "probs": {
                        n: round(float(p), 4)
                        for n, p in zip(predictor.info.claim_strengths, claim, strict=True)
                    },
                },
                quoted=quoted,
                triggers=triggers.get(i, []),
                suggestion=suggestion,
            )
        )
    return out


def summarize(sentences: list[SentenceScore], worst: int = 3) -> dict[str, Any]:
    """Overall score (mean of the three highest sentence scores), counts, worst sentences, checklist."""
    scores = sorted((s.p_overclaim for s in sentences), reverse=True)
    ranked = sorted(range(len(sentences)), key=lambda i: -sentences[i].p_overclaim)
    return {
        "overall": round(float(np.mean(scores[:3])), 4) if scores else 0.0,
        "sentences": len(sentences),
        "verdicts": dict(Counter(s.verdict for s in sentences)),
        "reasons": dict(Counter(r for s in sentences for r in s.reasons)),
        "worst": [i for i in ranked[:worst] if sentences[i].verdict == OVERCLAIM],
        "checklist": checklist([s.text for s in sentences]),
    }


def score_units(
    predictor: Predictor,
    texts: Sequence[str],
    options: ScoreOptions | None = None,
    contexts: Contexts = None,
) -> list[SentenceScore]:
    """Score texts that are single units already (labelled sentences, batch rows): no splitting.
    ``contexts`` gives each unit's article context where the caller knows it."""
    options = options or ScoreOptions(triggers=False, suggestions=False)
    return _scores(
        predictor,
        [(0, len(t), t, is_quoted(0, len(t), quote_regions(t))) for t in texts],
        options,
        contexts or [None] * len(texts),
        range(len(texts)),
    )


def score_documents(
    predictor: Predictor, texts: Sequence[str], options: ScoreOptions | None = None
) -> list[DocumentScore]:
    """Split every text into sentences and score all sentences of all texts in one pass; each
    sentence is read with its article context when the model was trained to use one."""
    options = options or ScoreOptions()
    spans, contexts = [], []
    for text in texts:
        regions = quote_regions(text)
        sentences = split_sentences(text)
        spans.append([(s.start, s.end, s.text, is_quoted(s.start, s.end, regions)) for s in sentences])
        contexts += sentence_contexts([s.text for s in sentences], predictor.info.context)
    documents = [d for d, doc in enumerate(spans) for _ in doc]
    flat = _scores(predictor, [span for doc in spans for span in doc], options, contexts, documents)
    card = model_card(predictor)
    out, cursor = [], 0
    for doc in spans:
        scored = flat[cursor : cursor + len(doc)]
        cursor += len(doc)
        out.append(DocumentScore(sentences=scored, summary=summarize(scored), model=card))
    return out


def work_units(texts: Sequence[str], options: ScoreOptions) -> int:
    """The most sentences the model may be asked to score for ``texts``: every sentence, plus, with
    triggers, one occluded variant per word of the longest ``trigger_sentences`` sentences of each
    text. Known before any scoring, so a server can refuse work it cannot afford."""
    total = 0
    for text in texts:
        sentences = split_sentences(text)
        total += len(sentences)
        if options.triggers:
            words = sorted((len(word_spans(s.text)) for s in sentences), reverse=True)
            total += sum(words[: options.trigger_sentences])
    return total
