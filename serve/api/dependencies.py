"""What routes depend on, through FastAPI's ``Depends``: settings, the predictor, its micro-batcher
and the scoring of requests. Tests replace any of them with ``app.dependency_overrides`` (a
stand-in predictor, say), so the routes run in-process without a trained model.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from hypecheck.models.prediction import Predictor
from hypecheck.serve.api.errors import ApiError
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.serve.settings import ServeSettings


def get_settings(request: Request) -> ServeSettings:
    """The settings ``create_app`` was given."""
    return request.app.state.settings


def get_predictor(request: Request) -> Predictor:
    """The model loaded (and warmed) at start-up; 503 until it is."""
    predictor = request.app.state.predictor
    if predictor is None:
        raise ApiError(503, "not_ready", "the model is not loaded yet")
    return predictor


class Batchers:
    """One micro-batcher per predictor, started on first use and stopped with the app: the loaded
    model gets its own at start-up, a stand-in injected by a test gets one when first asked."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.running: dict[int, MicroBatcher] = {}

    def for_predictor(self, predictor: Predictor) -> MicroBatcher:
        batcher = self.running.get(id(predictor))
        if batcher is None:
            batcher = MicroBatcher(
                predictor,
                wait_ms=self.settings.batch_wait_ms,
                max_sentences=self.settings.batch_max_sentences,
            )
            batcher.start()
            self.running[id(predictor)] = batcher
        return batcher

    async def stop(self) -> None:
        for batcher in self.running.values():
            await batcher.stop()
        self.running.clear()


async def get_batcher(
    request: Request, predictor: Annotated[Predictor, Depends(get_predictor)]
) -> MicroBatcher:
    """The micro-batcher of the predictor (async: a batcher starts on the running event loop)."""
    return request.app.state.batchers.for_predictor(predictor)


SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
PredictorDep = Annotated[Predictor, Depends(get_predictor)]
BatcherDep = Annotated[MicroBatcher, Depends(get_batcher)]
