import subprocess
import sys
from pathlib import Path

import models
import serve
import training

ROOT = Path(__file__).resolve().parent.parent


def test_packages_resolve_inside_the_repo():
    for package in (models, serve, training):
        assert Path(package.__file__).resolve().parent.parent == ROOT


def test_serve_and_models_do_not_import_torch():
    code = (
        "import sys, serve.cli, models.sentences, models.labels, models.html; print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_models_imports_nothing_of_ours():
    for path in (ROOT / "models").glob("*.py"):
        source = path.read_text()
        assert "from training" not in source and "from serve" not in source, path
        assert "import training" not in source and "import serve" not in source, path
