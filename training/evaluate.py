"""Evaluation through the public scoring path, on every held-out set we have.

Sets: our test split, the real-sentence annotations' test split (closest to real news), the
calibration seed's real sentences when they were not trained on (a whole corpus never seen),
and the PubMed claim-strength sentences held out by group. Writes a Markdown report, a confusion
matrix and a reliability diagram in the reports folder (``reports/`` of the project home).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hypecheck.models.labels import REASONS, VERDICTS
from hypecheck.models.prediction import Predictor, Probabilities
from hypecheck.models.results import SentenceScore
from hypecheck.models.scoring import ScoreOptions, score_units_with_probabilities
from hypecheck.models.verdicts import VerdictRule
from hypecheck.training.config import TrainConfig
from hypecheck.training.corpus import DOCUMENT_SOURCE
from hypecheck.training.dataset import REAL_SOURCES, with_context
from hypecheck.training.examples import Example, from_unit
from hypecheck.training.metrics import compute, reliability_bins
from hypecheck.training.paths import SharedDataMissing
from sklearn.metrics import confusion_matrix, roc_auc_score

# ``ours_test`` is our written sentences: real articles and written documents have sets of their own.
SOURCES_WITH_OWN_SETS = REAL_SOURCES | {DOCUMENT_SOURCE}
# the sets a report breaks down by topic, register, genre, reason and page furniture
BROKEN_DOWN = ("real_test", "blind_test", "documents_test", "ours_test")


def evaluation_sets(config: TrainConfig, splits: dict[str, list[Example]]) -> dict[str, list[Example]]:
    """Named held-out sets for a run; sets whose data is absent are left out."""
    test = splits["test"]
    sets = {
        "ours_test": [e for e in test if e.source not in SOURCES_WITH_OWN_SETS and e.verdict >= 0],
        "real_test": [e for e in test if e.source in REAL_SOURCES],
        "documents_test": [e for e in test if e.source == DOCUMENT_SOURCE],
    }
    try:
        from hypecheck.models.labels import LabelledUnit
        from hypecheck.training.shared_corpora import seed_rows, yu2020_rows

        if not config.use_seed_labels:
            sets["seed_real_unseen"] = with_context(
                [
                    from_unit(LabelledUnit.from_dict(r))
                    for r in seed_rows(config.shared_data)
                    if r["source"] == "seed_fakehealth"
                ],
                config.context,
            )
        pubmed = [
            from_unit(LabelledUnit.from_dict(r))
            for r in yu2020_rows(config.shared_data)
            if r["source"] == "yu2020_pubmed"
        ]
        sets["claim_pubmed_test"] = [e for e in pubmed if e.split == "test"]
    except SharedDataMissing:
        pass
    return {name: examples for name, examples in sets.items() if examples}


def predict(predictor: Predictor, examples: Sequence[Example]) -> Probabilities:
    """Each example with its article context (used only by a bundle trained with one)."""
    return predictor.predict([e.text for e in examples], [e.context for e in examples])


def measure(examples: Sequence[Example], probs: Probabilities, rule: VerdictRule) -> dict[str, float]:
    """:func:`compute` with the verdicts of ``rule``."""
    return compute(examples, probs, **asdict(rule))


@dataclass(frozen=True)
class Scored:
    """One set as the scoring core scored it: what every door would say of each sentence, and the
    probabilities behind it."""

    sentences: list[SentenceScore]
    probabilities: Probabilities
    rule: VerdictRule  # for metrics of subsets

    def rows(self, set_name: str, examples: Sequence[Example]) -> list[dict[str, Any]]:
        """One row per sentence: its label and what the scoring core said of it."""
        return [
            {
                "set": set_name,
                "text": s.text,
                "label": VERDICTS[e.verdict] if e.verdict >= 0 else None,
                "verdict": s.verdict,
                "reasons": s.reasons,
                "p_overclaim": s.p_overclaim,
            }
            for e, s in zip(examples, self.sentences, strict=True)
        ]


def evaluate(
    predictor: Predictor, sets: dict[str, list[Example]], options: ScoreOptions | None = None
) -> tuple[dict[str, dict], dict[str, Scored]]:
    """Metrics per set, scored through :func:`score_units_with_probabilities` with ``options`` (the
    bundle's thresholds and every reason by default), and the scored sets (for reports)."""
    options = options or ScoreOptions(triggers=False, suggestions=False)
    rule = options.rule(predictor.info)
    metrics, predictions = {}, {}
    for name, examples in sets.items():
        sentences, probs = score_units_with_probabilities(
            predictor, [e.text for e in examples], options, [e.context for e in examples]
        )
        predictions[name] = Scored(sentences, probs, rule)
        metrics[name] = measure(examples, probs, rule)
    return metrics, predictions


def breakdown(examples: Sequence[Example], scored: Scored, field: str) -> dict:
    """Metrics per value of an example field (``topic``, ``register``, ``genre``...)."""
    return _by(examples, scored, lambda e: getattr(e, field))


def genre(example: Example) -> str | None:
    """A written document's genre, else the source (FakeHealth story or release, Cardiff news...)."""
    return example.genre or example.source


def _by(examples: Sequence[Example], scored: Scored, key: Callable[[Example], str | None]) -> dict:
    values = sorted({k for e in examples if (k := key(e))})
    probs = scored.probabilities
    out = {}
    for value in values:
        idx = [i for i, e in enumerate(examples) if key(e) == value]
        sub = Probabilities(probs.verdict[idx], probs.reasons[idx], probs.claim[idx])
        out[value] = measure([examples[i] for i in idx], sub, scored.rule)
    return out


def by_reason(examples: Sequence[Example], scored: Scored) -> dict[str, dict[str, float]]:
    """Per reason: its overclaims against every sentence that is not one, as the verdict sees them
    (recall at the served threshold, AUROC of the overclaim probability)."""
    flagged = np.array([s.verdict == VERDICTS[0] for s in scored.sentences])
    p = scored.probabilities.p_overclaim
    negatives = [i for i, e in enumerate(examples) if e.verdict > 0]
    out = {}
    for r, reason in enumerate(REASONS):
        positives = [i for i, e in enumerate(examples) if e.verdict == 0 and e.reasons and e.reasons[r]]
        if not positives or not negatives:
            continue
        rows = positives + negatives
        truth = np.array([1] * len(positives) + [0] * len(negatives))
        out[reason] = {
            "n": float(len(positives)),
            "recall": float(flagged[positives].mean()),
            "auroc": float(roc_auc_score(truth, p[rows])),
        }
    return out


def furniture(examples: Sequence[Example], scored: Scored) -> dict[str, float]:
    """How many page-furniture units there are and how many the verdict calls overclaims."""
    rows = [i for i, e in enumerate(examples) if e.furniture]
    flagged = sum(scored.sentences[i].verdict == VERDICTS[0] for i in rows)
    return {"n": float(len(rows)), "flagged": float(flagged)}


def verdict_confusion(examples: Sequence[Example], sentences: Sequence[SentenceScore]) -> np.ndarray:
    """Labelled verdict against the verdict the scoring core gave."""
    pairs = [(e.verdict, VERDICTS.index(s.verdict)) for e, s in zip(examples, sentences, strict=True)]
    return confusion_matrix(
        [y for y, _ in pairs if y >= 0], [p for y, p in pairs if y >= 0], labels=[0, 1, 2]
    )


def confident_errors(examples: Sequence[Example], probs: Probabilities, n: int = 30) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, e in enumerate(examples):
        if e.verdict < 0:
            continue
        guess = int(np.argmax(probs.verdict[i]))
        if guess != e.verdict:
            rows.append(
                {
                    "text": e.text,
                    "label": VERDICTS[e.verdict],
                    "predicted": VERDICTS[guess],
                    "confidence": float(probs.verdict[i, guess]),
                    "source": e.source,
                }
            )
    return sorted(rows, key=lambda r: -r["confidence"])[:n]


def plot_confusion(matrix: np.ndarray, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(matrix, cmap="Blues")
    for (r, c), value in np.ndenumerate(matrix):
        ax.text(c, r, str(value), ha="center", va="center")
    ax.set_xticks(range(3), VERDICTS, rotation=30)
    ax.set_yticks(range(3), VERDICTS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("label")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(examples: Sequence[Example], probs: Probabilities, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y = np.array([e.verdict for e in examples])
    keep = y >= 0
    bins = reliability_bins(
        probs.verdict[keep].max(axis=1),
        (probs.verdict[keep].argmax(axis=1) == y[keep]).astype(float),
        bins=10,
    )
    centres = [conf for conf, _, _ in bins]
    accuracy = [acc for _, acc, _ in bins]
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.plot([0, 1], [0, 1], "--", color="grey")
    ax.plot(centres, accuracy, "o-")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _table(groups: dict[str, dict[str, float]]) -> list[str]:
    keys = ("macro_f1", "overclaim_f1", "auroc", "ece")
    rows = ["| value | n | " + " | ".join(keys) + " |", "|---" * (len(keys) + 2) + "|"]
    for value, m in groups.items():
        cells = " | ".join(f"{m[k]:.3f}" if k in m else "" for k in keys)
        rows.append(f"| {value} | {int(m.get('n', 0))} | {cells} |")
    return rows


def write_report(
    name: str,
    predictor: Predictor,
    sets: dict[str, list[Example]],
    metrics: dict,
    predictions: dict[str, Scored],
    out_dir: Path,
) -> Path:
    """Markdown report with metrics, breakdowns and the most confident errors; PNGs beside it, and
    every scored sentence in ``NAME.predictions.jsonl``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    threshold = next(iter(predictions.values())).rule.threshold if predictions else 0.0
    lines = [
        f"# Evaluation: {name}",
        "",
        f"model {predictor.info.name} {predictor.info.version} "
        f"({predictor.info.kind}, bundle {predictor.hash}), overclaim threshold {threshold:.2f}",
        "",
    ]
    keys = ["n", "macro_f1", "overclaim_f1", "auroc", "reason_micro_f1", "claim_macro_f1", "ece"]
    lines += ["| set | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for set_name, values in metrics.items():
        cells = [
            f"{values[k]:.3f}" if k in values and k != "n" else str(int(values.get(k, 0))) if k == "n" else ""
            for k in keys
        ]
        lines.append(f"| {set_name} | " + " | ".join(cells) + " |")
    for set_name in BROKEN_DOWN:
        if set_name not in sets:
            continue
        examples, scored = sets[set_name], predictions[set_name]
        probs = scored.probabilities
        confusion = out_dir / f"{name}-{set_name}-confusion.png"
        plot_confusion(verdict_confusion(examples, scored.sentences), confusion, f"{name} {set_name}")
        plot_reliability(
            examples, probs, out_dir / f"{name}-{set_name}-reliability.png", f"{name} {set_name}"
        )
        for field, groups in (
            ("topic", breakdown(examples, scored, "topic")),
            ("register", breakdown(examples, scored, "register")),
            ("genre", _by(examples, scored, genre)),
        ):
            lines += ["", f"## {set_name} by {field}", "", *_table(groups)]
        reasons = by_reason(examples, scored)
        lines += ["", f"## {set_name} by reason (its overclaims against every non-overclaim)", ""]
        lines += ["| reason | overclaims | recall | auroc |", "|---|---|---|---|"]
        lines += [
            f"| {r} | {int(m['n'])} | {m['recall']:.3f} | {m['auroc']:.3f} |" for r, m in reasons.items()
        ]
        page = furniture(examples, scored)
        if page["n"]:
            flagged, total = int(page["flagged"]), int(page["n"])
            lines += ["", f"Page furniture: {flagged} of {total} units flagged as overclaims."]
        lines += ["", f"## {set_name}: 30 most confident errors", ""]
        for row in confident_errors(examples, probs):
            lines.append(f"- **{row['label']} → {row['predicted']}** ({row['confidence']:.2f}) {row['text']}")
    path = out_dir / f"{name}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / f"{name}.json").write_text(json.dumps(metrics, indent=1, sort_keys=True) + "\n")
    rows = [row for set_name, scored in predictions.items() for row in scored.rows(set_name, sets[set_name])]
    (out_dir / f"{name}.predictions.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path
