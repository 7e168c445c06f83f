"""The shipped brand pack (rules/brands): complete, self-consistent, and never a false alarm on
any brand's own domains.

Official domains that flag are false alarms for every user of that brand; listed domains that a
customer controls are holes; generic keywords flag unrelated sites. Each test guards one of those.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.hosts import split_registered
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from lureguard.ruleset.load import load_rules
from lureguard.ruleset.model import Rule

BRANDS_DIR = Path(__file__).resolve().parents[2] / "rules" / "brands"

#: Brands the pack must cover (issue 3, item 9), each named by one official domain.
REQUIRED = {
    "Microsoft": ["microsoft.com", "outlook.com", "office365.com", "live.com", "hotmail.com"],
    "Google": ["google.com", "gmail.com"],
    "Apple": ["apple.com", "icloud.com"],
    "Amazon": ["amazon.com", "amazon.co.jp", "amazonaws.com"],
    "PayPal": ["paypal.com"],
    "Meta": ["facebook.com", "instagram.com", "whatsapp.com", "messenger.com"],
    "Netflix": ["netflix.com"],
    "LinkedIn": ["linkedin.com"],
    "X/Twitter": ["twitter.com", "x.com"],
    "Yahoo": ["yahoo.com"],
    "AOL": ["aol.com"],
    "DHL": ["dhl.com"],
    "FedEx": ["fedex.com"],
    "UPS": ["ups.com"],
    "USPS": ["usps.com"],
    "Chase": ["chase.com"],
    "Wells Fargo": ["wellsfargo.com"],
    "Bank of America": ["bankofamerica.com"],
    "Citi": ["citi.com"],
    "Capital One": ["capitalone.com"],
    "HSBC": ["hsbc.com"],
    "Barclays": ["barclays.co.uk"],
    "American Express": ["americanexpress.com"],
    "DocuSign": ["docusign.com"],
    "Dropbox": ["dropbox.com"],
    "Adobe": ["adobe.com"],
    "GitHub": ["github.com"],
    "Zoom": ["zoom.us"],
    "Slack": ["slack.com"],
    "Steam": ["steampowered.com", "steamcommunity.com"],
    "Spotify": ["spotify.com"],
    "Coinbase": ["coinbase.com"],
    "Binance": ["binance.com"],
    "MetaMask": ["metamask.io"],
    "Kraken": ["kraken.com"],
    "Booking.com": ["booking.com"],
    "Airbnb": ["airbnb.com"],
    "eBay": ["ebay.com"],
    "Walmart": ["walmart.com"],
    "Naver": ["naver.com"],
    "Daum/Kakao": ["daum.net", "hanmail.net", "kakao.com"],
    "Yahoo Japan": ["yahoo.co.jp"],
    "Rakuten": ["rakuten.co.jp"],
    "LINE": ["line.me"],
    "Proton": ["proton.me", "protonmail.com"],
    "IRS": ["irs.gov"],
    "HMRC": ["hmrc.gov.uk"],
    "docomo": ["docomo.ne.jp"],
    "au/KDDI": ["au.com", "kddi.com"],
    "SoftBank": ["softbank.jp"],
    "MUFG": ["mufg.jp"],
    "SMBC": ["smbc.co.jp"],
    "Mizuho": ["mizuhobank.co.jp"],
    "Japan Post": ["japanpost.jp"],
    "NTT": ["ntt.com"],
    "KB Kookmin": ["kbstar.com"],
    "Shinhan": ["shinhan.com"],
    "Woori": ["wooribank.com"],
    "Hana": ["kebhana.com"],
    "NongHyup": ["nonghyup.com"],
    "Toss": ["toss.im"],
    "Coupang": ["coupang.com"],
    "Samsung": ["samsung.com"],
    "MyEtherWallet": ["myetherwallet.com"],
    "Ledger": ["ledger.com"],
    "Trezor": ["trezor.io"],
    "Blockchain.com": ["blockchain.com"],
    "OpenSea": ["opensea.io"],
    "Uniswap": ["uniswap.org"],
}

#: Hosting suffixes whose subdomains belong to customers: listing one would allow phishing
#: pages hosted there.
CUSTOMER_HOSTING = {
    "github.io", "blogspot.com", "azurewebsites.net", "cloudfront.net", "appspot.com", "web.app",
    "firebaseapp.com", "herokuapp.com", "myshopify.com", "pages.dev", "workers.dev", "r2.dev",
    "netlify.app", "vercel.app", "godaddysites.com", "wixsite.com", "weebly.com", "force.com",
    "windows.net", "core.windows.net", "azureedge.net", "ngrok.io", "glitch.me", "app.link",
    "zohosites.com",
}  # fmt: skip

#: Dictionary words that must never be keywords: typo distance and substring matching would flag
#: unrelated sites (fine.com for `line`, purchase.com for `chase`).
GENERIC = {
    "live", "office", "line", "chase", "target", "zoom", "slack", "booking", "meta", "messenger",
    "mail", "web", "cash", "square", "block", "visa", "discover", "wise", "toss", "hana", "crypto",
    "phantom", "steam", "spectrum", "charter", "telekom", "mobile", "online", "login", "secure",
    "account", "bank", "card", "pay", "post", "express", "cloud", "store", "shop", "app", "auth",
}  # fmt: skip


@pytest.fixture(scope="module")
def brands() -> list[Rule]:
    loaded = load_rules([BRANDS_DIR])
    assert not loaded.errors, "\n".join(str(p) for p in loaded.errors)
    return [r for r in loaded.rules if r.kind == "brand"]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    out = tmp_path_factory.mktemp("brand-pack") / "rules.db"
    compile_dir([BRANDS_DIR], out, PopularList.empty())
    return Engine.from_db(out)


def test_pack_size_and_required_brands(brands: list[Rule]) -> None:
    assert len(brands) >= 150
    official = {d for b in brands for d in b.official_domains()}
    missing = {name: ds for name, ds in REQUIRED.items() if not set(ds) <= official}
    assert not missing


def test_every_brand_is_complete(brands: list[Rule]) -> None:
    for rule in brands:
        where = f"{rule.location.path}: "
        assert rule.id == f"brand/{Path(rule.location.path).stem}", where + "id must match file"
        assert rule.domains, where + "domains"
        # A brand whose every name is a word or initials (`orange`, `tsb`) protects its names
        # in phishing phrases only; its official domains' look-alikes still warn (`0range.fr`).
        assert rule.keywords or rule.context_keywords, where + "keywords or context_keywords"
        assert rule.tests_match, where + "tests.match"
        assert rule.tests_no_match, where + "tests.no_match"
        assert rule.source, where + "source"
        assert rule.author, where + "author"
        assert rule.added, where + "added"
        assert rule.severity == "warn", where + "lookalikes warn by default"
        assert any(t.startswith("sector.") for t in rule.tags), where + "a sector.* tag"
        assert any(t.startswith("country.") for t in rule.tags), where + "a country.* tag"


def test_domains_are_registrable_brand_owned_and_unique(brands: list[Rule]) -> None:
    owners = Counter(d for b in brands for d in set(b.official_domains()))
    assert [d for d, n in owners.items() if n > 1] == []
    for rule in brands:
        for domain in rule.official_domains():
            assert domain not in CUSTOMER_HOSTING, f"{rule.id}: {domain} is customer hosting"
            registered, label, _suffix = split_registered(domain)
            assert registered, f"{rule.id}: {domain} is a public suffix"
            assert label, f"{rule.id}: {domain} is a public suffix"


def test_keywords_are_not_generic_words(brands: list[Rule]) -> None:
    generic = {(r.id, k) for r in brands for k in r.keywords if k in GENERIC}
    assert generic == set()


def test_every_official_domain_is_allowed_as_its_own_brand(
    brands: list[Rule], engine: Engine
) -> None:
    wrong = []
    for rule in brands:
        for domain in rule.official_domains():
            for host in (domain, f"www.{domain}"):
                verdict = engine.check(host)
                owner = verdict.reasons[0].rule_id if verdict.reasons else None
                if verdict.verdict != "allow" or owner != rule.id:
                    wrong.append((rule.id, host, verdict.verdict, owner))
    assert wrong == []


def test_rule_tests_hold(brands: list[Rule], engine: Engine) -> None:
    failures = []
    for rule in brands:
        for text in rule.tests_match:
            verdict = engine.check(text)
            if verdict.verdict != "warn" or rule.id not in {r.rule_id for r in verdict.reasons}:
                failures.append(("match", rule.id, text, verdict.verdict))
        for text in rule.tests_no_match:
            verdict = engine.check(text)
            if verdict.verdict != "allow":
                failures.append(("no_match", rule.id, text, verdict.verdict))
    assert failures == []


@pytest.mark.parametrize(
    ("host", "brand"),
    [
        ("rnicrosoft.com", "brand/microsoft"),
        ("hotrnail.com", "brand/microsoft"),
        ("hanrnail.net", "brand/kakao"),
        ("nаver.com", "brand/naver"),
        ("yah00.co.jp", "brand/yahoo-japan"),
        ("rnufg.jp", "brand/mufg"),
        ("myetherwa1let.com", "brand/myetherwallet"),
    ],
)
def test_thallium_style_lookalikes_name_the_right_brand(
    engine: Engine, host: str, brand: str
) -> None:
    verdict = engine.check(host)
    assert verdict.verdict == "warn"
    assert brand in {r.rule_id for r in verdict.reasons}


@pytest.mark.parametrize(
    "host",
    ["paypal-login.s3.amazonaws.com", "microsoft-login.s3.amazonaws.com"],
)
def test_customer_hosts_under_a_brand_suffix_are_not_official(engine: Engine, host: str) -> None:
    """amazonaws.com is Amazon's, but s3.amazonaws.com is a public suffix: buckets aren't."""
    verdict = engine.check(host)
    assert "brand/amazon" not in {r.rule_id for r in verdict.reasons}
    assert verdict.verdict == "warn"
