"""A last check on a rewrite candidate of any origin: refuse the ones that are not well-formed English.

Rules and the learned tagger both edit words in place, and an edit can leave a verb without its
complement ("the shot is and provokes"), a word twice ("may may"), a relative clause without its
pronoun ("links were linked to" where the sentence said "links that raise"), two finite verbs in a
row ("had greatly was linked to", "may be is", "may could"), a verdict run on after the finished
sentence ("... said on Monday is not yet known"), an article with no noun after it, a subordinate
clause left without its main clause ("Because it needs no incisions." where the sentence went
on ", it carries no risk"), or a quotation mark or bracket without its partner. Each test
compares the candidate with the original sentence, so a construction the writer used on purpose is
never held against the rewrite.
"""

from __future__ import annotations

import difflib
import re

AUXILIARIES = (
    r"is|are|was|were|be|been|being|am|has|have|had|may|might|can|could|will|would|shall|should|must|"
    r"do|does|did"
)
# An auxiliary straight before a conjunction or punctuation: the verb it needed has gone (a comma
# that opens an aside, as in "could, if confirmed, change", leaves it in place).
STRANDED_AUXILIARY = re.compile(
    rf"\b(?:{AUXILIARIES})\s*(?:,(?!\s*(?:if|however|though|perhaps|in time|in theory|at least)\b)|[;:.!?]|"
    r"\s(?:and|or|but)\b)",
    re.I,
)
ARTICLE_BEFORE_NOTHING = re.compile(
    r"\b(?:a|an|the)\s*(?:[,;:.!?)\]]|$|\s(?:a|an|the|and|or|but|of|to|in|is|are|was|were)\b)", re.I
)
DANGLING_END = re.compile(r"\b(?:a|an|the|and|or|of|to|with|for)\W*$", re.I)
# Two finite verbs in a row ("had greatly was linked to"): an edit turned a participle into a verb.
DOUBLE_FINITE = re.compile(
    r"\b(?:has|have|had|is|are|was|were|can|will|may)\s+(?:\w+ly\s+)?(?:was|were|is|are)\s+linked\b", re.I
)
MODALS = r"may|might|can|could|will|would|shall|should|must"
# A modal straight after another ("may could save"): a hedge put before the writer's own modal.
STACKED_MODAL = re.compile(rf"\b(?:{MODALS})\s+(?:{MODALS})\b", re.I)
# A copula straight after another ("help may be is at hand"): a hedge put before a verb already there.
STACKED_COPULA = re.compile(r"\b(?:be|is|are|was|were)\s+(?:is|are|was|were)\b", re.I)
# A verdict on a claim at the end of a sentence ("... is not yet known", "... has not been shown to
# be safe"): see verdict_appended.
VERDICT_AT_END = re.compile(
    r"\b(?:is|are|was|were|has|have|remains?)\s+not\b(?:\s+\S+){0,6}?\s*[.!?\"'”’)]*\s*$", re.I
)
WHETHER = re.compile(r"\bwhether\b", re.I)
LAST_WORD = re.compile(r"\w+")
WORDS = re.compile(r"[\w'’-]+")
DOUBLED = re.compile(r"\b([a-z]+)\s+\1\b", re.I)
# Words that may stand twice in good English ("that that", "had had", "is is" never).
DOUBLE_OK = {"that", "had", "very", "really", "so", "no", "bye", "ha", "far"}
# A plural noun run straight into a finite passive or linked verb: "links were linked to".
RELATIVE_GONE = re.compile(r"\b([a-z]+s)\s+(?:was|were|is|are|may be)\s+linked\b", re.I)
# A sentence that opens with a subordinate clause: its main clause follows a comma.
SUBORDINATE_OPENING = re.compile(
    r"^\W*(?:because|since|as|once|if|when|whenever|while|although|though|unless|after|before|until|"
    r"with|without|by|for|but in|in a|in an|in the)\b",
    re.I,
)
# Edits that leave the claim as it was: a hedged modal for another ("could improve" -> "may
# improve"), a filler word dropped ("may be coming soon" -> "may be coming").
HEDGED_MODALS = {"could", "might", "would"}
FILLERS = {"that", "soon", "now", "also", "just", "even", "still", "so", "very", "really"}
PAIRS = (("(", ")"), ("[", "]"), ("“", "”"), ("‘", "’"), ('"', '"'))


def well_formed(original: str, candidate: str) -> bool:
    """Whether ``candidate`` is free of the breakages an edit of ``original`` can leave.

    Each construction counts only where the candidate has more of it than the original did, so
    what the writer wrote stays allowed; an empty candidate is never well-formed."""
    if not candidate.strip():
        return False
    return not any(
        more(pattern, original, candidate)
        for pattern in (
            STRANDED_AUXILIARY,
            ARTICLE_BEFORE_NOTHING,
            DANGLING_END,
            DOUBLE_FINITE,
            STACKED_COPULA,
            STACKED_MODAL,
        )
    ) and not (
        verdict_appended(original, candidate)
        or doubled_words(candidate) - doubled_words(original)
        or relative_gone(original, candidate)
        or unbalanced(original, candidate)
        or main_clause_gone(original, candidate)
    )


def cosmetic(original: str, candidate: str) -> bool:
    """Whether ``candidate`` differs from ``original`` only in punctuation, case, hedged modals
    turned into "may" or filler words dropped: the same claim, no rewrite an editor would count."""
    before, after = WORDS.findall(original.lower()), WORDS.findall(candidate.lower())
    for tag, i, j, k, m in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        swap = tag == "replace" and set(before[i:j]) <= HEDGED_MODALS and after[k:m] == ["may"] * (j - i)
        dropped = tag == "delete" and set(before[i:j]) <= FILLERS
        if tag != "equal" and not (swap or dropped):
            return False
    return True


def more(pattern: re.Pattern[str], original: str, candidate: str) -> bool:
    """The candidate has more matches of ``pattern`` than the original."""
    return len(pattern.findall(candidate)) > len(pattern.findall(original))


def doubled_words(text: str) -> set[str]:
    """Words written twice in a row ("may may"), less the few English allows."""
    return {m.group(1).lower() for m in DOUBLED.finditer(text)} - DOUBLE_OK


def relative_gone(original: str, candidate: str) -> bool:
    """A "were linked to" now follows a plural noun that the original followed with "that"/"which"
    ("links that raise" -> "links were linked to"): the relative pronoun was lost."""
    for m in RELATIVE_GONE.finditer(candidate):
        noun = re.escape(m.group(1))
        if re.search(rf"\b{noun}\s+(?:that|which|who)\b", original, re.I) and not re.search(
            rf"\b{noun}\s+(?:was|were|is|are|may be)\s+linked\b", original, re.I
        ):
            return True
    return False


def main_clause_gone(original: str, candidate: str) -> bool:
    """The original opens with a subordinate clause and goes on after a comma; the candidate keeps
    the opening but no comma is left, so the main clause was cut away."""
    return bool(SUBORDINATE_OPENING.match(candidate)) and "," in original and "," not in candidate


def unbalanced(original: str, candidate: str) -> bool:
    """A bracket or quotation mark lost its partner, where the original had them in pairs."""
    return any(balanced(original, *pair) and not balanced(candidate, *pair) for pair in PAIRS)


def balanced(text: str, opening: str, closing: str) -> bool:
    """As many closing marks as opening ones (an even number of a mark that does both)."""
    if opening == closing:
        return text.count(opening) % 2 == 0
    return text.count(opening) == text.count(closing)


def verdict_appended(original: str, candidate: str) -> bool:
    """The candidate puts a verdict on the claim ("is not yet known") after the original's last word,
    with no "whether" to make the claim its subject: two sentences run together. A verdict with a
    subject of its own ("The pill has not been shown to be safe") is English."""
    found = VERDICT_AT_END.search(candidate)
    if not found or VERDICT_AT_END.search(original):
        return False
    last = LAST_WORD.findall(original)[-1:]
    before = LAST_WORD.findall(candidate[: found.start()])[-1:]
    added_whether = len(WHETHER.findall(candidate)) > len(WHETHER.findall(original))
    return bool(last) and [w.lower() for w in before] == [w.lower() for w in last] and not added_whether
