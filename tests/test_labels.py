import re
from pathlib import Path

import pytest
from hypecheck.models.labels import (
    CLAIM_STRENGTHS,
    CONFIDENCES,
    REASONS,
    VERDICTS,
    LabelError,
    LabelledUnit,
)

from tests.conftest import SHARED_DATA, needs

ROOT = Path(__file__).resolve().parent.parent
GUIDELINES = ROOT / "data" / "GUIDELINES.md"
SHARED_SPEC = SHARED_DATA.parent / "LABELS.md"


def section(text: str, heading: str) -> str:
    """The body of a ``## heading`` section, up to the next ``## `` heading."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def defined_names(body: str) -> tuple[str, ...]:
    """The names a section defines, one ``### `name` `` heading each, in order."""
    return tuple(re.findall(r"^### `(\w+)`$", body, re.M))


def test_guidelines_define_every_verdict_and_reason_in_the_order_of_the_code():
    text = GUIDELINES.read_text()
    assert defined_names(section(text, "Verdicts")) == VERDICTS
    assert defined_names(section(text, "Reasons")) == REASONS


def test_every_reason_of_the_guidelines_has_an_example_sentence():
    body = section(GUIDELINES.read_text(), "Reasons")
    for reason, definition in zip(REASONS, re.split(r"^### `\w+`$", body, flags=re.M)[1:], strict=True):
        assert re.search(r'^- "[^"]+', definition, re.M), f"no example for {reason}"


def test_every_label_name_the_guidelines_spell_is_one_the_code_defines():
    known = {*VERDICTS, *REASONS, *CLAIM_STRENGTHS, *CONFIDENCES}
    spelled = set(re.findall(r"`([a-z_]+)`", GUIDELINES.read_text()))
    assert spelled - known == set()
    assert known - spelled == set(), "a label name the guidelines never explain"


def test_the_docs_and_code_point_to_the_guidelines_in_the_repository():
    readers = [ROOT / "README.md", ROOT / "data" / "README.md", *(ROOT / "models").glob("*.py")]
    assert [p.name for p in readers if "LABELS.md" in p.read_text()] == []
    assert "data/GUIDELINES.md" in (ROOT / "models" / "labels.py").read_text()


@needs(SHARED_SPEC.exists(), f"the shared label spec ({SHARED_SPEC})")
def test_schema_matches_the_shared_label_spec():
    spec = SHARED_SPEC.read_text()
    verdicts = spec.split("## Verdicts")[1].split("## Reasons")[0]
    reasons = spec.split("## Reasons")[1].split("## Hard cases")[0]
    assert tuple(re.findall(r"^\| `(\w+)` \|", verdicts, re.M)) == VERDICTS
    assert tuple(re.findall(r"^\| `(\w+)` \|", reasons, re.M)) == REASONS


def test_claim_strength_is_the_yu_scale_in_order():
    assert CLAIM_STRENGTHS == ("none", "correlational", "conditional_causal", "direct_causal")


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"verdict": "overclaim"}, "needs at least one reason"),
        ({"verdict": "supported", "reasons": ("causal",)}, "only for overclaims"),
        ({"verdict": "hype"}, "unknown verdict"),
        ({"verdict": "overclaim", "reasons": ("spin",)}, "unknown reasons"),
        ({"claim_strength": "strong"}, "unknown claim strength"),
        ({"register": "tweet"}, "unknown register"),
        ({"text": "  "}, "empty text"),
    ],
)
def test_invalid_units_are_rejected_with_a_reason(fields, message):
    base = {"id": "x", "text": "Coffee cures cancer.", "source": "test", "group": "g"}
    with pytest.raises(LabelError, match=message):
        LabelledUnit(**{**base, **fields})


def test_unit_round_trips_through_a_dict():
    unit = LabelledUnit(
        id="x",
        text="Coffee cures cancer.",
        source="t",
        group="g",
        verdict="overclaim",
        reasons=("certainty", "causal"),
        claim_strength="direct_causal",
    )
    assert LabelledUnit.from_dict(unit.to_dict()) == unit
