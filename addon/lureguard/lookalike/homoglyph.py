"""Homoglyphs: the registrable label has the same confusable skeleton as a protected label.

Covers ASCII tricks (`rnicrosoft`: rn→m, `paypa1`: 1→l) and Latin letters with diacritics
(`mícrosoft`); labels using other scripts are reported by the IDN technique first. Names of
four letters or more also match with shape-alike letters folded (`acondank` for aeonbank).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.confusables import explain, has_strokes, merge_strokes, shape, two_i
from lureguard.lookalike.edits import describe, positions, sentence
from lureguard.lookalike.index import BrandIndex, shape_head_code
from lureguard.lookalike.visit import Visit, reason
from lureguard.verdict import Reason

#: A label this long or longer is read with its `l` strokes merged and shape-alike letters
#: folded together (`aeonlbanlc`); in a shorter one a merge and a folded letter leave too
#: little of the name (`tbibank` is no tdbank), so a merge counts there alone.
MIN_STROKES_LABEL: Final = 8


def detect_homoglyph(visit: Visit) -> list[Reason]:
    """Reasons for every brand whose skeleton equals the label's (the label itself differs)."""
    index = visit.index
    matches = index.skeletons.get(visit.skeleton)
    # The skeleton reads `ii` as `u`; read it as two l-like letters too (`two_i`).
    read_apart = two_i(visit.label) if not matches and "u" in visit.skeleton else ""
    if read_apart:
        matches = index.skeletons.get(read_apart)
    if (
        not matches
        and visit.skeleton in index.context  # a set lookup first: most labels name nothing
        and any(c.isdigit() for c in visit.label)
        and not visit.label.isdigit()
    ):
        # A name protected only in context (`chase`) written with a digit for a letter
        # (`ch4se`): a disguise, not the word.
        matches = index.context.get(visit.skeleton)
    if not matches:
        return _official_twins(visit, read_apart) or _shape_alikes(visit)
    reasons = []
    for entry in matches:
        if entry.label == visit.label:
            continue  # the same label on another suffix: a tld-swap
        sentence, positions = _explain(visit, entry.label)
        detail = f"'{visit.label}' reads as '{entry.label}': {sentence}; real site: {entry.domain}"
        reasons.append(reason("homoglyph", entry, detail, positions))
    return reasons


def _official_twins(visit: Visit, read_apart: str) -> list[Reason]:
    """`1ive.com`: a look-alike spelling of an official domain on that domain's own suffix,
    though its label is no protected name (an ordinary word such as `live`, whose slips are
    other people's names). Nobody's name is a brand's domain with its letters disguised.
    Only the registrable domain: a subdomain elsewhere (`visit.guest`) is no such address.
    `read_apart` is the label's `two_i` reading, when `detect_homoglyph` took one ('' if not)."""
    if visit.guest:
        return []
    twins = visit.index.official_twins.get(visit.skeleton)
    if not twins and read_apart:
        twins = visit.index.official_twins.get(read_apart)
    if not twins:
        return []  # most labels
    suffix = visit.target.suffix
    reasons = []
    for entry in twins or ():
        # On its own suffix only, and not the official domain itself
        if entry.label == visit.label or entry.domain[len(entry.label) + 1 :] != suffix:
            continue
        sentence, positions = _explain(visit, entry.label)
        written = f"{visit.label}.{suffix}"
        detail = f"'{written}' reads as {entry.domain}: {sentence}; real site: {entry.domain}"
        reasons.append(reason("homoglyph", entry, detail, positions))
    return reasons


def _explain(visit: Visit, brand_label: str) -> tuple[str, tuple[int, ...]]:
    sentence, positions = explain(visit.label, brand_label)
    if positions or "ii" not in visit.label:
        return sentence, positions
    # Read `ii` as i, i (each passing for l) as `two_i` did: `|` folds like a lone `i`.
    sentence, positions = explain(visit.label.replace("ii", "i|"), brand_label)
    return sentence.replace("'|'", "'i'"), positions


def _shape_alikes(visit: Visit) -> list[Reason]:
    """`acondank`: letters that look alike by shape (c/e, d/b) in a brand name of 4+ letters."""
    lengths = visit.index.shape_lengths
    if visit.established or not (
        len(visit.skeleton) in lengths or (visit.plain and len(visit.plain) in lengths)
    ):
        return []
    found = _shape_match(visit.skeleton, visit.index)
    if not found and visit.plain:
        found = _shape_match(visit.plain, visit.index)
    if not found:
        return []
    reasons = []
    for skel in sorted(found):
        for entry in visit.index.skeletons[skel]:
            if visit.index.inside_popular_names(visit.label, entry.label):
                continue  # a word part of other names (`maven`), not naver's shape
            edits = describe(visit.label, entry.label)
            detail = (
                f"'{visit.label}' reads as '{entry.label}': {sentence(edits)}; "
                f"real site: {entry.domain}"
            )
            reasons.append(reason("homoglyph", entry, detail, positions(edits)))
    return reasons


def _shape_match(text: str, index: BrandIndex) -> set[str] | None:
    """Protected skeletons shaped like `text`, read with its `l` strokes kept, then merged
    (`alidaba` keeps its `l`; `aeonlbanlc` merges `lb` and `lc`). The shape with strokes kept
    is built only when a key may start like it (`index.shape_heads`)."""
    shapes = index.shapes
    may_match = len(text) < 4 or index.shape_heads.may_hold(shape_head_code(text))
    found = shapes.get(shape(text, strokes=False)) if may_match else None
    if not found and has_strokes(text):
        found = shapes.get(shape(text))
        if found and len(text) < MIN_STROKES_LABEL:
            # In a shorter label a merge counts alone, not with a folded letter too.
            merged = merge_strokes(text)
            found = {merged} if merged in found else None
    return found


class HomoglyphDetector:
    """`rnicrosoft.com`, `paypa1.com`: reads as the brand's name."""

    name = "homoglyph"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Match the Unicode registrable label's skeleton against brand skeletons."""
        return detect_homoglyph(Visit(target, index))
