"""Training-side commands of the ``hypecheck`` CLI: data statistics, training and evaluation."""

from __future__ import annotations

from collections import Counter

import typer
from rich.console import Console
from rich.table import Table

from training.paths import SharedDataMissing

data_app = typer.Typer(help="Inspect the labelled data.", no_args_is_help=True)
console = Console()


def _print_counts(title: str, table_counts: dict[str, Counter], total: int) -> None:
    table = Table(title=f"{title}: {total:,} units", show_lines=False)
    table.add_column("field")
    table.add_column("value")
    table.add_column("count", justify="right")
    for field, counter in table_counts.items():
        for i, (value, n) in enumerate(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))):
            table.add_row(field if i == 0 else "", value, f"{n:,}")
    console.print(table)


def _print_thresholds(title: str, checks: list) -> bool:
    table = Table(title=title)
    for column in ("threshold", "required", "actual", "met"):
        table.add_column(column)
    for check in checks:
        table.add_row(
            check.name,
            f"{check.required:,}",
            f"{check.actual:,}",
            "[green]yes[/]" if check.met else "[red]NO[/]",
        )
    console.print(table)
    return all(check.met for check in checks)


@data_app.command("stats")
def stats(
    shared: bool = typer.Option(False, "--shared", help="Also count each labelled shared corpus."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a corpus threshold is not met."),
) -> None:
    """Counts per label, topic, register and source for our data (and the shared corpora)."""
    from training.annotation import REAL_ANNOTATIONS, load_real_units
    from training.corpus import load_written_units, to_rows
    from training.stats import counts, real_thresholds, written_thresholds

    written = load_written_units()
    _print_counts("Written corpus (data/written)", counts(to_rows(written)), len(written))
    ok = _print_thresholds("Written corpus thresholds", written_thresholds(written))
    if REAL_ANNOTATIONS.exists():
        try:
            real = load_real_units()
        except SharedDataMissing as missing:
            console.print(f"[yellow]real-sentence annotations: text not rebuilt: {missing}[/]")
        else:
            _print_counts("Annotated real sentences (hashes verified)", counts(to_rows(real)), len(real))
            ok &= _print_thresholds("Real-sentence thresholds", real_thresholds(real))
    if shared:
        from training.shared_corpora import CORPORA

        for name, load in CORPORA.items():
            try:
                rows = load()
            except SharedDataMissing as missing:
                console.print(f"[yellow]{missing}[/]")
                continue
            _print_counts(f"shared: {name}", counts(rows, ("label", "source")), len(rows))
    if strict and not ok:
        raise typer.Exit(1)
