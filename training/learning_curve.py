"""The learning curve of the second data wave (``hypecheck data curve``): the same config trained on
0, 25, 50, 75 and 100% of the wave's training articles (active-learning rounds, written documents),
each measured on the same held-out sets, so the next wave can be sized from the slope."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from hypecheck.models.labels import LabelledUnit
from hypecheck.training.config import TrainConfig
from hypecheck.training.corpus import DOCUMENT_SOURCE, load_own_units
from hypecheck.training.dataset import second_wave_share, wave_articles

FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
SETS = ("real_test", "documents_test", "validation")
KEYS = ("macro_f1", "overclaim_f1", "auroc")


def wave_units(units: list[LabelledUnit], fraction: float, wave: set[str], base: set[str]) -> tuple[int, int]:
    """Training units of the wave kept at ``fraction`` (beyond the ``base`` ids kept at none), and the
    real ones among them."""
    kept = [u for u in second_wave_share(units, fraction, wave) if u.id not in base]
    return len(kept), sum(u.source != DOCUMENT_SOURCE for u in kept)


def learning_curve(config: TrainConfig, fractions: tuple[float, ...] = FRACTIONS) -> list[dict[str, Any]]:
    """Train one model kind at each fraction (untracked) and collect its held-out metrics."""
    from hypecheck.training.train import run

    units = load_own_units(config.shared_data, real=config.use_real_annotations)
    wave = wave_articles()
    base = {u.id for u in second_wave_share(units, 0.0, wave)}
    rows = []
    for fraction in fractions:
        name = f"{config.name}-curve-{fraction:.2f}"
        [result] = run(dataclasses.replace(config, wave_fraction=fraction, name=name), track=False)
        found = result["metrics"]
        added, real = wave_units(units, fraction, wave, base)
        metrics = {s: {k: round(found[s][k], 4) for k in KEYS} for s in SETS if s in found}
        rows.append({"fraction": fraction, "wave_units": added, "wave_real_units": real, **metrics})
    return rows


def write_curve(rows: list[dict[str, Any]], config: TrainConfig, out_dir: Path) -> Path:
    """``learning-curve.md`` and ``.json`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sets = [s for s in SETS if s in rows[0]]
    head = ["share of the wave", "new units (real)", *[f"{s} {k}" for s in sets for k in KEYS]]
    lines = [
        f"# Learning curve: {config.name} ({config.model}), trained on a share of the second data wave",
        "",
        "| " + " | ".join(head) + " |",
        "|---" * len(head) + "|",
    ]
    for row in rows:
        cells = [f"{row['fraction']:.0%}", f"{row['wave_units']} ({row['wave_real_units']})"]
        cells += [f"{row[s][k]:.3f}" for s in sets for k in KEYS]
        lines.append("| " + " | ".join(cells) + " |")
    path = out_dir / "learning-curve.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "learning-curve.json").write_text(json.dumps(rows, indent=1) + "\n")
    return path
