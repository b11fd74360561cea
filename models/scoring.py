"""The one scoring path: text -> sentences with offsets -> probabilities -> verdicts and advice.

The API, the CLI, batch jobs and evaluation all call :func:`score_documents` (whole texts) or
:func:`score_units` (texts that are single units already), so a sentence gets the same score
whichever door it came in by. Every sentence of every text goes to the model in one call.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.checklist import checklist
from hypecheck.models.context import sentence_contexts
from hypecheck.models.labels import OVERCLAIM, REASONS
from hypecheck.models.prediction import Contexts, Predictor, Probabilities, TokenStates, word_states_of
from hypecheck.models.quotes import is_quoted, quote_regions
from hypecheck.models.results import (
    ClaimStrength,
    DocumentScore,
    ModelCard,
    SentenceScore,
    Suggestion,
    Summary,
    Trigger,
)
from hypecheck.models.sentences import split_sentences
from hypecheck.models.suggestions import suggest_all
from hypecheck.models.triggers import occlusion_triggers, word_spans
from hypecheck.models.verdicts import Decisions, VerdictRule


@dataclass(frozen=True)
class ScoreOptions:
    """Everything a caller may change about scoring, for every door: what to compute beyond the
    probabilities (triggers cost one model call per word), the overclaim threshold, and the reasons
    a user does not want flagged. Applied here, once, through :meth:`rule`."""

    triggers: bool = True
    suggestions: bool = True
    rewrites: bool = True  # a checked rewrite beside the advice: one to five more model calls per overclaim
    overclaim_threshold: float | None = None  # None: the bundle's calibrated threshold
    disabled_reasons: frozenset[str] = frozenset()
    # Triggers for this many of a document's likeliest overclaims at most: a long document costs a
    # bounded number of occluded variants and degrades (fewer triggers) instead of timing out.
    trigger_sentences: int = 24

    def __post_init__(self) -> None:
        unknown = set(self.disabled_reasons) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown reasons: {', '.join(sorted(unknown))} (one of {', '.join(REASONS)})")
        if self.overclaim_threshold is not None and not 0.0 <= self.overclaim_threshold <= 1.0:
            raise ValueError(f"the overclaim threshold is a probability, not {self.overclaim_threshold}")

    def rule(self, info: BundleInfo) -> VerdictRule:
        """The verdict rule for a model: its calibrated thresholds, as these options adjust them."""
        threshold = self.overclaim_threshold
        return VerdictRule(
            threshold=info.overclaim_threshold if threshold is None else threshold,
            reason_threshold=info.reason_threshold,
            enabled=tuple(name not in self.disabled_reasons for name in info.reasons),
        )


def model_card(predictor: Predictor) -> ModelCard:
    info = predictor.info
    return ModelCard(
        name=info.name,
        version=info.version,
        bundle_hash=predictor.hash,
        kind=info.kind,
        runtime=predictor.runtime,
    )


def _likeliest(rows: list[int], documents: Sequence[int], p: np.ndarray, k: int) -> list[int]:
    """Of ``rows``, the ``k`` with the highest ``p`` in each document, in row order."""
    by_document: dict[int, list[int]] = defaultdict(list)
    for i in rows:
        by_document[documents[i]].append(i)
    return sorted(i for group in by_document.values() for i in sorted(group, key=lambda i: -p[i])[:k])


def _triggers(
    predictor: Predictor,
    spans: Sequence[tuple[int, int, str, bool]],
    probs: Probabilities,
    flagged: list[int],
    contexts: Sequence[str | None],
) -> dict[int, list[Trigger]]:
    """Trigger words of the flagged sentences, in offsets of the scored text."""
    found = occlusion_triggers(
        predictor, [spans[i][2] for i in flagged], probs.p_overclaim[flagged], [contexts[i] for i in flagged]
    )
    return {
        i: [t.model_copy(update={"start": spans[i][0] + t.start, "end": spans[i][0] + t.end}) for t in words]
        for i, words in zip(flagged, found, strict=True)
    }


def _suggestions(
    predictor: Predictor,
    spans: Sequence[tuple[int, int, str, bool]],
    decided: Decisions,
    rows: list[int],
    contexts: Sequence[str | None],
    options: ScoreOptions,
    states: list[TokenStates] | None,
) -> list[Suggestion]:
    """Advice and a checked rewrite for the sentences ``rows``, read in their contexts; ``states``:
    every sentence's token states from the scoring pass, when the predictor gave them."""
    info = predictor.info
    items = [
        (spans[i][2], contexts[i], [info.reasons[j] for j in np.flatnonzero(decided.reasons[i])])
        for i in rows
    ]
    words = [word_states_of(spans[i][2], states[i]) for i in rows] if states is not None else None
    return suggest_all(predictor, items, options.rule(info), rewrites=options.rewrites, states=words)


def _scores(
    predictor: Predictor,
    spans: Sequence[tuple[int, int, str, bool]],
    options: ScoreOptions,
    contexts: Sequence[str | None],
    documents: Sequence[int],
) -> tuple[list[SentenceScore], Probabilities]:
    info = predictor.info
    texts = [text for _, _, text, _ in spans]
    # the rewriter reads the token states of the pass that scores: asked for only where it is used
    rewriting = options.suggestions and options.rewrites and getattr(predictor, "rewriter", None) is not None
    probs: Probabilities = predictor.predict(texts, contexts, states=rewriting)
    decided = options.rule(info).apply(probs.verdict, probs.reasons)
    overclaims = [int(i) for i in np.flatnonzero(decided.verdicts == 0)]
    flagged = _likeliest(overclaims, documents, probs.p_overclaim, options.trigger_sentences)
    triggers = _triggers(predictor, spans, probs, flagged, contexts) if options.triggers and flagged else {}
    suggested = overclaims if options.suggestions else []
    suggestions = dict(
        zip(
            suggested,
            _suggestions(predictor, spans, decided, suggested, contexts, options, probs.states),
            strict=True,
        )
    )
    out = []
    for i, (start, end, text, quoted) in enumerate(spans):
        reasons = {
            info.reasons[j]: round(float(probs.reasons[i, j]), 4) for j in np.flatnonzero(decided.reasons[i])
        }
        claim = probs.claim[i]
        out.append(
            SentenceScore(
                start=start,
                end=end,
                text=text,
                p_overclaim=round(float(probs.p_overclaim[i]), 4),
                verdict=info.verdicts[int(decided.verdicts[i])],
                reasons=reasons,
                claim_strength=ClaimStrength(
                    label=info.claim_strengths[int(np.argmax(claim))],
                    probs={n: round(float(p), 4) for n, p in zip(info.claim_strengths, claim, strict=True)},
                ),
                quoted=quoted,
                triggers=triggers.get(i, []),
                suggestion=suggestions.get(i),
            )
        )
    return out, probs


def summarize(sentences: list[SentenceScore], worst: int = 3) -> Summary:
    """Overall score (mean of the three highest sentence scores), counts, worst sentences, checklist."""
    scores = sorted((s.p_overclaim for s in sentences), reverse=True)
    ranked = sorted(range(len(sentences)), key=lambda i: -sentences[i].p_overclaim)
    return Summary(
        overall=round(float(np.mean(scores[:3])), 4) if scores else 0.0,
        sentences=len(sentences),
        verdicts=dict(Counter(s.verdict for s in sentences)),
        reasons=dict(Counter(r for s in sentences for r in s.reasons)),
        worst=[i for i in ranked[:worst] if sentences[i].verdict == OVERCLAIM],
        checklist=checklist([s.text for s in sentences]),
    )


def score_units_with_probabilities(
    predictor: Predictor,
    texts: Sequence[str],
    options: ScoreOptions | None = None,
    contexts: Contexts = None,
) -> tuple[list[SentenceScore], Probabilities]:
    """:func:`score_units`, and the probabilities its verdicts were decided from (evaluation
    measures both: the verdicts every door hands out, and the ranking and calibration behind them)."""
    options = options or ScoreOptions(triggers=False, suggestions=False)
    return _scores(
        predictor,
        [(0, len(t), t, is_quoted(0, len(t), quote_regions(t))) for t in texts],
        options,
        contexts or [None] * len(texts),
        range(len(texts)),
    )


def score_units(
    predictor: Predictor,
    texts: Sequence[str],
    options: ScoreOptions | None = None,
    contexts: Contexts = None,
) -> list[SentenceScore]:
    """Score texts that are single units already (labelled sentences, batch rows): no splitting.
    ``contexts`` gives each unit's article context where the caller knows it."""
    return score_units_with_probabilities(predictor, texts, options, contexts)[0]


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
    flat, _ = _scores(predictor, [span for doc in spans for span in doc], options, contexts, documents)
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
