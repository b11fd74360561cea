"""The guard refuses candidates an edit has broken and accepts fluent ones (sentences made up here)."""

import pytest
from hypecheck.models.rewrite_guard import cosmetic, well_formed


@pytest.mark.parametrize(
    ("original", "candidate"),
    [
        ("The shot is safe and provokes a strong response.", "The shot is and provokes a strong response."),
        ("The gel is clearly superior, doctors say.", "The gel is , doctors say."),
        ("The tonic will cure colds.", "The tonic may may help treat colds."),
        (
            "Genetic links that raise the risk of gout were found.",
            "Genetic links were linked to a higher risk of gout were found.",
        ),
        ("A miracle berry lowered pain.", "A berry lowered pain in the."),
        ("The pill is a breakthrough.", "The pill is a."),
        ("Patients (all adults) improved.", "Patients (all adults improved."),
        ("He called it “a game-changer” for gout.", "He called it “an advance for gout."),
        ('The "wonder" pill eased pain.', 'The "pill eased pain.'),
        ("The results of the trial were remarkable.", "The results of the were remarkable."),
        ("Our cream works.", "  "),
        ("Mice had greatly increased gut flora.", "Mice had greatly was linked to an increase in gut flora."),
        (
            "Lowering salt could help the heart, doctors said on Monday.",
            "Lowering salt could help the heart, doctors said on Monday is not yet known.",
        ),
        (
            "Garlic kills germs, so a clove a day keeps colds away.",
            "Garlic kills germs, so a clove a day keeps colds away has not been shown.",
        ),
        ("For tired parents, help is at hand.", "For tired parents help may be is at hand."),
        ("Scans could save lives.", "Scans may could save lives."),
        (
            "Because the thread lift needs no incisions, it carries no risk.",
            "Because the thread lift needs no incisions.",
        ),
        ("Once you quit, your lungs heal within a year.", "Once you quit."),
    ],
)
def test_a_broken_candidate_is_refused(original, candidate):
    assert not well_formed(original, candidate)


@pytest.mark.parametrize(
    ("original", "candidate"),
    [
        ("The supplement cures insomnia.", "The supplement may help treat insomnia."),
        (
            "Coffee prevents dementia, a survey found.",
            "Coffee was linked to a lower risk of dementia, a survey found.",
        ),
        ("Statins that lower cholesterol cut strokes.", "Statins that lower cholesterol may cut strokes."),
        ("Genetic links raise the risk of gout.", "Genetic links were linked to a higher risk of gout."),
        ("He said that that trial was small.", "He said that that trial was small."),
        (
            "The gel (a new formula) is the best treatment.",
            "The gel (a new formula) may be an effective treatment.",
        ),
        ("Yes, it is.", "Yes, it is."),  # the writer's own construction stays allowed
        ('"It works," she said of the "wonder" pill.', '"It works," she said of the pill.'),
        (
            "Vitamin A is vital and cures night blindness.",
            "Vitamin A is vital and may help treat night blindness.",
        ),
        ("What is the jab good for?", "What is the jab good for?"),
        ("The tonic will cure colds.", "Whether the tonic helps with colds is not yet known."),
        ("The drug is not a cure, and it is not cheap.", "The drug is not a cure, and it is not cheap."),
        ("The miracle pill is safe.", "The pill has not been shown to be safe."),
        (
            "Because the thread lift needs no incisions, it carries no risk.",
            "Because the thread lift needs no incisions, it may carry less risk.",
        ),
        ("The jab worked in monkeys, so it will stop the next pandemic.", "The jab worked in monkeys."),
    ],
)
def test_a_fluent_candidate_is_accepted(original, candidate):
    assert well_formed(original, candidate)


@pytest.mark.parametrize(
    ("original", "candidate", "expected"),
    [
        ("Prebiotics could improve memory.", "Prebiotics may improve memory.", True),
        ("An Acne Remedy May Be Coming Soon", "An Acne Remedy May Be Coming", True),
        ("It works, and fast.", "It works and fast.", True),
        ("Aspirin can reduce the risk of death.", "Aspirin may reduce the risk of death.", False),
        ("The tonic could cure colds.", "The tonic may help with colds.", False),
        ("A miracle pill could ease pain.", "A pill may ease pain.", False),
    ],
)
def test_a_cosmetic_edit_is_told_from_a_rewrite(original, candidate, expected):
    assert cosmetic(original, candidate) is expected
