"""A real `lureguard run` restarted on the same data dir remembers a user's bypass and the
proceed tokens already spent (state.db), whether it was stopped or killed."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.support.certs import OriginCA
from tests.support.forms import form_token
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, curl, start_lureguard

pytestmark = pytest.mark.e2e

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
PROCEED = "/.well-known/lureguard/proceed"


def _start(data_dir: Path, origin: Origin, test_ca: OriginCA, db: Path) -> ProxyProcess:
    return start_lureguard(data_dir, origin=origin, test_ca=test_ca, args=["--db", str(db)])


def _events(proxy: ProxyProcess) -> list[dict[str, object]]:
    lines = (proxy.data_dir / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_bypass_and_a_spent_token_survive_restarts(
    tmp_path: Path, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> None:
    data_dir = tmp_path / "data"
    proxy = _start(data_dir, origin, test_ca, bundled_db)
    try:
        page = curl(proxy, "http://www.rnicrosoft.com/inbox", headers=NAV)
        assert page.status == 403, proxy.output()
        day = form_token(page.body, "proceed", "day")
        granted = curl(
            proxy,
            f"http://www.rnicrosoft.com{PROCEED}",
            data={"token": day, "for": "day", "next": "/inbox"},
        )
        assert granted.status == 303, granted.body
        assert curl(proxy, "http://www.rnicrosoft.com/inbox", headers=NAV).status == 200
        # A second warning page, whose token is spent right before the proxy dies.
        other = curl(proxy, "http://paypa1.com/", headers=NAV)
        visit = form_token(other.body, "proceed", "visit")
        spent = curl(
            proxy, f"http://paypa1.com{PROCEED}", data={"token": visit, "for": "visit", "next": "/"}
        )
        assert spent.status == 303
    finally:
        assert proxy.stop() == 0

    proxy = _start(data_dir, origin, test_ca, bundled_db)
    try:
        # The 1-day bypass outlived the restart; the warning page is not shown again.
        assert curl(proxy, "http://www.rnicrosoft.com/inbox", headers=NAV).status == 200
        assert curl(proxy, "http://paypa1.com/", headers=NAV).status == 200  # 15 min, still on
        # Replaying a token spent before the restart is refused.
        replay = curl(
            proxy,
            f"http://www.rnicrosoft.com{PROCEED}",
            data={"token": day, "for": "day", "next": "/inbox"},
        )
        assert replay.status == 403
        assert "already used" in replay.body
    finally:
        proxy.stop(signal.SIGKILL)  # no clean shutdown this time

    proxy = _start(data_dir, origin, test_ca, bundled_db)
    try:
        assert curl(proxy, "http://www.rnicrosoft.com/inbox", headers=NAV).status == 200
        replay = curl(
            proxy, f"http://paypa1.com{PROCEED}", data={"token": visit, "for": "visit", "next": "/"}
        )
        assert replay.status == 403
        assert "already used" in replay.body
        refused = [e for e in _events(proxy) if e["event"] == "bypass-refused"]
        assert [e["host"] for e in refused] == ["www.rnicrosoft.com", "paypa1.com"]
        assert all(e["error"] == "the token was already used" for e in refused)
    finally:
        proxy.stop()
    assert (data_dir / "state.db").stat().st_mode & 0o777 == 0o600
