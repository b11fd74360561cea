"""A model bundle: a folder with the weights and ``bundle.json``, everything inference needs.

Label names, thresholds, temperature, maximum length and the splitter version travel with the
weights, so serving never has to be told how a model was trained.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hypecheck.models.labels import CLAIM_STRENGTHS, REASONS, VERDICTS
from hypecheck.models.sentences import SPLITTER_VERSION

BUNDLE_FILE = "bundle.json"
WEIGHTS = "model.safetensors"  # a transformer's weights
BASELINE = "baseline.skops"  # the TF-IDF baseline's models, as data (skops)
PICKLED_BASELINE = "baseline.joblib"  # what older bundles hold; read only when trusted
# Files that Python unpickles (or torch.load does) to read: opening one runs whatever code it holds.
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle", ".pt", ".pth", ".bin", ".ckpt")


class UntrustedBundle(ValueError):
    """A bundle holding pickled files, refused unless the user vouches for it (``--trust-bundle``)."""


def check_no_pickles(directory: Path, trust_bundle: bool) -> None:
    """Raise :class:`UntrustedBundle` when ``directory`` holds a pickle and nobody vouched for it."""
    pickles = sorted(p.name for p in directory.rglob("*") if p.suffix.lower() in PICKLE_SUFFIXES)
    if pickles and not trust_bundle:
        raise UntrustedBundle(
            f"{directory} holds {', '.join(pickles)}: pickled files run code when they are opened. "
            "Retrain the model (bundles are saved as data now), or pass --trust-bundle if you made "
            "this bundle yourself."
        )


@dataclass(frozen=True)
class BundleInfo:
    """What a bundle is and how to read its outputs."""

    kind: str  # "transformer" or "baseline"
    name: str = "hypecheck"
    version: str = "0"
    verdicts: tuple[str, ...] = VERDICTS
    reasons: tuple[str, ...] = REASONS
    claim_strengths: tuple[str, ...] = CLAIM_STRENGTHS
    overclaim_threshold: float = 0.5
    reason_threshold: float = 0.5
    temperature: float = 1.0
    max_length: int = 96  # tokens, the context segment included
    context: str = ""  # article context read with each sentence (models.context); "" for none
    splitter: str = SPLITTER_VERSION
    metrics: dict[str, float] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / BUNDLE_FILE).write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, directory: Path) -> BundleInfo:
        path = directory / BUNDLE_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{directory} is not a hypecheck model bundle (no {BUNDLE_FILE})")
        raw = json.loads(path.read_text())
        for key in ("verdicts", "reasons", "claim_strengths"):
            raw[key] = tuple(raw[key])
        return cls(**raw)


def bundle_hash(directory: Path) -> str:
    """Content hash of every file in the bundle: identifies exactly which weights scored a text."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode())
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]
