"""Input we cannot score, named once for every door: the CLI prints the code with its message and
exits 2, the API answers it as ``{"error": {"code", "message", "limit"}}`` with the status below,
and batch writes it as the ``reason`` of a line of the errors file.

Every check of what users hand us (text, files, records, pages) raises :class:`InputError` with one
of :data:`CODES`; the rule every door applies to a text about to be scored is
:func:`hypecheck.serve.inputs.clean_text`.
"""

from __future__ import annotations

from typing import Final

# code -> (HTTP status, what it means)
CODES: Final[dict[str, tuple[int, str]]] = {
    "empty": (422, "no text to score"),
    "binary": (422, "binary data (NUL bytes), not text"),
    "undecodable": (422, "bytes that are not UTF-8 text, or markup that cannot be parsed"),
    "too_long": (413, "a document over the character limit"),
    "too_large": (413, "a file over the byte limit"),
    "not_found": (404, "no such file or folder"),
    "unsupported": (415, "a kind of file this door does not read"),
    "unreadable": (422, "a file that cannot be read (a broken Word file, no permission)"),
    "malformed": (422, "a record of the wrong shape (bad JSON or CSV, a text that is not a string)"),
    "not_article": (422, "an HTML page with too little article text"),
    "corrupt": (422, "a damaged file (a WARC digest that fails, a broken Parquet file)"),
    "scoring_failed": (500, "a text the model failed on (batch scores the others and goes on)"),
}


class InputError(ValueError):
    """Input we cannot score; ``code`` is one of :data:`CODES`, ``message`` says what and where."""

    def __init__(self, code: str, message: str, limit: int | None = None) -> None:
        if code not in CODES:
            raise ValueError(f"unknown input error code {code!r}")
        super().__init__(message)
        self.code, self.message, self.limit = code, message, limit

    @property
    def status(self) -> int:
        return CODES[self.code][0]

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        return InputError, (self.code, self.message, self.limit)  # crosses to Ray workers whole
