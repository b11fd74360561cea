"""Benchmarks and the local-server starter they share with the tests; run from the checkout."""

import json
from pathlib import Path

from hypecheck.models.settings import Settings


def report_path(name: str) -> Path:
    """``name`` in the project home's reports folder (created), where every benchmark writes."""
    path = Settings().reports_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_report(name: str, result: dict, table: str) -> None:
    """``name``.json and ``name``.md in the reports folder, and the table on standard output."""
    report_path(f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    report_path(f"{name}.md").write_text(table)
    print(table)
