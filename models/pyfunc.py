"""The MLflow pyfunc wrapper: a registered model scores exactly as the bundle inside it does."""

from __future__ import annotations

from typing import Any

import mlflow.models
from mlflow.pyfunc import PythonModel

BUNDLE_ARTIFACT = "bundle"


class HypecheckModel(PythonModel):
    """Input: a DataFrame with a ``text`` column of single units. Output: one row of scores each."""

    def load_context(self, context: Any) -> None:
        from hypecheck.models.predictors import load_predictor

        self.predictor = load_predictor(context.artifacts[BUNDLE_ARTIFACT])

    # Left unannotated: MLflow reads type hints on predict as an input schema, which this is not.
    def predict(self, context, model_input, params=None):  # noqa: ANN001, ANN201
        import pandas as pd
        from hypecheck.models.scoring import score_units

        texts = [str(t) for t in model_input["text"]]
        scores = score_units(self.predictor, texts)
        return pd.DataFrame(
            {
                "p_overclaim": [s.p_overclaim for s in scores],
                "verdict": [s.verdict for s in scores],
                "reasons": [",".join(s.reasons) for s in scores],
                "claim_strength": [s.claim_strength.label for s in scores],
            }
        )


# Logged as "models from code": MLflow runs this file to get the model instead of unpickling one.
mlflow.models.set_model(HypecheckModel())
