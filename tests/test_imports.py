import subprocess
import sys
from pathlib import Path

import hypecheck.models as models
import hypecheck.serve as serve
import hypecheck.training as training

ROOT = Path(__file__).resolve().parent.parent


def test_packages_resolve_inside_the_repo():
    for package in (models, serve, training):
        assert Path(package.__file__).resolve().parent.parent == ROOT


def test_serve_and_models_do_not_import_torch():
    light = ("serve.cli", "models.sentences", "models.labels", "models.html")
    modules = ", ".join(f"hypecheck.{name}" for name in light)
    code = f"import sys, {modules}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
