"""Bitsquats: one character differs from a protected label by a single flipped bit.

Memory or transmission errors turn `microsoft` into `microsnft` on their own; squatters register
those names to catch the traffic. Candidates come from the typo index (one substitution).
Under a country's code where the brand has no domain (`.re`) the reason is one level
lower (`visit.foreign_country`): mostly a local name there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.index import BrandIndex
from lureguard.lookalike.keyboard import one_bit_apart
from lureguard.lookalike.visit import Visit, foreign_country, reason
from lureguard.verdict import Reason

#: Flips in shorter names (`aol` -> `eol`, `col`, `iol`) land on other people's names.
MIN_BITSQUAT: Final = 5


def flipped_position(visited: str, target: str) -> int | None:
    """The single position where the two labels differ by one bit, else None."""
    if len(visited) != len(target):
        return None
    diff = [i for i, (a, b) in enumerate(zip(visited, target, strict=True)) if a != b]
    if len(diff) != 1 or not one_bit_apart(visited[diff[0]], target[diff[0]]):
        return None
    return diff[0]


def detect_bitsquat(visit: Visit) -> list[Reason]:
    """Reasons for protected labels one bit flip away from the visited label."""
    if visit.established:
        return []
    reasons = []
    for skel, distance in visit.near():
        if distance != 1 or len(skel) < MIN_BITSQUAT:
            continue
        for entry in visit.index.skeletons[skel]:
            i = flipped_position(visit.label, entry.label)
            if i is None or visit.index.inside_popular_names(visit.label, entry.label):
                continue  # not a flip, or a word part of other names (`tstatic`)
            new, old = visit.label[i], entry.label[i]
            detail = (
                f"'{visit.label}' is '{entry.label}' with one bit flipped: '{new}' at position "
                f"{i} (code {ord(new):#04x}) stands where '{old}' ({ord(old):#04x}) belongs; "
                f"real site: {entry.domain}"
            )
            lowered = foreign_country(visit, entry)
            reasons.append(reason("bitsquat", entry, detail, (i,), lowered))
    return reasons


class BitsquatDetector:
    """`microsmft.com`, `paypah.com`: a bit flip away from the brand."""

    name = "bitsquat"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons the target's label is a bit flip of a protected label."""
        return detect_bitsquat(Visit(target, index))
