"""What users hand us, read safely: one cleaning rule for every door, Markdown in linear time, and
Word files refused before they can inflate."""

import io
import re
import subprocess
import sys
import time
import zipfile

import pytest
from hypecheck.serve.input_errors import InputError
from hypecheck.serve.inputs import MAX_DOCX_UNPACKED, clean_text, docx_text, markdown_to_text, read_document
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import write_docx

# --- one rule at the edge ---------------------------------------------------------------------------


def test_lone_surrogates_become_replacement_characters_at_the_same_offsets():
    text = "Hello \ud800 world. Miracle \udfff cure."
    cleaned = clean_text(text, "<text>")
    assert cleaned == "Hello \ufffd world. Miracle \ufffd cure."
    assert len(cleaned) == len(text)
    cleaned.encode("utf-8")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("a\x00b", "binary"),
        ("\u200b\u200b", "empty"),
        ("\ufeff", "empty"),
        (" \u200d\n\u2060\t", "empty"),
    ],
)
def test_nul_and_invisible_only_text_are_refused_by_the_one_rule(text, reason):
    with pytest.raises(InputError) as refused:
        clean_text(text, "draft.md")
    assert refused.value.code == reason and str(refused.value).startswith("draft.md: ")
    with pytest.raises(InputError):
        read_document(text)


# --- Markdown in linear time ------------------------------------------------------------------------

# The syntax rules as regular expressions: the meaning markdown_to_text keeps, checked on short texts
# (on long hostile lines these take quadratic time, which is why the module does not use them).
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?)", re.M)
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)([^\n]*?\S)\1")


def _blank(match):
    return re.sub(r"[^\n]", " ", match.group())


def markdown_by_regex(source):
    text = _COMMENT.sub(_blank, _FENCE.sub(_blank, source))
    text = _LINK.sub(
        lambda m: " " * (1 + m.group().startswith("!")) + m.group(1) + " " * (len(m.group(2)) + 3), text
    )
    text = _HEADING.sub(_blank, text)
    return _EMPHASIS.sub(lambda m: " " * len(m.group(1)) + m.group(2) + " " * len(m.group(1)), text)


SYNTAX = ["[", "]", "(", ")", "!", "*", "_", "`", " ", "\n", "a", "<!--", "-->", "#", "```", "> ", "**"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(SYNTAX), max_size=30))
def test_markdown_keeps_the_meaning_of_the_syntax_rules(parts):
    source = "".join(parts)
    assert markdown_to_text(source) == markdown_by_regex(source)
    assert len(markdown_to_text(source)) == len(source)


@pytest.mark.parametrize("line", ["[" * 100_000, "*a " * 33_000, "[a](" * 25_000, "<!--" * 25_000])
def test_hostile_markdown_lines_take_linear_time(line):
    """100 KB of syntax that never closes: took minutes with the regular expressions; a second or
    so is linear (the timeout is generous for a shared machine, the old code is far past it)."""
    program = (
        "import sys; from hypecheck.serve.inputs import markdown_to_text; "
        "print(len(markdown_to_text(sys.stdin.read())))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], input=line, capture_output=True, text=True, timeout=30, check=True
    )
    assert int(done.stdout) == len(line)


# --- Word files ---------------------------------------------------------------------------------------


def rewritten(docx_path, part, content):
    """The Word file with one part replaced (the rest copied as it is)."""
    out = io.BytesIO()
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = content if item.filename == part else source.read(item.filename)
            target.writestr(item.filename, data)
    return out.getvalue()


@pytest.fixture
def draft(tmp_path):
    return write_docx(tmp_path / "draft.docx", ["This miracle cure works for everyone."])


def test_a_zip_bomb_is_refused_before_it_is_inflated(draft):
    padding = b" " * (MAX_DOCX_UNPACKED + 1)
    original = zipfile.ZipFile(draft).read("word/document.xml")
    bomb = rewritten(draft, "word/document.xml", original.replace(b"<w:body>", b"<w:body>" + padding, 1))
    assert len(bomb) < 1_000_000
    started = time.process_time()
    with pytest.raises(InputError, match="unpacks to"):
        docx_text(bomb, "bomb.docx")
    assert time.process_time() - started < 5  # parsing 50 MB of XML takes far longer and far more memory


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaa">]><w:document/>',
        b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body><w:p>',
        b"\x00\x01 not xml",
    ],
    ids=["dtd", "unclosed", "binary"],
)
def test_malformed_or_dtd_bearing_word_xml_is_a_clear_error(draft, document):
    with pytest.raises(InputError, match=r"draft\.docx"):
        docx_text(rewritten(draft, "word/document.xml", document), "draft.docx")
