"""Homoglyphs: the registrable label has the same confusable skeleton as a protected label."""

from __future__ import annotations

from collections.abc import Sequence

from lureguard.hosts import Target
from lureguard.lookalike.confusables import explain, skeleton
from lureguard.lookalike.index import BrandIndex
from lureguard.verdict import Reason


class HomoglyphDetector:
    """`rnicrosoft.com`, `аpple.com` (Cyrillic а), `paypa1.com`: reads as the brand's name."""

    name = "homoglyph"

    def detect(self, target: Target, index: BrandIndex) -> Sequence[Reason]:
        """Match the Unicode registrable label's skeleton against brand skeletons."""
        if not target.domain_label:
            return ()
        visited = target.unicode_registered_domain.rsplit(".", target.suffix.count(".") + 1)[0]
        matches = index.skeletons.get(skeleton(visited))
        if not matches:
            return ()
        reasons = []
        for entry in matches:
            if entry.label == visited:
                continue  # same label on another TLD: the tld-swap detector's case
            sentence, positions = explain(visited, entry.label)
            reasons.append(
                Reason(
                    kind="homoglyph",
                    rule_id=entry.rule_id,
                    level=entry.level,
                    brand=entry.brand,
                    target=entry.domain,
                    detail=f"{sentence} in {entry.domain}",
                    source=entry.source,
                    positions=positions,
                )
            )
        return reasons
