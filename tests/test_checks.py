"""What ``make test`` (and so CI) and the commit hooks check, and in which order."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def dry_run(target: str) -> list[str]:
    out = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.splitlines()


def first_line_with(lines: list[str], words: str) -> int:
    return next(i for i, line in enumerate(lines) if words in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_lints_formats_and_type_checks_before_the_suite():
    lines = dry_run("test")
    order = [
        first_line_with(lines, words)
        for words in ("ruff check .", "ruff format --check .", "/mypy", "-m pytest")
    ]
    assert order == sorted(order)


def test_ci_runs_exactly_make_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert lines[-1] == "make test"
    assert not [line for line in lines if any(tool in line for tool in ("pytest", "ruff", "mypy"))]


def test_the_type_checker_covers_the_models_and_training_packages():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert {"hypecheck.models", "hypecheck.training"} <= set(config["packages"])
    assert config["disallow_untyped_defs"] is True


def test_commit_hooks_run_ruff_its_formatter_mypy_and_the_basic_checks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "trailing-whitespace", "end-of-file-fixer", "check-yaml"} <= set(
        hooks
    )
    assert hooks["mypy"]["entry"] == "make typecheck"
    validate = [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"]
    assert subprocess.run(validate, cwd=ROOT, capture_output=True, text=True).returncode == 0
