"""The one place where requests become scoring calls: every route that scores text reads it here
into a :class:`~hypecheck.serve.inputs.Document` (with the input checks every door shares), scores
it through the micro-batcher (one model call for concurrent requests) within the work budget and
the request timeout, and maps the spans back to what the caller sent. Scoring stops when its
request times out or its client leaves: the batcher drops work nobody waits for."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from hypecheck.models.results import DocumentScore
from hypecheck.models.scoring import ScoreOptions, work_units
from hypecheck.serve.api.dependencies import BatcherDep, SettingsDep
from hypecheck.serve.api.errors import ApiError
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.serve.guards import Receive
from hypecheck.serve.inputs import Document, read_document
from hypecheck.serve.offsets import in_units
from hypecheck.serve.schemas import BatchDocument, Options, ScoreResponse
from hypecheck.serve.settings import ServeSettings


class Scoring:
    """Requests in, scored documents out, with the deployment's limits."""

    def __init__(self, settings: ServeSettings, batcher: MicroBatcher, receive: Receive) -> None:
        self.settings = settings
        self.batcher = batcher
        self.receive = receive

    def document(self, text: str | None, html: str | None = None) -> Document:
        """The text to score from a body's ``text`` or ``html``, or an input error."""
        body = text if text is not None else html or ""
        kind = "html" if html is not None else "text"
        return read_document(body, "the document", kind, self.settings.max_chars)

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
        scoring = asyncio.ensure_future(self.batcher.score(texts, options))
        gone = asyncio.ensure_future(_client_gone(self.receive))
        try:
            await asyncio.wait((scoring, gone), timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:  # whatever ends the wait, no one waits for what is left
            gone.cancel()
            if not scoring.done():
                scoring.cancel()
        if scoring.done() and not scoring.cancelled():
            return scoring.result()
        if gone.done() and not gone.cancelled():
            raise ApiError(499, "client_gone", "the client left before its answer")
        raise ApiError(504, "timeout", f"scoring took over {timeout}s", timeout)

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


async def _client_gone(receive: Receive) -> None:
    """Returns once the client has left: the body has been read, so the next message the server
    has for this request is its disconnect."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def get_scoring(request: Request, settings: SettingsDep, batcher: BatcherDep) -> Scoring:
    return Scoring(settings, batcher, request.receive)


ScoringDep = Annotated[Scoring, Depends(get_scoring)]
