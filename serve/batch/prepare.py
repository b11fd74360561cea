"""From a raw record to an article ready to score, or a rejection that says why not.

Reasons in the errors file are the input error codes every door shares
(:mod:`hypecheck.serve.input_errors`): ``malformed``, ``undecodable``, ``binary``, ``empty``,
``too_long``, ``too_large``, ``not_article`` (HTML with too little article text), ``corrupt`` and
``unreadable``. HTML, from a folder or a WARC, becomes text through :mod:`hypecheck.models.html`,
as in the CLI and the API; trafilatura reads only the page's title, date and canonical URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypecheck.models.html import visible_text
from hypecheck.serve.batch.readers import RawRecord
from hypecheck.serve.input_errors import InputError
from hypecheck.serve.inputs import clean_text, without_lone_surrogates

MIN_ARTICLE_CHARS = 200


@dataclass(frozen=True)
class Article:
    """What gets scored: ``text`` is the title, a blank line, then the body (the body alone when the
    title is unknown or is the body's first line already); sentence offsets point into this text."""

    id: str
    source: str
    text: str
    title: str | None
    url: str | None
    date: str | None


@dataclass(frozen=True)
class Rejection:
    """A record that was not scored: one line of the errors file."""

    source: str
    id: str | None
    error: InputError

    def row(self) -> dict[str, str | None]:
        return {
            "source": self.source,
            "id": self.id,
            "reason": self.error.code,
            "message": self.error.message,
        }


def _compose(title: str | None, body: str) -> str:
    title, body = (title or "").strip(), body.strip()
    return f"{title}\n\n{body}" if title and body.split("\n", 1)[0].strip() != title else body


Extracted = tuple[str | None, str, str | None, str | None]  # title, body, url, date


def _extract(record: RawRecord) -> Extracted:
    """Title, body, URL and date of an HTML page. The body is its visible article text
    (:func:`hypecheck.models.html.visible_text`); the rest is the page's metadata."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import decode_file

    data = record.html or b""
    if not data.strip():
        raise InputError("empty", "an empty page")
    if b"\x00" in data[:8192]:
        raise InputError("binary", "binary, not HTML")
    page = decode_file(data)
    body = visible_text(page).text
    if len(body.strip()) < MIN_ARTICLE_CHARS:
        message = f"{len(body.strip())} characters of article text (under {MIN_ARTICLE_CHARS})"
        raise InputError("not_article", message)
    try:  # any page that breaks the metadata reader is read without metadata, not a failed job
        meta = extract_metadata(page, default_url=record.url)
    except Exception:
        return None, body, record.url, None
    return meta.title or None, body, record.url or meta.url or None, meta.date or None


def _article(record: RawRecord, record_id: str | None, text_field: str, max_chars: int) -> Article:
    if record.error:
        raise record.error
    if record.html is not None:
        title, body, url, date = _extract(record)
    else:
        title, body, url, date = record.title, record.text, record.url, record.date
        if body is None:
            raise InputError("empty", f"no field {text_field!r}")
        if not isinstance(body, str) or not isinstance(title, str | None):
            raise InputError("malformed", "the text or title is not a string")
    text = clean_text(_compose(title, body), "the text", max_chars)
    title = without_lone_surrogates(title or "").strip() or None
    return Article(record_id or record.source, record.source, text, title, url, date)


def prepare(record: RawRecord, *, text_field: str, max_chars: int) -> Article | Rejection:
    """The article in ``record``, or why it cannot be scored; the id defaults to the source. Text
    and fields go through the same cleaning as every other door (:func:`clean_text`)."""
    record_id = None if record.id is None else without_lone_surrogates(str(record.id))
    try:
        return _article(record, record_id, text_field, max_chars)
    except InputError as error:
        return Rejection(record.source, record_id, error)
