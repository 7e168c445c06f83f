"""The PAC file's behaviour when the proxy is down, through a real `lureguard run`: fail-open
(`PROXY ...; DIRECT`) by default, fail-closed when the system policy locks `pac.fallback: none`
(a command-line `--pac-fallback direct` does not undo it), and `status`/`doctor` say which."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.support.proxy import LUREGUARD, ProxyProcess, start_lureguard, wait_listening

pytestmark = pytest.mark.e2e


def _pac(proxy: ProxyProcess) -> str:
    wait_listening(proxy.api_port, proxy.proc)  # the API starts just after the proxy
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://127.0.0.1:{proxy.api_port}/proxy.pac", timeout=10) as reply:
        return str(reply.read().decode())


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(LUREGUARD), *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )
    return done.stdout + done.stderr


def test_default_is_fail_open(tmp_path: Path, bundled_db: Path) -> None:
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("LUREGUARD_POLICY", None)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("LUREGUARD_POLICY", raising=False)
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        proxy = start_lureguard(tmp_path / "data", args=["--db", str(bundled_db)])
    try:
        assert f'return "PROXY 127.0.0.1:{proxy.port}; DIRECT";' in _pac(proxy)
        status = _cli("status", "--api-port", str(proxy.api_port), "--data-dir",
                      str(proxy.data_dir), env=env)  # fmt: skip
        assert (
            "PAC fallback: direct: when the proxy is down, browsers connect directly "
            "(fail-open)" in status
        )
    finally:
        proxy.stop()


def test_a_policy_locks_fail_closed(tmp_path: Path, bundled_db: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("pac:\n  fallback: none\n")
    env = {**os.environ, "LUREGUARD_POLICY": str(policy),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LUREGUARD_POLICY", str(policy))
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        proxy = start_lureguard(
            tmp_path / "data", args=["--db", str(bundled_db), "--pac-fallback", "direct"]
        )
    try:
        pac = _pac(proxy)
        assert f'return "PROXY 127.0.0.1:{proxy.port}";' in pac
        assert "; DIRECT" not in pac
        assert "pac.fallback='direct' ignored: locked to 'none'" in proxy.output()
        status = _cli("status", "--api-port", str(proxy.api_port), "--data-dir",
                      str(proxy.data_dir), env=env)  # fmt: skip
        assert "PAC fallback: none: when the proxy is down, browsing stops (fail-closed)" in status
        doctor = _cli("doctor", "--data-dir", str(proxy.data_dir), "--proxy-port",
                      str(proxy.port), "--api-port", str(proxy.api_port), env=env)  # fmt: skip
        assert (
            "✓ PAC fallback: none: when the proxy is down, browsing stops (fail-closed) "
            "(locked by policy)" in doctor
        )
    finally:
        proxy.stop()
