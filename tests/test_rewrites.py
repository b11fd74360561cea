"""Rewrites: the pairs they learn from, the edits, the facts they keep, the check before one is offered."""

import asyncio
import dataclasses
import json
from collections import Counter

import numpy as np
import pytest
from hypecheck.models.edits import Tag, realize, tags_for, words
from hypecheck.models.facts import facts, keeps_facts
from hypecheck.models.labels import REASONS
from hypecheck.models.phrase_rules import article_for, phrase_candidates, rewrite
from hypecheck.models.rewriter import Rewriter
from hypecheck.models.scoring import ScoreOptions, score_documents
from hypecheck.models.suggestions import advice, suggest_all
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.training.rewrite_pairs import REWRITES_DIR, apply_edits, load_pairs
from hypecheck.training.splits import split_of

from tests.conftest import SHARED_DATA
from tests.stand_in import KeywordPredictor, keyword_predictor


@pytest.fixture(scope="module")
def pairs():
    return load_pairs(SHARED_DATA, "headline+previous")


def test_there_are_enough_pairs_for_every_reason_and_the_test_split_is_kept_apart(pairs):
    assert len(pairs) >= 2000
    train = [p for p in pairs if p.split == "train"]
    counts = Counter(r for p in train for r in p.reasons)
    assert set(counts) == set(REASONS)
    assert min(counts.values()) >= 100
    assert {p.split for p in pairs} == {"train", "validation", "test"}
    real = [p for p in pairs if p.kind == "real"]
    assert len(real) >= 600 and all(p.target != p.source for p in real)


def test_real_rewrites_are_stored_as_edits_without_the_sentence():
    rows = [json.loads(line) for line in (REWRITES_DIR / "real.jsonl").read_text().splitlines()]
    assert rows and all(set(row) == {"id", "sha", "edits"} for row in rows)
    assert split_of(rows[0]["id"].split("@")[0]) in {"train", "validation", "test"}
    assert apply_edits("It cures cancer.", [[3, 8, "may help treat"]]) == "It may help treat cancer."


def test_tags_turn_each_overclaim_into_its_rewrite(pairs):
    tagged = [(p, tags_for(p.source, p.target)) for p in pairs if p.target]
    usable = [(p, tags) for p, tags in tagged if tags is not None]
    assert len(usable) >= 0.9 * len(tagged)
    exact = sum(realize(p.source, tags) == p.target.strip() for p, tags in usable)
    assert exact >= 0.95 * len(usable)


def test_an_edit_after_the_last_word_has_no_tag():
    assert tags_for("It works", "It works, in mice") is None
    assert realize("It works.", [Tag(), Tag(keep=False, phrase="may help"), Tag()]) == "It may help."


def test_facts_are_numbers_and_names_outside_title_case():
    sentence = "In 12 mice, the Karolinska team cut tumour growth by 30%."
    assert facts(sentence) == {"12", "30", "Karolinska"}
    assert keeps_facts(sentence, "In 12 mice, the Karolinska team saw 30% slower tumour growth.")
    assert not keeps_facts(sentence, "In mice, the Karolinska team saw slower tumour growth.")
    assert facts("Gene Therapy Cures Adult Leukemia") == set()
    invented = "In 12 mice, the Karolinska team cut tumour growth by 30% in a trial of 200 people."
    assert not keeps_facts(sentence, invented)
    assert keeps_facts(sentence, invented, context="The trial of 200 people follows.")


def test_a_rewrite_leaves_quotations_word_for_word():
    quoted = "“This will transform care,” said Dr Lee, who led the trial."
    assert not keeps_facts(quoted, "“This may transform care,” said Dr Lee, who led the trial.")
    assert keeps_facts(quoted, "“This will transform care,” said Dr Lee, who led the small trial.")
    cut = "The results show it works,” he said."  # the quotation opened in the sentence before
    assert not keeps_facts(cut, "The results suggest it works,” he said.")
    opened = 'She said: "the drug cures the disease in everyone'  # closed in the sentence after
    assert not keeps_facts(opened, 'She said: "the drug may help some patients')


def test_advice_names_what_the_sentence_lacks():
    [causal] = advice("Coffee prevents cancer.", ["causal"])
    assert "kind of study" in causal
    [general] = advice("Coffee drinkers had less cancer in a survey of 4,000 adults.", ["causal"])
    assert "kind of study" not in general and "was linked to" in general
    [safety] = advice("The tea is safe for everyone.", ["safety"])
    assert "harms" in safety


def test_a_quotation_gets_advice_on_what_to_do_around_it():
    quoted, sensational = advice('"This is a game-changer," said Dr Lee.', ["sensational"])
    assert "quotation" in quoted and "quotation" not in sensational
    assert len(advice("This is a game-changer, said Dr Lee.", ["sensational"])) == 1


def test_a_rewrite_is_offered_only_when_the_model_no_longer_calls_it_an_overclaim():
    predictor = keyword_predictor()
    rule = ScoreOptions().rule(predictor.info)
    items = [
        ("This miracle pill lowered blood pressure in 40 adults.", None, ["sensational"]),
        ("It is a miracle that it works.", None, ["certainty"]),  # no rule rewrites "a miracle" (the noun)
    ]
    fixed, unfixed = suggest_all(predictor, items, rule)
    assert fixed.rewrite == "This pill lowered blood pressure in 40 adults."
    assert fixed.rewrite_source == "rules" and fixed.rewrite_p_overclaim < 0.5
    assert unfixed.rewrite is None and unfixed.advice


def whole_sentence_rewriter(text: str) -> Rewriter:
    """A rewriter that replaces all of ``text`` by "It may help." where the first word's state is
    [1, 0, 0] (see :func:`states`), an edit editors made."""
    hidden = np.zeros((4, 3), np.float32)
    hidden[0, 0] = 1.0  # the first word (state [1, 0, 0]) lights the phrase
    phrase = np.zeros((2, 4), np.float32)
    phrase[1, 0] = 10.0
    weights = {
        "hidden.weight": hidden,
        "hidden.bias": np.zeros(4, np.float32),
        "keep.weight": np.zeros((2, 4), np.float32),
        "keep.bias": np.array([5.0, 0.0], np.float32),  # delete every word
        "phrase.weight": phrase,
        "phrase.bias": np.array([0.0, -4.0], np.float32),
    }
    everything = (" ".join(w.bare.lower() for w in words(text)), "It may help.")
    return Rewriter(["", "It may help."], weights, {everything}, {})


def states(text):
    found = np.zeros((len(words(text)), 3), np.float32)
    found[0, 0] = 1.0
    return found


def test_a_candidate_that_drops_a_fact_is_not_offered():
    predictor = keyword_predictor()
    rule = ScoreOptions().rule(predictor.info)
    text = "This miracle pill cut pain by 40%."
    everything = (" ".join(w.bare.lower() for w in words(text)), "It may help.")
    predictor.rewriter = whole_sentence_rewriter(text)
    predictor.word_states = lambda texts, contexts: [states(t) for t in texts]
    assert predictor.rewriter.candidates(text, states(text))[0] == "It may help."
    predictor.rewriter.edits = set()  # an edit no editor made is never proposed
    assert predictor.rewriter.candidates(text, states(text)) == []
    predictor.rewriter.edits = {everything}
    [suggestion] = suggest_all(predictor, [(text, None, ["sensational"])], rule)
    assert suggestion.rewrite == "This pill cut pain by 40%." and suggestion.rewrite_source == "rules"


class RewritingPredictor(KeywordPredictor):
    """The keyword stand-in with a learned rewriter, giving token states only from its scoring pass."""

    def __init__(self, rewriter):
        super().__init__(keyword_predictor().info)
        self.rewriter = rewriter

    def predict(self, texts, contexts=None, *, states=False):
        probs = super().predict(texts, contexts)
        return dataclasses.replace(probs, states=[token_states(t) for t in texts]) if states else probs

    def word_states(self, texts, contexts=None):
        raise AssertionError("a second pass: the scoring pass gave the states")


def token_states(text):
    """One token per word, its state as :func:`states` gives it."""
    spans = [(w.end - len(w.bare), w.end) for w in words(text)]
    return states(text), spans, [0] * len(spans)


def test_the_api_offers_the_learned_rewrite_the_scoring_core_offers():
    text = "This miracle pill works wonders."
    predictor = RewritingPredictor(whole_sentence_rewriter(text))
    [direct] = score_documents(predictor, [text], ScoreOptions(triggers=False))

    async def through_the_batcher():
        batcher = MicroBatcher(predictor, wait_ms=1, max_sentences=64)
        batcher.start()
        try:
            return await batcher.score([text], ScoreOptions(triggers=False))
        finally:
            await batcher.stop()

    [served] = asyncio.run(through_the_batcher())
    [sentence] = direct.sentences
    assert sentence.suggestion.rewrite == "It may help." and sentence.suggestion.rewrite_source == "learned"
    assert served.sentences[0].suggestion == sentence.suggestion


def test_every_door_gets_rewrites_from_the_scoring_core():
    predictor = keyword_predictor()
    [document] = score_documents(predictor, ["A miracle cure lowered pain in 30 adults. Rain fell."])
    flagged, calm = document.sentences
    assert flagged.suggestion.rewrite == "A treatment was linked to a reduction in pain in 30 adults."
    assert flagged.suggestion.rewrite_p_overclaim < 0.5
    assert calm.suggestion is None


# Phrase rules: sentence, reasons, context -> the candidates, weakest first (sentences made up here).
PHRASE_CASES = [
    # causal: the verb and its object become an association, with the amount moved into the phrase
    (
        "Coffee prevents dementia, a survey of 3,000 adults found.",
        ["causal"],
        None,
        ["Coffee was linked to a lower risk of dementia, a survey of 3,000 adults found."],
    ),
    (
        "Dark chocolate cuts the risk of stroke by 30%, a cohort of 900 found.",
        ["causal"],
        None,
        ["Dark chocolate was linked to a 30% reduction in the risk of stroke, a cohort of 900 found."],
    ),
    (
        "Smoking increases the risk of death six-fold.",
        ["causal"],
        None,
        ["Smoking was linked to a six-fold higher risk of death."],
    ),
    (
        "Statins reduce deaths from pneumonia.",
        ["causal"],
        None,
        ["Statins were linked to a reduction in deaths from pneumonia."],
    ),
    (
        "Green tea helps prevent cancer.",
        ["causal"],
        None,
        ["Green tea was linked to a lower risk of cancer."],
    ),
    (
        "Eating nuts can reduce the risk of heart disease.",
        ["causal"],
        None,
        [
            "Eating nuts may reduce the risk of heart disease.",
            "Eating nuts may be linked to a lower risk of heart disease.",
        ],
    ),
    ("Walking Daily Prevents Gout", ["causal"], None, ["Walking Daily Linked to a Lower Risk of Gout"]),
    # certainty
    (
        "This study proves that fasting works.",
        ["certainty"],
        None,
        ["This study suggests that fasting works."],
    ),
    ("The supplement cures insomnia.", ["certainty"], None, ["The supplement may help treat insomnia."]),
    (
        "Our strips whiten every tooth in seven days, guaranteed.",
        ["certainty"],
        None,
        ["Our strips whiten every tooth in seven days."],
    ),
    ("THE JAB THAT WILL SAVE LIVES", ["certainty"], None, ["THE JAB THAT MAY SAVE LIVES"]),
    # sensational: the hype goes, the article follows the next word
    (
        "An incredible new drug lowered pain in 40 adults.",
        ["sensational"],
        None,
        ["A new drug lowered pain in 40 adults."],
    ),
    (
        "A groundbreaking study found the gel eased itching.",
        ["sensational"],
        None,
        ["A study found the gel eased itching."],
    ),
    (
        "The balm shrank warts, offering hope of new treatments.",
        ["sensational"],
        None,
        ["The balm shrank warts, which may inform future research into treatments."],
    ),
    (
        "This breakthrough could revolutionize dermatology.",
        ["sensational"],
        None,
        [
            "This new finding could, if confirmed, change dermatology.",
            "This new finding may improve dermatology.",
        ],
    ),
    (
        "The results are remarkable!",
        ["sensational"],
        None,
        ["The results are remarkable.", "The results are promising."],
    ),
    # safety
    (
        "Because the tonic is natural, side effects are minimal.",
        ["safety"],
        None,
        ["The tonic is natural, but natural does not mean risk-free."],
    ),
    (
        "Because the extract is entirely natural, it is safe to take alongside any medication.",
        ["safety"],
        None,
        ["The extract is natural, but natural does not mean risk-free."],
    ),
    (
        "The tea is safe for everyone.",
        ["safety"],
        None,
        ["The tea has not been shown to be safe for everyone."],
    ),
    (
        "The statins are safe, probably helpful for older adults.",
        ["safety"],
        None,
        ["The statins appear to be safe, probably helpful for older adults."],
    ),
    (
        "The patch is safe and effective.",
        ["safety"],
        "In a trial of 80 adults, the patch was worn for a month.",
        ["The patch was well tolerated and showed benefit in the study."],
    ),
    (
        "Our tonic is made from herbs, so it's completely safe at any dose.",
        ["safety"],
        None,
        ["Our tonic is made from herbs, but that does not make it safe at any dose."],
    ),
    (
        "The earpiece has no side effects.",
        ["safety"],
        None,
        ["The earpiece has not been fully studied for side effects."],
    ),
    # extrapolation: the organism the context names
    (
        "The drink reverses ageing.",
        ["extrapolation"],
        "Researchers gave the drink to old mice for a month.",
        ["The drink reverses ageing in mice."],
    ),
    # vague evidence
    (
        "Numerous studies have shown that yoga eases back pain.",
        ["vague_evidence"],
        None,
        ["Some studies suggest that yoga eases back pain."],
    ),
    (
        "Experts agree that sleep is vital.",
        ["vague_evidence"],
        None,
        ["Some experts say that sleep is vital."],
    ),
    # promotional: the call to action goes when a claim stays
    (
        "Our clinic offers laser therapy for back pain. Book your consultation today!",
        ["promotional"],
        None,
        ["Our clinic offers laser therapy for back pain."],
    ),
]


@pytest.mark.parametrize(("text", "reasons", "context", "expected"), PHRASE_CASES)
def test_phrase_rules_rewrite_constructions_weakest_first(text, reasons, context, expected):
    assert phrase_candidates(text, reasons, context)[: len(expected)] == expected


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("There is no cure for the common cold.", ["certainty"]),  # "cure" the noun
        ("Budget cuts reduced the number of nurses.", ["causal"]),  # "cuts" the noun
        ("Order now.", ["promotional"]),  # nothing would remain
        ("If they increase the dose, the pain eases.", ["causal"]),  # a condition, not a claim
        ("The lab's early work led to the development of a new vaccine.", ["causal"]),  # history
        ("MUSCLES 'ARE NOT PROTECTED AGAINST CRAMP'", ["causal"]),  # a negated passive participle
    ],
)
def test_a_phrase_rule_that_cannot_apply_cleanly_does_not_fire(text, reasons):
    assert phrase_candidates(text, reasons) == []


def test_a_hypothesis_is_hedged_and_never_becomes_a_reported_association():
    found = phrase_candidates("The new valve could reduce strokes in older patients.", ["causal"])
    assert found == ["The new valve may reduce strokes in older patients."]


def test_phrase_rules_keep_numbers_quotations_and_agreement():
    [found] = phrase_candidates("Weight training slashes early death risk by 20%", ["causal"])
    assert found == "Weight training was linked to a 20% reduction in early death risk"
    assert keeps_facts("Weight training slashes early death risk by 20%", found)
    quoted = '"This miracle pill cures gout," said Dr Rao.'
    assert phrase_candidates(quoted, ["certainty", "sensational"]) == []
    assert article_for("18%") == "an" and article_for("new") == "a" and article_for("unusual") == "an"
    assert article_for("university") == "a" and article_for("hour") == "an"
    plural = phrase_candidates("Tomatoes protect against prostate cancer.", ["causal"])[0]
    assert plural == "Tomatoes were linked to a lower risk of prostate cancer."


def test_rewrite_is_the_strongest_rule_rewrite_for_the_reasons():
    assert rewrite("Eating nuts can reduce the risk of heart disease.", ["causal"]) == (
        "Eating nuts may be linked to a lower risk of heart disease."
    )
    assert rewrite("Rain fell.", ["causal"]) is None


# New constructions: sentence, reasons, context -> the first candidate (sentences made up here).
HEDGE_CASES = [
    # a present-tense effect verb hedged, a second verb joined by "and" following the first
    (
        "Beetroot juice sharpens memory and lowers blood pressure.",
        ["certainty"],
        None,
        "Beetroot juice may sharpen memory and lower blood pressure.",
    ),
    ("Common Balm Fights Eczema", ["certainty"], None, "Common Balm May Fight Eczema"),
    ("Statins actually protect the kidneys.", ["certainty"], None, "Statins may protect the kidneys."),
    ("The drink reverses ageing.", ["extrapolation"], None, "The drink may reverse ageing."),
    (
        "The vaccine prevents you from getting sick.",
        ["causal"],
        None,
        "The vaccine may prevent you from getting sick.",
    ),
    # "will", "is likely to", "can" before an effect
    (
        "The new scan will spare many patients from surgery.",
        ["certainty"],
        None,
        "The new scan may spare many patients from surgery.",
    ),
    (
        "The cream is likely to be effective against rashes.",
        ["certainty"],
        None,
        "The cream may be effective against rashes.",
    ),
    (
        "The kit can now detect gout at home.",
        ["certainty"],
        None,
        "The kit may now detect gout at home.",
    ),
    # claims of superiority and of what "is known"
    (
        "Sleep is the best medicine for a cold.",
        ["certainty"],
        None,
        "Sleep may be an effective medicine for a cold.",
    ),
    (
        "Swimming is more effective than stretching for sore knees.",
        ["certainty"],
        None,
        "Swimming may be more effective than stretching for sore knees.",
    ),
    ("Ginger roots are known to ease nausea.", ["certainty"], None, "Ginger roots may ease nausea."),
    (
        "It is now known that zinc shortens colds.",
        ["certainty"],
        None,
        "There is some evidence that zinc shortens colds.",
    ),
    (
        "The trial shows conclusively that the gel works.",
        ["certainty"],
        None,
        "The trial suggests that the gel works.",
    ),
    (
        "Our study has shown the gel eases itching.",
        ["certainty"],
        None,
        "Our study suggests the gel eases itching.",
    ),
    # sensational: hope, keys, hype before a noun
    (
        "New inhaler gives hope to asthma patients",
        ["sensational"],
        None,
        "New inhaler may help asthma patients",
    ),
    (
        "The pill offers new hope for treating gout.",
        ["sensational"],
        None,
        "The pill may help in treating gout.",
    ),
    (
        "A gut microbe could hold the key to beating acne.",
        ["sensational"],
        None,
        "A gut microbe could play a role in beating acne.",
    ),
    (
        "The splint made a huge difference to recovery.",
        ["sensational"],
        None,
        "The splint made a difference to recovery.",
    ),
    ("'Breakthrough' asthma drug eases wheezing", ["sensational"], None, "New asthma drug eases wheezing"),
    # a singular noun in "-sis" takes "was"; a name with "-Cure" in it is no claim to cure
    (
        "Early diagnosis halved the risk of death.",
        ["causal"],
        None,
        "Early diagnosis was linked to half the risk of death.",
    ),
    (
        "The P-Cure system significantly reduces costs.",
        ["certainty"],
        None,
        "The P-Cure system may reduce costs.",
    ),
    # a consequence the finding does not carry, cut after a main clause
    (
        "The vaccine raised antibodies in twelve monkeys, a finding that suggests people are next.",
        ["extrapolation"],
        None,
        "The vaccine raised antibodies in twelve monkeys.",
    ),
    # promotional
    (
        "The balm is ideal for people with dry skin.",
        ["promotional"],
        None,
        "The balm is intended for people with dry skin.",
    ),
]


@pytest.mark.parametrize(("text", "reasons", "context", "expected"), HEDGE_CASES)
def test_new_constructions_are_rewritten(text, reasons, context, expected):
    assert phrase_candidates(text, reasons, context)[0] == expected


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("Budget cuts hurt the clinic.", ["certainty"]),  # "cuts" the noun
        ("The tea offers health benefits across many conditions.", ["certainty"]),  # "benefits" the noun
        ("If the gel reduces swelling, the rash fades.", ["certainty"]),  # a condition
        ("The nurses helped patients improve their sleep.", ["certainty"]),  # "improve" after a causative
        ("A drug that inhibits the enzyme may ease gout.", ["certainty"]),  # a relative clause, hedged claim
        ("Vaccine sharply cuts rate of flu", ["certainty"]),  # the subject is further back
        ("The clinic does not correct or cure the problem.", ["certainty"]),  # no cure claimed
        ("They offer hope to patients.", ["sensational"]),  # where "may" would go is unknown
        ("Five genes makes huge difference", ["sensational"]),  # the noun would lose its article
        ("'This study has shown that the jab works.", ["certainty"]),  # a quotation, left as spoken
        ('The pill works," she said.', ["certainty"]),  # the end of a quotation opened before
        ("Smoking 'raises the risk of gout'", ["causal"]),  # a quoted phrase
        ("Scientists discovered how the tea soothes pain.", ["certainty"]),  # a mechanism, not a claim
        ("In a placebo-controlled trial, the pill cut migraines.", ["causal"]),  # a trial can show cause
    ],
)
def test_a_new_rule_declines_what_it_does_not_know(text, reasons):
    assert phrase_candidates(text, reasons) == []


def test_attributed_evidence_is_left_to_the_other_reasons():
    assert rewrite("Scientists say the diet works.", ["vague_evidence"]) is None
    assert rewrite("The team believes the graft is harmless to patients.", ["safety"]) is None


def test_the_rewrite_report_measures_the_editors_rewrites_and_quotations_apart(tmp_path):
    from hypecheck.training.rewrite_eval import EDITORS, SERVED, evaluate_rewrites
    from hypecheck.training.rewrite_pairs import RewritePair

    def pair(n, source, target):
        return RewritePair(f"p{n}", source, target, None, ("sensational",), "test", "real")

    real = [
        pair(1, "This miracle pill eased pain in 40 adults.", "This pill eased pain in 40 adults."),
        pair(2, '"It is a miracle," said Dr Lee.', "Dr Lee praised it."),  # loses the quotation
        pair(3, "A miracle cure for 12 people.", "A miracle treatment for 12 people."),  # still hype
        pair(4, "It works, a miracle.", None),
        pair(5, "A calm sentence.", "A calm sentence."),  # not flagged
    ]
    report = evaluate_rewrites(keyword_predictor(), {"real_test": real}, tmp_path)
    found = report["sets"]["real_test"]
    editors = found[EDITORS]
    assert (found["flagged"], editors["offered"]) == (4, 3)
    checked = (editors["below_threshold"], editors["facts_kept"], editors["passes_check"])
    assert checked == (0.667, 0.667, 0.333)
    served = found["systems"][SERVED]
    assert served["quotation"] == {"flagged": 1, "coverage": 0.0}
    assert served["no_quotation"]["flagged"] == 3
    assert "1 of 4 flagged sentences hold a quotation" in (tmp_path / "report.md").read_text()
