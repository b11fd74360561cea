"""``/v1/compare``: a news text against the abstract it reports on."""

from __future__ import annotations

from fastapi import APIRouter
from hypecheck.models.compare import Comparison, compare_scores
from hypecheck.models.scoring import ScoreOptions
from hypecheck.serve.api.errors import ERRORS
from hypecheck.serve.api.scoring import ScoringDep
from hypecheck.serve.schemas import CompareRequest

router = APIRouter(tags=["compare"], responses=ERRORS)


@router.post("/v1/compare", response_model=Comparison)
async def compare(request: CompareRequest, scoring: ScoringDep) -> Comparison:
    """Align a news text with the abstract it reports on; flag claims stronger than the source's.
    Both are scored like any document (article context, micro-batched with other requests)."""
    news, source = scoring.document(request.news), scoring.document(request.source)
    options = ScoreOptions(triggers=False, suggestions=False)
    news_score, source_score = await scoring.score([news.text, source.text], options)
    return compare_scores(news_score, source_score)
