"""The browser policy templates in deploy/ parse, and name the extension the repository builds."""

from __future__ import annotations

import base64
import hashlib
import json
import plistlib
from pathlib import Path

from lureguard.deploy.policy import read_settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
PAC = "http://127.0.0.1:8081/proxy.pac"


def _chrome_id() -> str:
    """Chrome derives an extension's ID from its public key: sha256, 32 hex digits as a-p."""
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    digest = hashlib.sha256(base64.b64decode(manifest["key"])).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


def _gecko_id() -> str:
    manifest = json.loads((REPO / "extension" / "manifest.json").read_text())
    return str(manifest["browser_specific_settings"]["gecko"]["id"])


def _managed_keys() -> set[str]:
    schema = json.loads((REPO / "extension" / "managed_schema.json").read_text())
    return set(schema["properties"])


def test_chrome_and_edge_policy() -> None:
    policy = json.loads((DEPLOY / "browser" / "chrome" / "lureguard.json").read_text())
    ext = _chrome_id()
    assert policy["ExtensionSettings"][ext]["installation_mode"] == "force_installed"
    assert set(policy["3rdparty"]["extensions"][ext]) == _managed_keys()
    assert policy["ProxySettings"] == {
        "ProxyMode": "pac_script", "ProxyPacUrl": PAC, "ProxyPacMandatory": False
    }  # fmt: skip


def test_windows_registry_file_carries_the_same_policy() -> None:
    text = (DEPLOY / "browser" / "windows" / "lureguard-browsers.reg").read_bytes().decode()
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    ext = _chrome_id()
    for vendor in (r"Google\Chrome", r"Microsoft\Edge"):
        assert (
            rf"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\{vendor}\3rdparty\extensions\{ext}\policy]"
            in text
        )
    assert PAC in text


def test_firefox_policy() -> None:
    policies = json.loads((DEPLOY / "browser" / "firefox" / "policies.json").read_text())[
        "policies"
    ]
    ext = _gecko_id()
    assert policies["ExtensionSettings"][ext]["installation_mode"] == "force_installed"
    assert set(policies["3rdparty"]["Extensions"][ext]) == _managed_keys()
    assert policies["Proxy"]["AutoConfigURL"] == PAC
    assert policies["Certificates"]["Install"]


def test_macos_profile() -> None:
    profile = plistlib.loads(
        (DEPLOY / "browser" / "macos" / "lureguard-browsers.mobileconfig").read_bytes()
    )
    types = {p["PayloadType"]: p for p in profile["PayloadContent"]}
    ext = _chrome_id()
    assert types["com.google.Chrome"]["ProxySettings"]["ProxyPacUrl"] == PAC
    assert set(types[f"com.google.Chrome.extensions.{ext}"]) >= _managed_keys()
    assert len({p["PayloadUUID"] for p in profile["PayloadContent"]}) == 4


def test_example_system_policy_is_valid() -> None:
    policy = read_settings(DEPLOY / "policy" / "policy.yaml")
    assert policy.values["mode"] == "block"
    assert policy.values["update.interval"] == 6 * 3600
