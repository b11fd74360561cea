"""LanguageTool's ``/v2/check`` protocol, so LanguageTool clients (editor plug-ins, browser add-ons)
can point at hypecheck: ``/v2/languages``, then form ``text`` or ``data`` in and ``matches`` out,
with offsets in UTF-16 units as LanguageTool gives them. The other parameters clients send are
accepted as LanguageTool accepts them: rule selection applies to our rules, the rest changes nothing.
"""

from __future__ import annotations

import json
from typing import Any

from hypecheck.models.labels import OVERCLAIM, REASON_DESCRIPTIONS
from hypecheck.models.scoring import DocumentScore
from hypecheck.models.version import VERSION
from hypecheck.serve.offsets import utf16_positions

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


LANGUAGES = [
    {"name": name, "code": "en", "longCode": code}
    for name, code in [
        ("English", "en"),
        ("English (US)", "en-US"),
        ("English (GB)", "en-GB"),
        ("English (Australian)", "en-AU"),
        ("English (Canadian)", "en-CA"),
        ("English (New Zealand)", "en-NZ"),
        ("English (South African)", "en-ZA"),
    ]
]
CATEGORY = "HYPECHECK"


def checks_language(form: dict[str, str]) -> bool:
    """Whether the requested ``language`` is one we check (English, or ``auto``); for any other,
    LanguageTool's answer is a check with no matches."""
    language = form.get("language", "auto").strip().lower()
    return language == "auto" or language.split("-")[0] == "en"


def _names(form: dict[str, str], field: str) -> set[str]:
    return {name.strip() for name in form.get(field, "").split(",") if name.strip()}


def _wanted(form: dict[str, str], rule: str) -> bool:
    """LanguageTool's rule selection: ``disabledRules``/``disabledCategories`` drop rules;
    with ``enabledOnly=true`` only ``enabledRules``/``enabledCategories`` are checked. ``level``,
    ``motherTongue``, ``preferredVariants`` and the like change nothing here and are accepted."""
    if form.get("enabledOnly", "").lower() == "true":
        return rule in _names(form, "enabledRules") or CATEGORY in _names(form, "enabledCategories")
    return rule not in _names(form, "disabledRules") and CATEGORY not in _names(form, "disabledCategories")


def check_response(text: str, score: DocumentScore | None, form: dict[str, str]) -> dict[str, Any]:
    """LanguageTool's response body, one match per overclaiming sentence (none without a score).
    Offsets and lengths count UTF-16 units, as LanguageTool's (Java) server and its clients do."""
    at = utf16_positions(text)
    matches = []
    for s in score.sentences if score else []:
        if s.verdict != OVERCLAIM:
            continue
        reason = next(iter(s.reasons))
        rule = f"HYPECHECK_{reason.upper()}"
        if not _wanted(form, rule):
            continue
        rewrite = (s.suggestion or {}).get("rewrite")
        advice = " ".join((s.suggestion or {}).get("advice", []))
        context_start, context_end = max(0, s.start - 40), min(len(text), s.end + 40)
        matches.append(
            {
                "message": f"Possible overclaim ({', '.join(s.reasons)}). {advice}".strip(),
                "shortMessage": f"Overclaim: {reason.replace('_', ' ')}",
                "replacements": [{"value": rewrite}] if rewrite else [],
                "offset": at[s.start],
                "length": at[s.end] - at[s.start],
                "context": {
                    "text": text[context_start:context_end],
                    "offset": at[s.start] - at[context_start],
                    "length": at[s.end] - at[s.start],
                },
                "sentence": s.text,
                "type": {"typeName": "Hint"},
                "rule": {
                    "id": rule,
                    "description": REASON_DESCRIPTIONS[reason],
                    "issueType": "style",
                    "category": {"id": CATEGORY, "name": "Overclaiming"},
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
