from html import unescape

from hypecheck.models.html import looks_like_html, visible_text
from hypecheck.models.sentences import split_sentences
from hypothesis import given, settings
from hypothesis import strategies as st

PAGE = """<!doctype html><html><head><title>x</title><style>p{}</style></head><body>
<h1>Miracle pill &amp; cure</h1><script>alert("<p>hidden</p>")</script>
<p>Dr. Smith said it
works &mdash; for everyone.<br>Call today!</p><div hidden>secret</div>
<p onclick="evil()">Caf&eacute; &#8220;ok&#8221;<img src=x onerror=alert(1)></p><ul><li>one<li>two</ul>"""


def test_visible_text_drops_what_a_reader_never_sees():
    text = visible_text(PAGE).text
    assert text.split("\n") == [
        "Miracle pill & cure",
        "Dr. Smith said it works — for everyone.",
        "Call today!",
        "Café “ok”",
        "one",
        "two",
    ]
    assert "alert" not in text and "secret" not in text and "hidden" not in text


def test_sentence_spans_map_back_to_the_source():
    extracted = visible_text(PAGE)
    for sentence in split_sentences(extracted.text):
        start, end = extracted.source_span(sentence.start, sentence.end)
        source = " ".join(unescape(PAGE[start:end]).split())
        assert source == sentence.text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"<>/&;#abcdp xy\n\"'=!-", "<p>", "</p>", "&amp;", "<script>", "&#82"])))
def test_every_visible_character_points_into_the_source(parts):
    source = "".join(parts)
    extracted = visible_text(source)
    assert len(extracted.starts) == len(extracted.text) == len(extracted.ends)
    for i, char in enumerate(extracted.text):
        if char.isspace():
            continue
        raw = source[extracted.starts[i] : extracted.ends[i]]
        assert char in unescape(raw) or char == raw


def test_html_sniffing():
    assert looks_like_html(PAGE)
    assert looks_like_html("<p>Hello</p>")
    assert not looks_like_html("Plain text with a < b and c > d.")
