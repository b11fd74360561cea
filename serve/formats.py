"""Output formats of ``hypecheck check``: editor text, JSON, Vale's JSON and GitHub annotations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hypecheck.models.labels import REASON_DESCRIPTIONS
from hypecheck.models.results import DocumentScore
from hypecheck.serve.findings import Finding
from hypecheck.serve.inputs import Document

Checked = list[tuple[Document, DocumentScore, list[Finding]]]


def _message(finding: Finding) -> str:
    reasons = ", ".join(finding.reasons)
    return f"Possible overclaim ({reasons}): " + "; ".join(REASON_DESCRIPTIONS[r] for r in finding.reasons)


def _advice(finding: Finding) -> list[str]:
    suggestion = finding.sentence.suggestion
    lines = list(suggestion.advice) if suggestion else []
    if suggestion and suggestion.rewrite:
        lines.append(f"Try: {suggestion.rewrite}")
    return lines


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    """Text from a file as a terminal may show it: control characters (an escape sequence could
    move the cursor, retitle the window or hide output) become U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def as_text(checked: Checked, color: bool) -> str:
    """``path:line:col`` lines an editor can jump to, each with reasons and advice; nothing from
    the file reaches the terminal as a control character."""
    red, dim, bold, end = ("\033[31m", "\033[2m", "\033[1m", "\033[0m") if color else ("", "", "", "")
    lines = []
    total = 0
    for document, _, found in checked:
        for finding in found:
            total += 1
            reasons = ", ".join(finding.reasons)
            lines.append(
                f"{bold}{_shown(document.name)}:{finding.line}:{finding.column}{end}: {red}overclaim{end} "
                f"{finding.sentence.p_overclaim:.2f} [{reasons}] {_shown(finding.sentence.text)}"
            )
            triggers = ", ".join(t.text for t in finding.sentence.triggers)
            if triggers:
                lines.append(f"    {dim}triggered by: {_shown(triggers)}{end}")
            lines.extend(f"    {dim}→ {_shown(line)}{end}" for line in _advice(finding))
    files = len(checked)
    lines.append(
        f"{total} possible overclaim{'s' if total != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    )
    return "\n".join(lines)


def as_json(checked: Checked) -> str:
    """Per file: the findings (with line and column) and every scored sentence, in file offsets."""
    return json.dumps(
        [
            {
                "path": document.name,
                "findings": [
                    {
                        **document.sentence_in_source(f.sentence).model_dump(mode="json"),
                        "line": f.line,
                        "column": f.column,
                    }
                    for f in found
                ],
                **document.in_source(score).model_dump(mode="json"),
            }
            for document, score, found in checked
        ],
        ensure_ascii=False,
        indent=1,
    )


def as_vale(checked: Checked) -> str:
    """Vale's ``--output=JSON`` shape: ``{path: [alert, ...]}`` with 1-based ``Line`` and ``Span``."""
    out: dict[str, list[dict]] = {}
    for document, _, found in checked:
        alerts = out.setdefault(document.name, [])
        for f in found:
            end_column = f.end_column if f.end_line == f.line else f.column + len(f.sentence.text) - 1
            rewrite = f.sentence.suggestion.rewrite if f.sentence.suggestion else None
            alerts.append(
                {
                    "Action": {
                        "Name": "replace" if rewrite else "",
                        "Params": [rewrite] if rewrite else None,
                    },
                    "Span": [f.column, end_column],
                    "Check": f"hypecheck.{next(iter(f.reasons))}",
                    "Description": " ".join(_advice(f)),
                    "Link": "",
                    "Message": _message(f),
                    "Severity": "warning",
                    "Match": f.sentence.text,
                    "Line": f.line,
                }
            )
    return json.dumps(out, ensure_ascii=False, indent=1)


def _escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def as_github(checked: Checked) -> str:
    """GitHub Actions workflow commands: one ``::warning`` annotation per finding."""
    lines = []
    for document, _, found in checked:
        for f in found:
            props = (
                f"file={_escape(document.name, True)},line={f.line},col={f.column},endLine={f.end_line},"
                f"endColumn={f.end_column},title={_escape('hypecheck: ' + ', '.join(f.reasons), True)}"
            )
            lines.append(f"::warning {props}::{_escape(_message(f) + ' ' + ' '.join(_advice(f)))}")
    return "\n".join(lines)


FORMATS: dict[str, Callable[[Checked, bool], str]] = {
    "text": as_text,
    "json": lambda checked, _: as_json(checked),
    "vale": lambda checked, _: as_vale(checked),
    "github": lambda checked, _: as_github(checked),
}
