"""IDN tricks: labels that mix scripts, are written wholly in a look-alike script, or hide
invisible or combining characters, and read as a protected brand once folded.

Browsers show such a label in Unicode when its registry allows it, so `раураl.com` (all
Cyrillic) looks exactly like paypal.com in the address bar.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.confusables import explain
from lureguard.lookalike.index import BrandIndex
from lureguard.lookalike.visit import Visit, country_code, reason
from lureguard.verdict import Reason

#: Invisible characters that survive IDNA mapping in some registries or browsers.
INVISIBLE: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e")


def scripts(label: str) -> set[str]:
    """The scripts of the letters in `label` (digits, hyphens and marks belong to none)."""
    found = set()
    for char in label:
        if char.isascii():
            if char.isalpha():
                found.add("Latin")
            continue
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        found.add(name.split(" ", 1)[0].title() if name else "Unknown")
    return found


def tricks(label: str) -> list[str]:
    """Why a non-ASCII label is suspicious, as short phrases (empty when it is not)."""
    if label.isascii():
        return []
    found = []
    names = scripts(label)
    if len(names) > 1:
        found.append("mixes " + " and ".join(sorted(names)) + " letters")
    elif names and names != {"Latin"}:
        found.append(f"is written entirely in {next(iter(names))} letters")
    if any(c in INVISIBLE or unicodedata.category(c) == "Cf" for c in label):
        found.append("contains invisible characters")
    if any(unicodedata.combining(c) for c in unicodedata.normalize("NFC", label)):
        found.append("contains combining marks")
    return found


def detect_idn(visit: Visit) -> list[Reason]:
    """Flag a non-ASCII label with a script trick whose skeleton is (near) a protected label."""
    label = visit.label
    if visit.ascii:
        return []
    found = tricks(label)
    if not found:
        return []
    how = ", ".join(found)
    index = visit.index
    reasons = []
    entries = index.skeletons.get(visit.skeleton)
    # A name protected only in context (`chase`, `citi`) needs none here: spelled in letters of
    # another script it is a disguise, not a word. Not a label written wholly in the script of
    # a country's own domain (a Cyrillic word under .ru may fold to a Latin one by chance).
    if not entries and not (len(scripts(label)) == 1 and country_code(visit.target.suffix)):
        entries = index.context.get(visit.skeleton)
    for entry in entries or ():
        sentence, positions = explain(label, entry.label)
        detail = (
            f"'{label}' {how} and reads as '{entry.label}' ({sentence}); real site: {entry.domain}"
        )
        reasons.append(reason("idn-mixed-script", entry, detail, positions))
    if reasons:
        return reasons
    for skel, distance in visit.near():
        for entry in index.skeletons[skel]:
            positions = tuple(i for i, c in enumerate(label) if not c.isascii())
            detail = (
                f"'{label}' {how} and reads almost as '{entry.label}' "
                f"({distance} letter(s) apart); real site: {entry.domain}"
            )
            reasons.append(reason("idn-mixed-script", entry, detail, positions))
    return reasons


class IdnDetector:
    """`раураl.com`, `gооgle.com`, `аpple.com`: Unicode letters from another script."""

    name = "idn-mixed-script"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons the target's Unicode label imitates a brand through script tricks."""
        return detect_idn(Visit(target, index))
