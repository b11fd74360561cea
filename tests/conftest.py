"""Shared fixtures and markers: tests that need ``../shared/data``, Chromium or Ray skip cleanly
without them on a developer's machine, and fail in CI (``CI=true``), which must have them all."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypecheck.models.settings import Settings

from benchmarks.local_server import start_local_server

SHARED_DATA = Settings().shared_data_dir

IN_CI = os.environ.get("CI", "").lower() in ("true", "1")


def needs(available: bool, what: str) -> pytest.MarkDecorator:
    """Mark a test that needs ``what``: when it is missing the test is skipped, or, in CI, fails,
    so that CI cannot pass by skipping what it was meant to run."""
    return pytest.mark.needs(missing=None if available else what)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs(missing): skipped without it, failed in CI (see needs)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers("needs"):
        missing = marker.kwargs["missing"]
        if missing and IN_CI:
            pytest.fail(f"CI=true and {missing} is missing: install it, CI must not skip these tests")
        if missing:
            pytest.skip(f"{missing} is missing on this machine")


def shared_available() -> bool:
    return (SHARED_DATA / "fakehealth_content").is_dir()


needs_shared = needs(shared_available(), f"the shared corpora ({SHARED_DATA})")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "serve" / "examples" / "sample_article.md"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = needs(Path(CHROMIUM).exists(), "Debian chromium")
needs_ray = needs(importlib.util.find_spec("ray") is not None, "Ray")
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
    """Both models of the smoke config, trained once per test session into a temporary project home.
    Without the int8 export: dynamic int8 quantizes activations per batch, so the tests that compare
    scores across batching and concurrency read PyTorch's batch-independent scores."""
    from hypecheck.training.config import load_config
    from hypecheck.training.train import run

    root = tmp_path_factory.mktemp("smoke")
    results = run(load_config("smoke", {"int8": False}, Settings(home=root, data_dir=SHARED_DATA)))
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
