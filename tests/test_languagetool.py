"""LanguageTool clients talk to ``hypecheck serve`` for real: ``language_tool_python`` (PyPI) with
``remote_server=`` asks ``/v2/languages``, then ``/v2/check`` with its usual parameters."""

import httpx
import pytest
from hypecheck.serve.offsets import utf16_positions

from tests.conftest import start_server

OVERCLAIM = "This breakthrough will revolutionize the treatment of depression forever."


@pytest.fixture(scope="module")
def server(transformer_bundle):
    process, url = start_server(transformer_bundle, HYPECHECK_RATE_LIMIT="100000/minute")
    yield url
    process.terminate()
    process.wait(10)


def test_utf16_positions_count_astral_characters_twice():
    assert utf16_positions("a😀b") == [0, 1, 3, 4]
    assert utf16_positions("") == [0]


def test_a_real_languagetool_client_gets_matches_offsets_and_replacements(server):
    import language_tool_python

    text = "We loved it 😀🎉 so much. " + OVERCLAIM + " The trial had 40 people."
    expected = httpx.post(f"{server}/v1/score", json={"text": text}).json()["sentences"]
    flagged = [s for s in expected if s["verdict"] == "overclaim"]
    assert flagged, "the smoke model should flag the overclaim"
    tool = language_tool_python.LanguageTool("en-US", remote_server=server)
    try:
        matches = tool.check(text)
        # The client turns LanguageTool's UTF-16 offsets back into Python's code points.
        assert [(m.offset, m.error_length) for m in matches] == [
            (s["start"], len(s["text"].encode("utf-16-le")) // 2) for s in flagged
        ]
        found = [text[m.offset : m.offset + len(s["text"])] for m, s in zip(matches, flagged, strict=True)]
        assert found == [s["text"] for s in flagged]
        assert all(m.rule_id.startswith("HYPECHECK_") and m.category == "HYPECHECK" for m in matches)
        rewrites = [(s["suggestion"] or {}).get("rewrite") for s in flagged]
        assert [m.replacements for m in matches] == [[r] if r else [] for r in rewrites]
        first = matches[0].rule_id
        tool.disabled_rules = {first}
        assert first not in {m.rule_id for m in tool.check(text)}
        tool.disabled_rules = set()
        tool.enabled_rules = {"SOME_OTHER_RULE"}
        tool.enabled_rules_only = True
        assert tool.check(text) == []
    finally:
        tool.close()


def test_languages_and_check_parameters_as_languagetool_accepts_them(server):
    languages = httpx.get(f"{server}/v2/languages").json()
    assert {"en", "en-US", "en-GB"} <= {language["longCode"] for language in languages}
    form = {"text": OVERCLAIM, "language": "en-GB", "level": "picky", "motherTongue": "de-DE"}
    picky = httpx.post(f"{server}/v2/check", data=form)
    assert picky.status_code == 200 and picky.json()["matches"]
    german = httpx.post(f"{server}/v2/check", data={"text": OVERCLAIM, "language": "de-DE"})
    assert german.status_code == 200 and german.json()["matches"] == []
    emoji = "😀\n" + OVERCLAIM
    [match] = httpx.post(f"{server}/v2/check", data={"text": emoji, "language": "auto"}).json()["matches"]
    assert (match["offset"], match["length"]) == (3, len(OVERCLAIM))


def test_score_offsets_in_utf16_units_on_request(server):
    text = "😀\n" + OVERCLAIM
    points = httpx.post(f"{server}/v1/score", json={"text": text}).json()["sentences"]
    units = httpx.post(f"{server}/v1/score", json={"text": text, "options": {"offsets": "utf16"}}).json()
    assert [(s["start"], s["end"]) for s in points] == [(2, 2 + len(OVERCLAIM))]
    assert [(s["start"], s["end"]) for s in units["sentences"]] == [(3, 3 + len(OVERCLAIM))]
