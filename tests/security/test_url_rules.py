"""URL-prefix rules through a real proxy: other spellings of a blocklisted path are blocked too.

The loopback origin serves every path, as a shared host serving one page under many spellings
would; before URL normalisation (issue 20) these spellings reached it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.ruleset.build import compile_dir
from tests.support.certs import OriginCA
from tests.support.origin import BODY_PREFIX, Origin
from tests.support.proxy import ProxyProcess, curl, start_lureguard

URL_RULE = """\
id: campaign/acme-invoices
kind: blocklist
title: Fake ACME invoice page on a shared host
description: One phishing page on a host that serves other, harmless pages.
source: lureguard tests
severity: block
urls: [https://sites.example.org/acme/invoice]
"""

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def url_rule_proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA
) -> Iterator[ProxyProcess]:
    """`lureguard run` with the single URL rule above, mapped to the loopback origins."""
    base = tmp_path_factory.mktemp("url-rules")
    (base / "rules").mkdir()
    (base / "rules" / "acme.yaml").write_text(URL_RULE)
    db = base / "rules.db"
    compile_dir([base / "rules"], db)
    proxy = start_lureguard(
        base / "data", origin=origin, test_ca=test_ca, args=["--db", str(db), "--log-json"]
    )
    yield proxy
    proxy.stop()


def _get(proxy: ProxyProcess, url: str) -> tuple[int, str]:
    cacert: Path | None = proxy.mitm_ca if url.startswith("https:") else None
    answer = curl(proxy, url, cacert=cacert, headers=HTML)
    return answer.status, answer.body


@pytest.mark.parametrize("scheme", ["https", "http"])
@pytest.mark.parametrize(
    "path",
    ["/acme/invoice", "/acme/%69nvoice", "//acme/invoice", "/ACME/invoice", "/acme;x/invoice"],
)
def test_spellings_of_a_blocklisted_path_are_blocked(
    url_rule_proxy: ProxyProcess, scheme: str, path: str
) -> None:
    status, body = _get(url_rule_proxy, f"{scheme}://sites.example.org{path}")
    assert status == 403, body[:200]
    assert BODY_PREFIX.decode() not in body  # the origin's page never came back


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_other_paths_of_the_shared_host_still_load(
    url_rule_proxy: ProxyProcess, scheme: str
) -> None:
    status, body = _get(url_rule_proxy, f"{scheme}://sites.example.org/acme//Other%20Page;x")
    assert status == 200
    assert body.startswith(BODY_PREFIX.decode())
    assert "path=/acme//Other%20Page;x\n" in body  # forwarded as the client wrote it
