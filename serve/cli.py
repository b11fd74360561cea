"""The ``hypecheck`` command: one entry point with a subcommand per job.

Scoring commands live here; the training-side groups (``data``, ``train``, ``evaluate``) are
mounted from ``training.cli``, the one place where ``serve`` reaches into ``training``.
"""

from __future__ import annotations

import typer

from training.cli import data_app

app = typer.Typer(
    name="hypecheck",
    help="Find hype and overclaiming in health writing.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(data_app, name="data")


if __name__ == "__main__":
    app()
