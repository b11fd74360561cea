"""Rewrites: the pairs they learn from, the edits, the facts they keep, the check before one is offered."""

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
from hypecheck.training.rewrite_pairs import REWRITES_DIR, apply_edits, load_pairs
from hypecheck.training.splits import split_of

from tests.conftest import SHARED_DATA
from tests.stand_in import keyword_predictor


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


def test_a_candidate_that_drops_a_fact_is_not_offered():
    predictor = keyword_predictor()
    rule = ScoreOptions().rule(predictor.info)
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
    text = "This miracle pill cut pain by 40%."

    def states(text):
        found = np.zeros((len(words(text)), 3), np.float32)
        found[0, 0] = 1.0
        return found

    everything = (" ".join(w.bare.lower() for w in words(text)), "It may help.")
    predictor.rewriter = Rewriter(["", "It may help."], weights, {everything}, {})
    predictor.word_states = lambda texts, contexts: [states(t) for t in texts]
    assert predictor.rewriter.candidates(text, states(text))[0] == "It may help."
    predictor.rewriter.edits = set()  # an edit no editor made is never proposed
    assert predictor.rewriter.candidates(text, states(text)) == []
    predictor.rewriter.edits = {everything}
    [suggestion] = suggest_all(predictor, [(text, None, ["sensational"])], rule)
    assert suggestion.rewrite == "This pill cut pain by 40%." and suggestion.rewrite_source == "rules"


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
        ("The vaccine prevents you from getting sick.", ["causal"]),  # the object is not the outcome
        ("Budget cuts reduced the number of nurses.", ["causal"]),  # "cuts" the noun
        ("Scientists say the diet works.", ["vague_evidence"]),  # attributed, left
        ("Order now.", ["promotional"]),  # nothing would remain
        ("The drink reverses ageing.", ["extrapolation"]),  # no organism in sight: nothing to add
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
    [plural] = phrase_candidates("Tomatoes protect against prostate cancer.", ["causal"])
    assert plural == "Tomatoes were linked to a lower risk of prostate cancer."


def test_rewrite_is_the_strongest_rule_rewrite_for_the_reasons():
    assert rewrite("Eating nuts can reduce the risk of heart disease.", ["causal"]) == (
        "Eating nuts may be linked to a lower risk of heart disease."
    )
    assert rewrite("Rain fell.", ["causal"]) is None
