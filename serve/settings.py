"""Deployment settings of the HTTP server: the shared settings plus request limits, CORS and keys."""

from __future__ import annotations

import re
from typing import Annotated

from hypecheck.models.settings import Settings
from pydantic import Field, field_validator
from pydantic_settings import NoDecode

# The shipped Chrome extension's origin. The public key in its manifest fixes the id, so every install
# (unpacked or not) sends this Origin; tests/test_settings.py derives it from the manifest's key.
EXTENSION_ORIGIN = "chrome-extension://abbeaokonghjjafcenhjpplbdenadonc"
_ORIGIN = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s*]+")


class ServeSettings(Settings):
    """Model, paths and runtime as every command has them, plus request limits, CORS origins and keys."""

    max_body_bytes: int = Field(2_000_000, gt=0)
    max_chars: int = Field(100_000, gt=0, description="Characters per document")
    max_documents: int = Field(64, gt=0, description="Documents per batch request")
    request_timeout_s: float = Field(30.0, gt=0)
    max_work: int = Field(
        12_000, gt=0, description="Sentences and trigger variants one request may cost the model"
    )
    body_timeout_s: float = Field(15.0, gt=0, description="A request body must arrive within this")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [EXTENSION_ORIGIN],
        description="The only origins whose browser requests are served and may read the answers: the "
        "shipped Chrome extension by default; the server's own page is same-origin and needs no entry",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Empty: no key needed")
    rate_limit: str = Field("120/minute", description="Per API key (or per client address without keys)")
    batch_wait_ms: float = Field(5.0, ge=0, description="How long a micro-batch waits for company")
    batch_max_sentences: int = Field(
        256, gt=0, description="Sentences per model call; scoring nobody waits for stops between calls"
    )
    docs: bool = Field(False, description="Serve /docs and /redoc (their pages load assets from a CDN)")

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        """An origin is a scheme and a host (and port) only: anything else would never match a
        browser's ``Origin`` header, and a wildcard would let every website in."""
        bad = [origin for origin in origins if not _ORIGIN.fullmatch(origin)]
        if bad:
            raise ValueError(f"not an origin (scheme://host[:port], no path or wildcard): {', '.join(bad)}")
        return origins
