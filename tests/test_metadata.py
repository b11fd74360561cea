"""Package metadata written once: the licence, the version and the pins all come from pyproject.toml."""

import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from hypecheck.models.version import VERSION
from hypecheck.training.tracking import PYFUNC_PACKAGES, canonical, pip_requirements

from tests.test_import_graph import import_graph, imported_names, modules_of

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_licence_is_an_spdx_expression_with_its_text_in_the_repository():
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    installed = metadata.metadata("hypecheck")
    assert installed["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (installed.get_all("License-File") or [])


def test_the_code_reads_the_version_of_pyproject():
    assert PROJECT["version"] == VERSION


def test_no_source_file_spells_the_version_itself():
    sources = [p for folder in ("models", "training", "serve") for p in (ROOT / folder).rglob("*.py")]
    literal = re.compile(rf"""["']{re.escape(VERSION)}["']""")
    assert [str(p.relative_to(ROOT)) for p in sources if literal.search(p.read_text())] == []


def test_copies_outside_python_carry_the_package_version():
    """Chromium reads the extension's manifest as a static file and the README shows real answers, so
    these two copies stay, checked here."""
    manifest = json.loads((ROOT / "serve" / "extension" / "manifest.json").read_text())
    assert manifest["version"] == VERSION
    shown = re.findall(r'"name": "hypecheck", "version": "([^"]+)"', (ROOT / "README.md").read_text())
    assert shown and set(shown) == {VERSION}


def test_the_api_and_languagetool_answers_report_the_version():
    from hypecheck.serve.api import create_app
    from hypecheck.serve.languagetool import CheckResponse

    assert CheckResponse(matches=[]).model_dump(by_alias=True)["software"]["version"] == VERSION
    assert create_app().version == VERSION


def name_and_specifiers(requirement: str) -> tuple[str, set[str]]:
    name = re.match(r"[\w.-]+(\[[^]]*\])?", requirement)
    rest = requirement[name.end() :].split("#")[0].split(";")[0].replace(" ", "")
    return canonical(name.group(0).split("[")[0]), set(filter(None, rest.split(",")))


def test_the_pyfunc_requirements_are_the_pins_of_pyproject():
    declared = dict(name_and_specifiers(r) for r in PROJECT["dependencies"])
    required = dict(name_and_specifiers(r) for r in pip_requirements())
    assert list(required) == [canonical(p) for p in PYFUNC_PACKAGES]
    assert required == {name: declared[name] for name in required}
    assert required["torch"] == {"==2.13.0"}


def test_a_package_hypecheck_does_not_declare_is_refused():
    with pytest.raises(LookupError, match="does not declare not-a-dependency"):
        pip_requirements(("numpy", "not-a-dependency"))


# Imported on the pyfunc's path but not pinned for it: MLflow is the host; the ONNX Runtime path
# (onnxruntime, psutil) is skipped when onnxruntime is missing; tokenizers comes with transformers
# and joblib with scikit-learn (it reads only older, trusted baseline bundles).
NOT_PINNED_FOR_THE_PYFUNC = {
    "mlflow",
    "mlflow-skinny",
    "mlflow-tracing",
    "onnxruntime",
    "psutil",
    "tokenizers",
    "joblib",
}


def test_the_pyfunc_requirements_cover_every_library_its_code_imports():
    modules = modules_of("hypecheck.models", ROOT / "models")
    graph = import_graph(modules)
    reached, todo = set(), ["hypecheck.models.pyfunc"]
    while todo:
        module = todo.pop()
        if module not in reached:
            reached.add(module)
            todo += graph[module]
    tops = (
        {
            name.split(".")[0]
            for module in reached
            for name in imported_names(modules[module][0], module, modules[module][1])
        }
        - set(sys.stdlib_module_names)
        - {"__future__", "hypecheck"}
    )
    distributions = metadata.packages_distributions()
    imported = {canonical(d) for top in tops for d in distributions.get(top, [top])}
    assert "torch" in imported
    assert imported - NOT_PINNED_FOR_THE_PYFUNC - {canonical(p) for p in PYFUNC_PACKAGES} == set()
