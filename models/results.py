"""What a scored text is: the one result type every door hands out.

The API's response bodies are these models (plus the caller's ``id``), the Parquet schema of batch
output is derived from their fields, and the CLI's JSON prints them; so a field added here reaches
every door, and a door that dropped one would fail its schema test. ``schema_version`` changes
whenever a field is added, renamed or changes meaning.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Trigger(_Result):
    """A word that drove the score, with the probability its removal takes away."""

    start: int
    end: int
    text: str
    weight: float


class ClaimStrength(_Result):
    """The likeliest claim strength and the probability of each."""

    label: str
    probs: dict[str, float]


class Suggestion(_Result):
    """Advice for each reason of an overclaim, and a rewrite when one passed the model's check."""

    advice: list[str]
    rewrite: str | None = None
    rewrite_source: Literal["learned", "rules"] | None = Field(
        None, description="Where the rewrite came from: the learned rewriter or the rules"
    )
    rewrite_p_overclaim: float | None = Field(
        None, description="The model's probability that the rewrite overclaims, read in the same context"
    )


class SentenceScore(_Result):
    """The score of one sentence; ``start``/``end`` and trigger spans are offsets into the text."""

    start: int = Field(description="Offset of the sentence in the text (or HTML source) sent")
    end: int
    text: str
    p_overclaim: float
    verdict: str
    reasons: dict[str, float] = Field(description="Each reason of an overclaim and its probability")
    claim_strength: ClaimStrength
    quoted: bool = False
    triggers: list[Trigger] = Field(default_factory=list)
    suggestion: Suggestion | None = None


class ChecklistItem(_Result):
    """One review criterion: its question, whether the text answers it, and the sentences that do."""

    question: str
    answered: bool
    sentences: list[int]


class Summary(_Result):
    """Overall score (mean of the three highest sentence scores), counts, worst sentences, checklist."""

    overall: float
    sentences: int
    verdicts: dict[str, int]
    reasons: dict[str, int]
    worst: list[int] = Field(description="Indices of the worst overclaiming sentences")
    checklist: dict[str, ChecklistItem]


class ModelCard(_Result):
    """Which model scored the text: enough to reproduce a score."""

    name: str
    version: str
    bundle_hash: str
    kind: str
    runtime: str = Field(description="What computed the scores: onnxruntime-int8, pytorch-fp32, ...")


class DocumentScore(_Result):
    """A scored text: its sentences, a summary with the review checklist, and the model card."""

    schema_version: int = SCHEMA_VERSION
    sentences: list[SentenceScore]
    summary: Summary
    model: ModelCard
