"""Grammar-aware phrase rules: calibrated rewrites of the constructions that overclaim.

Each rule rewrites a construction, not a word ("cuts the risk of stroke by 30%" -> "was linked to a
30% reduction in the risk of stroke"), fixes the article and agreement it disturbs, and declines
(returns ``None``) when the construction is not the one it knows, so a candidate is either
grammatical English or not made. Rules come in strengths: 1 makes the smallest edit that removes
the overclaim, 2 also hedges the main claim; :func:`phrase_candidates` offers the weaker candidates
first so the model check (:func:`hypecheck.models.suggestions.checked`) keeps as much of the
sentence as it can. Numbers, names and quotations are never touched on purpose; the check rejects
any candidate that loses one all the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hypecheck.models.facts import QUOTED, WORD, title_case
from hypecheck.models.rewrite_guard import SUBORDINATE_OPENING

STRENGTHS = (1, 2)
# Words shortly before a verb that make it no claim of the sentence's own ("if they increase", "we
# hope our results lead to", "to reduce").
NOT_A_CLAIM = {
    "if",
    "when",
    "unless",
    "whether",
    "once",
    "hope",
    "hopes",
    "want",
    "wants",
    "expect",
    "expects",
    "wish",
    "not",
    "don't",
    "doesn't",
    "didn't",
    "cannot",
    "can't",
    "to",
    "do",
    "does",
    "did",
    "you",
    "we",
    "i",
}
SMALL_WORDS = {"a", "an", "the", "of", "to", "in", "and", "or", "for", "by", "on", "at", "if", "with"}
# A word before a verb-looking word that makes it a noun or a participle ("the cure", "was reduced").
NOT_A_VERB_AFTER = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "its",
    "their",
    "his",
    "her",
    "our",
    "your",
    "my",
    "any",
    "no",
    "some",
    "every",
    "each",
    "big",
    "major",
    "small",
    "large",
    "slight",
    "possible",
    "main",
    "one",
    "root",
    "such",
    "new",
    "miracle",
    "natural",
    "potential",
    "with",
    "of",
    "to",
    "for",
    "in",
    "by",
    "from",
    "at",
    "on",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
}
ORGANISMS = re.compile(
    r"\b(mice|mouse|rats?|rodents?|monkeys?|primates?|zebrafish|fruit flies|worms?|pigs?|"
    r"animals?|cells?|petri dish|test tubes?|lab-grown)\b",
    re.I,
)
ORGANISM_PHRASE = {
    "mouse": "in mice",
    "mice": "in mice",
    "rat": "in rats",
    "rats": "in rats",
    "rodent": "in rodents",
    "rodents": "in rodents",
    "monkey": "in monkeys",
    "monkeys": "in monkeys",
    "worm": "in worms",
    "worms": "in worms",
    "pig": "in pigs",
    "pigs": "in pigs",
    "zebrafish": "in zebrafish",
    "fruit flies": "in fruit flies",
    "animal": "in animals",
    "animals": "in animals",
}
STUDY = re.compile(
    r"\b(study|studies|trial|trials|research|researchers|scientists|experiment|survey)\b", re.I
)
AMOUNT = (
    r"(?:\d+(?:[.,]\d+)*\s?(?:%|per ?cent|percentage points)|half|a third|a quarter|a fifth|"
    r"a tenth|two-thirds|three-quarters)(?!\w)"
)
RISK_NOUN = r"(?:risk|chance|odds|likelihood|incidence)"
HIGHER_LOWER_HEADS = re.compile(
    r"\b(risk|pressure|cholesterol|levels|weight|fat|sugar|glucose|mortality|rates|scores|density)$", re.I
)


@dataclass(frozen=True)
class Scene:
    """What a rule may need to know beyond its match: the whole sentence, its context, its style."""

    text: str
    context: str
    headline: bool  # title or capital case: no copula, capitalised replacements

    @property
    def study(self) -> bool:
        """A study is mentioned, here or in the context: "in the study" is then no invention."""
        return bool(STUDY.search(self.text) or STUDY.search(self.context))

    @property
    def organism(self) -> str | None:
        """The "in mice" this claim leaves out when the sentence or its context says mice."""
        if found := ORGANISMS.search(f"{self.text} {self.context}"):
            return ORGANISM_PHRASE.get(found.group(1).lower(), "in a laboratory study")
        return None


Replace = Callable[[re.Match[str], Scene], str | None]


@dataclass(frozen=True)
class Rule:
    """One construction of one reason: its pattern, the strength at which it fires, and how it is
    rewritten (``None`` when this match is not the construction after all)."""

    reason: str
    strength: int
    pattern: re.Pattern[str]
    replace: Replace


RULES: list[Rule] = []


def rule(reason: str, strength: int, pattern: str) -> Callable[[Replace], Replace]:
    """Register ``replace`` for ``pattern`` (case-insensitive)."""

    def register(replace: Replace) -> Replace:
        RULES.append(Rule(reason, strength, re.compile(pattern, re.I), replace))
        return replace

    return register


def fixed(reason: str, strength: int, pattern: str, replacement: str) -> None:
    """A rule whose rewrite is one phrase, cased like the words it replaces."""
    rule(reason, strength, pattern)(lambda m, scene: cased(replacement, m.group(0), scene))


# ---- grammar helpers ------------------------------------------------------------------------


def article_for(word: str) -> str:
    """``a`` or ``an`` before ``word``, by sound as far as spelling tells it."""
    lower = word.lower()
    if re.match(r"(8|11|18)(?![\d])|(8\d|11|18)(\d\d\d)*(?![\d])", lower.replace(",", "")):
        return "an"
    if re.match(r"(hour|honest|honou?r|heir)", lower) or re.match(r"[aio]|e(?!u)|u(?!ni|se|su|ro|ti)", lower):
        return "an"
    return "a"


def fix_articles(text: str) -> str:
    """Every ``a``/``an`` agrees with the word after it (an edit may have changed that word)."""

    def agree(m: re.Match[str]) -> str:
        article = article_for(m.group(2))
        if m.group(1).isupper() and (len(m.group(1)) > 1 or m.group(2).isupper()):
            article = article.upper()
        elif m.group(1)[0].isupper():
            article = article.capitalize()
        return f"{article} {m.group(2)}"

    return re.sub(r"\b(an?)\s+([A-Za-z][\w-]*)", agree, text, flags=re.I)


def cased(replacement: str, original: str, scene: Scene) -> str:
    """``replacement`` in the case of the words it replaces: capitals for capitals, headline case in
    headlines, a capital first letter where the original had one."""
    if not replacement:
        return replacement
    if original.isupper() and len(original.strip()) > 1:
        return replacement.upper()
    if scene.headline:
        return " ".join(
            w if not w or w.lower() in SMALL_WORDS or not w[0].isalpha() else w[0].upper() + w[1:]
            for w in replacement.split(" ")
        )
    if original[:1].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def plural_subject(text: str, start: int) -> bool:
    """Whether the word before ``start`` looks like a plural noun ("statins", "people")."""
    word = word_before(text, start)
    irregular = {"people", "children", "men", "women", "mice", "they", "we", "you", "data"}
    return word in irregular or (bool(re.search(r"[^su]s$", word)) and not word.endswith(("ss", "sis")))


def words_before(text: str, start: int, count: int) -> list[str]:
    """The ``count`` words before ``start``, lower-cased (fewer at the start of the text)."""
    return WORD.findall(text[:start].lower())[-count:]


def word_before(text: str, start: int) -> str:
    before = words_before(text, start, 1)
    return before[-1] if before else ""


def claim_blocked(text: str, start: int) -> bool:
    """A word just before ``start`` makes what follows no claim of the sentence's own ("if they
    increase", "we hope our results lead to", "to reduce")."""
    return bool(set(words_before(text, start, 4)) & NOT_A_CLAIM)


def causative_before(text: str, start: int) -> bool:
    """A causative shortly before ``start`` ("helped patients improve", "make drugs work"): the verb
    there is its complement, not the claim's verb."""
    return bool(set(words_before(text, start, 6)) & CAUSATIVES)


def tidy(text: str) -> str:
    """Spaces, stray punctuation and articles after deletions; a capital to open the sentence."""
    out = re.sub(r"\s{2,}", " ", text)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    out = re.sub(r",\s*([.;:!?])", r"\1", out)
    out = re.sub(r"^[\s,;:]+", "", out).strip()
    out = fix_articles(out)
    if out and out[0].islower():
        out = out[0].upper() + out[1:]
    return out


# ---- causal: cause-and-effect verbs with their objects ---------------------------------------

DOWN = r"reduc(?:es|e|ed)|lower(?:s|ed)?|cut(?:s)?|slash(?:es|ed)?|halv(?:es|e|ed)|decreas(?:es|e|ed)"
UP = r"increas(?:es|e|ed)|rais(?:es|e|ed)|boost(?:s|ed)?|doubl(?:es|e|ed)|tripl(?:es|e|ed)"
PREVENT = r"prevent(?:s|ed)?|protect(?:s|ed)? against|ward(?:s|ed)? off"
CAUSE = r"caus(?:es|e|ed)|lead(?:s)? to|led to|trigger(?:s|ed)?"
IMPROVE = r"improv(?:es|e|ed)"
CAUSAL_VERB = (
    r"\b(?P<aux>(?:can|could|will|would|should|may|might)\s+(?:also\s+)?)?"
    r"(?P<help>help(?:s|ed)?\s+(?:to\s+)?)?"
    rf"(?P<verb>{DOWN}|{UP}|{PREVENT}|{CAUSE}|{IMPROVE})\s+(?P<clause>[^,;:.!?()\"“”]+)"
)


BE = {"is", "are", "was", "were", "be", "been", "being"}
# What "led to" introduces when it tells history rather than a health effect ("led to the development
# of immunotherapy"): an association would make no sense of it.
ACHIEVEMENT = re.compile(
    r"(?:the\s+|a\s+|an\s+)?(?:development|discovery|creation|approval|launch|founding|design|invention)\b",
    re.I,
)


def verb_class(verb: str) -> str:
    for name, forms in (("down", DOWN), ("up", UP), ("prevent", PREVENT), ("cause", CAUSE)):
        if re.fullmatch(forms, verb, re.I):
            return name
    return "improve"


def linked_copula(m: re.Match[str], scene: Scene, strength: int) -> str | None:
    """ "was linked to", "were linked to", "may be linked to" or, in a headline, "linked to"."""
    if claim_blocked(scene.text, m.start()):
        return None
    words = words_before(scene.text, m.start(), 2)
    if words[-1:] and (
        words[-1] in BE or (words[-1].endswith("ly") and set(words) & (BE | {"has", "have", "had"}))
    ):
        return None  # "are not protected against", "had greatly increased": a participle, not the verb
    if scene.headline:
        return "linked to"
    if aux := m.group("aux"):
        lead = verb_class(m.group("verb")) == "cause"  # "could lead to treatments" is no association
        # "could reduce" is a hypothesis: as "may be linked to" it would become a reported finding
        hypothesis = aux.split()[0].lower() in {"could", "would", "might", "may", "should"}
        return "may be linked to" if strength > 1 and not (lead or hypothesis) else None
    head = (m.group("help") or m.group("verb")).split()[0].lower()
    if word_before(scene.text, m.start()) in {"and", "or"}:
        return None  # "strengthens the heart and lowers the risk": one verb hedged would clash
    if head.endswith("s") and not head.endswith("ss"):
        return "was linked to"
    if head.endswith("ed") or head in {"led", "cut"}:
        return "were linked to" if plural_subject(scene.text, m.start()) else "was linked to"
    before = word_before(scene.text, m.start())
    if plural_subject(scene.text, m.start()) or re.search(r"(ness|ity|ion|ism|ance|ence)$", before):
        return "were linked to"  # a bare present verb ("reduce") after a plural subject
    return None


def split_amount(clause: str) -> tuple[str, str | None, str]:
    """``clause`` cut at its "by 30%" (or "six-fold"): the object, the amount, what follows."""
    if found := re.search(rf"\s+by\s+(?P<amount>{AMOUNT})", clause, re.I):
        return clause[: found.start()], found.group("amount"), clause[found.end() :]
    if found := re.search(
        r"\s+(?P<amount>(?:\w+)-?fold|(?:two|three|four|five|six|\d+) times)\b", clause, re.I
    ):
        return clause[: found.start()], found.group("amount"), clause[found.end() :]
    return clause, None, ""


def object_phrase(kind: str, verb: str, obj: str, amount: str | None) -> str | None:
    """The noun phrase after "linked to": "a higher risk of stroke", "a 30% reduction in pain"."""
    if re.match(
        r"(it|them|you|him|her|us|me|people|patients|users|this|that|to|in|by|for|on|at)\b", obj, re.I
    ):
        return None  # "prevents you from ...": the object is not the outcome
    if re.search(
        rf"\s(and|or)\s+(?:{DOWN}|{UP}|{PREVENT}|{CAUSE}|{IMPROVE}|help|helps|make|makes|keep|keeps)\b",
        obj,
        re.I,
    ):
        return None  # a second verb would end up inside the object
    if re.search(r"\b(that|which|who)\b", obj, re.I) or (kind == "prevent" and " from " in f" {obj} "):
        return None
    if re.match(rf"({DOWN}|{UP}|{PREVENT}|{CAUSE}|{IMPROVE}|\w+ed)\b", obj, re.I):
        return None  # "cuts reduced ...": the first verb was a noun
    risk = re.fullmatch(rf"(?:(?:the|your|their|its|his|her|a|an)\s+)?({RISK_NOUN}\b.*)", obj, re.I)
    possessive = r"^(the|your|their|its|his|her)\s+"
    plain = re.sub(possessive, "the " if " of " in obj else "", obj, flags=re.I)
    if kind == "cause":
        return None if amount or ACHIEVEMENT.match(obj) else obj
    if kind == "prevent":
        return None if amount else f"a lower {risk.group(1)}" if risk else f"a lower risk of {obj}"
    if kind == "improve":
        return None if amount or re.search(r"\s(and|or)\s", obj) else f"an improvement in {plain}"
    lower = kind == "down"
    if not risk and re.search(r"\s(and|or)\s", obj):
        return None  # "boosts collagen and smooth wrinkles": the second verb would be swallowed
    if re.match(r"halv", verb, re.I):
        return f"half the {risk.group(1)}" if risk and not amount else None
    if re.match(r"doubl|tripl", verb, re.I):
        times = "double" if verb.lower().startswith("doubl") else "triple"
        return f"{times} the {risk.group(1)}" if risk and not amount else None
    if amount and re.search(r"fold|times", amount):
        return f"a {amount} higher {risk.group(1)}" if risk and not lower else None
    change = "reduction" if lower else "increase"
    if amount and amount.lower() == "half":
        return f"a halving of {plain}" if lower else None
    if amount and re.match(r"\d", amount):
        return f"a {amount} {change} in {plain}"
    if amount:
        return f"a {change} of {amount} in {plain}"
    if risk:
        return f"a {'lower' if lower else 'higher'} {risk.group(1)}"
    if HIGHER_LOWER_HEADS.search(obj) and not re.match(r"(the|your|their|its)\b", obj, re.I):
        return f"{'lower' if lower else 'higher'} {obj}"
    return f"{'a' if lower else 'an'} {change} in {plain}"


def adverb(word: str) -> bool:
    """An -ly adverb ("sharply"), not a noun or adjective in -ly ("daily", "family")."""
    return word.endswith("ly") and word not in {
        "daily",
        "weekly",
        "monthly",
        "yearly",
        "nightly",
        "family",
        "early",
    }


def plain_verb(m: re.Match[str], scene: Scene) -> bool:
    """The causal verb reads as the claim's verb: no adverb or causative ("helped patients improve")
    before it, and, for a form that is as often a noun ("cuts"), an object that opens like one."""
    before = word_before(scene.text, m.start())
    lead = (m.group("help") or m.group("verb")).split()[0].lower()
    nxt = m.group("clause").split()[0].lower() if not m.group("help") else "the"
    causative = causative_before(scene.text, m.start())
    return not (adverb(before) or causative) and object_follows(lead, nxt, before)


CONTROLLED_TRIAL = re.compile(r"\b(?:placebo|randomi[sz]ed|controlled trial)\b", re.I)


def causal_rewrite(strength: int) -> Replace:
    """A cause-and-effect verb and its object as an association, or (strength 1, after a modal)
    the modal hedged: "can cut" -> "may cut"."""

    def replace(m: re.Match[str], scene: Scene) -> str | None:
        if word_before(scene.text, m.start()) in NOT_A_VERB_AFTER - {"to"} and not m.group("aux"):
            return None
        if not m.group("aux") and not plain_verb(m, scene):
            return None
        if m.group("aux") and strength == 1:
            if m.group("aux").split()[0].lower() in {"may", "might"}:
                return None
            return cased("may ", m.group("aux"), scene) + m.group(0)[len(m.group("aux")) :]
        if CONTROLLED_TRIAL.search(f"{scene.text} {scene.context}"):
            return None  # a randomised, placebo-controlled trial can show cause: "linked to" misreports it
        copula = linked_copula(m, scene, strength)
        obj, amount, rest = split_amount(m.group("clause").rstrip())
        phrase = object_phrase(verb_class(m.group("verb")), m.group("verb"), obj.strip(), amount)
        if copula is None or phrase is None:
            return None
        trailing = m.group("clause")[len(m.group("clause").rstrip()) :]
        return cased(f"{copula} {phrase}", m.group(0), scene) + rest + trailing

    return replace


for _strength in STRENGTHS:
    rule("causal", _strength, CAUSAL_VERB)(causal_rewrite(_strength))


# ---- certainty --------------------------------------------------------------------------------

PROOF_VERB = {
    "proves": "suggests",
    "prove": "suggest",
    "proved": "suggested",
    "shows": "suggests",
    "show": "suggest",
    "showed": "suggested",
    "demonstrates": "suggests",
    "demonstrate": "suggest",
    "demonstrated": "suggested",
    "confirms": "suggests",
    "confirm": "suggest",
    "confirmed": "suggested",
    "establishes": "suggests",
    "reveals": "suggests",
    "revealed": "suggested",
}


@rule(
    "certainty",
    1,
    r"\b(?P<have>(?:has|have)\s+(?:now\s+|finally\s+|clearly\s+)?)?"
    r"(?P<verb>proves?|proved|proven|shows?|showed|shown|demonstrat(?:es|e|ed)|confirm(?:s|ed)?|establishes|"
    r"reveal(?:s|ed))(?P<that>\s+(?:(?:once and for all|conclusively|clearly|definitively|unequivocally|"
    r"beyond (?:any )?doubt)\s+)?that\b)",
)
def proof_that(m: re.Match[str], scene: Scene) -> str | None:
    """ "proves that" / "has shown that" -> "suggests that": one study rarely proves anything."""
    verb = m.group("verb").lower()
    new: str | None = PROOF_VERB.get(verb)  # "proven"/"shown" without has/have: not this construction
    if m.group("have"):
        new = "suggests" if m.group("have").lower().startswith("has") else "suggest"
    return cased(f"{new} that", m.group(0), scene) if new else None


@rule(
    "certainty",
    1,
    r"\b(?P<noun>study|studies|research|results?|data|findings?|trials?|evidence|science)"
    r"\s+(?P<have>(?:has|have)\s+(?:now\s+|finally\s+|clearly\s+)?)?"
    r"(?P<verb>proves?|proved|proven|shows?|showed|shown|demonstrat(?:es|e|ed)|confirm(?:s|ed)?|reveal(?:s|ed))\b"
    r"(?!\s+(?:that|to)\b)",
)
def study_shows(m: re.Match[str], scene: Scene) -> str | None:
    """ "Study shows X" (no "that") -> "Study suggests X"; "studies have shown X" -> "studies suggest X"."""
    new = PROOF_VERB.get(m.group("verb").lower())
    if m.group("verb").lower().startswith("confirm"):
        return None  # "results confirm the benefit": "suggest the benefit" is no English
    if have := m.group("have"):
        new = "suggests" if have.lower().startswith("has") else "suggest"
    return m.group("noun") + " " + cased(new, m.group("verb"), scene) if new else None


@rule(
    "certainty",
    1,
    r"(?<![\w-])(?:(?P<aux>will|can|could)\s+)?(?P<verb>cures?|cured)\b(?P<after>\s+(?:you|your|patients|people)?)",
)
def cures(m: re.Match[str], scene: Scene) -> str | None:
    """ "cures insomnia" -> "may help treat insomnia"; "a cure" (the noun) is left alone."""
    if not m.group("aux") and word_before(scene.text, m.start()) in NOT_A_VERB_AFTER | {"or", "and"}:
        return None  # "the cure", "does not correct or cure": no claim of a cure to hedge
    if m.group("verb").lower() == "cured" and not m.group("aux"):
        return None
    after = scene.text[m.end() :]
    if re.match(r"\s*(for|of|rates?|is|are|was|were)\b", after, re.I) or not re.match(
        r"\s*[a-z]", after + " x"
    ):
        return None
    return cased("may help treat", m.group(0), scene) + m.group("after")


@rule("certainty", 1, r"\b(?:(?:is|are)\s+)?guaranteed\s+to\s+")
def guaranteed_to(m: re.Match[str], scene: Scene) -> str | None:
    """ "is guaranteed to work" -> "may work"."""
    return cased("may ", m.group(0), scene)


fixed("certainty", 1, r",?\s+guaranteed(?=\s*[.!]?\s*$)", "")
fixed("certainty", 1, r"\bguarantees\b(?=\s+[a-z])", "may bring")
fixed(
    "certainty",
    1,
    r"\b(?:will\s+|can\s+)?(?:completely\s+|totally\s+|fully\s+|permanently\s+|entirely\s+)?eliminates?\b",
    "may reduce",
)
fixed("certainty", 1, r"\b(?:definitely|absolutely|undoubtedly|certainly|completely|totally)\s+(?=[a-z])", "")
fixed("certainty", 1, r"\balways\s+(?=(?:works?|helps?|cures?|reduces?|prevents?|improves?|leads?)\b)", "")
fixed("certainty", 1, r"\b(?:will\s+|can\s+|should\s+)?works? for everyone\b", "may work for some people")
fixed("certainty", 1, r",?\s*(?:once and for all|for good|forever)\b", "")
fixed("certainty", 1, r"\b(?:a|the)\s+definitive\s+answer\b", "an answer")
EFFECT_VERBS = (
    r"help|reduce|cure|save|prevent|improve|stop|end|change|transform|boost|protect|lower|increase|"
    r"give|work|benefit|treat|heal|eliminate|fix|restore|extend|reverse|slow|make|allow|lead|mean|"
    r"deliver|ensure|enable|beat|defeat|cut|halve|banish|replace|become"
)


# Verbs whose present tense states a health effect as fact ("fights cancer", "statins lower"): hedged
# with "may" they claim no more than a study of any kind can support.
CLAIM_WORDS = (
    "reduce prevent protect improve boost treat fight help save work speed restore reverse repair "
    "heal relieve kill destroy stop block slow lower cut halt beat tackle combat aid promote "
    "strengthen enhance increase detect diagnose predict extend double halve remove keep raise "
    "trigger cause shrink benefit support alleviate curb suppress inhibit regenerate regrow burn "
    "outperform lead lengthen sharpen"
)
CLAIM_VERBS = tuple(CLAIM_WORDS.split())


def third_person(base: str) -> str:
    """ "reduce" -> "reduces", "stop" -> "stops", "reach" -> "reaches"."""
    return base + ("es" if re.search(r"(s|sh|ch|x|z|o)$", base) else "s")


CLAIMS = {third_person(base): base for base in CLAIM_VERBS}
HEDGE_ADVERBS = r"also|actually|really|truly|even|further|effectively|significantly|greatly|substantially|now"
DROPPED_ADVERBS = {"actually", "really", "truly"}
CLAIM_FORMS = "|".join(sorted([*CLAIMS, *CLAIM_VERBS], key=len, reverse=True))
CLAIM = re.compile(rf"\b(?P<adv>(?:(?:{HEDGE_ADVERBS})\s+)*)(?P<verb>{CLAIM_FORMS})\b", re.I)
# A word right after the verb that makes the verb a noun ("cuts are", "treats and sweets") or
# the verb part of a longer construction this rule does not know.
NOT_AN_OBJECT = (
    BE - {"being"}
    | {"of", "and", "or", "have", "has", "had", "like", "such"}
    | {"will", "can", "may", "would", "could", "should"}
)
PLURAL_PRONOUNS = {"they", "which", "who"}
# Forms that are as often nouns ("health benefits", "budget cuts"): a verb only before an object
# that opens like one, or after a pronoun.
NOUNISH = {
    "benefit",
    "trigger",
    "fight",
    "help",
    "work",
    "support",
    "aid",
    "cut",
    "increase",
    "lead",
    "double",
    "boost",
    "cause",
    "block",
    "halt",
    "speed",
    "stop",
    "keep",
    "burn",
    "raise",
    "repair",
    "treat",
}
OBJECT_OPENERS = {
    "the",
    "a",
    "an",
    "your",
    "their",
    "its",
    "his",
    "her",
    "our",
    "this",
    "these",
    "those",
    "some",
    "many",
    "more",
    "less",
    "up",
    "down",
    "people",
    "patients",
    "women",
    "men",
    "children",
    "blood",
}
CAUSATIVES = {"make", "makes", "made", "let", "lets", "help", "helps", "helped", "see", "watch"}
# Verbs in -s that end a subject phrase in look only ("it helps reduce"): never a plural subject.
S_VERBS = {"says", "shows", "suggests", "means", "makes", "lets", "seems", "needs", "does", "is", "has"}


def conditional(text: str, start: int) -> bool:
    """The verb at ``start`` sits in a condition, a hope or an infinitive: no claim of the sentence's."""
    return bool(claim_blocked(text, start) or re.search(r"\b(if|unless|whether)\b", text[:start], re.I))


def claim_subject(text: str, start: int, verb: str) -> bool:
    """Whether the word before the verb can be its subject, in the verb's number."""
    before = word_before(text, start)
    if not before or before in NOT_A_VERB_AFTER - {"that"} or before in CLAIMS or before in S_VERBS:
        return False
    if adverb(before) or before.endswith("sis"):
        return False  # "sharply cuts": the subject is further back; "fibrosis": no plural
    if before in {"that", "which", "who"} and re.search(r"\b(may|might|could)\b", text, re.I):
        return False  # a relative clause describing what the hedged main claim is about
    if verb in CLAIMS:  # "reduces": any singular noun or pronoun
        return before not in {"i", "you", "we", "they", "and", "or", "but"}
    causative = causative_before(text, start)  # "make drugs work"
    plural = plural_subject(text, start) and before not in NOT_A_CLAIM
    return not causative and (before in PLURAL_PRONOUNS or plural)


def hedge_claim(m: re.Match[str], scene: Scene) -> str | None:
    """ "Common Painkiller Fights Cancer" -> "Common Painkiller May Fight Cancer"; a second verb
    joined by "and" follows the first ("may reduce swelling and ease pain")."""
    verb = m.group("verb")
    lower = verb.lower()
    shouting = scene.text.isupper()
    if (verb.isupper() and not shouting) or (verb[0].isupper() and not (scene.headline or shouting)):
        return None  # "AIDS", a name, or the first word of a sentence with no subject
    after = re.match(r"\s*([\w'-]+)?", scene.text[m.end() :])
    nxt = (after.group(1) or "").lower() if after else ""
    if nxt in NOT_AN_OBJECT or nxt.endswith("ed") or conditional(scene.text, m.start()):
        return None
    headline_verb = scene.headline and lower in CLAIMS and verb[0].isupper()  # "Balm Fights Eczema"
    before = word_before(scene.text, m.start())
    if not headline_verb and not object_follows(lower, nxt, before):
        return None
    base = CLAIMS.get(lower, lower)
    adverbs = " ".join(a for a in m.group("adv").split() if a.lower() not in DROPPED_ADVERBS)
    if before in {"and", "or"}:
        return cased(f"{adverbs} {base}".strip(), m.group(0), scene) if joined_claim(m, scene) else None
    if not claim_subject(scene.text, m.start(), lower):
        return None
    if {"how", "why"} & set(words_before(scene.text, m.start(), 4)):
        return None  # "discovered how paracetamol kills pain": a mechanism found, not a claim to hedge
    return cased(" ".join(w for w in ("may", adverbs, base) if w), m.group(0), scene)


def object_follows(verb: str, nxt: str, before: str) -> bool:
    """Whether ``verb`` reads as a verb here: a pronoun before it, or for a noun-like form ("cuts",
    "benefits") an object that opens like one after it ("cuts the risk", "works to limit")."""
    if CLAIMS.get(verb, verb) not in NOUNISH or before in {"it", "this", "which", "that", "who", "they"}:
        return True
    if verb in {"works", "work"}:
        return nxt in {"", "to", "by", "for", "in", "against", "better", "well", "faster"}
    if verb in {"leads", "lead"}:
        return nxt == "to"
    return nxt in OBJECT_OPENERS or nxt[:1].isdigit() or (verb.startswith("help") and nxt == "to")


def joined_claim(m: re.Match[str], scene: Scene) -> bool:
    """Whether the verb before this "and" in the same clause is hedged too, so one "may" covers both."""
    clause = max(scene.text.rfind(p, 0, m.start()) for p in ",;:.!?—(") + 1
    earlier = list(CLAIM.finditer(scene.text, clause, m.start()))
    return bool(earlier) and hedge_claim(earlier[-1], scene) is not None


rule("certainty", 2, CLAIM.pattern)(hedge_claim)
rule("causal", 2, CLAIM.pattern)(hedge_claim)


@rule("extrapolation", 2, CLAIM.pattern)
def hedge_unplaced(m: re.Match[str], scene: Scene) -> str | None:
    """The claim hedged when no organism is in sight to place it in (:func:`in_organism` does that)."""
    return None if scene.organism else hedge_claim(m, scene)


MODAL = {"would likely": "could", "will likely": "may"}
SURE_ADVERBS = {"surely", "certainly", "definitely", "undoubtedly", "really", "actually", "potentially"}


@rule(
    "certainty",
    1,
    r"\b(?P<aux>will likely|would likely|will|(?:is|are)\s+(?:likely|set|expected|sure|certain|bound)\s+to|"
    r"(?P<can>can))\s+(?P<adv>(?:(?:also|soon|now|even|help|significantly|greatly|surely|certainly|"
    r"definitely|undoubtedly|really|actually|potentially)\s+)*)(?P<verb>[a-z]+)\b",
)
def will_effect(m: re.Match[str], scene: Scene) -> str | None:
    """ "will save lives" -> "may save lives", "is likely to work" -> "may work": "will" predicts an
    effect nobody measured. "can" only before an effect ("can be used" states a possibility)."""
    before = word_before(scene.text, m.start())
    verb = m.group("verb").lower()
    if before in NOT_A_VERB_AFTER - {"that"} or verb in {"not", "never", "no", "only", "you", "we"}:
        return None
    if before in {"you", "i", "we"} and "help" not in m.group(0):
        return None
    effect = re.fullmatch(EFFECT_VERBS, verb) or verb in CLAIM_VERBS or "help" in m.group("adv").lower()
    if m.group("can") and not effect:
        return None
    adverbs = [a for a in m.group("adv").split() if a.lower() not in SURE_ADVERBS]
    modal = MODAL.get(" ".join(m.group("aux").lower().split()), "may")
    return cased(" ".join([modal, *adverbs, m.group("verb")]), m.group(0), scene)


fixed("certainty", 2, r"\bsignificantly\s+(?=[a-z])", "")

BEST_NOUNS = r"treatment|therapy|way|option|medicine|remedy|cure|approach|method|choice|drug|defence|defense"


@rule(
    "certainty",
    1,
    r"\b(?P<be>is|are)\s+(?:really\s+|truly\s+|clearly\s+|simply\s+|definitely\s+|by far\s+)?"
    rf"(?:(?P<best>the (?:very )?best (?:possible )?(?P<noun>{BEST_NOUNS}))\b|"
    r"(?P<plain>(?:far |much |significantly )?(?:more effective|better|superior|highly effective|"
    r"extremely effective|very effective|effective|"
    r"the answer|the solution|the key)\b))",
)
def is_best(m: re.Match[str], scene: Scene) -> str | None:
    """ "is the best treatment" -> "may be an effective treatment", "is more effective than" -> "may be
    more effective than": a comparison no trial of this kind settles."""
    if conditional(scene.text, m.start()) or word_before(scene.text, m.start()) in {"there", "what", "it's"}:
        return None
    if m.group("best"):
        noun = "treatment" if m.group("noun").lower() == "cure" else m.group("noun")
        return cased(f"may be an effective {noun}", m.group(0), scene)
    plain = re.sub(r"^(?:far|much|significantly) ", "", m.group("plain"), flags=re.I)
    plain = re.sub(r"^(?:highly|extremely|very) ", "", plain, flags=re.I)
    plain = {"the answer": "an answer", "the solution": "a solution", "the key": "key"}.get(
        plain.lower(), plain
    )
    return cased(f"may be {plain}", m.group(0), scene)


@rule("certainty", 1, r"\b(?:is|are)\s+(?:now\s+|well\s+|widely\s+|also\s+)?known\s+to\s+(?P<be>be\s+)?")
def known_to(m: re.Match[str], scene: Scene) -> str | None:
    """ "are known to ease cramps" -> "may ease cramps": what "is known" is rarely shown here."""
    return cased("may be " if m.group("be") else "may ", m.group(0), scene)


fixed("certainty", 1, r"\b(?:it is|it's)\s+(?:now\s+)?known\s+that\b", "there is some evidence that")
fixed(
    "certainty",
    1,
    r"\b(?:clearly|conclusively|definitively|unequivocally|categorically|indisputably|unquestionably)\s+"
    r"(?=(?:shows?|showed|shown|proves?|proved|proven|demonstrat|establish|works?|helps?|reduc|improv|suggest|"
    r"prevent|benefit|effective|better|superior|linked|caus)\w*\b)",
    "",
)
fixed("certainty", 1, r",?\s*(?:without (?:a|any) doubt|beyond (?:any )?doubt),?(?=\s)", "")


# ---- vague evidence -----------------------------------------------------------------------------


@rule(
    "vague_evidence",
    1,
    r"\b(?:(?P<many>numerous|many|countless|multiple|several|a number of|a growing number of|"
    r"a wealth of|a growing body of|decades of)\s+)?(?P<clinical>clinical\s+|scientific\s+)?"
    r"(?P<what>studies|trials|research|science|evidence)\s+(?:have\s+|has\s+)?(?:now\s+|repeatedly\s+|consistently\s+)?"
    r"(?P<verb>shown|proven|proved|demonstrated|confirmed|found|show|prove|demonstrate|confirm|shows|proves|"
    r"demonstrates|confirms|says)\b(?!\s+(?:no|little)\b)",
)
def studies_show(m: re.Match[str], scene: Scene) -> str | None:
    """ "numerous studies have shown" -> "some studies suggest"; "research proves" -> "some research
    suggests"; a named or described study keeps its determiner ("our research suggests")."""
    before = word_before(scene.text, m.start())
    what = m.group("what").lower()
    if what in {"science", "evidence"}:
        what = "research" if what == "science" else "evidence"
    singular = what in {"research", "evidence"}
    verb = "suggests" if singular else "suggest"
    opening = re.search(r"(^|[,;:—–(-])\s*$", scene.text[: m.start()]) is not None
    if not m.group("many") and not opening and before not in {"and", "but", "that", "so", "because", "as"}:
        return None  # "our research shows", "clinical trial evidence shows": named, certainty's business
    clinical = (m.group("clinical") or "").lower()
    phrase = f"some {clinical}{what} {verb}"
    return cased(phrase, m.group(0), scene)


@rule(
    "vague_evidence",
    1,
    r"\b(?:experts|doctors|scientists|researchers|dentists|nutritionists)\s+"
    r"(?:all\s+|now\s+)?(?:agree|recommend|say|confirm)\b",
)
def experts_agree(m: re.Match[str], scene: Scene) -> str | None:
    """ "experts agree" -> "some experts say"; a bare "scientists say" is left as it is."""
    who, verb = m.group(0).split()[0], m.group(0).split()[-1].lower()
    if verb == "say" or word_before(scene.text, m.start()) in NOT_A_VERB_AFTER | {
        "some",
        "many",
        "most",
        "two",
    }:
        return None
    return cased(f"some {who.lower()} say", m.group(0), scene)


fixed(
    "vague_evidence",
    1,
    r"\b(?:it is|it's)\s+(?:now\s+)?(?:well|widely)\s+(?:known|established|accepted)\s+that\b",
    "some researchers think that",
)
fixed("vague_evidence", 1, r"\bstatistical proof\b", "statistical evidence")
fixed("vague_evidence", 1, r"\bhas been (?:clinically |scientifically )?(?:shown|proven|proved) to\b", "may")
fixed("vague_evidence", 1, r"\bhave been (?:clinically |scientifically )?(?:shown|proven|proved) to\b", "may")
fixed(
    "vague_evidence",
    1,
    r"\b(?:is|are)\s+(?:clinically|scientifically)\s+(?:proven|proved|shown)\s+to\b",
    "may",
)
fixed(
    "vague_evidence",
    1,
    r"\b(?:clinically|scientifically)[ -](?:proven|tested)\b(?=\s+(?!to\b)[a-z])",
    "tested",
)
fixed(
    "vague_evidence",
    1,
    r"\bsignificant(?:ly)?\s+(?=(?:health\s+)?(?:benefits?|improvements?|improved|reduc|"
    r"increas|better|lower|higher|gains?|effects?))",
    "",
)


# ---- sensational --------------------------------------------------------------------------------

HYPE_ADJECTIVES = (
    r"ground-?breaking|revolutionary|game-?changing|miraculous|landmark|remarkable|stunning|astonishing|"
    r"astounding|incredible|amazing|extraordinary|spectacular|sensational|phenomenal|unprecedented|"
    r"momentous|monumental|life-?changing|jaw-?dropping|mind-?blowing|earth-?shattering|world-?first|"
    r"exciting|dramatic|staggering|whopping|radical|pioneering|major|huge|massive|magic|powerful"
)


@rule(
    "sensational",
    1,
    rf"\b(?P<intense>(?:truly|really|very|most|so|highly|potentially)\s+)?"
    rf"(?P<adj>{HYPE_ADJECTIVES})(?P<join>\s*,\s*|\s+and\s+|\s+)(?=(?P<next>[A-Za-z][\w'-]*))",
)
def hype_adjective(m: re.Match[str], scene: Scene) -> str | None:
    """ "a groundbreaking study" -> "a study" (articles fixed by :func:`tidy`); a predicate ("is
    remarkable.") is not touched here, so nothing is left dangling."""
    before = word_before(scene.text, m.start())
    nxt = m.group("next").lower()
    if before in {"is", "are", "was", "were", "be", "been", "seems", "looks", "sounds"}:
        return None
    mild = {"major", "huge", "massive", "dramatic", "radical", "pioneering", "magic", "powerful"}
    hype_nouns = (
        r"(breakthroughs?|advances?|discover|cure|bullet|hope|leap|step|study|trial|finding|"
        r"results?|improvements?|reductions?|shift|boost|benefits?|new|difference|impact|progress|"
        r"potential|strides|gains?|effects?|tool|weapon)"
    )
    if m.group("adj").lower() in mild and not re.match(hype_nouns, nxt):
        return None  # "a major hospital", "huge numbers": size, not hype
    countable = r"(difference|impact|step|leap|shift|boost|advance|improvement|reduction|tool|weapon)$"
    if re.match(countable, nxt) and before and before not in NOT_A_VERB_AFTER:
        return None  # "makes huge difference": without the adjective the noun lacks its article
    if nxt in SMALL_WORDS | {"that", "than", "as", "from", "about"}:
        return None  # "exciting and as a tool": the adjective was a predicate
    return ""


@rule(
    "sensational",
    1,
    r"(?:\b(?P<det>a|an|the|this|these|its|their)\s+)?(?:\b(?P<mod>(?:major|medical|scientific|clinical|"
    r"big|huge|real|true|genuine|potential|possible|new)\s+))?(?P<open>(?<!\w)['‘])?\b(?P<word>breakthroughs?)\b"
    r"(?P<close>['’]?)(?P<after>\s+[a-z]+)?",
)
def breakthrough(m: re.Match[str], scene: Scene) -> str | None:
    """ "breakthrough" the noun -> "new finding", the adjective ("breakthrough drug") -> "new"."""
    after = m.group("after") or ""
    det = m.group("det") or ""
    if bool(m.group("open")) != bool(m.group("close")):
        return None  # a quotation that goes on past the word
    plural = m.group("word").lower().endswith("s")
    nouns = (
        r"\s+(treatment|therap|drug|pill|vaccine|test|device|procedure|technique|study|research|discover|"
        r"approach|medicine|jab|operation|surgery|finding|results?|technology|method|cure|scan|implant|product)"
    )
    modifier = after.strip().lower() not in SMALL_WORDS and re.match(nouns, scene.text[m.end() :], re.I)
    if re.match(nouns, after, re.I) or (after and modifier):
        if re.match(r"\s+cure", after, re.I):
            after = re.sub(r"cure", "treatment", after, flags=re.I)
        return (f"{det} " if det else "") + cased("new", m.group("word"), scene) + after
    noun = "new findings" if plural else "new finding"
    if (
        not det
        and not m.group("mod")
        and m.start() > 0
        and re.search(r"[a-z]\s+$", scene.text[: m.start()], re.I)
    ):
        noun = "new findings" if plural else "finding"  # "IVF breakthrough" -> "IVF finding", no "a" to add
    before = word_before(scene.text, m.start())
    if (
        not det
        and not plural
        and before in {"is", "was", "as", "be", "been", "made", "make", "makes", "called", "marks"}
    ):
        det = "a"
    return (f"{det} " if det else "") + cased(noun, m.group("word"), scene) + after


@rule(
    "sensational",
    1,
    r"\b(?P<aux>could|will|would|may|might|can|is set to|are set to|promises to|promise to|"
    r"is poised to|are poised to)\s+(?:\w+\s+)?(?P<verb>revolutioni[sz]e|transform|overhaul|rewrite)\b",
)
def revolutionize(m: re.Match[str], scene: Scene) -> str | None:
    """ "could revolutionize treatment" -> "could, if confirmed, change treatment"."""
    middle = m.group(0)[len(m.group("aux")) : m.start("verb") - m.start()].strip()
    if middle and middle.lower() not in {"one", "day", "soon", "eventually", "also", "help"}:
        return None
    return cased("could, if confirmed, change", m.group(0), scene)


fixed(
    "sensational",
    1,
    r"\b(?:revolutioni[sz]es|transforms)\b(?=\s+(?:the\s+)?(?:treatment|care|medicine|therapy|"
    r"how|the way|diagnosis|psychiatry|cancer|healthcare|health))",
    "could, if confirmed, change",
)
fixed(
    "sensational",
    1,
    r",\s*(?:offering|bringing|giving|providing|raising)\s+(?:new\s+|fresh\s+|real\s+)?hope\s+(?:of|for|to)"
    r"\s+(?:new|better|future|more effective)\s+(?:treatments?|therap(?:y|ies)|drugs?)",
    ", which may inform future research into treatments",
)
fixed(
    "sensational",
    1,
    r"\b(?:offers?|brings?|gives?|provides?)\s+(?:new\s+|fresh\s+|real\s+)?hope\s+(?:to|for)\s+"
    r"(?:millions|thousands)(?:\s+of\s+(?:people|patients|sufferers))?",
    "may eventually help some people",
)
PEOPLE = (
    r"patients|people|sufferers|women|men|children|kids|families|parents|babies|smokers|survivors|"
    r"victims|adults|users|those|millions|thousands|men and women"
)


@rule(
    "sensational",
    1,
    r"\b(?P<verb>offers?|offered|brings?|brought|gives?|gave|provides?|provided|holds?|raises?)\s+"
    r"(?:(?:new|fresh|real|renewed|great|much-needed|significant|some)\s+)?hopes?\s+(?:to|for|of)\s+"
    r"(?=(?P<what>[\w'-]+(?:\s+[\w'-]+){0,2}))",
)
def offers_hope(m: re.Match[str], scene: Scene) -> str | None:
    """ "gives hope to heart patients" -> "may help heart patients", "offers hope for treating gout" ->
    "may help in treating gout", "brings new hope for asthma" -> "may help treat asthma"."""
    what = m.group("what")
    may = "may "
    if m.group("verb").lower() in {"offer", "bring", "give", "provide", "hold", "raise"}:
        if word_before(scene.text, m.start()) not in {"could", "may", "might", "can"}:
            return None  # "they offer hope": where "may" would go is not known here
        may = ""
    if re.match(rf"(?:[\w'-]+\s+){{0,2}}(?:{PEOPLE})\b", what, re.I):
        phrase = "help"
    elif re.match(r"[a-z]+ing\b", what, re.I):
        phrase = "help in"
    elif re.match(rf"{DISEASE}\b", what, re.I) and not re.match(r"(?:a|an|the)\s", what, re.I):
        phrase = "help treat"
    else:
        return None
    return cased(f"{may}{phrase} ", m.group(0), scene)


@rule(
    "sensational",
    1,
    r"\b(?P<modal>(?:could|may|might|will|would)\s+)?(?P<verb>holds?|is|are|be)\s+(?:the\s+)?"
    r"(?:real\s+|possible\s+|potential\s+)?key\s+to\b",
)
def key_to(m: re.Match[str], scene: Scene) -> str | None:
    """ "could hold the key to beating cancer" -> "could play a role in beating cancer"."""
    modal = (m.group("modal") or "").split()
    plural = m.group("verb").lower() == "hold" and plural_subject(scene.text, m.start())
    if not modal and m.group("verb").lower() in {"hold", "be"} and not plural:
        return None  # "they hold the key": "may" is added only where the verb agrees
    lead = "may" if not modal or modal[0].lower() in {"will", "would"} else modal[0].lower()
    return cased(f"{lead} play a role in", m.group(0), scene)


fixed("sensational", 1, r"\b(?:a|the)\s+(?:real\s+|potential\s+|true\s+)?game[- ]?changer\b", "an advance")
fixed("sensational", 1, r"\bmiracle\s+(?:cure|treatment|remedy)\b", "treatment")
fixed("sensational", 1, r"\bmiracle\s+(?!(?:of|that|is|was|for|in|to|and|or)\b)(?=[a-z])", "")
fixed(
    "sensational",
    1,
    r"\bwonder\s+(?=(?:drug|pill|jab|supplement|diet|food|molecule|compound|cream|therapy|"
    r"vaccine|medicine|fruit|berry|seed|oil)s?\b)",
    "",
)
fixed("sensational", 1, r"\bsuperfoods?\b", "food")
fixed("sensational", 1, r"\bmagic bullet\b", "treatment")
fixed(
    "sensational",
    1,
    r"\b(?:dramatically|drastically|massively|hugely|radically|spectacularly|staggeringly)\s+",
    "",
)
fixed("sensational", 1, r"\b(?:a\s+)?(?:staggering|whopping|remarkable|massive|stunning|huge)\s+(?=\d)", "")
fixed(
    "sensational",
    1,
    r"\bkiller\s+(?=(?:diseases?|conditions?|illness(?:es)?|infections?|bugs?)\b)",
    "serious ",
)
fixed("sensational", 1, r"!+(?=\s*$)", ".")
fixed("sensational", 1, r"!+\s+(?=[A-Z])", ". ")


DISEASE = (
    r"(?:the\s+)?(?:common\s+)?(?:[\w-]+\s+){0,2}(?:cold|colds|flu|cancers?|diseases?|allerg(?:y|ies)|addiction|"
    r"epidemic|blindness|deafness|pain|diabetes|asthma|dementia|alzheimer's|obesity|infections?|"
    r"malaria|hiv|aids|depression|arthritis|migraines?|insomnia|acne|baldness|ageing|aging)"
)
fixed(
    "sensational",
    2,
    r"\b(?:could|will|would|is set to|are set to|promises to|is poised to)\s+(?:one day\s+|soon\s+|also\s+)?"
    r"(?:revolutioni[sz]e|transform|overhaul)\b",
    "may improve",
)
fixed("sensational", 1, r"\b(?:countless|millions of|many more|thousands of)\s+(?=lives\b)", "")
fixed(
    "sensational",
    2,
    r"\b(?:could|will|would|can)\s+(?:help\s+)?save\s+(?:countless\s+|millions of\s+|many\s+(?:more\s+)?)?"
    r"lives\b",
    "may benefit some patients",
)
fixed(
    "sensational",
    2,
    rf"\b(?:could|will|would|can|may)\s+(?:finally\s+|one day\s+|soon\s+)?(?:end|banish|defeat|eradicate|"
    rf"wipe out|conquer)\s+(?={DISEASE}\b)",
    "may help against ",
)
fixed(
    "sensational",
    2,
    rf"\b(?:heralds?|spells?|marks?|could spell|could mark|may spell|will spell|could herald)\s+the end of\s+"
    rf"(?={DISEASE}\b)",
    "may help against ",
)
fixed("sensational", 1, r"\b(?:a|an)\s+(?:real\s+|true\s+|genuine\s+)?quantum leap\b", "an advance")
fixed("sensational", 1, r"\b(?:a|an)\s+(?:major\s+|real\s+|true\s+)?turning point\b", "a step")
fixed("sensational", 1, r"\ba revolution in\b", "a change in")
fixed("sensational", 1, r"\bthe ultimate\s+(?=[a-z])", "a ")


@rule(
    "sensational",
    2,
    r"\b(?P<be>is|are|was|were)\s+(?:truly\s+|really\s+|very\s+|extremely\s+|incredibly\s+|hugely\s+)?"
    rf"(?:{HYPE_ADJECTIVES})(?=\s*[.!;]|\s*$)",
)
def hype_predicate(m: re.Match[str], scene: Scene) -> str | None:
    """ "The results are remarkable." -> "The results are promising." (milder praise is not hype)."""
    return f"{m.group('be')} promising"


# A trailing ", offering hope for millions" or ", making it one of the most powerful tools" goes.
fixed(
    "sensational",
    2,
    r",\s*(?:offering|bringing|giving|providing|raising|heralding|paving the way for|opening the door to|"
    r"making it)\b[^,;:.!?\"“”]*(?=[.!]?\s*$)",
    "",
)

# A consequence the finding does not carry, run on after it to the end of the sentence ("..., so it
# will stop the next pandemic", "..., which shows it can make anyone a better person", "..., a
# finding that suggests it may fight dementia"): the finding stays, the leap goes.
CONSEQUENCE = (
    r",\s*(?:so\s+(?!far\b|much\b|many\b|that\b|too\b)|which\s+(?:shows|means|proves|suggests|could|"
    r"will|may|might|would)\b|(?:a|the)\s+(?:finding|discovery|breakthrough|result|development)\s+"
    r"(?:that|which)\b|meaning\b|proving\b|showing\s+that\b|suggesting\s+that\b|allowing\b)"
    r"[^,;:\"“”]*?(?=[.!]?\s*$)"
)


def consequence(m: re.Match[str], scene: Scene) -> str | None:
    """Cut the consequence, where what stands before it is a main clause of some length."""
    head = m.string[: m.start()]
    return None if SUBORDINATE_OPENING.match(head) or len(WORD.findall(head)) < 5 else ""


for _reason in ("certainty", "causal", "sensational", "extrapolation"):
    rule(_reason, 2, CONSEQUENCE)(consequence)


# ---- safety -------------------------------------------------------------------------------------


@rule(
    "safety",
    1,
    r"^(?:because|since|as)\s+(?P<subject>[^,]{2,60}?)\s+(?P<be>is|are)\s+"
    r"(?:(?:entirely|completely|totally|purely|wholly)\s+)?(?P<natural>(?:all[- ])?natural|"
    r"plant-based|herbal|organic|made from plants|derived from plants),\s+"
    r"(?P<rest>[^.;!?]+)(?P<end>[.!]?)\s*$",
)
def natural_because(m: re.Match[str], scene: Scene) -> str | None:
    """ "Because it is natural, it is safe." -> "It is natural, but natural does not mean risk-free."."""
    subject = m.group("subject")
    if not re.search(
        r"\b(safe|harmless|gentle|side[- ]effects|risk|risks|no harm|toxic)\b", m.group("rest"), re.I
    ):
        return None
    subject = subject[0].upper() + subject[1:]
    end = m.group("end") or "."
    return f"{subject} {m.group('be')} {m.group('natural')}, but natural does not mean risk-free{end}"


@rule(
    "safety",
    1,
    r"\b(?P<natural>(?:all[- ])?natural|plant-based|herbal|organic)\s*(?:,\s*|\s+and\s+)(?:so|therefore|thus|"
    r"hence)\s+(?:(?:it|they)\s+(?:is|are|'s)\s+|(?:it's|they're)\s+)?(?:completely\s+|perfectly\s+|totally\s+)?"
    r"(?:safe|harmless|gentle|risk-free)\b",
)
def natural_so_safe(m: re.Match[str], scene: Scene) -> str | None:
    """ "natural, so it is safe" -> "natural, but natural does not mean risk-free"."""
    return f"{m.group('natural')}, but natural does not mean risk-free"


@rule(
    "safety",
    1,
    r",\s+so\s+(?P<who>it|they)(?:\s+is|\s+are|'s|'re)\s+(?:completely\s+|perfectly\s+|totally\s+|entirely\s+)?"
    r"(?P<safe>safe|harmless)\b",
)
def so_safe(m: re.Match[str], scene: Scene) -> str | None:
    """ "made from whole foods, so it's safe at any dose" -> "..., but that does not make it safe at any
    dose": the inference is what overclaims."""
    who = "them" if m.group("who").lower() == "they" else "it"
    return f", but that does not make {who} {m.group('safe').lower()}"


@rule(
    "safety",
    1,
    r"\b(?P<be>is|are|it's)\s+(?:completely\s+|perfectly\s+|totally\s+|entirely\s+|absolutely\s+|very\s+|"
    r"always\s+)?(?P<safe>safe|harmless)"
    r"(?P<effective>,?\s+(?:and\s+|possibly\s+|probably\s+|even\s+)+(?:effective|beneficial|helpful))?"
    r"\b(?!\s+(?:to say|as|than)\b)",
)
def is_safe(m: re.Match[str], scene: Scene) -> str | None:
    """ "is safe" -> "was well tolerated in the study" where a study is mentioned, else "has not been
    shown to be safe"; "safe and effective" is rewritten as one claim; "safe, possibly beneficial", a
    finding already hedged, -> "appears to be safe, possibly beneficial"."""
    if re.search(
        r"\b(believes?|thinks?|says?|said|claims?|argues?)\s+(?:that\s+)?", scene.text[: m.start()], re.I
    ):
        return None  # someone's view, reported: "has not been shown" would contradict the report
    be = m.group("be").lower()
    plural = be == "are"
    subject = "it " if be == "it's" else ""
    effective = m.group("effective") or ""
    if re.search(r"\b(?:possibly|probably)\b", effective, re.I):
        # a finding reported with its benefit hedged: "has not been shown" would reverse it
        appear = "appear" if plural else "appears"
        return cased(f"{subject}{appear} to be {m.group('safe').lower()}{effective}", m.group(0), scene)
    after = scene.text[m.end() :]
    bare = re.match(r"\s*([.,;!]|$|\s+(?:and|but|for\b))", after) is not None
    if scene.study and bare:
        verb = "were" if plural else "was"
        effect = " and showed benefit" if effective else ""
        where = "" if STUDY.search(scene.text) else " in the study"
        return cased(f"{subject}{verb} well tolerated{effect}{where}", m.group(0), scene)
    have = "have" if plural else "has"
    claim = f"safe or {effective.split()[-1]}" if effective else m.group("safe").lower()
    return cased(f"{subject}{have} not been shown to be {claim}", m.group(0), scene)


@rule(
    "safety",
    1,
    r"\b(?P<verb>has|have|with|causes?|cause)\s+(?:absolutely\s+|virtually\s+)?(?:no|zero)\s+"
    r"(?:known\s+|harmful\s+|nasty\s+)?(?P<what>side[- ]effects|risks|adverse effects)"
    r"(?:\s+whatsoever|\s+at all)?\b"
    r"(?!\s+(?:and|or)\s+no\b)",
)
def no_side_effects(m: re.Match[str], scene: Scene) -> str | None:
    """ "has no side effects" -> "has not been fully studied for side effects" (or, with a study,
    "had few side effects reported in the study")."""
    verb, what = m.group("verb").lower(), m.group("what").lower()
    if verb == "with":
        if scene.headline:
            return None
        if scene.study:
            return cased(f"with few {what} reported in the study", m.group(0), scene)
        return cased(f"though the {what} have not been fully studied", m.group(0), scene)
    have = "has" if verb in {"has", "causes"} else "have"
    return cased(f"{have} not been fully studied for {what}", m.group(0), scene)


fixed(
    "safety",
    1,
    r"\bside[- ]effects\s+(?:are|were)\s+(?:minimal|negligible|non-existent|rare|very rare)\b",
    "side effects have not been fully studied",
)
fixed(
    "safety",
    1,
    r"\b(?:the\s+)?risks?\s+(?:is|are)\s+(?:minimal|tiny|negligible|very low|non-existent)\b",
    "the risks have not been fully measured",
)


# ---- extrapolation ------------------------------------------------------------------------------


@rule(
    "extrapolation",
    1,
    r"\b(?:can|will|could)\s+(?=(?:help|benefit|treat|cure|save|protect|reverse|regrow|restore|"
    r"prevent|stop|reduce)\b)",
)
def can_help(m: re.Match[str], scene: Scene) -> str | None:
    """ "can help patients" -> "may help patients" once the organism is said (see :func:`in_organism`)."""
    return cased("may ", m.group(0), scene) if scene.organism else None


@rule(
    "extrapolation",
    2,
    r"(?P<claim>[^\"“”]*?[a-z0-9%)])(?P<tail>(?:,\s*(?:according to|researchers|scientists|the team|"
    r"the study|a study|the authors|experts|doctors)\b[^\"“”]*)?[.!]?)\s*$",
)
def in_organism(m: re.Match[str], scene: Scene) -> str | None:
    """The organism the context names ("in mice") after the claim, when the sentence does not say it."""
    phrase = scene.organism
    people = re.search(
        r"\b(patients|people|humans|you|your|children|adults|women|men|sufferers)\b", scene.text, re.I
    )
    if not phrase or ORGANISMS.search(scene.text) or scene.headline or people:
        return None
    if phrase == "in a laboratory study" and not re.search(r"\bcells?\b", scene.context, re.I):
        return None
    if phrase == "in a laboratory study":
        phrase = "in lab-grown cells"
    return f"{m.group('claim')} {phrase}{m.group('tail')}"


# ---- promotional --------------------------------------------------------------------------------

CALL = (
    r"(?:order|call|book|buy|shop|subscribe|sign up|register|contact us|visit|click|try|get|grab|claim|"
    r"ask your (?:gp|doctor)|don't miss|do not miss|hurry|join|start|schedule|discover|request)"
)


@rule(
    "promotional",
    1,
    rf"(?:^|(?<=[.!?])\s+){CALL}\b[^.!?]*(?:today|now|online|us|here|yours|appointment|"
    r"consultation|offer|referral|trial|journey|while stocks last|[\d])?[^.!?]*[.!?]?\s*$",
)
def call_to_action(m: re.Match[str], scene: Scene) -> str | None:
    """A closing call to action ("Book your consultation today.") goes, when a claim stays."""
    kept = scene.text[: m.start()].strip()
    if len(WORD.findall(kept)) < 4 or not re.search(r"\b(today|now|us|our|your|online)\b", m.group(0), re.I):
        return None
    return ""


@rule(
    "promotional", 1, rf"\s*(?:,\s*(?:so|and)\s+|\s+(?:so|and)\s+|\s*[-–—:;]\s*){CALL}\b[^.!?]*(?=[.!?]?\s*$)"
)
def call_clause(m: re.Match[str], scene: Scene) -> str | None:
    """ "..., so book your consultation today." -> "..."."""
    if not re.search(r"\b(today|now|us|our|your|online)\b", m.group(0), re.I):
        return None
    kept = scene.text[: m.start()]
    return "" if len(WORD.findall(kept)) >= 4 and not re.match(rf"\W*{CALL}\b", kept, re.I) else None


fixed(
    "promotional",
    1,
    r"\b(?:the|our)\s+(?:innovative|leading|world-leading|premier|pioneering|best|world's leading|"
    r"market-leading)\s+(?=(?:provider|supplier|maker|manufacturer|developer|company|clinic|brand)\b)",
    "a ",
)
fixed(
    "promotional",
    1,
    r"\b(?:innovative|cutting-edge|state-of-the-art|world-class|best-selling|bestselling|"
    r"award-winning|revolutionary)\s+(?=[a-z])",
    "",
)
for _reason in ("promotional", "certainty"):
    fixed(
        _reason,
        1,
        r"\b(?:ideal|perfect|ideally suited|perfectly suited|the perfect (?:choice|solution|option))\s+"
        r"(?:for|to)\b(?=\s+[a-z])",
        "intended for",
    )
fixed("promotional", 1, r"\bclinically proven\b(?=\s+(?!to\b)[a-z])", "tested")
fixed("promotional", 1, r",?\s*(?:limited time only|while stocks last|for a limited time)\b", "")


# ---- applying them ------------------------------------------------------------------------------


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` quotes someone: :data:`QUOTED`, a phrase in single quotes ("'raises the risk'"),
    a sentence that opens a single quote it never closes, and everything before a lone straight
    quote that closes a quotation opened sentences before."""
    spans = [q.span() for q in QUOTED.finditer(text)]
    spans += [q.span() for q in re.finditer(r"(?<!\w)['‘][^'‘’]*\s[^'‘’]*['’](?!\w)", text)]
    opened = re.match(r"\s*['‘]", text)
    if opened and not re.search(r"['’](?!\w)", text[opened.end() :]):
        spans.append((0, len(text)))  # a quotation opened here and closed in a later sentence
    if (
        text.count('"') % 2
        and (closing := re.search(r'[.,!?]"', text))
        and closing.start() < text.index('"') + 1
    ):
        spans.append((0, closing.end()))
    return spans


def apply_rules(text: str, rules: Sequence[Rule], scene: Scene) -> str:
    """``text`` with each rule applied in turn (a rule sees the sentence as the rules before left it)."""
    out, quotes = text, quotation_spans(text)
    for one in rules:
        current = Scene(out, scene.context, scene.headline)

        def replace(
            m: re.Match[str],
            one: Rule = one,
            current: Scene = current,
            quotes: list[tuple[int, int]] = quotes,
        ) -> str:
            if any(start < m.end() and m.start() < end for start, end in quotes):
                return m.group(0)  # a quotation is the speaker's words: never edited
            found = one.replace(m, current)
            return m.group(0) if found is None else found

        edited = one.pattern.sub(replace, out)
        if edited != out:
            out, quotes = edited, quotation_spans(edited)
    return tidy(out) if out != text else text


# Calls to action go first (so no rule edits a clause that is about to go), the organism last
# (it is appended after the claim as the other rules left it).
REASON_ORDER = (
    "promotional",
    "vague_evidence",
    "certainty",
    "safety",
    "causal",
    "sensational",
    "extrapolation",
)


def _chosen(reasons: Sequence[str], strength: int) -> list[Rule]:
    """The rules of ``reasons`` up to ``strength``, in reason order, stronger rewrite first; a
    construction registered under several reasons (the consequence cut) runs once, at its first place."""
    mine = [r for r in RULES if r.reason in reasons and r.strength <= strength]
    unique: dict[tuple[str, Replace], Rule] = {}
    for one in sorted(mine, key=lambda r: (REASON_ORDER.index(r.reason), -r.strength)):
        unique.setdefault((one.pattern.pattern, one.replace), one)
    return list(unique.values())


def _scene(text: str, context: str | None) -> Scene:
    words = WORD.findall(text)
    return Scene(text, context or "", bool(words) and title_case(words))


def phrase_candidates(text: str, reasons: Sequence[str], context: str | None = None) -> list[str]:
    """Rewrites of ``text`` from weakest to strongest: the reasons' minimal edits, then with the main
    claim hedged too, then with every reason's rules (the model may have missed a reason)."""
    scene = _scene(text, context)
    found = [apply_rules(text, _chosen(reasons, s), scene) for s in STRENGTHS]
    others = [r for r in REASON_ORDER if r != "extrapolation" or r in reasons]  # "in mice" needs the reason
    found.append(apply_rules(text, _chosen(others, STRENGTHS[-1]), scene))
    return [c for c in dict.fromkeys(found) if c != text and c.strip()]


def rewrite(text: str, reasons: Sequence[str], context: str | None = None) -> str | None:
    """The strongest rule rewrite of ``text`` for its ``reasons``, or None when no rule applies."""
    out = apply_rules(text, _chosen(reasons, STRENGTHS[-1]), _scene(text, context))
    return out if out != text and out.strip() else None
