"""Choosing articles to annotate: unsure and disputed first, a random share kept."""

from __future__ import annotations

from hypecheck.models.predictors import load_predictor
from hypecheck.training.active_learning import RANDOM_SHARE, choose, rank
from hypecheck.training.articles import Article

HYPED = Article(
    "hyped",
    "fakehealth_story",
    "Miracle berry cures cancer",
    "This miracle berry cures every cancer, guaranteed.\nIt is a breakthrough that will revolutionize care.",
)
CALM = Article(
    "calm",
    "fakehealth_story",
    "Clinic hours change",
    "The clinic opens at nine on weekdays.\nParking is available behind the building.",
)


def test_articles_the_model_expects_overclaims_in_rank_first(baseline_bundle):
    predictor = load_predictor(baseline_bundle)
    ranked = rank([CALM, HYPED], [predictor, predictor])
    assert [r.article.id for r in ranked] == ["hyped", "calm"]
    assert ranked[0].density > ranked[1].density and ranked[0].disagreement == 0.0  # one model twice
    assert all(r.units == 3 for r in ranked)  # the title is a unit


def test_a_random_share_of_the_units_comes_from_outside_the_top(baseline_bundle):
    predictor = load_predictor(baseline_bundle)
    articles = [
        Article(f"a{i}", "cardiff", f"Story {i}", f"Sentence {i} of a story.\nAnother sentence, number {i}.")
        for i in range(40)
    ]
    ranked = rank(articles, [predictor])
    chosen = choose(ranked, units=40, seed=3)
    top = [r for r, drawn in chosen if drawn == "ranked"]
    random = [r for r, drawn in chosen if drawn == "random"]
    assert top == ranked[: len(top)]  # the head of the ranking, in order
    assert sum(r.units for r in top) >= 40 * (1 - RANDOM_SHARE) and random
    assert sum(r.units for r, _ in chosen) >= 40 and len({r.article.id for r, _ in chosen}) == len(chosen)
    assert choose(ranked, units=40, seed=3) == chosen  # seeded
