"""MLflow: where runs go, what each run logs, and when the ``champion`` alias moves.

The store is the caller's ``tracking_uri`` (the settings' ``sqlite:///HOME/mlflow.db`` unless
``MLFLOW_TRACKING_URI`` says otherwise). A registered version holds its bundle once and, as code,
only the ``hypecheck.models`` package's Python files: nothing else lying beside them.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from hypecheck.training.paths import REPO_ROOT

MODEL_NAME = "hypecheck"
CHAMPION = "champion"
SELECTION_METRIC = "validation.auroc"
CODE_PACKAGE = "hypecheck.models"
# What the pyfunc imports when MLflow rebuilds its environment; the versions are hypecheck's own.
PYFUNC_PACKAGES = (
    "torch",
    "transformers",
    "scikit-learn",
    "blingfire",
    "safetensors",
    "numpy",
    "pandas",
    "skops",
    "pydantic",
)


def pip_requirements(packages: tuple[str, ...] = PYFUNC_PACKAGES) -> list[str]:
    """``packages`` with the version specifiers of the installed hypecheck's metadata, so the pins of
    ``pyproject.toml`` are written once (markers such as an extra are dropped: the model needs them all).
    """
    declared = {}
    for line in metadata.requires("hypecheck") or []:
        requirement = line.split(";")[0].strip()
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name:
            declared[canonical(name.group())] = requirement
    missing = [p for p in packages if canonical(p) not in declared]
    if missing:
        raise LookupError(f"hypecheck does not declare {', '.join(missing)} (pyproject.toml dependencies)")
    return [declared[canonical(p)] for p in packages]


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def flatten(metrics: dict[str, dict[str, float]]) -> dict[str, float]:
    """``{"validation": {"auroc": .9}}`` -> ``{"validation.auroc": .9}`` (NaNs dropped)."""
    return {
        f"{split}.{key}": float(value)
        for split, values in metrics.items()
        for key, value in values.items()
        if value == value
    }


def models_code(scratch: Path) -> Path:
    """A copy of the models package's ``*.py`` files laid out as ``hypecheck/models/``, so that the
    pyfunc imports ``hypecheck.models`` from it wherever it is loaded; no bundle or ONNX file comes
    along, whatever lies in the package's folder."""
    package = scratch / "hypecheck" / "models"
    package.mkdir(parents=True)
    for source in resources.files(CODE_PACKAGE).iterdir():
        if source.name.endswith(".py"):
            (package / source.name).write_bytes(source.read_bytes())
    return scratch / "hypecheck"


def _use_experiment(mlflow: Any, tracking_uri: str) -> None:
    """Log to the ``hypecheck`` experiment, created with its artifacts beside a local sqlite store
    (MLflow's own default is ``mlruns/`` in whatever folder the command runs from)."""
    if mlflow.get_experiment_by_name(MODEL_NAME) is None:
        store = tracking_uri.removeprefix("sqlite:///")
        beside = (Path(store).parent / "mlruns").as_uri() if store != tracking_uri else None
        mlflow.create_experiment(MODEL_NAME, artifact_location=beside)
    mlflow.set_experiment(MODEL_NAME)


def log_run(
    *,
    tracking_uri: str,
    run_name: str,
    params: dict[str, Any],
    metrics: dict[str, dict[str, float]],
    bundle_dir: Path,
    artifacts: list[Path],
    tags: dict[str, str],
) -> dict[str, Any]:
    """Log one trained model; register it and move ``champion`` if it beats the current one."""
    import mlflow
    from hypecheck.models.pyfunc import BUNDLE_ARTIFACT
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    _use_experiment(mlflow, tracking_uri)
    flat = flatten(metrics)
    with mlflow.start_run(run_name=run_name) as run, tempfile.TemporaryDirectory() as scratch:
        mlflow.set_tags({**tags, "git_commit": git_commit()})
        mlflow.log_params(params)
        mlflow.log_metrics({k.replace("@", "_"): v for k, v in flat.items()})
        for path in artifacts:
            mlflow.log_artifact(str(path), artifact_path="reports")
        mlflow.log_artifacts(str(bundle_dir), artifact_path="bundle")
        info = mlflow.pyfunc.log_model(
            name="model",
            python_model=str(resources.files(CODE_PACKAGE) / "pyfunc.py"),
            artifacts={BUNDLE_ARTIFACT: str(bundle_dir)},
            code_paths=[str(models_code(Path(scratch)))],
            pip_requirements=pip_requirements(),
            signature=_signature(),
            registered_model_name=MODEL_NAME,
        )
    client = MlflowClient()
    version = str(info.registered_model_version)
    promoted = _maybe_promote(client, version, flat.get(SELECTION_METRIC))
    return {"run_id": run.info.run_id, "version": version, "champion": promoted, "model_uri": info.model_uri}


def _signature() -> Any:
    """Input: a ``text`` column of single units; output: one row of scores per unit."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    outputs = Schema(
        [
            ColSpec("double", "p_overclaim"),
            ColSpec("string", "verdict"),
            ColSpec("string", "reasons"),
            ColSpec("string", "claim_strength"),
        ]
    )
    return ModelSignature(inputs=Schema([ColSpec("string", "text")]), outputs=outputs)


def _maybe_promote(client: Any, version: str, score: float | None) -> bool:
    """Point ``champion`` at ``version`` when it has no holder or ``version`` scores higher."""
    from mlflow.exceptions import MlflowException

    try:
        current = client.get_model_version_by_alias(MODEL_NAME, CHAMPION)
    except MlflowException:
        current = None
    if current is not None:
        run = client.get_run(current.run_id)
        best = run.data.metrics.get(SELECTION_METRIC)
        if score is None or (best is not None and score <= best):
            return False
    client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
    return True


def next_version(tracking_uri: str) -> str:
    """The version number the registry will give the next model (written into its bundle first)."""
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(tracking_uri)
    versions = MlflowClient().search_model_versions(f"name='{MODEL_NAME}'")
    return str(max((int(v.version) for v in versions), default=0) + 1)


def champion_uri() -> str:
    return f"models:/{MODEL_NAME}@{CHAMPION}"
