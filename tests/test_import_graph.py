"""The import graph of the hypecheck packages: no cycle, and the layers of the design card.

Every import counts, at any depth (inside functions too) and relative ones, so a cycle cannot hide
behind a lazy import.
"""

import ast
import textwrap
from pathlib import Path

import hypecheck.models
import hypecheck.serve
import hypecheck.training
import pytest

PACKAGES = (hypecheck.models, hypecheck.training, hypecheck.serve)

# serve -> training edges allowed, with why. The command-line root is the one place that composes both
# sides: ``hypecheck train`` and ``hypecheck export`` live next to ``hypecheck check`` under one command,
# and a fourth top-level package just for it would break the design card's fixed top level.
SERVE_MAY_IMPORT_TRAINING = {
    "hypecheck.serve.cli": "the command-line root mounts the training commands",
}


def modules_of(package_name: str, folder: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``) for every module under ``folder``."""
    found = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join((package_name, *(parts[:-1] if is_package else parts)))
        found[name] = (path, is_package)
    return found


def imported_names(path: Path, module: str, is_package: bool) -> set[str]:
    """Every dotted name ``path`` imports, at any depth, relative imports made absolute.

    ``from a import b`` yields both ``a`` and ``a.b``: ``b`` may be a submodule or a name in ``a``.
    """
    here = module.split(".") if is_package else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(modules: dict[str, tuple[Path, bool]]) -> dict[str, set[str]]:
    """Module -> the modules of ``modules`` it imports (each name mapped to its longest known prefix)."""

    def known(name: str) -> str | None:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in modules:
                return candidate
        return None

    graph = {}
    for module, (path, is_package) in modules.items():
        targets = {known(name) for name in imported_names(path, module, is_package)}
        graph[module] = {t for t in targets if t and t != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as ``[a, b, ..., a]``, or None: a depth-first search that remembers its path."""
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path, on_path = [root], {root}
        stack = [iter(sorted(graph[root]))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if child in on_path:
                return [*path[path.index(child) :], child]
            if child not in done:
                path.append(child)
                on_path.add(child)
                stack.append(iter(sorted(graph.get(child, ()))))
    return None


def our_graph() -> dict[str, set[str]]:
    modules = {}
    for package in PACKAGES:
        modules.update(modules_of(package.__name__, Path(package.__file__).parent))
    return import_graph(modules)


def write_package(root: Path, files: dict[str, str]) -> dict[str, tuple[Path, bool]]:
    for name, source in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return modules_of("pkg", root / "pkg")


def test_a_cycle_through_a_lazy_relative_import_is_found(tmp_path):
    modules = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg.sub import b\n",
            "sub/__init__.py": "",
            "sub/b.py": "def later():\n    from .. import a\n    return a\n",
        },
    )
    graph = import_graph(modules)
    assert graph["pkg.sub.b"] == {"pkg", "pkg.a"}
    assert find_cycle(graph) == ["pkg.a", "pkg.sub.b", "pkg.a"]


def test_no_cycle_when_imports_only_go_down(tmp_path):
    modules = write_package(
        tmp_path,
        {"__init__.py": "", "a.py": "import pkg.b\nimport numpy\n", "b.py": "from . import c\n", "c.py": ""},
    )
    assert find_cycle(import_graph(modules)) is None


def test_every_module_of_the_three_packages_is_in_the_graph():
    graph = our_graph()
    assert {"hypecheck.models.predictors", "hypecheck.training.train", "hypecheck.serve.cli"} <= set(graph)
    assert any(name.startswith("hypecheck.serve.batch.") for name in graph)
    assert "hypecheck.models.prediction" in graph["hypecheck.models.onnx_predictor"]


def test_the_packages_have_no_import_cycle():
    cycle = find_cycle(our_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def layer_breaches(graph: dict[str, set[str]], importer: str, forbidden: str) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module.startswith(importer + ".")
        for target in targets
        if target == forbidden or target.startswith(forbidden + ".")
    )


@pytest.mark.parametrize(
    "importer, forbidden",
    [
        ("hypecheck.models", "hypecheck.training"),
        ("hypecheck.models", "hypecheck.serve"),
        ("hypecheck.training", "hypecheck.serve"),
    ],
)
def test_lower_layers_import_nothing_above_them(importer, forbidden):
    assert layer_breaches(our_graph(), importer, forbidden) == []


def test_serve_reaches_into_training_only_where_allowed():
    graph = our_graph()
    breaches = layer_breaches(graph, "hypecheck.serve", "hypecheck.training")
    assert [b for b in breaches if b.split(" -> ")[0] not in SERVE_MAY_IMPORT_TRAINING] == []
    stale = [module for module in SERVE_MAY_IMPORT_TRAINING if module not in graph]
    assert stale == [], f"allowed importers that no longer exist: {stale}"


def test_the_layer_check_sees_a_breach():
    graph = {"hypecheck.models.x": {"hypecheck.serve.api"}, "hypecheck.serve.api": set()}
    assert layer_breaches(graph, "hypecheck.models", "hypecheck.serve") == [
        "hypecheck.models.x -> hypecheck.serve.api"
    ]
