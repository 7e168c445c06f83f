"""Lookalike detection: one small module per technique, run in order by `LookalikeDetector`.

A detector receives a target whose registrable domain is neither official nor popular, and
returns the reasons it finds (possibly none). Detectors never do I/O: every structure they
probe is built once into the `BrandIndex` when the engine loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


class LookalikeDetector:
    """Every technique over one shared analysis of the visited name, most specific first.

    A brand is reported once, by the first technique that explains the trick best: an exact
    brand name on another suffix (tld-swap) before script tricks, homoglyphs, embedded
    domains, bit flips, typos and finally combinations with other words.
    """

    name = "lookalike"

    def __init__(self) -> None:
        from lureguard.lookalike.bitsquat import detect_bitsquat
        from lureguard.lookalike.combosquat import detect_combosquat
        from lureguard.lookalike.embedding import detect_embedding
        from lureguard.lookalike.homoglyph import detect_homoglyph
        from lureguard.lookalike.idn import detect_idn
        from lureguard.lookalike.tldswap import detect_tld_swap
        from lureguard.lookalike.typo import detect_typo
        from lureguard.lookalike.visit import Visit

        self._visit = Visit
        self.techniques: list[Callable[[Visit], list[Reason]]] = [
            detect_tld_swap,
            detect_idn,
            detect_homoglyph,
            detect_embedding,
            detect_bitsquat,
            detect_typo,
            detect_combosquat,
        ]

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """All techniques' reasons, at most one per brand."""
        if not target.domain_label:
            return ()
        visit = self._visit(target, index)
        reasons: list[Reason] = []
        seen: set[str] = set()
        for technique in self.techniques:
            found = technique(visit)
            if found:  # rarely: most names match no technique
                for one in found:
                    if one.rule_id not in seen:
                        seen.add(one.rule_id)
                        reasons.append(one)
        return reasons


def default_detectors() -> list[Detector]:
    """The detectors the engine runs."""
    return [LookalikeDetector()]
