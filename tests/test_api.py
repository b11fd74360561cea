"""The HTTP API under a real uvicorn process on loopback, as the extension and editors call it."""

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from tests.conftest import start_server, write_docx

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


def test_options_threshold_and_reasons(server):
    url, _ = server
    everything = httpx.post(
        f"{url}/v1/score",
        json={"text": OVERCLAIM, "options": {"overclaim_threshold": 0.0, "reasons": ["safety"]}},
    ).json()
    [sentence] = everything["sentences"]
    assert sentence["verdict"] == "overclaim" and list(sentence["reasons"]) == ["safety"]
    assert sentence["suggestion"]["advice"]
    nothing = httpx.post(
        f"{url}/v1/score",
        json={"text": OVERCLAIM, "options": {"overclaim_threshold": 1.0, "triggers": False}},
    ).json()
    assert nothing["sentences"][0]["verdict"] != "overclaim"


def test_batch(server):
    url, _ = server
    docs = [{"id": str(i), "text": f"Sentence number {i}. {OVERCLAIM}"} for i in range(3)]
    body = httpx.post(f"{url}/v1/score/batch", json={"documents": docs}).json()
    assert [r["id"] for r in body["results"]] == ["0", "1", "2"]
    assert all(len(r["sentences"]) == 2 for r in body["results"])


def test_languagetool_check(server):
    url, _ = server
    text = f"Hello there. {OVERCLAIM}"
    body = httpx.post(f"{url}/v2/check", data={"text": text, "language": "en-US"}).json()
    assert body["software"]["name"] == "hypecheck"
    for match in body["matches"]:
        assert text[match["offset"] : match["offset"] + match["length"]] == match["sentence"]
        assert {"id", "description", "category"} <= set(match["rule"])
        assert {"message", "shortMessage", "replacements"} <= set(match)
    data = json.dumps({"annotation": [{"markup": "<p>"}, {"text": OVERCLAIM}, {"markup": "</p>"}]})
    annotated = httpx.post(f"{url}/v2/check", data={"data": data}).json()
    for match in annotated["matches"]:
        assert match["offset"] == 3
    assert httpx.post(f"{url}/v2/check", data={"language": "en"}).status_code == 400


def test_compare(server):
    url, _ = server
    body = httpx.post(
        f"{url}/v1/compare",
        json={
            "news": "Blueberries cure memory loss. Everyone should eat a cup a day.",
            "source": "In mice, a blueberry extract was associated with faster maze learning.",
        },
    ).json()
    assert body["summary"]["source_is_animal_or_cell_study"] is True
    kinds = {flag["kind"] for claim in body["claims"] for flag in claim["flags"]}
    assert "advice" in kinds


@pytest.mark.parametrize(
    "payload, status, code",
    [
        ({"text": "x" * 5001}, 413, "document_too_long"),
        ({"documents": [{"text": "a"}] * 5}, 413, "too_many_documents"),
        ({"text": "   "}, 422, "empty_document"),
        ({"text": "a", "html": "<p>b</p>"}, 422, "invalid_request"),
        ({"text": "a", "options": {"reasons": ["nonsense"]}}, 422, "invalid_request"),
    ],
)
def test_limits_and_validation_name_the_problem(server, payload, status, code):
    url, _ = server
    path = "/v1/score/batch" if "documents" in payload else "/v1/score"
    response = httpx.post(f"{url}{path}", json=payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"text": "\u200b\u200b"}, "empty_document"),
        ({"text": "\ufeff"}, "empty_document"),
        ({"text": "a\u0000b"}, "binary_document"),
        ({"html": "<script>x</script>"}, "unreadable_document"),
        ({"html": "<p></p><!-- c -->"}, "unreadable_document"),
        ({"html": "<div hidden>never closed <p>Also hidden"}, "unreadable_document"),
    ],
)
def test_text_the_one_rule_refuses_is_a_json_422_not_a_500(server, payload, code):
    url, _ = server
    response = httpx.post(f"{url}/v1/score", json=payload, headers={"origin": "chrome-extension://abc"})
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert response.headers["access-control-allow-origin"] == "chrome-extension://abc"


def test_lone_surrogates_are_scored_at_the_offsets_the_caller_sent(server):
    """What ``JSON.stringify`` sends for broken page text: a 500 for the request and its neighbours."""
    url, _ = server
    text = "Hello \ud800 world. " + OVERCLAIM
    body = json.dumps({"text": text})  # ensure_ascii: the lone surrogate travels as the escape \ud800
    response = httpx.post(f"{url}/v1/score", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    sentences = response.json()["sentences"]
    assert [s["text"] for s in sentences] == ["Hello \ufffd world.", OVERCLAIM]
    assert [text[s["start"] : s["end"]] for s in sentences][1] == OVERCLAIM


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


def test_extract_reads_word_files_and_refuses_others(server, tmp_path):
    url, _ = server
    paragraphs = ["Miracle pill cures everyone.", "The trial enrolled 40 people."]
    data = write_docx(tmp_path / "draft.docx", paragraphs).read_bytes()
    ok = httpx.post(f"{url}/v1/extract", files={"file": ("draft.docx", data)})
    assert ok.status_code == 200 and ok.json()["text"] == "\n\n".join(paragraphs)
    broken = httpx.post(f"{url}/v1/extract", files={"file": ("broken.docx", b"PK not a zip")})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "unreadable_file"
    other = httpx.post(f"{url}/v1/extract", files={"file": ("notes.pdf", b"%PDF-1.4")})
    assert other.status_code == 415 and other.json()["error"]["code"] == "unsupported_file"


def test_cors_allows_the_extension_and_local_pages_only(server):
    url, _ = server
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    ok = httpx.options(
        f"{url}/v1/score", headers={"origin": "chrome-extension://abcdefghijklmnop", **preflight}
    )
    assert ok.headers.get("access-control-allow-origin") == "chrome-extension://abcdefghijklmnop"
    evil = httpx.options(f"{url}/v1/score", headers={"origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in evil.headers


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
