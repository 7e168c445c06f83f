"""Combosquats: a brand's name joined with other words or hyphens (`paypal-secure.net`,
`securepaypal.com`, `microsoft-login-verify.com`).

Protected skeletons are found inside the label by an Aho–Corasick automaton (one pass in C).
A name counts only when everything around it is phishing vocabulary
(`words.LURE_WORDS`) or another brand name, so word parts (`pineapple`, `purchase`,
`applebees`) and the fan, news and campaign sites that carry a brand name among ordinary
words (`googlewatchblog`, `facebook-studio`) stay clean.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein

from lureguard.hosts import Target
from lureguard.lookalike.confusables import fold, skeleton
from lureguard.lookalike.edits import plausible
from lureguard.lookalike.index import (
    MIN_CONSONANTS,
    MIN_CONTEXT_SLIP,
    MIN_SINGLED,
    MIN_TYPO_LABEL,
    BrandIndex,
    Protected,
    collapse_runs,
    consonant_positions,
    holds_number,
)
from lureguard.lookalike.visit import Visit, label_visit, near_skeletons, reason
from lureguard.lookalike.words import (
    COMMON_WORDS,
    LOGIN_WORDS,
    PLACES,
    ends_with_lure_word,
    holds_lure_word_beside,
    infrastructure,
    is_lure_word,
    lure_only,
    lure_only_beside,
    may_be_lure_only,
    near_lure_word,
    slipped_lure_word,
    starts_with_lure_word,
    written_infrastructure,
)
from lureguard.verdict import Reason

#: Called as a function on the hot path (see `visit._ISALPHA`).
_ISALPHA: Final = str.isalpha
#: A misspelled brand name inside a combination must be at least this long.
MIN_MISSPELLED: Final = 6
#: A misspelled lure word glued to a distinctive name must be at least this long.
MIN_SLIPPED_BESIDE: Final = 6
#: A name used as a word of its own (a hyphen word, a tenant's word, glued under an abused
#: TLD) must be at least this long to count whatever stands around it.
MIN_DISTINCTIVE: Final = 5
#: A name that is no word part, glued to anything at the start of a label under an abused
#: TLD, counts from this many letters (`dpdqzrv.top`; elsewhere MIN_DISTINCTIVE).
MIN_CHEAP_SHORT: Final = 3
#: A word-brand glued to anything under an abused TLD counts from this many letters.
MIN_CHEAP_WORD: Final = 7
#: ... and ending the label, glued after this many letters that are no word part.
MIN_RANDOM_HEAD: Final = 4
#: A misspelled name glued to anything under an abused TLD needs this many letters.
MIN_CHEAP_MISSPELLED: Final = 8
#: A lure word glued to a misspelled name needs this many letters (`tresorit` is no trezor).
MIN_GLUED_LURE: Final = 3
#: Letters glued to a word-brand read as a phrase of lure words from this many (`loginpec`).
MIN_GLUED_PHRASE: Final = 5
#: A distinctive name this long counts inside any word of a hosting tenant's label.
MIN_INSIDE_NAME: Final = 6
#: Beside another of its brand's names, a misspelled name counts from this many letters.
MIN_SLIP_BESIDE_OWN: Final = 5
#: A top-level domain that is a lure word counts as one from this many letters (`.help`).
MIN_LURE_TLD: Final = 4
#: Longest stretch of a tenant label read as one misspelled brand name.
MAX_TENANT_WINDOW: Final = 14
_DIGITS: Final = re.compile(r"[0-9]+")
_HEX: Final = frozenset("0123456789abcdef")
#: A run of hex digits this long, with MIN_HEX_ID_DIGITS decimal digits among them, is an
#: identifier (`combosquat._inside_hex_id`).
HEX_ID_LENGTH: Final = 12
MIN_HEX_ID_DIGITS: Final = 2
_TENANT_WORDS: Final = re.compile(r"[^-_]+")
_VOWELS: Final = frozenset("aeiou")
#: A lure word beside a brand's initials on a hosting platform has this many letters or more.
MIN_INITIALS_WORD: Final = 4
#: A label with this many letters doubled stutters (`_stutters`): kits repeat letters.
MIN_STUTTER_RUNS: Final = 3
_TRIPLED_WORDS: Final = frozenset("wx")
#: A one-site brand's name may be this many slips off on a hosting platform (one more with a
#: sign-in word right after it).
FAR_SLIPS: Final = 2
#: The words a wallet kit's tenant name goes on with at once: what it asks the visitor to do.
SIGN_IN_NEXT: Final = (*LOGIN_WORDS, "wallet", "extension", "connect")
#: A common word this long running across the end of a name makes it no word of its own
#: (`opensea|rch`); shorter ones run across most seams by chance.
MIN_WORD_ACROSS: Final = 5
_LONGEST_COMMON: Final = max(map(len, COMMON_WORDS))
#: A misspelling matched by its consonants is at most this many letters longer or shorter.
COMPACT_SLACK: Final = 2
#: A name with this many consonants or more is read from its consonants alone.
MIN_BARE_CONSONANTS: Final = 6
#: A context name (`meta`, `chase`) standing as a tenant's word, or as the word beside
#: another name, needs this many letters.
MIN_CONTEXT_WORD: Final = 4


def _rest_is_lure(visit: Visit, name: str, before: str, after: str) -> bool:
    """True when everything around the brand name `name` (a skeleton) is lure words, its
    brand's own among them, or other brand names."""
    skeletons = visit.index.skeletons
    context = visit.index.context
    own = visit.index.own_words(name)
    head, tail = before.split("-"), after.split("-")
    glued = {len(head) - 1, len(head)}  # a piece glued to the name is no place (`me` of melcloud)
    pieces = [p for i, p in enumerate(head + tail) if p and (i in glued or p not in PLACES)]
    pieces = pieces or [p for p in head + tail if p]
    return bool(pieces) and all(
        p in skeletons
        or p in context
        or lure_only_beside(p, own)
        or _other_name_and_lure(visit, name, p)
        for p in pieces
    )


def _other_name_and_lure(visit: Visit, name: str, piece: str) -> bool:
    """True when `piece` is another protected name glued to lure words, that brand's own
    among them (`msteamsmeeting` beside docusign): kits that borrow two brands glue them
    all together."""
    for _, other in visit.names_inside().names:
        if other != name and len(other) < len(piece):
            own = visit.index.own_words(other)  # Teams' `meeting` beside msteams
            if piece.startswith(other) and lure_only_beside(piece[len(other) :], own):
                return True
            if piece.endswith(other) and lure_only_beside(piece[: -len(other)], own):
                return True
    return False


def _words_around(visit: Visit, name: str, lo: int, hi: int) -> int | None:
    """How many words (lure words, brand or context names) stand around the label span
    `lo:hi`, filler skipped: numbers anywhere (`948260-coinbase`, `paypal0034`), and on a
    hosting platform any part with a digit in it (`bra4-facebook`, `meta-gateway-i5z`), the
    serial numbers platforms and kits add to make a name unique, and machinery words beside a
    lure word (`support-uphold-cdn`), and the digits at the far end of a piece glued to the
    name (`paypalverify88`). None when nothing stands there or some part is neither
    word nor filler. The lure words of `name`'s brand count too."""
    label = visit.label
    own = visit.index.own_words(name)
    before, after = label[:lo].split("-"), label[hi:].split("-")
    # Pieces glued to the name keep their digits (`chase2secure` is one name); a hyphen word
    # of its own sheds them (`secure42-chase`: the kit's serial on a word).
    glued = {len(before) - 1} if before[-1] else set()
    if after[0]:
        glued.add(len(before))
    pieces = [(p, i in glued, i < len(before)) for i, p in enumerate(before + after) if p]
    if not pieces:
        return None
    index = visit.index
    words = 0
    lured = placed = False
    for piece, stuck, ahead in pieces:
        if piece.isdigit() or (visit.tenant and any(c.isdigit() for c in piece)):
            continue
        bare = piece if stuck else piece.strip(string.digits)
        skel = skeleton(bare)
        if bare != piece and piece[0].isdigit() and is_lure_word(skeleton(piece)):
            skel = skeleton(piece)  # `2fa` keeps its 2
        elif stuck:
            # ... but not at their far end, a serial (`paypalverify88`, `77securepaypal`)
            far = piece.lstrip(string.digits) if ahead else piece.rstrip(string.digits)
            if far != piece and skel not in index.skeletons and not lure_only_beside(skel, own):
                skel = skeleton(far)
            seam = label[lo : lo + 1] if ahead else label[hi - 1 : hi]  # '' for a span clamped
            if (piece[-1] if ahead else piece[0]) == seam and not lure_only_beside(skel, own):
                # the name's letter written twice at the seam (`roadrunnerrupdate`)
                once = skeleton(piece[:-1] if ahead else piece[1:])
                if once and lure_only_beside(once, own):
                    skel = once
        if (
            skel in index.skeletons
            or (skel in index.context and len(skel) >= MIN_CONTEXT_WORD)  # not `ing` of niding
            or lure_only_beside(skel, own)
            or (stuck and _slipped_beside(index, name, bare))
        ):
            lured = True
        elif not stuck and skel in PLACES:  # the country a kit targets (`chase-canada-login`)
            placed = True
            continue
        elif not (visit.tenant and infrastructure(skel)):  # `support-uphold-cdn-7.pages.dev`
            return None
        words += 1
    # Machinery words alone are the site's own (`<brand>dns-07`, `<brand>cdn`), even on a
    # platform; a place alone is where a firm is (`chase-canada`).
    return None if (words or placed) and not lured else words


def _cuts_number(label: str, lo: int, hi: int, entries: Sequence[Protected] = ()) -> bool:
    """True when digits in the span `lo:hi` are a number, not letters a skeleton reads in
    them: the span starts or ends inside a run of digits (`app13|08`, `shop33|577`), or holds
    three digits in a row (`pay8007`) where none of the names `entries` stand for has digits
    of its own (`0ffice365`). Look-alike digits stand alone or in pairs (`paypa1`, `g00gle`).
    Callers let a name written with its own digits pass (`bet365|204`)."""
    if (0 < lo < len(label) and label[lo - 1].isdigit() and label[lo].isdigit()) or (
        0 < hi < len(label) and label[hi - 1].isdigit() and label[hi].isdigit()
    ):
        return True
    if any(c.isdigit() for entry in entries for c in entry.label):
        return False
    return holds_number(label[lo:hi])


def _inside_hex_id(label: str, lo: int, hi: int) -> bool:
    """True when the span `lo:hi` lies inside a hexadecimal identifier: a run of HEX_ID_LENGTH
    hex digits or more, MIN_HEX_ID_DIGITS of them decimal digits (`pub-1f4adcb07e9a...` of a
    storage bucket, a deployment's hash). A name spelled only with the letters a-f (`adcb`)
    turns up there by chance."""
    if not all(c in _HEX for c in label[lo:hi]):
        return False
    start, end = lo, hi
    while start > 0 and label[start - 1] in _HEX:
        start -= 1
    while end < len(label) and label[end] in _HEX:
        end += 1
    run = label[start:end]
    return len(run) >= HEX_ID_LENGTH and sum(c.isdigit() for c in run) >= MIN_HEX_ID_DIGITS


def _slipped_beside(index: BrandIndex, name: str, piece: str) -> bool:
    """True when `piece`, glued to the distinctive name `name`, is a lure word misspelled once
    (`paypalsecury`), its first letter kept, MIN_SLIPPED_BESIDE letters or more and no word as
    written: kits misspell the word beside a name they spell right."""
    return (
        len(piece) >= MIN_SLIPPED_BESIDE
        and piece.isalpha()
        and piece not in COMMON_WORDS
        and _distinctive(index, name)
        and bool(near_lure_word(piece, same_start=True))
    )


def _distinctive(index: BrandIndex, name: str, written: str = "") -> bool:
    """A name long enough and no word part (apple of pineapple): used as a name wherever it
    stands as a word of its own. `written` (the letters as they stand in the label) spelled
    as the brand spells it is judged by those letters (`index.common_spelled`): `gmail` is
    no word part, though its skeleton sits in `sigmalive`."""
    if len(name) < MIN_DISTINCTIVE:
        return False
    if written and any(entry.label == written for entry in index.skeletons[name]):
        return name not in index.common_spelled
    return name not in index.common


def _cheap_name(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """Under a top-level domain that spammers favour (`visit.ABUSED_TLDS`), on a hosting platform
    or in a subdomain label (`visit.guest`), a distinctive brand name that starts or ends the
    label counts whatever is glued to it (`coinbaseqzrvtx.cyou`, `coinbasekyc.vercel.app`; on a
    platform, starting or ending any hyphen word of the tenant label, its first letter stuttered
    or not: `ttrezorqz`; and anywhere, a name of MIN_INSIDE_NAME letters or more,
    `qzcoinbaseqz`, or a shorter one followed by its domain's suffix, `qzgmailcomqz`): nobody
    builds a brand's site there. Under such a TLD a shorter name starting the label counts too
    (`dpdqzrv.top`, MIN_CHEAP_SHORT letters), and so does a word part that begins hardly any
    popular name (`icloudqzrv.top`: icloud ends `forticloud`). Under such a TLD, and under the
    other new generic TLDs (`.online`, `.link`), any name counts as the first or last hyphen
    word of its own (`dpd-qzrv.online`). A one-site brand's name starting the label counts on
    any TLD (`_one_site_start`)."""
    label = visit.label
    # Digits before or after are filler (`shop4pied2coinbase89`): the name still ends the word.
    starts = lo == 0 or label[:lo].isdigit() or _lure_head(visit, lo)
    ends = hi == len(label) or label[hi:].isdigit() or _lure_tail(visit, hi)
    if visit.tenant:  # on a platform, any hyphen word of the tenant (`x-coinbaseio-start`)
        # ... its first letter stuttered too (`ttrezor-suite`)
        head = label[label.rfind("-", 0, lo) + 1 : lo]
        starts = starts or label[lo - 1] == "-" or head == label[lo] * len(head)
        ends = ends or label[hi] == "-"
    if (
        visit.tenant
        and not (starts or ends)
        and (
            _written_length(visit.index, name) >= MIN_INSIDE_NAME or _dotless_after(visit, name, hi)
        )
    ):
        # ... or inside a word, a distinctive name of MIN_INSIDE_NAME letters or more
        # (`qzpaypalqz`), or a shorter one followed by its domain's suffix with the dot left
        # out (`qzgmailcomqz`); shorter ones stand inside too many words (webex of cobwebexhibit),
        # and a popular site's name is that site's project (truist inside `altruistics`)
        return not visit.established and _distinctive(visit.index, name, label[lo:hi])
    if (visit.tenant or visit.guest) and not (starts or ends):
        # ... or right after or before a lure word (`loginpaypalqz7...`)
        starts = ends_with_lure_word(skeleton(label[:lo]))
        ends = starts_with_lure_word(skeleton(label[hi:]))
    if not (starts or ends):
        return False
    # `dpd-qzrv.cfd`, as in subdomains (`embedding._subdomain_name`)
    apart = (lo == 0 or label[lo - 1] == "-") and (hi == len(label) or label[hi] == "-")
    if apart and "-" in label and (visit.cheap or visit.new_gtld):
        return True
    # Under an abused TLD a short name starting the label counts too (`dpdqzrv.top`), and so
    # does a word part that ends other names but begins hardly any (icloud of `forticloud`).
    if (
        visit.cheap
        and lo == 0
        and len(name) >= MIN_CHEAP_SHORT
        and (name not in visit.index.common or not visit.index.starts_popular_names(label[:hi]))
    ):
        return True
    return (
        visit.cheap or visit.tenant or visit.guest or _one_site_start(visit, name, lo, hi)
    ) and _distinctive(visit.index, name, visit.label[lo:hi])


def _dotless_after(visit: Visit, name: str, hi: int) -> bool:
    """True when the name at `:hi` of the label goes on with one of its own domain's suffixes,
    dots left out (`qzgmailcomqz`): the brand's address written into the word, however the
    word goes on."""
    rest = visit.label[hi:]
    for entry in visit.index.skeletons.get(name, ()):
        for suffix in visit.index.label_suffixes.get(entry.label, ()):
            if rest.startswith(suffix.replace(".", "")):
                return True
    return False


def _one_site_start(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """True when the name of a brand that runs one site for the world and whose fans and
    news sites name themselves otherwise (`fanless_rules`: crypto services) starts the
    label, on any TLD (`<exchange>qzrv.com`): nobody but the brand builds a site so named.
    Not when the name is a word part of other popular names (`kraken`: a namesake is
    likely), nor when a word runs on across its end (`opensea|rch` reads open-search)."""
    label = visit.label
    fanless = visit.index.fanless_rules
    entries = [e for e in visit.index.skeletons.get(name, ()) if e.rule_id in fanless]
    return (
        lo == 0 and visit.index.one_site_name(entries, label[:hi]) and not _word_across(label, hi)
    )


def _word_across(label: str, hi: int) -> bool:
    """True when a common word of MIN_WORD_ACROSS letters or more starts before `hi` in the
    label and runs on past it: the letters before `hi` are then no word of their own."""
    for start in range(1, hi):
        last = min(len(label), start + _LONGEST_COMMON)
        for end in range(max(hi + 1, start + MIN_WORD_ACROSS), last + 1):
            if label[start:end] in COMMON_WORDS:
                return True
    return False


def _cheap_word(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """`_cheap_name` for a word-brand of MIN_CHEAP_WORD letters or more starting the label
    (`fidelityqzr.cyou`). Ending it, a word is often the tail of a compound name
    (`eurovanguard`: another firm's name ending in the word), so there the letters before it
    must be no word part of popular names (`qzrvfidelity.cyou`: letters a kit drew at random).
    Under the other new generic TLDs (`visit.new_gtld`: `.online`, `.one`) it must start the
    label and run on into other letters (`fidelityqzr.online`): a hyphen word after it reads as
    a phrase (`passport-photo`)."""
    if len(name) < MIN_CHEAP_WORD or name in visit.index.common:
        return False
    label = visit.label
    if lo != 0 and not _lure_head(visit, lo):
        return (
            visit.cheap
            and (hi == len(label) or _lure_tail(visit, hi))
            and _random_head(visit.index, label[:lo])
        )
    return visit.cheap or (visit.new_gtld and hi < len(label) and label[hi].isalpha())


def _lure_head(visit: Visit, lo: int) -> bool:
    """True when, under an abused or another new generic TLD, the name at `lo` starts a hyphen
    word after lure words only (`my-dpd-qzrv.shop`, `secure-fidelityqz.cyou`): they count as
    nothing before it, as numbers do, so the name still starts the label for the rules that
    read names glued to anything there (`_lure_tail` likewise after it)."""
    label = visit.label
    return (
        (visit.cheap or visit.new_gtld)
        and lo > 1
        and label[lo - 1] == "-"
        and lure_only(skeleton(label[: lo - 1]))
    )


def _lure_tail(visit: Visit, hi: int) -> bool:
    """`_lure_head` after the name: it ends a hyphen word followed by lure words only
    (`qzrvfidelity-online.cyou`)."""
    label = visit.label
    return (
        (visit.cheap or visit.new_gtld)
        and hi < len(label) - 1
        and label[hi] == "-"
        and lure_only(skeleton(label[hi + 1 :]))
    )


def _random_head(index: BrandIndex, head: str) -> bool:
    """True when the letters glued before a name (MIN_RANDOM_HEAD or more) are no word part of
    popular names: no compound's first word, but letters drawn to make a name unique."""
    return (
        len(head) >= MIN_RANDOM_HEAD
        and head.isalpha()
        and not index.inside_popular_names(head, None)
    )


def _tenant_name(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """A brand name of MIN_DISTINCTIVE letters or more standing as a word of its own in a
    hosting platform's tenant label (`amazon-clone-pied-ten.vercel.app`): platforms host no
    brand's own sign-in, and the words around it need not be lure words. Standing apart, a
    word part (amazon of gamazonia) is the name, not a part of another word."""
    if not visit.tenant or len(name) < MIN_DISTINCTIVE:
        return False
    label = visit.label
    return (lo == 0 or not label[lo - 1].isalpha()) and (
        hi == len(label) or not label[hi].isalpha()
    )


def _combo_span(visit: Visit, name: str, start: int, end: int) -> tuple[int, int] | None:
    """The label span of the name at `start:end` of the skeleton when what stands around it
    makes it a combination, else None."""
    lo, hi = _label_span(visit.label, visit.skeleton, start, end)
    if (
        _rest_is_lure(visit, name, visit.skeleton[:start], visit.skeleton[end:])
        or _words_around(visit, name, lo, hi) is not None
        or _tenant_name(visit, name, lo, hi)
        or _cheap_name(visit, name, lo, hi)
    ):
        return lo, hi
    return None


def find_combos(visit: Visit) -> list[tuple[str, int, int]]:
    """(protected skeleton, start, end in the label) of every brand name inside the label."""
    index = visit.index
    skel = visit.skeleton
    found: dict[str, tuple[int, int]] = {}
    hyphen = "-" in skel  # (asked three times below: one search)
    matches = visit.names_inside().names
    for start, name in matches:
        if name != skel and name not in found:
            end = start + len(name)
            span = _combo_span(visit, name, start, end)
            # A plural `s` belongs to the name (`sharepoints-login`, `metamasks`), unless the
            # plural is a word part of popular names (`canvas` is no more canva).
            if (
                span is None
                and skel[end : end + 1] == "s"
                and len(name) >= MIN_DISTINCTIVE
                and not index.inside_popular_names(skel[start : end + 1], None)
            ):
                span = _combo_span(visit, name, start, end + 1)
            if span is not None:
                found[name] = span
    for start, end, name in visit.names_inside().plain:  # `barc1ays-login`
        if end - start < len(skel) and name not in found:
            span = _combo_span(visit, name, start, end)
            if span is not None:
                found[name] = span
    if hyphen:
        for name, start, end, apart, words in _split_names(index, skel, visit.parts()):
            lo, hi = _label_span(visit.label, skel, start, end)
            if words and not (apart and visit.tenant and (lo > 0 or hi < len(visit.label))):
                continue  # lure words only: that phrase (`share-file-center.com`, `us-bank`)
            # Many names are two words (`deutsche-bank`): elsewhere than on a platform the
            # rest must be lure words, as for any name. Glued to more letters
            # (`pay-palsecure`), it counts as a name glued to them would.
            if name not in found and (
                (apart and visit.tenant)
                or _words_around(visit, name, lo, hi) is not None
                or (not apart and _cheap_name(visit, name, lo, hi))
            ):
                found[name] = (lo, hi)
    if visit.plain:  # the label's indexes, unless a letter reads as two (`ß`)
        for start, name in visit.plain_names_inside().names:
            end = start + len(name)
            if name not in found and _rest_is_lure(
                visit, name, visit.plain[:start], visit.plain[end:]
            ):
                found[name] = _label_span(visit.label, visit.plain, start, end)
    if hyphen and any(part in index.skeletons for part in visit.parts()):
        offset = 0
        for part in visit.parts():
            end = offset + len(part)
            if part != skel and part not in found and part in index.skeletons:
                before, after = skel[: max(0, offset - 1)], skel[end + 1 :]
                # A distinctive name as a hyphen word of its own counts whatever the other
                # words (`yahoo-lounge`, `roblox-crew`): the name is used as the name.
                lo, hi = _label_span(visit.label, skel, offset, end)
                if _rest_is_lure(visit, part, before, after) or _distinctive(
                    index, part, visit.label[lo:hi]
                ):
                    found[part] = (lo, hi)
            offset = end + 1
    if hyphen:
        for name, start, end in _name_words(index, skel, matches):
            if name not in found:
                found[name] = _label_span(visit.label, skel, start, end)
    # Digits alone never spell a name: `401` of `2994017` reads as aol to the skeleton only.
    label = visit.label
    if not found:
        return []  # most labels
    spans = [
        (n, lo, hi)
        for n, (lo, hi) in found.items()
        if not label[lo:hi].isdigit()
        and not _inside_hex_id(label, lo, hi)
        and (
            label[lo:hi] in visit.index.labels
            or not _cuts_number(label, lo, hi, visit.index.skeletons[n])
        )
    ]
    return sorted(spans, key=_longest_first)


def _longest_first(span: tuple[str, int, int]) -> int:
    """Sort key of `find_combos`: the longest span first (a function, not a lambda: the
    native build then sets up no closure per call)."""
    return span[1] - span[2]


def _name_words(
    index: BrandIndex, skel: str, matches: list[tuple[int, str]]
) -> list[tuple[str, int, int]]:
    """(name, start, end in `skel`) of every distinctive name (of `matches`, the names found
    in `skel`) that starts or ends a hyphen word whose rest is lure words
    (`qz-app-coinbaseverify`, `x-secure-paypal`): the word is the name with a lure word glued
    on, used as a word of its own."""
    found = []
    for start, name in matches:
        end = start + len(name)
        first = skel.rfind("-", 0, start) + 1
        last = skel.find("-", end)
        last = len(skel) if last < 0 else last
        if "-" in name or first > start or last < end:
            continue
        rest = skel[end:last] if start == first else skel[first:start] if end == last else ""
        if rest and lure_only(rest) and _distinctive(index, name):
            found.append((name, start, end))
    return found


def _split_names(
    index: BrandIndex, skel: str, parts: list[str]
) -> list[tuple[str, int, int, bool, bool]]:
    """(name, start, end in `skel`, whether it stands apart, whether its words are lure words
    only) of every distinctive name that hyphens split into words (`pay-pal-verify`,
    `coin-base-wallet`). It stands apart when it starts and ends at word boundaries;
    otherwise the letters glued to it must make it a name (`pay-palsecure`; `bitcoin-based`
    holds coin-base inside other words). Lure words only (`my-crypto`, `share-file`, `us-bank`)
    are read as those words, but among a platform tenant's other words as the name (kits
    write U.S. Bank as people do: `loan-us-bank-apply`). `parts` are the hyphen words of
    `skel` (`Visit.parts`)."""
    # A split name starts with a word that begins a name and goes on into the next word
    # (`pay` + `p` of pal): with no such pair of words, none is split.
    if not any(_goes_on(index, parts[i], parts[i + 1]) for i in range(len(parts) - 1)):
        return []
    found = []
    for name, lo, hi in _split_by_hyphens(skel, index.substrings(skel.replace("-", ""))):
        if _distinctive(index, name):
            apart = (lo == 0 or skel[lo - 1] == "-") and (hi == len(skel) or skel[hi] == "-")
            found.append((name, lo, hi, apart, lure_only(skel[lo:hi])))
    return found


def _split_by_hyphens(skel: str, matches: list[tuple[int, str]]) -> list[tuple[str, int, int]]:
    """(name, start, end in `skel`) of each of `matches` (start, name), found in `skel` with
    its hyphens left out, that a hyphen of `skel` splits."""
    kept = [i for i, c in enumerate(skel) if c != "-"]
    found = []
    for start, name in matches:
        lo, hi = kept[start], kept[start + len(name) - 1] + 1
        if "-" in skel[lo:hi]:
            found.append((name, lo, hi))
    return found


def _goes_on(index: BrandIndex, word: str, following: str) -> bool:
    """True when `word` begins a distinctive name and `following` goes on with its letters
    (`pay` + `p` of pal): only then can a hyphen between them split a name."""
    prefixes = index.split_prefixes
    return word in prefixes and word + following[:1] in prefixes


def find_context_names(visit: Visit) -> list[tuple[str, int, int]]:
    """(context name, start, end in the label) of every name protected only in a phishing
    context (`chase`, `nid`) that has one: lure words or another brand's name around it, with
    numbers allowed (and on a hosting platform any part with a digit), but never a bare name or
    a name among ordinary words (`chase-bank` counts, `chase-outdoors` or `chase2024` do not)."""
    index = visit.index
    skel = visit.skeleton
    found: list[tuple[str, int, int]] = []
    label = visit.label
    spans = [
        (name, *_label_span(label, skel, start, start + len(name)))
        for start, name in visit.names_inside().context
    ]
    if visit.plain:  # letters a group reads as one, unread (`cl` of `capiteclogin`)
        plain = [
            (name, *_label_span(label, visit.plain, start, start + len(name)))
            for start, name in visit.plain_names_inside().context
        ]
        spans += [span for span in plain if span not in spans]
    if "-" in skel:
        spans += _split_context_names(visit)
    for name, lo, hi in spans:
        # A dictionary word needs a visible boundary (`meta-verify`, not `metanet`); a login
        # host's own label may be glued (`nidlogin` of nid.naver.com).
        if label[lo:hi].isdigit() or _cuts_number(label, lo, hi, index.context[name]):
            continue  # `477` reads as att only to the skeleton
        if _inside_hex_id(label, lo, hi):
            continue  # `pub-1f4adcb07e...`: letters of a platform's identifier, not a name
        glued = (lo > 0 and label[lo - 1].isalpha()) or (hi < len(label) and label[hi].isalpha())
        login_host = glued and all(_login_host(index, e) for e in index.context[name])
        # A short name glued inside a word (`ing` of billing) that is no login host's label
        # counts only by `cheap` below: the words around it cannot change that, so most
        # matches skip reading them.
        inside = glued and len(name) < MIN_CONTEXT_WORD and not visit.tenant and not login_host
        words = 0 if inside else _words_around(visit, name, lo, hi) or 0
        # Glued to one word it is a compound name (`caixabank`, `combell`); in a phrase of
        # lure words it is not (`chaseonline-login`, `mybell-login`), nor glued to two lure
        # words or more (`chaseloginverify`), nor starting a hosting tenant's label before lure
        # words or a sign-in word whatever follows (`chaseloginqzrv`, `LOGIN_WORDS`), nor
        # making a word with a sign-in word alone (`chaselogin`, `_glued_login`).
        phrase = len(name) >= MIN_CONTEXT_WORD and (  # not `ing` of accountingweb
            words >= 2 or (glued and _glued_phrase(visit, name, lo, hi))
        )
        cheap = (
            _cheap_word(visit, name, lo, hi)
            or (visit.tenant and lo == 0 and (words > 0 or label[hi:].startswith(LOGIN_WORDS)))
            or _glued_login(label, lo, hi)
            or _glued_lure_under_lure_tld(visit, name, lo, hi)
        )
        if glued and not (phrase or cheap or login_host):
            continue
        if name != skel and (
            words > 0
            or cheap
            # On a hosting platform a word-brand as a word of its own makes the intent plain
            # (`meta-quillon.pages.dev`): no brand signs anyone in there. Not a name that is
            # a lure word itself (`live` of login.live.com: `music-live` is a stream).
            or (
                visit.tenant
                and not glued
                and len(name) >= MIN_CONTEXT_WORD
                and not is_lure_word(name)
            )
        ):
            found.append((name, lo, hi))
    return found


def _split_context_names(visit: Visit) -> list[tuple[str, int, int]]:
    """(context name, start, end in the label) of each context name of MIN_CONTEXT_SLIP
    letters or more that hyphens split into pieces that are no lure words, starting a word
    (`fideli-ty-login`, `fideli-tyqzrv`): the split form of a word-brand, which
    `find_context_names` then judges by what stands around it as it judges the name whole."""
    parts = visit.parts()
    heads = visit.index.context_heads
    # A split name's first piece begins it and the next goes on with its letters (`fideli` +
    # `t`): with no such pair of parts, none is split (most labels).
    if not any(p in heads and p + parts[i + 1][:1] in heads for i, p in enumerate(parts[:-1])):
        return []
    skel = visit.skeleton
    found = []
    matches = visit.index.scan(skel.replace("-", "")).context
    for name, lo, hi in _split_by_hyphens(skel, matches):
        if (
            len(name) >= MIN_CONTEXT_SLIP
            and (lo == 0 or skel[lo - 1] == "-")
            and not any(is_lure_word(p) for p in skel[lo:hi].split("-") if p)
        ):
            found.append((name, *_label_span(visit.label, skel, lo, hi)))
    return found


def _glued_pieces(label: str, lo: int, hi: int) -> tuple[str, str]:
    """The letters glued before and after the label span `lo:hi`, up to the hyphens around it
    (`login` and `verify` of `loginchaseverify`)."""
    end = label.find("-", hi)
    return label[label.rfind("-", 0, lo) + 1 : lo], label[hi : end if end >= 0 else len(label)]


def _glued_login(label: str, lo: int, hi: int) -> bool:
    """True when the name at the label span `lo:hi` and a sign-in word (`LOGIN_WORDS`, spelled
    right) make a hyphen word between them (`chaselogin`, `loginchase`): no compound name
    asks for the password in its own name."""
    before, after = _glued_pieces(label, lo, hi)
    return (not before and after in LOGIN_WORDS) or (not after and before in LOGIN_WORDS)


def _glued_lure_under_lure_tld(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """True when the name `name` at the label span `lo:hi` and one lure word make a hyphen
    word between them under a new generic top-level domain that is a lure word itself
    (`attsupport.support`, `chasebank.online`): the address reads as a phrase of chores
    around the name. Not a name that is a lure word itself (`live`: `shoplive.cloud`)."""
    tld = visit.target.suffix.rsplit(".", 1)[-1]
    if not visit.new_gtld or len(tld) < MIN_LURE_TLD or not is_lure_word(skeleton(tld)):
        return False  # `.com`, `.net` are address words, not chores
    if is_lure_word(name):
        return False
    label = visit.label
    before, after = _glued_pieces(label, lo, hi)
    piece = after if not before else before if not after else ""
    word = f"{before}{label[lo:hi]}{after}"  # a word of its own: `billing` holds no ING
    return (
        len(piece) >= MIN_GLUED_LURE
        and is_lure_word(skeleton(piece))
        and word not in COMMON_WORDS
        and not is_lure_word(skeleton(word))
    )


def _glued_phrase(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """True when the letters glued to the name at the label span `lo:hi` (up to a hyphen)
    split into two lure words or more, the brand's own among them (`loginverify` of
    `chaseloginverify`; `loginpec` beside Aruba, whose certified mail is PEC): a phrase of
    chores, as with hyphens, not one compound name. An English word that splits so
    (`websites`) is that word."""
    label = visit.label
    own = visit.index.own_words(name)
    before, after = _glued_pieces(label, lo, hi)
    for piece in (before, after):
        skel = skeleton(piece)
        stem = skel[:-1] if skel.endswith("s") else skel
        if (
            len(skel) >= MIN_GLUED_PHRASE
            and piece not in COMMON_WORDS
            and not (is_lure_word(skel) or stem in own)  # one word: a compound name
            and lure_only_beside(skel, own)  # so lure words only are two or more
        ):
            return True
    return False


def _machinery(visit: Visit, name: str, lo: int, hi: int) -> bool:
    """True when infrastructure words stand around the name `name` (a skeleton) at `lo:hi`
    (`rakuten-static`, `navercdn`, `microsoft-ppe`): the brand's own machinery, fetched by
    browsers, typed by nobody. On a hosting platform the words are the kit's
    (`trezor-suite-app-cdn.pages.dev`) and count, and so they are under an abused TLD
    (`paypal-cdn.top`): no brand runs its machinery there."""
    label = visit.label
    rest = skeleton(f"{label[:lo]}-{label[hi:]}")
    return not (visit.tenant or visit.cheap) and infrastructure(rest, visit.index.own_words(name))


def _login_host(index: BrandIndex, entry: Protected) -> bool:
    """True for a login host's label (`nid` of nid.naver.com), not a brand's own name on its
    registrable domain (`ing` of ing.com, a context keyword), nor a common English word
    (`passport` of passport.yandex.ru): glued to a word, that is a compound like any other
    (`portalpassport`)."""
    return (
        entry.domain.startswith(f"{entry.label}.")
        and entry.domain not in index.official
        and entry.label not in COMMON_WORDS
    )


def detect_combosquat(visit: Visit) -> list[Reason]:
    """Reasons for every brand name embedded in a longer label, but not for the brand whose
    own domain's label it is (`xboxlive` of xboxlive.com, on `.cn`): a brand's compound
    names under legacy and country suffixes are mostly its own too. Not on a hosting
    platform or under an abused or new generic TLD, which kits pick (`coinbasecloud.club`),
    nor in a subdomain label, where it reads as the brand's address (`visit.guest`)."""
    reasons = _combinations(visit) or _stuttered(visit)
    if reasons and not (visit.tenant or visit.cheap or visit.new_gtld or visit.guest):
        owners = {
            e.rule_id
            for e in visit.index.official_twins.get(visit.skeleton, ())
            if e.label == visit.label
        }
        if owners:
            return [r for r in reasons if r.rule_id not in owners]
    return reasons


def _stuttered(visit: Visit) -> list[Reason]:
    """`perbaaikannn-akunn-danaaaa`: a label that repeats letters (`_stutters`) read with
    each run of one letter once, when that reading is a combination (`perbaikan-akun-dana`:
    DANA beside Indonesian "repair" and "account"). Kits repeat letters so that filters
    matching the words miss them; the words' own doubled letters go too, so a stuttered
    `accountt` is missed."""
    label = visit.label
    if not _stutters(label, visit.ascii):
        return []  # nearly every label
    once = collapse_runs(label)
    reading = label_visit(once, visit.target.suffix, visit.index)
    reading.tenant, reading.guest = visit.tenant, visit.guest
    return [_read_once(found, label, once) for found in _combinations(reading)]


def _read_once(found: Reason, label: str, once: str) -> Reason:
    """`found` (about `once`) said of the stuttering label."""
    detail = f"'{label}' repeats letters, read once '{once}': {found.detail}"
    return Reason(found.kind, found.rule_id, found.level, detail, found.brand, found.target,
                  found.source)  # fmt: skip


def _stutters(label: str, ascii: bool | None = None) -> bool:
    """True when one letter stands three times in a row in the label, or MIN_STUTTER_RUNS
    letters or more are doubled (`danaaaa`, `indonesiiaxx-danaa`): few words repeat letters
    so (`committee`). W's and x's do not count: `www` and `xxx` are words of their own.
    An ASCII label is read as bytes (`_ascii_stutters`), as nearly every label is (`ascii`:
    whether it is, when the caller knows)."""
    if label.isascii() if ascii is None else ascii:
        return _ascii_stutters(label.encode())
    doubled = 0
    for i in range(1, len(label)):
        if label[i] == label[i - 1] and label[i].isalpha() and label[i] not in _TRIPLED_WORDS:
            if i >= 2 and label[i - 2] == label[i]:
                return True
            doubled += 1
    return doubled >= MIN_STUTTER_RUNS


def _ascii_stutters(codes: bytes) -> bool:
    """`_stutters` of an ASCII label given as its bytes: the native build reads a byte as an
    int, where each character of a `str` would be a string to fetch and compare (asked of
    nearly every label)."""
    doubled = 0
    for i in range(1, len(codes)):
        code = codes[i]
        if (
            code == codes[i - 1]
            and (97 <= code <= 122 or 65 <= code <= 90)  # a letter
            and code != 119  # w
            and code != 120  # x
        ):
            if i >= 2 and codes[i - 2] == code:
                return True
            doubled += 1
    return doubled >= MIN_STUTTER_RUNS


def _combinations(visit: Visit) -> list[Reason]:
    """Every brand name in the label with what stands around it, the first rule that finds one
    explaining it."""
    reasons = []
    taken: list[tuple[int, int]] = []
    for name, lo, hi in find_combos(visit):
        if any(a <= lo and hi <= b for a, b in taken) or _machinery(visit, name, lo, hi):
            continue  # `paypal` inside an already reported `paypalobjects`
        taken.append((lo, hi))
        for entry in visit.index.skeletons[name]:
            reasons.append(_combo_reason(visit, entry, lo, hi))
    if not reasons and "-" in visit.skeleton:
        reasons = (
            _misspelled_parts(visit)
            or _slip_beside_own_name(visit)
            or _context_slip_beside_own_word(visit)
            or _context_slip_beside_lure(visit)
        )
    if not reasons:
        reasons = _misspelled_glued(visit)
    if not reasons:
        reasons = _single_letters_start(visit)
    if not reasons and visit.tenant:
        reasons = _misspelled_in_tenant(visit)
    if not reasons and visit.cheap:
        reasons = _misspelled_cheap(visit)
    if not reasons and visit.index.context:
        for name, lo, hi in find_context_names(visit):
            if not any(a <= lo and hi <= b for a, b in taken) and not _machinery(
                visit, name, lo, hi
            ):
                taken.append((lo, hi))
                for entry in visit.index.context[name]:
                    reasons.append(_combo_reason(visit, entry, lo, hi))
    if not reasons and visit.tenant:
        reasons = _consonants_in_tenant(visit)
    if not reasons and visit.tenant:
        reasons = _far_slip_in_tenant(visit)
    if not reasons and visit.tenant:
        reasons = _initials_in_tenant(visit)
    if not reasons and (visit.cheap or visit.new_gtld) and "-" in visit.label:
        reasons = _mail_domain_word(visit)
    return reasons


def _initials_in_tenant(visit: Visit) -> list[Reason]:
    """`verifyfb-7723.vercel.app`, `ig-verify.pages.dev`: a brand's initials (`index.initials`:
    `fb`, `ig`, the labels of its own short domains) glued to one lure word of
    MIN_INITIALS_WORD letters or more, or as a hyphen word, in a hosting tenant's label whose
    other words are such lure words or hold digits (the platform's and kit's serials). Too
    short to count anywhere else, on a platform they are the brand's name to its users."""
    index = visit.index
    pieces = visit.label_parts()
    offset = 0
    for k, piece in enumerate(pieces):
        core = piece.strip(string.digits)
        start = offset + piece.find(core)
        offset += len(piece) + 1
        for initials, entries in _short_names(index, core):
            if core == initials:
                lo, glued = start, ""
            elif core.startswith(initials):
                lo, glued = start, core[len(initials) :]
            elif core.endswith(initials):
                lo, glued = start + len(core) - len(initials), core[: -len(initials)]
            else:
                continue
            if glued and not _initials_word(glued):
                continue
            others = [
                p for i, p in enumerate(pieces) if i != k and p and not any(map(str.isdigit, p))
            ]
            if (glued or others) and all(_initials_word(p) for p in others):
                return [_combo_reason(visit, e, lo, lo + len(initials)) for e in entries]
    return []


def _short_names(index: BrandIndex, core: str) -> list[tuple[str, list[Protected]]]:
    """The brands' initials (`index.initials`), and the short names (three or four letters,
    protected or in context: `bhd`, `bdo`) that start or end `core`, unless they are word
    parts of popular names (`ing` of ING, `live`)."""
    found = list(index.initials.items())
    for length in range(MIN_TYPO_LABEL, MIN_DISTINCTIVE):
        for written in sorted({core[:length], core[-length:]}):
            if len(written) == length and written.isalpha():
                skel = skeleton(written)
                entries = index.skeletons.get(skel) or index.context.get(skel)
                if (
                    entries
                    and written not in index.initials
                    and not index.inside_popular_names(written, None)
                ):
                    found.append((written, entries))
    return found


def _initials_word(text: str) -> bool:
    """One lure word of MIN_INITIALS_WORD letters or more: beside initials, shorter words and
    phrases of them are how other names read (`fbits`, `igen`)."""
    return len(text) >= MIN_INITIALS_WORD and is_lure_word(skeleton(text))


def _mail_domain_word(visit: Visit) -> list[Reason]:
    """`verify-qq.top`, `163-secure.online`, `wp-verify.online`: the short label of a mail
    provider's domain (`index.mail_domains`: qq.com, 163.com, wp.pl) as a hyphen word whose
    other words are lure words, under an abused or new generic TLD. Too short to protect
    anywhere (`qq`, `wp` are someone's initials), they are the provider's name to its users,
    and campaigns against webmail users put them beside mail words where no provider has a
    site."""
    index = visit.index
    pieces = visit.label_parts()
    offset = 0
    for k, piece in enumerate(pieces):
        entries = index.mail_domains.get(piece)
        if entries:
            rest = [skeleton(p) for i, p in enumerate(pieces) if i != k and p and not p.isdigit()]
            if rest and all(lure_only(p) for p in rest):
                return [_combo_reason(visit, e, offset, offset + len(piece)) for e in entries]
        offset += len(piece) + 1
    return []


def _combo_reason(visit: Visit, entry: Protected, lo: int, hi: int) -> Reason:
    label = visit.label
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
    if brand_text == entry.label:
        imitation = ""
    elif brand_text == f"{entry.label}s":
        imitation = f" (in the plural, '{brand_text}')"
    else:
        imitation = f" ('{brand_text}' imitates '{entry.label}')"
    detail = (
        f"'{label}' joins {entry.brand}'s name '{entry.label}'{imitation} with {added}; "
        f"real site: {entry.domain}"
    )
    return reason("combosquat", entry, detail, extra)


def _misspelled_parts(visit: Visit) -> list[Reason]:
    """`paypall-login`: a hyphen part that is a typo of a brand name, the rest lure words; or,
    whatever the rest (`x-goolge-meet`), one slip off a distinctive name that keeps its first
    letter (`_slip_of_name`)."""
    reasons: list[Reason] = []
    parts = visit.parts()
    raw_parts = parts if visit.label == visit.skeleton else visit.label_parts()
    if len(raw_parts) != len(parts):
        raw_parts = parts
    plain_parts = visit.plain.split("-") if visit.plain else parts
    if len(plain_parts) != len(parts):
        plain_parts = parts
    offset = 0
    popular = visit.index.popular_labels
    for k, part in enumerate(parts):
        raw = raw_parts[k]
        second = plain_parts[k]
        # A lure word is that word, not a misspelled name (`transfer` of wetransfer); most
        # parts leave here, with nothing built.
        if len(second) >= MIN_MISSPELLED - 1 and raw not in popular and not is_lure_word(part):
            # A letter group folded in the part hides a slip beside it (`binnce`: `nn` reads `m`).
            readings = [part] if second == part else [part, second]
            reasons += _misspelled_part(visit, parts, k, readings, raw, offset)
        offset += len(raw) + 1
    return reasons


def _misspelled_part(
    visit: Visit, parts: list[str], k: int, readings: list[str], raw: str, offset: int
) -> list[Reason]:
    """`_misspelled_parts` for the hyphen part `k` (its `readings`, written `raw` at `offset`
    in the label)."""
    part = parts[k]
    near = _near_names(visit.index, readings, raw)
    if not near or written_infrastructure(raw):  # so is a machinery word (`static` of pstatic)
        return []
    # The rest lure words (the brand's own too: `icloudd-lost`), or any words beside a slip of
    # a distinctive name (`_slip_of_name`).
    others = parts[:k] + parts[k + 1 :]
    near = [
        (s, d)
        for s, d in near
        if lure_only_beside("-".join(others), visit.index.own_words(s))
        or _slip_of_name(visit.index, part, s, d, raw)
    ]
    reasons = []
    for skel, _ in near:
        # The brand's own lure word beside it points at the brand (`idcloud-lost`) ...
        own = not visit.index.own_words(skel).isdisjoint(others)
        for entry in visit.index.skeletons[skel]:
            # ... else a word part of other names (`trust`) is that word, not truist's slip.
            if own or not visit.index.inside_popular_names(raw, entry.label):
                reasons.append(_misspelled_reason(visit, entry, offset, offset + len(raw)))
    return reasons


def _slip_beside_own_name(visit: Visit) -> list[Reason]:
    """`nid-navar`: a hyphen part one slip off a name of MIN_SLIP_BESIDE_OWN letters or more
    beside another hyphen part that is the same brand's name or context name (NAVER's
    sign-in host `nid`): two words that both point at one brand make the misspelling plain
    where a short slip alone would be anyone's word."""
    if not visit.parts_align():
        return []
    index = visit.index
    parts = visit.parts()
    brands = _named_brands(index, parts)
    if not brands:
        return []
    offset = 0
    for written, part in zip(visit.label_parts(), parts, strict=True):
        if part not in index.skeletons and part not in index.context and _ISALPHA(written):
            for skel, distance in near_skeletons(part, index):
                entries = [e for e in index.skeletons[skel] if e.rule_id in brands]
                if (
                    distance == 1
                    and entries
                    and _written_length(index, skel) >= MIN_SLIP_BESIDE_OWN
                    and written not in index.popular_labels
                ):
                    end = offset + len(written)
                    return [_misspelled_reason(visit, e, offset, end) for e in entries]
        offset += len(written) + 1
    return []


def _context_slip_beside_own_word(visit: Visit) -> list[Reason]:
    """`gifting-stean`: a hyphen part one slip off a context name of MIN_SLIP_BESIDE_OWN
    letters or more (a word: `steam`) beside another that is the same brand's own lure word
    (Steam's `gifting`). The brand's word says which name the slip imitates, where the slip
    alone would be anyone's word; kits misspell the name so that filters miss the pair."""
    index = visit.index
    if not index.context_by_word or not visit.parts_align():
        return []
    parts = visit.parts()
    names = {name for part in parts for name in index.context_by_word.get(part, ())}
    if not names:
        return []  # no brand's own word among the parts: most labels
    offset = 0
    for written, part in zip(visit.label_parts(), parts, strict=True):
        if _ISALPHA(written) and not _a_name_or_word(index, written, part):
            for name in sorted(names):
                if (
                    len(name) >= MIN_SLIP_BESIDE_OWN
                    and name[0] == part[0]
                    and DamerauLevenshtein.distance(part, name, score_cutoff=1) == 1
                ):
                    end = offset + len(written)
                    return [_misspelled_reason(visit, e, offset, end) for e in index.context[name]]
        offset += len(written) + 1
    return []


def _context_slip_beside_lure(visit: Visit) -> list[Reason]:
    """`fidelty-login`, `gemnini-secure-verify`: a hyphen part one slip off a context name of
    MIN_CONTEXT_SLIP letters or more that is no common word (`index.context_slips`), its
    first letter kept, a typing or reading slip (`edits.plausible`), every other part a lure
    word, a place or the brand's own word, one at least no place. The name written right
    there counts (`fidelity-login`); kits misspell it so that filters miss the pair."""
    index = visit.index
    if not index.context_slips or not visit.parts_align():
        return []
    parts = visit.parts()
    written_parts = visit.label_parts()
    if not _may_slip_context(index, parts, written_parts):
        return []  # no part can be the slip (the loop below would skip each): most labels
    # Every part but the misspelled name is a lure word, a place or some brand's own word:
    # most labels have two parts that are none, and leave here without a probe.
    odd: list[int] = []
    for k, p in enumerate(parts):
        if p and not _lure_part(p, index.own_word_set):
            if odd:
                return []
            odd.append(k)
    for k in odd or range(len(parts)):
        part, written = parts[k], written_parts[k]
        if not _context_slip_candidate(index, part, written):
            continue
        probes = (part, *(part[:i] + part[i + 1 :] for i in range(len(part))))
        names = {n for probe in probes for n in index.context_slips.get(probe, ())}
        others = [p for i, p in enumerate(parts) if i != k and p]
        for name in sorted(names):
            own = index.own_words(name)
            if (
                name[0] == part[0]
                and DamerauLevenshtein.distance(part, name, score_cutoff=1) == 1
                and others
                and all(_lure_part(p, own) for p in others)
                and any(p not in PLACES for p in others)
            ):
                entries = [e for e in index.context[name] if plausible(written, e.label)]
                if entries:
                    end = sum(len(w) + 1 for w in written_parts[:k]) + len(written)
                    return [_misspelled_reason(visit, e, end - len(written), end) for e in entries]
    return []


def _context_slip_candidate(index: BrandIndex, part: str, written: str) -> bool:
    """True when a hyphen part (`part`, its skeleton; `written`, as written) may be the
    misspelled context name of `_context_slip_beside_lure`: long enough, letters only, and
    no name or word of its own."""
    return (
        len(part) >= MIN_CONTEXT_SLIP - 1
        and not is_lure_word(part)  # (`_a_name_or_word` asks too: most parts leave here)
        and _ISALPHA(written)
        and not _a_name_or_word(index, written, part)
    )


def _may_slip_context(index: BrandIndex, parts: list[str], written: list[str]) -> bool:
    """True when some hyphen part is a `_context_slip_candidate` (`parts` the skeleton's,
    `written` the label's, as many): with none, `_context_slip_beside_lure` finds nothing,
    and it is asked first, before the parts are read as lure words."""
    return any(_context_slip_candidate(index, part, written[k]) for k, part in enumerate(parts))


def _lure_part(part: str, own: frozenset[str]) -> bool:
    """True when a hyphen part (a skeleton) is lure words, a place or one of `own`."""
    return part in PLACES or part in own or (may_be_lure_only(part) and lure_only(part))


def _a_name_or_word(index: BrandIndex, written: str, part: str) -> bool:
    """True when a hyphen part is a name or word of its own: a brand's, a popular site's,
    a lure word or a common English word."""
    return (
        part in index.skeletons
        or part in index.context
        or written in index.popular_labels
        or written in COMMON_WORDS
        or is_lure_word(part)
    )


def _named_brands(index: BrandIndex, parts: list[str]) -> set[str]:
    """The rule ids of the protected and context names among hyphen parts (usually none:
    one lookup per part and table, nothing built for a part that names nothing)."""
    brands: set[str] = set()
    for part in parts:
        if part in index.skeletons:
            for entry in index.skeletons[part]:
                brands.add(entry.rule_id)
        if part in index.context:
            for entry in index.context[part]:
                brands.add(entry.rule_id)
    return brands


def _near_names(index: BrandIndex, readings: list[str], raw: str) -> list[tuple[str, int]]:
    """(skeleton, distance) of the names of MIN_MISSPELLED letters or more within a slip of
    any reading of the written part `raw`, no number cut: usually none, which spares
    segmenting the rest of the label into words."""
    found: dict[str, int] = {}
    for reading in readings:
        for skel, distance in near_skeletons(reading, index):
            if _written_length(index, skel) >= MIN_MISSPELLED and not _cuts_number(
                raw, 0, len(raw), index.skeletons[skel]
            ):
                found.setdefault(skel, distance)
    return list(found.items())


def _misspelled_glued(visit: Visit) -> list[Reason]:
    """`goolgelogin.com`, `securefacebok-online.net`: a word of letters that is a distinctive
    name one slip off (`_slip_of_name`) glued to lure words of three letters or more, any
    other hyphen word a lure word or a number: the glued form of `_misspelled_parts`'s
    `goolge-login`. Readers check a name's ends: starting the word it keeps its first letter,
    and a slip where it meets the glued words may be theirs (`_slip_at_seam`); ending the word
    it keeps its last letter (`mastercare` is no slip of mastercard)."""
    if visit.established or not visit.parts_align():
        return []
    parts = visit.label_parts()
    skeletons = visit.parts()
    offset = 0
    for k, part in enumerate(parts):
        skel = skeletons[k]
        first, last = _glued_sides(visit.index, part, skel)
        if (first or last) and all(
            not p or p.isdigit() or lure_only(p) for i, p in enumerate(skeletons) if i != k
        ):
            found = _glued_slip(visit.index, part, skel, first, last)
            if found:
                entries, lo, hi = found
                return [_misspelled_reason(visit, e, offset + lo, offset + hi) for e in entries]
        offset += len(part) + 1
    return []


def _single_letters_start(visit: Visit) -> list[Reason]:
    """`whatsapqzrv.com`, `facebokqz.net`: a distinctive name with a doubled letter, written
    with each letter once (MIN_SINGLED letters or more: `index.stutters`), starting the label
    and glued to more letters. The eye reads a doubled letter once, so kits drop one; the
    name as written is no word part of popular names, and whatever follows it is the kit's
    filler. The longest name wins."""
    label = visit.label
    skel = visit.skeleton
    if visit.established or len(skel) != len(label):
        return []
    index = visit.index
    if skel[:MIN_SINGLED] not in index.stutter_heads:
        return []  # no name read with single letters starts so: most labels
    for end in range(min(len(skel) - 1, MAX_TENANT_WINDOW), MIN_SINGLED - 1, -1):
        head = skel[:end]
        names = index.stutters.get(head)
        if not names or "-" in head:
            continue
        entries = [
            entry
            for name in names
            if name != head and name not in index.common and not skel.startswith(name)
            for entry in index.skeletons[name]
            if not index.inside_popular_names(label[:end], entry.label)
        ]
        if entries:
            return [_misspelled_reason(visit, entry, 0, end) for entry in entries]
    return []


def _glued_sides(index: BrandIndex, word: str, skel: str) -> tuple[bool, bool]:
    """Whether a misspelled name may start `word` and whether one may end it, for
    `_glued_slip`: a word of letters long enough for a name and a lure word, which start
    (end) with the first (last) three letters of a name, the lure words ending (starting) it.
    Cheap set lookups that most words fail; a slip in a name's first or last three letters
    is left to the other rules."""
    if len(word) < MIN_MISSPELLED - 1 + MIN_GLUED_LURE or len(skel) != len(word):
        return False, False
    if not _ISALPHA(word) or skel in index.skeletons or skel in index.context:
        return False, False  # ... and is no brand's own name (`techcombank` is no commbank)
    first = skel[:3] in index.starts and ends_with_lure_word(skel, MIN_GLUED_LURE)
    last = skel[-3:] in index.finishes and starts_with_lure_word(skel, MIN_GLUED_LURE)
    return first, last


def _glued_slip(
    index: BrandIndex, word: str, skel: str, first: bool, last: bool
) -> tuple[list[Protected], int, int] | None:
    """(names, start, end) of the misspelled name starting (if `first`) or ending (if `last`)
    `word` (`skel` its skeleton, as long) whose rest is lure words (`_misspelled_glued`)."""
    for cut in range(MIN_MISSPELLED - 1, len(skel) - MIN_GLUED_LURE + 1):
        for lo, possible in ((0, first), (len(skel) - cut, last)):
            if not possible:
                continue
            window = skel[lo : lo + cut]
            rest = skel[cut:] if lo == 0 else skel[:lo]
            if is_lure_word(window) or not lure_only(rest):
                continue
            raw = word[lo : lo + cut]
            for name, distance in near_skeletons(window, index):
                if not _slip_of_name(index, window, name, distance):
                    continue
                kept = [
                    e
                    for e in index.skeletons[name]
                    if plausible(raw, e.label)
                    and not (_slip_at_seam(raw, e.label) if lo == 0 else raw[-1] != e.label[-1])
                    and not index.inside_popular_names(raw, e.label)
                ]
                if kept:
                    return kept, lo, lo + cut
    return None


def _slip_at_seam(written: str, name: str) -> bool:
    """True when the only slip of a name starting a label is its last letter changed, or a
    letter added after it, other than a doubled one: that letter may begin or end the glued
    word (`mastercare`, `shopifypreview`), not misspell the name (`paypallsecure`)."""
    return (
        len(written) >= len(name)
        and written[: len(name) - 1] == name[:-1]
        and written[-1] != written[-2]
    )


def _slip_of_name(
    index: BrandIndex, part: str, name: str, distance: int, written: str = ""
) -> bool:
    """True when a hyphen word (its skeleton `part`, `written` as the label has it) is one slip
    off a distinctive name (MIN_MISSPELLED letters or more) and starts with the name's first
    letter, so it counts beside any words: readers check a word's first letter, and so do
    kits (`goolge`, `kucoinn`). A changed first letter is mostly another word (`switch` is a
    slip of twitch). Letters count as written: the skeleton folds letter groups (`icloudd`
    reads `ldoudd`)."""
    return (
        distance == 1
        and len(written or part) >= MIN_MISSPELLED
        and part[0] == name[0]
        and name not in index.common
    )


def _written_length(index: BrandIndex, name: str) -> int:
    """How many letters the protected skeleton `name` has as its brand writes it: more than
    the skeleton where a letter group folds (`icloud` reads `ldoud`)."""
    return max(len(entry.label) for entry in index.skeletons[name])


def _misspelled_in_tenant(visit: Visit) -> list[Reason]:
    """`faceboklogin77.blogspot.com`, `acess-trezr-signin.pages.dev`: a misspelled brand name
    (six letters or more) at the start of a hosting tenant's word, with lure words (slipped
    ones too: `kucoinnlogen`), numbers or nothing after it; filling the whole label, it is the
    typo rule's to judge. Kits mint such names by the thousand; on a platform no brand signs
    anyone in."""
    skel = visit.skeleton
    index = visit.index
    starts = [0] + [i + 1 for i, c in enumerate(skel) if c == "-"]
    for start in starts:
        for end in range(min(len(skel), start + MAX_TENANT_WINDOW), start + MIN_MISSPELLED - 2, -1):
            window = skel[start:end]
            # `transfer` is a lure word, not wetransfer; a word-brand (`interbank`) is judged
            # as one (`find_context_names`), not as a slip of a longer name (`interbankpe`);
            # `static` is a site's machinery, not pstatic.
            if "-" in window or is_lure_word(window) or window in index.context:
                continue
            near = near_skeletons(window, index)
            if not near:
                continue
            lo, hi = _label_span(visit.label, skel, start, end)
            if written_infrastructure(visit.label[lo:hi]):
                continue
            for name, _distance in near:
                entries = index.skeletons[name]
                if (
                    _written_length(index, name) < MIN_MISSPELLED
                    or name in index.common
                    or _cuts_number(visit.label, lo, hi, entries)
                ):
                    continue
                around = f"{visit.label[:lo]}-{visit.label[hi:]}"
                if around == "-":  # the whole label: the typo rule judges it (plausible slips only)
                    continue
                pieces = [p for p in _DIGITS.sub("-", around).split("-") if p]
                if all(
                    skeleton(p) in index.skeletons or lure_only(skeleton(p)) or slipped_lure_word(p)
                    for p in pieces
                ):
                    # A word part of other names (`trust`, `finance`) is that word, not a
                    # slip of truist or binance.
                    kept = [
                        e
                        for e in entries
                        if not index.inside_popular_names(visit.label[lo:hi], e.label)
                    ]
                    if kept:
                        return [_misspelled_reason(visit, entry, lo, hi) for entry in kept]
    return []


def _far_slip_in_tenant(visit: Visit) -> list[Reason]:
    """`qz-start-trexzr.pages.dev`, `kuxocinlogin.webflow.io`: a hosting tenant's word that
    starts with a one-site brand's name two slips off (`index.one_site_names`: crypto
    services, six letters or more), first letter kept, ending where the word does or where a
    lure word (the brand's own too, or slipped) begins, with a lure word beside it. Wallet
    kits there garble the name past the typo budget and the consonant key; other sites'
    names that near are mostly words running on (`blockbo|ardtech`), which the ending rule
    keeps out. Three slips off count when a sign-in word follows at once (`qzwaxlxttloginn`,
    `SIGN_IN_NEXT`): the garbled name is then the one the kit asks to sign in to, where other
    names three slips from a brand's go on with words of their own (`treeho|userentals`)."""
    return _far_slip(visit, FAR_SLIPS) or _far_slip(visit, FAR_SLIPS + 1)


def _far_slip(visit: Visit, slips: int) -> list[Reason]:
    """`_far_slip_in_tenant` for names `slips` slips off (more than FAR_SLIPS: a sign-in word
    must follow)."""
    index = visit.index
    for match in _TENANT_WORDS.finditer(visit.label):
        word = match.group()
        lo, hi = match.span()
        first = skeleton(word[:1])
        for name in index.one_site_names:
            if first != name[:1]:
                continue
            longest = min(len(word), len(name) + slips)
            for span in range(longest, len(name) - slips - 1, -1):
                window = skeleton(word[:span])
                if (
                    DamerauLevenshtein.distance(window, name, score_cutoff=slips) > slips
                    or window in COMMON_WORDS
                    or is_lure_word(window)
                    or index.inside_popular_names(word[:span], None)
                ):
                    continue
                entries = [e for e in index.skeletons[name] if e.rule_id in index.one_site_rules]
                if slips > FAR_SLIPS:
                    ends = _sign_in_word_next(word[span:])
                else:
                    own = frozenset().union(
                        *(index.brand_words.get(e.rule_id, ()) for e in entries)
                    )
                    ends = _word_ends(word[span:], own) and _lured(visit, lo, hi, span, own)
                if ends:
                    return [_misspelled_reason(visit, e, lo, lo + span) for e in entries]
    return []


def _sign_in_word_next(rest: str) -> bool:
    """True when `rest` starts with a sign-in word (`SIGN_IN_NEXT`), doubled letters read once
    and one slip allowed that keeps its first letter (`logiin`, `walet`)."""
    rest = collapse_runs(rest)
    return any(
        rest[:1] == word[0]
        and any(
            DamerauLevenshtein.distance(rest[:cut], word, score_cutoff=1) <= 1
            for cut in (len(word) - 1, len(word), len(word) + 1)
        )
        for word in SIGN_IN_NEXT
    )


def _word_ends(rest: str, own: frozenset[str]) -> bool:
    """True when a misspelled name's word ends after it or goes on with a lure word (the
    brand's `own` too, or one slipped): not other letters of a longer word."""
    if not rest or rest.isdigit() or slipped_lure_word(rest):
        return True
    skel = skeleton(rest)
    return starts_with_lure_word(skel, 3) or any(skel.startswith(word) for word in own)


def _misspelled_cheap(visit: Visit) -> list[Reason]:
    """`_cheap_name` for a misspelled name: under an abused TLD, a distinctive name of
    MIN_CHEAP_MISSPELLED letters or more, a slip off, starting the label glued to anything
    (`coinbsaeqzrv.top`). Shorter names are a slip from too many words and names, in
    English and in other languages' romanisations. The longest spelling wins."""
    skel = visit.skeleton
    index = visit.index
    head, _, tail = skel.partition("-")
    # A name split at its first hyphen reads without it (`micro-sotfqz`).
    joined = head + tail if tail and _goes_on(index, head, tail) else head
    for end in range(min(len(joined), MAX_TENANT_WINDOW), MIN_CHEAP_MISSPELLED - 2, -1):
        window = joined[:end]
        if "-" in window:
            continue
        near = near_skeletons(window, index)
        if not near:
            continue  # most windows: no label span to work out
        lo, hi = _label_span(visit.label, skel, 0, end + 1 if end > len(head) else end)
        for name, _distance in near:
            entries = index.skeletons[name]
            if (
                _written_length(index, name) >= MIN_CHEAP_MISSPELLED
                and name not in index.common
                and not _cuts_number(visit.label, lo, hi, entries)
            ):
                return [_misspelled_reason(visit, entry, lo, hi) for entry in entries]
    return []


def _consonants_in_tenant(visit: Visit) -> list[Reason]:
    """`acess-trezr-signin.pages.dev`, `trezzorloginn.webflow.io`: a hosting tenant's word that
    starts with the consonants of a distinctive name (`index.consonant_key`: vowels dropped,
    doubled letters merged). Kits there misspell names beyond any typo budget to slip past
    filters, yet keep the letters that make them readable; platforms host no brand's
    sign-in. The longest name wins."""
    index = visit.index
    for match in _TENANT_WORDS.finditer(visit.label):
        word = match.group()
        positions = consonant_positions(word)
        key = "".join(letter for letter, _ in positions)
        lo, hi = match.span()
        for end in range(len(key), MIN_CONSONANTS - 1, -1):
            spelled = positions[end - 1][1] + 1  # the letters that spell the consonants
            names = index.consonants.get(key[:end], ())
            if not names:
                continue
            # ... and the vowel the name ends with, when one follows (`cionbsea`, coinbase)
            ends_in_vowel = all(
                e.label[-1] in _VOWELS for name in names for e in index.skeletons[name]
            )
            span = (
                spelled + 1 if ends_in_vowel and word[spelled : spelled + 1] in _VOWELS else spelled
            )
            entries = [
                entry
                for name in names
                for entry in index.skeletons[name]
                if _compact_spelling(word[:span], entry.label, end)
                # ... unless those letters are a word part of other names (`trust`, truist)
                and not index.inside_popular_names(word[:spelled], entry.label)
            ]
            if not entries:
                continue
            own = frozenset().union(*(index.brand_words.get(e.rule_id, ()) for e in entries))
            if _lured(visit, lo, hi, span, own):
                return [_consonants_reason(visit, entry, lo, hi) for entry in entries]
    return []


def _lured(visit: Visit, lo: int, hi: int, span: int, own: frozenset[str]) -> bool:
    """True when a lure word (the brand's `own` too) stands beside the misspelled name: as
    another word of the tenant label (`acess-trezr-signin`) or inside the rest of its own
    word (`trezorqwallet`, `mettamasskl0gin`), or misspelled as the name is (`trzrlogen`).
    Without one, `blackfriday` would read as BlockFi."""
    label = visit.label
    rest = label[lo + span : hi]
    # Doubled letters read once too (`loginn`): `nn` would otherwise read as `m`.
    if holds_lure_word_beside(skeleton(rest), own) or holds_lure_word_beside(
        skeleton(collapse_runs(rest)), own
    ):
        return True
    if slipped_lure_word(rest):
        return True
    return any(
        lure_only_beside(skeleton(p), own) or slipped_lure_word(p)
        for p in _TENANT_WORDS.findall(f"{label[:lo]}-{label[hi:]}")
    )


def _compact_spelling(spelled: str, name: str, consonants: int) -> bool:
    """True when the letters that spell a name's consonants (`trezur` of trezurio) start
    with the name's first letter, are about as long (`COMPACT_SLACK`) and two edits or a
    third of the name away: `trzr`, `trezurio` spell trezor; `html` (four letters for
    hotmail's seven), `acoustic` and `cannabis` (five edits from coinbase) do not. A name of
    MIN_BARE_CONSONANTS `consonants` or more (its `consonant_key`, which `spelled` spells)
    may lose its vowels (`jpmrgnchs`), and a name ending in a vowel its last letter."""
    if spelled[:1] != name[:1]:
        return False
    # So many consonants in order with hardly another letter are the name with its vowels
    # left out (`jpmrgnchs`); `freeinternet` spells frontiernet's among other letters.
    if consonants >= MIN_BARE_CONSONANTS and len(spelled) - consonants <= COMPACT_SLACK:
        return True
    budget = max(COMPACT_SLACK, len(name) // 3)
    forms = (name, name[:-1]) if name[-1] in _VOWELS else (name,)
    return any(
        abs(len(spelled) - len(form)) <= COMPACT_SLACK
        and DamerauLevenshtein.distance(spelled, form, score_cutoff=budget) <= budget
        for form in forms
    )


def _consonants_reason(visit: Visit, entry: Protected, lo: int, hi: int) -> Reason:
    word = visit.label[lo:hi]
    letters = "-".join(entry.label[i] for _, i in consonant_positions(entry.label))
    extra = tuple(i for i in range(len(visit.label)) if not lo <= i < hi)
    detail = (
        f"'{visit.label}' is a hosting platform's site whose word '{word}' keeps the "
        f"consonants of {entry.brand}'s name '{entry.label}' ({letters}); real site: "
        f"{entry.domain}"
    )
    return reason("combosquat", entry, detail, extra)


def _misspelled_reason(visit: Visit, entry: Protected, lo: int, hi: int) -> Reason:
    raw = visit.label[lo:hi]
    extra = tuple(i for i in range(len(visit.label)) if not lo <= i < hi)
    detail = (
        f"'{visit.label}' joins '{raw}', a misspelling of {entry.brand}'s name "
        f"'{entry.label}', with other words; real site: {entry.domain}"
    )
    return reason("combosquat", entry, detail, extra)


def _label_span(label: str, skel: str, start: int, end: int) -> tuple[int, int]:
    """Map a span of the skeleton back onto the label (they differ for rn→m and the like)."""
    if len(label) == len(skel) and label.isascii():
        return start, end
    folded, spans = fold(label)
    if folded != skel or not spans:
        # Another reading's span (the plain one, or letters that fold to two): never past the
        # label's end, where `_inside_hex_id` and the reasons' positions read.
        lo = min(start, len(label))
        return lo, max(lo, min(end, len(label)))
    return spans[start][0], spans[end - 1][1]


class CombosquatDetector:
    """`paypal-secure.net`, `securepaypal.com`, `apple-id-verify.com`."""

    name = "combosquat"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons the target's label contains a brand's name among other words."""
        return detect_combosquat(Visit(target, index))
