"""Shared fixtures and markers: tests that need ``../shared/data`` skip cleanly without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypecheck.serve.local_server import start_local_server
from hypecheck.training.paths import shared_data_dir


def shared_available() -> bool:
    return (shared_data_dir() / "fakehealth_content").is_dir()


needs_shared = pytest.mark.skipif(not shared_available(), reason="shared corpora not on this machine")
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
# Headless Debian Chromium as the page and extension tests run it: no sandbox (root in CI), no
# background traffic to anywhere but loopback.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def write_docx(path, paragraphs):
    """A real Word file with these paragraphs (python-docx writes it)."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def start_server(bundle, **env_extra):
    """The real server on loopback, its output captured (tests read what it logs)."""
    return start_local_server(bundle, env=env_extra, capture=True, timeout_s=60)


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Both models of the smoke config, trained once per test session into a temporary MLflow store."""
    root = tmp_path_factory.mktemp("smoke")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
        from hypecheck.training.config import CONFIG_DIR, TrainConfig
        from hypecheck.training.train import run

        config = TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"output_dir": str(root / "artifacts")})
        results = run(config)
    return root, results


@pytest.fixture(scope="session")
def baseline_bundle(smoke_run):
    return smoke_run[1][0]["bundle"]


@pytest.fixture(scope="session")
def transformer_bundle(smoke_run):
    return smoke_run[1][1]["bundle"]


@pytest.fixture(scope="module")
def baseline_server(baseline_bundle):
    """A real server with the smoke baseline, for the browser tests."""
    process, url = start_server(baseline_bundle)
    yield url
    process.terminate()
    process.wait(10)
