"""The ``hypecheck`` command: one entry point with a subcommand per job.

Scoring commands live here; the training-side commands (``data``, ``train``, ``evaluate``) are
mounted from ``hypecheck.training.cli``, the one place where ``serve`` reaches into ``training``.
Exit codes of ``check``: 0 nothing flagged, 1 flagged, 2 usage or input error. Each command reads
the settings (:class:`hypecheck.models.settings.Settings`) once and passes their values on.
"""

from __future__ import annotations

import contextlib
import sys
from importlib import resources
from pathlib import Path

import typer
from hypecheck.models.settings import Settings
from hypecheck.serve.input_errors import InputError
from hypecheck.training.cli import data_app, evaluate, rewriter_app, ship, train

app = typer.Typer(
    name="hypecheck",
    help="Find hype and overclaiming in health writing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")
app.add_typer(rewriter_app, name="rewriter")
app.command("train")(train)
app.command("evaluate")(evaluate)
app.command("ship")(ship)

SAMPLE = resources.files("hypecheck.serve") / "examples" / "sample_article.md"


@app.callback()
def _offline() -> None:
    Settings.go_offline()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"hypecheck: {message}", err=True)
    return typer.Exit(2)


def _refuse(error: InputError) -> typer.Exit:
    """Input we cannot score: its message and its code (the API's error code, batch's reason)."""
    return _fail(f"{error.message} [{error.code}]")


def _ensure_champion(settings: Settings) -> None:
    """Asked for the default champion in a store that has none, register the champion shipped in
    the package first (once per store, about a minute): every user scores with it from the start."""
    from hypecheck.models.registry import ModelNotFound
    from hypecheck.training.ship import register_shipped

    if settings.model:
        return
    try:
        settings.bundle()
    except ModelNotFound:
        typer.echo("First use: registering the shipped champion in the local MLflow store.", err=True)
        registered = register_shipped(settings.artifacts_dir, tracking_uri=settings.mlflow_uri)
        typer.echo(f"Registered version {registered['version']} as the champion.", err=True)


def _predictor(settings: Settings):  # noqa: ANN202 - models.predictors is imported lazily
    from hypecheck.models.bundle import UntrustedBundle
    from hypecheck.models.registry import ModelNotFound

    try:
        _ensure_champion(settings)
        return settings.predictor()
    except (ModelNotFound, FileNotFoundError, UntrustedBundle) as error:
        raise _fail(str(error)) from None


@app.command()
def check(
    files: list[str] = typer.Argument(..., help="Text, Markdown or HTML files; - reads standard input."),
    output: str = typer.Option("text", "--format", "-f", help="text, json, vale or github."),
    min_score: float | None = typer.Option(None, help="Only report sentences scoring at least this."),
    fail_on: str | None = typer.Option(None, help="any (default), never, or a reason name."),
    model: str | None = typer.Option(None, help="Bundle folder or models:/ URI (default: the champion)."),
    config: Path | None = typer.Option(None, help="Project config (default: nearest .hypecheck.toml)."),
    overclaim_threshold: float | None = typer.Option(
        None, help="Override the model's calibrated overclaim threshold (and the config's)."
    ),
    disable_reason: list[str] = typer.Option(
        [], help="A reason not to flag, besides the config's (repeatable)."
    ),
    color: bool | None = typer.Option(
        None, "--color/--no-color", help="Colour text output (default: if a tty)."
    ),
    trust_bundle: bool = typer.Option(
        False, "--trust-bundle", help="Open a bundle holding pickled files (they run code): yours only."
    ),
) -> None:
    """Check drafts for overclaiming: one line per flagged sentence, with reasons and a rewrite."""
    from dataclasses import replace

    from hypecheck.models.scoring import score_documents
    from hypecheck.serve.findings import ProjectConfig, check_fail_on, fails, findings
    from hypecheck.serve.formats import FORMATS
    from hypecheck.serve.inputs import read_path

    if output not in FORMATS:
        raise _fail(f"unknown format {output!r} (one of {', '.join(FORMATS)})")
    settings = Settings().with_options(model=model, trust_bundle=trust_bundle)
    try:
        config = config or settings.project_config(Path.cwd())
        project = ProjectConfig.load(config) if config else ProjectConfig()
        if fail_on is not None:
            check_fail_on(fail_on, "--fail-on")
            project = replace(project, fail_on=fail_on)
        if min_score is not None:
            project = replace(project, min_score=min_score)
        options = replace(
            project.options,
            overclaim_threshold=project.options.overclaim_threshold
            if overclaim_threshold is None
            else overclaim_threshold,
            disabled_reasons=project.options.disabled_reasons | set(disable_reason),
        )
        documents = [read_path(path) for path in files]
    except InputError as error:
        raise _refuse(error) from None
    except (ValueError, OSError) as error:
        raise _fail(str(error)) from None
    predictor = _predictor(settings)
    scores = score_documents(predictor, [d.text for d in documents], options)
    checked = [(d, s, findings(d, s, project)) for d, s in zip(documents, scores, strict=True)]
    use_color = sys.stdout.isatty() if color is None else color
    typer.echo(FORMATS[output](checked, use_color))
    raise typer.Exit(1 if fails([f for _, _, found in checked for f in found], project.fail_on) else 0)


@app.command()
def demo() -> None:
    """The main job: check a sample article with the champion (the shipped one on first use)."""
    with resources.as_file(SAMPLE) as sample:
        shown = sample.relative_to(Path.cwd()) if sample.is_relative_to(Path.cwd()) else sample
        typer.echo(f"\nChecking {shown}:\n")
        with contextlib.suppress(typer.Exit):
            check(
                files=[str(sample)],
                output="text",
                min_score=None,
                fail_on="never",
                model=None,
                config=None,
                overclaim_threshold=None,
                disable_reason=[],
                color=None,
                trust_bundle=False,
            )


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind."),
    port: int = typer.Option(8000, help="Port to bind."),
    model: str | None = typer.Option(
        None, help="Bundle folder or models:/ URI (else HYPECHECK_MODEL, else the champion)."
    ),
    trust_bundle: bool = typer.Option(
        False, "--trust-bundle", help="Open a bundle holding pickled files (they run code): yours only."
    ),
    log_level: str = typer.Option("info", help="uvicorn's log level (warning: no access log)."),
) -> None:
    """Run the HTTP API and the editors' page under uvicorn (settings: HYPECHECK_* variables)."""
    import uvicorn
    from hypecheck.serve.api import create_app
    from hypecheck.serve.settings import ServeSettings

    settings = ServeSettings().with_options(model=model, trust_bundle=trust_bundle)
    _ensure_champion(settings)  # before the first request, not during it
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=log_level,
        access_log=True,
        proxy_headers=False,  # X-Forwarded-For is anyone's to write: the peer address is the client
    )


OUTPUT_SUFFIXES = (".jsonl", ".parquet")


def _batch_output(inputs: list[Path], output: Path | None) -> tuple[list[Path], Path]:
    """``--output OUT``, or, as with ``cp``, the last argument: ``hypecheck batch IN.jsonl OUT.jsonl``.
    A last argument that exists and is no batch output of ours is taken for an input, not replaced."""
    if output is not None:
        return inputs, output
    *rest, last = inputs
    if not rest or last.suffix.lower() not in OUTPUT_SUFFIXES:
        raise ValueError("name the output: --output OUT.jsonl|OUT.parquet, or IN... OUT.jsonl")
    ours = last.with_name(last.name + ".checkpoint.json")
    if last.exists() and not ours.is_file():
        raise ValueError(f"{last} exists and is not a batch output; pass --output to say where to write")
    return rest, last


@app.command()
def batch(
    inputs: list[Path] = typer.Argument(
        ..., help="JSONL, JSON, CSV, Parquet, HTML or WARC files, or folders of them; then OUT unless -o."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Output file, .jsonl or .parquet."),
    output_format: str | None = typer.Option(
        None, "--format", help="jsonl or parquet (default: from the output's suffix)."
    ),
    unit: str = typer.Option(
        "article", help="article: split each record into sentences; sentence: each record is one unit."
    ),
    level: str | None = typer.Option(
        None, help="article: a row per article; sentence: a row per sentence (default with --unit sentence)."
    ),
    engine: str = typer.Option("local", help="local, or ray (Ray Data; RAY_ADDRESS joins a cluster)."),
    workers: int | None = typer.Option(None, help="Ray actors (default: one per CPU of the cluster)."),
    id_field: str = typer.Option("id", help="Field holding the id (else: where the record was read)."),
    text_field: str = typer.Option("text", help="Field holding the text."),
    title_field: str | None = typer.Option(None, help="Field holding a title, scored before the text."),
    chunk_size: int = typer.Option(128, help="Records scored and committed together."),
    max_chars: int = typer.Option(100_000, help="Longer articles go to the errors file."),
    triggers: bool = typer.Option(False, "--triggers/--no-triggers", help="Find trigger words (slow)."),
    rewrites: bool = typer.Option(
        False, "--rewrites/--no-rewrites", help="A checked rewrite beside each overclaim's advice (slower)."
    ),
    overclaim_threshold: float | None = typer.Option(
        None, help="Override the model's calibrated overclaim threshold."
    ),
    disable_reason: list[str] = typer.Option([], help="A reason not to flag (repeatable)."),
    model: str | None = typer.Option(None, help="Bundle folder or models:/ URI."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress bar."),
    trust_bundle: bool = typer.Option(
        False, "--trust-bundle", help="Open a bundle holding pickled files (they run code): yours only."
    ),
) -> None:
    """Score a collection or a crawl. Bad records go to OUTPUT.errors.jsonl with a reason; after a
    kill, the same command again resumes from OUTPUT.checkpoint.json and gives the same output."""
    from hypecheck.models.bundle import UntrustedBundle, check_no_pickles
    from hypecheck.models.extras import MissingExtra, require
    from hypecheck.models.registry import ModelNotFound
    from hypecheck.serve.batch import BatchJob, Fields, run_batch
    from hypecheck.serve.batch.checkpoint import CheckpointMismatch
    from hypecheck.serve.batch.runner import ENGINES

    try:
        inputs, output = _batch_output(inputs, output)
        job = BatchJob(
            inputs=tuple(inputs),
            output=output,
            format=output_format or ("parquet" if output.suffix.lower() == ".parquet" else "jsonl"),
            level=level or ("sentence" if unit == "sentence" else "article"),
            unit=unit,
            fields=Fields(id=id_field, text=text_field, title=title_field),
            chunk_size=chunk_size,
            max_chars=max_chars,
            triggers=triggers,
            rewrites=rewrites,
            overclaim_threshold=overclaim_threshold,
            disabled_reasons=frozenset(disable_reason),
        )
        if engine not in ENGINES:
            raise ValueError(f"--engine is one of {', '.join(ENGINES)}")
        if engine == "ray":
            require("ray.data", "ray", "--engine ray")
        settings = Settings().with_options(model=model, trust_bundle=trust_bundle)
        _ensure_champion(settings)
        bundle = settings.bundle()
        check_no_pickles(bundle, settings.trust_bundle)
    except (ValueError, ModelNotFound, UntrustedBundle, MissingExtra) as error:
        raise _fail(str(error)) from None
    try:
        stats = run_batch(
            job,
            bundle,
            engine=engine,
            workers=workers,
            progress=progress,
            backend=settings.backend,
            threads=settings.threads,
            trust_bundle=settings.trust_bundle,
            ray_address=settings.ray_address,
        )
    except InputError as error:
        raise _refuse(error) from None
    except (ValueError, CheckpointMismatch) as error:
        raise _fail(str(error)) from None
    except OSError as error:
        raise _fail(str(error)) from None
    if stats.already_done:
        typer.echo(f"{output} is complete already (delete {job.checkpoint_path.name} to score again)")
        return
    typer.echo(
        f"{stats.articles} articles ({stats.sentences} sentences) scored, {stats.errors} errors "
        f"-> {output}, {job.errors_path} in {stats.seconds:.1f}s"
        + (f" (resumed after {stats.resumed_at} records)" if stats.resumed_at else "")
    )


@app.command()
def compare(
    news: Path = typer.Argument(..., help="The news story or press release (text, Markdown or HTML)."),
    source: Path = typer.Argument(..., help="The abstract or paper text it reports on."),
    model: str | None = typer.Option(None, help="Bundle folder or models:/ URI."),
    trust_bundle: bool = typer.Option(
        False, "--trust-bundle", help="Open a bundle holding pickled files (they run code): yours only."
    ),
) -> None:
    """Flag claims in NEWS stronger than SOURCE supports (Sumner et al. 2014 categories)."""
    from hypecheck.models.compare import compare_scores
    from hypecheck.models.scoring import ScoreOptions, score_documents
    from hypecheck.serve.inputs import read_path

    try:
        news_doc, source_doc = read_path(str(news)), read_path(str(source))
    except InputError as error:
        raise _refuse(error) from None
    predictor = _predictor(Settings().with_options(model=model, trust_bundle=trust_bundle))
    options = ScoreOptions(triggers=False, suggestions=False)
    news_score, source_score = score_documents(predictor, [news_doc.text, source_doc.text], options)
    result = compare_scores(news_score, source_score)
    typer.echo(result.model_dump_json(indent=1))
    raise typer.Exit(1 if result.summary.exaggerated else 0)


@app.command()
def export(
    model: Path = typer.Option(..., help="Transformer bundle folder; the ONNX files are written into it."),
    config: str | None = typer.Option(
        None, "--config", "-c", help="Config whose data defines validation (default: the bundle's own)."
    ),
    no_track: bool = typer.Option(False, "--no-track", help="Do not log the gate to MLflow."),
) -> None:
    """Export a transformer to ONNX fp32 and int8; int8 is served only if, on validation, its
    macro-F1 and AUROC stay within half a point of PyTorch fp32 (written to MODEL/onnx.json)."""
    import json

    from hypecheck.models.bundle import BundleInfo
    from hypecheck.models.onnx_export import export_bundle, log_to_registry, write_record
    from hypecheck.training.config import config_path, load_config
    from hypecheck.training.evaluate import evaluate
    from hypecheck.training.tracking import MODEL_NAME
    from hypecheck.training.train import reference_splits

    try:
        info = BundleInfo.load(model)
    except FileNotFoundError as error:
        raise _fail(str(error)) from None
    if info.kind != "transformer":
        raise _fail(f"{model} holds a {info.kind} model; only transformers are exported")
    path = config_path(config or info.training.get("config", "default"))
    if not path.is_file():
        raise _fail(f"no config {path} (pass --config)")
    settings = Settings()
    validation = reference_splits(load_config(str(path), {"context": info.context}, settings))["validation"]
    record = export_bundle(model, lambda p: evaluate(p, {"validation": validation})[0]["validation"])
    record["registry"] = (
        {"logged": False, "why": "--no-track"}
        if no_track
        else log_to_registry(model, record, MODEL_NAME, tracking_uri=settings.mlflow_uri)
    )
    write_record(model, record)
    typer.echo(json.dumps(record, indent=1))
    verdict = "passed: int8 is served" if record["passed"] else "FAILED: PyTorch fp32 stays in service"
    typer.echo(f"int8 gate {verdict}; MLflow: {record['registry'].get('why') or 'logged'}")


if __name__ == "__main__":
    app()
