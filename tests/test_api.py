"""The HTTP API under a real uvicorn process on loopback, as the extension and editors call it: what
needs a real server and model (start-up, streamed bodies, keys and rate limits, logs, fuzzing).
Routes, errors and options are tested in-process in ``test_api_app.py``."""

import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from tests.conftest import start_server

OVERCLAIM = "This breakthrough will revolutionize the treatment of depression forever."


@pytest.fixture(scope="module")
def server(transformer_bundle):
    process, url = start_server(
        transformer_bundle,
        HYPECHECK_MAX_CHARS="5000",
        HYPECHECK_MAX_DOCUMENTS="4",
        HYPECHECK_MAX_BODY_BYTES="60000",
    )
    yield url, process
    process.terminate()
    process.wait(10)


def test_health_ready_model_and_openapi(server):
    url, _ = server
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{url}/readyz").json() == {"ready": True}
    model = httpx.get(f"{url}/v1/model").json()
    assert model["name"] == "hypecheck-transformer" and len(model["bundle_hash"]) == 16
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert {"/v1/score", "/v1/score/batch", "/v2/check", "/v1/compare", "/v1/model"} <= set(paths)


def test_score_text_returns_every_sentence_with_offsets(server):
    url, _ = server
    text = f'{OVERCLAIM} The trial enrolled 240 women. "It is a miracle," she said.'
    body = httpx.post(f"{url}/v1/score", json={"text": text, "id": "doc-1"}).json()
    assert body["id"] == "doc-1" and len(body["sentences"]) == 3
    for sentence in body["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert 0.0 <= sentence["p_overclaim"] <= 1.0
        assert sentence["claim_strength"]["label"] in sentence["claim_strength"]["probs"]
        for trigger in sentence["triggers"]:
            assert text[trigger["start"] : trigger["end"]] == trigger["text"]
    assert body["sentences"][2]["quoted"] is True
    assert set(body["summary"]["checklist"]) >= {"benefits_quantified", "harms_mentioned", "costs_mentioned"}
    assert body["model"]["name"] == "hypecheck-transformer"


def test_score_html_maps_spans_to_the_source(server):
    url, _ = server
    html = "<html><body><h1>Big &amp; bold</h1><script>steal()</script>"
    html += "<p>Drink more water. It helps.</p></body></html>"
    body = httpx.post(f"{url}/v1/score", json={"html": html}).json()
    texts = [s["text"] for s in body["sentences"]]
    assert texts == ["Big & bold", "Drink more water.", "It helps."]
    assert html[body["sentences"][1]["start"] : body["sentences"][1]["end"]] == "Drink more water."


def test_oversized_and_binary_bodies(server):
    url, _ = server
    big = httpx.post(
        f"{url}/v1/score",
        content=b'{"text": "' + b"a" * 70000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["error"]["limit"] == 60000
    binary = httpx.post(
        f"{url}/v1/score", content=b"\xff\xfe\x00\x01garbage", headers={"content-type": "application/json"}
    )
    assert 400 <= binary.status_code < 500
    assert httpx.get(f"{url}/healthz").status_code == 200


def test_api_keys_and_rate_limit(transformer_bundle):
    process, url = start_server(
        transformer_bundle, HYPECHECK_API_KEYS="k1,k2", HYPECHECK_RATE_LIMIT="3/minute"
    )
    try:
        assert httpx.post(f"{url}/v1/score", json={"text": "Hi."}).status_code == 401
        assert (
            httpx.post(f"{url}/v1/score", json={"text": "Hi."}, headers={"x-api-key": "bad"}).status_code
            == 401
        )
        codes = [
            httpx.post(f"{url}/v1/score", json={"text": "Hi."}, headers={"x-api-key": "k1"}).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        limited = httpx.post(f"{url}/v1/score", json={"text": "Hi."}, headers={"x-api-key": "k1"})
        assert int(limited.headers["retry-after"]) >= 1
        other = httpx.post(f"{url}/v1/score", json={"text": "Hi."}, headers={"authorization": "Bearer k2"})
        assert other.status_code == 200
        assert httpx.get(f"{url}/healthz").status_code == 200
    finally:
        process.terminate()
        process.wait(10)


def test_request_text_is_never_logged(server):
    url, process = server
    secret = "Zanzibar-secret-draft-sentence."
    httpx.post(f"{url}/v1/score", json={"text": secret})
    process.terminate()
    output = process.stdout.read().decode()
    assert "POST /v1/score" in output and "Zanzibar" not in output


def test_schema_fuzzing_finds_no_server_errors(baseline_bundle, tmp_path):
    """Schemathesis generates requests from our OpenAPI schema; none may get a 5xx."""
    process, url = start_server(baseline_bundle, HYPECHECK_RATE_LIMIT="100000/minute")
    try:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{url}/openapi.json",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "25",
                "--seed",
                "7",
                "--request-timeout",
                "60",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:
        process.terminate()
        process.wait(10)
    assert run.returncode == 0, run.stdout[-4000:]
    [report] = tmp_path.glob("*.xml")
    suites = ElementTree.parse(report).getroot()
    cases = list(suites.iter("testcase"))
    assert len(cases) >= 6 and not [c for c in cases if c.find("failure") is not None]
