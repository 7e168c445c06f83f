"""A real `lureguard run` under a policy with `bypass.duration: 10m`: the warning page offers
ten minutes at most, the API says so, and a forged "1 day" form gets ten minutes."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.certs import OriginCA
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, curl, start_lureguard

pytestmark = pytest.mark.e2e

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
ACTION = "/.well-known/lureguard/"
BASE = "http://www.rnicrosoft.com"


@pytest.fixture(scope="module")
def capped_proxy(
    tmp_path_factory: pytest.TempPathFactory,
    origin: Origin,
    test_ca: OriginCA,
    bundled_db: Path,
) -> Iterator[ProxyProcess]:
    base = tmp_path_factory.mktemp("bypass-policy")
    policy = base / "policy.yaml"
    policy.write_text("bypass:\n  allowed: true\n  duration: 10m\n")
    db = base / "rules.db"
    shutil.copyfile(bundled_db, db)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LUREGUARD_POLICY", str(policy))
        env.setenv("XDG_CONFIG_HOME", str(base / "config"))
        proxy = start_lureguard(
            base / "data", origin=origin, test_ca=test_ca, args=["--db", str(db)]
        )
    yield proxy
    proxy.stop()


def _api_status(proxy: ProxyProcess) -> dict[str, object]:
    token = (proxy.data_dir / "api-token").read_text().strip()
    request = urllib.request.Request(
        f"http://127.0.0.1:{proxy.api_port}/api/v1/status",
        headers={"Authorization": f"Bearer {token}"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_policy_caps_offered_and_forged_bypass(capped_proxy: ProxyProcess) -> None:
    proxy = capped_proxy
    page = curl(proxy, BASE + "/inbox", headers=NAV)
    assert page.status == 403, proxy.output()
    offered = re.findall(r'name="for" value="([^"]+)"[^>]*>([^<]+)</button>', page.body)
    assert offered == [("visit", "this visit (10 min)")]
    assert _api_status(proxy)["bypass_max"] == 600

    token = re.search(r'name="token" value="([^"]+)"', page.body)
    assert token
    forged = curl(
        proxy,
        BASE + ACTION + "proceed",
        data={"token": token.group(1), "for": "day", "next": "/inbox"},
    )
    assert forged.status == 403  # the token is for "this visit" only
    offered_visit = curl(
        proxy,
        BASE + ACTION + "proceed",
        data={"token": token.group(1), "for": "visit", "next": "/inbox"},
    )
    assert offered_visit.status == 303
    assert curl(proxy, BASE + "/inbox", headers=NAV).status == 200

    events = [
        json.loads(line) for line in (proxy.data_dir / "events.jsonl").read_text().splitlines()
    ]
    bypass = [e for e in events if e["event"] == "bypass"]
    assert len(bypass) == 1
    assert bypass[0]["seconds"] == 600
