"""What lookalike detectors compare against: the protected labels of every brand.

Built once when the engine loads (`BrandIndex.add` per label, then `finalize`); every structure
is a hash map or an automaton, so a detector probes a few keys, never scans all brands.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import ahocorasick

from lureguard.hosts import Target
from lureguard.lookalike.confusables import SHAPE_BYTES
from lureguard.lookalike.confusables import plain as plain_of
from lureguard.lookalike.confusables import shape as shape_of
from lureguard.lookalike.confusables import skeleton as skeleton_of
from lureguard.lookalike.words import deletions, is_lure_word
from lureguard.verdict import Level

_NO_WORDS: Final[frozenset[str]] = frozenset()
#: Protected skeletons this long or longer tolerate two edits (see `typo_budget`).
LONG_LABEL: Final = 10
#: From this length on, one edit leaves the first or the last three letters intact.
END_CHECK_LONG: Final = 7
#: Shortest protected skeleton matched with shape-alike letters folded (`confusables.shape`).
MIN_SHAPE_LABEL: Final = 4
#: Shortest official label whose look-alike spellings on its own suffix are reported
#: (`tcl.com` reads as td.com).
MIN_TWIN_LABEL: Final = 4
#: Shortest protected skeleton that typo detection considers.
MIN_TYPO_LABEL: Final = 3
#: A brand name inside this many unrelated popular names is a word part (`index.common`).
MIN_WORD_PART_NAMES: Final = 2
#: This many digits in a row are a number, never letters in disguise (`pay8007`, `fast411`).
NUMBER_DIGITS: Final = 3
_NUMBER: Final = re.compile(f"[0-9]{{{NUMBER_DIGITS}}}")
#: How many `BrandIndex.inside_popular_names` answers are remembered.
INSIDE_CACHE: Final = 20_000


def holds_number(text: str) -> bool:
    """True when `text` has NUMBER_DIGITS digits in a row: a number, not letters in disguise
    (look-alike digits stand alone or in pairs: `paypa1`, `g00gle`)."""
    return _NUMBER.search(text) is not None


def typo_budget(length: int) -> int:
    """How many edits a protected skeleton of `length` characters tolerates.

    Long labels are rare enough for two edits; which edits count for short labels is
    restricted separately (`edits.SHORT_PLAUSIBLE`).
    """
    if length < MIN_TYPO_LABEL:
        return 0
    return 2 if length >= LONG_LABEL else 1


class CodeBits:
    """A set of ints kept as a bitmap of their low bits, 256 bits per member: a test reads
    one byte, where a `set` would box the int and hash it. Members sharing low bits make a
    false "maybe" (about one test in 256), never a miss: a filter, not a set."""

    __slots__ = ("bits", "mask")

    def __init__(self, codes: Iterable[int]) -> None:
        members = list(codes)
        size = 1 << max(10, (len(members) * 256).bit_length())
        table = bytearray(size >> 3)
        for code in members:
            low = code & (size - 1)
            table[low >> 3] |= 1 << (low & 7)
        self.bits = bytes(table)
        self.mask = size - 1

    def may_hold(self, code: int) -> bool:
        """False when `code` is certainly not a member."""
        low = code & self.mask
        return (self.bits[low >> 3] >> (low & 7)) & 1 == 1

    def may_hold_slips(
        self, a: int, b: int, c: int, d: int, e: int, length: int, keep_first: bool
    ) -> bool:
        """False when none of these spellings of five code points may be a member (as
        `may_hold` of their `probe_code`s): the first four (`keep_first`) or the last four at
        `length`, and the five with any one left out at `length - 1` (`visit._may_probe`: the
        ends of a text's deletion probes). Six tests in one call, each code worked out in
        place as `probe_code` does: most labels ask only these, and calls are what they
        cost. (Codes derived from each other by sums cost more natively: products of the
        larger terms leave mypyc's fast path.)"""
        at = length * 131
        before = at - 131  # one letter fewer
        if keep_first:
            kept = (((at + a) * 131 + b) * 131 + c) * 131 + d
        else:
            kept = (((at + b) * 131 + c) * 131 + d) * 131 + e
        # Straight-line tests, no tuple of codes: the native build then boxes no int.
        mask = self.mask
        bits = self.bits
        low = kept & mask
        if (bits[low >> 3] >> (low & 7)) & 1:
            return True
        low = ((((before + b) * 131 + c) * 131 + d) * 131 + e) & mask  # the first left out
        if (bits[low >> 3] >> (low & 7)) & 1:
            return True
        # The other four keep `a`, and the last three `a` and `b`, the last two `a`, `b` and
        # `c`: their shared beginnings are worked out once.
        with_a = (before + a) * 131
        low = (((with_a + c) * 131 + d) * 131 + e) & mask
        if (bits[low >> 3] >> (low & 7)) & 1:
            return True
        with_ab = (with_a + b) * 131
        low = ((with_ab + d) * 131 + e) & mask
        if (bits[low >> 3] >> (low & 7)) & 1:
            return True
        with_abc = (with_ab + c) * 131
        low = (with_abc + e) & mask
        if (bits[low >> 3] >> (low & 7)) & 1:
            return True
        low = (with_abc + d) & mask  # the last left out
        return (bits[low >> 3] >> (low & 7)) & 1 == 1


@dataclass(frozen=True, slots=True)
class Protected:
    """A label a brand owns (`microsoft` of microsoft.com) and the domain it stands for."""

    label: str
    domain: str
    rule_id: str
    brand: str
    level: Level
    source: str = ""


@dataclass(frozen=True, slots=True)
class Signal:
    """A `signal` rule: the rule id, level and source its reasons carry."""

    rule_id: str
    level: Level
    source: str = ""


class NamesInside:
    """The names `BrandIndex.scan` found inside one text, by kind."""

    __slots__ = ("context", "names", "plain")

    def __init__(self) -> None:
        #: (start, protected skeleton), as `BrandIndex.substrings` finds them
        self.names: list[tuple[int, str]] = []
        #: (start, end, protected skeleton) of the names' plain readings
        self.plain: list[tuple[int, int, str]] = []
        #: (start, context skeleton)
        self.context: list[tuple[int, str]] = []


#: What `BrandIndex.scan` finds in a text that holds no name, as most do: one instance shared
#: by every such visit (nothing built per label), so it is never changed.
NO_NAMES_INSIDE: Final = NamesInside()


@dataclass
class BrandIndex:
    """Protected labels keyed by label, skeleton, deletion neighbourhood and leading gram."""

    labels: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    skeletons: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    #: registrable domain -> rule id of the brand that owns it
    official: dict[str, str] = field(default_factory=dict)
    #: official public suffixes per brand label (google -> {com, de, co.jp, ...})
    label_suffixes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    popular: set[str] = field(default_factory=set)
    #: deletion neighbourhood (up to `typo_budget` deletions) -> protected readings
    deletes: dict[str, set[str]] = field(default_factory=dict)
    #: first and last four letters of every deletion key with its length, as `probe_code`s
    #: (`visit._may_probe`)
    probe_heads: CodeBits = field(default_factory=lambda: CodeBits(()))
    probe_tails: CodeBits = field(default_factory=lambda: CodeBits(()))
    #: lengths of the deletion keys
    key_lengths: frozenset[int] = frozenset()
    #: 1 at each length of a text whose deletion probes (itself, or a letter fewer) may find
    #: a key: a key has that length or one less (`visit.near_skeletons` reads a byte, where
    #: `key_lengths` would box and hash two ints)
    probe_lengths: bytes = b""
    #: first and last three letters (two as well, below END_CHECK_LONG letters) of every
    #: reading of MIN_TYPO_LABEL letters or more (`visit._ends_match`)
    starts: frozenset[str] = frozenset()
    finishes: frozenset[str] = frozenset()
    #: `starts` and `finishes` as `end_code`s (`visit._ends_match` tests them, no slice built)
    start_codes: CodeBits = field(default_factory=lambda: CodeBits(()))
    finish_codes: CodeBits = field(default_factory=lambda: CodeBits(()))
    #: protected reading (skeleton, or plain reading when it differs) -> its skeleton
    readings: dict[str, str] = field(default_factory=dict)
    #: Aho–Corasick automaton over every protected skeleton (combosquat matching)
    automaton: Any = None
    #: the plain readings that differ from their skeletons (`barclays`, whose skeleton reads
    #: `cl` as `d`) -> the skeleton
    plain_readings: dict[str, str] = field(default_factory=dict)
    #: protected skeletons that occur inside unrelated popular names (apple in pineapple)
    common: frozenset[str] = frozenset()
    #: protected skeletons whose name, spelled as the brand spells it, is itself a word part
    #: (`apple`; not `gmail`, whose skeleton `gmall` sits inside sigmalive)
    common_spelled: frozenset[str] = frozenset()
    #: proper prefixes of the distinctive skeletons (`combosquat._split_names`: a name split
    #: by a hyphen starts with a word that is one of them, `pay-pal`)
    split_prefixes: frozenset[str] = frozenset()
    #: consonant key (`consonant_key`) -> distinctive protected skeletons that have it
    consonants: dict[str, list[str]] = field(default_factory=dict)
    #: shape-folded protected skeletons (long ones only) -> the skeletons
    shapes: dict[str, set[str]] = field(default_factory=dict)
    #: lengths of visited skeletons that may have a shape match (saves the fold otherwise)
    shape_lengths: frozenset[int] = frozenset()
    #: `head_code` of every `shapes` key of four letters or more (`homoglyph._shape_match`
    #: tests a label's `shape_head_code` before it folds the label)
    shape_heads: CodeBits = field(default_factory=lambda: CodeBits(()))
    #: a protected skeleton glued to one of its own suffixes (`paypalcom`, `aeonbankco` + .jp)
    #: -> (skeleton, official suffix, the visited suffix required or '')
    glued: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: first labels of all official suffixes (`com`, `co` of co.uk): what may follow a name
    suffix_heads: frozenset[str] = frozenset()
    #: first labels of all official domains (`live` of live.com, `aws` of aws.amazon.com)
    official_labels: frozenset[str] = frozenset()
    #: first two labels of all official domains (`live.com`, `aws.amazon`): how any written
    #: out official domain starts (`embedding._official_written`)
    official_heads: frozenset[str] = frozenset()
    #: labels of popular sites: names in their own right, never read as slips of a brand
    popular_labels: frozenset[str] = frozenset()
    #: the labels of popular sites that no brand owns, one a line (`inside_popular_names`)
    popular_text: str = ""
    #: label -> domain of each popular site that is the only popular site with its label
    #: (`example-univ` -> example-univ.edu): `foreign._popular_label`
    popular_by_label: dict[str, str] = field(default_factory=dict)
    #: label -> the popular sites that carry it, when two or more do (`example` -> example.com,
    #: example.org)
    popular_namesakes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: `inside_popular_names` answers, per (text, brand label)
    _inside: dict[tuple[str, str | None], bool] = field(default_factory=dict)
    #: hyphenated protected skeletons without their hyphens (t-mobile -> tmobile)
    flat: dict[str, str] = field(default_factory=dict)
    #: first three letters of every protected skeleton and flat name (`embedding._split_name`)
    split_heads: frozenset[str] = frozenset()
    #: names protected only in a plain phishing context (`chase`, `nid`): skeleton -> entries
    context: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    #: rule id -> one of its entries (the brand's name, level and source for reasons about an
    #: official domain whose label is not protected itself, such as live.com's `live`)
    rule_entries: dict[str, Protected] = field(default_factory=dict)
    #: one automaton over the protected skeletons, their plain readings and the context
    #: names (`scan`): a text read once for all
    name_automaton: Any = None
    #: skeleton of a protected label of MIN_STUTTER_NAME letters or more with its letter
    #: runs read once (`google` -> `gogle`) -> the protected skeletons; a visited `goooog1e`
    #: reads `gogle` too
    stutters: dict[str, list[str]] = field(default_factory=dict)
    #: the first MIN_SINGLED letters of the `stutters` keys that long or longer
    stutter_heads: frozenset[str] = frozenset()
    #: rule ids of mail providers (tagged MAIL_TAG)
    mail_rules: frozenset[str] = frozenset()
    #: rule ids of brands that run one site for the whole world (tagged one of ONE_SITE_TAGS)
    one_site_rules: frozenset[str] = frozenset()
    #: each context name of MIN_CONTEXT_SLIP letters or more that is no common word, and each
    #: of its single deletions -> those names (`combosquat._context_slip_beside_lure`)
    context_slips: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the beginnings of context names of MIN_CONTEXT_SLIP letters or more, whole names too
    #: (`combosquat._split_context_names`)
    context_heads: frozenset[str] = frozenset()
    #: rule ids of the one-site brands tagged FANLESS_TAG (`combosquat._one_site_start`)
    fanless_rules: frozenset[str] = frozenset()
    #: skeletons of one-site brands' names of MIN_FAR_NAME letters or more that are no word
    #: part of popular names (`combosquat._far_slip_in_tenant`)
    one_site_names: tuple[str, ...] = ()
    #: short labels of mail providers' official domains (`qq` of qq.com, `163`, `wp` of
    #: wp.pl), protected nowhere else -> the providers' entries (`combosquat._mail_domain_word`)
    mail_domains: dict[str, list[Protected]] = field(default_factory=dict)
    #: a brand's initials (`fb` of fb.com, `initials` in its rule) -> the brand's entries:
    #: its name on hosting platforms beside lure words (`combosquat._initials_in_tenant`)
    initials: dict[str, list[Protected]] = field(default_factory=dict)
    #: unrelated registrable domains that carry a brand's name -> that brand's rule id
    namesakes: dict[str, str] = field(default_factory=dict)
    #: skeleton of the label of every official registrable domain whose label has
    #: MIN_TWIN_LABEL characters or more -> those domains as Protected entries
    #: (`homoglyph`: `1ive.com` is a disguise of live.com, though `live` is no keyword)
    official_twins: dict[str, list[Protected]] = field(default_factory=lambda: defaultdict(list))
    #: brand-less detections switched on by `signal` rules: signal -> the rule behind it
    signals: dict[str, Signal] = field(default_factory=dict)
    #: rule id -> skeletons of the brand's own lure words (`lure_words`: `suite` of Trezor
    #: Suite), lure words beside its names only
    brand_words: dict[str, frozenset[str]] = field(default_factory=dict)
    #: every brand's own lure words together (skeletons)
    own_word_set: frozenset[str] = frozenset()
    #: protected or context skeleton -> the lure words of the brands it stands for
    name_words: dict[str, frozenset[str]] = field(default_factory=dict)
    #: a brand's own lure word -> the context skeletons of the brands that have it
    context_by_word: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: a pattern that finds any brand's own lure word (None when no brand has one)
    own_word_inside: re.Pattern[str] | None = None

    def add(self, entry: Protected, skeleton: str) -> None:
        """Register one protected label under its label and skeleton."""
        if entry not in self.labels[entry.label]:
            self.labels[entry.label].append(entry)
        if entry not in self.skeletons[skeleton]:
            self.skeletons[skeleton].append(entry)

    def add_official(self, entry: Protected, skeleton: str) -> None:
        """Register the label of an official registrable domain (`entry.domain`) by its
        skeleton (`official_twins`)."""
        if len(skeleton) >= MIN_TWIN_LABEL:
            self.official_twins[skeleton].append(entry)

    def add_context(self, entry: Protected, skeleton: str) -> None:
        """Register one name protected only in a phishing context."""
        if entry not in self.context[skeleton]:
            self.context[skeleton].append(entry)

    def is_legitimate(self, registered_domain: str) -> bool:
        """True when the domain belongs to a brand or is a well-known popular site."""
        return registered_domain in self.official or registered_domain in self.popular

    def finalize(self) -> None:
        """Precompute the typo and substring indexes once every label has been added."""
        deletes: dict[str, set[str]] = defaultdict(set)
        automaton = ahocorasick.Automaton()
        readings: dict[str, str] = {}
        for skel, entries in self.skeletons.items():
            readings[skel] = skel
            # A letter group folded inside a name (`cl` of alibabacloud) would hide slips
            # next to it, so the plain reading is indexed too (`alibabacmoud`).
            for entry in entries:
                second = plain_of(entry.label)
                if second and second != skel:
                    readings.setdefault(second, skel)
        for text in readings:
            for variant in deletions(text, typo_budget(len(text))):
                deletes[variant].add(text)
        self.readings = readings
        widths = {
            text: (3,) if len(text) >= END_CHECK_LONG else (2, 3)
            for text in readings if len(text) >= MIN_TYPO_LABEL
        }  # fmt: skip
        self.starts = frozenset(text[:k] for text, ks in widths.items() for k in ks)
        self.finishes = frozenset(text[-k:] for text, ks in widths.items() for k in ks)
        self.start_codes = CodeBits(map(end_code, self.starts))
        self.finish_codes = CodeBits(map(end_code, self.finishes))
        for skel in self.skeletons:
            if len(skel) >= MIN_TYPO_LABEL:
                automaton.add_word(skel, skel)
        self.deletes = dict(deletes)
        self.key_lengths = frozenset(len(k) for k in self.deletes)
        self.probe_lengths = bytes(
            n in self.key_lengths or n - 1 in self.key_lengths
            for n in range(max(self.key_lengths, default=0) + 2)
        )
        self.probe_heads = CodeBits(head_code(k) for k in self.deletes if len(k) >= 4)
        self.probe_tails = CodeBits(tail_code(k) for k in self.deletes if len(k) >= 4)
        if len(automaton):
            automaton.make_automaton()
            self.automaton = automaton
        self.plain_readings = {
            text: skel
            for text, skel in readings.items()
            if text != skel and len(text) >= MIN_TYPO_LABEL
        }
        shapes: dict[str, set[str]] = defaultdict(set)
        # Plain readings too: `barelaycarb` is barclaycard with c/e and d/b, and its `cl`
        # must stay two letters to meet them (the skeleton folds it to `d`).
        for reading, skel in readings.items():
            if len(reading) >= MIN_SHAPE_LABEL:
                shapes[shape_of(reading, strokes=False)].add(skel)
        self.shapes = dict(shapes)
        self.shape_heads = CodeBits(head_code(key) for key in shapes if len(key) >= 4)
        # A stroke merge (`lc`→k) shortens a visited label by one letter per merge.
        self.shape_lengths = frozenset(
            n
            for reading in readings
            if len(reading) >= MIN_SHAPE_LABEL
            for n in (len(reading), len(reading) + 1, len(reading) + 2)
        )
        glued: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for skel, entries in self.skeletons.items():
            owned = {s for e in entries for s in self.label_suffixes.get(e.label, ())}
            for suffix in sorted(owned):  # sorted: the same reason text in every run
                # Keyed by the skeleton of the whole spelling, as visits are (`io` reads `lo`).
                parts = skeleton_of(suffix).split(".")
                for joined in ("".join(parts), "-".join(parts)):
                    glued[skel + joined].append((skel, suffix, ""))
                    glued[f"{skel}-{joined}"].append((skel, suffix, ""))
                if len(parts) > 1:
                    head, rest = "".join(parts[:-1]), suffix.rsplit(".", 1)[1]
                    glued[skel + head].append((skel, suffix, rest))
                    glued[f"{skel}-{head}"].append((skel, suffix, rest))
        self.glued = dict(glued)
        self.suffix_heads = frozenset(
            suffix.split(".", 1)[0] for owned in self.label_suffixes.values() for suffix in owned
        )
        self.official_labels = frozenset(domain.split(".", 1)[0] for domain in self.official)
        self.official_heads = frozenset(".".join(d.split(".", 2)[:2]) for d in self.official)
        self.flat = {k.replace("-", ""): k for k in self.skeletons if "-" in k}
        self.split_heads = frozenset(k[:3] for k in (*self.skeletons, *self.flat) if len(k) >= 3)
        self.common = frozenset(self._common_skeletons())
        self.common_spelled = frozenset(self._common_spellings())
        slips: dict[str, set[str]] = defaultdict(set)
        for skel in self.context:
            if len(skel) >= MIN_CONTEXT_SLIP and skel not in self.common and skel.isalpha():
                for variant in deletions(skel, 1):
                    slips[variant].add(skel)
        self.context_slips = {k: tuple(sorted(v)) for k, v in slips.items()}
        self.context_heads = frozenset(
            skel[:k]
            for skel in self.context
            if len(skel) >= MIN_CONTEXT_SLIP
            for k in range(1, len(skel) + 1)
        )
        self.split_prefixes = frozenset(
            skel[:k]
            for skel in self.skeletons
            if len(skel) >= MIN_SPLIT_NAME and skel not in self.common and "-" not in skel
            for k in range(1, len(skel))
        )
        consonants: dict[str, list[str]] = defaultdict(list)
        for skel, entries in self.skeletons.items():
            if len(skel) >= MIN_CONSONANT_NAME and skel not in self.common and "-" not in skel:
                key = consonant_key(entries[0].label)
                if len(key) >= MIN_CONSONANTS and skel not in consonants[key]:
                    consonants[key].append(skel)
        self.consonants = dict(consonants)
        stutters: dict[str, list[str]] = defaultdict(list)
        for skel, entries in self.skeletons.items():
            if len(skel) >= MIN_STUTTER_NAME:
                key = skeleton_of(collapse_runs(entries[0].label))
                if skel not in stutters[key]:
                    stutters[key].append(skel)
        self.stutters = dict(stutters)
        self.stutter_heads = frozenset(k[:MIN_SINGLED] for k in stutters if len(k) >= MIN_SINGLED)
        self.name_automaton = self._name_automaton()
        self.popular_labels = frozenset(d.split(".", 1)[0] for d in self.popular)
        others = sorted({d.split(".", 1)[0] for d in self.popular if d not in self.official})
        self.popular_text = "\n" + "\n".join(others) + "\n"
        owners = label_owners(self.popular)
        self.popular_by_label = {
            label: sites[0] for label, sites in owners.items() if len(sites) == 1
        }
        self.popular_namesakes = {
            label: tuple(sites) for label, sites in owners.items() if len(sites) > 1
        }
        for entries in (*self.skeletons.values(), *self.context.values()):
            for entry in entries:
                self.rule_entries.setdefault(entry.rule_id, entry)
        self.mail_domains = self._mail_domains()
        self.one_site_names = tuple(
            sorted(
                skel
                for skel, entries in self.skeletons.items()
                if len(skel) >= MIN_FAR_NAME and self.one_site_name(entries, entries[0].label)
            )
        )
        if self.brand_words:
            self.own_word_set = frozenset().union(*self.brand_words.values())
            every = sorted(self.own_word_set, key=len, reverse=True)
            self.own_word_inside = re.compile("|".join(map(re.escape, every)))
            for table in (self.skeletons, self.context):
                for skel, entries in table.items():
                    for entry in entries:
                        words = self.brand_words.get(entry.rule_id)
                        if words:
                            self.name_words[skel] = self.name_words.get(skel, _NO_WORDS) | words
            for skel, entries in self.context.items():
                for word in frozenset().union(
                    *(self.brand_words.get(e.rule_id, _NO_WORDS) for e in entries)
                ):
                    self.context_by_word[word] = (*self.context_by_word.get(word, ()), skel)

    def _mail_domains(self) -> dict[str, list[Protected]]:
        """`mail_domains`: each mail provider's short official labels that no keyword, context
        name or lure word covers, as entries of the provider."""
        short: dict[str, list[Protected]] = defaultdict(list)
        for domain, rule_id in self.official.items():
            label = domain.split(".", 1)[0]
            skel = skeleton_of(label)
            if (
                rule_id in self.mail_rules
                and 2 <= len(label) <= MAX_MAIL_DOMAIN
                and skel not in self.skeletons
                and skel not in self.context
                and not is_lure_word(skel)
                and all(e.rule_id != rule_id for e in short[label])
            ):
                entry = self.official_entry(label, domain)
                if entry is not None:
                    short[label].append(entry)
        return dict(short)

    def one_site_name(self, entries: Iterable[Protected], written: str) -> bool:
        """True when one of `entries` is a brand that serves the world from one site
        (`one_site_rules`) and its name as `written` is no word part of other popular names
        (`kraken` is an image optimiser's too): no country site or namesake bears it."""
        return any(
            entry.rule_id in self.one_site_rules for entry in entries
        ) and not self.inside_popular_names(written, None)

    def official_entry(self, label: str, domain: str) -> Protected | None:
        """The brand that owns the official `domain`, as an entry for its `label` (unprotected
        itself, such as `live` of live.com), or None when no brand owns it."""
        rule_id = self.official.get(domain)
        entry = self.rule_entries.get(rule_id) if rule_id else None
        if entry is None:
            return None
        return Protected(label, domain, entry.rule_id, entry.brand, entry.level, entry.source)

    def substrings(self, text: str) -> list[tuple[int, str]]:
        """(start, skeleton) of every protected skeleton inside `text`, in one C pass."""
        if self.automaton is None:
            return []
        return [(end - len(skel) + 1, skel) for end, skel in self.automaton.iter(text)]

    def scan(self, text: str) -> NamesInside:
        """The protected names, the names' plain readings (where they differ from the
        skeleton: a look-alike digit beside a letter group keeps the group from folding,
        `barc1ays` reads `barclays`, the name's skeleton `bardays`) and the context names
        inside `text`, in one pass of `name_automaton`: a pass costs about a microsecond,
        mostly to start, and a clean label holds no name at all (`NO_NAMES_INSIDE` then:
        callers only read what it returns)."""
        if self.name_automaton is None:
            return NO_NAMES_INSIDE
        found = NO_NAMES_INSIDE
        for end, (length, skel, plain_skel, context_skel) in self.name_automaton.iter(text):
            if found is NO_NAMES_INSIDE:
                found = NamesInside()
            start = end - length + 1
            if skel:
                found.names.append((start, skel))
            if plain_skel:
                found.plain.append((start, end + 1, plain_skel))
            if context_skel:
                found.context.append((start, context_skel))
        return found

    def _name_automaton(self) -> Any:
        """The protected skeletons of MIN_TYPO_LABEL letters or more (`automaton`'s keys),
        their `plain_readings` and the context names in one automaton, each valued (its length,
        its protected skeleton, the skeleton it is a plain reading of, its context skeleton;
        '' where it is none of these). Its matches come by end, the longest first."""
        roles: dict[str, list[str]] = {}
        for skel in self.skeletons:
            if len(skel) >= MIN_TYPO_LABEL:
                roles.setdefault(skel, ["", "", ""])[0] = skel
        for text, skel in self.plain_readings.items():
            roles.setdefault(text, ["", "", ""])[1] = skel
        for skel in self.context:
            roles.setdefault(skel, ["", "", ""])[2] = skel
        if not roles:
            return None
        automaton = ahocorasick.Automaton()
        for key, (skel, plain_skel, context_skel) in roles.items():
            automaton.add_word(key, (len(key), skel, plain_skel, context_skel))
        automaton.make_automaton()
        return automaton

    def own_words(self, name: str) -> frozenset[str]:
        """The lure words of the brands a protected or context skeleton stands for."""
        return self.name_words.get(name, _NO_WORDS)

    def official_owner(self, target: Target) -> str | None:
        """The rule whose official domain the target is or lies under, stopping at its
        registrable domain: bucket.s3.amazonaws.com belongs to a customer, not to the brand
        that runs the public suffix (amazonaws.com)."""
        if not target.registered_domain or not self.official:
            return None
        names = target.names
        for i in range(len(names) - target.suffix.count(".") - 1):  # (no slice built)
            rule_id = self.official.get(names[i])
            if rule_id is not None:
                return rule_id
        return None

    def inside_popular_names(self, text: str, name: str | None) -> bool:
        """True when `text` sits inside the labels of MIN_WORD_PART_NAMES popular domains or
        more that do not hold the brand label `name` (any label, for None): a word part of
        other people's names (`ecloud` of kingsoftecloud), not a slip of `name` (icloud). Found
        in one scan of the popular labels; answers are remembered (checks reach here only for
        a found slip or plural)."""
        key = (text, name)
        known = self._inside.get(key)
        if known is not None:
            return known
        found = 0
        for label in self._popular_labels_with(text):
            found += label != text and (name is None or name not in label)
            if found >= MIN_WORD_PART_NAMES:
                break
        if len(self._inside) >= INSIDE_CACHE:
            self._inside.clear()
        self._inside[key] = answer = found >= MIN_WORD_PART_NAMES
        return answer

    def starts_popular_names(self, text: str) -> bool:
        """True when MIN_WORD_PART_NAMES popular labels or more start with `text` and go on
        (`applebees` of apple): a name that begins other people's names, not only one that
        ends them (`forticloud` holds icloud)."""
        found = 0
        for label in self._popular_labels_with(text, starting=True):
            found += label != text
            if found >= MIN_WORD_PART_NAMES:
                break
        return found >= MIN_WORD_PART_NAMES

    def _popular_labels_with(self, text: str, *, starting: bool = False) -> Iterator[str]:
        """Each popular label (official domains left out) that holds `text`, or starts with
        it, once, in one scan of `popular_text`."""
        corpus = self.popular_text
        needle = f"\n{text}" if starting else text
        start = corpus.find(needle)
        while start >= 0:
            first = start + 1 if starting else corpus.rfind("\n", 0, start) + 1
            end = corpus.find("\n", first)
            yield corpus[first:end]
            start = corpus.find(needle, end)

    def _common_skeletons(self) -> Iterable[str]:
        """Protected skeletons found strictly inside the labels of several unrelated popular
        domains (`MIN_WORD_PART_NAMES`).

        Such a brand name is also an ordinary word or word part (apple in rappler and
        pineapple, chase in purchase and chaser), so a combosquat on it needs a visible
        boundary; distinctive names (paypal) need none. One name is not enough: a popular
        list of today's web holds fan tools (`findmyfacebookid`) and worse, which make no
        brand a word.
        """
        return self._word_parts(
            skeleton_of, lambda text: [(i, i + len(k), k) for i, k in self.substrings(text)]
        )

    def _common_spellings(self) -> Iterable[str]:
        """Protected skeletons whose name as the brand spells it (not its skeleton) sits
        inside popular names like `_common_skeletons`: a skeleton gathers unrelated letters
        (`gmall` of gmail is in `sigmalive`, `qqmail`), which make no word of the name."""
        automaton = ahocorasick.Automaton()
        for skel, entries in self.skeletons.items():
            for entry in entries:
                if len(entry.label) >= MIN_TYPO_LABEL:
                    automaton.add_word(entry.label, (skel, len(entry.label)))
        if not len(automaton):
            return ()
        automaton.make_automaton()
        return self._word_parts(
            str.lower, lambda text: [(e + 1 - n, e + 1, k) for e, (k, n) in automaton.iter(text)]
        )

    def _word_parts(
        self,
        reading: Callable[[str], str],
        matches: Callable[[str], list[tuple[int, int, str]]],
    ) -> Iterable[str]:
        """Names that `matches` finds strictly inside the `reading` of the labels of several
        unrelated popular domains (`MIN_WORD_PART_NAMES`).

        The readings are matched as one text, a line each: one pass of the automaton instead
        of one per label (no name holds a line break, so none runs across two)."""
        # Popular entries are registrable domains: their first label is the owner's name.
        others = [domain for domain in self.popular if domain not in self.official]
        readings = [reading(domain.split(".", 1)[0]) for domain in others]
        text = "\n" + "\n".join(readings) + "\n"
        inside: set[tuple[int, str]] = set()
        for start, end, found in matches(text):
            # Letters on both sides, within the line: a word part (rappler, purchase), not a
            # brand plus a word (googleplex, youtube-mp3), which is what combosquats look like.
            if text[start - 1] not in "-\n" and text[end] not in "-\n":
                inside.add((text.rfind("\n", 0, start), found))  # once per domain: its line
        seen: dict[str, int] = defaultdict(int)
        for _, found in inside:
            seen[found] += 1
        return (name for name, count in seen.items() if count >= MIN_WORD_PART_NAMES)


#: One-site brands' names of this many letters or more are read two slips off on hosting
#: platforms (`one_site_names`).
MIN_FAR_NAME: Final = 6
#: Names of this many letters or more are also indexed by their consonants (`consonant_key`).
MIN_CONSONANT_NAME: Final = 6
#: ... when their key keeps at least this many consonants (`trzr`, not kucoin's `kn`).
MIN_CONSONANTS: Final = 4
#: Mail providers' official domain labels this short or shorter are `mail_domains`: longer
#: ones are protected names of their own.
MAX_MAIL_DOMAIN: Final = 4
#: The tag of brands that run a mail service (rules/brands).
MAIL_TAG: Final = "sector.email"
#: The tags of brands with no country sites: a crypto service serves the world from one
#: domain, as do the platforms tagged `site.one` (a game store, a chat service), so their
#: name under a country's code is nobody's local branch.
ONE_SITE_TAGS: Final = frozenset({"sector.crypto", "site.one"})
#: The tag of one-site brands whose name starts nobody else's site (`fanless_rules`): crypto
#: projects' fans name their sites otherwise, where a game's fans name databases and forums
#: after it (`<game>db`).
FANLESS_TAG: Final = "sector.crypto"
#: Digits read as the letters they stand for (`l0gin`, `4pple`), other digits are no letter;
#: and `c` reads as the `k` it mostly sounds (`racuten`): kits spell by ear.
_KEY_LETTERS: Final = str.maketrans("013457c", "oleastk")
_NOT_CONSONANTS: Final = frozenset("aeiouy0123456789")


#: Context names of this many letters or more are read with a slip beside lure words, or
#: split by a hyphen (`fideli-ty`): shorter ones slip or split into ordinary words (`me-ta`).
MIN_CONTEXT_SLIP: Final = 6
#: Names of this many letters or more may be found split by hyphens (`split_prefixes`).
MIN_SPLIT_NAME: Final = 5
#: Names of this many letters or more are also indexed with letter runs collapsed.
MIN_STUTTER_NAME: Final = 5
#: A name with a doubled letter, written with each letter once, counts from this long
#: (`combosquat._single_letters_start`).
MIN_SINGLED: Final = 7


def repeats(text: str) -> int:
    """How many letters repeat the one before them (`gooogle`: 2). A plain loop, cheap
    compiled: most labels repeat few letters, and `collapse_runs` is needed only when a
    label repeats more than a slip's budget."""
    count = 0
    for i in range(1, len(text)):
        if text[i] == text[i - 1]:
            count += 1
    return count


def collapse_runs(text: str) -> str:
    """`text` with every run of one letter read once: `gooogle`, `google` -> `gogle`.
    Collapse the letters as written, then take the skeleton: a run the skeleton makes
    (`cl` reads `d`, so `ildcloud` reads `llddoud`) is no stutter of `icloud`."""
    parts = []
    start = 0
    for i in range(1, len(text)):
        if text[i] == text[i - 1]:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return "".join(parts)


def consonant_positions(text: str) -> list[tuple[str, int]]:
    """(consonant, index in `text`) of `consonant_key`'s letters: vowels dropped, and a
    consonant repeating the one before it (`zz`, or `r-o-r`) merged into it."""
    found: list[tuple[str, int]] = []
    last = ""
    for i, letter in enumerate(text.translate(_KEY_LETTERS)):
        if letter not in _NOT_CONSONANTS and letter != last:
            found.append((letter, i))
            last = letter
    return found


def consonant_key(text: str) -> str:
    """The consonants of a word with repeats merged, `c` read as `k`: `trezor`, `trezzr`,
    `trizer` and `trezar` all read `trzr`, `rakuten` and `racuten` read `rktn`. Kits on
    hosting platforms misspell names far beyond a typo's budget yet keep these letters,
    which make the name readable."""
    return "".join(letter for letter, _ in consonant_positions(text))


def probe_code(a: int, b: int, c: int, d: int, length: int) -> int:
    """Four code points and a length as one int (distinct for ASCII), so `visit._may_probe`
    tests a spelling without building a string. A polynomial, so every letter reaches the
    low bits that `CodeBits` keeps."""
    return (((length * 131 + a) * 131 + b) * 131 + c) * 131 + d


def head_code(text: str) -> int:
    """`probe_code` of the first four letters of `text` and its length."""
    return probe_code(ord(text[0]), ord(text[1]), ord(text[2]), ord(text[3]), len(text))


def shape_head_code(text: str) -> int:
    """`head_code` of `shape(text, strokes=False)` for a `text` of four characters or more,
    with no string built: `homoglyph._shape_match` asks it of most labels, and `shapes` holds
    no key for nearly all. The shape folds ASCII letters one for one and keeps any other
    character, so it has the text's length and each code point is read in `SHAPE_BYTES`."""
    return probe_code(
        _shaped(ord(text[0])), _shaped(ord(text[1])), _shaped(ord(text[2])),
        _shaped(ord(text[3])), len(text),
    )  # fmt: skip


def _shaped(code: int) -> int:
    """The code point `shape` (without strokes) turns `code` into."""
    return SHAPE_BYTES[code] if code < 256 else code


def end_code(text: str) -> int:
    """A name's first or last two or three letters (`BrandIndex.starts`, `finishes`) as one
    int: `probe_code`'s polynomial over the length and the letters (`visit._ends_match`
    works it out in place)."""
    code = len(text)
    for char in text:
        code = code * 131 + ord(char)
    return code


def tail_code(text: str) -> int:
    """`probe_code` of the last four letters of `text` and its length."""
    return probe_code(ord(text[-4]), ord(text[-3]), ord(text[-2]), ord(text[-1]), len(text))


#: A site's label read without its suffix (`label_owners`) has at least this many characters.
MIN_UNIQUE_LABEL: Final = 3


def label_owners(
    domains: Iterable[str], shortest: int = MIN_UNIQUE_LABEL, longest: int = 63
) -> dict[str, list[str]]:
    """Label -> the sites of `domains` that carry it (`shortest` to `longest` characters, by
    default three or more; no lure word: `account`, `bank`)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for domain in domains:
        label = domain.partition(".")[0]
        if shortest <= len(label) <= longest and not is_lure_word(label):
            by_label[label].append(domain)
    return dict(by_label)
