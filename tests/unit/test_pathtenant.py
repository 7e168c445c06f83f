"""Customers' sites in a platform's path (`sites.google.com/view/<name>`, path-style buckets)."""

from __future__ import annotations

import pytest

from lureguard.engine import Engine
from lureguard.hosts import parse_target
from lureguard.lookalike.pathtenant import tenant_address, tenant_host, tenant_target
from tests.unit.lookalike_brands import build_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("pathtenant"))


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://sites.google.com/view/qz-site/home", "qz-site.sites.google.com"),
        ("https://sites.google.com/site/qzsite/", "qzsite.sites.google.com"),
        ("https://sites.google.com/view/%71z-site", "qz-site.sites.google.com"),  # encoded
        ("https://storage.googleapis.com/qz-bucket/a/b.html", "qz-bucket.storage.googleapis.com"),
        ("https://s3.amazonaws.com/qz.bucket/x", "qz.bucket.s3.amazonaws.com"),
        ("https://s3.eu-west-1.amazonaws.com/qzb/x", "qzb.s3.eu-west-1.amazonaws.com"),
        ("https://s3-eu-west-1.amazonaws.com/qzb/x", "qzb.s3-eu-west-1.amazonaws.com"),
        (
            "https://firebasestorage.googleapis.com/v0/b/qz-app.appspot.com/o/x.html?alt=media",
            "qz-app.appspot.com",
        ),
        ("https://someone.wixsite.com/qz-site", "qz-site.someone.wixsite.com"),
    ],
)
def test_the_tenant_in_the_path_is_written_as_its_host(url: str, host: str) -> None:
    tenant = tenant_target(parse_target(url))
    assert tenant is not None
    assert tenant.host == host


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://sites.google.com/view/qz-site/home?x=1", "sites.google.com/view/qz-site"),
        ("https://storage.googleapis.com/qz-bucket/a/b.html", "storage.googleapis.com/qz-bucket"),
        (
            "https://firebasestorage.googleapis.com/v0/b/qz-app.appspot.com/o/x.html",
            "firebasestorage.googleapis.com/v0/b/qz-app.appspot.com",
        ),
        ("https://someone.wixsite.com/qz-site/page", "someone.wixsite.com/qz-site"),
    ],
)
def test_the_tenant_is_addressed_as_the_address_bar_shows_it(url: str, address: str) -> None:
    assert tenant_address(url) == address
    assert tenant_host(url) == tenant_target(parse_target(url)).host  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "url", ["https://sites.google.com/", "https://www.google.com/view/qz-site", "not a url at all"]
)
def test_no_address_or_host_where_the_path_names_no_tenant(url: str) -> None:
    assert tenant_address(url) is None
    assert tenant_host(url) is None


def test_a_google_site_is_a_tenant_of_a_platform() -> None:
    tenant = tenant_target(parse_target("https://sites.google.com/view/qz-site"))
    assert tenant is not None
    assert (tenant.registered_domain, tenant.domain_label, tenant.suffix) == (
        "qz-site.sites.google.com",
        "qz-site",
        "sites.google.com",
    )


@pytest.mark.parametrize(
    "text",
    [
        "sites.google.com",  # no URL
        "https://sites.google.com/",
        "https://sites.google.com/u/0/new",  # the editor, not a site
        "https://sites.google.com/view/a",  # too short for a name
        "https://sites.google.com/view/qz.site",  # no site name holds a dot
        "https://storage.googleapis.com/",
        "https://storage.googleapis.com/q%2Fz/x",  # no bucket name holds a slash
        "https://firebasestorage.googleapis.com/v0/b/qzbucket/o/x",  # no host of its own
        "https://www.google.com/view/qz-site",  # another host
        "https://s3x.amazonaws.com/qz-bucket/",
    ],
)
def test_no_tenant_where_the_path_names_none(text: str) -> None:
    assert tenant_target(parse_target(text)) is None


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://sites.google.com/view/paypal-login-verify/home", "combosquat"),
        ("https://s3.amazonaws.com/paypal-secure-login/index.html", "combosquat"),
        ("https://storage.googleapis.com/paypal-login/index.html", "target-embedding"),
        ("https://s3.amazonaws.com/login.microsoftonline.com/index.html", "target-embedding"),
    ],
)
def test_a_brand_lookalike_in_the_path_warns_on_the_platform_host(
    engine: Engine, url: str, kind: str
) -> None:
    verdict = engine.check(url)
    assert verdict.verdict == "warn"
    assert verdict.host == parse_target(url).host
    (reason,) = verdict.reasons  # the platform's own allowlisting is no longer a reason
    assert reason.kind == kind
    assert reason.detail.startswith(f"the page is a customer's site on {verdict.host}, read as ")
    assert reason.positions == ()  # positions would point into the tenant's name, not the host


@pytest.mark.parametrize(
    "url",
    [
        "https://sites.google.com/view/qz-family-recipes",
        "https://sites.google.com/",  # Google's own page
        "https://storage.googleapis.com/qz-data-bucket/x.csv",
        "https://s3.amazonaws.com/qz-assets/logo.png",
        "sites.google.com",
    ],
)
def test_ordinary_sites_and_the_platform_itself_pass(engine: Engine, url: str) -> None:
    assert engine.check(url).verdict == "allow", engine.check(url).reasons
