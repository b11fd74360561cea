"""The API against a careless or hostile neighbour: one bad request never fails another, rate limits
cannot be dodged, oversized, chunked and stalled bodies get a JSON answer with CORS headers, and
nothing from a URL reaches the log."""

import asyncio
import contextlib
import json
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypecheck.serve.batcher import MicroBatcher
from hypecheck.serve.settings import EXTENSION_ORIGIN

from tests.conftest import start_server
from tests.test_scoring import keyword_predictor

ORIGIN = EXTENSION_ORIGIN
TEXTS = [
    "This miracle cure works for everyone. The trial had 40 adults.",
    "Coffee cures cancer, experts say.",
    "More research is needed.",
    "Hello \ud800 world. This breakthrough will revolutionize medicine forever.",
]


@pytest.fixture(scope="module")
def server(transformer_bundle):
    process, url = start_server(
        transformer_bundle,
        HYPECHECK_MAX_BODY_BYTES="60000",
        HYPECHECK_BODY_TIMEOUT_S="2",
        HYPECHECK_RATE_LIMIT="100000/minute",
        HYPECHECK_MAX_WORK="400",
    )
    yield url, process
    process.terminate()
    process.wait(10)


# --- one request's failure is its own --------------------------------------------------------------


class PoisonedPredictor:
    """A stand-in model that breaks on any batch holding the word ``poison``."""

    def __init__(self):
        self.inner = keyword_predictor()
        self.info, self.hash, self.runtime = self.inner.info, self.inner.hash, self.inner.runtime

    def predict(self, texts, contexts=None, *, states=False):
        if any("poison" in text for text in texts):
            raise RuntimeError("the model broke")
        return self.inner.predict(texts, contexts, states=states)


def test_the_batcher_fails_only_the_request_that_breaks_scoring():
    from hypecheck.models.scoring import ScoreOptions, score_documents

    predictor = PoisonedPredictor()
    requests = [
        ([f"A poison pill {i}."] if i % 10 == 3 else [TEXTS[i % 3], f"Miracle number {i}."], i % 2 == 0)
        for i in range(50)
    ]

    async def run():
        batcher = MicroBatcher(predictor, wait_ms=20, max_sentences=10_000)
        batcher.start()
        calls = [batcher.score(texts, ScoreOptions(triggers=triggers)) for texts, triggers in requests]
        answers = await asyncio.gather(*calls, return_exceptions=True)
        await batcher.stop()
        return answers, batcher.batches

    answers, batches = asyncio.run(run())
    for (texts, triggers), answer in zip(requests, answers, strict=True):
        if "poison" in texts[0]:
            assert isinstance(answer, RuntimeError)
        else:
            alone = score_documents(predictor, texts, ScoreOptions(triggers=triggers))
            assert [a.model_dump() for a in answer] == [a.model_dump() for a in alone]
    assert batches < 50  # the healthy requests were still scored together, not one by one


def score_request(i):
    options = [{}, {"triggers": False}, {"overclaim_threshold": 0.2}, {"reasons": ["sensational"]}][i % 4]
    if i % 7 == 5:
        return {"text": "\u200b\ufeff", "options": options}  # nothing visible: 422
    if i % 11 == 6:
        return {"html": "<script>x</script>"}  # no visible text: 422
    return {"text": TEXTS[i % len(TEXTS)] + f" Note {i}.", "options": options}


def post_score(url, payload):
    body = json.dumps(payload)  # lone surrogates travel as \ud800 escapes, as JSON.stringify writes them
    response = httpx.post(
        f"{url}/v1/score", content=body, headers={"content-type": "application/json"}, timeout=120
    )
    return response.status_code, response.json()


def test_fifty_concurrent_requests_with_poisoned_ones_get_what_they_get_one_at_a_time(server):
    url, _ = server
    payloads = [score_request(i) for i in range(50)]
    with ThreadPoolExecutor(50) as pool:
        together = list(pool.map(lambda p: post_score(url, p), payloads))
    alone = [post_score(url, p) for p in payloads]
    assert [status for status, _ in together] == [status for status, _ in alone]
    assert {status for status, _ in alone} == {200, 422}
    assert together == alone


# --- scoring nobody waits for stops -------------------------------------------------------------


class SlowPredictor:
    """The keyword stand-in at 20 ms a sentence, remembering the sentences of every call."""

    def __init__(self):
        self.inner = keyword_predictor()
        self.info, self.hash, self.runtime = self.inner.info, self.inner.hash, self.inner.runtime
        self.calls = []

    def predict(self, texts, contexts=None, *, states=False):
        self.calls.append(list(texts))
        time.sleep(0.02 * len(texts))
        return self.inner.predict(texts, contexts, states=states)


EXPENSIVE = " ".join(f"Sentence number {i} is here." for i in range(300))  # 6 s of the slow stand-in


def abandon_an_expensive_request(timeout_s, client_leaves_after_s=None):
    """An expensive request the client gives up on (or that times out), then a cheap one; the
    status of each, and how many of the expensive request's sentences the model was asked for."""
    from hypecheck.serve.api import create_app
    from hypecheck.serve.api.dependencies import get_predictor
    from hypecheck.serve.settings import ServeSettings

    predictor = SlowPredictor()
    settings = ServeSettings(request_timeout_s=timeout_s, batch_max_sentences=10, batch_wait_ms=0)
    app = create_app(settings)
    app.dependency_overrides[get_predictor] = lambda: predictor
    body = json.dumps({"text": EXPENSIVE, "options": {"triggers": False}}).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v1/score",
        "raw_path": b"/v1/score",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"test")],
        "client": ("127.0.0.1", 40000),
        "server": ("test", 80),
    }

    async def run():
        answered = asyncio.Event()
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        statuses = []

        async def receive():
            if messages:
                return messages.pop(0)
            with contextlib.suppress(TimeoutError):  # it stays for its answer, or leaves after a while
                await asyncio.wait_for(answered.wait(), client_leaves_after_s)
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.start":
                statuses.append(message["status"])
            elif not message.get("more_body"):
                answered.set()

        await app(scope, receive, send)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            cheap = await client.post(
                "/v1/score", json={"text": "A miracle.", "options": {"triggers": False}}
            )
        return statuses[0], cheap.status_code

    expensive, cheap = asyncio.run(run())
    asked = sum(len(texts) for texts in predictor.calls if texts[0].startswith("Sentence number"))
    return expensive, cheap, asked


@pytest.mark.parametrize(
    "timeout_s, leaves_after_s, status", [(1.0, None, 504), (30.0, 0.5, 499)], ids=["timeout", "client-left"]
)
def test_scoring_stops_at_the_next_batch_once_its_request_is_gone(timeout_s, leaves_after_s, status):
    """300 sentences are 30 batches of 10; the request is gone after the first few. The batch in
    progress finishes, no other starts, and the next request gets the scoring thread at once."""
    expensive, cheap, asked = abandon_an_expensive_request(timeout_s, leaves_after_s)
    assert expensive == status and cheap == 200
    assert 10 <= asked < 300 and asked % 10 == 0


# --- limits that hold --------------------------------------------------------------------------------


def test_made_up_keys_forwarded_addresses_and_failed_logins_share_one_limit(transformer_bundle):
    process, url = start_server(transformer_bundle, HYPECHECK_RATE_LIMIT="3/minute")
    keyed, keyed_url = start_server(
        transformer_bundle, HYPECHECK_RATE_LIMIT="3/minute", HYPECHECK_API_KEYS="k1"
    )
    try:
        dodges = [
            {"x-api-key": "made-up-1"},
            {"authorization": "Bearer made-up-2"},
            {"x-forwarded-for": "203.0.113.7"},
            {"x-api-key": "made-up-3", "x-forwarded-for": "198.51.100.9"},
        ]
        codes = [httpx.post(f"{url}/v1/score", json={"text": "Hi."}, headers=h).status_code for h in dodges]
        assert codes == [200, 200, 200, 429]
        guesses = [
            httpx.post(f"{keyed_url}/v1/score", json={"text": "Hi."}, headers={"x-api-key": f"guess{i}"})
            for i in range(4)
        ]
        assert [r.status_code for r in guesses] == [401, 401, 401, 429]
        assert int(guesses[-1].headers["retry-after"]) >= 1
    finally:
        for running in (process, keyed):
            running.terminate()
            running.wait(10)


def test_oversized_bodies_get_a_json_413_with_cors_declared_chunked_or_sent_whole(server):
    url, _ = server
    headers = {"content-type": "application/json", "origin": ORIGIN}

    def chunks():
        yield b'{"text": "'
        for _ in range(20):
            yield b"a" * 5000
        yield b'"}'

    for content in (b'{"text": "' + b"a" * 70000 + b'"}', chunks()):
        response = httpx.post(f"{url}/v1/score", content=content, headers=headers)
        assert response.status_code == 413 and response.json()["error"]["code"] == "body_too_large"
        assert response.headers["access-control-allow-origin"] == ORIGIN
    # urllib sends the whole body before it reads: it must get the 413, not a connection reset.
    whole = urllib.request.Request(f"{url}/v1/score", data=b"x" * 400_000, headers=headers, method="POST")
    with pytest.raises(urllib.error.HTTPError) as answered:
        urllib.request.urlopen(whole, timeout=30)
    assert answered.value.code == 413 and json.loads(answered.value.read())["error"]["limit"] == 60000


def test_work_over_the_budget_is_refused_before_scoring(server):
    """300 sentences with triggers: 300 + 24 sentences x 7 words of variants, over the 400 allowed."""
    url, _ = server
    text = " ".join(["This miracle pill cures everyone, doctors say."] * 300)
    started = time.monotonic()
    refused = httpx.post(f"{url}/v1/score", json={"text": text}, headers={"origin": ORIGIN}, timeout=60)
    assert refused.status_code == 413 and time.monotonic() - started < 10
    error = refused.json()["error"]
    assert error["code"] == "too_much_work" and error["limit"] == 400 and "468" in error["message"]
    assert refused.headers["access-control-allow-origin"] == ORIGIN
    cheap = httpx.post(f"{url}/v1/score", json={"text": text, "options": {"triggers": False}}, timeout=60)
    assert cheap.status_code == 200 and len(cheap.json()["sentences"]) == 300


def test_a_stalled_body_times_out_with_408(server):
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(
            b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000\r\n\r\n" + b'{"text": "abc'
        )
        started = time.monotonic()
        received = b""
        while chunk := connection.recv(65536):  # the head and the body may come in separate packets
            received += chunk
    answer = received.decode()
    assert answer.startswith("HTTP/1.1 408") and "body_timeout" in answer
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    "form", [{"data": '{"annotation": 5}'}, {"data": "null"}, {"data": '{"annotation": null}'}]
)
def test_bad_languagetool_data_is_a_json_400_with_cors(server, form):
    url, _ = server
    response = httpx.post(f"{url}/v2/check", data=form, headers={"origin": ORIGIN})
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_request"
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_unknown_paths_and_methods_answer_with_the_error_shape(server):
    url, _ = server
    missing = httpx.get(f"{url}/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = httpx.get(f"{url}/v1/score")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_an_unexpected_failure_is_a_json_500_with_cors():
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from hypecheck.serve.guards import ErrorsAsJson

    app = FastAPI()

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret text from the request")

    app.add_middleware(ErrorsAsJson)
    app.add_middleware(CORSMiddleware, allow_origins=[ORIGIN])

    async def call():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get("/boom", headers={"origin": ORIGIN})

    response = asyncio.run(call())
    assert response.status_code == 500 and response.json()["error"]["code"] == "internal_error"
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_query_strings_never_reach_the_access_log(transformer_bundle):
    process, url = start_server(transformer_bundle)
    httpx.get(f"{url}/healthz", params={"text": "Zanzibar-secret-draft"})
    process.terminate()
    output = process.stdout.read().decode()
    assert "GET /healthz" in output and "Zanzibar" not in output


def test_form_posts_from_other_websites_do_no_work(server):
    url, _ = server
    form = {"text": "This miracle pill cures everyone."}
    evil = httpx.post(f"{url}/v2/check", data=form, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "origin_not_allowed"
    assert httpx.post(f"{url}/v2/check", data=form).status_code == 200  # a LanguageTool client
    assert httpx.post(f"{url}/v2/check", data=form, headers={"origin": ORIGIN}).status_code == 200
    assert httpx.post(f"{url}/v2/check", data=form, headers={"origin": url}).status_code == 200  # own page


def test_docs_are_off_and_the_served_pages_load_nothing_from_outside(server):
    import re

    url, _ = server
    assert httpx.get(f"{url}/docs").status_code == 404 and httpx.get(f"{url}/redoc").status_code == 404
    assert httpx.get(f"{url}/openapi.json").status_code == 200
    page = httpx.get(f"{url}/").text
    assert "default-src 'self'" in page
    linked = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert linked and all(not re.match(r"[a-z]+:|//", link) for link in linked), linked
    for link in linked:
        assert not re.search(r"https?://", httpx.get(f"{url}{link}").text), link
