"""Request and response bodies of the HTTP API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Literal

from hypecheck.models.labels import REASONS
from hypecheck.models.results import DocumentScore, ModelCard
from hypecheck.models.scoring import ScoreOptions
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    overclaim_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Override the model's calibrated threshold"
    )
    reasons: list[str] | None = Field(None, description=f"Only these reasons (of {', '.join(REASONS)})")
    disabled_reasons: list[str] = Field(
        default_factory=list, description="Reasons never to flag (as disabled_reasons in .hypecheck.toml)"
    )
    triggers: bool = Field(True, description="Find the words that drove each overclaim (costs time)")
    suggestions: bool = Field(True, description="Advice and a rewrite for each overclaim")
    rewrites: bool = Field(
        True, description="A checked rewrite beside the advice (one to five more model calls per overclaim)"
    )
    offsets: Literal["codepoint", "utf16"] = Field(
        "codepoint", description="Unit of every start/end: code points, or UTF-16 units as JavaScript counts"
    )

    @model_validator(mode="after")
    def _known_reasons(self) -> Options:
        self.score_options()
        return self

    def score_options(self) -> ScoreOptions:
        """The scoring core's options; ``reasons`` is a shorthand for disabling every other reason."""
        disabled = set(self.disabled_reasons)
        if self.reasons is not None:
            unknown = set(self.reasons) - set(REASONS)
            if unknown:
                raise ValueError(f"unknown reasons: {sorted(unknown)}")
            disabled |= set(REASONS) - set(self.reasons)
        return ScoreOptions(
            triggers=self.triggers,
            suggestions=self.suggestions,
            rewrites=self.rewrites,
            overclaim_threshold=self.overclaim_threshold,
            disabled_reasons=frozenset(disabled),
        )


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


class ScoreResponse(DocumentScore):
    """The scored document (:class:`hypecheck.models.results.DocumentScore`) and the caller's id."""

    id: str | None = None


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


class Extracted(BaseModel):
    name: str
    kind: str = Field(description="What the file was read as: docx")
    text: str = Field(description="Its paragraphs, a blank line between them")


class ModelInfo(ModelCard):
    """The model card every score carries, with what the loaded model reads its outputs by."""

    int8_recipe: str | None = Field(None, description="The int8 quantization recipe, when int8 serves")
    overclaim_threshold: float
    reasons: list[str]
    verdicts: list[str]
    splitter: str
    metrics: dict[str, float] = Field(description="Validation metrics recorded when the model was trained")


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    ready: bool
