"""Resolve a model reference to a bundle folder: a path, or an MLflow ``models:/`` URI.

``models:/hypecheck@champion`` is downloaded once from the tracking store into MLflow's cache
and read from there; a folder path is used as it is.
"""

from __future__ import annotations

from pathlib import Path


class ModelNotFound(LookupError):
    """No model answers to the reference (nothing trained or registered yet)."""


def resolve_bundle(reference: str, *, tracking_uri: str) -> Path:
    """The bundle folder for ``reference``: a folder path, or a ``models:/`` URI in ``tracking_uri``."""
    if not reference.startswith("models:/"):
        path = Path(reference).expanduser()
        if not (path / "bundle.json").is_file():
            raise ModelNotFound(f"{path} is not a model bundle folder (no bundle.json)")
        return path
    import mlflow
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(tracking_uri)
    try:
        local = Path(mlflow.artifacts.download_artifacts(artifact_uri=reference))
    except (MlflowException, OSError) as error:
        raise ModelNotFound(
            f"no model at {reference} in {tracking_uri} "
            "(train one with `hypecheck train` or point HYPECHECK_MODEL at a bundle folder)"
        ) from error
    # Not under code/: older versions logged the models folder there, with any bundles lying inside it.
    bundles = [p.parent for p in local.rglob("bundle.json") if p.relative_to(local).parts[0] != "code"]
    if not bundles:
        raise ModelNotFound(f"{reference} holds no hypecheck bundle")
    return bundles[0]
