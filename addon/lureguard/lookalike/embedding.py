"""Target embedding: a brand's domain placed inside a longer host so that the start of the
address bar shows it (`login.microsoftonline.com.session-verify.net`, `www-paypal-com.secure.info`),
or a brand name split by dots so the host reads as it without them (`m.icrosoft.com`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from itertools import product
from typing import Final

from lureguard.hosts import Target
from lureguard.lookalike.combosquat import MIN_DISTINCTIVE
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.index import MIN_TYPO_LABEL, BrandIndex, Protected
from lureguard.lookalike.institutions import institution_host
from lureguard.lookalike.visit import Visit, near_skeletons, reason
from lureguard.lookalike.words import (
    LOGIN_WORDS,
    is_lure_word,
    lure_only,
    lure_only_beside,
    may_be_lure_only,
)
from lureguard.verdict import Reason

#: Called as a function on the hot path (see `visit._ISASCII`).
_ISASCII: Final = str.isascii
#: A brand name alone as a subdomain label must be at least this long to count.
MIN_SUBDOMAIN_NAME: Final = 5
#: How many official-suffix tokens may follow an embedded name (`co.uk` is two).
MAX_SUFFIX_TOKENS: Final = 3
#: The names of sign-in hosts (`login.`, `accounts.`, `sso.`): before a brand's official
#: domain written with a hyphen for its dot, they make the host a sign-in page's.
SIGN_IN_HOSTS: Final = frozenset({*LOGIN_WORDS, "account", "accounts", "auth", "sso"})
#: A misspelled name counts before a written suffix of this many parts or more (`co.uk`).
MIN_WRITTEN_SUFFIX: Final = 2
#: A numbered server's name: letters, then two digits or more (`mx01`, `node05`); one digit
#: is mostly a version (`v2-`, `ev2-`).
_SERVER_NAME: Final = re.compile(r"[a-z]{1,6}[0-9]{2,5}")
#: A customer's name before a service's protected name (`<firm>-okta.com`) has this many
#: letters or more, and the name this many (shorter ones are other people's initials).
MIN_CUSTOMER_WORD: Final = 3
MIN_CUSTOMER_NAME: Final = 4
#: Two digits or more: a number, not a look-alike letter.
_NUMBER: Final = re.compile(r"[0-9]{2,}")
#: Digits in a row that make a serial number of a kit-minted site (`_minted`).
MIN_SERIAL: Final = 5


def detect_embedding(visit: Visit) -> list[Reason]:
    """Reasons for a protected domain written into the host before its real domain."""
    target = visit.target
    if visit.skeleton in visit.index.glued:
        glued = _glued_suffix(visit)
        if glued:
            return glued
    host = target.unicode_host
    head = host[: -len(target.suffix) - 1] if target.suffix else host
    if "." not in head and "-" not in head:
        return []
    if "." not in head:
        return _embedded_domain(visit, head) or _server_of_official_domain(visit)
    labels = visit.host_labels()  # (`head` split at its dots)
    found = (
        _embedded_domain(visit, head)
        or _split_name(visit, labels)
        or _subdomain_name(visit, labels)
        or _server_of_official_domain(visit)
    )
    if found and institution_host(target):
        return []  # its own hosts, proxies of other sites among them
    return found


def _glued_suffix(visit: Visit) -> list[Reason]:
    """`paypalcom.net`, `aeonbankco.jp`: the brand's domain written with its dot dropped."""
    found = visit.index.glued.get(visit.skeleton)
    if not found:
        return []
    reasons = []
    for skel, suffix, needed in found:
        if needed and visit.target.suffix != needed:
            continue
        for entry in visit.index.skeletons[skel]:
            detail = (
                f"'{visit.label}' spells {entry.label}.{suffix} with the dot left out; "
                f"real site: {entry.domain}"
            )
            extra = tuple(range(len(skel), len(visit.label)))
            reasons.append(reason("target-embedding", entry, detail, extra))
    return reasons


def _embedded_domain(visit: Visit, head: str) -> list[Reason]:
    index = visit.index
    if head == visit.label:  # no subdomain: the tokens are the visit's hyphen parts
        tokens = visit.label_parts()
    else:
        tokens = (head.replace("-", ".") if "-" in head else head).split(".")
    heads = index.suffix_heads
    if not any(tokens[i] in heads for i in range(1, len(tokens))):
        return []  # no official suffix follows any token
    reasons = []
    for i, token in enumerate(tokens[:-1]):
        if tokens[i + 1] not in heads:
            continue  # no official suffix follows: skip the skeleton
        entries = index.skeletons.get(skeleton(token)) if len(token) >= 2 else None
        if not entries:
            reasons += _official_written(visit, tokens, i) or _misspelled_written(visit, tokens, i)
            continue
        for entry in entries:
            owned = index.label_suffixes.get(entry.label, set())
            for k in range(1, MAX_SUFFIX_TOKENS + 1):
                suffix = ".".join(tokens[i + 1 : i + 1 + k])
                if i + k < len(tokens) and suffix in owned:
                    shown = f"{entry.label}.{suffix}"
                    detail = (
                        f"{visit.target.unicode_host} starts like {shown} but belongs to "
                        f"{visit.target.registered_domain}; real site: {entry.domain}"
                    )
                    reasons.append(reason("target-embedding", entry, detail))
                    break
    return reasons


def _misspelled_written(visit: Visit, tokens: list[str], i: int) -> list[Reason]:
    """`eday-co-uk-login.qzx.com`, `amazom.co.jp.qzx.net`: a word one edit off a protected name,
    followed by a suffix of two parts or more that the brand's own domains have, before more
    host. The brand's country domain written after it says which name the edit imitates (a
    one-part suffix, `com`, follows too many words to tell), so any edit counts, in short
    names too (`eday` for ebay: b and d mirror each other)."""
    index = visit.index
    token = tokens[i]
    if i + MIN_WRITTEN_SUFFIX >= len(tokens) - 1 or not token.isalpha():  # more host follows
        return []
    for name, distance in near_skeletons(skeleton(token), index):
        if distance > 1:
            continue
        for entry in index.skeletons[name]:
            owned = index.label_suffixes.get(entry.label, ())
            for k in range(MIN_WRITTEN_SUFFIX, MAX_SUFFIX_TOKENS + 1):
                suffix = ".".join(tokens[i + 1 : i + 1 + k])
                if i + k < len(tokens) - 1 and suffix in owned:
                    detail = (
                        f"{visit.target.unicode_host} starts like {entry.label}.{suffix}, "
                        f"misspelled as '{token}', but belongs to "
                        f"{visit.target.registered_domain}; real site: {entry.domain}"
                    )
                    return [reason("target-embedding", entry, detail)]
    return []


def _official_written(visit: Visit, tokens: list[str], i: int) -> list[Reason]:
    """`s.team-qzrv.com`, `chase.com.x-verify.net`: a brand's official domain written out with
    its dots before the real registrable domain, though its label is too short or too
    ordinary to be protected alone (`s` of s.team, `chase`). The exact domain, followed by
    more host."""
    index = visit.index
    # The label may hold a hyphen of its own (`7-11` of 7-11.com.tw), read as two tokens.
    labels = [tokens[i]] + ([f"{tokens[i - 1]}-{tokens[i]}"] if i else [])
    heads = index.official_heads
    if not any(f"{label}.{tokens[i + 1]}" in heads for label in labels):
        return _country_code_left_off(visit, tokens, i, labels)  # most words start no domain
    for k, label in product(range(MAX_SUFFIX_TOKENS, 0, -1), labels):
        if i + k >= len(tokens) - 1:
            continue  # more host must follow (`m.me.gov.<cc>` is that ministry's own `m.` host)
        domain = ".".join([label, *tokens[i + 1 : i + k + 1]])
        owner = index.official_entry(label, domain)
        # Written with its dots: with hyphens an unprotected name reads as words (`shop-app`),
        # unless its suffix has two parts, which no phrase has (`monex-co-jp`, `7-11-com-tw`).
        host = visit.target.host
        if owner is not None and (domain in host or (k >= 2 and domain.replace(".", "-") in host)):
            target = visit.target
            detail = (
                f"{target.unicode_host} starts like {domain} but belongs to "
                f"{target.registered_domain}; real site: {domain}"
            )
            return [reason("target-embedding", owner, detail)]
    return _country_code_left_off(visit, tokens, i, labels)


def _country_code_left_off(
    visit: Visit, tokens: list[str], i: int, labels: list[str]
) -> list[Reason]:
    """`7-11.com.qzrv.top`: a brand's country domain (`7-11.com.tw`) written with its dots
    but without its country code, before more host. Kits drop the code to make the address
    read as the brand's `.com`; the brand must own no such `.com` itself (`_official_written`
    reads that one)."""
    if i + 2 >= len(tokens):
        return []  # more host must follow the first part of the suffix
    first = tokens[i + 1]
    for label in labels:
        for suffix in visit.index.label_suffixes.get(label, ()):
            head, dot, code = suffix.partition(".")
            if (
                head != first
                or not dot
                or "." in code
                or f"{label}.{first}." not in visit.target.host
            ):
                continue
            domain = f"{label}.{suffix}"
            owner = visit.index.official_entry(label, domain)
            if owner is not None:
                target = visit.target
                detail = (
                    f"{target.unicode_host} starts like {domain} with its country code left "
                    f"off but belongs to {target.registered_domain}; real site: {domain}"
                )
                return [reason("target-embedding", owner, detail)]
    return []


def _server_of_official_domain(visit: Visit) -> list[Reason]:
    """`mx01-live.com`, `node05-paypal.com`: a numbered server of a brand's official domain
    (`mx01.live.com`) with its dot written as a hyphen. Kits name their hosts after the brand's
    own mail and sign-in servers; no popular domain reads so (two of 150,000 did, both
    Microsoft's `msedge.net` with one digit, a version). So does a customer's host of a
    protected name (`_customer_host`: `<firm>-okta.com`), whatever subdomains come before, and
    a sign-in host of any official domain (`_sign_in_host`: `login-nate.com`)."""
    label = visit.label
    cut = label.rfind("-")
    if cut < 0:
        return []  # most names: no dot written as a hyphen
    last = label[cut + 1 :]
    if last not in visit.index.official_labels:
        return []  # most hyphenated names end in no official domain's label: one set lookup
    head = label[:cut]
    domain = f"{last}.{visit.target.suffix}"
    owner = visit.index.official_entry(last, domain)
    if owner is None:
        return []
    server = head.rpartition("-")[2]
    numbered = _SERVER_NAME.fullmatch(server) is not None
    sign_in = not numbered and _sign_in_host(visit.index, head, last)
    if not (numbered or sign_in or _customer_host(visit.index, server, last)):
        return []
    what = "a server" if numbered else "a sign-in host" if sign_in else "a customer's host"
    detail = (
        f"'{label}' reads as {server}.{domain}, {what} of {owner.brand}'s {domain}, with the "
        f"dot written as a hyphen; real site: {domain}"
    )
    return [reason("target-embedding", owner, detail, (len(head),))]


def _sign_in_host(index: BrandIndex, head: str, name: str) -> bool:
    """True for the words `head` before a brand's official domain written with a hyphen for
    its dot (`login-nate.com`, `net-accounts-mail.ru`): lure words only, one of them a sign-in
    host's name (`SIGN_IN_HOSTS`: `login.`, `accounts.`, `sso.`), before a label `name` too
    short or too ordinary to protect alone (nate, wp, mail of mail.ru); a protected name
    beside lure words is a combination, combosquat's to explain (`login-ebay.com`). Other
    lure words before such a label read as ordinary names (`service-windows.com`)."""
    skel = skeleton(name)
    if skel in index.skeletons or skel in index.context:
        return False
    words = head.split("-")
    return any(word in SIGN_IN_HOSTS for word in words) and lure_only(skeleton(head))


def _customer_host(index: BrandIndex, word: str, name: str) -> bool:
    """True for `<firm>-okta.com`: a word, no lure word, before a protected name of
    MIN_CUSTOMER_NAME letters or more, on its official suffix, reads as a customer's host of
    a service that signs its customers in on their own subdomains (`<firm>.okta.com`), the
    dot written as a hyphen. Crews that phish a firm's staff register such names. A
    distinctive name already counts as a hyphen word whatever the words around it, and a lure
    word beside a name makes a combosquat (`login-okta.com`): both are `combosquat`'s to
    explain."""
    return (
        word.isalpha()
        and len(word) >= MIN_CUSTOMER_WORD
        and len(name) >= MIN_CUSTOMER_NAME
        and name in index.labels
        and (len(name) < MIN_DISTINCTIVE or skeleton(name) in index.common_spelled)
        and not is_lure_word(skeleton(word))
    )


def _split_name(visit: Visit, labels: list[str]) -> list[Reason]:
    """`m.icrosoft.com`, `micro.soft-login.com`: labels that spell a brand once joined."""
    index = visit.index
    for k in range(2, min(len(labels), 4) + 1):
        joined = "".join(labels if k == len(labels) else labels[-k:])
        if "-" in joined:
            joined = joined.replace("-", "")
        # Six letters give at least three skeleton letters whatever follows (a letter group
        # spans two); few distinct beginnings occur (`wwwexa`, `mlogin`).
        if (
            len(joined) >= 6
            and _ISASCII(joined)
            and _recurring_skeleton(joined[:6])[:3] not in index.split_heads
        ):
            continue  # no protected name starts like it: spare the skeleton
        joined = skeleton(joined)
        entries = index.skeletons.get(joined) or index.skeletons.get(index.flat.get(joined, ""))
        if entries:
            written = ".".join(labels[-k:])
            return [
                reason(
                    "target-embedding",
                    entry,
                    f"'{written}' reads as '{entry.label}' once the dots are ignored; "
                    f"real site: {entry.domain}",
                )
                for entry in entries
            ]
    return []


#: How many skeletons `_recurring_skeleton` remembers before it starts afresh.
RECURRING_CACHE: Final = 4096
_RECURRING: Final[dict[str, str]] = {}


def _recurring_skeleton(text: str) -> str:
    """Skeleton of a piece of host that recurs (`www`, `login`, `mail`, the beginnings
    `wwwexa`, `mlogin`), remembered in a plain dict: from the native build a lookup there
    costs a fraction of an `lru_cache` call. Bounded (`RECURRING_CACHE`, then it starts
    afresh; clearing is atomic, so threads may share it)."""
    skel = _RECURRING.get(text)
    if skel is None:
        skel = skeleton(text)
        if len(_RECURRING) >= RECURRING_CACHE:
            _RECURRING.clear()
        _RECURRING[text] = skel
    return skel


def _subdomain_name(visit: Visit, labels: list[str]) -> list[Reason]:
    """`paypal.account-check.net`: a distinctive brand name as a subdomain of another site.

    Under a top-level domain that spammers favour (`visit.ABUSED_TLDS`) or another new generic
    TLD (`visit.new_gtld`), any brand name counts, short ones included, alone, as a hyphen
    word or numbered (`dpd.parcelnote.cfd`, `meta-id1923.invoice-ads.top`, `chase21.x.top`):
    no company signs its staff in under `.cfd`, while under `.com` a company's own `okta.` or
    `att.` host is an everyday name; so on a kit-minted site (`_minted`:
    `booking.qzshop-48213.com`). On a site of letters drawn at random (`_drawn`), a context
    name that is no ordinary or lure word counts (`gemini.dzkji.cn`).
    So it does on a site named only for account chores (`chase.secure-login.com`), which hosts
    no brand's sign-in; a name that is a lure word itself (`live`, `office`) is such a site's
    own word.
    """
    index = visit.index
    if not _names_any(index, labels):
        return []  # most subdomains (`www`, `login`): no need to ask whether the site is minted
    cheap = visit.cheap or visit.new_gtld or _minted(visit.label)
    shortest = MIN_TYPO_LABEL if cheap else MIN_SUBDOMAIN_NAME
    # On a site of letters drawn at random (`dzkji.cn`), a name that is no ordinary or lure
    # word counts though it is a context name (`gemini.`, `open-monex.`).
    drawn = not cheap and _drawn(index, visit.label)
    for label in labels[:-1]:
        words = [label, *label.split("-")] if (cheap or drawn) and "-" in label else [label]
        if cheap:  # kits number the hosts they mint there (`gopay13.`, `chase-07.`)
            words += [w.rstrip(string.digits) for w in words if w[-1:].isdigit()]
        for word in words:
            if len(word) < shortest:
                continue
            skel = _recurring_skeleton(word)
            # A word part (`att` of attack) is only a worry glued inside a longer name; as a
            # whole word under an abused TLD it is the name.
            if len(skel) < shortest or (skel in index.common and not cheap):
                continue
            # Under an abused TLD, names that are ordinary words count too (`att.`, `booking.`).
            entries = index.skeletons.get(skel) or (
                index.context.get(skel)
                if cheap or (drawn and skel not in index.common and not is_lure_word(skel))
                else None
            )
            if entries:
                return _subdomain_reasons(visit, label, entries)
    return [] if cheap else _name_on_chores_site(visit, labels)


def _names_any(index: BrandIndex, labels: list[str]) -> bool:
    """True when a word that `_subdomain_name` or `_name_on_chores_site` may look up in the
    subdomain labels `labels[:-1]` (a whole label or a hyphen word, with or without its
    trailing digits) is a protected or context name."""
    for i in range(len(labels) - 1):  # (no slice built)
        label = labels[i]
        if _word_names(index, label):
            return True
        if "-" in label:
            for word in label.split("-"):
                if _word_names(index, word):
                    return True
    return False


def _word_names(index: BrandIndex, word: str) -> bool:
    """True when `word`, or `word` without its trailing digits, has MIN_TYPO_LABEL letters or
    more and a protected or context name for its skeleton (`_names_any`)."""
    if "0" <= word[-1:] <= "9":
        bare = word.rstrip(string.digits)
        if len(bare) >= MIN_TYPO_LABEL and _names(index, _recurring_skeleton(bare)):
            return True
    return len(word) >= MIN_TYPO_LABEL and _names(index, _recurring_skeleton(word))


def _names(index: BrandIndex, skel: str) -> bool:
    """True when `skel` is a protected or context name."""
    return skel in index.skeletons or skel in index.context


def _minted(label: str) -> bool:
    """True for a registrable label that words and a serial of MIN_SERIAL digits or more make
    (`qzshop-48213`, `stayqz48213`): kits mint such sites by the batch, and a name under one
    is theirs (`<brand>.qzshop-48213.info`). A label of digits only is a site's name
    (`17173`, `12306`)."""
    return _has_serial(label) and _has_letters(label, MIN_TYPO_LABEL)


def _drawn(index: BrandIndex, label: str) -> bool:
    """True for a registrable label of letters drawn at random (`dzkji`, `qccmkf`): five
    letters or more, one vowel at most, and no word part of popular names."""
    return (
        len(label) >= 5
        and label.isascii()
        and label.isalpha()
        and sum(label.count(v) for v in "aeiou") <= 1
        and not index.inside_popular_names(label, None)
    )


def _has_letters(label: str, count: int) -> bool:
    """True when `label` holds `count` letters or more, counted until there are enough.
    ASCII letters are told by their code (`str.isalpha` is no native operation: the native
    build would call it as a Python method on every character)."""
    found = 0
    for i in range(len(label)):
        code = ord(label[i])
        if (97 <= code <= 122) or (65 <= code <= 90) or (code > 127 and label[i].isalpha()):
            found += 1
            if found >= count:
                return True
    return found >= count


def _has_serial(label: str) -> bool:
    """True when MIN_SERIAL ASCII digits or more stand in a row in `label`: a loop over the
    characters' codes, which the native build runs without building a string per character
    (asked of most hosts with a subdomain)."""
    run = 0
    for i in range(len(label)):
        code = ord(label[i])
        run = run + 1 if 48 <= code <= 57 else 0
        if run >= MIN_SERIAL:
            return True
    return False


def _site_words(visit: Visit) -> str:
    """The registrable label's skeleton, numbers read as word breaks: kits number the sites
    they mint (`guest-secures53314`, `91vip`); one digit may still be a look-alike letter."""
    if not _NUMBER.search(visit.label):
        return visit.skeleton
    return skeleton(_NUMBER.sub("-", visit.label)).strip("-")


def _name_on_chores_site(visit: Visit, labels: list[str]) -> list[Reason]:
    """Any brand name, alone or as a hyphen word, as a subdomain of a site whose registrable
    label is made of lure words, the brand's own among them, and numbers
    (`chase.secure-login.com`, `chase.verify-secure4821.com`), unless it is a lure word
    itself. The names first: most subdomains are none (`www.`, `api.`)."""
    index = visit.index
    for label in labels[:-1]:
        for word in [label, *label.split("-")] if "-" in label else [label]:
            if len(word) < MIN_TYPO_LABEL:
                continue
            skel = _recurring_skeleton(word)
            entries = index.skeletons.get(skel) or index.context.get(skel)
            if entries and len(skel) >= MIN_TYPO_LABEL and not is_lure_word(skel):
                chores = _chores_site(visit, index.own_words(skel))
                return _subdomain_reasons(visit, label, entries) if chores else []
    return []


def _chores_site(visit: Visit, own: frozenset[str]) -> bool:
    """True when the registrable label's words (`_site_words`) are lure words, the brand's
    `own` among them."""
    site = _site_words(visit)
    # Most sites are not named for chores: their first and last letters spare the second look,
    # unless they hold a brand's own lure word (`guest` of booking).
    inside = visit.index.own_word_inside
    if not (may_be_lure_only(site) or (inside is not None and inside.search(site))):
        return False
    return lure_only_beside(site, own)


def _subdomain_reasons(visit: Visit, label: str, entries: list[Protected]) -> list[Reason]:
    return [
        reason(
            "target-embedding",
            entry,
            f"'{label}' is used as a subdomain of {visit.target.registered_domain}, "
            f"which does not belong to {entry.brand}; real site: {entry.domain}",
        )
        for entry in entries
    ]


class EmbeddingDetector:
    """`paypal.com.secure-login.net`, `www-paypal-com.secure.info`, `m.icrosoft.com`."""

    name = "target-embedding"

    def detect(self, target: Target, index: BrandIndex, notices: bool = True) -> Sequence[Reason]:
        """Reasons a brand's domain is written inside the target's host."""
        return detect_embedding(Visit(target, index))
