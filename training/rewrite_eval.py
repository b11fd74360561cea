"""Measure rewrites (``hypecheck rewriter evaluate``): coverage, the check's own figures, and a blind
human judgement, on the test split's real overclaims and on the written test pairs, reported apart.

Each set's sentences are scored in context; those the model flags get rewrites from four systems:
the served one (learned and rules, checked), the learned rewriter alone and the rules alone (both
checked), and the rules as they were before any check. For each: coverage (flagged sentences
offered a rewrite), and among offered rewrites the share the model scores below the overclaim
threshold in the same context and the share that keeps the sentence's numbers and names. Coverage
is also given apart for sentences that hold a quotation, whose words no rewrite may change
(:func:`hypecheck.models.facts.keeps_quotes`). The editors' own rewrites of the annotated overclaims
go through the same check, as a reference for what the check lets through.

The blind pass: the served rewrites and the unchecked rules' rewrites of the real test sentences
are written, shuffled and unlabelled, to ``blind.jsonl`` for an annotator who wrote none of the
pairs (the key stays in ``blind_key.jsonl``). Their judgements (``{"sentence", "rewrite",
"acceptable", "why"}`` per line), given back with ``--judgements``, are counted per system in the
same report; a judgement is matched by its sentence and rewrite, so it survives a reshuffle.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypecheck.models.facts import QUOTED, keeps_facts
from hypecheck.models.phrase_rules import rewrite
from hypecheck.models.prediction import Predictor
from hypecheck.models.scoring import ScoreOptions
from hypecheck.models.suggestions import candidates, checked
from hypecheck.training.rewrite_pairs import RewritePair

SERVED = "served: learned + rules, checked"
SYSTEMS = (SERVED, "learned only, checked", "rules only, checked", "rules before the check")
EDITORS = "editors' rewrites (reference)"
BLINDED = (SERVED, "rules before the check")
EXAMPLES = 10


def _outputs(
    predictor: Predictor, items: list[tuple[str, str | None, list[str]]]
) -> dict[str, list[str | None]]:
    rule = ScoreOptions().rule(predictor.info)
    options = candidates(predictor, items)

    def only(origin: str) -> list[str | None]:
        found = checked(predictor, items, [[o for o in opts if o[1] == origin] for opts in options], rule)
        return [f[0] if f else None for f in found]

    served = checked(predictor, items, options, rule)
    return {
        SERVED: [f[0] if f else None for f in served],
        "learned only, checked": only("learned"),
        "rules only, checked": only("rules"),
        "rules before the check": [rewrite(text, reasons, context) for text, context, reasons in items],
    }


def _measure(
    predictor: Predictor, items: list[tuple[str, str | None, list[str]]], offered: list[str | None]
) -> dict[str, Any]:
    rule = ScoreOptions().rule(predictor.info)
    rows = [k for k, r in enumerate(offered) if r is not None]
    texts = [offered[k] or "" for k in rows]
    below: list[bool] = []
    kept = [keeps_facts(items[k][0], offered[k] or "", items[k][1]) for k in rows]
    if rows:
        probs = predictor.predict(texts, [items[k][1] for k in rows])
        below = [v != 0 for v in rule.apply(probs.verdict, probs.reasons).verdicts]
    per_reason = {}
    for reason in predictor.info.reasons:
        if mine := {k for k, item in enumerate(items) if reason in item[2]}:
            per_reason[reason] = _coverage(offered, mine)
    quoted = {k for k, item in enumerate(items) if QUOTED.search(item[0])}
    n = len(items)
    return {
        "flagged": n,
        "offered": len(rows),
        "coverage": round(len(rows) / n, 3) if n else None,
        "below_threshold": round(sum(below) / len(rows), 3) if rows else None,
        "facts_kept": round(sum(kept) / len(rows), 3) if rows else None,
        "passes_check": round(sum(b and k for b, k in zip(below, kept, strict=True)) / len(rows), 3)
        if rows
        else None,
        "per_reason": per_reason,
        "quotation": _coverage(offered, quoted),
        "no_quotation": _coverage(offered, set(range(n)) - quoted),
    }


def _coverage(offered: list[str | None], among: set[int]) -> dict[str, Any]:
    """How many of the sentences ``among`` were flagged, and the share offered a rewrite."""
    return {
        "flagged": len(among),
        "coverage": round(sum(offered[k] is not None for k in among) / len(among), 3) if among else None,
    }


def evaluate_rewrites(
    predictor: Predictor, sets: dict[str, Sequence[RewritePair]], out: Path, judgements: Path | None = None
) -> dict[str, Any]:
    """Measure every system on every set, write the blind file for the first ``real_*`` set, fold in
    the judgements when given; returns the report (also written as ``report.json`` in ``out``)."""
    out.mkdir(parents=True, exist_ok=True)
    rule = ScoreOptions().rule(predictor.info)
    report: dict[str, Any] = {"sets": {}, "threshold": rule.threshold}
    flagged_sets: dict[str, tuple[list, dict[str, list[str | None]]]] = {}
    for name, pairs in sets.items():
        probs = predictor.predict([p.source for p in pairs], [p.context for p in pairs])
        decided = rule.apply(probs.verdict, probs.reasons)
        flagged = [k for k in range(len(pairs)) if decided.verdicts[k] == 0]
        items = [
            (
                pairs[k].source,
                pairs[k].context,
                [predictor.info.reasons[j] for j, on in enumerate(decided.reasons[k]) if on],
            )
            for k in flagged
        ]
        outputs = _outputs(predictor, items)
        report["sets"][name] = {
            "overclaims": len(pairs),
            "flagged": len(flagged),
            "systems": {system: _measure(predictor, items, outputs[system]) for system in SYSTEMS},
            EDITORS: _measure(predictor, items, [pairs[k].target for k in flagged]),
        }
        flagged_sets[name] = (items, outputs)
        _write_outputs(out / f"{name}.outputs.jsonl", items, outputs)
    items, outputs = next(found for name, found in flagged_sets.items() if name.startswith("real_"))
    blind = _blind(items, outputs, out)
    if judgements is not None:
        report["blind"] = _judged(blind, judgements)
        report["examples"] = _examples(items, outputs, blind, judgements)
    (out / "report.json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.md").write_text(markdown(report), encoding="utf-8")
    return report


def _write_outputs(path: Path, items: list, outputs: dict[str, list[str | None]]) -> None:
    """Every flagged sentence with its reasons and each system's rewrite, for reading them."""
    with path.open("w", encoding="utf-8") as out:
        for k, (text, _, reasons) in enumerate(items):
            row = {"sentence": text, "reasons": reasons} | {s: outputs[s][k] for s in SYSTEMS}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _blind(items: list, outputs: dict[str, list[str | None]], out: Path) -> list[dict[str, Any]]:
    """Shuffled, unlabelled rewrites of the blinded systems; the key kept apart."""
    rows = [
        {
            "sentence": items[k][0],
            "context": items[k][1],
            "rewrite": outputs[system][k],
            "system": system,
            "row": k,
        }
        for system in BLINDED
        for k in range(len(items))
        if outputs[system][k] is not None
    ]
    random.Random(17).shuffle(rows)
    with (
        (out / "blind.jsonl").open("w", encoding="utf-8") as shown,
        (out / "blind_key.jsonl").open("w", encoding="utf-8") as key,
    ):
        for i, row in enumerate(rows):
            shown.write(
                json.dumps(
                    {
                        "item": i,
                        "sentence": row["sentence"],
                        "context": row["context"],
                        "rewrite": row["rewrite"],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            key.write(json.dumps({"item": i, "system": row["system"], "row": row["row"]}) + "\n")
            row["item"] = i
    return rows


def _read_judgements(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(row["sentence"], row["rewrite"]): row for row in rows}


def _judged(blind: list[dict[str, Any]], path: Path) -> dict[str, Any]:
    judged = _read_judgements(path)
    result = {}
    for system in BLINDED:
        keys = [(row["sentence"], row["rewrite"]) for row in blind if row["system"] == system]
        mine = [judged[key] for key in keys if key in judged]
        accepted = sum(bool(j["acceptable"]) for j in mine)
        result[system] = {
            "offered": len(keys),
            "judged": len(mine),
            "acceptable": round(accepted / len(mine), 3) if mine else None,
        }
    return result


def _examples(
    items: list, outputs: dict[str, list[str | None]], blind: list[dict[str, Any]], path: Path
) -> list[dict[str, Any]]:
    """``EXAMPLES`` served rewrites of real test sentences, chosen at random, with their judgement."""
    judged = _read_judgements(path)
    verdict = {(row["system"], row["row"]): judged.get((row["sentence"], row["rewrite"])) for row in blind}
    offered = [k for k, r in enumerate(outputs[SERVED]) if r is not None]
    chosen = sorted(random.Random(5).sample(offered, min(EXAMPLES, len(offered))))
    return [
        {
            "sentence": items[k][0],
            "reasons": items[k][2],
            "rewrite": outputs[SERVED][k],
            "judgement": verdict.get((SERVED, k)),
        }
        for k in chosen
    ]


def markdown(report: dict[str, Any]) -> str:
    lines = ["# Rewrites", "", f"Overclaim threshold {report['threshold']}.", ""]
    for name, found in report["sets"].items():
        lines += [
            f"## {name}: {found['overclaims']} annotated overclaims, {found['flagged']} flagged by the model",
            "",
            "| system | offered | coverage | below threshold | facts kept | coverage: with a quotation "
            "/ without |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for system, m in [*found["systems"].items(), (EDITORS, found[EDITORS])]:
            lines.append(
                f"| {system} | {m['offered']} | {m['coverage']} | {m['below_threshold']} | "
                f"{m['facts_kept']} | {m['quotation']['coverage']} / {m['no_quotation']['coverage']} |"
            )
        editors, quoted = found[EDITORS], found["systems"][SERVED]["quotation"]["flagged"]
        lines += [
            "",
            f"{quoted} of {found['flagged']} flagged sentences hold a quotation. The editors' rewrites "
            f"exist for {editors['offered']} flagged sentences; {editors['passes_check']} of them pass "
            "the check (below the threshold with the facts kept).",
        ]
        reasons = found["systems"][SERVED]["per_reason"]
        lines += ["", "Coverage per reason (served / learned only / rules only):", ""]
        for reason, row in reasons.items():
            cells = " / ".join(
                str(found["systems"][s]["per_reason"][reason]["coverage"]) for s in SYSTEMS[:3]
            )
            lines.append(f"- {reason} ({row['flagged']} flagged): {cells}")
        lines.append("")
    if "blind" in report:
        lines += [
            "## Blind judgement (real sentences)",
            "",
            "| system | judged | acceptable |",
            "| --- | ---: | ---: |",
        ]
        for system, row in report["blind"].items():
            lines.append(f"| {system} | {row['judged']} | {row['acceptable']} |")
        lines += ["", "## Ten served rewrites of real sentences, chosen at random", ""]
        for example in report["examples"]:
            judgement = example["judgement"] or {}
            lines += [
                f"- **Before** ({', '.join(example['reasons'])}): {example['sentence']}",
                f"  **After**: {example['rewrite']}",
                f"  Judged: {'acceptable' if judgement.get('acceptable') else 'not acceptable'}"
                + (f" ({judgement['why']})" if judgement.get("why") else ""),
            ]
    return "\n".join(lines) + "\n"
