"""Typos: the label is a slip or two away from a protected label (Damerau–Levenshtein).

Budgets depend on the protected label's length (`index.typo_budget`): one edit up to 9
letters, two from 10. Only slips people make count (`edits.PLAUSIBLE`): neighbouring keys
(QWERTY, QWERTZ, AZERTY), doubled, added or left-out letters, swapped neighbours, vowel swaps,
bit flips and look-alike letters; `pcloud` is not a slip for `icloud`, though in a name of
eight letters or more any one edit after the first letter is (`edits.LONG_NAME`; two from
thirteen letters), and so is such an edit hidden behind non-ASCII look-alikes
(`_disguised_slip`). Names of three or four letters accept only slips that keep every letter
(`ebayy`, `aoll`, `eaby`), since a changed or missing letter there spells someone else's
name. A label that popular sites already use (`finance`, `email`) or a common English word
(`papal`) is a name or word of its own, not a slip (`Visit.established`).

Distances are computed on confusable skeletons, so a typo combined with a homoglyph
(`rnicrosof`) still counts; candidates come from the deletion index, so a check costs
len(label)+1 hash probes whatever the number of brands (a long label with no name that near
is probed with two letters deleted too, `visit.two_slips`: the rest of a two-edit budget).
A stutter (`paypaaal`, letters repeated beyond the budget) is found by reading every run of
one letter once.
Under a country's code where the brand has no domain (`.re`) the reason is one level
lower (`visit.foreign_country`): mostly a local name there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.edits import (
    ONE_SITE_LONG_NAME,
    VERY_LONG_NAME,
    any_slip_of_long_name,
    describe,
    plausible,
    positions,
    sentence,
)
from lureguard.lookalike.index import (
    BrandIndex,
    Protected,
    collapse_runs,
    holds_number,
    repeats,
)
from lureguard.lookalike.visit import Visit, foreign_country, reason, two_slips
from lureguard.verdict import Reason

#: Names shorter than this accept one raw edit only: no slip mixed with a look-alike.
MIXED_SLIPS: Final = 7
#: A label repeating this many letters or more may be a stutter (`paypaaal`, `goooog1e`).
STUTTER_REPEATS: Final = 2
#: A stutter adds at most this many letters: a name must still read at a glance (a run of
#: dozens of letters is a joke or a vanity name, not a slip anyone misreads).
MAX_STUTTER_EXTRA: Final = 4
#: A visited label shorter than this must at least start like the name it slips from.
MIN_VISITED: Final = 5
#: A one-site brand's name this long counts with one letter of any kind added (`_stray_letter`).
ONE_SITE_STRAY_NAME: Final = 6
#: Parts of infrastructure names (CDNs, static and API hosts) that nobody types, looked for
#: inside brand labels (`sfdcstatic`): only `words.INFRA_WORDS` long or rare enough not to sit
#: inside consumer names (`api` of capitalone, `edge` of ledger).
MACHINE_WORDS: Final = ("static", "cdn", "apis", "assets", "usercontent", "media")

_KIND_WORDS: Final = {
    "omission": "a left-out letter",
    "repetition": "a doubled letter",
    "insertion": "an extra letter",
    "transposition": "swapped letters",
    "keyboard": "a neighbouring key",
    "vowel-swap": "a swapped vowel",
    "hyphenation": "an added hyphen",
    "homoglyph": "a look-alike character",
    "bitsquat": "a flipped bit",
    "addition": "an added letter",
    "stray": "an extra letter",
    "plural": "an added 's'",
    "substitution": "a changed letter",
}


def detect_typo(visit: Visit) -> list[Reason]:
    """Reasons for every protected label within its typo budget of the visited label."""
    index = visit.index
    reasons = []
    if visit.established:
        return []
    # A number is no letters in disguise (`fast411` is no fastmail), unless the name has digits.
    number: bool | None = None
    for skel, _distance in visit.near() or two_slips(visit.skeleton, index):
        if len(visit.skeleton) < MIN_VISITED and visit.skeleton[:1] != skel[:1]:
            continue  # `mail` for gmail, `pass` for vpass: a short rest is a name of its own
        for entry in index.skeletons[skel]:
            if _machine_name(entry.label):
                continue  # nobody types `sfdcstatic`: its slips are other people's names
            if number is None:
                number = holds_number(visit.label)
            if number and not any(c.isdigit() for c in entry.label):
                continue
            # Raw letters judge pure typos (`qadobe`); skeletons judge typos mixed with
            # look-alikes (`rnicrosof`).
            if len(entry.label) < MIXED_SLIPS and _mixed(visit.label, entry.label):
                continue  # a slip on top of a look-alike in a short name: too weak (`posti`)
            one_site = entry.rule_id in index.one_site_rules
            two_slips_from = ONE_SITE_LONG_NAME if one_site else VERY_LONG_NAME
            if (
                plausible(visit.label, entry.label, two_slips_from=two_slips_from)
                or plausible(visit.skeleton, skel, skeletons=True)
                or _disguised_slip(visit, skel)
                or (one_site and _stray_letter(visit.label, entry.label))
            ) and not index.inside_popular_names(visit.label, entry.label):
                # ... unless a word part of other names (`ecloud`), not a slip of icloud
                reasons.append(_typo_reason(visit, entry))
    if reasons:
        return reasons
    # One repeated letter is a slip `visit.near` already judged; a stutter repeats more. A
    # hyphenated label is words, judged by combosquat (`paypaal-login`), not one stutter.
    if "-" not in visit.label and repeats(visit.label) >= STUTTER_REPEATS:
        for skel in index.stutters.get(skeleton(collapse_runs(visit.label)), ()):
            if skel != visit.skeleton and len(visit.skeleton) - len(skel) <= MAX_STUTTER_EXTRA:
                reasons.extend(_typo_reason(visit, entry) for entry in index.skeletons[skel])
        if reasons:
            return reasons
    for variant in _joined_variants(visit.skeleton):
        for entry in index.skeletons.get(variant, ()):
            reasons.append(_typo_reason(visit, entry))
    return reasons


def _disguised_slip(visit: Visit, skel: str) -> bool:
    """True when a label written with letters outside ASCII is, once they are read as the
    letters they imitate, a long name with a slip of any kind (`mıcrosoħt`: an h for the f
    and a dotless i). Nobody types such letters by accident, so the look-alikes cost nothing;
    ASCII look-alikes do (reading every i as l puts ordinary names one letter from a brand's:
    a publisher's name is one from `aliexpress` so)."""
    if visit.ascii:
        return False
    return any_slip_of_long_name(visit.skeleton, skel, describe(visit.skeleton, skel))


def _stray_letter(label: str, name: str) -> bool:
    """True when `label` is a one-site brand's `name` of ONE_SITE_STRAY_NAME letters or more
    with one letter of any kind added after its first (`uniswaep`, `kucroin`): the edit that
    `edits.any_slip_of_long_name` counts from eight letters. Such a brand's name has no
    country sites or local namesakes near it, and kits pad it so (not a changed letter: a
    crypto firm's own name is one from a defunct lender's)."""
    if len(name) < ONE_SITE_STRAY_NAME or len(label) != len(name) + 1 or label[0] != name[0]:
        return False
    return any(label[:i] + label[i + 1 :] == name for i in range(1, len(label)))


def _machine_name(label: str) -> bool:
    """A name of infrastructure (`sfdcstatic`, `stripecdn`, `googleapis`): browsers fetch it,
    people never type it, so it has no typos worth a warning (look-alikes still count)."""
    return any(word in label for word in MACHINE_WORDS)


def _mixed(label: str, brand_label: str) -> bool:
    """True when the raw label needs a typing slip besides look-alike letters."""
    edits = describe(label, brand_label)
    return len(edits) > 1 and any(e.kind != "homoglyph" for e in edits)


def _joined_variants(skel: str) -> list[str]:
    """The label without its hyphens, and without each 'es' (`amazeson`, a mock plural)."""
    variants = []
    if "-" in skel:
        variants.append(skel.replace("-", ""))
    start = skel.find("es", 1)
    while start > 0:
        variants.append(skel[:start] + skel[start + 2 :])
        start = skel.find("es", start + 1)
    return variants


def _typo_reason(visit: Visit, entry: Protected) -> Reason:
    label = visit.label
    brand_label = entry.label
    edits = describe(label, brand_label)
    kinds = dict.fromkeys([_KIND_WORDS.get(e.kind, e.kind) for e in edits])
    detail = (
        f"'{label}' is '{brand_label}' with {' and '.join(kinds)} ({sentence(edits)}); "
        f"real site: {entry.domain}"
    )
    return reason("typo", entry, detail, positions(edits), foreign_country(visit, entry))


class TypoDetector:
    """`micosoft.com`, `paypall.com`, `amzaon.com`, `goolge.com`: one or two slips away."""

    name = "typo"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons the target's label is a misspelling of a protected label."""
        return detect_typo(Visit(target, index))
