"""Optional dependencies by use: what only one door needs is an extra, and that door names it.

``pip install hypecheck`` checks, serves and batch-scores; Ray (``[ray]``), the shared corpora as
``datasets`` (``[datasets]``) and the benchmarks' load generator (``[bench]``) come with their extras.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class MissingExtra(ImportError):
    """A feature's optional dependency is not installed; the message says which extra brings it."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature``, or fail with the ``pip install`` line that provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(
            f"{feature} needs {module.split('.')[0]}, not installed here: pip install 'hypecheck[{extra}]'"
        ) from error
