"""Where hypecheck keeps its things and how it runs: one settings object, read from the environment
(``HYPECHECK_*``, plus ``MLFLOW_TRACKING_URI`` and ``RAY_ADDRESS``) at the entry points only.

The commands, the API's ``create_app`` and the ``python -m`` modules build a :class:`Settings` and pass
its values down; no module below them reads the environment, so a library call does what its
arguments say. The project home is the checkout when run from inside one (the folder whose
``pyproject.toml`` names hypecheck), else a user data folder; ``HYPECHECK_HOME`` overrides both. The
MLflow store, trained artifacts and reports live under it, never inside the installed package.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from hypecheck.models.prediction import Predictor

PROJECT = "hypecheck"
DEFAULT_REFERENCE = "models:/hypecheck@champion"
PROJECT_CONFIG = ".hypecheck.toml"
# No telemetry, no model hub: what every process of ours runs with unless the user says otherwise.
OFFLINE_ENV = {
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "1",
    "HF_HUB_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
}


def nearest(name: str, start: Path) -> Path | None:
    """``start/name`` or the same name in the closest parent folder, if any."""
    for folder in [start, *start.parents]:
        if (folder / name).is_file():
            return folder / name
    return None


def find_checkout(start: Path) -> Path | None:
    """The hypecheck checkout holding ``start``: the closest ``pyproject.toml`` up, if it is ours."""
    for folder in [start, *start.parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _names_hypecheck(pyproject):
            return folder
    return None


def _names_hypecheck(pyproject: Path) -> bool:
    try:
        return tomllib.loads(pyproject.read_text()).get("project", {}).get("name") == PROJECT
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def default_home() -> Path:
    checkout = find_checkout(Path.cwd().resolve())
    return checkout if checkout else Path(platformdirs.user_data_dir(PROJECT, appauthor=False))


class Settings(BaseSettings):
    """Paths, model, runtime and cluster, with the defaults a user gets from a checkout or an install."""

    model_config = SettingsConfigDict(env_prefix="HYPECHECK_", extra="ignore", populate_by_name=True)

    home: Path = Field(
        default_factory=default_home,
        description="MLflow store, artifacts, reports (default: the checkout, else a user data folder)",
    )
    data_dir: Path | None = Field(
        default=None, description="Shared corpora (default: ../shared/data beside home)"
    )
    model: str | None = Field(
        default=None, description="Bundle folder or models:/ URI (default: the champion)"
    )
    backend: Literal["auto", "torch", "onnx"] = Field(
        default="auto",
        description="auto: the bundle's int8 ONNX model when its export passed the quality gate",
    )
    threads: int | None = Field(
        default=None, gt=0, description="Compute threads (default: one per physical core)"
    )
    trust_bundle: bool = Field(
        default=False, description="Open a bundle holding pickled files (they run code)"
    )
    tracking_uri: str | None = Field(
        default=None,
        validation_alias="MLFLOW_TRACKING_URI",
        description="MLflow store (default: sqlite:///HOME/mlflow.db)",
    )
    ray_address: str | None = Field(
        default=None,
        validation_alias="RAY_ADDRESS",
        description="Ray cluster to join (default: start a local Ray)",
    )

    @property
    def mlflow_uri(self) -> str:
        return self.tracking_uri or f"sqlite:///{self.home / 'mlflow.db'}"

    @property
    def artifacts_dir(self) -> Path:
        return self.home / "artifacts"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def shared_data_dir(self) -> Path:
        return (self.data_dir or self.home.parent / "shared" / "data").expanduser()

    @property
    def model_reference(self) -> str:
        return self.model or DEFAULT_REFERENCE

    def bundle(self) -> Path:
        """The configured model's bundle folder (``models:/`` references come from the MLflow store)."""
        from hypecheck.models.registry import resolve_bundle

        return resolve_bundle(self.model_reference, tracking_uri=self.mlflow_uri)

    def predictor(self) -> Predictor:
        """The configured model, on the configured backend and threads."""
        from hypecheck.models.predictors import load_predictor

        return load_predictor(
            self.bundle(), backend=self.backend, threads=self.threads, trust_bundle=self.trust_bundle
        )

    def with_options(self, *, model: str | None = None, trust_bundle: bool = False) -> Settings:
        """The same settings with a command's ``--model`` and ``--trust-bundle``, where given, in place
        of ``HYPECHECK_MODEL`` and ``HYPECHECK_TRUST_BUNDLE``."""
        given = {"model": model, "trust_bundle": trust_bundle or None}
        return self.model_copy(update={key: value for key, value in given.items() if value})

    @staticmethod
    def project_config(start: Path) -> Path | None:
        """The ``.hypecheck.toml`` that ``hypecheck check`` obeys: the nearest one up from ``start``."""
        return nearest(PROJECT_CONFIG, start)

    @staticmethod
    def go_offline() -> None:
        """No telemetry and no hub downloads in this process and its children, unless set otherwise."""
        for key, value in OFFLINE_ENV.items():
            os.environ.setdefault(key, value)
