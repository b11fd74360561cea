"""Deployment settings of the HTTP server: the shared settings plus request limits, CORS and keys."""

from __future__ import annotations

from typing import Annotated

from hypecheck.models.settings import Settings
from pydantic import Field, field_validator
from pydantic_settings import NoDecode


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
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_origin_regex: str | None = Field(
        r"^(chrome-extension|moz-extension)://[a-z0-9-]+$|^https?://(localhost|127\.0\.0\.1)(:\d+)?$",
        description="Origins allowed besides cors_origins: the extension and local pages by default",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Empty: no key needed")
    rate_limit: str = Field("120/minute", description="Per API key (or per client address without keys)")
    batch_wait_ms: float = Field(5.0, ge=0, description="How long a micro-batch waits for company")
    batch_max_sentences: int = Field(256, gt=0)
    docs: bool = Field(False, description="Serve /docs and /redoc (their pages load assets from a CDN)")

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
