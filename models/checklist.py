"""A document checklist after HealthNewsReview.org's review criteria.

Each criterion lists the sentences that answer it; an empty list is a question the article leaves
open (no harms mentioned, no costs, no independent voice). Detection is by the concrete signals a
reviewer looks for in the sentence itself (a number with a unit of effect, a named design, a
price), not by the model: the checklist answers "is it there?", the model "is it overclaimed?".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hypecheck.models.results import ChecklistItem

CRITERIA: dict[str, tuple[str, re.Pattern[str]]] = {
    "benefits_quantified": (
        "Are the benefits quantified, ideally in absolute terms?",
        re.compile(
            r"\d[\d,.]*\s*(%|per ?cent|percentage points?|out of \d|in \d[\d,]*|points?\b|fewer|more)"
            r"|\b(one|two|three|four|five|six|seven|eight|nine|ten) (in|out of) (\d|ten|a hundred)",
            re.I,
        ),
    ),
    "harms_mentioned": (
        "Are harms or side effects mentioned?",
        re.compile(
            r"\b(side[- ]effects?|adverse|harms?|risks?|complications?|toxicity|nausea|"
            r"bleeding|safety concerns?)\b",
            re.I,
        ),
    ),
    "costs_mentioned": (
        "Are costs or insurance coverage mentioned?",
        re.compile(
            r"[$£€]\s?\d|\b(costs?|price[ds]?|priced|insurance|covered by|afford\w*|"
            r"reimburs\w*)\b",
            re.I,
        ),
    ),
    "study_described": (
        "Are the study type and size given?",
        re.compile(
            r"\b(randomi[sz]ed|placebo|controlled trial|clinical trial|cohort|observational|survey|"
            r"meta-analysis|case[- ]control|in mice|in rats|mouse|animal study|cell|pilot study|"
            r"\d[\d,]* (people|patients|participants|adults|women|men|children|volunteers))\b",
            re.I,
        ),
    ),
    "independent_source": (
        "Is an independent expert quoted?",
        re.compile(
            r"\b(not involved|wasn't involved|was not part|independent|who did not take part|"
            r"unaffiliated|outside expert)\b",
            re.I,
        ),
    ),
    "availability_novelty": (
        "Are availability and novelty made clear (approved? on sale? really new?)",
        re.compile(
            r"\b(approv\w+|FDA|EMA|NICE|available|on the market|not yet|years away|already used|"
            r"licensed|prescri\w+)\b",
            re.I,
        ),
    ),
}


def checklist(sentences: Sequence[str]) -> dict[str, ChecklistItem]:
    """For each criterion: its question, whether the article answers it, and the sentence ids."""
    out = {}
    for name, (question, pattern) in CRITERIA.items():
        ids = [i for i, text in enumerate(sentences) if pattern.search(text)]
        out[name] = ChecklistItem(question=question, answered=bool(ids), sentences=ids)
    return out
