"""The HTTP API (FastAPI on uvicorn): score texts and pages, a LanguageTool-compatible check,
news-against-source comparison, and the model card. The model is loaded once at start-up.

Request text is never logged or stored: only paths, status codes and timings reach the log.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from hypecheck.models.scoring import DocumentScore, ScoreOptions, work_units
from hypecheck.models.version import VERSION
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.serve.guards import (
    BodyLimit,
    ErrorsAsJson,
    KeysAndRateLimit,
    KnownOrigins,
    error_body,
    keep_query_strings_out_of_the_access_log,
)
from hypecheck.serve.inputs import Document, InputError, docx_text, read_document
from hypecheck.serve.languagetool import LANGUAGES, check_response, checks_language, parse_check_form
from hypecheck.serve.offsets import Unit, sentence_in_units
from hypecheck.serve.schemas import (
    BatchRequest,
    BatchResponse,
    CompareRequest,
    ErrorResponse,
    Options,
    ScoreRequest,
    ScoreResponse,
)
from hypecheck.serve.settings import ServeSettings
from starlette.exceptions import HTTPException as StarletteHTTPException

WEB = Path(__file__).resolve().parent / "web"
ERRORS = {413: {"model": ErrorResponse}, 422: {"model": ErrorResponse}, 429: {"model": ErrorResponse}}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, limit: float | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.limit = status, code, message, limit


def _options(options: Options) -> ScoreOptions:
    return ScoreOptions(
        triggers=options.triggers,
        suggestions=options.suggestions,
        overclaim_threshold=options.overclaim_threshold,
        reasons=frozenset(options.reasons) if options.reasons is not None else None,
    )


def _response(document: Document, score: DocumentScore, doc_id: str | None, unit: Unit) -> dict[str, Any]:
    """The document score with every span in the offsets of what the caller sent, in ``unit``."""
    sentences = [
        sentence_in_units(document.sentence_in_source(s.to_dict()), document.source, unit)
        for s in score.sentences
    ]
    return {"id": doc_id, "sentences": sentences, "summary": score.summary, "model": score.model}


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The app serving ``settings.model`` (read from the environment when no settings are given)."""
    settings = settings or ServeSettings()
    settings.go_offline()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202 - FastAPI's lifespan protocol
        predictor = settings.predictor()
        predictor.predict(["Warm-up sentence for the model."])
        app.state.predictor = predictor
        app.state.batcher = MicroBatcher(
            predictor, wait_ms=settings.batch_wait_ms, max_sentences=settings.batch_max_sentences
        )
        app.state.batcher.start()
        app.state.ready = True
        yield
        await app.state.batcher.stop()

    app = FastAPI(
        docs_url="/docs" if settings.docs else None,  # Swagger UI loads its assets from a CDN
        redoc_url="/redoc" if settings.docs else None,
        title="hypecheck",
        version=VERSION,
        lifespan=lifespan,
        description="Scores health writing for hype and overclaiming, sentence by sentence.",
    )
    app.state.ready = False

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(error_body(error.code, error.message, error.limit), status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in error.errors()
        )
        return JSONResponse(error_body("invalid_request", details[:2000]), status_code=422)

    def _check_length(text: str) -> None:
        if len(text) > settings.max_chars:
            message = f"a document is over {settings.max_chars:,} characters"
            raise ApiError(413, "document_too_long", message, settings.max_chars)

    def _document(text: str | None, html: str | None) -> Document:
        body = text if text is not None else html or ""
        _check_length(body)
        try:
            return read_document(body, "the document", kind="html" if html is not None else "text")
        except InputError as error:
            code = {"empty": "empty_document", "undecodable": "binary_document"}.get(error.reason)
            raise ApiError(422, code or "unreadable_document", str(error)) from None

    async def _score(texts: list[str], options: ScoreOptions) -> list[DocumentScore]:
        work = work_units(texts, options)
        if work > settings.max_work:
            message = (
                f"this request would cost the model {work:,} sentences and trigger variants, over the "
                f"{settings.max_work:,} allowed: send fewer or shorter documents, or turn triggers off"
            )
            raise ApiError(413, "too_much_work", message, settings.max_work)
        try:
            return await asyncio.wait_for(app.state.batcher.score(texts, options), settings.request_timeout_s)
        except TimeoutError:
            raise ApiError(
                504, "timeout", f"scoring took over {settings.request_timeout_s}s", settings.request_timeout_s
            ) from None

    @app.post("/v1/score", response_model=ScoreResponse, responses=ERRORS, tags=["score"])
    async def score(request: ScoreRequest) -> dict[str, Any]:
        """Score one text or HTML page: every sentence with offsets, verdict, reasons, triggers and advice."""
        document = _document(request.text, request.html)
        [result] = await _score([document.text], _options(request.options))
        return _response(document, result, request.id, request.options.offsets)

    @app.post("/v1/score/batch", response_model=BatchResponse, responses=ERRORS, tags=["score"])
    async def score_batch(request: BatchRequest) -> dict[str, Any]:
        """Score many documents in one request (one model pass for all of them)."""
        if len(request.documents) > settings.max_documents:
            raise ApiError(
                413,
                "too_many_documents",
                f"over {settings.max_documents} documents in one batch",
                settings.max_documents,
            )
        documents = [_document(d.text, d.html) for d in request.documents]
        results = await _score([d.text for d in documents], _options(request.options))
        return {
            "results": [
                _response(doc, res, item.id, request.options.offsets)
                for doc, res, item in zip(documents, results, request.documents, strict=True)
            ]
        }

    @app.post("/v1/extract", responses={**ERRORS, 415: {"model": ErrorResponse}}, tags=["score"])
    async def extract(file: UploadFile) -> dict[str, Any]:
        """The text of an uploaded Word file (.docx), for the editors' page to show and score."""
        if not (file.filename or "").lower().endswith(".docx"):
            raise ApiError(415, "unsupported_file", "only .docx files are extracted here")
        data = await file.read()
        try:
            text = await asyncio.to_thread(docx_text, data, file.filename or "upload.docx")
        except InputError as error:
            raise ApiError(422, "unreadable_file", str(error)) from None
        _check_length(text)
        return {"name": file.filename, "kind": "docx", "text": text}

    @app.post("/v2/check", tags=["languagetool"])
    async def languagetool_check(request: Request) -> dict[str, Any]:
        """LanguageTool's ``/v2/check``: form field ``text`` or ``data``; overclaims come back as matches."""
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            text = parse_check_form(fields)
        except ValueError as error:
            raise ApiError(400, "invalid_request", str(error)) from None
        document = _document(text, None)
        if not checks_language(fields):
            return check_response(text, None, fields)
        [result] = await _score([document.text], ScoreOptions(triggers=False))
        return check_response(text, result, fields)

    @app.get("/v2/languages", tags=["languagetool"])
    async def languagetool_languages() -> list[dict[str, str]]:
        """LanguageTool's ``/v2/languages``, which its clients ask first: the English variants."""
        return LANGUAGES

    @app.post("/v1/compare", tags=["compare"])
    async def compare(request: CompareRequest) -> dict[str, Any]:
        """Align a news text with the abstract it reports on; flag claims stronger than the source's."""
        from hypecheck.models.compare import compare_texts

        for body in (request.news, request.source):
            _document(body, None)
        return await asyncio.to_thread(compare_texts, app.state.predictor, request.news, request.source)

    @app.get("/v1/model", tags=["meta"])
    async def model_info() -> dict[str, Any]:
        """The loaded model: name, version, runtime, bundle hash, thresholds and validation metrics."""
        predictor = app.state.predictor
        info = predictor.info
        return {
            "name": info.name,
            "version": info.version,
            "kind": info.kind,
            "runtime": predictor.runtime,
            "bundle_hash": predictor.hash,
            "overclaim_threshold": info.overclaim_threshold,
            "reasons": list(info.reasons),
            "verdicts": list(info.verdicts),
            "splitter": info.splitter,
            "metrics": info.metrics,
        }

    @app.get("/healthz", tags=["meta"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["meta"])
    async def readyz() -> JSONResponse:
        ready = bool(app.state.ready)
        return JSONResponse({"ready": ready}, status_code=200 if ready else 503)

    if WEB.is_dir():
        app.mount("/static", StaticFiles(directory=WEB), name="static")

        @app.get("/", include_in_schema=False)
        async def page() -> FileResponse:
            return FileResponse(WEB / "index.html")

    keep_query_strings_out_of_the_access_log()
    # Outermost last: CORS wraps everything, so 413s, 408s, 429s and 500s carry its headers too.
    app.add_middleware(KeysAndRateLimit, keys=settings.api_keys, rate=settings.rate_limit)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s)
    app.add_middleware(ErrorsAsJson)
    app.add_middleware(KnownOrigins, origins=settings.cors_origins, origin_regex=settings.cors_origin_regex)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_origin_regex=settings.cors_origin_regex,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type", "x-api-key", "authorization"],
        max_age=600,
    )
    return app
