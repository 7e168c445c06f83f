"""Host and URL normalisation follows what browsers do with the same text."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lureguard.hosts import HostError, parse_target, plain_host, split_registered, to_unicode
from lureguard.psl import bundled


@pytest.mark.parametrize(
    ("text", "host", "registered"),
    [
        ("rnicrosoft.com", "rnicrosoft.com", "rnicrosoft.com"),
        ("RNICROSOFT.COM.", "rnicrosoft.com", "rnicrosoft.com"),
        (
            "https://Login.MicrosoftOnline.com.evil.net/x?y#z",
            "login.microsoftonline.com.evil.net",
            "evil.net",
        ),
        ("https://microsoft.com@evil.net/", "evil.net", "evil.net"),
        ("https://user:pw@evil.net:8443/a", "evil.net", "evil.net"),
        ("http://%65vil.net/", "evil.net", "evil.net"),
        ("evil.co.uk/login", "evil.co.uk", "evil.co.uk"),
        ("evil.net:8080", "evil.net", "evil.net"),
        ("аpple.com", "xn--pple-43d.com", "xn--pple-43d.com"),
        ("https://xn--pple-43d.com/", "xn--pple-43d.com", "xn--pple-43d.com"),
        ("ＡＰＰＬＥ.com", "apple.com", "apple.com"),
        ("paypal-login.github.io", "paypal-login.github.io", "paypal-login.github.io"),
        ("https:\\\\evil.net\\path", "evil.net", "evil.net"),
        ("localhost", "localhost", "localhost"),
    ],
)
def test_hosts_are_normalised_like_a_browser(text: str, host: str, registered: str) -> None:
    target = parse_target(text)
    assert target.host == host
    assert target.registered_domain == registered


@pytest.mark.parametrize(
    ("text", "ip"),
    [
        ("3232235777", "192.168.1.1"),
        ("http://0x7f.1/", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("http://192.168.1.1:80/", "192.168.1.1"),
        ("[::1]", "::1"),
        ("http://[2001:DB8::1]:8080/", "2001:db8::1"),
        ("http://[::ffff:10.0.0.1]/", "10.0.0.1"),
        ("::1", "::1"),
    ],
)
def test_ip_literals_in_every_notation(text: str, ip: str) -> None:
    target = parse_target(text)
    assert target.is_ip
    assert target.host == ip
    assert target.registered_domain == ""


def test_unicode_form_is_kept_for_analysis_and_display() -> None:
    target = parse_target("https://раураl.com/")
    assert target.host.startswith("xn--")
    assert target.unicode_host == "раураl.com"
    assert target.unicode_registered_domain == "раураl.com"
    assert to_unicode(target.host) == "раураl.com"


def test_url_is_kept_without_fragment_and_port_is_parsed() -> None:
    target = parse_target("HTTPS://Evil.NET:8443/Path?q=1#frag")
    assert target.url == "https://evil.net:8443/Path?q=1"
    assert target.port == 8443
    assert parse_target("evil.net").url is None


@pytest.mark.parametrize(
    ("text", "host", "url"),
    [
        ("paypal-verify[.]com", "paypal-verify.com", None),
        ("rnicrosoft(.)com", "rnicrosoft.com", None),
        ("paypa1{dot}com", "paypa1.com", None),
        ("hxxps://evil[.]net/a[.]b", "evil.net", "https://evil.net/a[.]b"),  # the path as it is
        ("hXXp[:]//evil[.]net", "evil.net", "http://evil.net/"),
        ("hxxp[://]evil(dot)net/x", "evil.net", "http://evil.net/x"),
        ("fxp://evil[.]net/", "evil.net", "ftp://evil.net/"),
    ],
)
def test_defanged_indicators_of_threat_reports_are_read_back(
    text: str, host: str, url: str | None
) -> None:
    target = parse_target(text)
    assert (target.host, target.url) == (host, url)
    assert target.input == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("javascript:alert(1)", "no host"),
        ("mailto:a@b.c", "no host"),
        ("gopher://evil.net/", "scheme"),
        ("a..b.com", "empty label"),
        (".evil.com", "empty label"),
        ("a" * 64 + ".com", "longer than 63"),
        (("a" * 60 + ".") * 5 + "com", "longer than 253"),
        ("evil\x00.com", "control character"),
        ("evil.com\n", None),
        ("http://evil.com:99999/", "port"),
        ("http://%zz.com/", "percent"),
        ("exa mple.com", "character"),
        ("1.2.3.4.5", "too many parts"),
        ("256.1.1.1", "IPv4"),
        ("example.123", "IPv4"),
        ("[::1", "closing"),
        ("x" * 100_001, "longer than"),
    ],
)
def test_bad_input_raises_one_clear_error(text: str, message: str | None) -> None:
    if message is None:  # surrounding whitespace is trimmed, not an error
        assert parse_target(text).host == "evil.com"
        return
    with pytest.raises(HostError, match=message):
        parse_target(text)


def test_registrable_domain_uses_the_bundled_public_suffix_list() -> None:
    assert split_registered("a.b.example.co.jp") == ("example.co.jp", "example", "co.jp")
    assert split_registered("co.uk") == ("", "", "co.uk")


@given(st.text(max_size=300))
def test_parse_never_raises_anything_but_host_error(text: str) -> None:
    with contextlib.suppress(HostError):
        parse_target(text)


@given(st.text(max_size=120))
def test_normalisation_is_idempotent(text: str) -> None:
    try:
        host = parse_target(text).host
    except HostError:
        return
    assert parse_target(host).host == host
    assert parse_target(host.upper() + ".").host == host if not host.count(":") else True


_PLAIN_HOST = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?")


@given(st.text(alphabet="ab9-_.A/:%é\n ", max_size=12))
def test_plain_host_is_the_regex_it_replaced(text: str) -> None:
    # The fast path's test, a loop over character codes, accepts what its regex did.
    assert plain_host(text) == (_PLAIN_HOST.fullmatch(text) is not None)


@pytest.mark.parametrize(
    "text", ["a", "a.b", "a.b.", "x-1_y.co.uk", "", ".", "a..b", ".a", "a.b..", "A.b"]
)
def test_plain_host_examples(text: str) -> None:
    assert plain_host(text) == (_PLAIN_HOST.fullmatch(text) is not None)


def test_registrable_domains_match_tldextract_on_real_domains() -> None:
    """Our PSL lookup must agree with tldextract's on the same bundled snapshot."""
    import tldextract

    from lureguard.paths import bundled_rules_dir

    extract = tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )
    popular = (bundled_rules_dir().parent / "addon/lureguard/data/popular.txt").read_text()
    lines = popular.splitlines()[::25]
    hosts = [h for h in lines if h and h[0] != "#" and "/" not in h and not h[-1].isdigit()]
    hosts += [
        "a.b.notatld", "localhost", "www.ck", "a.www.ck", "foo.bar.ck", "x.github.io",
        "github.io", "co.uk", "a.b.kawasaki.jp", "city.kawasaki.jp", "login.example.co.uk",
        "xn--80ak6aa92e.xn--p1ai", "a.b.c.blogspot.com", "www.paypal.com.evil.net",
    ]  # fmt: skip
    ours = [p.removeprefix("*.") for p in bundled().platforms]
    for host in hosts:
        if any(host == p or host.endswith("." + p) for p in ours):
            continue  # a hosting platform the PSL lacks (data/hosting-platforms.txt)
        result = extract.extract_str(host)
        registered = f"{result.domain}.{result.suffix}" if result.suffix else result.domain
        expected = (registered if result.domain else "", result.domain, result.suffix)
        assert split_registered(host) == expected, host


def test_hosting_platforms_the_psl_lacks_are_suffixes() -> None:
    """Tenants of lureguard's own platform list are judged like the PSL's private section."""
    assert {"weebly.com", "pages.dev", "github.io"} <= bundled().platforms
    assert "co.uk" not in bundled().platforms
    assert split_registered("paypal-login-7.weebly.com") == (
        "paypal-login-7.weebly.com",
        "paypal-login-7",
        "weebly.com",
    )
    assert split_registered("weebly.com")[0] == ""
    # Platforms on the popular list: the popularity of the platform is no tenant's own.
    for platform in (
        "edgeone.dev", "qzz.io", "squarespace.com", "zapier.app", "hs-sites.com", "zyrosite.com",
    ):  # fmt: skip
        assert split_registered(f"qz-login.{platform}")[2] == platform
    # A wildcard entry: every suffix one label below it is a platform's (Azure's static sites
    # under the popular windows.net).
    suffix = "z13.web.core.windows.net"
    assert split_registered(f"qz-login.{suffix}") == (f"qz-login.{suffix}", "qz-login", suffix)
    assert bundled().is_platform(suffix)
    assert not bundled().is_platform("web.core.windows.net")
    assert not bundled().is_platform("core.windows.net")
