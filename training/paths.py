"""Where training reads from: the checkout's own labelled data, and the shared corpora's folder.

The shared corpora are read in place and never copied into the repository (research-only licences,
some GPL). Their folder is a setting (``HYPECHECK_DATA_DIR``, default ``../shared/data`` beside the
project home) that the entry points resolve and pass down.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class SharedDataMissing(FileNotFoundError):
    """The shared corpora (or one of them) are not on this machine."""


def corpus_dir(data_dir: Path, name: str) -> Path:
    """The folder of one shared corpus, or :class:`SharedDataMissing` with a one-line hint."""
    path = data_dir / name
    if not path.is_dir():
        raise SharedDataMissing(
            f"shared corpus {name!r} not found at {path} (set HYPECHECK_DATA_DIR to the folder that holds it)"
        )
    return path
