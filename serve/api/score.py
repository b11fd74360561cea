"""``/v1/score`` and ``/v1/score/batch``: texts and pages, every sentence with offsets, verdict,
reasons, triggers and advice."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from hypecheck.serve.api.dependencies import SettingsDep
from hypecheck.serve.api.errors import ERRORS, ApiError
from hypecheck.serve.api.scoring import ScoringDep
from hypecheck.serve.schemas import BatchRequest, BatchResponse, ScoreRequest, ScoreResponse

router = APIRouter(tags=["score"], responses=ERRORS)


@router.post("/v1/score", response_model=ScoreResponse)
async def score(request: ScoreRequest, scoring: ScoringDep) -> ScoreResponse:
    """Score one text or HTML page: every sentence with offsets, verdict, reasons, triggers and advice."""
    [result] = await scoring.respond([request], request.options)
    return result


async def documents_within_limit(request: Request, settings: SettingsDep) -> None:
    """Count the documents of the parsed JSON before any of them is validated (FastAPI solves
    dependencies before the body): a 2 MB body can list 125,000 of them."""
    try:
        body = await request.json()  # FastAPI's parsed copy when it read the body as JSON
    except ValueError:  # not JSON: validation answers it
        return
    documents = body.get("documents") if isinstance(body, dict) else None
    limit = settings.max_documents
    if isinstance(documents, list) and len(documents) > limit:
        raise ApiError(413, "too_many_documents", f"over {limit} documents in one batch", limit)


@router.post("/v1/score/batch", response_model=BatchResponse, dependencies=[Depends(documents_within_limit)])
async def score_batch(request: BatchRequest, scoring: ScoringDep) -> BatchResponse:
    """Score many documents in one request (one model pass for all of them)."""
    return BatchResponse(results=await scoring.respond(request.documents, request.options))
