"""The API in-process, with a stand-in predictor injected through ``dependency_overrides``: every
route, its response model, the error codes and the scoring options, without a trained model or a
server. ``test_api.py`` keeps what needs a real server."""

import asyncio
import json
import sys

import httpx
import pytest
from fastapi.testclient import TestClient
from hypecheck.models.labels import REASONS
from hypecheck.models.results import DocumentScore, SentenceScore
from hypecheck.serve.api import create_app
from hypecheck.serve.api.dependencies import get_predictor
from hypecheck.serve.schemas import BatchDocument
from hypecheck.serve.settings import EXTENSION_ORIGIN, ServeSettings

from tests.conftest import write_docx
from tests.stand_in import keyword_predictor

MIRACLE = "This miracle pill works for everyone."


@pytest.fixture(scope="module")
def client():
    app = create_app(ServeSettings(max_chars=5000, max_documents=4, max_body_bytes=60000, batch_wait_ms=0))
    stand_in = keyword_predictor()
    app.dependency_overrides[get_predictor] = lambda: stand_in
    with TestClient(app) as client:
        yield client


def test_score_answers_the_result_type_with_spans_in_what_was_sent(client):
    text = f"Short intro. {MIRACLE}"
    body = client.post("/v1/score", json={"text": text, "id": "d1"}).json()
    assert body["id"] == "d1"
    score = DocumentScore.model_validate({k: v for k, v in body.items() if k != "id"})
    intro, miracle = score.sentences
    assert intro.verdict == "supported" and miracle.verdict == "overclaim"
    assert text[miracle.start : miracle.end] == MIRACLE
    assert [text[t.start : t.end] for t in miracle.triggers] == ["miracle"]
    assert miracle.suggestion is not None and score.model.bundle_hash == "0" * 16
    html = f"<p>Short intro.</p><p><b>{MIRACLE}</b></p>"
    [_, in_html] = client.post("/v1/score", json={"html": html}).json()["sentences"]
    assert html[in_html["start"] : in_html["end"]] == in_html["text"] == MIRACLE


def test_openapi_response_of_score_names_every_field_of_the_result_type(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["ScoreResponse"]["properties"]) == {"id", *DocumentScore.model_fields}
    assert set(schemas["SentenceScore"]["properties"]) == set(SentenceScore.model_fields)


def test_every_route_has_a_response_model(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            model = schema.get("$ref") or schema.get("items", {}).get("$ref")  # a model, or a list of them
            assert model, f"{method.upper()} {path} has no response model"


def test_options_are_applied_by_the_core(client):
    def verdict(options):
        body = client.post("/v1/score", json={"text": MIRACLE, "options": options}).json()
        [sentence] = body["sentences"]
        return sentence["verdict"], sorted(sentence["reasons"])

    assert verdict({}) == ("overclaim", ["causal", "sensational"])
    assert verdict({"disabled_reasons": ["causal"]}) == ("overclaim", ["sensational"])
    # Its only reasons disabled, the sentence is no overclaim: not one flagged for another reason.
    assert verdict({"disabled_reasons": ["causal", "sensational"]})[0] == "supported"
    assert verdict({"reasons": ["safety"]})[0] == "supported"
    assert verdict({"overclaim_threshold": 0.95})[0] == "supported"

    def suggestion(options):
        return client.post("/v1/score", json={"text": MIRACLE, "options": options}).json()["sentences"][0][
            "suggestion"
        ]

    assert suggestion({})["rewrite"] == "This pill works for everyone."
    without = suggestion({"rewrites": False})  # the advice alone, without the check's model calls
    assert without["advice"] == suggestion({})["advice"] and without["rewrite"] is None


def test_batch_check_compare_model_and_health(client):
    documents = [{"id": str(i), "text": f"Sentence {i}. {MIRACLE}"} for i in range(3)]
    results = client.post("/v1/score/batch", json={"documents": documents}).json()["results"]
    assert [r["id"] for r in results] == ["0", "1", "2"] and all(len(r["sentences"]) == 2 for r in results)
    text = f"Hello there. {MIRACLE}"
    [match] = client.post("/v2/check", data={"text": text}).json()["matches"]
    assert text[match["offset"] : match["offset"] + match["length"]] == MIRACLE
    assert match["rule"]["id"] == "HYPECHECK_SENSATIONAL" and match["shortMessage"]
    annotated = json.dumps({"annotation": [{"markup": "<p>"}, {"text": MIRACLE}, {"markup": "</p>"}]})
    assert client.post("/v2/check", data={"data": annotated}).json()["matches"][0]["offset"] == 3
    compared = client.post(
        "/v1/compare", json={"news": "You should eat a cup a day.", "source": "In mice, it was linked to x."}
    ).json()
    assert compared["summary"]["source_is_animal_or_cell_study"] is True
    assert {f["kind"] for c in compared["claims"] for f in c["flags"]} == {"advice", "animal_to_human"}
    model = client.get("/v1/model").json()
    assert model["runtime"] == "keywords" and model["reasons"] == list(REASONS)
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"ready": True}


def test_extract_reads_word_files(client, tmp_path):
    paragraphs = ["Miracle pill cures everyone.", "The trial enrolled 40 people."]
    data = write_docx(tmp_path / "draft.docx", paragraphs).read_bytes()
    ok = client.post("/v1/extract", files={"file": ("draft.docx", data)})
    assert ok.json() == {"name": "draft.docx", "kind": "docx", "text": "\n\n".join(paragraphs)}


@pytest.mark.parametrize(
    "path, payload, status, code",
    [
        ("/v1/score", {"text": "x" * 5001}, 413, "too_long"),
        ("/v1/score/batch", {"documents": [{"text": "a"}] * 5}, 413, "too_many_documents"),
        ("/v1/score", {"text": "   "}, 422, "empty"),
        ("/v1/score", {"text": "a\x00b"}, 422, "binary"),
        ("/v1/score", {"html": "<script>x()</script>"}, 422, "empty"),
        ("/v1/score", {"text": "a", "html": "<p>b</p>"}, 422, "invalid_request"),
        ("/v1/score", {"text": "a", "options": {"reasons": ["nonsense"]}}, 422, "invalid_request"),
        ("/v1/score", {"text": "a", "options": {"disabled_reasons": ["nonsense"]}}, 422, "invalid_request"),
        ("/v1/compare", {"news": "   ", "source": "A source."}, 422, "empty"),
    ],
)
def test_errors_name_the_problem_with_the_shared_codes(client, path, payload, status, code):
    response = client.post(path, json=payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize(
    "payload, code",
    [
        ({"text": "\u200b\u200b"}, "empty"),
        ({"text": "\ufeff"}, "empty"),
        ({"text": "a\u0000b"}, "binary"),
        ({"html": "<script>x</script>"}, "empty"),
        ({"html": "<p></p><!-- c -->"}, "empty"),
        ({"html": "<div hidden>never closed <p>Also hidden"}, "empty"),
    ],
)
def test_text_the_one_rule_refuses_is_a_json_422_not_a_500(client, payload, code):
    response = client.post("/v1/score", json=payload, headers={"origin": EXTENSION_ORIGIN})
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert response.headers["access-control-allow-origin"] == EXTENSION_ORIGIN


def test_lone_surrogates_are_scored_at_the_offsets_the_caller_sent(client):
    """What ``JSON.stringify`` sends for broken page text: a 500 for the request and its neighbours."""
    text = "Hello \ud800 world. " + MIRACLE
    body = json.dumps({"text": text})  # ensure_ascii: the lone surrogate travels as the escape \ud800
    response = client.post("/v1/score", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    sentences = response.json()["sentences"]
    assert [s["text"] for s in sentences] == ["Hello \ufffd world.", MIRACLE]
    assert [text[s["start"] : s["end"]] for s in sentences][1] == MIRACLE


def post_batch_counting_validated_documents(body: bytes) -> tuple[httpx.Response, int]:
    """The answer to ``POST /v1/score/batch`` with ``body`` (in-process, on this thread), and how
    many documents pydantic validated for it: calls of the one validator every document runs."""
    app = create_app(ServeSettings(batch_wait_ms=0))  # 64 documents and 2 MB, the defaults
    stand_in = keyword_predictor()
    app.dependency_overrides[get_predictor] = lambda: stand_in
    per_document = BatchDocument.__pydantic_decorators__.model_validators["_one_of"].func.__code__
    validated = 0

    def count(frame, event, _arg) -> None:
        nonlocal validated
        validated += event == "call" and frame.f_code is per_document

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {"content-type": "application/json"}
            return await client.post("/v1/score/batch", content=body, headers=headers)

    sys.setprofile(count)
    try:
        response = asyncio.run(post())
    finally:
        sys.setprofile(None)
    return response, validated


def test_the_document_limit_is_checked_before_any_document_is_validated():
    few, validated = post_batch_counting_validated_documents(
        json.dumps({"documents": [{"text": MIRACLE}] * 3}).encode()
    )
    assert few.status_code == 200 and validated == 3  # the count sees every validated document
    for document in ({"text": "a"}, {}):  # valid, and invalid: validation would answer 422 first
        body = json.dumps({"documents": [document] * 125_000}).encode()
        assert len(body) < ServeSettings().max_body_bytes
        refused, validated = post_batch_counting_validated_documents(body)
        assert refused.status_code == 413 and validated == 0
        assert refused.json()["error"] == {
            "code": "too_many_documents",
            "message": "over 64 documents in one batch",
            "limit": 64,
        }


@pytest.mark.parametrize(
    "name, data, status, code",
    [("broken.docx", b"PK not a zip", 422, "unreadable"), ("notes.pdf", b"%PDF-1.4", 415, "unsupported")],
)
def test_extract_refuses_with_the_shared_codes(client, name, data, status, code):
    response = client.post("/v1/extract", files={"file": (name, data)})
    assert response.status_code == status and response.json()["error"]["code"] == code


PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
OTHER_ORIGINS = [
    "chrome-extension://abcdefghijklmnopabcdefghijklmnop",  # another extension
    "moz-extension://6a1c2f4e-5b7d-4e0a-9c3b-2d8f1e7a6b5c",  # a Firefox install, until configured
    "http://localhost:3000",
    "http://127.0.0.1:8080",
    "https://evil.example",
]


def allowed_origin(response) -> str | None:
    return response.headers.get("access-control-allow-origin")


@pytest.mark.parametrize("origin", OTHER_ORIGINS)
def test_cors_and_browser_posts_are_for_the_shipped_extension_only_by_default(client, origin):
    extension = client.options("/v1/score", headers={"origin": EXTENSION_ORIGIN, **PREFLIGHT})
    assert allowed_origin(extension) == EXTENSION_ORIGIN
    assert allowed_origin(client.options("/v1/score", headers={"origin": origin, **PREFLIGHT})) is None
    for path, body in [
        ("/v2/check", {"data": {"text": MIRACLE}}),
        ("/v1/score", {"json": {"text": MIRACLE}}),
    ]:
        refused = client.post(path, **body, headers={"origin": origin})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "origin_not_allowed"
        assert allowed_origin(refused) is None
    checked = client.post("/v2/check", data={"text": MIRACLE}, headers={"origin": EXTENSION_ORIGIN})
    assert checked.status_code == 200 and checked.json()["matches"]


def test_configured_origins_replace_the_default_and_the_own_page_needs_none():
    firefox = OTHER_ORIGINS[1]
    app = create_app(ServeSettings(cors_origins=[firefox]))
    stand_in = keyword_predictor()
    app.dependency_overrides[get_predictor] = lambda: stand_in
    with TestClient(app) as client:
        answered = client.post("/v2/check", data={"text": MIRACLE}, headers={"origin": firefox})
        assert answered.status_code == 200 and allowed_origin(answered) == firefox
        unlisted = client.post("/v1/score", json={"text": MIRACLE}, headers={"origin": EXTENSION_ORIGIN})
        assert unlisted.status_code == 403 and allowed_origin(unlisted) is None
        own_page = client.post("/v1/score", json={"text": MIRACLE}, headers={"origin": "http://testserver"})
        assert own_page.status_code == 200 and allowed_origin(own_page) is None


def test_not_ready_without_a_model():
    app = create_app(ServeSettings())
    client = TestClient(app)  # no start-up: no model is loaded
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["error"]["code"] == "not_ready"
    assert client.get("/healthz").status_code == 200
