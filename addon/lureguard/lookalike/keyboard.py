"""Which keys sit next to each other (QWERTY, QWERTZ and AZERTY) and which letters look alike.

A slip onto a neighbouring key is the commonest typo; naming it makes the warning credible.
"""

from __future__ import annotations

from typing import Final

#: Key rows of the three layouts most phishing targets type on: QWERTY, QWERTZ, AZERTY.
LAYOUTS: Final = (
    ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"),
    ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"),
    ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
)
#: Letters people confuse by shape rather than by key (mirror images, similar strokes).
SIMILAR_SHAPES: Final = frozenset(
    {"bd", "db", "ce", "ec", "mn", "nm", "nr", "rn", "uv", "vu", "gq", "qg"}
)


def _neighbours() -> dict[str, frozenset[str]]:
    result: dict[str, set[str]] = {}
    # Rows are staggered: a key touches two keys of the row above and two of the row below.
    offsets = ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0))
    for rows in LAYOUTS:
        where = {c: (r, i) for r, row in enumerate(rows) for i, c in enumerate(row)}
        for char, (row, col) in where.items():
            for dr, dc in offsets:
                r, c = row + dr, col + dc
                if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
                    result.setdefault(char, set()).add(rows[r][c])
    return {c: frozenset(n) for c, n in result.items()}


NEIGHBOURS: Final = _neighbours()
VOWELS: Final = frozenset("aeiouy")


def adjacent(a: str, b: str) -> bool:
    """True when `a` and `b` are neighbouring keys."""
    return b in NEIGHBOURS.get(a, frozenset())


def one_bit_apart(a: str, b: str) -> bool:
    """True when the two characters' codes differ in exactly one bit (a bit flip)."""
    if len(a) != 1 or len(b) != 1:
        return False
    diff = ord(a) ^ ord(b)
    return diff != 0 and diff & (diff - 1) == 0


def similar_shape(a: str, b: str) -> bool:
    """True for letters that pass for each other at a glance (b/d, c/e, m/n, n/r, u/v, g/q)."""
    return a + b in SIMILAR_SHAPES
