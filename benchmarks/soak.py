"""Soak: 32 clients for 60 s against a real ``hypecheck serve``, first with clean requests only, then
with one request in ten a hostile body, interleaved.

Hostile bodies are what the hardening covers: lone surrogates, NUL, zero-width-only text, HTML with
nothing visible or an unclosed hidden element, malformed JSON, oversized bodies (declared and
chunked), LanguageTool ``data`` that is not an annotation list, a Word zip bomb and a corrupt Word
file, and unknown paths. Reported: any 5xx (there must be none), the server's memory (resident set
of the server, sampled every second: flat means the last sample is within 10% of the one at 10 s),
and the p99 latency of the clean requests in both runs (within 2x of the clean run).

    python -m benchmarks.soak --model BUNDLE [--clients 32 --seconds 60]   (writes reports/soak.json)
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import time
import zipfile
from collections import Counter

import numpy as np
import psutil
from hypecheck.models.extras import require

from benchmarks import report_path
from benchmarks.loadtest import documents
from benchmarks.local_server import start_local_server

aiohttp = require("aiohttp", "bench", "the soak benchmark")
MAX_BODY = 200_000
JSON = {"content-type": "application/json"}


def zip_bomb() -> bytes:
    """A small .docx whose document part unpacks to 60 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 60_000_000 + b"</w:document>")
    return out.getvalue()


def hostile_requests() -> list[tuple[str, str, object, dict[str, str]]]:
    """(method, path, body, headers): every kind of bad input the API must answer without a 5xx."""

    def chunked() -> object:
        async def parts():  # noqa: ANN202 - an async generator aiohttp sends chunked
            for _ in range(30):
                yield b"a" * 10_000

        return parts()

    def upload(data: bytes, name: str) -> object:
        def form() -> aiohttp.FormData:  # a form is sent once: a new one for each request
            fields = aiohttp.FormData()
            fields.add_field("file", data, filename=name)
            return fields

        return form

    return [
        ("POST", "/v1/score", json.dumps({"text": "Hello \ud800 world. It cures all."}), JSON),
        ("POST", "/v1/score", json.dumps({"text": "a\u0000b"}), JSON),
        ("POST", "/v1/score", json.dumps({"text": "\u200b\ufeff"}), JSON),
        ("POST", "/v1/score", json.dumps({"html": "<script>x</script>"}), JSON),
        ("POST", "/v1/score", json.dumps({"html": "<div hidden>never closed <p>hidden"}), JSON),
        ("POST", "/v1/score", b'{"text": "unterminated', JSON),
        ("POST", "/v1/score", b'{"text": "' + b"a" * (MAX_BODY + 10) + b'"}', JSON),
        ("POST", "/v1/score", chunked, JSON),
        ("POST", "/v1/score", json.dumps({"text": "[" * 50_000}), JSON),
        ("POST", "/v2/check", {"data": '{"annotation": 5}'}, {}),
        ("POST", "/v1/extract", upload(zip_bomb(), "bomb.docx"), {}),
        ("POST", "/v1/extract", upload(b"PK\x03\x04 broken", "broken.docx"), {}),
        ("GET", "/v1/nothing", None, {}),
    ]


def rss(process: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


async def soak(url: str, server: psutil.Process, clients: int, seconds: float, hostile_share: float) -> dict:
    texts = documents(10)
    clean = [json.dumps({"text": text}).encode() for text in texts]
    hostile = hostile_requests()
    every = round(1 / hostile_share) if hostile_share else 0
    clean_ms: list[float] = []
    statuses: Counter[str] = Counter()
    memory: list[int] = []
    stop = time.monotonic() + seconds

    async def sample() -> None:
        while time.monotonic() < stop:
            memory.append(rss(server))
            await asyncio.sleep(1)

    async def client(worker: int, http: aiohttp.ClientSession) -> None:
        i = worker
        while time.monotonic() < stop:
            is_hostile = bool(every) and i % every == every - 1
            if is_hostile:
                method, path, body, headers = hostile[(i // every) % len(hostile)]
                body = body() if callable(body) else body
                kind = "hostile"
            else:
                method, path, body, headers, kind = "POST", "/v1/score", clean[i % len(clean)], JSON, "clean"
            started = time.perf_counter()
            try:
                request = http.request(method, path, data=body, headers=headers)
                async with request as response:
                    await response.read()
                    statuses[f"{kind} {response.status}"] += 1
            except (aiohttp.ClientError, TimeoutError) as error:
                statuses[f"{kind} {type(error).__name__}"] += 1
            if kind == "clean":
                clean_ms.append((time.perf_counter() - started) * 1000)
            i += clients

    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=timeout) as http:
        await asyncio.gather(sample(), *(client(w, http) for w in range(clients)))
    at_10s = memory[min(10, len(memory) - 1)]
    return {
        "hostile_share": hostile_share,
        "requests": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "server_errors_5xx": sum(n for key, n in statuses.items() if key.split()[1].startswith("5")),
        "clean_p50_ms": round(float(np.percentile(clean_ms, 50)), 1),
        "clean_p99_ms": round(float(np.percentile(clean_ms, 99)), 1),
        "rss_mb_at_10s": round(at_10s / 2**20),
        "rss_mb_last": round(memory[-1] / 2**20),
        "rss_mb_max": round(max(memory) / 2**20),
        "memory_flat": memory[-1] <= 1.1 * at_10s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    environment = {"HYPECHECK_RATE_LIMIT": "1000000/minute", "HYPECHECK_MAX_BODY_BYTES": str(MAX_BODY)}
    process, url = start_local_server(args.model, env=environment)
    try:
        server = psutil.Process(process.pid)
        runs = [asyncio.run(soak(url, server, args.clients, args.seconds, share)) for share in (0.0, 0.1)]
    finally:
        process.terminate()
        process.wait(10)
    report = {
        "clients": args.clients,
        "seconds": args.seconds,
        "clean": runs[0],
        "with_hostile": runs[1],
        "p99_ratio": round(runs[1]["clean_p99_ms"] / runs[0]["clean_p99_ms"], 2),
    }
    report_path("soak.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
