"""Lookalike detection: one small module per technique, run in order by `LookalikeDetector`.

A detector receives a target whose registrable domain is neither official nor popular, and
returns the reasons it finds (possibly none). Detectors never do I/O: every structure they
probe is built once into the `BrandIndex` when the engine loads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from lureguard.hosts import Target
from lureguard.lookalike.index import BrandIndex
from lureguard.verdict import Reason

if TYPE_CHECKING:
    from lureguard.lookalike.visit import Visit


class Detector(Protocol):
    """One lookalike technique."""

    name: str

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """Reasons `target` imitates a protected brand (empty when it does not)."""
        ...


#: Registrable domains whose label-only reasons a detector remembers (a few MB at most; the
#: proxy remembers as many hosts, `proxy.checker.CACHE_LIMIT`).
DOMAIN_CACHE = 20_000

_NO_REASONS: tuple[Reason, ...] = ()


class LookalikeDetector:
    """Every technique over one shared analysis of the visited name, most specific first.

    A brand is reported once, by the first technique that explains the trick best: an exact
    brand name on another suffix (tld-swap) before script tricks, homoglyphs, embedded
    domains, bit flips, typos and finally combinations with other words.

    Only target embedding looks at the subdomains; every other technique depends on the
    registrable domain alone, so their reasons are remembered per registrable domain
    (`api.x.com` and `www.x.com` are judged once). The memory is bounded (`DOMAIN_CACHE`
    domains, then it starts afresh) and tied to the index it was computed with.
    """

    name = "lookalike"

    def __init__(self, cache_size: int = DOMAIN_CACHE) -> None:
        from lureguard.lookalike.bitsquat import detect_bitsquat
        from lureguard.lookalike.combosquat import detect_combosquat
        from lureguard.lookalike.embedding import detect_embedding
        from lureguard.lookalike.homoglyph import detect_homoglyph
        from lureguard.lookalike.idn import detect_idn
        from lureguard.lookalike.tldswap import detect_tld_swap
        from lureguard.lookalike.typo import detect_typo
        from lureguard.lookalike.visit import Visit

        self._visit = Visit
        #: techniques on the registrable domain, before and after embedding (order matters)
        self.before: list[Callable[[Visit], list[Reason]]] = [
            detect_tld_swap,
            detect_idn,
            detect_homoglyph,
        ]
        self.embedding: Callable[[Visit], list[Reason]] = detect_embedding
        self.after: list[Callable[[Visit], list[Reason]]] = [
            detect_bitsquat,
            detect_typo,
            detect_combosquat,
        ]
        self.cache_size = cache_size
        self._by_domain: dict[str, tuple[BrandIndex, tuple[Reason, ...], tuple[Reason, ...]]] = {}

    @property
    def techniques(self) -> list[Callable[[Visit], list[Reason]]]:
        """Every technique in reporting order."""
        return [*self.before, self.embedding, *self.after]

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """All techniques' reasons, at most one per brand."""
        if not target.domain_label:
            return ()
        visit = self._visit(target, index)
        domain = target.registered_domain
        known = self._by_domain.get(domain)
        if known is not None and known[0] is index:
            before, after = known[1], known[2]
        else:
            before = _run(self.before, visit)
            after = _run(self.after, visit)
            if len(self._by_domain) >= self.cache_size:
                self._by_domain.clear()  # bounded; clearing is atomic, so threads may share it
            self._by_domain[domain] = (index, before, after)
        embedded = self.embedding(visit)
        if not (before or embedded or after):
            return []
        reasons: list[Reason] = []
        seen: set[str] = set()
        for found in (before, embedded, after):
            for one in found:
                if one.rule_id not in seen:
                    seen.add(one.rule_id)
                    reasons.append(one)
        return reasons


def _run(techniques: list[Callable[[Visit], list[Reason]]], visit: Visit) -> tuple[Reason, ...]:
    """The reasons of several techniques in order (a shared empty tuple when none)."""
    found: list[Reason] = []
    for technique in techniques:
        more = technique(visit)
        if more:  # rarely: most names match no technique
            found.extend(more)
    return tuple(found) if found else _NO_REASONS


def default_detectors() -> list[Detector]:
    """The detectors the engine runs."""
    return [LookalikeDetector()]
