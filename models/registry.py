"""Resolve a model reference to a bundle folder: a path, or an MLflow ``models:/`` URI.

``models:/hypecheck@champion`` is downloaded once from the tracking store into MLflow's cache
and read from there; a folder path is used as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_REFERENCE = "models:/hypecheck@champion"
REPO_ROOT = Path(__file__).resolve().parent.parent


class ModelNotFound(LookupError):
    """No model answers to the reference (nothing trained or registered yet)."""


def default_tracking_uri() -> str:
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{REPO_ROOT / 'mlflow.db'}"


def resolve_bundle(reference: str | None = None) -> Path:
    """The bundle folder for ``reference`` (default: the registry's champion)."""
    reference = reference or os.environ.get("HYPECHECK_MODEL") or DEFAULT_REFERENCE
    if not reference.startswith("models:/"):
        path = Path(reference).expanduser()
        if not (path / "bundle.json").is_file():
            raise ModelNotFound(f"{path} is not a model bundle folder (no bundle.json)")
        return path
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(default_tracking_uri())
    try:
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=reference))
    except (MlflowException, OSError) as error:
        raise ModelNotFound(
            f"no model at {reference} in {default_tracking_uri()} "
            "(train one with `hypecheck train` or point HYPECHECK_MODEL at a bundle folder)"
        ) from error
    # Not under code/: MLflow copies the models package there, with any bundles lying inside it.
    bundles = [p.parent for p in local.rglob("bundle.json") if p.relative_to(local).parts[0] != "code"]
    if not bundles:
        raise ModelNotFound(f"{reference} holds no hypecheck bundle")
    return bundles[0]
