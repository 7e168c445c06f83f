"""Lookalike detection: one small module per technique, run in order by `LookalikeDetector`.

A detector receives a target whose registrable domain is neither official nor popular, and
returns the reasons it finds (possibly none). Detectors never do I/O: every structure they
probe is built once into the `BrandIndex` when the engine loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Protocol

from lureguard.hosts import Target
from lureguard.lookalike.bitsquat import detect_bitsquat
from lureguard.lookalike.combosquat import detect_combosquat
from lureguard.lookalike.embedding import detect_embedding
from lureguard.lookalike.foreign import detect_foreign
from lureguard.lookalike.homoglyph import detect_homoglyph
from lureguard.lookalike.idn import detect_idn
from lureguard.lookalike.index import BrandIndex
from lureguard.lookalike.numbered import detect_numbered
from lureguard.lookalike.subdomain import detect_subdomain_names
from lureguard.lookalike.suspicious import detect_suspicious
from lureguard.lookalike.tldswap import detect_tld_swap
from lureguard.lookalike.typo import detect_typo
from lureguard.lookalike.visit import Visit
from lureguard.verdict import Reason


class Detector(Protocol):
    """One lookalike technique."""

    name: str

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons `target` imitates a protected brand (empty when it does not); `notices=False`
        may skip what can only be a notice."""
        ...


#: Registrable domains whose label-only reasons a detector remembers (a few MB at most; the
#: proxy remembers as many hosts, `proxy.checker.CACHE_LIMIT`).
DOMAIN_CACHE: Final = 20_000

_NO_REASONS: Final[tuple[Reason, ...]] = ()


class LookalikeDetector:
    """Every technique over one shared analysis of the visited name, most specific first.

    A brand is reported once, by the first technique that explains the trick best: an exact
    brand name on another suffix (tld-swap) before script tricks, homoglyphs, embedded
    domains, bit flips, typos and finally combinations with other words.

    A label with a serial number (`numbered.py`) is judged without it when nothing else is
    found in it. Only target embedding and subdomain names (`subdomain.py`, asked only when
    nothing else is found) look at the subdomains; every other technique depends on the registrable
    domain alone, so their reasons are remembered per registrable domain (`api.x.com` and
    `www.x.com` are judged once). The memory is bounded (`DOMAIN_CACHE` domains, then it
    starts afresh) and tied to the index it was computed with.
    """

    name = "lookalike"

    def __init__(self, cache_size: int = DOMAIN_CACHE) -> None:
        self.cache_size = cache_size
        self._by_domain: dict[str, tuple[BrandIndex, tuple[Reason, ...], tuple[Reason, ...]]] = {}

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """All techniques' reasons, at most one per brand; `notices=False` skips the signals
        that can only be notices."""
        if not target.domain_label:
            return ()
        visit = Visit(target, index)
        domain = target.registered_domain
        known = self._by_domain.get(domain)
        if known is not None and known[0] is index:
            before, after = known[1], known[2]
        else:
            # Direct calls (not a list of callables): the native build calls them natively.
            before = _joined(detect_tld_swap(visit), detect_idn(visit), detect_homoglyph(visit))
            after = _joined(detect_bitsquat(visit), detect_typo(visit), detect_combosquat(visit))
            if not (before or after):
                after = tuple(detect_numbered(visit))  # `gooog1e77`: the name behind a serial
            if len(self._by_domain) >= self.cache_size:
                self._by_domain.clear()  # bounded; clearing is atomic, so threads may share it
            self._by_domain[domain] = (index, before, after)
        embedded = detect_embedding(visit)
        if not (before or embedded or after):
            embedded = detect_subdomain_names(visit)
        if not (before or embedded or after):
            # No brand: the brand-less signals, each only when its `signal` rule is loaded.
            return detect_foreign(visit) or detect_suspicious(visit, notices)
        reasons: list[Reason] = []
        seen: set[str] = set()
        for found in (before, embedded, after):
            for one in found:
                if one.rule_id not in seen:
                    seen.add(one.rule_id)
                    reasons.append(one)
        return reasons


def _joined(first: list[Reason], second: list[Reason], third: list[Reason]) -> tuple[Reason, ...]:
    """The reasons of three techniques in order (a shared empty tuple when none)."""
    if not (first or second or third):  # most names match no technique
        return _NO_REASONS
    return (*first, *second, *third)


def default_detectors() -> list[Detector]:
    """The detectors the engine runs."""
    return [LookalikeDetector()]
