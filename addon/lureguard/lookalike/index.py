"""What lookalike detectors compare against: the protected labels of every brand.

Built once when the engine loads; every structure is a hash map so a detector probes, never
scans all brands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lureguard.verdict import Level


@dataclass(frozen=True, slots=True)
class Protected:
    """A label a brand owns (`microsoft` of microsoft.com) and the domain it stands for."""

    label: str
    domain: str
    rule_id: str
    brand: str
    level: Level
    source: str = ""


@dataclass
class BrandIndex:
    """Protected labels keyed by label and by skeleton, plus what is known legitimate."""

    labels: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    skeletons: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    #: registrable domain -> rule id of the brand that owns it
    official: dict[str, str] = field(default_factory=dict)
    #: official public suffixes per brand label (google -> {com, de, co.jp, ...})
    label_suffixes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    popular: set[str] = field(default_factory=set)

    def add(self, entry: Protected, skeleton: str) -> None:
        """Register one protected label under its label and skeleton."""
        if entry not in self.labels[entry.label]:
            self.labels[entry.label].append(entry)
        if entry not in self.skeletons[skeleton]:
            self.skeletons[skeleton].append(entry)

    def is_legitimate(self, registered_domain: str) -> bool:
        """True when the domain belongs to a brand or is a well-known popular site."""
        return registered_domain in self.official or registered_domain in self.popular
