"""Request guards: a body-size limit that holds for streamed bodies, API keys and per-key rate limits."""

from __future__ import annotations

import asyncio
import json
import logging
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
LOG = logging.getLogger("hypecheck.serve")
DRAIN_FACTOR = 8  # an oversized upload is read and dropped up to this many times the limit
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


class _WithoutQueryStrings(logging.Filter):
    """uvicorn's access log line without the query string: text sent in a URL stays out of logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


_ACCESS_FILTER = _WithoutQueryStrings()


def keep_query_strings_out_of_the_access_log() -> None:
    logging.getLogger("uvicorn.access").addFilter(_ACCESS_FILTER)


class BodyLimit:
    """Read the whole body before the app sees it, within ``max_bytes`` and ``timeout_s``.

    Over the limit, declared or streamed (chunked too), the answer is 413, sent after the rest of
    the upload has been read and dropped (up to :data:`DRAIN_FACTOR` times the limit): a client that
    sends its body whole, as browsers and urllib do, then reads the 413 instead of a connection
    reset. A body slower than ``timeout_s`` (a stalled or trickling upload) is answered 408.
    """

    def __init__(self, app: Callable[..., Awaitable[None]], max_bytes: int, timeout_s: float = 15.0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        too_big = error_body(
            "body_too_large", f"request body is over {self.max_bytes:,} bytes", self.max_bytes
        )
        if declared.isdigit() and int(declared) > self.max_bytes * DRAIN_FACTOR:
            await _send_json(send, 413, too_big, [(b"connection", b"close")])
            return
        try:
            body, size = await asyncio.wait_for(self._read(receive), self.timeout_s)
        except TimeoutError:
            message = f"the request body did not arrive within {self.timeout_s:g} s"
            body_late = error_body("body_timeout", message, self.timeout_s)
            await _send_json(send, 408, body_late, [(b"connection", b"close")])
            return
        except _Disconnected:
            return
        if size > self.max_bytes:
            await _send_json(send, 413, too_big, [(b"connection", b"close")])
            return
        replayed = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> tuple[bytes, int]:
        """The body (empty once over the limit) and its size; reading stops past the drain cap."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size <= self.max_bytes:
                chunks.append(chunk)
            if not message.get("more_body") or size > self.max_bytes * DRAIN_FACTOR:
                return (b"".join(chunks) if size <= self.max_bytes else b""), size


class _Disconnected(Exception):
    pass


class ErrorsAsJson:
    """Whatever fails inside is answered as a JSON 500 from inside the CORS layer, so a browser
    (the extension, the page) reads an error instead of a network failure. Only the error's type
    and the path are logged: the request's text never is."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: MutableMapping[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:  # any failure becomes this request's 500, never a crash
            LOG.error("%s on %s %s", type(error).__name__, scope.get("method"), scope.get("path"))
            if not started:
                message = "the server failed on this request (logged without its text)"
                await _send_json(send, 500, error_body("internal_error", message))


class KnownOrigins:
    """A browser request from a page that CORS would not let read the answer is refused before any
    work: a form post is a "simple" request, sent without asking first, so without this any
    website could make the server score text. Requests without an ``Origin`` (LanguageTool
    clients, curl) and from the server's own pages pass."""

    def __init__(self, app: Callable[..., Awaitable[None]], origins: list[str]) -> None:
        self.app = app
        self.origins = set(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        origin = headers.get(b"origin", b"").decode("latin-1")
        own = f"{scope.get('scheme', 'http')}://{headers.get(b'host', b'').decode('latin-1')}"
        if (
            not origin
            or scope.get("method") in ("GET", "HEAD", "OPTIONS")
            or origin == own
            or origin in self.origins
        ):
            await self.app(scope, receive, send)
            return
        message = f"requests from {origin[:100]} are not allowed (HYPECHECK_CORS_ORIGINS)"
        await _send_json(send, 403, error_body("origin_not_allowed", message))


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
        address = (scope.get("client") or ("unknown", 0))[0]
        if self.keys and key not in self.keys:
            if not self.limiter.hit(self.rate, f"failed-auth {address}"):
                await self._too_many(send, f"failed-auth {address}")
                return
            await _send_json(
                send, 401, error_body("unauthorized", "a valid API key is required (X-API-Key header)")
            )
            return
        # Without configured keys any key is made up: the address is the client, whatever it sends.
        identity = key if self.keys else address
        if not self.limiter.hit(self.rate, identity):
            await self._too_many(send, identity)
            return
        await self.app(scope, receive, send)

    async def _too_many(self, send: Send, identity: str) -> None:
        reset, _ = self.limiter.get_window_stats(self.rate, identity)
        retry = max(1, math.ceil(reset - time.time()))
        await _send_json(
            send,
            429,
            error_body("rate_limited", f"over {self.rate} for this client", retry),
            [(b"retry-after", str(retry).encode())],
        )
