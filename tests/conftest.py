"""Shared fixtures and markers: tests that need ``../shared/data`` skip cleanly without it."""

from __future__ import annotations

import pytest

from training.paths import shared_data_dir


def shared_available() -> bool:
    return (shared_data_dir() / "fakehealth_content").is_dir()


needs_shared = pytest.mark.skipif(not shared_available(), reason="shared corpora not on this machine")
