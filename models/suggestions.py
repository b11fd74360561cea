"""Advice and a calibrated rewrite for an overclaiming sentence, one rule set per reason.

The advice follows HealthNewsReview.org's criteria (name the kind of study, give absolute numbers,
mention harms and costs); the rewrite swaps the words that overclaim for the wording the label
spec calls supported ("reduces" -> "was linked to lower", "cures" -> "may help with").
"""

from __future__ import annotations

import re

from hypecheck.models.results import Suggestion

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

# (pattern, replacement) pairs applied in order; each keeps the sentence grammatical in the common case.
_REWRITES: dict[str, list[tuple[str, str]]] = {
    "sensational": [
        (
            r"\b(a |an )?(ground-?breaking|revolutionary|game-?chang(ing|er)|miracle|wonder|landmark|"
            r"breakthrough|remarkable|stunning|astonishing|incredible|amazing|dramatic)\s*",
            "",
        ),
        (r"\bcould (revolutioni[sz]e|transform)\b", "may change"),
        (
            r"\b(offers?|brings?|gives?) (new )?hope (to|for) (millions|thousands)( of [a-z ]+?)?\b",
            "may help some",
        ),
        (r"\bwill (revolutioni[sz]e|transform)\b", "may change"),
    ],
    "certainty": [
        (r"\bproves?\b", "suggests"),
        (r"\bproved\b", "suggested"),
        (r"\bcures?\b", "may help with"),
        (r"\bguarantee[sd]?\b", "may"),
        (r"\beliminates?\b", "may reduce"),
        (r"\bwill\b", "may"),
        (r"\b(always|completely|definitely)\s+", ""),
    ],
    "causal": [
        (r"\b(slashes|cuts|reduces|lowers|prevents)\b", "was linked to lower"),
        (r"\b(boosts|increases|raises)\b", "was linked to higher"),
        (r"\b(causes|leads to)\b", "was linked to"),
        (r"\bprotects against\b", "was linked to less"),
    ],
    "safety": [
        (
            r"\b(is|are) (completely |entirely |perfectly )?safe\b",
            r"\1 not known to be safe without trial data",
        ),
        (r"\bno side[- ]effects\b", "side effects not yet measured"),
        (r"\b(natural|plant-based|herbal),? so\b", r"\1, but"),
    ],
    "vague_evidence": [
        (r"\b(numerous|many|countless) (studies|trials)\b", "some studies"),
        (r"\bresearch (shows|proves)\b", "one study suggested"),
        (r"\bexperts agree\b", "some experts say"),
    ],
    "extrapolation": [],
    "promotional": [
        (r"\b(order|call|book|buy|sign up|contact us)( now| today)?[^.!?]*[.!?]?", ""),
    ],
}


def rewrite(text: str, reasons: list[str]) -> str | None:
    """A calibrated version of ``text``, or None when no rule applies."""
    out = text
    for reason in reasons:
        for pattern, replacement in _REWRITES.get(reason, []):
            out = re.sub(pattern, replacement, out, flags=re.I)
    if "extrapolation" in reasons and not re.search(r"\b(mice|mouse|rats?|cells?|animals?)\b", out, re.I):
        out = out.rstrip(".!") + " (in a study in animals or a small group; it may not apply to people)."
    out = re.sub(r"\s{2,}", " ", out).strip()
    if out and out[0].islower():
        out = out[0].upper() + out[1:]
    return out if out and out != text else None


def suggest(text: str, reasons: list[str]) -> Suggestion:
    """Advice for each reason (in the order given) and one rewrite of the sentence."""
    return Suggestion(advice=[ADVICE[r] for r in reasons if r in ADVICE], rewrite=rewrite(text, reasons))
