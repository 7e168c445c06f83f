"""Subdomain names: a subdomain label of someone else's domain judged like a name of its own
(`meta-id.invoice-ads.com`, `amzon.parcel-note.shop`, `desjardns.credit-union.com`).

Kits put the lure in front of a throwaway or compromised domain, where the start of the
address bar shows it. `embedding` finds a brand's exact name or domain there; this finds
the homoglyphs, typos and combinations the registrable label would be reported for.
Registrable domains under suffixes that only institutions can register (`edu`, `gov`, `mil`,
`ac`) are left alone: their own IT names hosts after the services it runs.
"""

from __future__ import annotations

from typing import Final

from lureguard.lookalike.combosquat import detect_combosquat
from lureguard.lookalike.homoglyph import detect_homoglyph
from lureguard.lookalike.index import BrandIndex
from lureguard.lookalike.institutions import institution_host
from lureguard.lookalike.typo import detect_typo
from lureguard.lookalike.visit import Visit, label_visit
from lureguard.verdict import Reason

#: Subdomain labels shorter than this are host names (`www`, `m`, `api`), never judged.
MIN_SUBDOMAIN_LABEL: Final = 4
#: How many (label, suffix) judgements `_judged` remembers before it starts afresh.
CACHE_LABELS: Final = 20_000
_JUDGED: dict[tuple[str, str], tuple[BrandIndex, tuple[Reason, ...]]] = {}


def detect_subdomain_names(visit: Visit) -> list[Reason]:
    """Reasons for the first subdomain label that imitates a brand, said of the whole host."""
    target = visit.target
    head = target.subdomain
    if not head:
        return []
    # The subdomain's labels in Unicode: the host's before its registrable label.
    every = visit.host_labels()
    labels = [every[i] for i in range(len(every) - 1) if every[i] != "www"]
    if not labels:
        return []  # `www.` alone: no name to judge
    # The labels one by one, then read as one name (`login.live.x.site` as `login-live`):
    # kits split a name's words across labels too.
    names = [label for label in labels if len(label) >= MIN_SUBDOMAIN_LABEL]
    if len(labels) > 1:
        names.append("-".join(labels))
    for name in names:  # none for most hosts: `www.`, `m.`, `api.`
        judged = _judged(name, target.suffix, visit.index)
        if not judged:
            continue  # most names (nothing built for them)
        # A lowered reason (`visit.foreign_country`) is no finding here: it would only hide
        # the brand-less signals that judge the whole host.
        found = [one for one in judged if one.level != "notice"]
        if found:
            if institution_host(target):
                return []  # an institution names its hosts after the services it runs
            registered = target.unicode_registered_domain
            return [_as_subdomain(one, registered) for one in found]
    return []


def _judged(label: str, suffix: str, index: BrandIndex) -> tuple[Reason, ...]:
    """The reasons `label` would get as a registrable label under `suffix` (never as a
    hosting tenant: a tenant's own label is judged as one already). Remembered per label and
    suffix, since hosts repeat their subdomain labels (`static`, `login`, `mail`)."""
    key = (label, suffix)
    known = _JUDGED.get(key)
    if known is not None and known[0] is index:
        return known[1]
    sub = label_visit(label, suffix, index)
    sub.tenant = False
    sub.guest = True
    found = tuple(detect_homoglyph(sub) or detect_typo(sub) or detect_combosquat(sub))
    if len(_JUDGED) >= CACHE_LABELS:
        _JUDGED.clear()  # bounded; clearing is atomic, so threads may share it
    _JUDGED[key] = (index, found)
    return found


def _as_subdomain(found: Reason, registered: str) -> Reason:
    """`found` (about `label` as if registered) restated for the host it stands in."""
    trick = found.detail.split("; real site:", 1)[0]
    detail = (
        f"{trick}, as a subdomain of {registered}, which does not belong to {found.brand}; "
        f"real site: {found.target}"
    )
    return Reason(
        kind="target-embedding",
        rule_id=found.rule_id,
        level=found.level,
        detail=detail,
        brand=found.brand,
        target=found.target,
        source=found.source,
    )
