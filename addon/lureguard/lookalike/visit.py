"""The visited name as every technique needs it: computed once per check, shared by all."""

from __future__ import annotations

from typing import Final

from rapidfuzz.distance import DamerauLevenshtein

from lureguard.hosts import Target
from lureguard.lookalike.confusables import readings
from lureguard.lookalike.index import (
    END_CHECK_LONG,
    LONG_LABEL,
    MIN_TYPO_LABEL,
    NO_NAMES_INSIDE,
    BrandIndex,
    CodeBits,
    NamesInside,
    Protected,
    typo_budget,
)
from lureguard.lookalike.pathtenant import PATH_PLATFORMS
from lureguard.lookalike.words import COMMON_WORDS
from lureguard.psl import bundled
from lureguard.verdict import Kind, Reason

#: `str.isalpha` and `str.isascii` called as functions where the hot path asks them: the
#: native build has no primitive for them and otherwise looks the method up on every call
#: (a third of the cost). The other lookalike modules keep their own alias, read natively.
_ISALPHA: Final = str.isalpha
_ISASCII: Final = str.isascii
_PSL: Final = bundled()
#: Top-level domains that abuse reports (Spamhaus, Interisle) find most used for phishing and
#: spam relative to their size: cheap to register, rarely anyone's long-standing home.
ABUSED_TLDS: Final = frozenset(
    {"bond", "buzz", "cam", "cc", "cf", "cfd", "click", "cyou", "ga", "gq", "icu", "ink", "lat",
     "ml", "monster", "pw", "qpon", "rest", "sbs", "shop", "site", "store", "tk", "top", "vip",
     "xin", "xyz"}
)  # fmt: skip


#: Free dynamic-DNS domains (No-IP's, DuckDNS, Dynu, FreeDNS's shared ones): a name there is
#: a free subdomain pointed at any address, the cheapest home a kit can have.
DYNAMIC_DNS: Final = frozenset(
    {"duckdns.org", "hopto.org", "ddns.net", "zapto.org", "sytes.net", "servehttp.com",
     "serveftp.com", "myftp.org", "myftp.biz", "webhop.me", "redirectme.net", "bounceme.net",
     "servebeer.com", "serveblog.net", "ddnsking.com", "3utilities.com", "gotdns.ch",
     "freeddns.org", "dynu.net", "dynv6.net", "mooo.com", "chickenkiller.com", "us.to",
     "ddns.me", "no-ip.org", "no-ip.biz", "no-ip.info", "dnsdojo.com",
     "dyndns.org", "ddnsfree.com", "kozow.com", "loseyourip.com"}
)  # fmt: skip


#: Generic TLDs from before 2012, which companies have long registered their names under; the
#: new generic TLDs (`.online`, `.one`, `.app`) are what bulk registrations favour.
LEGACY_GENERIC_TLDS: Final = frozenset(
    {"aero", "asia", "biz", "cat", "com", "coop", "edu", "gov", "info", "int", "jobs", "mil",
     "mobi", "museum", "name", "net", "org", "post", "pro", "tel", "travel", "xxx"}
)  # fmt: skip


def new_generic(suffix: str) -> bool:
    """True under a generic TLD introduced since 2012 (`.online`, `.app`): not a country's
    code, not a legacy generic TLD, not an internationalised TLD (country codes among them)."""
    tld = suffix.rsplit(".", 1)[-1]
    return len(tld) > 2 and tld not in LEGACY_GENERIC_TLDS and not tld.startswith("xn--")


#: How many public suffixes `suffix_traits` remembers (a few hundred recur; wildcard rules
#: such as `*.ck` make the set open, hence a bound).
SUFFIX_CACHE: Final = 4096
_SUFFIX_TRAITS: Final[dict[str, tuple[bool, bool, bool]]] = {}


def suffix_traits(suffix: str) -> tuple[bool, bool, bool]:
    """(tenant, cheap, new_gtld) of a public suffix, as `Visit` reads them: they depend on
    the suffix alone, which few hosts do not share, so each is worked out once (every check
    builds a Visit). The memory is bounded (`SUFFIX_CACHE`, then it starts afresh)."""
    traits = _SUFFIX_TRAITS.get(suffix)
    if traits is None:
        tenant = suffix in PATH_PLATFORMS or _PSL.is_platform(suffix)
        cheap = (suffix in DYNAMIC_DNS) if tenant else suffix.rsplit(".", 1)[-1] in ABUSED_TLDS
        traits = (tenant, cheap, not tenant and not cheap and new_generic(suffix))
        if len(_SUFFIX_TRAITS) >= SUFFIX_CACHE:
            _SUFFIX_TRAITS.clear()  # clearing is atomic, so threads may share it
        _SUFFIX_TRAITS[suffix] = traits
    return traits


def label_visit(label: str, suffix: str, index: BrandIndex) -> Visit:
    """A visit of `label` as if it were registered under `suffix` (`subdomain.py` judges a
    subdomain label so, `numbered.py` a label without its serial)."""
    name = f"{label}.{suffix}"
    return Visit(Target(name, name, name, name, label, suffix), index)


class Visit:
    """The registrable label of a target (Unicode, lowercase), its skeleton, and near matches."""

    __slots__ = ("_host_labels", "_inside", "_label_parts", "_near", "_parts", "_plain_inside",
                 "ascii", "cheap", "established", "guest", "index", "label", "new_gtld",
                 "plain", "skeleton", "target", "tenant")  # fmt: skip

    def __init__(self, target: Target, index: BrandIndex) -> None:
        self.target = target
        self.index = index
        label = target.domain_label
        self.label = label = registrable_label(target) if label.startswith("xn--") else label
        #: True when the label is ASCII, as nearly every one is: several techniques ask, and
        #: from the native build `str.isascii` is a method call each time
        self.ascii = ascii = _ISASCII(label)
        self.skeleton, self.plain = readings(label, ascii)
        #: True when popular sites use this label or it is a common English word: a name or
        #: word of its own (finance, email, papal), not a slip of a brand's name
        self.established = label in index.popular_labels or label in COMMON_WORDS
        tenant, cheap, new_gtld = suffix_traits(target.suffix)
        #: True for a customer of a hosting platform (`x.pages.dev`, `x.weebly.com`): a brand's
        #: name there is no one's site of its own
        self.tenant = tenant
        #: True under a top-level domain that spammers favour (`ABUSED_TLDS`); a platform's
        #: TLD is not its tenant's choice (`x.pages.dev` is judged by the tenant rules), but a
        #: free dynamic-DNS domain is (`DYNAMIC_DNS`: `x.duckdns.org` is as cheap as `x.top`)
        self.cheap = cheap
        #: True under another generic TLD introduced since 2012 (`new_generic`: `.shop`)
        self.new_gtld = new_gtld
        #: True for a subdomain label judged as a name (`subdomain.py`): a label on someone
        #: else's domain, where a brand's name glued to other letters is nobody's own domain
        self.guest = False
        self._near: list[tuple[str, int]] | None = None
        self._parts: list[str] | None = None
        self._label_parts: list[str] | None = None
        self._host_labels: list[str] | None = None
        self._inside: NamesInside | None = None
        self._plain_inside: NamesInside | None = None

    def parts(self) -> list[str]:
        """The skeleton's hyphen-separated parts (several techniques read them)."""
        if self._parts is None:
            self._parts = self.skeleton.split("-")
        return self._parts

    def parts_align(self) -> bool:
        """True when the label's hyphen parts map one to one onto the skeleton's (the rules
        that read a part as written beside its skeleton ask): the same length and the same
        hyphens. A character that reads as a hyphen (`⨪`, `‐`) adds a skeleton part."""
        label, skeleton = self.label, self.skeleton
        return len(label) == len(skeleton) and label.count("-") == skeleton.count("-")

    def label_parts(self) -> list[str]:
        """The label's hyphen-separated parts as written (several combination rules read
        them; shared, so read only)."""
        if self._label_parts is None:
            self._label_parts = self.label.split("-")
        return self._label_parts

    def host_labels(self) -> list[str]:
        """The host's labels before its public suffix, in Unicode: its subdomain's, then the
        registrable label (target embedding and subdomain names read them; shared, so read
        only)."""
        if self._host_labels is None:
            host = self.target.unicode_host
            suffix = self.target.suffix
            self._host_labels = (host[: -len(suffix) - 1] if suffix else host).split(".")
        return self._host_labels

    def names_inside(self) -> NamesInside:
        """The protected, plain-reading and context names inside the skeleton (`index.scan`;
        the combination rules read them all)."""
        if self._inside is None:
            self._inside = self.index.scan(self.skeleton)
        return self._inside

    def plain_names_inside(self) -> NamesInside:
        """`names_inside` of the plain reading (none when there is no plain reading)."""
        if self._plain_inside is None:
            self._plain_inside = self.index.scan(self.plain) if self.plain else NO_NAMES_INSIDE
        return self._plain_inside

    def near(self) -> list[tuple[str, int]]:
        """Protected skeletons within their typo budget of this label's skeleton (not equal)."""
        if self._near is None:
            self._near = near_skeletons(self.skeleton, self.index)
            if self.plain:
                known = {skel for skel, _ in self._near}
                extra = near_skeletons(self.plain, self.index)
                self._near += [item for item in extra if item[0] not in known]
        return self._near


def registrable_label(target: Target) -> str:
    """The owner-chosen label of the registrable domain, decoded from punycode."""
    if not target.domain_label:
        return ""
    if not target.domain_label.startswith("xn--"):
        return target.domain_label
    unicode_domain = target.unicode_registered_domain
    return unicode_domain.rsplit(".", target.suffix.count(".") + 1)[0]


def near_skeletons(text: str, index: BrandIndex) -> list[tuple[str, int]]:
    """(protected skeleton, Damerau–Levenshtein distance) for every typo-near skeleton.

    Symmetric deletion: the index holds every protected reading (skeleton, and plain reading
    where a letter group was folded) with up to `typo_budget` characters deleted; the visited
    skeleton is probed with itself and its single deletions.
    That finds every single edit and transposition, and on long labels two omissions or an
    omission plus a substitution, in len(text)+1 hash probes whatever the number of brands.
    """
    deletes = index.deletes
    n = len(text)
    if n < MIN_TYPO_LABEL or not deletes:
        return []
    lengths = index.probe_lengths
    if n > SHORT_VISITED and not (
        (n < len(lengths) and lengths[n] == 1)  # no key of a length a probe has: none found
        and _ends_match(text, index.start_codes, index.finish_codes)
        and _may_probe(text, index.probe_heads, index.probe_tails)
    ):
        return []
    candidates: set[str] = set()
    found = deletes.get(text)
    if found:
        candidates |= found
    for i in range(len(text)):
        found = deletes.get(text[:i] + text[i + 1 :])
        if found:
            candidates |= found
    if not candidates:
        return []
    best: dict[str, int] = {}
    readings = index.readings
    for reading in candidates:
        skel = readings[reading]
        if reading == text or skel == text:
            continue
        budget = typo_budget(len(reading))
        distance = DamerauLevenshtein.distance(text, reading, score_cutoff=budget)
        if distance <= budget and distance < best.get(skel, budget + 1):
            best[skel] = distance
    return sorted(best.items(), key=_nearest_first)


def two_slips(text: str, index: BrandIndex) -> list[tuple[str, int]]:
    """(protected skeleton, 2) for every protected reading of LONG_LABEL letters or more two
    edits from `text` that `near_skeletons` cannot find: two letters added, one added and one
    changed, two changed (`stramconmunity`), at both ends too (`mixrosoftonlinr`). Its
    single-deletion probes leave those out; here `text` with two letters deleted, its first
    kept, is probed too, each probe only when a key of its length may start and end with its
    letters (`_probe_end`, which makes an end test of the whole label needless). Letters only: a
    hyphen or digit makes words and numbers, the combination rules' to judge, and so are
    two letters added at the end (`<name>ok`)."""
    n = len(text)
    m = n - 2
    if (
        n < LONG_LABEL
        or m not in index.key_lengths
        or "-" in text  # (most labels that are no word: one search, no method called)
        or not (_ISASCII(text) and _ISALPHA(text))
    ):
        return []
    heads = index.probe_heads
    tails = index.probe_tails
    codes = text.encode()
    # Deleting after the fourth letter keeps the probe's head, before the last four its tail.
    head_kept = _probe_end(codes, 0, n, n, heads)
    tail_kept = _probe_end(codes, m - 4, 0, 1, tails)
    deletes = index.deletes
    readings = index.readings
    found: dict[str, int] = {}
    for i in range(1, n - 1):
        if i >= 4 and not head_kept:
            break
        head_after = head_kept if i >= 4 else _probe_end(codes, 0, i, n, heads)
        for j in range(i + 1 if tail_kept else max(i + 1, n - 4), n if head_after else 5):
            if not (head_after if j >= 5 else _probe_end(codes, 0, i, j, heads)):
                continue
            if not (tail_kept if j < n - 4 else _probe_end(codes, m - 4, i, j, tails)):
                continue
            for reading in deletes.get(text[:i] + text[i + 1 : j] + text[j + 1 :], ()):
                skel = readings[reading]
                if (
                    len(reading) < LONG_LABEL
                    or skel in found
                    or skel == text
                    or text.startswith(reading)
                ):
                    continue
                if DamerauLevenshtein.distance(text, reading, score_cutoff=2) <= 2:
                    found[skel] = 2
    return sorted(found.items(), key=_nearest_first) if found else []


def _probe_end(codes: bytes, p: int, i: int, j: int, ends: CodeBits) -> bool:
    """True when some deletion key two letters shorter than `codes` (an ASCII label) may hold
    (`index.CodeBits`) its four letters from `p` once its letters `i` < `j` are deleted: a
    test on code points, no string built."""
    a = p + (p >= i) + (p >= j - 1)
    b = p + 1 + (p + 1 >= i) + (p + 1 >= j - 1)
    c = p + 2 + (p + 2 >= i) + (p + 2 >= j - 1)
    d = p + 3 + (p + 3 >= i) + (p + 3 >= j - 1)
    # `probe_code` worked out in place: asked a few times per label, where a call costs.
    code = (((len(codes) - 2) * 131 + codes[a]) * 131 + codes[b]) * 131 + codes[c]
    return ends.may_hold(code * 131 + codes[d])


def _nearest_first(item: tuple[str, int]) -> tuple[int, int, str]:
    """Sort key of `near_skeletons`: the nearest, then the longest name, then by name (a
    function of its own, not a lambda: the native build then sets up no closure per call)."""
    return item[1], -len(item[0]), item[0]


#: Visited labels up to this long may be slips of three- and four-letter names, which the
#: end filter does not cover.
SHORT_VISITED: Final = 5


def _ends_match(text: str, starts: CodeBits, finishes: CodeBits) -> bool:
    """Cheap necessary condition: one edit (or two on the long names) leaves the first or the
    last letters of a name intact, so a label sharing no such end with any name is no slip.
    `text` (six letters or more) is tested against `BrandIndex.starts` and `finishes` as
    their `index.end_code`s, worked out in place: no slice built, no string hashed."""
    a, b, c = ord(text[0]), ord(text[1]), ord(text[2])
    x, y, z = ord(text[-3]), ord(text[-2]), ord(text[-1])
    if starts.may_hold(((393 + a) * 131 + b) * 131 + c) or finishes.may_hold(
        ((393 + x) * 131 + y) * 131 + z
    ):  # 393 = 3 * 131: three letters
        return True
    return len(text) < END_CHECK_LONG + 1 and (
        starts.may_hold((262 + a) * 131 + b) or finishes.may_hold((262 + y) * 131 + z)
    )  # 262 = 2 * 131: two letters


def _may_probe(text: str, heads: CodeBits, tails: CodeBits) -> bool:
    """Exact negative filter for the deletion probes (six letters or more): a probe key is
    `text` or `text` with one letter deleted, so its first four letters are one of six
    spellings of `text`'s first five, and likewise at the end. When no key of the right
    length starts (or ends) that way, none of the len+1 probes can hit. Most clean labels
    leave here after a few bitmap reads (`index.CodeBits`), with no string built, instead of
    building and probing every deletion."""
    n = len(text)
    if not heads.may_hold_slips(
        ord(text[0]), ord(text[1]), ord(text[2]), ord(text[3]), ord(text[4]), n, True
    ):
        return False
    return tails.may_hold_slips(
        ord(text[-5]), ord(text[-4]), ord(text[-3]), ord(text[-2]), ord(text[-1]), n, False
    )


#: Country codes one slip away from `.com`: registered for the slip, not for the country.
COM_SLIPS: Final = frozenset({"cm", "co", "om"})


def country_code(suffix: str) -> str | None:
    """The country code ending a public suffix (`br` of com.br), or None for a generic TLD,
    an abused one (`ABUSED_TLDS`: `cc`, `tk` are sold to anyone, anywhere) or a slip of
    `.com` (`COM_SLIPS`)."""
    tld = suffix.rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in ABUSED_TLDS or tld in COM_SLIPS:
        return None
    return tld


#: A slip of a one-site brand's name (`one_site_rules`) this long or longer keeps its level
#: under a country's code: a local company's name is rarely so near a long one.
ONE_SITE_SLIP_NAME: Final = 9


def foreign_country(visit: Visit, entry: Protected) -> bool:
    """True when the visited name sits under a country's domain where the brand has none.

    A brand's exact name or a near spelling under another country's code (`<brand>.com.iq`,
    `<brand>.de`, a slip of it under `.re`) is far more often the brand's own country site
    or a local company's name than an imitation: kits register generic and cheap domains.
    A brand that runs no country sites has no such site to be, so a slip of its long name
    is an imitation there too.
    """
    country = country_code(visit.target.suffix)
    if country is None or (
        entry.rule_id in visit.index.one_site_rules and len(entry.label) >= ONE_SITE_SLIP_NAME
    ):
        return False
    owned = visit.index.label_suffixes.get(entry.label, ())
    return all(suffix.rsplit(".", 1)[-1] != country for suffix in owned)


#: Said of a reason lowered by `foreign_country`.
FOREIGN_NOTE: Final = (
    " (under a country's domain where the brand has no site: often the brand's own country "
    "site or a local namesake, so reported without a warning)"
)


def reason(
    kind: Kind,
    entry: Protected,
    detail: str,
    positions: tuple[int, ...] = (),
    lowered: bool = False,
) -> Reason:
    """A lookalike Reason naming the brand, its official domain and the letters to highlight;
    `lowered` reports it one level below the brand rule's (block to warn, warn to notice)."""
    level = entry.level
    if lowered:
        level = "warn" if level == "block" else "notice"
        detail += FOREIGN_NOTE
    return Reason(
        kind=kind,
        rule_id=entry.rule_id,
        level=level,
        detail=detail,
        brand=entry.brand,
        target=entry.domain,
        source=entry.source,
        positions=positions,
    )
