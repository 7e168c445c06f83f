"""Lookalike detection: one module per technique, each a `Detector` over a `BrandIndex`.

A detector receives a target whose registrable domain is neither official nor popular, and
returns the reasons it finds (possibly none). Detectors never do I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from lureguard.hosts import Target
from lureguard.lookalike.index import BrandIndex
from lureguard.verdict import Reason


class Detector(Protocol):
    """One lookalike technique."""

    name: str

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """Reasons `target` imitates a protected brand (empty when it does not)."""
        ...


def default_detectors() -> list[Detector]:
    """The detectors the engine runs, cheapest and most certain first."""
    from lureguard.lookalike.homoglyph import HomoglyphDetector

    return [HomoglyphDetector()]
