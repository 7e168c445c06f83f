"""`lureguard doctor`: check one laptop end to end and say how to fix each problem.

Each check is a small function returning a `Check`; none of them changes anything. The
"CA trusted" check compares certificates by their DER bytes, so it answers for the store the
OS tools use (OpenSSL's default bundle, `$SSL_CERT_FILE` included, on Linux; the keychain on
macOS; the Root store on Windows) and, on Linux, for the NSS databases browsers read instead
(Chromium's `~/.pki/nssdb`, every Firefox profile's `cert9.db`), where `lureguard ca install`
puts it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lureguard.api.pac import FALLBACK_WORDS, fallback_of
from lureguard.deploy import manifest as mf
from lureguard.deploy import signing
from lureguard.deploy.bundle import file_digest
from lureguard.deploy.errors import DeployError
from lureguard.deploy.policy import Setting, SettingsFile
from lureguard.deploy.state import UpdateState, bundle_dir
from lureguard.paths import RULES_DB_NAME
from lureguard.ruledata.database import read_meta

CA_CERT = Path("mitmproxy") / "mitmproxy-ca-cert.pem"
LINUX_TRUST_COMMAND = (
    "sudo cp {pem} /usr/local/share/ca-certificates/lureguard.crt && sudo update-ca-certificates"
)


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the checklist."""

    name: str
    ok: bool
    detail: str
    fix: str = ""

    def lines(self) -> list[str]:
        """`✓ name: detail`, or `✗ name: detail` followed by the fix."""
        mark = "✓" if self.ok else "✗"
        out = [f"{mark} {self.name}: {self.detail}"]
        if not self.ok and self.fix:
            out.append(f"    fix: {self.fix}")
        return out


@dataclass(frozen=True, slots=True)
class Context:
    """What the checks look at."""

    data_dir: Path
    policy: SettingsFile | None
    policy_error: str
    settings: Mapping[str, Setting]
    timeout: float = 2.0

    def value(self, key: str) -> object:
        """An effective setting's value."""
        return self.settings[key].value


def check_policy(ctx: Context) -> Check:
    """The system policy parses and validates (or there is none)."""
    if ctx.policy_error:
        return Check("policy", False, ctx.policy_error.splitlines()[0], "correct the policy file")
    if ctx.policy is None or ctx.policy.path is None:
        return Check("policy", True, "no system policy; user settings and defaults apply")
    locked = len(ctx.policy.values)
    return Check("policy", True, f"{ctx.policy.path} readable, {locked} setting(s) locked")


def check_rules(ctx: Context) -> Check:
    """A compiled rules database is in the data dir and opens."""
    path = ctx.data_dir / RULES_DB_NAME
    fix = "run 'lureguard update' (fleet) or 'lureguard rules compile'"
    if not path.is_file():
        return Check("rules", False, f"{path} does not exist", fix)
    meta = read_meta(path)
    if meta is None:
        return Check("rules", False, f"{path} is not a usable rules database", fix)
    version = meta.get("ruleset_version", "?")
    return Check("rules", True, f"{path} version {version}, built {meta.get('built_at', '?')}")


def check_signed(ctx: Context) -> Check:
    """The installed bundle still matches a manifest the configured key signed."""
    url, pubkey = ctx.value("update.url"), ctx.value("update.pubkey")
    if not url:
        return Check("signed rules", True, "no update URL configured; rules are compiled locally")
    folder = bundle_dir(ctx.data_dir)
    fix = "run 'lureguard update' to fetch and verify the bundle"
    try:
        manifest = mf.parse((folder / mf.MANIFEST_NAME).read_bytes(), "installed")
        mf.verify(manifest, signing.load_public(str(pubkey)), "installed")
        digest, _size = file_digest(folder / RULES_DB_NAME)
    except FileNotFoundError:
        return Check("signed rules", False, f"no verified bundle installed from {url}", fix)
    except (DeployError, OSError) as exc:
        return Check("signed rules", False, str(exc), fix)
    if digest != manifest.sha256:
        return Check("signed rules", False, "the installed bundle was modified on disk", fix)
    return Check("signed rules", True, f"bundle {manifest.version} signed by key {manifest.key_id}")


def check_fresh(ctx: Context, now: dt.datetime | None = None) -> Check:
    """The last update check succeeded within three update intervals."""
    if not ctx.value("update.url"):
        return Check("fresh rules", True, "no update URL configured; nothing to poll")
    state = UpdateState.load(ctx.data_dir)
    interval = int(str(ctx.value("update.interval")))
    fix = "run 'lureguard update' and check that the update URL is reachable"
    if state.last_error:
        return Check("fresh rules", False, f"last update failed: {state.last_error}", fix)
    if not state.checked_at:
        return Check("fresh rules", False, "no update check has run yet", fix)
    try:
        checked = dt.datetime.fromisoformat(state.checked_at.replace("Z", "+00:00"))
    except ValueError:
        return Check("fresh rules", False, f"unreadable check time {state.checked_at!r}", fix)
    age = ((now or dt.datetime.now(dt.UTC)) - checked).total_seconds()
    if age > 3 * interval:
        return Check(
            "fresh rules", False, f"last successful check {_ago(age)} ago ({state.checked_at})",
            "check that 'lureguard run' (or the update timer) is running",
        )  # fmt: skip
    return Check("fresh rules", True, f"checked {_ago(age)} ago, bundle {state.version}")


def check_proxy(ctx: Context) -> Check:
    """Something accepts connections on the proxy port."""
    port = int(str(ctx.value("proxy.port")))
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=ctx.timeout):
            pass
    except OSError:
        return Check(
            "proxy", False, f"nothing listens on 127.0.0.1:{port}",
            "start it with 'lureguard run', or at login with 'lureguard service install'",
        )  # fmt: skip
    return Check("proxy", True, f"listening on 127.0.0.1:{port}")


def check_api(ctx: Context) -> Check:
    """The verdict API answers with the PAC file the browser policy points at."""
    port = int(str(ctx.value("api.port")))
    url = f"http://127.0.0.1:{port}/proxy.pac"
    fix = "start 'lureguard run' with the API enabled (--api-port)"
    try:
        with urllib.request.urlopen(url, timeout=ctx.timeout) as reply:
            body = reply.read(65536)
    except urllib.error.HTTPError as exc:
        return Check("API", False, f"{url} answered HTTP {exc.code}", fix)
    except (urllib.error.URLError, OSError):
        return Check("API", False, f"nothing answers at {url}", fix)
    if b"FindProxyForURL" not in body:
        return Check("API", False, f"{url} is not a PAC file (another program on the port?)", fix)
    return Check("API", True, f"{url} serves the PAC file")


def check_pac_fallback(ctx: Context) -> Check:
    """What the PAC tells browsers when the proxy is down: as set, and as the running proxy
    serves it (a proxy started before the policy changed still serves the old one)."""
    setting = ctx.settings["pac.fallback"]
    want = str(setting.value)
    origin = "locked by policy" if setting.locked else setting.source
    url = f"http://127.0.0.1:{int(str(ctx.value('api.port')))}/proxy.pac"
    try:
        with urllib.request.urlopen(url, timeout=ctx.timeout) as reply:
            served = fallback_of(reply.read(65536).decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        served = None
    if served is not None and served != want:
        if setting.locked:
            return Check(
                "PAC fallback", False,
                f"the running proxy serves '{served}' ({FALLBACK_WORDS[served]}), the policy "
                f"says '{want}'", "restart lureguard to apply the policy",
            )  # fmt: skip
        return Check("PAC fallback", True, f"{served}: {FALLBACK_WORDS[served]} (set when started)")
    return Check("PAC fallback", True, f"{want}: {FALLBACK_WORDS[want]} ({origin})")


def check_ca(ctx: Context) -> Check:
    """The proxy's CA certificate exists in the data dir."""
    pem = ctx.data_dir / CA_CERT
    if not pem.is_file():
        return Check(
            "CA", False, f"{pem} does not exist", "start 'lureguard run' once; it creates the CA"
        )
    return Check("CA", True, f"{pem}")


def check_ca_trusted(ctx: Context) -> Check:
    """The system store or a browser's NSS database trusts the proxy's CA; names the others."""
    pem = ctx.data_dir / CA_CERT
    if not pem.is_file():
        return Check("CA trusted", False, "no CA yet", "start 'lureguard run' once first")
    try:
        der = ssl.PEM_cert_to_DER_cert(pem.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError):
        return Check(
            "CA trusted", False, f"{pem} is not a PEM certificate", "delete it and restart"
        )
    trusted, where = is_trusted(der, pem)
    present, missing = ([where], []) if trusted else ([], [where])
    for label, ok in browser_stores_trusting(der):
        (present if ok else missing).append(label)
    fix = f"lureguard ca install (your browsers; as root, the system too), or {trust_command(pem)}"
    if not present:
        return Check("CA trusted", False, f"not in {', '.join(missing)}", fix)
    detail = f"present in {', '.join(present)}"
    if missing:
        detail += f"; not in {', '.join(missing)} (run 'lureguard ca install')"
    return Check("CA trusted", True, detail)


def browser_stores_trusting(der: bytes) -> list[tuple[str, bool]]:
    """Each NSS database of this user's browsers (Linux) and whether it trusts `der`."""
    if sys.platform in ("darwin", "win32"):
        return []
    from lureguard.trust import nss
    from lureguard.trust.errors import TrustError
    from lureguard.trust.install import nickname_for
    from lureguard.trust.stores import chromium_store, firefox_stores

    stores = [s for s in (chromium_store(), *firefox_stores()) if nss.has_db(s.path)]
    candidates = (nickname_for(hashlib.sha256(der).hexdigest()), "lureguard", "mitmproxy")
    found = []
    for store in stores:
        label = f"{store.label} ({store.path})"
        try:
            found.append((label, nss.trusts(store.path, der, candidates)))
        except TrustError as exc:
            found.append((f"{label}: {exc}", False))
    return found


def is_trusted(der: bytes, pem: Path) -> tuple[bool, str]:
    """Whether the OS trust store holds this certificate, and which store was asked."""
    if sys.platform == "darwin":
        done = subprocess.run(
            ["security", "verify-cert", "-c", str(pem)], capture_output=True, check=False
        )
        return done.returncode == 0, "the macOS keychains"
    if sys.platform == "win32":
        thumb = hashlib.sha1(der, usedforsecurity=False).hexdigest()
        done = subprocess.run(
            ["certutil", "-verifystore", "Root", thumb], capture_output=True, check=False
        )
        return done.returncode == 0, "the Windows Root store"
    bundle = Path(ssl.get_default_verify_paths().cafile or "/etc/ssl/certs/ca-certificates.crt")
    try:
        text = bundle.read_text(encoding="ascii", errors="replace")
    except OSError:
        return False, f"{bundle} (unreadable)"
    return der in _pem_blocks(text), str(bundle)


def trust_command(pem: Path) -> str:
    """The command that makes the OS trust the CA (see also `lureguard ca`)."""
    if sys.platform == "darwin":
        return (
            "sudo security add-trusted-cert -d -r trustRoot "
            f"-k /Library/Keychains/System.keychain {pem}"
        )
    if sys.platform == "win32":
        return f"certutil -addstore root {pem} (administrator prompt), or push it by MDM/GPO"
    return LINUX_TRUST_COMMAND.format(pem=pem)


def _pem_blocks(text: str) -> set[bytes]:
    blocks = set()
    begin, end = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"
    for part in text.split(begin)[1:]:
        body = part.split(end, 1)[0]
        try:
            blocks.add(ssl.PEM_cert_to_DER_cert(f"{begin}{body}{end}\n"))
        except ValueError:
            continue
    return blocks


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


CHECKS: list[Callable[[Context], Check]] = [
    check_policy,
    check_rules,
    check_signed,
    check_fresh,
    check_proxy,
    check_ca,
    check_ca_trusted,
    check_api,
    check_pac_fallback,
]


def run_checks(ctx: Context) -> list[Check]:
    """Every check, in checklist order."""
    return [check(ctx) for check in CHECKS]
