"""One result type: the API's response, the CLI's JSON and batch's JSONL and Parquet carry every
field of :mod:`hypecheck.models.results`, nested fields included; and one verdict rule, which the
training metrics and evaluation apply exactly as the scoring core does."""

import json
from typing import get_args

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypecheck.models.bundle import BundleInfo
from hypecheck.models.labels import REASONS, VERDICTS
from hypecheck.models.prediction import Probabilities
from hypecheck.models.results import SCHEMA_VERSION, DocumentScore, SentenceScore
from hypecheck.models.scoring import ScoreOptions, score_documents, score_units
from hypecheck.serve.batch.writers import SCHEMAS, write_part
from hypecheck.serve.findings import ProjectConfig, findings
from hypecheck.serve.formats import as_json
from hypecheck.serve.inputs import read_document
from hypecheck.serve.schemas import ScoreResponse
from hypecheck.training.evaluate import evaluate
from hypecheck.training.examples import Example
from hypecheck.training.metrics import verdict_predictions
from pydantic import BaseModel
from sklearn.metrics import f1_score

from tests.stand_in import keyword_predictor

TEXT = "The miracle pill is safe. It cost $40 and 30% of 200 patients improved."


def fields(model):
    """Every field of a result model, nested ones as dotted paths."""
    out = set()
    for name, info in model.model_fields.items():
        out.add(name)
        inner = info.annotation
        while get_args(inner):  # Optional[X], list[X] and dict[str, X] hold X
            inner = [a for a in get_args(inner) if a is not type(None)][-1]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out |= {f"{name}.{sub}" for sub in fields(inner)}
    return out


def arrow_fields(arrow_type, prefix=""):
    """The same for an Arrow schema or type (lists and maps looked through to their values)."""
    while isinstance(arrow_type, pa.ListType | pa.MapType):
        arrow_type = arrow_type.value_type if isinstance(arrow_type, pa.ListType) else arrow_type.item_type
    out = set()
    children = list(arrow_type) if isinstance(arrow_type, pa.Schema | pa.StructType) else []
    for field in children:
        out.add(prefix + field.name)
        out |= arrow_fields(field.type, f"{prefix}{field.name}.")
    return out


def test_parquet_schemas_have_every_field_of_the_result_type():
    assert arrow_fields(SCHEMAS["article"]) == {"id", "source", "title", "url", "date"} | fields(
        DocumentScore
    )
    sentence_row = {"id", "source", "sentence", "schema_version"} | {
        f"model.{f}" for f in ("name", "version")
    }
    sentence_row |= {"model", "model.bundle_hash", "model.kind", "model.runtime"}
    assert arrow_fields(SCHEMAS["sentence"]) == sentence_row | fields(SentenceScore)


def test_a_full_score_survives_every_output_whole(tmp_path):
    [doc] = score_documents(keyword_predictor(), [TEXT])
    first = doc.sentences[0]
    assert first.triggers and first.suggestion and first.suggestion.rewrite and doc.summary.checklist
    row = {"id": "a", "source": "s", "title": None, "url": None, "date": None, **doc.model_dump()}
    write_part(tmp_path / "part.parquet", [row], "parquet", "article")
    [back] = pq.read_table(tmp_path / "part.parquet").to_pylist(maps_as_pydicts="strict")
    assert back == row and back["schema_version"] == SCHEMA_VERSION
    api = ScoreResponse(**dict(doc), id="a").model_dump(mode="json")
    assert DocumentScore.model_validate({k: v for k, v in api.items() if k != "id"}) == doc
    document = read_document(TEXT, "draft.txt")
    checked = [(document, doc, findings(document, doc, ProjectConfig()))]
    [printed] = json.loads(as_json(checked))
    assert DocumentScore.model_validate({k: printed[k] for k in DocumentScore.model_fields}) == doc
    assert SentenceScore.model_validate(
        {k: v for k, v in printed["findings"][0].items() if k not in ("line", "column")}
    )


class RandomPredictor:
    """Seeded random probabilities: every corner of the verdict rule gets exercised."""

    hash = "r" * 16
    runtime = "random"

    def __init__(self):
        self.info = BundleInfo(kind="test", overclaim_threshold=0.4, reason_threshold=0.6)

    def predict(self, texts, contexts=None, *, states=False):
        rng = np.random.default_rng(len(texts))
        verdict = rng.dirichlet([1, 1, 1], len(texts))
        return Probabilities(
            verdict, rng.random((len(texts), len(REASONS))), rng.dirichlet([1] * 4, len(texts))
        )


@pytest.mark.parametrize(
    "disabled", [(), ("sensational",), ("causal", "safety", "certainty", "extrapolation")]
)
def test_training_metrics_use_the_scoring_rule(disabled):
    predictor = RandomPredictor()
    texts = [f"sentence {i}" for i in range(300)]
    options = ScoreOptions(overclaim_threshold=0.3, disabled_reasons=frozenset(disabled))
    scored = [VERDICTS.index(s.verdict) for s in score_units(predictor, texts, options)]
    enabled = [r not in disabled for r in predictor.info.reasons]
    probs = predictor.predict(texts)
    assert verdict_predictions(probs, 0.3, predictor.info.reason_threshold, enabled).tolist() == scored


def test_evaluation_goes_through_scoring_with_the_options():
    predictor = RandomPredictor()
    labels = [i % 3 for i in range(300)]
    examples = [Example(f"sentence {i}", "t", f"g{i}", "test", y, None, -1) for i, y in enumerate(labels)]
    options = ScoreOptions(
        overclaim_threshold=0.3, disabled_reasons=frozenset({"causal", "safety", "certainty"})
    )
    metrics, predictions = evaluate(predictor, {"set": examples}, options)
    verdicts = [s.verdict for s in predictions["set"].sentences]
    assert verdicts == [s.verdict for s in score_units(predictor, [e.text for e in examples], options)]
    expected = f1_score([y == 0 for y in labels], [v == "overclaim" for v in verdicts])
    assert metrics["set"]["overclaim_f1"] == pytest.approx(expected)
