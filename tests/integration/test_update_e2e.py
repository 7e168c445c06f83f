"""A real `lureguard run` under a system policy: locked mode, policy entries, SIEM over syslog,
and a signed bundle picked up from a loopback static host while it keeps serving."""

from __future__ import annotations

import functools
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lureguard.deploy import signing
from lureguard.deploy.bundle import build
from lureguard.deploy.state import UpdateState
from tests.support.certs import OriginCA
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, curl, start_lureguard

pytestmark = pytest.mark.e2e

FLEET_BLOCKED = "fleet-campaign.example"
POLICY_BLOCKED = "policy-blocked.example"
SYSLOG = re.compile(r"^<(\d{1,3})>1 \S+ \S+ lureguard \d+ (\S+) - \ufeff(\{.*\})$", re.S)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    """A signed bundle in a directory served by http.server on 127.0.0.1."""
    base = tmp_path_factory.mktemp("fleet")
    pair = signing.generate(base / "keys")
    (base / "rules").mkdir()
    (base / "rules" / "fleet.yaml").write_text(
        "id: block/fleet\nkind: blocklist\ndescription: fleet feed\nsource: IT\n"
        f"hosts: [{FLEET_BLOCKED}]\n"
    )
    result = build([base / "rules"], pair.private, base / "public")
    handler = functools.partial(_Quiet, directory=str(base / "public"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield url, pair.public.read_text().strip(), result.manifest.version
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def collector() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(20)
    yield sock
    sock.close()


@pytest.fixture
def managed_proxy(
    tmp_path: Path,
    published: tuple[str, str, int],
    collector: socket.socket,
    origin: Origin,
    test_ca: OriginCA,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[ProxyProcess]:
    url, key, _version = published
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "mode: block\n"
        f'update:\n  url: "{url}"\n  pubkey: "{key}"\n  interval: 2s\n'
        f"log:\n  format: ecs\n  syslog: 127.0.0.1:{collector.getsockname()[1]}\n"
        f"block: [{POLICY_BLOCKED}]\n"
    )
    monkeypatch.setenv("LUREGUARD_POLICY", str(policy))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    proxy = start_lureguard(
        tmp_path / "data", origin=origin, test_ca=test_ca, args=["--mode", "warn"]
    )
    yield proxy
    proxy.stop()


def _status(proxy: ProxyProcess, host: str) -> int:
    return curl(proxy, f"http://{host}/").status


def _until(condition: object, proxy: ProxyProcess, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {limit} s\n{proxy.output()}")


def test_policy_bundle_and_syslog_in_a_running_proxy(
    managed_proxy: ProxyProcess, published: tuple[str, str, int], collector: socket.socket
) -> None:
    proxy = managed_proxy
    # The policy's mode wins over --mode warn, and says so.
    assert "mode='warn' ignored: locked to 'block'" in proxy.output()

    # The policy's own block entry is compiled in from the start.
    assert _status(proxy, POLICY_BLOCKED) == 403
    datagram = collector.recvfrom(65535)[0].decode("utf-8")
    match = SYSLOG.match(datagram)
    assert match, datagram
    assert match.group(2) == "block"
    event = json.loads(match.group(3))
    assert event["url.domain"] == POLICY_BLOCKED
    assert event["rule.id"] == "policy/block"

    # The poller installs the signed bundle; the running proxy reloads it without a restart.
    _, _, version = published
    _until(lambda: UpdateState.load(proxy.data_dir).version == version, proxy, "bundle install")
    _until(lambda: _status(proxy, FLEET_BLOCKED) == 403, proxy, "hot reload of the bundle")
    assert proxy.proc.poll() is None
    # Policy entries survive the swap to the bundle's database.
    assert _status(proxy, POLICY_BLOCKED) == 403
    assert f"installed rule bundle {version}" in proxy.output()
