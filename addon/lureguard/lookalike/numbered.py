"""Numbered names: a lookalike with a serial number glued to it (`gooog1e77.com`,
`ppleid-2024.org`, `77goolge.net`), judged as the name without it.

Kits mint names by the batch and number them to make each one unique; a number is no letter
in disguise, so the techniques that read a whole label (typos, look-alikes, misspelled parts)
lose the name behind it. Asked only when nothing else is found in the registrable label.
"""

from __future__ import annotations

from typing import Final

from lureguard.lookalike.combosquat import detect_combosquat
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.embedding import detect_embedding
from lureguard.lookalike.homoglyph import detect_homoglyph
from lureguard.lookalike.index import MIN_TYPO_LABEL, BrandIndex
from lureguard.lookalike.typo import detect_typo
from lureguard.lookalike.visit import Visit, label_visit, near_skeletons
from lureguard.lookalike.words import is_lure_word
from lureguard.verdict import Reason

#: A serial has this many digits or more (one digit may be a look-alike letter: `paypa1`).
MIN_SERIAL: Final = 2


def detect_numbered(visit: Visit) -> list[Reason]:
    """The reasons the registrable label would get without its serial, said of the label."""
    label = visit.label
    start, end = _serial_free_span(label)
    if (start == 0 and end == len(label)) or end - start < MIN_TYPO_LABEL:
        return []  # no serial, or too little beside it
    offset = label.find(label[start:end]) if start else 0  # (from the start, found there)
    # The word the number is glued to must hold or be near a name: most numbered names are
    # lure words and a serial (`verify12345`), and judging them again would double their cost.
    if offset == start and visit.ascii:
        # Digits and hyphens fold one to one and into no letter group, so the skeleton of
        # the label without its serial is the visit's from `start` to `stop`: the word is
        # read there, one slice, no second skeleton and no list of words.
        skel = visit.skeleton
        stop = len(skel) - (len(label) - end)
        if offset:  # the first hyphen word
            cut = skel.find("-", start, stop)
            word = skel[start : cut if cut >= 0 else stop]
        else:  # the last
            word = skel[skel.rfind("-", 0, stop) + 1 : stop]
    else:
        base = label[start:end]
        word = skeleton(base.split("-", 1)[0] if offset else base.rsplit("-", 1)[-1])
    if is_lure_word(word) or not _may_name(visit.index, word):
        return []
    base = label[start:end]
    if _completes_name(visit.index, label, base, offset):
        return []
    unnumbered = label_visit(base, visit.target.suffix, visit.index)
    if unnumbered.established:
        return []  # `<popular name>2024`: a site's own edition or campaign
    found = (
        detect_homoglyph(unnumbered)
        or detect_typo(unnumbered)
        or detect_combosquat(unnumbered)
        or detect_embedding(unnumbered)
    )
    return [_restated(one, label, base, offset) for one in found]


def _serial_free_span(label: str) -> tuple[int, int]:
    """(start, end) of the label without a serial at its start and its end (a hyphen between
    them and the letters goes too); (0, len(label)) when it has none. Read over character
    codes: asked of most labels, and the native build then builds no string."""
    end = len(label)
    digits = end
    while digits > 0 and 48 <= ord(label[digits - 1]) <= 57:
        digits -= 1
    if end - digits >= MIN_SERIAL:
        end = digits
        while end > 0 and label[end - 1] == "-":
            end -= 1
    start = 0
    while start < end and 48 <= ord(label[start]) <= 57:
        start += 1
    if start >= MIN_SERIAL:
        while start < end and label[start] == "-":
            start += 1
    else:
        start = 0
    return start, end


def _may_name(index: BrandIndex, word: str) -> bool:
    """True when a skeleton holds a protected or context name, or is a slip from one."""
    inside = index.scan(word)
    return bool(inside.names or inside.context or near_skeletons(word, index))


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
