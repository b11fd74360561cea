"""Inter-annotator agreement of the independent second pass, and the adjudicated outcome.

``data/annotations/second_pass.jsonl`` holds the second annotator's labels (no text);
``data/annotations/adjudication.jsonl`` the decision on every disagreement. The adjudicated
verdicts are what :func:`hypecheck.training.annotation.load_real_units` trains on.
"""

from __future__ import annotations

from pathlib import Path

from hypecheck.models.labels import OVERCLAIM
from hypecheck.training.annotation import REAL_ANNOTATIONS, SECOND_PASS, read_jsonl
from sklearn.metrics import cohen_kappa_score

ADJUDICATION = REAL_ANNOTATIONS.parent / "adjudication.jsonl"


def paired_verdicts(first: Path = REAL_ANNOTATIONS, second: Path = SECOND_PASS) -> list[tuple[str, str, str]]:
    """(id, first verdict, second verdict) for every unit both passes labelled.

    The first verdict is the original one, before adjudication changed anything.
    """
    firsts = {row["id"]: row.get("first_verdict", row["verdict"]) for row in read_jsonl(first)}
    return [
        (row["id"], firsts[row["id"]], row["verdict"]) for row in read_jsonl(second) if row["id"] in firsts
    ]


def kappas(pairs: list[tuple[str, str, str]]) -> dict[str, float]:
    """Cohen's kappa for the 3-way verdict and for overclaim-vs-not, with raw agreement."""
    a = [p[1] for p in pairs]
    b = [p[2] for p in pairs]
    return {
        "units": len(pairs),
        "kappa_3way": round(float(cohen_kappa_score(a, b)), 3),
        "kappa_overclaim": round(
            float(cohen_kappa_score([x == OVERCLAIM for x in a], [x == OVERCLAIM for x in b])), 3
        ),
        "agreement_3way": round(sum(x == y for x, y in zip(a, b, strict=True)) / len(pairs), 3),
    }


def disagreements(pairs: list[tuple[str, str, str]]) -> list[str]:
    return [unit_id for unit_id, x, y in pairs if x != y]


def apply_adjudication(decisions: list[dict], path: Path = REAL_ANNOTATIONS) -> int:
    """Write adjudicated labels into the annotation file, keeping the first pass's verdict."""
    import json

    by_id = {row["id"]: row for row in decisions}
    rows = read_jsonl(path)
    changed = 0
    for row in rows:
        decision = by_id.get(row["id"])
        if decision is None:
            continue
        row.setdefault("first_verdict", row["verdict"])
        row.setdefault("first_reasons", row["reasons"])
        row["verdict"], row["reasons"] = decision["verdict"], sorted(decision["reasons"])
        row["adjudicated"] = True
        changed += 1
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return changed
