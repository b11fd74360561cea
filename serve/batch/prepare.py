"""From a raw record to an article ready to score, or a rejection that says why not.

Reasons in the errors file: ``malformed`` (a row that cannot be parsed or has the wrong shape),
``undecodable`` (bytes that are not text), ``empty``, ``too_long``, ``not_article`` (HTML with no
article text in it), ``corrupt`` (a damaged WARC or Parquet file) and ``unreadable`` (a file the
system would not let us read). HTML, from a folder or a WARC,
goes through trafilatura, which finds the article among the navigation and reads its title, date and
canonical URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypecheck.serve.batch.readers import RawRecord
from hypecheck.serve.inputs import InputError, clean_text, without_lone_surrogates

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
    reason: str
    message: str


def _compose(title: str | None, body: str) -> str:
    title, body = (title or "").strip(), body.strip()
    return f"{title}\n\n{body}" if title and body.split("\n", 1)[0].strip() != title else body


Extracted = tuple[str | None, str, str | None, str | None]  # title, body, url, date


def _extract(record: RawRecord, record_id: str | None) -> Extracted | Rejection:
    """Title, body, URL and date of an HTML page. Any page that breaks the extractor is a bad
    record, not a failed job, hence the broad except."""
    import trafilatura

    data = record.html or b""
    if not data.strip():
        return Rejection(record.source, record_id, "empty", "an empty page")
    if b"\x00" in data[:8192]:
        return Rejection(record.source, record_id, "undecodable", "binary, not HTML")
    try:
        tree = trafilatura.load_html(data)
        if tree is None:
            return Rejection(record.source, record_id, "undecodable", "not parseable as HTML")
        page = trafilatura.bare_extraction(
            tree, url=record.url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as error:
        return Rejection(record.source, record_id, "not_article", f"extraction failed: {error}"[:500])
    body = (page.text if page else None) or ""
    if len(body.strip()) < MIN_ARTICLE_CHARS:
        message = f"{len(body.strip())} characters of article text (under {MIN_ARTICLE_CHARS})"
        return Rejection(record.source, record_id, "not_article", message)
    return page.title or None, body, record.url or page.url or None, page.date or None


def prepare(record: RawRecord, *, text_field: str, max_chars: int) -> Article | Rejection:
    """The article in ``record``, or why it cannot be scored; the id defaults to the source. Text
    and fields go through the same cleaning as every other door (:func:`clean_text`)."""
    record_id = None if record.id is None else without_lone_surrogates(str(record.id))
    if record.error:
        return Rejection(record.source, record_id, *record.error)
    if record.html is not None:
        extracted = _extract(record, record_id)
        if isinstance(extracted, Rejection):
            return extracted
        title, body, url, date = extracted
    else:
        title, body, url, date = record.title, record.text, record.url, record.date
        if body is None:
            return Rejection(record.source, record_id, "empty", f"no field {text_field!r}")
        if not isinstance(body, str) or not isinstance(title, str | None):
            return Rejection(record.source, record_id, "malformed", "the text or title is not a string")
    try:
        text = clean_text(_compose(title, body), "the text")
    except InputError as error:
        return Rejection(record.source, record_id, error.reason, str(error))
    if len(text) > max_chars:
        message = f"{len(text):,} characters (over {max_chars:,})"
        return Rejection(record.source, record_id, "too_long", message)
    title = without_lone_surrogates(title or "").strip() or None
    return Article(record_id or record.source, record.source, text, title, url, date)
