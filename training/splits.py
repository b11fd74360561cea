"""Deterministic grouped splits: a unit's split depends only on its group id and the salt.

Hashing the group (an article, a minimal pair, a PubMed id) keeps every member of a group in one
split and keeps a unit in the same split as corpora grow, without a stored assignment file.
"""

from __future__ import annotations

import hashlib

SPLITS: tuple[str, ...] = ("train", "validation", "test")
FRACTIONS: tuple[float, float] = (0.8, 0.9)  # cumulative cut points for train, validation


def split_of(group: str, salt: str = "hypecheck-1") -> str:
    """The split (``train``, ``validation`` or ``test``) of a group, 80/10/10."""
    digest = hashlib.sha256(f"{salt}:{group}".encode()).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    if position < FRACTIONS[0]:
        return "train"
    return "validation" if position < FRACTIONS[1] else "test"
