"""``/v1/score`` and ``/v1/score/batch``: texts and pages, every sentence with offsets, verdict,
reasons, triggers and advice."""

from __future__ import annotations

from fastapi import APIRouter
from hypecheck.serve.api.errors import ERRORS
from hypecheck.serve.api.scoring import ScoringDep
from hypecheck.serve.schemas import BatchRequest, BatchResponse, ScoreRequest, ScoreResponse

router = APIRouter(tags=["score"], responses=ERRORS)


@router.post("/v1/score", response_model=ScoreResponse)
async def score(request: ScoreRequest, scoring: ScoringDep) -> ScoreResponse:
    """Score one text or HTML page: every sentence with offsets, verdict, reasons, triggers and advice."""
    [result] = await scoring.respond([request], request.options)
    return result


@router.post("/v1/score/batch", response_model=BatchResponse)
async def score_batch(request: BatchRequest, scoring: ScoringDep) -> BatchResponse:
    """Score many documents in one request (one model pass for all of them)."""
    scoring.check_count(request.documents)
    return BatchResponse(results=await scoring.respond(request.documents, request.options))
