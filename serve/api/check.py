"""LanguageTool's ``/v2/check``, so LanguageTool clients (editor plug-ins, browser add-ons) can
point at hypecheck."""

from __future__ import annotations

from fastapi import APIRouter, Request
from hypecheck.models.scoring import ScoreOptions
from hypecheck.serve.api.errors import ERRORS, ApiError
from hypecheck.serve.api.scoring import ScoringDep
from hypecheck.serve.languagetool import (
    LANGUAGES,
    CheckResponse,
    LanguageEntry,
    check_response,
    checks_language,
    parse_check_form,
)

router = APIRouter(tags=["languagetool"], responses=ERRORS)


@router.post("/v2/check", response_model=CheckResponse)
async def languagetool_check(request: Request, scoring: ScoringDep) -> CheckResponse:
    """LanguageTool's ``/v2/check``: form field ``text`` or ``data``; overclaims come back as matches."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        text = parse_check_form(fields)
    except ValueError as error:
        raise ApiError(400, "invalid_request", str(error)) from None
    document = scoring.document(text)
    if not checks_language(fields):
        return check_response(text, None, fields)
    [result] = await scoring.score([document.text], ScoreOptions(triggers=False))
    return check_response(text, result, fields)


@router.get("/v2/languages", response_model=list[LanguageEntry])
async def languagetool_languages() -> list[LanguageEntry]:
    """LanguageTool's ``/v2/languages``, which its clients ask first: the English variants."""
    return LANGUAGES
