"""The built wheel, installed (not editable) into a fresh venv and run from a folder outside the checkout.

The venv reuses this environment's third-party packages through a ``.pth`` line (torch is not
downloaded again), but not its editable hypecheck, whose import hook only a site folder's own ``.pth``
files install, and not the checkout: every hypecheck module must come from the wheel.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from benchmarks.local_server import start_local_server
from tests.conftest import ROOT, SAMPLE

PACKAGES = ("models", "training", "serve")


def _run(command, **kwargs):
    out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600, **kwargs)
    assert out.returncode == 0, f"{command}: {out.stdout[-2000:]}\n{out.stderr[-4000:]}"
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """``pip wheel`` of a copy of the sources (the build leaves nothing in the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for path in ROOT.iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, source / path.name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", root, source]
    )
    [built] = root.glob("hypecheck-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the wheel; returns its python and its site-packages."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel])
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    (site / "third_party.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python, site


def _files(site):
    return {p.relative_to(site) for p in site.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture
def user(tmp_path):
    """A working folder outside the checkout, and an environment whose user data folder is in it."""
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "NO_COLOR": "1", "PYTHONPATH": ""}
    return work, env


def test_wheel_namespaces_everything_and_carries_its_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert all(name.startswith(("hypecheck/", "hypecheck-")) for name in names)
    assert "hypecheck/serve/examples/sample_article.md" in names
    assert "hypecheck/serve/web/index.html" in names and "hypecheck/training/configs/smoke.yaml" in names
    binaries = [name for name in names if name.endswith((".safetensors", ".onnx", ".db"))]
    assert sorted(binaries) == [  # the shipped champion alone: its fine-tuned weights and its rewriter
        "hypecheck/models/champion/delta.safetensors",
        "hypecheck/models/champion/rewriter.safetensors",
    ]
    assert "hypecheck/models/champion/record.json" in names


def test_installed_wheel_checks_serves_and_batch_scores_outside_the_checkout(installed, user):
    """With the champion the wheel ships: ``demo`` registers it in the user data folder on first
    use, and ``check``, ``serve`` and ``batch`` then score with it, as int8, with no --model."""
    python, site = installed
    work, env = user
    before = _files(site)
    assert not {p.parts[0] for p in before} & set(PACKAGES)  # no top-level models, training or serve
    where = _run([python, "-c", "import hypecheck.models as m; print(m.__file__)"], cwd=work, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site)
    hypecheck = [str(python), "-m", "hypecheck.serve.cli"]

    demo = _run([*hypecheck, "demo"], cwd=work, env=env)
    assert "sample_article.md" in demo.stdout and "registering the shipped champion" in demo.stderr
    home = Path(env["HOME"])
    assert list(home.rglob("model.int8.onnx"))

    draft = work / "draft.md"
    shutil.copy(SAMPLE, draft)
    out = subprocess.run(
        [*hypecheck, "check", "draft.md", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr[-3000:]
    [report] = json.loads(out.stdout)
    assert report["path"] == "draft.md" and len(report["sentences"]) > 5
    assert report["model"]["runtime"] == "onnxruntime-int8" and "registering" not in out.stderr

    [store] = home.rglob("mlflow.db")  # the user data folder's, whatever this test process has set
    served = {**env, "HYPECHECK_HOME": str(store.parent), "MLFLOW_TRACKING_URI": f"sqlite:///{store}"}
    process, url = start_local_server(env=served, python=str(python), cwd=work, capture=True, timeout_s=120)
    try:
        answer = httpx.post(f"{url}/v1/score", json={"text": "This pill cures cancer. It was tested."})
        assert answer.status_code == 200 and len(answer.json()["sentences"]) == 2
        card = httpx.get(f"{url}/v1/model").json()
        assert card["runtime"] == "onnxruntime-int8" and card["int8_recipe"]
    finally:
        process.terminate()
        process.wait(10)

    rows = work / "in.jsonl"
    rows.write_text(
        "".join(json.dumps({"id": str(i), "text": f"Drug {i} cures all pain."}) + "\n" for i in range(5))
    )
    _run([*hypecheck, "batch", "in.jsonl", "out.jsonl", "--no-progress"], cwd=work, env=env)
    assert len((work / "out.jsonl").read_text().splitlines()) == 5

    assert _files(site) == before  # nothing written into site-packages: no mlflow.db, no reports
    assert not list(site.rglob("mlflow.db"))
