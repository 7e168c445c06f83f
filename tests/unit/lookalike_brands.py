"""A small brand pack compiled into a real engine, shared by the lookalike tests."""

from __future__ import annotations

from pathlib import Path

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from tests.unit.rulefiles import write_rules

BRANDS = {
    "microsoft": """\
        id: brand/microsoft
        kind: brand
        name: Microsoft
        description: test
        source: tests
        domains: [microsoft.com, microsoftonline.com, outlook.com, live.com, hotmail.com]
        keywords: [microsoft, microsoftonline, outlook, hotmail]
        """,
    "paypal": """\
        id: brand/paypal
        kind: brand
        name: PayPal
        description: test
        source: tests
        domains: [paypal.com, paypalobjects.com]
        domain_families:
          - label: paypal
            suffixes: [de, co.uk]
        """,
    "apple": """\
        id: brand/apple
        kind: brand
        name: Apple
        description: test
        source: tests
        domains: [apple.com, icloud.com]
        keywords: [apple, icloud, appleid]
        lure_words: [lost]
        """,
    "google": """\
        id: brand/google
        kind: brand
        name: Google
        description: test
        source: tests
        domains: [google.com, gmail.com]
        domain_families:
          - label: google
            suffixes: [de, co.jp, mk]
        """,
    "chase": """\
        id: brand/chase
        kind: brand
        name: Chase
        description: test
        source: tests
        severity: block
        domains: [chase.com]
        context_keywords: [chase]
        lure_words: [cardholder]
        """,
    "short": """\
        id: brand/ups
        kind: brand
        name: UPS
        description: test
        source: tests
        domains: [ups.com]
        ---
        id: brand/ebay
        kind: brand
        name: eBay
        description: test
        source: tests
        domains: [ebay.com]
        ---
        id: brand/qzb
        kind: brand
        name: Banco QZB
        description: test
        source: tests
        domains: [qzb.com.do]
        context_keywords: [qzb]
        """,
    "aeon": """\
        id: brand/aeon
        kind: brand
        name: AEON Bank
        description: test
        source: tests
        domains: [aeonbank.co.jp]
        """,
    "wallet": """\
        id: brand/wallet
        kind: brand
        name: Example Wallet
        description: test
        source: tests
        tags: [sector.crypto]
        domains: [qzwallet.io]
        """,
    "vault": """\
        id: brand/vault
        kind: brand
        name: Example Vault
        description: test
        source: tests
        tags: [sector.crypto]
        domains: [qzcoinvault.com]
        """,
    "game": """\
        id: brand/game
        kind: brand
        name: Example Game
        description: test
        source: tests
        tags: [sector.gaming, site.one]
        domains: [qzgamehub.com]
        """,
    "swap": """\
        id: brand/swap
        kind: brand
        name: Example Swap
        description: test
        source: tests
        tags: [sector.crypto]
        domains: [qzswap.io]
        """,
    "social": """\
        id: brand/social
        kind: brand
        name: Example Social
        description: test
        source: tests
        domains: [qzsocial.com, qs.me]
        keywords: [qzsocial]
        initials: [qs]
        """,
    "folded": """\
        id: brand/folded
        kind: brand
        name: Example Clarks
        description: test
        source: tests
        domains: [qzclarks.com, qzclar.com]
        """,
    "broker": """\
        id: brand/broker
        kind: brand
        name: Example Broker
        description: test
        source: tests
        domains: [qzbroker.co.jp, qz-broker.co.jp]
        context_keywords: [qzbroker]
        """,
    "home": """\
        id: brand/home
        kind: brand
        name: Example Post
        description: test
        source: tests
        domains: [qzpost.me]
        keywords: [qzpost, qzpostdrive]
        """,
}
#: Popular sites: `rappler` and `grappled` make apple a word part, `purchaser` and
#: `steeplechaser` chase (two names each, `index.MIN_WORD_PART_NAMES`); `email.com` makes
#: `email` a name; `sigmalive` and `sigmalink` hold gmail's skeleton `gmall`, not gmail;
#: `paypelshop` and `mypaypelpro` make the slip `paypel` a word part of other names;
#: `appletreeqz` and `applevanqz` begin with apple; `myoutlookqz` and `theoutlookqz` hold
#: outlook but begin with other words; `paidcloudqz` and `qzidcloudpro` make the slip
#: `idcloud` of icloud a word part.
POPULAR = (
    "rappler.com", "grappled.com", "purchase.com", "purchaser.com", "steeplechaser.com",
    "email.com", "stackexchange.com", "sigmalive.com", "sigmalink.org", "paypelshop.com",
    "mypaypelpro.com", "appletreeqz.com", "applevanqz.com", "myoutlookqz.com", "theoutlookqz.com",
    "paidcloudqz.com", "qzidcloudpro.com",
)  # fmt: skip


def build_engine(root: Path) -> Engine:
    """Compile the test brands with the small popular list and load them."""
    rules = write_rules(root, **BRANDS)
    out = root / "rules.db"
    compile_dir([rules], out, PopularList(POPULAR, "tests"))
    return Engine.from_db(out)


def kinds(engine: Engine, host: str) -> list[tuple[str, str | None]]:
    """(kind, target) of each reason the engine gives for `host`."""
    return [(r.kind, r.target) for r in engine.check(host).reasons]
