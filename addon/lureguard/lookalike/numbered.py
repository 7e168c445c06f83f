"""Numbered names: a lookalike with a serial number glued to it (`gooog1e77.com`,
`ppleid-2024.org`, `77paypa1.net`), judged as the name without it.

Kits mint names by the batch and number them to make each one unique; a number is no letter
in disguise, so the techniques that read a whole label (typos, look-alikes, misspelled parts)
lose the name behind it. Asked only when nothing else is found in the registrable label.
"""

from __future__ import annotations

import re
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.combosquat import detect_combosquat
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.embedding import detect_embedding
from lureguard.lookalike.homoglyph import detect_homoglyph
from lureguard.lookalike.index import MIN_TYPO_LABEL, BrandIndex
from lureguard.lookalike.typo import detect_typo
from lureguard.lookalike.visit import Visit
from lureguard.verdict import Reason

#: A serial: two digits or more at the start or the end of the label, a hyphen allowed
#: between them and the letters (one digit may be a look-alike letter: `paypa1`).
_SERIAL: Final = re.compile(r"^(?:[0-9]{2,}-?)?(.*?[^0-9-])(?:-?[0-9]{2,})?$")


def detect_numbered(visit: Visit) -> list[Reason]:
    """The reasons the registrable label would get without its serial, said of the label."""
    label = visit.label
    match = _SERIAL.match(label)
    if match is None:
        return []
    base = match.group(1)
    if base == label or len(base) < MIN_TYPO_LABEL:
        return []
    if _completes_name(visit.index, label, base, label.find(base)):
        return []
    suffix = visit.target.suffix
    name = f"{base}.{suffix}"
    unnumbered = Visit(Target(name, name, name, name, base, suffix), visit.index)
    if unnumbered.established:
        return []  # `<popular name>2024`: a site's own edition or campaign
    found = (
        detect_homoglyph(unnumbered)
        or detect_typo(unnumbered)
        or detect_combosquat(unnumbered)
        or detect_embedding(unnumbered)
    )
    offset = label.find(base)
    return [_restated(one, label, base, offset) for one in found]


def _completes_name(index: BrandIndex, label: str, base: str, offset: int) -> bool:
    """True when the digit beside the letters, read as the letter it looks like, completes a
    protected name there (`paypa130`: paypa1 and 30 as much as paypa and 130): that digit may
    be the name's letter in disguise, and the number no serial."""
    end = offset + len(base)
    if end < len(label):
        after = skeleton(base + label[end])
        if any(start + len(name) == len(after) for start, name in index.substrings(after)):
            return True
    if offset:
        before = skeleton(label[offset - 1] + base)
        if any(start == 0 for start, _name in index.substrings(before)):
            return True
    return False


def _restated(found: Reason, label: str, base: str, offset: int) -> Reason:
    """`found` (about `base`, at `offset` in the label) said of the numbered label."""
    return Reason(
        kind=found.kind,
        rule_id=found.rule_id,
        level=found.level,
        detail=f"'{label}' is '{base}' with a number added: {found.detail}",
        brand=found.brand,
        target=found.target,
        source=found.source,
        positions=tuple(offset + p for p in found.positions),
    )
