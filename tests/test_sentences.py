from hypecheck.models.sentences import split_sentences
from hypecheck.training.splitter_benchmark import accuracy, load_cases, wrapped
from hypothesis import given, settings
from hypothesis import strategies as st


def assert_offsets_hold(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.start >= previous_end
        previous_end = s.end


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_offsets_hold_for_arbitrary_unicode(text):
    assert_offsets_hold(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["Dr. ", "e.g. ", "1.5 mg", ". ", '?" ', "\n", "- ", "U.S. ", "p < .05", "x"]),
        max_size=40,
    )
)
def test_offsets_hold_for_tricky_fragments(parts):
    assert_offsets_hold("".join(parts))


def test_no_visible_character_is_lost():
    text = "Headline here\n\n- a bullet. Another one!\n1) numbered\n“Quote?” he asked. Done"
    kept = "".join(s.text for s in split_sentences(text))
    dropped = [c for c in text if not c.isspace()]
    assert len("".join(kept.split())) >= len(dropped) - 3  # only the list markers "-" and "1)" go


def test_tricky_case_accuracy_of_the_chosen_splitter():
    cases = load_cases()
    assert len(cases) >= 80
    score, failures = accuracy(wrapped(None), cases)
    assert score >= 0.9, failures


def test_headlines_bullets_and_abbreviations():
    text = "Miracle pill melts fat\nDr. Lee et al. gave 1.5 mg (95% CI 0.7-0.9, p < .05) to U.S. adults. "
    text += "It failed."
    assert [s.text for s in split_sentences(text)] == [
        "Miracle pill melts fat",
        "Dr. Lee et al. gave 1.5 mg (95% CI 0.7-0.9, p < .05) to U.S. adults.",
        "It failed.",
    ]


def test_pieces_without_a_letter_or_digit_are_not_sentences():
    text = "...!!!\n\u200b\u200b\n\ufeff\n----\nGreat!!! It works... 42.\n"
    assert [s.text for s in split_sentences(text)] == ["Great!!!", "It works... 42."]
    assert split_sentences("...!!!") == [] and split_sentences("\ufeff") == []
