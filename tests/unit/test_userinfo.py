"""A brand's address as a URL's user name (`https://www.paypal.com@evil.net/`)."""

from __future__ import annotations

import pytest

from lureguard.engine import Engine
from lureguard.hosts import parse_target
from tests.unit.lookalike_brands import build_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("userinfo"))


def test_the_user_name_is_kept_apart_from_the_host() -> None:
    target = parse_target("https://www.paypal.com:pw@qz-evil.example/login")
    assert (target.host, target.userinfo) == ("qz-evil.example", "www.paypal.com:pw")
    assert parse_target("https://qz-evil.example/").userinfo == ""


@pytest.mark.parametrize(
    ("url", "shown", "rule_id"),
    [
        ("https://www.paypal.com@qz-evil.example/login", "www.paypal.com", "brand/paypal"),
        ("https://paypal.com:secret@qz-evil.example/", "paypal.com", "brand/paypal"),
        ("https://paypal%2Ecom@qz-evil.example/", "paypal.com", "brand/paypal"),  # encoded
        (
            "https://login.microsoftonline.com@203.0.113.7/x",
            "login.microsoftonline.com",
            "brand/microsoft",
        ),
        # another brand's official host is no excuse: anyone can publish a form there
        ("https://www.paypal.com@mail.google.com/", "www.paypal.com", "brand/paypal"),
    ],
)
def test_a_brand_address_before_the_at_sign_warns(
    engine: Engine, url: str, shown: str, rule_id: str
) -> None:
    verdict = engine.check(url)
    assert verdict.verdict == "warn"
    (reason,) = verdict.reasons
    assert (reason.kind, reason.rule_id) == ("target-embedding", rule_id)
    assert f"shows {shown} before an '@'" in reason.detail


@pytest.mark.parametrize(
    "url",
    [
        "https://john.doe@qz-evil.example/",  # an ordinary user name
        "https://user@paypal.com/",  # the brand's own host
        "https://www.paypal.com@paypal.com/",
        "https://www.paypal.com@www.paypalobjects.com/",  # another of its official domains
        "https://paypal.com.qz-evil.example@qz-evil.example/",  # not the brand's address
        "ftp://anonymous@qz-files.example/",
    ],
)
def test_ordinary_user_names_and_the_brand_own_hosts_pass(engine: Engine, url: str) -> None:
    assert engine.check(url).verdict == "allow", engine.check(url).reasons
