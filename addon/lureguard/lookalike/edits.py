"""Explain, in words a person understands, how a visited label differs from a brand's label."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Editop, Levenshtein

from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.keyboard import VOWELS, adjacent, one_bit_apart, similar_shape


@dataclass(frozen=True, slots=True)
class Edit:
    """One difference: what kind of slip, its sentence, and the visited positions it touches."""

    kind: str
    text: str
    positions: tuple[int, ...]


def describe(visited: str, target: str) -> list[Edit]:
    """The edits turning `target` (the brand's label) into `visited`, each named and placed."""
    swap = _transposition(visited, target)
    if swap is not None:
        return [swap]
    edits: list[Edit] = []
    ops = list(Levenshtein.editops(visited, target))
    skip = False
    for k, op in enumerate(ops):
        tag, i, j = str(op.tag), int(op.src_pos), int(op.dest_pos)
        if skip:
            skip = False
            continue
        merged = _stroke_pair(visited, target, op, ops[k + 1] if k + 1 < len(ops) else None)
        if merged is not None:
            edits.append(merged)
            skip = True
        elif tag == "replace":
            edits.append(_replace(visited[i], target[j], i))
        elif tag == "delete":
            edits.append(_extra(visited, i))
        else:
            at = min(i, len(visited) - 1)
            edits.append(Edit("omission", f"'{target[j]}' left out at position {i}", (at,)))
    return edits


def _stroke_pair(visited: str, target: str, op: Editop, nxt: Editop | None) -> Edit | None:
    """`lc` passing for `k`: Levenshtein aligns it as a replaced letter plus an extra one
    (either order); read together they are one look-alike, as `confusables.shape` has it."""
    if nxt is None or {str(op.tag), str(nxt.tag)} != {"replace", "delete"}:
        return None
    i = int(op.src_pos)
    if int(nxt.src_pos) != i + 1:
        return None
    j = int((op if str(op.tag) == "replace" else nxt).dest_pos)
    if visited[i : i + 2] != "lc" or target[j] != "k":
        return None
    return Edit("homoglyph", f"'lc' at position {i} passes for 'k'", (i, i + 1))


def sentence(edits: list[Edit]) -> str:
    """Join edit descriptions into one clause."""
    return "; ".join(e.text for e in edits)


def positions(edits: list[Edit]) -> tuple[int, ...]:
    """All visited positions touched by the edits, sorted and unique."""
    return tuple(sorted({p for e in edits for p in e.positions}))


def _replace(new: str, old: str, i: int) -> Edit:
    if skeleton(new) == skeleton(old) or similar_shape(new, old):
        return Edit("homoglyph", f"'{new}' at position {i} imitates '{old}'", (i,))
    if new in VOWELS and old in VOWELS:
        return Edit("vowel-swap", f"vowel '{new}' at position {i} replaces '{old}'", (i,))
    if adjacent(new, old):
        text = f"'{new}' at position {i} is the key next to '{old}'"
        return Edit("keyboard", text, (i,))
    if one_bit_apart(new, old):
        return Edit("bitsquat", f"'{new}' at position {i} is '{old}' with one bit flipped", (i,))
    return Edit("substitution", f"'{new}' at position {i} replaces '{old}'", (i,))


def _extra(visited: str, i: int) -> Edit:
    char = visited[i]
    if char == "-":
        return Edit("hyphenation", f"a hyphen inserted at position {i}", (i,))
    before = visited[i - 1] if i > 0 else ""
    after = visited[i + 1] if i + 1 < len(visited) else ""
    if char in (before, after):
        return Edit("repetition", f"'{char}' doubled at position {i}", (i,))
    # An `l` stroke merges with the letter it touches: `lb` passes for b, `lh` for h, `dl` for d.
    if char == "l" and after in ("b", "h"):
        return Edit("homoglyph", f"'l{after}' at position {i} passes for '{after}'", (i,))
    if char == "l" and before == "d":
        return Edit("homoglyph", f"'dl' at position {i - 1} passes for 'd'", (i,))
    for near in (before, after):
        if near and adjacent(char, near):
            text = f"'{char}' inserted at position {i}, next to its neighbouring key '{near}'"
            return Edit("insertion", text, (i,))
    if after in ("", "-"):
        return Edit("addition", f"'{char}' added at the end of a word", (i,))
    if char == "s":
        return Edit("plural", f"'s' inserted at position {i}", (i,))
    return Edit("stray", f"'{char}' inserted at position {i}", (i,))


#: Edits people make by slipping on a keyboard or misreading (dnstwist and typosquatting
#: studies model the same ones); a random letter swapped or inserted is not one of them.
PLAUSIBLE: Final = frozenset(
    {"homoglyph", "bitsquat", "keyboard", "vowel-swap", "repetition", "hyphenation",
     "transposition", "omission", "insertion", "addition", "plural"}
)  # fmt: skip


#: Slips that keep a three-letter name recognisable as that name; anything else (`tnt` for
#: `ntt`, `alo` for `aol`) spells someone else's name.
TINY_PLAUSIBLE: Final = frozenset({"repetition", "hyphenation", "addition"})
#: Four-letter names also tolerate slips that keep every letter in place or next to it.
SHORT_PLAUSIBLE: Final = TINY_PLAUSIBLE | {"transposition", "insertion", "plural"}
SHORT_NAME: Final = 4
#: Names this long read as themselves with any one letter changed or added ...
LONG_NAME: Final = 8
#: ... and names this long with any two (`mjetherwalet`): few names lie so near them.
VERY_LONG_NAME: Final = 13
#: ... and from this many for a brand that runs one site for the world (crypto services,
#: `index.one_site_rules`): nobody else's name is near theirs.
ONE_SITE_LONG_NAME: Final = 10
#: Judged on skeletons (where `l` stands for i, 1 and l), key neighbours and bit patterns
#: mean nothing, so only shape-independent slips count there.
SKELETON_PLAUSIBLE: Final = PLAUSIBLE - {"keyboard", "insertion", "bitsquat"}


def plausible(
    visited: str, target: str, *, skeletons: bool = False, two_slips_from: int = VERY_LONG_NAME
) -> bool:
    """True when every edit from `target` to `visited` is a typing or reading slip, or, in a
    long name, one or two edits of any kind after the first letter (`any_slip_of_long_name`;
    two from `two_slips_from` letters)."""
    edits = describe(visited, target)
    if len(target) <= 3:
        allowed = TINY_PLAUSIBLE
    elif len(target) <= SHORT_NAME:
        allowed = SHORT_PLAUSIBLE
    elif skeletons:
        allowed = SKELETON_PLAUSIBLE
    elif any_slip_of_long_name(visited, target, edits, two_slips_from):
        return True
    else:
        allowed = PLAUSIBLE
    return all(e.kind in allowed for e in edits)


def any_slip_of_long_name(
    visited: str, target: str, edits: list[Edit], two_slips_from: int = VERY_LONG_NAME
) -> bool:
    """True for one edit of any kind, a random letter changed or added included, in a name of
    LONG_NAME letters or more that keeps its first letter (`metamasck`, `univswap`), or two
    in a name of `two_slips_from` letters or more (VERY_LONG_NAME: `myeltherwaliet`): kits
    change names so, not only keyboards, and a long name still reads as itself. Shorter names
    changed so are mostly other names (westpac with one letter changed is a pest control
    firm's)."""
    if visited[:1] != target[:1]:
        return False
    return (len(edits) == 1 and len(target) >= LONG_NAME) or (
        len(edits) == 2 and len(target) >= two_slips_from
    )


def _transposition(visited: str, target: str) -> Edit | None:
    if len(visited) != len(target):
        return None
    diff = [k for k in range(len(visited)) if visited[k] != target[k]]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return None
    i = diff[0]
    if visited[i] != target[i + 1] or visited[i + 1] != target[i]:
        return None
    text = f"'{visited[i : i + 2]}' at position {i} swaps the letters '{target[i : i + 2]}'"
    return Edit("transposition", text, (i, i + 1))
