"""TLD swaps: a brand's exact label on a public suffix the brand does not own (`microsoft.cm`).

Under a country's code (`<brand>.com.iq`, `<brand>.de`, `<brand>.io`) the exact name is mostly
the brand's own country site or a local company of that name, so it is reported one level
lower (`visit.country_code`); generic, abused and `.com`-slip suffixes keep the brand's level,
and so does a hyphenated name (`wp-pl.de`, a dotless domain) and the name of a brand that runs
no country sites (crypto services: `uniswap.de` is a drainer, not a German branch), and a
name on the country's code the brand lives on (`protondrive.me` of proton.me).
"""

from __future__ import annotations

from collections.abc import Sequence

from lureguard.hosts import Target, split_registered
from lureguard.lookalike.index import BrandIndex
from lureguard.lookalike.visit import Visit, country_code, reason
from lureguard.verdict import Reason


def detect_tld_swap(visit: Visit) -> list[Reason]:
    """The label is a protected label verbatim; the engine already let official domains pass."""
    entries = visit.index.labels.get(visit.label)
    if not entries:
        return []
    suffix = visit.target.suffix
    # A hyphenated name (`wp-pl`, a dotless domain) is nobody's country site.
    foreign = country_code(suffix) is not None and "-" not in visit.label
    return [
        reason(
            "tld-swap",
            entry,
            f"'{visit.label}' is {entry.brand}'s name on '.{suffix}', which is not one of "
            f"{entry.brand}'s domains; real site: {entry.domain}",
            lowered=foreign
            and not visit.index.one_site_name((entry,), visit.label)
            # The brand's own suffix (proton.me) is its home, no country of its sites.
            and split_registered(entry.domain)[2] != suffix,
        )
        for entry in entries
    ]


class TldSwapDetector:
    """`microsoft.cm`, `paypal.co`: the right name under the wrong suffix."""

    name = "tld-swap"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons the target's label is a brand's label on a foreign suffix."""
        return detect_tld_swap(Visit(target, index))
