"""Split the visited and the real name into segments, marking the characters that differ.

`Reason.positions` index into the visited registrable label (Unicode form); where a detector
gives none, the two names are aligned with difflib. Only character-level tricks get marks:
for a brand name with extra words or a blocklisted host there is nothing to line up.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from lureguard.verdict import Reason

Segment = tuple[str, bool]
_ALIGNED_KINDS = frozenset({"homoglyph", "idn-mixed-script", "typo", "bitsquat", "tld-swap"})


def registered_span(display_host: str, registered_domain: str | None) -> int:
    """Offset of the registrable domain inside the Unicode host (0 when unknown)."""
    if not registered_domain:
        return 0
    labels = display_host.split(".")
    count = registered_domain.count(".") + 1
    if count > len(labels):
        return 0
    return sum(len(label) + 1 for label in labels[: len(labels) - count])


def segments(text: str, marked: set[int]) -> list[Segment]:
    """Runs of text, each flagged as marked or not."""
    out: list[Segment] = []
    for index, char in enumerate(text):
        flag = index in marked
        if out and out[-1][1] == flag:
            out[-1] = (out[-1][0] + char, flag)
        else:
            out.append((char, flag))
    return out


def compare(
    display_host: str, registered_domain: str | None, reason: Reason | None
) -> tuple[list[Segment], list[Segment]]:
    """Segments of the visited host and of the reason's target, differing characters marked."""
    if reason is None or not reason.target:
        return segments(display_host, set()), []
    target = reason.target
    start = registered_span(display_host, registered_domain)
    visited_reg = display_host[start:]
    visited_marks: set[int] = set()
    target_marks: set[int] = set()
    if reason.positions:
        visited_marks = {start + p for p in reason.positions if 0 <= start + p < len(display_host)}
    if reason.kind in _ALIGNED_KINDS:
        matcher = SequenceMatcher(None, visited_reg, target, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            target_marks.update(range(j1, j2))
            if not reason.positions:
                visited_marks.update(range(start + i1, start + i2))
    return segments(display_host, visited_marks), segments(target, target_marks)
