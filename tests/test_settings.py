"""Settings are read once, at the entry points, and passed down as values."""

import base64
import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import platformdirs
import pytest
from hypecheck.models.settings import Settings
from hypecheck.serve.settings import EXTENSION_ORIGIN, ServeSettings

from tests.conftest import ROOT, start_server

PACKAGES = ("models", "training", "serve")
# The one module that reads the process environment: pydantic-settings reads the rest through it.
READS_ENVIRONMENT = {"models/settings.py"}
# Entry points: the commands, the API factory and the ``python -m`` modules build the settings.
ENTRY_POINTS = {
    "serve/cli.py",
    "serve/api/__init__.py",
    "training/cli.py",
    "training/ensemble.py",
    "training/faithfulness.py",
    "training/splitter_benchmark.py",
    "serve/batch/report.py",
}


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


ENVIRONMENT = re.compile(r"\bos\.environ\b|\bgetenv\(|\benviron\[")


def test_no_module_below_the_entry_points_reads_the_environment():
    readers = {name for name, text in _sources() if ENVIRONMENT.search(text)}
    assert readers == READS_ENVIRONMENT


def test_only_entry_points_build_the_settings():
    builders = {name for name, text in _sources() if re.search(r"(?<!class )\b(Serve)?Settings\(\)", text)}
    assert builders <= ENTRY_POINTS, builders - ENTRY_POINTS
    assert {"serve/cli.py", "serve/api/__init__.py", "training/cli.py"} <= builders


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "HYPECHECK_HOME",
        "HYPECHECK_DATA_DIR",
        "HYPECHECK_MODEL",
        "MLFLOW_TRACKING_URI",
        "HYPECHECK_CORS_ORIGINS",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_home_is_the_checkout_inside_one(clean_env):
    clean_env.chdir(ROOT / "serve" / "batch")
    settings = Settings()
    assert settings.home == ROOT
    assert settings.mlflow_uri == f"sqlite:///{ROOT / 'mlflow.db'}"
    assert settings.artifacts_dir == ROOT / "artifacts" and settings.reports_dir == ROOT / "reports"
    assert settings.shared_data_dir == ROOT.parent / "shared" / "data"


def test_home_outside_a_checkout_is_the_user_data_folder(clean_env, tmp_path):
    other = tmp_path / "other-project"
    other.mkdir()
    (other / "pyproject.toml").write_text('[project]\nname = "not-hypecheck"\n')
    clean_env.chdir(other)
    assert Settings().home == Path(platformdirs.user_data_dir("hypecheck", appauthor=False))


def test_environment_overrides_home_store_and_data(clean_env, tmp_path):
    clean_env.setenv("HYPECHECK_HOME", str(tmp_path / "home"))
    clean_env.setenv("HYPECHECK_DATA_DIR", str(tmp_path / "corpora"))
    clean_env.setenv("HYPECHECK_BACKEND", "onnx")
    settings = Settings()
    assert settings.home == tmp_path / "home" and settings.backend == "onnx"
    assert settings.mlflow_uri == f"sqlite:///{tmp_path / 'home' / 'mlflow.db'}"
    assert settings.shared_data_dir == tmp_path / "corpora"
    clean_env.setenv("MLFLOW_TRACKING_URI", "sqlite:///elsewhere.db")
    clean_env.setenv("RAY_ADDRESS", "auto")
    settings = ServeSettings()
    assert settings.mlflow_uri == "sqlite:///elsewhere.db" and settings.ray_address == "auto"


def test_bad_settings_are_refused(clean_env):
    clean_env.setenv("HYPECHECK_BACKEND", "gpu")
    with pytest.raises(ValueError, match="backend"):
        Settings()


def chrome_extension_id(public_key: str) -> str:
    """Chromium's id of an extension whose manifest carries this ``key``: the first 32 hex digits of
    the SHA-256 of the DER public key, each digit written as a letter from a to p."""
    digest = hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:32]
    return digest.translate(str.maketrans("0123456789abcdef", "abcdefghijklmnop"))


def test_the_default_cors_origin_is_the_one_the_extensions_key_gives(clean_env):
    manifest = json.loads((ROOT / "serve" / "extension" / "manifest.json").read_text())
    assert ServeSettings().cors_origins == [f"chrome-extension://{chrome_extension_id(manifest['key'])}"]


def test_cors_origins_come_from_the_environment_and_must_be_origins(clean_env):
    firefox = "moz-extension://6a1c2f4e-5b7d-4e0a-9c3b-2d8f1e7a6b5c"
    clean_env.setenv("HYPECHECK_CORS_ORIGINS", f"{EXTENSION_ORIGIN}, {firefox},https://editor.example:8443")
    assert ServeSettings().cors_origins == [EXTENSION_ORIGIN, firefox, "https://editor.example:8443"]
    for bad in ("https://example.com/", "*", "https://*.example.com", "example.com"):
        clean_env.setenv("HYPECHECK_CORS_ORIGINS", bad)
        with pytest.raises(ValueError, match="not an origin"):
            ServeSettings()


def test_a_command_option_wins_over_the_environment(clean_env):
    clean_env.setenv("HYPECHECK_MODEL", "/from/the/environment")
    assert Settings().with_options(model="/from/the/option").model_reference == "/from/the/option"
    assert Settings().with_options(model=None).model_reference == "/from/the/environment"
    clean_env.delenv("HYPECHECK_MODEL")
    assert Settings().model_reference == "models:/hypecheck@champion"


def test_project_config_is_the_nearest_one_up(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert Settings.project_config(deep) is None
    (tmp_path / ".hypecheck.toml").write_text("min_score = 0.5\n")
    assert Settings.project_config(deep) == tmp_path / ".hypecheck.toml"
    (tmp_path / "a" / ".hypecheck.toml").write_text("min_score = 0.7\n")
    assert Settings.project_config(deep) == tmp_path / "a" / ".hypecheck.toml"


def test_serve_takes_its_model_option_as_a_value(baseline_bundle):
    """``HYPECHECK_MODEL`` names nothing; ``--model`` must reach the app all the same."""
    process, url = start_server(baseline_bundle, HYPECHECK_MODEL="/no/such/bundle")
    try:
        assert httpx.get(f"{url}/v1/model").json()["kind"] == "baseline"
    finally:
        process.terminate()
        process.wait(10)


def test_training_with_the_onnx_backend_set_calibrates_on_pytorch(tmp_path):
    """``HYPECHECK_BACKEND=onnx`` is for serving: a bundle being trained has no ONNX file yet."""
    command = [sys.executable, "-m", "hypecheck.serve.cli", "train", "-c", "smoke", "--no-track"]
    command += ["--set", "model=transformer", "--set", "max_steps=2", "--set", "limit_train=64"]
    env = {"PATH": "/usr/bin:/bin", "HYPECHECK_BACKEND": "onnx", "HYPECHECK_HOME": str(tmp_path)}
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert (tmp_path / "artifacts" / "smoke" / "transformer" / "bundle.json").is_file()
    assert list((tmp_path / "reports").glob("smoke-transformer*"))
