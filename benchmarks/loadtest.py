"""Bounded load run against a hypecheck server on loopback: N concurrent clients for S seconds.

Run from the checkout: ``python -m benchmarks.loadtest [--url URL | --model REF] --clients 32 --seconds 60
--sentences 10``.
Without ``--url`` it starts ``hypecheck serve`` itself on a free loopback port. Prints and writes
``loadtest.json`` in the reports folder (``reports/`` of the project home): latency p50/p99,
requests and sentences per second, failed requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
from hypecheck.models.extras import require

from benchmarks import report_path
from benchmarks.local_server import start_local_server

aiohttp = require("aiohttp", "bench", "the load generator")

ROOT = Path(__file__).resolve().parent.parent


def written_sentences() -> list[str]:
    """The written corpus's sentences (ours, shippable)."""
    pool = []
    for path in sorted((ROOT / "data" / "written").glob("*.jsonl")):
        pool += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    return pool


def document_sentences(
    sentences: int, count: int = 200, seed: int = 0, pool: list[str] | None = None
) -> list[list[str]]:
    """The sentences of ``count`` documents of ``sentences`` each, drawn from ``pool`` (default: the
    written corpus)."""
    pool = pool or written_sentences()
    rng = random.Random(seed)
    return [rng.sample(pool, sentences) for _ in range(count)]


def documents(
    sentences: int, count: int = 200, seed: int = 0, pool: list[str] | None = None, separator: str = " "
) -> list[str]:
    """Documents of ``sentences`` sentences drawn from ``pool``, joined by ``separator``."""
    return [separator.join(doc) for doc in document_sentences(sentences, count, seed, pool)]


async def run(url: str, clients: int, seconds: float, texts: list[str], options: dict) -> dict:
    """``clients`` keep-alive connections post documents back to back for ``seconds``. The client
    is aiohttp with the bodies encoded up front: it shares the server's two cores, so it must be
    cheap (httpx took about a third of a core more at the same request rate)."""
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    stop = time.monotonic() + seconds
    sentences = 0
    bodies = [json.dumps({"text": text, "options": options}).encode() for text in texts]
    headers = {"content-type": "application/json"}

    async def client(worker: int, http: aiohttp.ClientSession) -> None:
        nonlocal sentences
        i = worker
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                async with http.post("/v1/score", data=bodies[i % len(bodies)], headers=headers) as response:
                    payload = await response.read()
                    statuses[str(response.status)] += 1
                    if response.status == 200:
                        sentences += len(json.loads(payload)["sentences"])
            except (aiohttp.ClientError, TimeoutError) as error:
                statuses[type(error).__name__] += 1
            latencies.append(time.perf_counter() - started)
            i += clients

    started = time.perf_counter()
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base_url=url, connector=connector, timeout=timeout) as http:
        await asyncio.gather(*(client(w, http) for w in range(clients)))
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "failed": sum(n for status, n in statuses.items() if status != "200"),
        "statuses": dict(statuses),
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
        "p99_ms": round(float(np.percentile(ms, 99)), 1) if len(ms) else None,
        "requests_per_s": round(len(latencies) / elapsed, 2),
        "sentences_per_s": round(sentences / elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--model")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sentences", type=int, default=10)
    parser.add_argument("--triggers", action="store_true", help="also compute trigger words (slower)")
    args = parser.parse_args()
    process = None
    url = args.url
    if url is None:
        process, url = start_local_server(args.model, env={"HYPECHECK_RATE_LIMIT": "1000000/minute"})
    try:
        result = asyncio.run(
            run(url, args.clients, args.seconds, documents(args.sentences), {"triggers": args.triggers})
        )
    finally:
        if process:
            process.terminate()
            process.wait(10)
    result.update({"sentences_per_document": args.sentences, "triggers": args.triggers})
    report_path("loadtest.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
