"""The scoring core's parts: decisions, triggers, suggestions, quotes, checklist, comparison."""

import random

from hypecheck.models.checklist import checklist
from hypecheck.models.compare import compare_scores
from hypecheck.models.labels import REASONS
from hypecheck.models.predictors import load_predictor
from hypecheck.models.quotes import is_quoted, quote_regions
from hypecheck.models.scoring import ScoreOptions, score_documents, score_units, work_units
from hypecheck.models.suggestions import rewrite
from hypecheck.models.triggers import occlusion_triggers, without, word_spans
from hypecheck.training.faithfulness import measure, random_spans

from tests.stand_in import keyword_predictor


def test_occlusion_finds_the_word_that_drives_the_score():
    predictor = keyword_predictor()
    text = "A miracle pill for tired people"
    [found] = occlusion_triggers(predictor, [text], predictor.predict([text]).p_overclaim)
    assert [t.text for t in found] == ["miracle"]
    assert text[found[0].start : found[0].end] == "miracle"


def test_scores_carry_offsets_reasons_triggers_and_suggestions():
    text = "The pill is a miracle. The trial enrolled 40 people and cost $2 million."
    [doc] = score_documents(keyword_predictor(), [text])
    first, second = doc.sentences
    assert first.verdict == "overclaim" and set(first.reasons) == {"sensational", "causal"}
    assert [text[t.start : t.end] for t in first.triggers] == ["miracle"]
    assert first.suggestion.advice and second.suggestion is None
    assert second.verdict == "supported" and not second.reasons
    assert doc.summary.worst == [0] and doc.summary.verdicts == {"overclaim": 1, "supported": 1}
    assert doc.summary.checklist["costs_mentioned"].sentences == [1]
    assert doc.model.bundle_hash == "0" * 16


def test_options_restrict_reasons_and_move_the_threshold():
    predictor = keyword_predictor()
    [only_causal] = score_units(
        predictor, ["A miracle."], ScoreOptions(disabled_reasons=frozenset(REASONS) - {"causal"})
    )
    assert list(only_causal.reasons) == ["causal"]
    [strict] = score_units(predictor, ["A miracle."], ScoreOptions(overclaim_threshold=0.95))
    assert strict.verdict != "overclaim"


def test_an_overclaim_whose_reasons_are_all_disabled_is_no_overclaim():
    """Disabled reasons are applied in the core, so every door un-flags the sentence (none flags it
    for a less likely reason instead)."""
    disabled = ScoreOptions(disabled_reasons=frozenset({"sensational", "causal"}))
    [sentence] = score_units(keyword_predictor(), ["A miracle."], disabled)
    assert sentence.verdict == "supported" and sentence.reasons == {} and sentence.suggestion is None
    [kept] = score_units(
        keyword_predictor(), ["A miracle."], ScoreOptions(disabled_reasons=frozenset({"causal"}))
    )
    assert kept.verdict == "overclaim" and list(kept.reasons) == ["sensational"]


def test_empty_input_scores_nothing():
    [doc] = score_documents(keyword_predictor(), ["   \n  "])
    assert doc.sentences == [] and doc.summary.overall == 0.0


def test_suggestions_rewrite_toward_the_supported_wording():
    assert rewrite("Coffee prevents dementia, a survey found.", ["causal"]) == (
        "Coffee was linked to a lower risk of dementia, a survey found."
    )
    assert "may help treat" in rewrite("The supplement cures insomnia.", ["certainty"])
    # No rule invents the population a study was done in (the check would refuse it anyway): with
    # none named, the claim is hedged instead.
    assert rewrite("A compound reverses ageing.", ["extrapolation"]) == "A compound may reverse ageing."
    # Whole words only, and a hype noun is replaced, not deleted: that would leave no object.
    assert rewrite("It has seen remarkable breakthroughs in the field.", ["sensational"]) == (
        "It has seen new findings in the field."
    )
    assert rewrite("Nothing to change here.", ["causal"]) is None


def test_quotes():
    text = 'He said "this is a cure." Then: “Maybe not,” she said. Plain sentence.'
    regions = quote_regions(text)
    assert is_quoted(text.index('"this'), text.index(".") + 2, regions)
    assert not is_quoted(text.index("Plain"), len(text), regions)


def test_checklist_names_the_answering_sentences():
    result = checklist(["Pain fell by 30% in the trial.", "No side effects were seen.", "It costs $40."])
    assert result["benefits_quantified"].sentences == [0]
    assert result["harms_mentioned"].sentences == [1]
    assert result["costs_mentioned"].sentences == [2]
    assert result["independent_source"].answered is False


def test_random_spans_avoid_triggers_and_match_length():
    text = "alpha beta gamma delta epsilon"
    triggers = [(6, 10)]
    spans = random_spans(text, triggers, 4, random.Random(0))
    assert triggers[0] not in spans and sum(e - s for s, e in spans) >= 4
    assert without(text, [(6, 10)]) == "alpha gamma delta epsilon"
    assert word_spans("It's a well-known fact")[0] == (0, 4)


def test_faithfulness_measure_on_a_transparent_model():
    result = measure(keyword_predictor(), ["A miracle drink for every single tired person today"] * 3)
    assert result["sentences"] == 3
    assert result["mean_drop_triggers"] > result["mean_drop_random"]
    assert result["share_triggers_beat_random"] == 1.0


def test_compare_flags_animal_to_human_and_advice(baseline_bundle):
    predictor = load_predictor(baseline_bundle)
    news, source = score_documents(
        predictor,
        [
            "Blueberries cure memory loss. You should eat a cup every day.",
            "In mice, blueberry extract was associated with faster maze learning.",
        ],
    )
    result = compare_scores(news, source)
    kinds = {flag.kind for claim in result.claims for flag in claim.flags}
    assert "advice" in kinds
    assert result.summary.source_is_animal_or_cell_study is True


def test_compare_reads_claim_strength_from_the_scores():
    """Claim strength is the scored sentence's, so compare sees what every door sees."""
    news, source = score_documents(
        keyword_predictor(), ["Coffee prevents dementia.", "Coffee drinking was associated with dementia."]
    )
    stronger = news.sentences[0].model_copy(
        update={
            "claim_strength": news.sentences[0].claim_strength.model_copy(update={"label": "direct_causal"})
        }
    )
    weaker = source.sentences[0].model_copy(
        update={
            "claim_strength": source.sentences[0].claim_strength.model_copy(update={"label": "correlational"})
        }
    )
    result = compare_scores(
        news.model_copy(update={"sentences": [stronger]}), source.model_copy(update={"sentences": [weaker]})
    )
    [claim] = result.claims
    assert claim.source is not None and claim.source.claim_strength == "correlational"
    assert [f.kind for f in claim.flags] == ["stronger_claim"]


def test_triggers_for_long_documents_degrade_to_the_likeliest_overclaims():
    predictor = keyword_predictor()
    text = " ".join(f"This miracle cure number {i} works." for i in range(40))
    [doc] = score_documents(predictor, [text], ScoreOptions(trigger_sentences=5))
    assert sum(s.verdict == "overclaim" for s in doc.sentences) == 40
    assert sum(bool(s.triggers) for s in doc.sentences) == 5
    # Chosen per document: scored beside another document, it gets the same triggers.
    [beside, _] = score_documents(predictor, [text, text], ScoreOptions(trigger_sentences=5))
    assert beside == doc


def test_work_units_count_sentences_and_trigger_variants_before_scoring():
    text = "One two three. Four five."
    assert work_units([text], ScoreOptions(triggers=False)) == 2
    assert work_units([text], ScoreOptions(triggers=True)) == 2 + 3 + 2
    assert work_units([text, text], ScoreOptions(triggers=True, trigger_sentences=1)) == 2 * (2 + 3)


def test_advice_without_rewrites_saves_the_checks_and_the_batch_default_leaves_them_out(tmp_path):
    from hypecheck.serve.batch import BatchJob

    text = "This miracle tea helps with colds."
    [checked] = score_documents(keyword_predictor(), [text], ScoreOptions(triggers=False))
    [advised] = score_documents(keyword_predictor(), [text], ScoreOptions(triggers=False, rewrites=False))
    assert "miracle" not in checked.sentences[0].suggestion.rewrite
    assert advised.sentences[0].suggestion.rewrite is None
    assert advised.sentences[0].suggestion.advice == checked.sentences[0].suggestion.advice != []
    job = BatchJob(inputs=(tmp_path,), output=tmp_path / "out.jsonl")
    assert not job.options().rewrites and job.settings()["rewrites"] is False
