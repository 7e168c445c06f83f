"""Links wrapped by mail filters and redirectors are judged by the address inside."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from lureguard.engine import Engine
from lureguard.hosts import parse_target
from lureguard.lookalike.redirects import wrapped_destination
from tests.unit.lookalike_brands import build_engine

INSIDE = "https://paypa1.com/login?next=1"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("redirects"))


@pytest.mark.parametrize(
    "wrapped",
    [
        f"https://nam12.safelinks.protection.outlook.com/?url={quote(INSIDE, safe='')}&data=05",
        f"https://www.google.com/url?q={quote(INSIDE, safe='')}&sa=D",
        f"https://l.facebook.com/l.php?u={quote(INSIDE, safe='')}&h=AT0",
        f"https://www.youtube.com/redirect?q={quote(INSIDE, safe='')}",
        f"https://slack-redir.net/link?url={quote(INSIDE, safe='')}",
        f"https://linkprotect.cudasvc.com/url?a={quote(INSIDE, safe='')}&c=E",
        "https://urldefense.proofpoint.com/v2/url?u=https-3A__paypa1.com_login-3Fnext-3D1&d=Dw",
        f"https://urldefense.com/v3/__{INSIDE}__;!!Qz12$",
        "https://www.google.com/amp/s/paypa1.com/login?next=1",  # Google's AMP viewer
    ],
)
def test_the_address_inside_a_wrapped_link_is_read_back(wrapped: str) -> None:
    assert wrapped_destination(parse_target(wrapped)) == INSIDE


@pytest.mark.parametrize(
    "text",
    [
        "www.google.com",  # no URL
        "https://www.google.com/search?q=https://paypa1.com/",  # a search, not a redirect
        "https://www.google.com/url?q=paypal",  # no web address inside
        "https://www.youtube.com/redirect?q=javascript:alert(1)",
        "https://qz-shop.example/?url=https://paypa1.com/",  # anyone's parameter
        "https://urldefense.com/v3/https://paypa1.com/",
        "https://www.google.com/amp/s/",
    ],
)
def test_no_address_where_nothing_is_wrapped(text: str) -> None:
    assert wrapped_destination(parse_target(text)) is None


def test_a_wrapped_lookalike_warns_on_the_wrapper(engine: Engine) -> None:
    wrapped = f"https://eur01.safelinks.protection.outlook.com/?url={quote(INSIDE, safe='')}"
    verdict = engine.check(wrapped)
    assert (verdict.verdict, verdict.host) == ("warn", "eur01.safelinks.protection.outlook.com")
    (reason,) = verdict.reasons  # Microsoft's own host is no longer a reason to allow
    assert (reason.kind, reason.rule_id) == ("homoglyph", "brand/paypal")
    assert reason.detail.startswith("the link goes through eur01.safelinks.protection.outlook.com")


def test_wrappers_inside_wrappers_are_read_to_the_end(engine: Engine) -> None:
    safe_links = f"https://nam12.safelinks.protection.outlook.com/?url={quote(INSIDE, safe='')}"
    verdict = engine.check(f"https://www.google.com/url?q={quote(safe_links, safe='')}")
    assert verdict.verdict == "warn"
    assert "to paypa1.com" in verdict.reasons[0].detail
    assert verdict.leads_to == "paypa1.com"


def test_a_wrapped_link_says_where_it_leads(engine: Engine) -> None:
    inside = quote("https://www.paypal.com/signin", safe="")
    verdict = engine.check(f"https://nam12.safelinks.protection.outlook.com/?url={inside}")
    assert (verdict.registered_domain, verdict.leads_to) == ("outlook.com", "paypal.com")
    assert verdict.to_dict()["leads_to"] == "paypal.com"
    assert engine.check("https://www.paypal.com/signin").leads_to is None


@pytest.mark.parametrize(
    "inside", ["https://www.paypal.com/signin", "https://qz-recipes.example/", "not a link"]
)
def test_a_wrapped_clean_link_stays_allowed(engine: Engine, inside: str) -> None:
    wrapped = f"https://nam12.safelinks.protection.outlook.com/?url={quote(inside, safe='')}"
    assert engine.check(wrapped).verdict == "allow"
