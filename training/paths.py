"""Where the shared corpora live: ``HYPECHECK_DATA_DIR`` or ``../shared/data`` beside the checkout.

They are read in place and never copied into the repository (research-only licences, some GPL).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR_ENV = "HYPECHECK_DATA_DIR"


class SharedDataMissing(FileNotFoundError):
    """The shared corpora (or one of them) are not on this machine."""


def shared_data_dir() -> Path:
    """The configured shared-data directory, whether or not it exists."""
    configured = os.environ.get(DATA_DIR_ENV)
    return Path(configured).expanduser() if configured else REPO_ROOT.parent / "shared" / "data"


def corpus_dir(name: str) -> Path:
    """The folder of one shared corpus, or :class:`SharedDataMissing` with a one-line hint."""
    path = shared_data_dir() / name
    if not path.is_dir():
        raise SharedDataMissing(
            f"shared corpus {name!r} not found at {path} (set {DATA_DIR_ENV} to the folder that holds it)"
        )
    return path
