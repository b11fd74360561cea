"""LanguageTool's ``/v2/check`` protocol, so LanguageTool clients (editor plug-ins, browser add-ons)
can point at hypecheck: form ``text`` or ``data`` in, ``matches`` with offsets out.
"""

from __future__ import annotations

import json
from typing import Any

from hypecheck.models.labels import OVERCLAIM, REASON_DESCRIPTIONS
from hypecheck.models.scoring import DocumentScore
from hypecheck.models.version import VERSION

SOFTWARE = {"name": "hypecheck", "version": VERSION, "apiVersion": 1, "premium": False, "status": ""}


def parse_check_form(form: dict[str, str]) -> str:
    """The text to check: ``text``, or ``data``'s annotation where markup counts as blank space
    (``interpretAs`` when given), so match offsets are offsets into the caller's full string."""
    if form.get("text") is not None:
        return form["text"]
    if form.get("data") is None:
        raise ValueError("give the form field 'text' or 'data'")
    try:
        annotation = json.loads(form["data"])["annotation"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError("'data' must be JSON with an 'annotation' list") from error
    if not isinstance(annotation, list):
        raise ValueError("'data' must be JSON with an 'annotation' list")
    parts = []
    for item in annotation:
        if not isinstance(item, dict):
            raise ValueError("each annotation item must be an object")
        if "text" in item:
            parts.append(str(item["text"]))
        elif "markup" in item:
            markup = str(item["markup"])
            shown = str(item.get("interpretAs", ""))
            parts.append(
                shown + " " * max(0, len(markup) - len(shown))
                if len(shown) <= len(markup)
                else " " * len(markup)
            )
        else:
            raise ValueError("each annotation item needs 'text' or 'markup'")
    return "".join(parts)


def check_response(text: str, score: DocumentScore) -> dict[str, Any]:
    """LanguageTool's response body, one match per overclaiming sentence."""
    matches = []
    for s in score.sentences:
        if s.verdict != OVERCLAIM:
            continue
        reason = next(iter(s.reasons))
        rewrite = (s.suggestion or {}).get("rewrite")
        advice = " ".join((s.suggestion or {}).get("advice", []))
        context_start = max(0, s.start - 40)
        matches.append(
            {
                "message": f"Possible overclaim ({', '.join(s.reasons)}). {advice}".strip(),
                "shortMessage": f"Overclaim: {reason.replace('_', ' ')}",
                "replacements": [{"value": rewrite}] if rewrite else [],
                "offset": s.start,
                "length": s.end - s.start,
                "context": {
                    "text": text[context_start : s.end + 40],
                    "offset": s.start - context_start,
                    "length": s.end - s.start,
                },
                "sentence": s.text,
                "type": {"typeName": "Hint"},
                "rule": {
                    "id": f"HYPECHECK_{reason.upper()}",
                    "description": REASON_DESCRIPTIONS[reason],
                    "issueType": "style",
                    "category": {"id": "HYPECHECK", "name": "Overclaiming"},
                },
                "ignoreForIncompleteSentence": False,
                "contextForSureMatch": 0,
            }
        )
    return {
        "software": SOFTWARE,
        "warnings": {"incompleteResults": False},
        "language": {
            "name": "English",
            "code": "en-US",
            "detectedLanguage": {"name": "English", "code": "en-US", "confidence": 1.0},
        },
        "matches": matches,
    }
