"""Names protected only in a phishing context, hosting tenants, filler numbers and namesakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from lureguard.ruleset.errors import RuleSetError
from tests.unit.rulefiles import write_rules

RULES = {
    "chase": """\
        id: brand/chase
        kind: brand
        name: Chase
        description: test
        source: tests
        domains: [chase.com, jpmorganchase.com]
        keywords: [jpmorganchase]
        context_keywords: [chase]
        lure_words: [sapphire]
        """,
    "naver": """\
        id: brand/naver
        kind: brand
        name: NAVER
        description: test
        source: tests
        domains: [naver.com, pstatic.net, naverpay.com]
        keywords: [naver, pstatic]
        context_keywords: [live]
        login_hosts: [nid.naver.com, login.naver.com, logins.naver.com, passport.naver.com]
        """,
    "aol": """\
        id: brand/aol
        kind: brand
        name: AOL
        description: test
        source: tests
        domains: [aol.com]
        """,
    "stripe": """\
        id: brand/stripe
        kind: brand
        name: Stripe
        description: test
        source: tests
        domains: [stripe.com, stripecdn.com]
        keywords: [stripe, stripecdn]
        """,
    "att": """\
        id: brand/att
        kind: brand
        name: AT&T
        description: test
        source: tests
        domains: [att.com]
        """,
    "rakuten": """\
        id: brand/rakuten
        kind: brand
        name: Rakuten
        description: test
        source: tests
        domains: [rakuten.co.jp, rakuten.com]
        """,
    "vanguard": """\
        id: brand/vanguard
        kind: brand
        name: Vanguard
        description: test
        source: tests
        domains: [vanguard.com]
        context_keywords: [vanguard]
        """,
    "sharefile": """\
        id: brand/sharefile
        kind: brand
        name: ShareFile
        description: test
        source: tests
        domains: [sharefile.com]
        """,
    "wetransfer": """\
        id: brand/wetransfer
        kind: brand
        name: WeTransfer
        description: test
        source: tests
        domains: [wetransfer.com]
        """,
    "qzinter": """\
        id: brand/qzinter
        kind: brand
        name: QzInter
        description: test
        source: tests
        domains: [qzinterbank.pe]
        keywords: [qzinterbankpe]
        context_keywords: [qzinterbank]
        """,
    "qzmail": """\
        id: brand/qzmail
        kind: brand
        name: QzMail
        description: test
        source: tests
        tags: [sector.email]
        domains: [qzmail.com, qz.cn]
        keywords: [qzmail]
        """,
    "qzbank": """\
        id: brand/qzbank
        kind: brand
        name: QzBank
        description: test
        source: tests
        domains: [qzbank.com, qb.cn]
        keywords: [qzbank]
        """,
    "qzdacb": """\
        id: brand/qzdacb
        kind: brand
        name: QzDACB
        description: test
        source: tests
        domains: [qzdacb.com]
        keywords: [qzdacb]
        context_keywords: [dacb]
        """,
    "coinbase": """\
        id: brand/coinbase
        kind: brand
        name: Coinbase
        description: test
        source: tests
        domains: [coinbase.com]
        namesakes: [coinbase.org]
        """,
    "banc": """\
        id: brand/banc
        kind: brand
        name: QzBanc
        description: test
        source: tests
        domains: [qzbanc-group.com]
        context_keywords: [qzbanc]
        """,
    "load": """\
        id: brand/load
        kind: brand
        name: Load
        description: test
        source: tests
        domains: [qzload.com]
        context_keywords: [load]
        """,
    "chatter": """\
        id: brand/chatter
        kind: brand
        name: QzChatter
        description: test
        source: tests
        domains: [qzchatter.com, qzbinance.com]
        keywords: [qzchatter, qzbinance]
        """,
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("context")
    rules = write_rules(root, **RULES)
    out = root / "rules.db"
    popular = (
        *("purchase.com", "qzinterbank.com", "coinbswap.com", "mycoinbs.com"),
        *("eurostar.com", "euronews.com"),  # `euro` is a word part
    )
    compile_dir([rules], out, PopularList(popular, "tests"))
    return Engine.from_db(out)


def _caught(engine: Engine, host: str) -> list[tuple[str, str]]:
    return [(r.kind, r.rule_id) for r in engine.check(host).reasons if r.level != "allow"]


@pytest.mark.parametrize(
    "host",
    [
        "chase-account-verify.com",
        "chaseonline-login.net",
        "secure-chase.com",
        "chase-login-2024.info",
        "chase-naver.com",  # another brand counts as context
        "nidlogin.com",  # the login host's label with a lure word
        "nid-naver.com",
        "nid-naver-secure.net",
        "passport-login-verify.com",  # a login host's label that is a word, in a phrase
        "chaseloginverify.com",  # glued to two lure words: a phrase, as with hyphens
        "chaselogin.com",  # ... or to a sign-in word alone: no compound name asks for one
        "qz-signinchase.net",
        "qzbanclogin.com",  # `cl` read as two letters too, not only as `d`
        "chase-notify-pending.com",  # a security alert's words
        "chase-2fa.com",  # a lure word that starts with a digit keeps it
        "navar-nid.com",  # a short name's slip beside the same brand's sign-in name
        "chaseverify.help",  # glued to one lure word under a top-level domain that is one
        "chasehelp.support",
    ],
)
def test_context_names_with_lure_words_are_caught(engine: Engine, host: str) -> None:
    assert _caught(engine, host), host


@pytest.mark.parametrize(
    "host",
    [
        "chase.net",  # a bare dictionary word on another suffix
        "chasse.com",  # no typo of a word is a lookalike
        "chase-outdoors.com",  # ordinary words around it
        "chase2024.com",  # numbers alone are no context
        "chaseverify.com",  # glued to one word it may be a compound name
        "chaselogins.com",  # ... the plural of a sign-in word too
        "chase-building-login.com",  # ... and a sign-in word beside another word is not glued
        "chasewebmail.com",  # ... a lure word made of two counts as one
        "chasewebsites.com",  # an English word that splits into lure words is that word
        "purchase-verify.com",  # a word part, not the name
        "nid.com",
        "portalpassport.com",  # ... glued to one lure word: a compound like any word's
        "unidentified-login.com",
        "myaccount-logins.com",  # `logins` of a login host is a lure word, not a name
        "my-477-login.com",  # digits never spell a name (477 is no att)
        "qz-navar.com",  # a short name's slip beside any word: anyone's word
        "chase-navar.com",  # ... or beside another brand's name
        "chaseverify.app",  # one lure word glued, under a top-level domain of three letters
        "payload.support",  # ... or making an English word with it (`billing` holds ing)
        "shoplive.online",  # ... and a name that is a lure word itself is that word
    ],
)
def test_context_names_alone_or_among_words_are_not(engine: Engine, host: str) -> None:
    assert _caught(engine, host) == [], host


def test_reasons_name_the_login_host(engine: Engine) -> None:
    reason = engine.check("nidlogin.com").reasons[0]
    assert (reason.kind, reason.brand, reason.target) == ("combosquat", "NAVER", "nid.naver.com")


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("948260-coinbase.com", True),  # numbers around a distinctive name
        ("coinbase0034.net", True),
        ("coinbaseverify0034.net", True),  # ... and after a lure word glued to the name
        ("0034verifycoinbase.net", True),
        ("coinbasepied0034.net", False),  # ... not after an ordinary word
        ("bra4-coinbase.pages.dev", True),  # a part with digits, on a hosting platform
        ("coinbase-wallet-x7f3.vercel.app", True),
        ("coinbase-clone-pied.vercel.app", True),  # a distinctive name as a tenant's word
        ("coinbase-clone-pied.com", True),  # the name as a hyphen word of its own
        ("coinbaseclonepied.com", False),  # glued to ordinary words, on a domain of its own
        ("coinbaseclonepied.vercel.app", True),  # ... but starting a platform tenant's label
        ("pied2coinbase.pages.dev", True),  # ... or ending it
        ("pied2coinbase89.pages.dev", True),  # ... numbers after it are filler
        ("xcoinbasex.pages.dev", True),  # ... or inside it, from six letters
        ("xwebexx.pages.dev", False),  # ... not five: they stand inside other words
        ("qznaverqz.pages.dev", False),
        ("qznavercomqz.pages.dev", True),  # ... unless its domain's suffix follows, no dot
        ("altruistics.pages.dev", False),  # ... nor in a popular site's name (truist)
        ("pied-coinbaseio-start.pages.dev", True),  # starting any hyphen word of a tenant
        ("pied-xwebexx-start.pages.dev", False),  # ... not inside one (five letters)
        ("coin-base-verify.com", True),  # a name split by a hyphen, with lure words
        ("coin-base-pied.vercel.app", True),  # ... or on a platform, whatever the words
        ("coin-base-pied.com", False),  # elsewhere two words among ordinary ones
        ("bitcoin-based-login.com", False),  # coin-base inside a word is no name
        ("coin-baseverify.com", True),  # ... glued to a lure word, it is
        ("coin-baseqzrv.com", False),  # ... to other letters only under an abused TLD
        ("coin-baseqzrv.cyou", True),
        ("bitcoin-based.pages.dev", False),  # ... and never inside another word
        ("share-file-center.com", False),  # split into lure words: read as those words
        ("qz-share-file-center.pages.dev", True),  # ... but among a tenant's words, the name
        ("share-filecenter.pages.dev", False),  # ... standing apart only
        ("qz-pied-coinbaseverify.com", True),  # a name glued to a lure word, as a word
        ("qz-pied-coinbasepied.com", False),  # ... not to an ordinary one
        ("bra4coinbase.com", False),  # a random part is filler only on a platform
        ("chase-tracker-7.pages.dev", True),  # a word brand as a tenant's word of its own
        ("chasetracker.pages.dev", False),  # ... not glued to other letters
        ("chaseverify-7.pages.dev", True),  # ... but starting it, glued to lure words
        ("chaseloginqzrv.pages.dev", True),  # ... or to a sign-in word, whatever follows
        ("chaselogicqzrv.pages.dev", False),  # ... spelled right
        ("qzchaseverify.pages.dev", False),  # ... not inside a word
        ("chase.pages.dev", False),  # ... nor alone
        ("chase-tracker-7.com", False),  # elsewhere a word brand needs lure words
        ("chase-verify-7.pages.dev", True),
        ("music-live-7.pages.dev", False),  # a word-brand that is a lure word needs lure words
        ("login-live-7.pages.dev", True),
        ("coinbase-login.weebly.com", True),  # a platform the PSL lacks: the tenant label
        ("coinbase-7.z13.web.core.windows.net", True),  # ... below a wildcard entry
        ("secure42-chase.com", True),  # a kit's serial on a lure word of its own
        ("chase2secure.com", False),  # ... but glued to the name it is one compound name
        ("chase-outdoors42.com", False),  # shedding the serial leaves an ordinary word
        ("2994017.com", False),  # digits alone never spell a name (401 is no aol to people)
        ("dacb-login-7.pages.dev", True),  # a name of hex letters as a tenant's word
        ("pub-4e7dacb0e9a1.pages.dev", False),  # ... inside a hex identifier it is chance
        ("pub-42dacb7.pages.dev", True),  # ... a short run is no identifier
        ("a0l-login.com", True),
        ("naverpay.cn", False),  # the brand's own domain's label, on another suffix
        ("naverpay.top", True),  # ... not under an abused TLD
        ("naverpay.club", True),  # ... nor a new generic one
        ("naverpay.pages.dev", True),  # ... nor on a platform
        ("naverpay-verify.cn", True),  # ... and another label stays a combination
        ("naverpay.qzrv.cn", True),  # ... nor in a subdomain label, where it is the address
    ],
)
def test_tenants_and_filler(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


def test_namesakes_are_allowed_and_say_why(engine: Engine) -> None:
    verdict = engine.check("coinbase.org")
    assert verdict.verdict == "allow"
    assert verdict.reasons[0].kind == "allowlisted"
    assert "shares Coinbase's name" in verdict.reasons[0].detail
    assert _caught(engine, "coinbase.net") == [("tld-swap", "brand/coinbase")]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("login_hosts: [login.naver.net]", "is not under the brand's domains"),
        ("namesakes: [naver.com]", "must be a registrable domain the brand does not own"),
        ("namesakes: [www.naver.org]", "must be a registrable domain the brand does not own"),
        ("context_keywords: [n]", "must be 3-63 letters"),
        ("lure_words: [s4pphire]", "must be 3-30 letters a-z"),
        ("keywords: [naver]\n        lure_words: [naver]", "is also one of the brand's names"),
        ("initials: [nv]", "must be the label of one of the brand's domains"),
        ("initials: [naver]", "must be 2-3 letters a-z"),
    ],
)
def test_bad_brand_fields_are_lint_errors(tmp_path: Path, field: str, message: str) -> None:
    brand = f"""\
        id: brand/naver
        kind: brand
        name: NAVER
        description: test
        source: tests
        domains: [naver.com]
        {field}
        """
    rules = write_rules(tmp_path, naver=brand)
    with pytest.raises(RuleSetError, match=message):
        compile_dir([rules], tmp_path / "rules.db", PopularList((), "tests"))


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("att.mdfhe.icu", True),  # a short name as a subdomain under a TLD spammers favour
        ("att-verify.wkdif.top", True),  # ... or as a hyphen word of a subdomain label
        ("chase21.wkdif.top", True),  # ... numbered, as kits number the hosts they mint
        ("chase21.wkdif.com", False),  # (a word-brand: under .com only beside chores)
        ("mail21.wkdif.top", False),  # the number cut leaves no name
        ("coinbase.x7f3.cfd", True),
        ("att.example.com", False),  # a company's own `att.` host under .com
        ("att.mdfhe.de", False),
        ("att.mdfhe.online", True),  # ... or under another new generic TLD
        ("att-qzrvtx.cfd", True),  # the registrable label too, as a hyphen word of its own
        ("attqzrvtx.cfd", True),  # ... or starting it, glued to anything (no word part)
        ("qzattrvtx.cfd", False),  # ... not inside it
        ("attqzrvtx.online", False),  # ... and glued only under a TLD spammers favour
        ("attqzrvtx.shop", True),  # (`.shop`, `.vip`, `.xin`, `.site`, `.store` among them)
        ("att-qzrvtx.com", False),
        ("att-qzrvtx.online", True),  # a new generic TLD: as the first or last hyphen word
        ("qz-att-rvtx.online", False),  # ... not in the middle
        ("coinbase.example.com", True),  # a distinctive name alone, any TLD (as before)
        ("att.wkdif-48213.com", True),  # a site minted with a serial, as under such a TLD
        ("att.48213.com", False),  # ... but digits alone are a site's name
        ("att.wkdif-4821.com", False),  # ... and four digits are no serial
    ],
)
def test_brand_subdomains_under_abused_tlds(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("coinbasse.parcel-note.com", True),  # a typo as a subdomain of someone else's domain
        ("c0inbase.parcel-note.com", True),  # a homoglyph
        ("chase-verify.parcel-note.com", True),  # a word-brand beside lure words
        ("www.secure42-chase.parcel-note.com", True),  # any subdomain label, not only the first
        ("chase-outdoors.parcel-note.com", False),  # ordinary words: no name of the brand
        ("verify.chase.parcel-note.com", True),  # the labels read as one name: verify-chase
        ("x7f3-pledcoinbase.parcel-note.com", True),  # glued, as on a hosting platform
        ("www.chase.parcel-note.com", False),  # `www` is no word of the name
        ("coinbase.cs.example.ac.uk", False),  # institutions name hosts after their services
        ("coinbasse.cs.example.edu", False),
    ],
)
def test_subdomain_labels_are_judged_as_names(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


def test_subdomain_reasons_say_whose_domain_it_is(engine: Engine) -> None:
    reason = engine.check("coinbasse.parcel-note.com").reasons[0]
    assert (reason.kind, reason.brand, reason.target) == (
        "target-embedding",
        "Coinbase",
        "coinbase.com",
    )
    assert "'coinbasse' is 'coinbase'" in reason.detail
    assert "as a subdomain of parcel-note.com, which does not belong to Coinbase" in reason.detail


def test_subdomain_judgements_belong_to_their_rules(engine: Engine, tmp_path: Path) -> None:
    """Judgements are remembered per label, but never carried over to other rules."""
    assert engine.check("coinbasse.parcel-note.com").verdict == "warn"
    rules = write_rules(tmp_path, chase=RULES["chase"])
    compile_dir([rules], tmp_path / "rules.db", PopularList((), "tests"))
    other = Engine.from_db(tmp_path / "rules.db")
    assert other.check("coinbasse.parcel-note.com").verdict == "allow"


def test_infrastructure_names_have_no_typos(engine: Engine) -> None:
    assert _caught(engine, "stripqcdn.email") == []  # nobody types a CDN's name
    assert _caught(engine, "strlpecdn.com") == [("homoglyph", "brand/stripe")]
    assert _caught(engine, "strlpe-login.com")  # the brand's own name still has its typos


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("coinbasekwudpmu.cyou", True),  # glued to anything, under a TLD spammers favour
        ("ffqjsyycoinbase.top", True),
        ("coinbasekwudpmu.com", False),  # the same name under .com is someone's project
        ("zqcoinbasezq.cyou", False),  # inside the label, not starting or ending it
        ("coinbsaeqzrvtx.cyou", True),  # a slip of a name of eight letters or more, glued
        ("coinbsaeqzrvtx.com", False),  # ... only under such a TLD
        ("coin-bsaeqzrvtx.cyou", True),  # ... the name split at a hyphen too
        ("coin-zbsaeqzrvtx.cyou", False),  # ... where its words go on with its letters
        ("stirpeqzrvtx.cyou", False),  # shorter names are a slip from too many words
    ],
)
def test_distinctive_names_glued_under_abused_tlds(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("vanguardqzrvtx.cyou", True),  # a word-brand of seven letters or more, glued
        ("eurovanguard.top", False),  # ending it: often a compound name's tail
        ("tzqpvanguard.top", True),  # ... unless the letters before are no word part
        ("qzvanguard.top", False),  # ... of four letters at least
        ("vanguardqzrvtx.com", False),  # elsewhere a word-brand needs lure words
        ("vanguardqzrvtx.online", True),  # a new generic TLD: running on into other letters
        ("vanguard-photo.online", False),  # ... not as a phrase
        ("vanguardqzrvtx.de", False),  # a country's code is no new generic TLD
        ("xvanguardx.cyou", False),  # inside the label
        ("chaseqzrvtx.cyou", False),  # shorter: too many words start so
        ("my-vanguardqzrvtx.cyou", True),  # lure words before it count as nothing
        ("secure-my-vanguardqzrvtx.top", True),
        ("photo-vanguardqzrvtx.cyou", False),  # ... other words do not
        ("my-vanguardqzrvtx.com", False),  # ... and only there
        ("tzqpvanguard-login.top", True),  # ... after it too
        ("tzqpvanguard-photo.top", False),
    ],
)
def test_word_brands_glued_under_abused_tlds(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


def _levels(engine: Engine, host: str) -> set[tuple[str, str]]:
    return {(r.kind, r.level) for r in engine.check(host).reasons if r.kind != "allowlisted"}


@pytest.mark.parametrize(
    ("host", "level"),
    [
        ("coinbase.de", "notice"),  # the exact name under a country's code: its own or a namesake
        ("coinbase.com.br", "notice"),
        ("coinbase.io", "notice"),
        ("coinbase.co", "warn"),  # a slip of .com, registered for the slip
        ("coinbase.online", "warn"),  # generic
        ("coinbase.top", "warn"),  # sold to anyone, anywhere
        ("coinbsae.de", "notice"),  # a slip under a country where the brand has no site
        ("coinbsae.com", "warn"),
        ("rakutne.jp", "warn"),  # ... but Rakuten is at home under .jp
        ("rakutne.de", "notice"),
    ],
)
def test_country_domains_lower_exact_names_and_slips(engine: Engine, host: str, level: str) -> None:
    assert {lvl for _, lvl in _levels(engine, host)} == {level}, host


def test_lowered_reasons_never_change_the_verdict_and_say_why(engine: Engine) -> None:
    verdict = engine.check("coinbase.de")
    assert verdict.verdict == "allow"
    assert "country" in verdict.reasons[0].detail


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("rakuten-static-qz.com", False),  # the brand's machinery: fetched, never typed
        ("rakutencdn.com", False),
        ("coinbase-api-dns.com", False),
        ("rakuten-login.com", True),
        ("support-coinbase-cdn.pages.dev", True),  # on a platform the words are the kit's
        ("chasecdn-7.pages.dev", False),  # ... but machinery words alone are the site's own
        ("vanguardqzr.online", True),  # a word-brand glued to anything under a new gTLD ...
        ("vanguardqzr.pages.dev", False),  # ... but a platform's TLD is not its tenant's choice
    ],
)
def test_infrastructure_words_are_no_lure(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("acces-coinbse-login.pages.dev", True),  # misspelled beyond a typo, lure word beside
        ("cionbaseloginn.webflow.io", True),  # ... or glued inside its own word
        ("coinbsae-wallet.vercel.app", True),
        ("cnbs-verify.pages.dev", False),  # four letters for coinbase's eight: no spelling
        ("cannabis-shop.pages.dev", False),  # the same consonants, spread over other letters
        ("conbse-gallery.pages.dev", False),  # no lure word: someone's project
        ("coinbsee-login.pages.dev", False),  # consonants spelled as a word part of popular
        ("coinbese-login.pages.dev", True),  # names (`coinbs`): someone's name
        ("coinbsaelogns.webflow.io", True),  # the lure word misspelled too
        ("cionbsea-login.pages.dev", True),  # the vowel a name ends with, after its consonants
        ("cuinbsa-login.pages.dev", True),  # ... or left out
        ("cionbsea-gallery.pages.dev", False),  # ... still with a lure word only
        ("ccoinbaseqz.pages.dev", True),  # a name's first letter stuttered before it
        ("acoinbaseqz.pages.dev", True),  # ... or any letter: six letters count inside
        ("qzcoinbaseqz.parcel-note.com", False),  # ... not in another site's subdomain
        ("qzcoinbaseqz.com", False),  # ... nor in a domain of its own
        ("coinbsaelodge.webflow.io", False),  # two slips from login: another word
        ("transfer-approvel.pages.dev", False),  # a lure word is no misspelled wetransfer
        ("qzinterbank.pages.dev", False),  # a word-brand alone, not a slip of a longer name
        ("qzinterbank-login.pages.dev", True),
        ("coinbsaelogns.qzpied.com", False),  # not in other sites' subdomains: names there
        ("coinbsaeonline.qzpied.com", True),  # ... unless glued to lure words as written
        ("strike.pages.dev", False),  # a whole label is the typo rule's: a word, not stripe
        ("static-site.pages.dev", False),  # a site's machinery, not a slip of pstatic
        ("static.qzpied.com", False),
        ("acces-conbse-login.com", False),  # a domain of its own: typo rules apply
        ("jpmrgnchs-login.pages.dev", True),  # six consonants or more: vowels may all go
        ("jopamoregonochase-login.pages.dev", False),  # ... but not come in, spread out
        ("racutten-login.pages.dev", True),  # a hard `c` reads as the `k` it sounds
    ],
)
def test_tenant_misspellings_keep_the_consonants(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


def test_a_lure_word_is_no_misspelled_name(engine: Engine) -> None:
    # `transfer` is wetransfer with two letters left out, but it is a lure word of its own.
    assert _caught(engine, "transfer-verify.com") == []
    assert _caught(engine, "wetransfr-verify.com") == [("combosquat", "brand/wetransfer")]


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("qzchaterpiedx.com", True),  # a doubled letter written once, glued to other letters
        ("www.qzchater7x.net", True),
        ("qzchatterpiedx.com", False),  # the name spelled right glued so: maybe a compound
        ("qzcahterpiedx.com", False),  # other slips glued to other letters: another word
        ("qzchatpiedx.com", False),  # too few letters of the name before the glued ones
    ],
)
def test_a_doubled_letter_written_once_starts_a_label(
    engine: Engine, host: str, caught: bool
) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("qz-coinbsae-lounge.com", True),  # one slip off a distinctive name, any words beside
        ("coinbse-gallery.pages.dev", True),
        ("studio-stripee.net", True),
        ("oinbase-lounge.com", False),  # the first letter changed: mostly another word
        ("coinbsea-lounge.com", False),  # two slips: among other words, too far
        ("navor-lounge.com", False),  # five letters: a slip from too many words
        ("qzbinnce-login.com", True),  # a slip the skeleton hides (`nn` reads `m`)
    ],
)
def test_one_slip_off_a_name_counts_beside_any_words(
    engine: Engine, host: str, caught: bool
) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("mail-qz.online", True),  # a mail provider's short domain label beside mail words
        ("files-mail-qz.top", True),
        ("qz-agreements.online", True),
        ("qz-gallery.online", False),  # ... beside an ordinary word
        ("mail-qz.com", False),  # ... where providers and their partners have sites
        ("mail-qb.online", False),  # a bank's short domain: only mail users know it so
    ],
)
def test_mail_providers_short_domains(engine: Engine, host: str, caught: bool) -> None:
    assert bool(_caught(engine, host)) is caught, host


@pytest.mark.parametrize(
    ("host", "caught"),
    [
        ("chase-sapphire.com", True),  # the brand's own lure word beside its name
        ("sapphire-chase-login.net", True),
        ("sapphirechase-login.com", True),
        ("chase.sapphire-rewards.com", True),  # ... on a site named for chores
        ("chase-emerald.com", False),  # another word: someone's name
        ("att-sapphire.com", False),  # beside another brand's name it is a word
        ("sapphire-login.com", False),  # no name at all
        ("jpmrgnchs-sapphire.pages.dev", True),  # beside a tenant's misspelled name too
        ("jpmrgnchs-emerald.pages.dev", False),
    ],
)
def test_brand_lure_words_count_beside_the_brand_only(
    engine: Engine, host: str, caught: bool
) -> None:
    assert bool(_caught(engine, host)) is caught, host


def test_a_brands_own_name_is_no_glued_slip_of_another(tmp_path: Path) -> None:
    paypal = """\
        id: brand/paypal
        kind: brand
        name: PayPal
        description: test
        source: tests
        domains: [paypal.com]
        """
    web = """\
        id: brand/webpaypall
        kind: brand
        name: Webpaypall
        description: a brand whose name reads as a lure word glued to a slip of another's
        source: tests
        domains: [webpaypall.com]
        """
    rules = write_rules(tmp_path, paypal=paypal, web=web)
    compile_dir([rules], tmp_path / "rules.db", PopularList((), "tests"))
    engine = Engine.from_db(tmp_path / "rules.db")
    assert _caught(engine, "webpaypall.net") == [("tld-swap", "brand/webpaypall")]
    # A slip of PayPal's name glued to lure words is still one.
    assert _caught(engine, "securepaypall.net") == [("combosquat", "brand/paypal")]
