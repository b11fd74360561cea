import re

import pytest
from hypecheck.models.labels import CLAIM_STRENGTHS, REASONS, VERDICTS, LabelError, LabelledUnit
from hypecheck.training.paths import shared_data_dir

LABELS_MD = shared_data_dir().parent / "LABELS.md"


@pytest.mark.skipif(not LABELS_MD.exists(), reason="LABELS.md not on this machine")
def test_schema_matches_the_label_spec():
    spec = LABELS_MD.read_text()
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
