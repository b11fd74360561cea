"""Article context: the second segment each sentence is read with, from training to every scoring door."""

import dataclasses
import json
import shutil

import numpy as np
import pytest
from hypecheck.models.context import HEADLINE_WORDS, PREVIOUS_WORDS, sentence_contexts
from hypecheck.models.predictors import TransformerPredictor
from hypecheck.models.scoring import ScoreOptions, score_documents
from hypecheck.models.sentences import split_sentences
from hypecheck.training.config import CONFIG_DIR, TrainConfig
from hypecheck.training.dataset import with_context
from hypecheck.training.examples import Example

from tests.conftest import SHARED_DATA, needs_shared

ARTICLE = (
    "Mouse study finds compound slows tumour growth\n\n"
    "The compound shrank tumours in 12 mice. "
    "It could soon cure cancer in people. "
    "Larger studies are planned."
)


def test_each_mode_builds_the_documented_segment():
    sentences = ["Headline", "First", "Second", "Third"]
    assert sentence_contexts(sentences, "") == [None] * 4
    assert sentence_contexts(sentences, "previous") == [None, "Headline", "First", "Second"]
    assert sentence_contexts(sentences, "headline") == [None, "Headline", "Headline", "Headline"]
    # The headline is never repeated when it is also the previous sentence.
    assert sentence_contexts(sentences, "headline+previous") == [
        None,
        "Headline",
        "Headline … First",
        "Headline … Second",
    ]
    assert sentence_contexts([], "previous") == []


def test_the_segment_keeps_the_headlines_first_and_the_previous_sentences_last_words():
    headline = "Common heartburn drug linked to kidney damage in large US veterans study, researchers report"
    previous = " ".join(f"w{i}" for i in range(30))
    context = sentence_contexts([headline, previous, "This sentence."], "headline+previous")[2]
    head, _, tail = context.partition(" … ")
    assert head.split() == headline.split()[:HEADLINE_WORDS]
    assert tail.split() == previous.split()[-PREVIOUS_WORDS:]


def test_an_unknown_mode_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="headline\\+previous"):
        sentence_contexts(["a"], "paragraph")
    with pytest.raises(ValueError, match="unknown context mode"):
        TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"context": "next"})


def _example(text, source, group):
    return Example(text, source, group, "train", 0, None, -1)


def test_units_of_an_article_get_their_neighbours_and_written_sentences_none():
    examples = [
        _example("A1", "fakehealth_story", "a"),
        _example("W", "written", "w"),
        _example("B1", "cardiff", "b"),
        _example("A2", "fakehealth_story", "a"),
        _example("A3", "fakehealth_story", "a"),
        _example("S2", "seed_fakehealth", "s"),
        _example("B2", "cardiff", "b"),
    ]
    contexts = [e.context for e in with_context(examples, "previous")]
    assert contexts == [None, None, None, "A1", "A2", None, "B1"]
    assert with_context(examples, "") == examples


def _train_tiny(out_dir, context):
    from hypecheck.training.transformer import train_transformer

    config = TrainConfig(
        name="tiny-context", base_model="tiny", max_steps=3, batch_size=4, max_length=48, context=context
    )
    rows = [
        ("It cures cancer.", "A mouse study found", 0),
        ("The trial enrolled 240 women.", None, 2),
        ("It was linked to a lower risk.", "A cohort of 3,000 adults", 1),
        ("Scientists said it works.", "Headline here", 0),
    ]
    train = [
        dataclasses.replace(_example(text, "fakehealth_story", "a"), verdict=verdict, context=context_text)
        for text, context_text, verdict in rows
    ]
    train_transformer(config, train, out_dir)
    return out_dir


@pytest.fixture(scope="module")
def context_bundle(tmp_path_factory):
    return _train_tiny(tmp_path_factory.mktemp("context") / "bundle", "headline+previous")


def test_training_records_the_mode_and_the_model_reads_the_context(context_bundle):
    predictor = TransformerPredictor(context_bundle)
    assert predictor.info.context == "headline+previous"
    texts = ["It could soon cure cancer in people.", "Larger studies are planned."]
    alone = predictor.logits(texts)["verdict"]
    with_mouse = predictor.logits(texts, ["Mouse study finds compound slows tumour growth", None])["verdict"]
    assert not np.allclose(alone[0], with_mouse[0])
    np.testing.assert_allclose(alone[1], with_mouse[1], atol=1e-5)  # no context: the sentence alone


def test_a_bundle_trained_without_context_ignores_it(transformer_bundle):
    predictor = TransformerPredictor(transformer_bundle)
    assert predictor.info.context == ""
    texts = ["It could soon cure cancer in people.", "Larger studies are planned."]
    np.testing.assert_array_equal(
        predictor.predict(texts).verdict, predictor.predict(texts, ["Mouse study", "Other"]).verdict
    )


def test_the_scoring_core_reads_each_sentence_with_its_article_context(context_bundle):
    predictor = TransformerPredictor(context_bundle)
    [document] = score_documents(predictor, [ARTICLE], ScoreOptions(triggers=True))
    sentences = [s.text for s in split_sentences(ARTICLE)]
    assert [s.text for s in document.sentences] == sentences
    expected = predictor.predict(sentences, sentence_contexts(sentences, "headline+previous")).p_overclaim
    alone = predictor.predict(sentences).p_overclaim
    got = np.array([s.p_overclaim for s in document.sentences])
    np.testing.assert_allclose(got, expected, atol=1e-4)
    assert np.abs(got - alone).max() > 1e-4


def test_onnx_export_of_a_context_bundle_matches_pytorch(context_bundle, tmp_path):
    from hypecheck.models.onnx_export import export_fp32
    from hypecheck.models.onnx_predictor import ONNX_FP32, OnnxPredictor

    bundle = tmp_path / "bundle"
    shutil.copytree(context_bundle, bundle)
    export_fp32(bundle)
    assert json.loads((bundle / "bundle.json").read_text())["context"] == "headline+previous"
    sentences = [s.text for s in split_sentences(ARTICLE)]
    contexts = sentence_contexts(sentences, "headline+previous")
    reference = TransformerPredictor(bundle).logits(sentences, contexts)
    for batch_size in (1, 4):
        onnx = OnnxPredictor(bundle, file=ONNX_FP32, batch_size=batch_size).logits(sentences, contexts)
        for head in ("verdict", "reasons", "claim"):
            np.testing.assert_allclose(onnx[head], reference[head], atol=1e-4, rtol=1e-4)


@needs_shared
def test_self_training_gives_student_examples_their_article_context(transformer_bundle):
    from hypecheck.training.articles import articles_by_id
    from hypecheck.training.self_training import pseudo_examples

    config = TrainConfig(
        pseudo_teacher=str(transformer_bundle),
        pseudo_limit=40,
        pseudo_confidence=0.0,
        context="previous",
        data_dir=str(SHARED_DATA),
    )
    examples = pseudo_examples(config, exclude=set())
    assert len(examples) == 40
    articles = articles_by_id(SHARED_DATA)
    for example in examples:
        sentences = [s.text for s in split_sentences(articles[example.group].text)]
        contexts = sentence_contexts(sentences, "previous")
        expected = {contexts[i] for i, s in enumerate(sentences) if s == example.text}
        assert example.context in expected
    assert any(e.context for e in examples)


def test_a_soft_target_pulls_the_verdict_towards_the_teacher():
    import torch
    from hypecheck.training.transformer import _loss, _targets

    teacher = (0.2, 0.5, 0.3)
    soft = dataclasses.replace(
        _example("It may help.", "pseudo_cardiff", "a"), verdict=-1, verdict_probs=teacher
    )
    target = _targets([soft])
    config = TrainConfig(reason_loss_weight=0.0, claim_loss_weight=0.0)
    weights, pos_weight = torch.ones(3), torch.ones(7)

    def loss_at(logits):
        heads = {"verdict": logits, "reasons": torch.zeros(1, 7), "claim": torch.zeros(1, 4)}
        return _loss(heads, target, weights, pos_weight, config)

    at_teacher = torch.log(torch.tensor([teacher])).requires_grad_()
    loss_at(at_teacher).backward()
    assert at_teacher.grad.abs().max() < 1e-6  # the minimum sits at the teacher's distribution
    elsewhere = torch.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
    assert loss_at(elsewhere) > loss_at(at_teacher)


@needs_shared
def test_distillation_targets_are_the_weighted_ensemble_of_its_teachers(transformer_bundle, baseline_bundle):
    from hypecheck.models.predictors import load_predictor
    from hypecheck.training.self_training import pseudo_examples

    config = TrainConfig(
        pseudo_teacher=f"{transformer_bundle},{baseline_bundle}",
        pseudo_weights="3,1",
        pseudo_limit=30,
        pseudo_soft=True,
        data_dir=str(SHARED_DATA),
    )
    examples = pseudo_examples(config, exclude=set())
    assert len(examples) == 30 and all(e.verdict == -1 for e in examples)
    texts = [e.text for e in examples]
    mixed = 0.75 * load_predictor(transformer_bundle).predict(texts).verdict
    mixed += 0.25 * load_predictor(baseline_bundle).predict(texts).verdict
    np.testing.assert_allclose([e.verdict_probs for e in examples], mixed, atol=1e-6)
    with pytest.raises(ValueError, match="2 weights for 1 models"):
        pseudo_examples(
            dataclasses.replace(config, pseudo_teacher=str(baseline_bundle), pseudo_weights="1,2"), set()
        )
