"""LanguageTool's ``/v2/check`` protocol, so LanguageTool clients (editor plug-ins, browser add-ons)
can point at hypecheck: ``/v2/languages``, then form ``text`` or ``data`` in and ``matches`` out,
with offsets in UTF-16 units as LanguageTool gives them. The other parameters clients send are
accepted as LanguageTool accepts them: rule selection applies to our rules, the rest changes nothing.
"""

from __future__ import annotations

import json

from hypecheck.models.labels import OVERCLAIM, REASON_DESCRIPTIONS
from hypecheck.models.results import DocumentScore
from hypecheck.models.version import VERSION
from hypecheck.serve.offsets import utf16_positions
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


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


class _Protocol(BaseModel):
    """LanguageTool's field names are camelCase; ours are not."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Software(_Protocol):
    name: str = "hypecheck"
    version: str = VERSION
    api_version: int = 1
    premium: bool = False
    status: str = ""


class Warnings(_Protocol):
    incomplete_results: bool = False


class DetectedLanguage(_Protocol):
    name: str = "English"
    code: str = "en-US"
    confidence: float = 1.0


class Language(_Protocol):
    name: str = "English"
    code: str = "en-US"
    detected_language: DetectedLanguage = Field(default_factory=DetectedLanguage)


class Replacement(_Protocol):
    value: str


class MatchContext(_Protocol):
    text: str
    offset: int
    length: int


class MatchType(_Protocol):
    type_name: str = "Hint"


class Category(_Protocol):
    id: str = "HYPECHECK"
    name: str = "Overclaiming"


class Rule(_Protocol):
    id: str
    description: str
    issue_type: str = "style"
    category: Category = Field(default_factory=Category)


class Match(_Protocol):
    message: str
    short_message: str
    replacements: list[Replacement]
    offset: int
    length: int
    context: MatchContext
    sentence: str
    type: MatchType = Field(default_factory=MatchType)
    rule: Rule
    ignore_for_incomplete_sentence: bool = False
    context_for_sure_match: int = 0


class CheckResponse(_Protocol):
    software: Software = Field(default_factory=Software)
    warnings: Warnings = Field(default_factory=Warnings)
    language: Language = Field(default_factory=Language)
    matches: list[Match]


class LanguageEntry(_Protocol):
    name: str
    code: str
    long_code: str


LANGUAGES = [
    LanguageEntry(name=name, code="en", long_code=code)
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


def check_response(text: str, score: DocumentScore | None, form: dict[str, str]) -> CheckResponse:
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
        rewrite = s.suggestion.rewrite if s.suggestion else None
        advice = " ".join(s.suggestion.advice) if s.suggestion else ""
        context_start, context_end = max(0, s.start - 40), min(len(text), s.end + 40)
        length = at[s.end] - at[s.start]
        matches.append(
            Match(
                message=f"Possible overclaim ({', '.join(s.reasons)}). {advice}".strip(),
                short_message=f"Overclaim: {reason.replace('_', ' ')}",
                replacements=[Replacement(value=rewrite)] if rewrite else [],
                offset=at[s.start],
                length=length,
                context=MatchContext(
                    text=text[context_start:context_end],
                    offset=at[s.start] - at[context_start],
                    length=length,
                ),
                sentence=s.text,
                rule=Rule(id=rule, description=REASON_DESCRIPTIONS[reason], category=Category(id=CATEGORY)),
            )
        )
    return CheckResponse(matches=matches)
