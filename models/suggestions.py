"""Advice and a checked rewrite for each overclaiming sentence: the one function every door uses.

Rewrites come from two sources: the learned rewriter of the bundle (:mod:`hypecheck.models.rewriter`)
and the phrase rules (:mod:`hypecheck.models.phrase_rules`), which rewrite the constructions that
overclaim into the wording the label spec calls supported ("cuts the risk of" -> "was linked to a
lower risk of"), weakest edit first. A candidate that an edit left ungrammatical, or that only
swaps "could" for "may" or drops a filler word, is dropped
(:mod:`hypecheck.models.rewrite_guard`); every other one is scored by the same model in the same
context and offered only when it is no longer an overclaim and keeps the sentence's numbers and
names (:mod:`hypecheck.models.facts`); otherwise the advice stands alone. The advice follows
HealthNewsReview.org's criteria and names what this sentence lacks: the kind of study, who was
studied, numbers, the harms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from hypecheck.models.facts import NUMBER, QUOTED, keeps_facts
from hypecheck.models.phrase_rules import phrase_candidates, rewrite
from hypecheck.models.results import Suggestion
from hypecheck.models.rewrite_guard import cosmetic, well_formed

if TYPE_CHECKING:
    from hypecheck.models.prediction import Predictor
    from hypecheck.models.verdicts import VerdictRule

STUDY_TYPE = re.compile(
    r"\b(trials?|randomi[sz]ed|cohort|surveys?|observational|meta-analys[ie]s|reviews?|experiments?|"
    r"case[- ]control|studies|study|research|data)\b",
    re.I,
)
POPULATION = re.compile(
    r"\b(mice|mouse|rats?|animals?|cells?|dish|lab|people|patients|participants|adults|children|"
    r"women|men|volunteers|students|babies|infants|pregnant)\b",
    re.I,
)
LEARNED_CANDIDATES = 12
# Candidates per item scored in one round; the next round only for items still unresolved. One: the
# int8 model scores one sentence per run anyway, and an item's later candidates are never scored
# once one passes (on train and validation, 419 scorings instead of 478 with rounds of 3).
CHECK_ROUND = 1
HARMS = re.compile(r"\b(side[- ]effects?|adverse|harms?|risks?|complications?|toxic\w*|safety)\b", re.I)

ADVICE: dict[str, str] = {
    "sensational": "Drop the hype word and say what was found, in whom, and how big the effect was.",
    "certainty": "One study rarely proves anything: say 'suggests' or 'was linked to', and give the numbers "
    "and their uncertainty.",
    "safety": "Safety needs data: report the side effects seen, how many people, for how long; 'natural' "
    "does not mean safe.",
    "causal": "An observational study (survey, cohort) shows association, not cause: write 'was linked to' "
    "and name the study type.",
    "extrapolation": "Say it was a study in mice, cells or a small group, and that it may not hold for "
    "people in general.",
    "vague_evidence": "Name the studies or experts, their design and size, and give absolute numbers, "
    "not only relative ones.",
    "promotional": "Remove the call to action or sales language; state costs and availability neutrally.",
}

# Per reason: what the sentence should mention, and what to say when it does not.
MISSING: dict[str, tuple[re.Pattern[str], str]] = {
    "causal": (
        STUDY_TYPE,
        "It does not say what kind of study found this: a survey or cohort shows a link, only a "
        "randomised trial can show cause.",
    ),
    "extrapolation": (
        POPULATION,
        "It does not say who was studied: mice, cells, a few volunteers? Say so, and that it may not "
        "hold for people in general.",
    ),
    "vague_evidence": (
        STUDY_TYPE,
        "It does not name the studies behind the claim: say which, how they were designed and how "
        "large they were.",
    ),
    "safety": (
        HARMS,
        "It does not report harms: give the side effects seen, in how many people, over how long.",
    ),
    "certainty": (NUMBER, "It gives no numbers: say how big the effect was and how sure the study could be."),
    "sensational": (
        NUMBER,
        "It gives no size of the effect: replace the hype word with what was found, in whom, and how much.",
    ),
}
# A rewrite never changes a speaker's words (:func:`hypecheck.models.facts.keeps_quotes`), so a
# quotation gets advice on what to do around it.
QUOTATION_ADVICE = (
    "The claim is in a quotation, whose words a rewrite may not change: give the evidence beside it "
    "(the study, who was studied, the numbers), or report the point in your own words without the hype."
)


def advice(text: str, reasons: Sequence[str]) -> list[str]:
    """For each reason (in the order given): what this sentence is missing, or else the reason's
    general advice; first, for a sentence that quotes someone, what to do around the quotation."""
    out = [QUOTATION_ADVICE] if QUOTED.search(text) else []
    for reason in reasons:
        if reason in MISSING and not MISSING[reason][0].search(text):
            out.append(MISSING[reason][1])
        elif reason in ADVICE:
            out.append(ADVICE[reason])
    return out


def _preferred(reasons: Sequence[str], preference: dict[str, str]) -> str:
    votes = [preference.get(r, "learned") for r in reasons]
    return "rules" if votes and votes.count("rules") > len(votes) / 2 else "learned"


def candidates(
    predictor: Predictor,
    items: Sequence[tuple[str, str | None, Sequence[str]]],
    states: Sequence[np.ndarray] | None = None,
) -> list[list[tuple[str, str]]]:
    """Each item's well-formed candidate rewrites that change more than a modal or a filler word
    (:mod:`hypecheck.models.rewrite_guard`), with their origin (``learned`` or ``rules``), in the
    order its reasons prefer. ``states``: each item's word states from the pass that scored it;
    without them the rewriter asks the predictor to read the items again."""
    rewriter = getattr(predictor, "rewriter", None)
    if rewriter and items and states is None:
        states = predictor.word_states([t for t, _, _ in items], [c for _, c, _ in items])
    out = []
    for k, (text, context, reasons) in enumerate(items):
        learned = (
            rewriter.candidates(text, states[k], LEARNED_CANDIDATES)
            if rewriter and states is not None
            else []
        )
        # the rules on top of the learned edits
        learned += [r for c in learned if (r := rewrite(c, reasons, context))]
        ruled = phrase_candidates(text, reasons, context)
        preference = _preferred(reasons, rewriter.preference if rewriter else {})
        first, second = (learned, ruled) if preference == "learned" else (ruled, learned)
        out.append(
            [
                (c, "learned" if c in learned else "rules")
                for c in dict.fromkeys(first + second)
                if well_formed(text, c) and not cosmetic(text, c)
            ]
        )
    return out


def checked(
    predictor: Predictor,
    items: Sequence[tuple[str, str | None, Sequence[str]]],
    options: Sequence[Sequence[tuple[str, str]]],
    rule: VerdictRule,
) -> list[tuple[str, str, float] | None]:
    """For each item, the first of its ``options`` that ``rule`` no longer calls an overclaim when
    ``predictor`` reads it in the item's context, and that keeps the item's facts:
    ``(rewrite, origin, p_overclaim)``, or ``None``. A sentence's score does not depend on what
    else is scored with it (see :class:`hypecheck.models.onnx_predictor.OnnxPredictor`), so a
    rewrite that passes here scores the same when the edited document is checked again."""
    chosen: dict[int, tuple[str, str, float]] = {}
    for start in range(0, max(map(len, options), default=0), CHECK_ROUND):
        flat = [
            (k, text, origin)
            for k, found in enumerate(options)
            if k not in chosen
            for text, origin in found[start : start + CHECK_ROUND]
        ]
        if not flat:
            break
        probs = predictor.predict([c for _, c, _ in flat], [items[k][1] for k, _, _ in flat])
        verdicts = rule.apply(probs.verdict, probs.reasons).verdicts
        for (k, candidate, origin), verdict, p in zip(flat, verdicts, probs.p_overclaim, strict=True):
            if k not in chosen and verdict != 0 and keeps_facts(items[k][0], candidate, items[k][1]):
                chosen[k] = (candidate, origin, round(float(p), 4))
    return [chosen.get(k) for k in range(len(items))]


def suggest_all(
    predictor: Predictor,
    items: Sequence[tuple[str, str | None, Sequence[str]]],
    rule: VerdictRule,
    *,
    rewrites: bool = True,
    states: Sequence[np.ndarray] | None = None,
) -> list[Suggestion]:
    """A suggestion for each overclaim ``(text, context, reasons)``: the advice, and (unless
    ``rewrites`` is off) the first candidate rewrite that passes the check (:func:`checked`).
    ``states``: as for :func:`candidates`."""
    found = (
        checked(predictor, items, candidates(predictor, items, states), rule)
        if rewrites
        else [None] * len(items)
    )
    return [
        Suggestion(
            advice=advice(text, reasons),
            rewrite=f[0] if f else None,
            rewrite_source=f[1] if f else None,  # type: ignore[arg-type]
            rewrite_p_overclaim=f[2] if f else None,
        )
        for (text, _, reasons), f in zip(items, found, strict=True)
    ]
