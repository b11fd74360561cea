"""The HTTP API (FastAPI on uvicorn): score texts and pages, a LanguageTool-compatible check,
news-against-source comparison, and the model card. The model is loaded once at start-up.

Routes live in one ``APIRouter`` module each and take what they need (settings, the predictor, its
micro-batcher) through ``Depends`` (:mod:`hypecheck.serve.api.dependencies`). Request text is never
logged or stored: only paths, status codes and timings reach the log.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from hypecheck.models.version import VERSION
from hypecheck.serve.api import check, compare, extract, meta, score
from hypecheck.serve.api.dependencies import Batchers, get_predictor
from hypecheck.serve.api.errors import add_error_handlers
from hypecheck.serve.guards import (
    BodyLimit,
    ErrorsAsJson,
    KeysAndRateLimit,
    KnownOrigins,
    keep_query_strings_out_of_the_access_log,
)
from hypecheck.serve.settings import ServeSettings

WEB = Path(__file__).resolve().parent.parent / "web"
ROUTERS = (score.router, check.router, compare.router, extract.router, meta.router)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load and warm the model and start its micro-batcher (unless a stand-in predictor is injected
    through ``dependency_overrides``); stop every batcher at shut-down."""
    if get_predictor not in app.dependency_overrides:
        settings: ServeSettings = app.state.settings
        predictor = settings.predictor()
        predictor.predict(["Warm-up sentence for the model."])
        app.state.batchers.for_predictor(predictor)
        app.state.predictor = predictor
    yield
    await app.state.batchers.stop()


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The app serving ``settings.model`` (read from the environment when no settings are given),
    with its routes, error bodies, guards and the editors' page; the model loads when the server
    starts (a test that injects a stand-in predictor never loads one)."""
    settings = settings or ServeSettings()
    settings.go_offline()
    app = FastAPI(
        docs_url="/docs" if settings.docs else None,  # Swagger UI loads its assets from a CDN
        redoc_url="/redoc" if settings.docs else None,
        title="hypecheck",
        version=VERSION,
        lifespan=_lifespan,
        description="Scores health writing for hype and overclaiming, sentence by sentence.",
    )
    app.state.settings = settings
    app.state.predictor = None
    app.state.batchers = Batchers(settings)
    add_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    if WEB.is_dir():
        app.mount("/static", StaticFiles(directory=WEB), name="static")

        @app.get("/", include_in_schema=False, response_class=FileResponse)
        async def page() -> FileResponse:
            return FileResponse(WEB / "index.html")

    keep_query_strings_out_of_the_access_log()
    # Outermost last: CORS wraps everything, so 413s, 408s, 429s and 500s carry its headers too.
    app.add_middleware(KeysAndRateLimit, keys=settings.api_keys, rate=settings.rate_limit)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s)
    app.add_middleware(ErrorsAsJson)
    app.add_middleware(KnownOrigins, origins=settings.cors_origins)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["content-type", "x-api-key", "authorization"],
        max_age=600,
    )
    return app
