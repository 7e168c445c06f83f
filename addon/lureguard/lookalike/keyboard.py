"""Which keys sit next to each other (QWERTY, with QWERTZ/AZERTY letter swaps folded in).

A slip onto a neighbouring key is the commonest typo; naming it makes the warning credible.
"""

from __future__ import annotations

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
#: Letters that swap places on German (y/z) and French (a/q, z/w, m) keyboards.
_LAYOUT_SWAPS = (("y", "z"), ("a", "q"), ("z", "w"))


def _neighbours() -> dict[str, frozenset[str]]:
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    result: dict[str, set[str]] = {c: set() for c in where}
    # Rows are staggered: a key touches two keys of the row above and two of the row below.
    offsets = ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, -1), (1, 0))
    for char, (row, col) in where.items():
        for dr, dc in offsets:
            r, c = row + dr, col + dc
            if 0 <= r < len(_ROWS) and 0 <= c < len(_ROWS[r]):
                result[char].add(_ROWS[r][c])
    for a, b in _LAYOUT_SWAPS:
        result[a].add(b)
        result[b].add(a)
    return {c: frozenset(n) for c, n in result.items()}


NEIGHBOURS = _neighbours()
VOWELS = frozenset("aeiouy")


def adjacent(a: str, b: str) -> bool:
    """True when `a` and `b` are neighbouring keys."""
    return b in NEIGHBOURS.get(a, frozenset())


def one_bit_apart(a: str, b: str) -> bool:
    """True when the two characters' codes differ in exactly one bit (a bit flip)."""
    if len(a) != 1 or len(b) != 1:
        return False
    diff = ord(a) ^ ord(b)
    return diff != 0 and diff & (diff - 1) == 0
