"""The one place where requests become scoring calls: every route that scores text reads it here
into a :class:`~hypecheck.serve.inputs.Document` (with the input checks every door shares), scores
it through the micro-batcher (one model call for concurrent requests) within the work budget and
the request timeout, and maps the spans back to what the caller sent."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends
from hypecheck.models.results import DocumentScore
from hypecheck.models.scoring import ScoreOptions, work_units
from hypecheck.serve.api.dependencies import BatcherDep, SettingsDep
from hypecheck.serve.api.errors import ApiError
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.serve.inputs import Document, read_document
from hypecheck.serve.offsets import in_units
from hypecheck.serve.schemas import BatchDocument, Options, ScoreResponse
from hypecheck.serve.settings import ServeSettings


class Scoring:
    """Requests in, scored documents out, with the deployment's limits."""

    def __init__(self, settings: ServeSettings, batcher: MicroBatcher) -> None:
        self.settings = settings
        self.batcher = batcher

    def document(self, text: str | None, html: str | None = None) -> Document:
        """The text to score from a body's ``text`` or ``html``, or an input error."""
        body = text if text is not None else html or ""
        kind = "html" if html is not None else "text"
        return read_document(body, "the document", kind, self.settings.max_chars)

    def check_count(self, documents: Sequence[object]) -> None:
        limit = self.settings.max_documents
        if len(documents) > limit:
            raise ApiError(413, "too_many_documents", f"over {limit} documents in one batch", limit)

    async def score(self, texts: list[str], options: ScoreOptions) -> list[DocumentScore]:
        """The scores of ``texts``, within the work budget and the request timeout."""
        work, budget = work_units(texts, options), self.settings.max_work
        if work > budget:
            message = (
                f"this request would cost the model {work:,} sentences and trigger variants, over the "
                f"{budget:,} allowed: send fewer or shorter documents, or turn triggers off"
            )
            raise ApiError(413, "too_much_work", message, budget)
        timeout = self.settings.request_timeout_s
        try:
            return await asyncio.wait_for(self.batcher.score(texts, options), timeout)
        except TimeoutError:
            raise ApiError(504, "timeout", f"scoring took over {timeout}s", timeout) from None

    async def respond(self, bodies: Sequence[BatchDocument], options: Options) -> list[ScoreResponse]:
        """Each body scored, with its id and every span in the offsets of what the caller sent,
        counted in the unit the caller asked for."""
        documents = [self.document(body.text, body.html) for body in bodies]
        scores = await self.score([d.text for d in documents], options.score_options())
        return [
            ScoreResponse(
                **dict(in_units(document.in_source(score), document.source, options.offsets)), id=body.id
            )
            for document, score, body in zip(documents, scores, bodies, strict=True)
        ]


async def get_scoring(settings: SettingsDep, batcher: BatcherDep) -> Scoring:
    return Scoring(settings, batcher)


ScoringDep = Annotated[Scoring, Depends(get_scoring)]
