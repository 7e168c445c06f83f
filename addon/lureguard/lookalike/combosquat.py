"""Combosquats: a brand's name joined with other words or hyphens (`paypal-secure.net`,
`securepaypal.com`, `microsoft-login-verify.com`).

Protected skeletons are found inside the label by an Aho–Corasick automaton (one pass in C).
A name counts only when everything around it is phishing vocabulary
(`words.LURE_WORDS`) or another brand name, so word parts (`pineapple`, `purchase`,
`applebees`) and the fan, news and campaign sites that carry a brand name among ordinary
words (`googlewatchblog`, `facebook-studio`) stay clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.confusables import fold
from lureguard.lookalike.index import BrandIndex, Protected
from lureguard.lookalike.visit import Visit, near_skeletons, reason
from lureguard.lookalike.words import lure_only
from lureguard.verdict import Reason

#: A misspelled brand name inside a combination must be at least this long.
MIN_MISSPELLED: Final = 6


def _rest_is_lure(visit: Visit, before: str, after: str) -> bool:
    """True when everything around the brand name is lure words or other brand names."""
    skeletons = visit.index.skeletons
    pieces = [p for p in f"{before}-{after}".split("-") if p]
    return bool(pieces) and all(p in skeletons or lure_only(p) for p in pieces)


def find_combos(visit: Visit) -> list[tuple[str, int, int]]:
    """(protected skeleton, start, end in the label) of every brand name inside the label."""
    index = visit.index
    skel = visit.skeleton
    found: dict[str, tuple[int, int]] = {}
    for start, name in index.substrings(skel):
        if name != skel and name not in found:
            end = start + len(name)
            if _rest_is_lure(visit, skel[:start], skel[end:]):
                found[name] = _label_span(visit.label, skel, start, end)
    if visit.plain:  # same indexes as the label: no span mapping needed
        for start, name in index.substrings(visit.plain):
            end = start + len(name)
            if name not in found and _rest_is_lure(visit, visit.plain[:start], visit.plain[end:]):
                found[name] = (start, end)
    if "-" in skel and any(part in index.skeletons for part in visit.parts()):
        offset = 0
        for part in visit.parts():
            end = offset + len(part)
            if part != skel and part not in found and part in index.skeletons:
                before, after = skel[: max(0, offset - 1)], skel[end + 1 :]
                if _rest_is_lure(visit, before, after):
                    found[part] = _label_span(visit.label, skel, offset, end)
            offset = end + 1
    if not found:
        return []
    return sorted(((n, lo, hi) for n, (lo, hi) in found.items()), key=lambda i: i[1] - i[2])


def detect_combosquat(visit: Visit) -> list[Reason]:
    """Reasons for every brand name embedded in a longer label."""
    reasons = []
    taken: list[tuple[int, int]] = []
    for name, lo, hi in find_combos(visit):
        if any(a <= lo and hi <= b for a, b in taken):
            continue  # `paypal` inside an already reported `paypalobjects`
        taken.append((lo, hi))
        for entry in visit.index.skeletons[name]:
            reasons.append(_combo_reason(visit, entry, lo, hi))
    if not reasons and "-" in visit.skeleton:
        reasons = _misspelled_parts(visit)
    return reasons


def _combo_reason(visit: Visit, entry: Protected, lo: int, hi: int) -> Reason:
    label = visit.label
    brand_text = label[lo:hi]
    rest = (label[:lo], label[hi:])
    extra = tuple(i for i in range(len(label)) if not lo <= i < hi)
    tail = rest[1].lstrip("-")
    if not rest[0] and tail and tail.replace("-", ".") in visit.index.label_suffixes[entry.label]:
        detail = (
            f"'{label}' spells the domain {entry.label}.{tail.replace('-', '.')} inside one "
            f"label; real site: {entry.domain}"
        )
        return reason("target-embedding", entry, detail, extra)
    added = " and ".join(f"'{p}'" for p in rest if p)
    imitation = "" if brand_text == entry.label else f" ('{brand_text}' imitates '{entry.label}')"
    detail = (
        f"'{label}' joins {entry.brand}'s name '{entry.label}'{imitation} with {added}; "
        f"real site: {entry.domain}"
    )
    return reason("combosquat", entry, detail, extra)


def _misspelled_parts(visit: Visit) -> list[Reason]:
    """`paypall-login`: a hyphen part that is a typo of a brand name, the rest lure words."""
    reasons = []
    parts = visit.parts()
    raw_parts = parts if visit.label == visit.skeleton else visit.label.split("-")
    offset = 0
    popular = visit.index.popular_labels
    for k, part in enumerate(parts):
        raw = raw_parts[k] if len(raw_parts) == len(parts) else part
        # The near names first: usually none, which spares segmenting the rest into words.
        near = (
            [skel for skel, _ in near_skeletons(part, visit.index) if len(skel) >= MIN_MISSPELLED]
            if len(part) >= MIN_MISSPELLED - 1 and raw not in popular
            else ()
        )
        if near and lure_only("-".join(parts[:k] + parts[k + 1 :])):
            for skel in near:
                for entry in visit.index.skeletons[skel]:
                    end = offset + len(raw)
                    extra = tuple(i for i in range(len(visit.label)) if not offset <= i < end)
                    detail = (
                        f"'{visit.label}' joins '{raw}', a misspelling of {entry.brand}'s "
                        f"name '{entry.label}', with other words; real site: {entry.domain}"
                    )
                    reasons.append(reason("combosquat", entry, detail, extra))
        offset += len(raw) + 1
    return reasons


def _label_span(label: str, skel: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the skeleton back onto the label (they differ for rn→m and the like)."""
    if len(label) == len(skel) and label.isascii():
        return start, end
    folded, spans = fold(label)
    if folded != skel or not spans:
        return start, min(end, len(label))
    return spans[start][0], spans[end - 1][1]


class CombosquatDetector:
    """`paypal-secure.net`, `securepaypal.com`, `apple-id-verify.com`."""

    name = "combosquat"

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """Reasons the target's label contains a brand's name among other words."""
        return detect_combosquat(Visit(target, index))
