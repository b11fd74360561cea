"""Training-side commands of the ``hypecheck`` CLI: data statistics, training and evaluation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from hypecheck.models.settings import Settings
from hypecheck.training.paths import SharedDataMissing
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from hypecheck.models.prediction import Predictor

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


METRIC_KEYS = ("macro_f1", "overclaim_f1", "auroc", "reason_micro_f1", "claim_macro_f1", "ece")


def _metrics_table(title: str, rows: list[tuple[str, str, dict]]) -> Table:
    """One row per (model, evaluation set) with the headline metrics."""
    table = Table(title=title)
    for column in ("model", "set", *METRIC_KEYS):
        table.add_column(column)
    for kind, set_name, values in rows:
        table.add_row(kind, set_name, *[f"{values[k]:.3f}" if k in values else "" for k in METRIC_KEYS])
    return table


@data_app.command("curve")
def curve(
    config: str = typer.Option("training/configs/shared.yaml", "--config", "-c", help="YAML config file."),
    model: str = typer.Option(
        "baseline", help="The model kind to train at each point: baseline or transformer."
    ),
) -> None:
    """Train at 0, 25, 50, 75 and 100% of the second data wave and write reports/learning-curve.md."""
    from hypecheck.training.config import load_config
    from hypecheck.training.learning_curve import learning_curve, write_curve

    settings = Settings()
    settings.go_offline()
    try:
        train_config = load_config(config, {"model": model}, settings)
    except (OSError, ValueError) as error:
        console.print(f"[red]hypecheck data curve: {error}[/]")
        raise typer.Exit(2) from None
    path = write_curve(learning_curve(train_config), train_config, settings.reports_dir)
    console.print(path.read_text())


@data_app.command("stats")
def stats(
    shared: bool = typer.Option(False, "--shared", help="Also count each labelled shared corpus."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 when a corpus threshold is not met."),
) -> None:
    """Counts per label, topic, register and source for our data (and the shared corpora)."""
    from hypecheck.training.annotation import load_all_real_units
    from hypecheck.training.corpus import load_document_units, load_written_units, to_rows
    from hypecheck.training.stats import counts, real_thresholds, written_thresholds

    settings = Settings()
    written = load_written_units()
    _print_counts("Written corpus (data/written)", counts(to_rows(written)), len(written))
    ok = _print_thresholds("Written corpus thresholds", written_thresholds(written))
    documents = load_document_units()
    _print_counts("Written documents (data/documents)", counts(to_rows(documents)), len(documents))
    try:
        real = load_all_real_units(settings.shared_data_dir)
    except SharedDataMissing as missing:
        console.print(f"[yellow]real-sentence annotations: text not rebuilt: {missing}[/]")
    else:
        _print_counts("Annotated real sentences (hashes verified)", counts(to_rows(real)), len(real))
        ok &= _print_thresholds("Real-sentence thresholds", real_thresholds(real))
    if shared:
        from hypecheck.training.shared_corpora import CORPORA

        for name, load in CORPORA.items():
            try:
                rows = load(settings.shared_data_dir)
            except SharedDataMissing as missing:
                console.print(f"[yellow]{missing}[/]")
                continue
            _print_counts(f"shared: {name}", counts(rows, ("label", "source")), len(rows))
    if strict and not ok:
        raise typer.Exit(1)


def train(
    config: str = typer.Option("training/configs/default.yaml", "--config", "-c", help="YAML config file."),
    overrides: list[str] = typer.Option([], "--set", help="Override a config key: --set epochs=2."),
    no_track: bool = typer.Option(False, "--no-track", help="Do not log to MLflow or register."),
) -> None:
    """Train the model(s) of a config, evaluate them and register them in MLflow."""
    train_with(Settings(), config, overrides, track=not no_track)


def train_with(settings: Settings, config: str, overrides: list[str], *, track: bool) -> None:
    """``hypecheck train`` with the caller's settings: where data, artifacts, reports and runs go."""
    from hypecheck.training.config import load_config, parse_overrides
    from hypecheck.training.train import run

    settings.go_offline()
    try:
        train_config = load_config(config, parse_overrides(overrides), settings)
    except (OSError, ValueError) as error:
        console.print(f"[red]hypecheck train: {error}[/]")
        raise typer.Exit(2) from None
    results = run(train_config, track=track)
    console.print(
        _metrics_table("results", [(r["kind"], name, m) for r in results for name, m in r["metrics"].items()])
    )
    for result in results:
        extra = f", registered version {result['version']}" if "version" in result else ""
        champion = " (champion)" if result.get("champion") else ""
        console.print(
            f"{result['kind']}: {result['wall_s']:.0f}s, bundle {result['bundle']}{extra}{champion}; "
            f"report {result['report']}"
        )


def ship(
    model: str = typer.Option(
        None, help="Transformer bundle folder or models:/ URI (default: the champion)."
    ),
    sample: Path = typer.Option(
        Path("serve/examples/sample_article.md"), help="A text of our own to record reference scores on."
    ),
    refresh: bool = typer.Option(
        False, "--refresh", help="Re-measure the shipped files as served today; no model is packed."
    ),
    config: str | None = typer.Option(
        None,
        "--config",
        "-c",
        help="Config the held-out sets come from (default: the one the model was trained with).",
    ),
) -> None:
    """Regenerate the champion shipped in the package (models/champion) from a registered model."""
    from hypecheck.models.bundle import BundleInfo
    from hypecheck.models.registry import ModelNotFound
    from hypecheck.training.ship import pack_champion, refresh_record, shipped_dir, training_record

    settings = Settings().with_options(model=model)
    settings.go_offline()
    if refresh:
        served = refresh_record(shipped_dir(), settings=settings)["metrics"]["served"]
        console.print(
            _metrics_table("shipped champion, as served", [("served", n, m) for n, m in served.items()])
        )
        return
    try:
        bundle = settings.bundle()
        info = BundleInfo.load(bundle)
        documents = [sample.read_text(encoding="utf-8")]
    except (ModelNotFound, OSError) as error:
        console.print(f"[red]hypecheck ship: {error}[/]")
        raise typer.Exit(2) from None
    if info.kind != "transformer":
        console.print(f"[red]hypecheck ship: {bundle} holds a {info.kind} model; only transformers ship[/]")
        raise typer.Exit(2)
    trained = training_record(info.version, tracking_uri=settings.mlflow_uri)
    try:
        record = pack_champion(
            bundle, trained, shipped_dir(), settings=settings, documents=documents, config_name=config
        )
    except FileNotFoundError as error:
        console.print(f"[red]hypecheck ship: {error} (--config)[/]")
        raise typer.Exit(2) from None
    rows = [
        (f"{model_kind} ({record['form']})", name, m)
        for model_kind, sets in record["metrics"].items()
        for name, m in sets.items()
    ]
    console.print(_metrics_table(f"{info.name} {info.version}", rows))
    verdict = "matches the full-precision model" if record["passed"] else "does NOT match (see record.json)"
    console.print(f"shipped {record['form']}, {record['bytes']:,} bytes, {verdict} -> {shipped_dir()}")


def evaluate(
    model: str = typer.Option(None, help="Bundle folder or models:/ URI (default: the champion)."),
    config: str = typer.Option(
        "training/configs/default.yaml", "--config", "-c", help="Config whose data defines the held-out sets."
    ),
    name: str = typer.Option("evaluate", help="Report name under reports/."),
    data: Path | None = typer.Option(
        None, help="Labelled units (JSONL, one per line) to evaluate instead of the config's sets."
    ),
    overclaim_threshold: float | None = typer.Option(
        None, help="Override the model's calibrated overclaim threshold."
    ),
    disable_reason: list[str] = typer.Option([], help="A reason not to flag (repeatable)."),
    reports: Path | None = typer.Option(None, help="Folder for the report (default: the home's reports/)."),
    blind: bool = typer.Option(
        False,
        "--blind",
        help="Score the locked blind test set instead, once per model (a model scored before gets its "
        "recorded result); the model's own thresholds only.",
    ),
) -> None:
    """Evaluate a model on every held-out set through the scoring path; write a report and every
    scored sentence (NAME.predictions.jsonl)."""
    from hypecheck.models.labels import LabelError, LabelledUnit
    from hypecheck.models.registry import ModelNotFound
    from hypecheck.models.scoring import ScoreOptions
    from hypecheck.training.annotation import read_jsonl
    from hypecheck.training.config import load_config
    from hypecheck.training.evaluate import evaluate as run_evaluation
    from hypecheck.training.evaluate import evaluation_sets, write_report
    from hypecheck.training.examples import Example, from_unit
    from hypecheck.training.train import reference_splits

    settings = Settings().with_options(model=model)
    settings.go_offline()
    sets: dict[str, list[Example]] = {}
    try:
        options = ScoreOptions(
            triggers=False,
            suggestions=False,
            overclaim_threshold=overclaim_threshold,
            disabled_reasons=frozenset(disable_reason),
        )
        predictor = settings.predictor()
        if data is not None:
            sets = {data.stem: [from_unit(LabelledUnit.from_dict(row)) for row in read_jsonl(data)]}
    except (ModelNotFound, FileNotFoundError, LabelError, ValueError) as error:
        console.print(f"[red]hypecheck evaluate: {error}[/]")
        raise typer.Exit(2) from None
    if blind:
        _evaluate_blind(
            predictor,
            settings,
            name,
            reports,
            overridden=data is not None or overclaim_threshold is not None or bool(disable_reason),
        )
        return
    if data is None:
        # the held-out sets built as the model reads them (with its context mode)
        train_config = load_config(config, {"context": predictor.info.context}, settings)
        splits = reference_splits(train_config)
        sets = {"validation": splits["validation"], **evaluation_sets(train_config, splits)}
    metrics, predictions = run_evaluation(predictor, sets, options)
    report = write_report(name, predictor, sets, metrics, predictions, reports or settings.reports_dir)
    title = f"{predictor.info.name} {predictor.info.version}"
    console.print(_metrics_table(title, [(predictor.info.kind, n, m) for n, m in metrics.items()]))
    console.print(f"report: {report}")


def _evaluate_blind(
    predictor: Predictor, settings: Settings, name: str, reports: Path | None, *, overridden: bool
) -> None:
    """Score the blind test once for this model and record it; print the recorded result after."""
    from hypecheck.training.blind import blind_examples, record, recorded
    from hypecheck.training.evaluate import evaluate as run_evaluation
    from hypecheck.training.evaluate import write_report

    if overridden:
        console.print(
            "[red]hypecheck evaluate --blind: the blind set takes the model as it is (no --data, "
            "--overclaim-threshold or --disable-reason)[/]"
        )
        raise typer.Exit(2)
    earlier = recorded(predictor.info)
    if earlier is None:
        try:
            sets = {"blind_test": blind_examples(settings.shared_data_dir, predictor.info.context)}
        except SharedDataMissing as missing:
            console.print(f"[red]hypecheck evaluate --blind: {missing}[/]")
            raise typer.Exit(2) from None
        metrics, predictions = run_evaluation(predictor, sets)
        report = write_report(
            f"{name}-blind", predictor, sets, metrics, predictions, reports or settings.reports_dir
        )
        earlier = record(predictor.info, metrics["blind_test"])
        console.print(f"report: {report}")
    else:
        console.print(
            f"[yellow]scored on the blind set before ({earlier['scored_at']}); its recorded result:[/]"
        )
    title = f"{predictor.info.name} {predictor.info.version} (blind, {earlier['model']})"
    console.print(_metrics_table(title, [(predictor.info.kind, "blind_test", earlier["metrics"])]))


rewriter_app = typer.Typer(help="The learned rewriter: train it, measure it.", no_args_is_help=True)


@rewriter_app.command("train")
def rewriter_train(
    model: str = typer.Option(
        None, help="Bundle folder or models:/ URI whose encoder it reads (default: the champion)."
    ),
    out: list[Path] = typer.Option(
        None,
        "--out",
        help="Folders to write rewriter.json and rewriter.safetensors into (default: the bundle's).",
    ),
) -> None:
    """Train the rewriter on the rewrite pairs' train split; validation picks learned or rules per reason."""
    from hypecheck.models.predictors import load_predictor
    from hypecheck.training.rewrite_pairs import load_pairs
    from hypecheck.training.rewriter import train_rewriter

    settings = Settings().with_options(model=model)
    settings.go_offline()
    bundle = settings.bundle()
    predictor = load_predictor(bundle, backend=settings.backend)
    rewriter, record = train_rewriter(predictor, load_pairs(settings.shared_data_dir, predictor.info.context))
    for folder in out or [bundle]:
        rewriter.save(folder, trained=record)
    table = Table("reason", "validation overclaims", "learned passed", "rules passed", "preferred")
    for reason, row in record["validation_pass_rate"].items():
        table.add_row(reason, str(row["n"]), f"{row['learned']:.0%}", f"{row['rules']:.0%}", row["prefer"])
    console.print(table)
    console.print(
        f"{record['tagged']} of {record['pairs']} pairs tagged, {record['vocabulary']} phrases -> "
        + ", ".join(map(str, out or [bundle]))
    )


@rewriter_app.command("evaluate")
def rewriter_evaluate(
    model: str = typer.Option(None, help="Bundle folder or models:/ URI (default: the champion)."),
    judgements: Path = typer.Option(None, help="The blind annotator's judgements of rewrites/blind.jsonl."),
    split: str = typer.Option(
        "test", help="test, or validation for tuning the rules (its report goes to rewrites-validation/)."
    ),
) -> None:
    """Coverage, the check's figures and the blind judgement of rewrites, on a split's real
    overclaims and written pairs (writes rewrites/ in the reports folder; rewrites-<split>/ for any
    other split, so tuning never overwrites the test report)."""
    from hypecheck.models.predictors import load_predictor
    from hypecheck.training.rewrite_eval import evaluate_rewrites, markdown
    from hypecheck.training.rewrite_pairs import load_pairs, real_overclaims

    if split not in {"test", "validation"}:
        console.print(f"[red]hypecheck rewriter evaluate: --split is test or validation, not {split}[/]")
        raise typer.Exit(2)
    settings = Settings().with_options(model=model)
    settings.go_offline()
    predictor = load_predictor(settings.bundle(), backend=settings.backend)
    mode = predictor.info.context
    try:
        real = real_overclaims(settings.shared_data_dir, mode, split)
    except SharedDataMissing as missing:
        console.print(f"[red]hypecheck rewriter evaluate: {missing}[/]")
        raise typer.Exit(2) from None
    written = [p for p in load_pairs(settings.shared_data_dir, mode) if p.split == split and p.kind != "real"]
    folder = settings.reports_dir / ("rewrites" if split == "test" else f"rewrites-{split}")
    report = evaluate_rewrites(
        predictor, {f"real_{split}": real, f"written_{split}": written}, folder, judgements
    )
    console.print(markdown(report))
