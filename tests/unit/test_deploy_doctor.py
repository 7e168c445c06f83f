"""`lureguard doctor` against real loopback listeners, a real CA file and a real trust bundle."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from lureguard.api.pac import pac_script
from lureguard.cli import main
from lureguard.deploy import signing
from lureguard.deploy.bundle import build
from lureguard.deploy.state import UpdateState
from tests.support.proxy import free_ports

RULE = "id: block/one\nkind: blocklist\ndescription: d\nsource: s\nhosts: [one.example]\n"


class _Pac(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"function FindProxyForURL(url, host) { return 'DIRECT'; }"
        self.send_response(200 if self.path == "/proxy.pac" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def listeners() -> Iterator[tuple[int, int]]:
    """A TCP listener standing in for the proxy and an HTTP server serving /proxy.pac."""
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen()
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Pac)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    yield proxy.getsockname()[1], api.server_address[1]
    api.shutdown()
    api.server_close()
    proxy.close()


def _ca_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lureguard test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A published bundle and the inline public key that signed it."""
    base = tmp_path_factory.mktemp("fleet")
    pair = signing.generate(base / "keys")
    (base / "rules").mkdir()
    (base / "rules" / "one.yaml").write_text(RULE)
    build([base / "rules"], pair.private, base / "public")
    return base / "public", pair.public.read_text().strip()


@pytest.fixture
def laptop(
    tmp_path: Path, fleet: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """A data dir with the bundle installed, a CA, a trust bundle holding it, and a policy."""
    public, key = fleet
    data = tmp_path / "data"
    (data / "bundle").mkdir(parents=True)
    manifest = public / "manifest.json"
    database = next(public.glob("rules-*.db"))
    shutil.copy(manifest, data / "bundle" / "manifest.json")
    shutil.copy(database, data / "bundle" / "rules.db")
    shutil.copy(database, data / "rules.db")
    UpdateState(url="https://rules.example/", checked_at=dt.datetime.now(dt.UTC).isoformat()).save(
        data
    )
    pem = _ca_pem()
    (data / "mitmproxy").mkdir()
    (data / "mitmproxy" / "mitmproxy-ca-cert.pem").write_bytes(pem)
    store = tmp_path / "trust.pem"
    store.write_bytes(_ca_pem() + pem)
    monkeypatch.setenv("SSL_CERT_FILE", str(store))
    policy = tmp_path / "policy.yaml"
    policy.write_text(f'mode: block\nupdate:\n  url: https://rules.example/\n  pubkey: "{key}"\n')
    monkeypatch.setenv("LUREGUARD_POLICY", str(policy))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no browser stores of the real user
    return data, store


def _doctor(data: Path, proxy: int, api: int, *extra: str) -> Result:
    return CliRunner().invoke(
        main,
        ["doctor", "--data-dir", str(data), "--proxy-port", str(proxy), "--api-port", str(api),
         *extra],
    )  # fmt: skip


def test_healthy_laptop_passes_every_check(
    laptop: tuple[Path, Path], listeners: tuple[int, int]
) -> None:
    result = _doctor(laptop[0], *listeners)
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output
    assert "✓ signed rules: bundle" in result.output
    assert "✓ CA trusted: present in" in result.output
    assert "serves the PAC file" in result.output
    # The policy's locked values are listed with the file and line that lock them.
    assert "mode             block" in result.output
    assert "policy.yaml:1" in result.output


def test_every_problem_gets_a_cross_and_a_fix(
    laptop: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, store = laptop
    store.write_bytes(_ca_pem())  # the CA is no longer in the system store
    bundle_db = data / "bundle" / "rules.db"
    bundle_db.write_bytes(bundle_db.read_bytes() + b"tampered")
    state = UpdateState.load(data)
    state.last_error = "https://rules.example/manifest.json answered HTTP 500 Server Error"
    state.save(data)

    result = _doctor(data, *free_ports(2))

    assert result.exit_code == 1
    out = result.output
    assert "✗ proxy: nothing listens on" in out
    assert "✗ API: nothing answers at" in out
    assert "✗ signed rules: the installed bundle was modified on disk" in out
    assert "✗ fresh rules: last update failed: https://rules.example/manifest.json" in out
    assert "✗ CA trusted: not in" in out
    assert "update-ca-certificates" in out
    assert out.count("    fix: ") == out.count("✗ ")
    assert "5 problem(s) found" in out


def test_invalid_policy_and_missing_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listeners: tuple[int, int]
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("mode: sometimes\n")
    monkeypatch.setenv("LUREGUARD_POLICY", str(policy))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = _doctor(tmp_path / "empty", *listeners)
    assert result.exit_code == 1
    assert f"✗ policy: {policy}:1:7: error: 'mode' must be one of" in result.output
    assert "✗ rules: " in result.output
    assert "✗ CA: " in result.output


class _LureguardPac(BaseHTTPRequestHandler):
    """lureguard's own PAC, as a proxy started with the default fallback serves it."""

    def do_GET(self) -> None:
        body = pac_script("127.0.0.1", 8080).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_pac_fallback_is_shown_and_a_proxy_ignoring_the_policy_is_a_problem(
    laptop: tuple[Path, Path], listeners: tuple[int, int], tmp_path: Path
) -> None:
    healthy = _doctor(laptop[0], *listeners)
    assert (
        "✓ PAC fallback: direct: when the proxy is down, browsers connect directly (fail-open) "
        "(default)" in healthy.output
    )
    api = ThreadingHTTPServer(("127.0.0.1", 0), _LureguardPac)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        served = _doctor(laptop[0], listeners[0], api.server_address[1])
        assert "✓ PAC fallback: direct: when the proxy is down" in served.output
        policy = tmp_path / "policy.yaml"
        policy.write_text(policy.read_text() + "pac:\n  fallback: none\n")
        locked = _doctor(laptop[0], listeners[0], api.server_address[1])
    finally:
        api.shutdown()
        api.server_close()
    assert locked.exit_code == 1
    assert (
        "✗ PAC fallback: the running proxy serves 'direct' (when the proxy is down, browsers "
        "connect directly (fail-open)), the policy says 'none'\n"
        "    fix: restart lureguard to apply the policy" in locked.output
    )
    assert "pac.fallback     none" in locked.output  # listed among the locked values


def _firefox_profile(home: Path) -> Path:
    root = home / ".mozilla" / "firefox"
    profile = root / "x1.default"
    profile.mkdir(parents=True)
    (root / "profiles.ini").write_text("[Profile0]\nName=default\nIsRelative=1\nPath=x1.default\n")
    return profile


def test_ca_trusted_counts_the_browser_stores_that_ca_install_writes(
    laptop: tuple[Path, Path], tmp_path: Path, listeners: tuple[int, int]
) -> None:
    data, store = laptop
    store.write_bytes(_ca_pem())  # not in the system bundle
    home = tmp_path / "home"
    profile = _firefox_profile(home)
    subprocess.run(["certutil", "-N", "--empty-password", "-d", f"sql:{profile}"], check=True)
    bundle_only = _doctor(data, *listeners).output
    assert f"✗ CA trusted: not in {store}, Firefox profile 'default' ({profile})" in bundle_only
    assert "fix: lureguard ca install" in bundle_only

    installed = CliRunner().invoke(main, ["ca", "install", "--no-system", "--data-dir", str(data)])
    assert installed.exit_code == 0, installed.output
    # Firefox only: Chromium's database is created but then emptied again by hand.
    chromium = home / ".pki" / "nssdb"
    nickname = next(line for line in installed.output.splitlines() if "as 'lureguard CA (" in line)
    nickname = nickname.split("'")[1]
    subprocess.run(["certutil", "-D", "-n", nickname, "-d", f"sql:{chromium}"], check=True)

    out = _doctor(data, *listeners).output
    assert (
        f"✓ CA trusted: present in Firefox profile 'default' ({profile}); not in {store}, "
        f"Chromium/Chrome (your NSS database) ({chromium}) (run 'lureguard ca install')" in out
    )


def test_a_hand_made_entry_counts_only_when_trusted_for_websites(
    laptop: tuple[Path, Path], tmp_path: Path, listeners: tuple[int, int]
) -> None:
    data, store = laptop
    store.write_bytes(_ca_pem())
    chromium = tmp_path / "home" / ".pki" / "nssdb"
    chromium.mkdir(parents=True)
    pem = data / "mitmproxy" / "mitmproxy-ca-cert.pem"
    db = f"sql:{chromium}"
    subprocess.run(["certutil", "-N", "--empty-password", "-d", db], check=True)
    subprocess.run(["certutil", "-A", "-n", "lureguard", "-t", ",,", "-i", str(pem), "-d", db],
                   check=True)  # fmt: skip
    assert "✗ CA trusted: not in" in _doctor(data, *listeners).output
    subprocess.run(["certutil", "-M", "-n", "lureguard", "-t", "C,,", "-d", db], check=True)
    assert "✓ CA trusted: present in Chromium/Chrome" in _doctor(data, *listeners).output
