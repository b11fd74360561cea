"""Request guards: a body-size limit that holds for streamed bodies, API keys and per-key rate limits."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
OPEN_PATHS = ("/healthz", "/readyz", "/v1/model", "/openapi.json", "/docs", "/redoc", "/", "/static")


def error_body(code: str, message: str, limit: float | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "limit": limit}}


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimit:
    """Answer 413 when a request body is over ``max_bytes``, declared or streamed."""

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_big = error_body(
            "body_too_large", f"request body is over {self.max_bytes:,} bytes", self.max_bytes
        )
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_json(send, 413, too_big)
            return
        seen = 0
        started = False

        async def limited_receive() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, too_big)


class _TooLarge(Exception):
    pass


class KeysAndRateLimit:
    """API keys (``X-API-Key`` or ``Authorization: Bearer``) when configured, and a moving-window
    rate limit per key (per client address without keys) answered 429 with ``Retry-After``."""

    def __init__(self, app: Callable[..., Awaitable[None]], keys: list[str], rate: str) -> None:
        self.app = app
        self.keys = set(keys)
        self.rate = parse(rate)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope.get("method") == "OPTIONS"
            or path in OPEN_PATHS
            or path.startswith("/static/")
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        key = headers.get(b"x-api-key", b"").decode("latin-1")
        bearer = headers.get(b"authorization", b"").decode("latin-1")
        if not key and bearer.lower().startswith("bearer "):
            key = bearer[7:].strip()
        if self.keys and key not in self.keys:
            await _send_json(
                send, 401, error_body("unauthorized", "a valid API key is required (X-API-Key header)")
            )
            return
        identity = key or (scope.get("client") or ("unknown", 0))[0]
        if not self.limiter.hit(self.rate, identity):
            reset, _ = self.limiter.get_window_stats(self.rate, identity)
            retry = max(1, math.ceil(reset - time.time()))
            await _send_json(
                send,
                429,
                error_body("rate_limited", f"over {self.rate} for this key", retry),
                [(b"retry-after", str(retry).encode())],
            )
            return
        await self.app(scope, receive, send)
