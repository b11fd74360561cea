"""Shared fixtures and markers: tests that need ``../shared/data`` skip cleanly without it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from training.paths import shared_data_dir


def shared_available() -> bool:
    return (shared_data_dir() / "fakehealth_content").is_dir()


needs_shared = pytest.mark.skipif(not shared_available(), reason="shared corpora not on this machine")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(bundle, **env_extra):
    port = free_port()
    env = {**os.environ, "HYPECHECK_MODEL": str(bundle), **env_extra}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "serve.api:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode())
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not become ready")


@pytest.fixture(scope="session")
def smoke_run(tmp_path_factory):
    """Both models of the smoke config, trained once per test session into a temporary MLflow store."""
    root = tmp_path_factory.mktemp("smoke")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root}/mlflow.db")
        from training.config import CONFIG_DIR, TrainConfig
        from training.train import run

        config = TrainConfig.from_yaml(CONFIG_DIR / "smoke.yaml", {"output_dir": str(root / "artifacts")})
        results = run(config)
    return root, results


@pytest.fixture(scope="session")
def baseline_bundle(smoke_run):
    return smoke_run[1][0]["bundle"]


@pytest.fixture(scope="session")
def transformer_bundle(smoke_run):
    return smoke_run[1][1]["bundle"]
