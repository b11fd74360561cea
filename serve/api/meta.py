"""The model card, liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from hypecheck.models.scoring import model_card
from hypecheck.serve.api.dependencies import PredictorDep, get_predictor
from hypecheck.serve.api.errors import ERRORS
from hypecheck.serve.schemas import Health, ModelInfo, Ready

router = APIRouter(tags=["meta"])


@router.get("/v1/model", response_model=ModelInfo, responses=ERRORS)
async def model_info(predictor: PredictorDep) -> ModelInfo:
    """The loaded model: name, version, runtime, bundle hash, thresholds and validation metrics."""
    info = predictor.info
    return ModelInfo(
        **model_card(predictor).model_dump(),
        int8_recipe=getattr(predictor, "recipe", None) or None,
        overclaim_threshold=info.overclaim_threshold,
        reasons=list(info.reasons),
        verdicts=list(info.verdicts),
        splitter=info.splitter,
        metrics=info.metrics,
    )


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get("/readyz", response_model=Ready, responses=ERRORS, dependencies=[Depends(get_predictor)])
async def readyz() -> Ready:
    """Readiness: a model is loaded and warmed (503 ``not_ready`` until then)."""
    return Ready(ready=True)
