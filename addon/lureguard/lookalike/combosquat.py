"""Combosquats: a brand's name joined with other words or hyphens (`paypal-secure.net`,
`securepaypal.com`, `microsoft-login-verify.com`).

Protected skeletons are found inside the label with a gram-keyed matcher (one probe per
position). A distinctive name (paypal) counts wherever it appears. A name that is also an
ordinary word or word part (apple in pineapple, chase in purchase: learned at load time from
the popular list) counts only at a visible boundary: a hyphen, or one of the words phishing
sites add (`LURE_WORDS`). Short names (under four letters) count only as whole hyphen parts.
"""

from __future__ import annotations

from collections.abc import Sequence

from lureguard.hosts import Target
from lureguard.lookalike.confusables import fold, skeleton
from lureguard.lookalike.index import BrandIndex, Protected
from lureguard.lookalike.visit import Visit, near_skeletons, reason
from lureguard.verdict import Reason

#: Words phishing domains glue to a brand name (account chores, urgency, trust, support).
LURE_WORDS = frozenset(
    [
        "access",
        "account",
        "accounts",
        "alert",
        "app",
        "apps",
        "auth",
        "billing",
        "bonus",
        "center",
        "check",
        "claim",
        "client",
        "cloud",
        "confirm",
        "connect",
        "customer",
        "dashboard",
        "delivery",
        "docs",
        "drive",
        "free",
        "gift",
        "help",
        "helpdesk",
        "id",
        "info",
        "invoice",
        "login",
        "logon",
        "mail",
        "my",
        "net",
        "official",
        "online",
        "order",
        "pay",
        "payment",
        "portal",
        "prize",
        "recover",
        "recovery",
        "refund",
        "register",
        "reset",
        "safe",
        "secure",
        "security",
        "service",
        "services",
        "shop",
        "signin",
        "signon",
        "sso",
        "store",
        "support",
        "team",
        "track",
        "tracking",
        "unlock",
        "update",
        "user",
        "verify",
        "wallet",
        "web",
        "webmail",
        "www",
    ]
)
_LURE_SKELETONS = frozenset(skeleton(w) for w in LURE_WORDS)
MIN_FREE_MATCH = 5


def _boundary(piece: str, brand_first: bool) -> bool:
    """True when the text glued to a common brand name is visibly a separate word."""
    if not piece:
        return True
    if brand_first:
        return piece.startswith("-") or piece.split("-", 1)[0] in _LURE_SKELETONS
    return piece.endswith("-") or piece.rsplit("-", 1)[-1] in _LURE_SKELETONS


def find_combos(visit: Visit) -> list[tuple[str, int]]:
    """(protected skeleton, start in the label's skeleton) of every brand name inside it."""
    index = visit.index
    skel = visit.skeleton
    found: dict[str, int] = {}
    for start, name in index.substrings(skel):
        if name == skel or name in found:
            continue
        before, after = skel[:start], skel[start + len(name) :]
        distinctive = name not in index.common and len(name) >= MIN_FREE_MATCH
        if distinctive or (_boundary(before, False) and _boundary(after, True)):
            found[name] = start
    if "-" in skel:
        offset = 0
        for part in skel.split("-"):
            if part != skel and part not in found and part in index.skeletons:
                found[part] = offset
            offset += len(part) + 1
    return sorted(found.items(), key=lambda item: -len(item[0]))


def detect_combosquat(visit: Visit) -> list[Reason]:
    """Reasons for every brand name embedded in a longer label."""
    combos = find_combos(visit)
    reasons = []
    taken: list[tuple[int, int]] = []
    for name, start in combos:
        end = start + len(name)
        if any(a <= start and end <= b for a, b in taken):
            continue  # `paypal` inside an already reported `paypalobjects`
        taken.append((start, end))
        for entry in visit.index.skeletons[name]:
            reasons.append(_combo_reason(visit, entry, start, end))
    if not reasons and "-" in visit.skeleton:
        reasons = _misspelled_parts(visit)
    return reasons


def _combo_reason(visit: Visit, entry: Protected, start: int, end: int) -> Reason:
    label = visit.label
    lo, hi = _label_span(label, visit.skeleton, start, end)
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
    """`paypall-login`: a hyphen part that is a typo of a brand name."""
    reasons = []
    offset = 0
    for part in visit.label.split("-"):
        for skel, _distance in near_skeletons(skeleton(part), visit.index):
            for entry in visit.index.skeletons[skel]:
                extra = tuple(
                    i for i in range(len(visit.label)) if not offset <= i < offset + len(part)
                )
                detail = (
                    f"'{visit.label}' joins '{part}', a misspelling of {entry.brand}'s name "
                    f"'{entry.label}', with other words; real site: {entry.domain}"
                )
                reasons.append(reason("combosquat", entry, detail, extra))
        offset += len(part) + 1
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
