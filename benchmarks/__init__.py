"""Benchmarks and the local-server starter they share with the tests; run from the checkout."""

from pathlib import Path

from hypecheck.models.settings import Settings


def report_path(name: str) -> Path:
    """``name`` in the project home's reports folder (created), where every benchmark writes."""
    path = Settings().reports_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
