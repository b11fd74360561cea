"""Deployment settings of the HTTP server, from ``HYPECHECK_*`` environment variables."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    """Model to load, request limits, CORS origins, API keys and threads."""

    model_config = SettingsConfigDict(env_prefix="HYPECHECK_", extra="ignore")

    model: str | None = Field(
        None, description="Bundle folder or models:/ URI; default models:/hypecheck@champion"
    )
    max_body_bytes: int = Field(2_000_000, gt=0)
    max_chars: int = Field(100_000, gt=0, description="Characters per document")
    max_documents: int = Field(64, gt=0, description="Documents per batch request")
    request_timeout_s: float = Field(30.0, gt=0)
    body_timeout_s: float = Field(15.0, gt=0, description="A request body must arrive within this")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    cors_origin_regex: str | None = Field(
        r"^(chrome-extension|moz-extension)://[a-z0-9-]+$|^https?://(localhost|127\.0\.0\.1)(:\d+)?$",
        description="Origins allowed besides cors_origins: the extension and local pages by default",
    )
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Empty: no key needed")
    rate_limit: str = Field("120/minute", description="Per API key (or per client address without keys)")
    threads: int = Field(2, gt=0, description="Compute threads of the model (one per physical core)")
    backend: Literal["auto", "torch", "onnx"] = Field(
        "auto", description="auto: the bundle's int8 ONNX model when its export passed the quality gate"
    )
    batch_wait_ms: float = Field(5.0, ge=0, description="How long a micro-batch waits for company")
    batch_max_sentences: int = Field(256, gt=0)
    docs: bool = Field(False, description="Serve /docs and /redoc (their pages load assets from a CDN)")
    trust_bundle: bool = Field(False, description="Open a bundle holding pickled files (they run code)")

    @field_validator("cors_origins", "api_keys", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value
