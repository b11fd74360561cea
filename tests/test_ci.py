"""CI cannot pass by skipping: a failed Chromium install stops it, and in CI a test whose
Chromium, Ray or shared corpora are missing fails instead of skipping."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_failed_chromium_install_fails_ci_loudly(tmp_path):
    """No chromium on the PATH and an ``apt-get`` that cannot reach its mirror."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "apt-get").write_text("#!/bin/sh\necho 'E: network unreachable' >&2\nexit 100\n")
    (fake / "apt-get").chmod(0o755)
    env = {"PATH": str(fake), "HOME": str(tmp_path)}
    done = subprocess.run(
        ["/bin/bash", str(ROOT / ".ci" / "chromium")], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode != 0 and "apt-get update failed" in done.stderr, done.stderr


def test_a_missing_dependency_skips_locally_and_fails_in_ci(tmp_path):
    (tmp_path / "test_needs.py").write_text(
        "from tests.conftest import needs\n\n"
        "@needs(False, 'a browser')\n"
        "def test_uses_it():\n    pass\n\n"
        "@needs(True, 'a compiler')\n"
        "def test_has_it():\n    pass\n"
    )

    def run(ci):
        env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]
        command += ["-p", "tests.conftest", str(tmp_path / "test_needs.py")]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=False)

    local, ci = run(ci=False), run(ci=True)
    assert local.returncode == 0 and "1 passed, 1 skipped" in local.stdout, local.stdout
    assert ci.returncode == 1 and "1 passed, 1 error" in ci.stdout, ci.stdout
    assert "CI=true and a browser is missing" in ci.stdout
