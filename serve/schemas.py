"""Request and response bodies of the HTTP API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from hypecheck.models.labels import REASONS
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overclaim_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Override the model's calibrated threshold"
    )
    reasons: list[str] | None = Field(None, description=f"Only these reasons (of {', '.join(REASONS)})")
    triggers: bool = Field(True, description="Find the words that drove each overclaim (costs time)")
    suggestions: bool = Field(True, description="Advice and a rewrite for each overclaim")
    offsets: Literal["codepoint", "utf16"] = Field(
        "codepoint", description="Unit of every start/end: code points, or UTF-16 units as JavaScript counts"
    )

    @model_validator(mode="after")
    def _known_reasons(self) -> Options:
        unknown = set(self.reasons or ()) - set(REASONS)
        if unknown:
            raise ValueError(f"unknown reasons: {sorted(unknown)}")
        return self


class BatchDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=200, description="Echoed back, for the caller's bookkeeping")
    text: str | None = Field(None, description="Plain text to score")
    html: str | None = Field(None, description="An HTML page or fragment; spans come back in source offsets")

    @model_validator(mode="after")
    def _one_of(self) -> BatchDocument:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class ScoreRequest(BatchDocument):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"text": "This breakthrough will revolutionize the treatment of depression."}]
        },
    )

    options: Options = Field(default_factory=Options)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[BatchDocument] = Field(..., min_length=1)
    options: Options = Field(default_factory=Options)


class Span(BaseModel):
    start: int
    end: int
    text: str
    weight: float


class SentenceOut(BaseModel):
    start: int = Field(description="Offset of the sentence in the text (or HTML source) sent")
    end: int
    text: str
    p_overclaim: float
    verdict: str
    reasons: dict[str, float]
    claim_strength: dict[str, Any]
    quoted: bool
    triggers: list[Span]
    suggestion: dict[str, Any] | None


class ScoreResponse(BaseModel):
    id: str | None = None
    sentences: list[SentenceOut]
    summary: dict[str, Any]
    model: dict[str, str]


class BatchResponse(BaseModel):
    results: list[ScoreResponse]


class CompareRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    news: str = Field(..., min_length=1, description="The news story or press release")
    source: str = Field(..., min_length=1, description="The abstract (or paper text) it reports on")


class ErrorBody(BaseModel):
    code: str
    message: str
    limit: int | float | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody
