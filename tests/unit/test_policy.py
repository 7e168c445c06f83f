"""The policy file: validation with file:line messages; policy > command line > user > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from lureguard.deploy import policy as pol
from lureguard.deploy.errors import PolicyError


def _write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_full_policy_is_read_with_units(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "mode: block\n"
        "bypass: {allowed: false, duration: 15m}\n"
        "fail: closed\n"
        "update:\n  url: https://rules.example.com/lg/\n  pubkey: /etc/lg.pub\n  interval: 6h\n"
        "log: {format: syslog, syslog: 'siem.example.com:514', max_bytes: 10MB, backups: 3}\n"
        "allow: [intranet.example.com]\n"
        "block: [evil.example, 'https://x.example/phish']\n",
    )
    policy = pol.read_settings(path)
    assert policy.values["mode"] == "block"
    assert policy.values["bypass.allowed"] is False
    assert policy.values["bypass.duration"] == 900
    assert policy.values["update.interval"] == 6 * 3600
    assert policy.values["log.max_bytes"] == 10 * 1024 * 1024
    assert policy.extras.block == ("evil.example", "https://x.example/phish")
    assert policy.where("update.interval") == f"{path}:7"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mode: blok\n", ":1:7: error: 'mode' must be one of block, warn, monitor"),
        (
            "bypass:\n  allowed: yes please\n",
            ":2:12: error: 'bypass.allowed' must be true or false",
        ),
        (
            "update:\n  intervall: 6h\n",
            "unknown setting 'update.intervall' (did you mean 'update.interval'?)",
        ),
        (
            "update:\n  interval: soon\n",
            ":2:13: error: 'update.interval' must be a positive duration",
        ),
        ("log: stdout\n", ":1:6: error: 'log' must be a mapping"),
        ("- mode\n", ":1:1: error: the policy must be a mapping"),
        ("mode: [block\n", "YAML syntax error"),
        ("mode: warn\nmode: block\n", ":2:1: error: key 'mode' appears twice"),
        ("update:\n  pubkey: ed25519:AAAA\n", ":2:11: error: 'update.pubkey' is not a valid"),
    ],
)
def test_invalid_policy_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(PolicyError) as info:
        pol.read_settings(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "mode: x\nfail: maybe\n")
    with pytest.raises(PolicyError) as info:
        pol.read_settings(path)
    assert str(info.value).count("\n") == 1


def test_policy_wins_over_command_line_and_user_settings(tmp_path: Path) -> None:
    policy = pol.read_settings(_write(tmp_path, "mode: block\nallow: [corp.example]\n"))
    user = pol.read_settings(
        _write(tmp_path, "mode: monitor\nfail: closed\nallow: [mine.example]\n", "user.yaml")
    )
    cli = {"mode": "warn", "update.url": "https://cli.example/", "log.format": None}

    merged = pol.effective(policy, cli, user)

    assert merged["mode"].value == "block"
    assert merged["mode"].locked
    assert merged["mode"].source == f"policy {policy.path}:1"
    assert merged["update.url"].value == "https://cli.example/"
    assert merged["update.url"].source == "command line"
    assert not merged["update.url"].locked
    assert merged["fail"].value == "closed"
    assert merged["fail"].source.startswith("user settings")
    assert merged["log.format"].source == "default"
    # IT's allow entries always apply; the user's are added, not substituted.
    assert merged["allow"].value == ("corp.example", "mine.example")
    assert pol.overridden(policy, cli) == [
        f"mode='warn' ignored: locked to 'block' by {policy.path}:1"
    ]
    described = "\n".join(pol.describe(merged))
    assert "locked" in described
    assert "corp.example, mine.example" in described


def test_explicit_policy_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        pol.find_policy(tmp_path / "missing.yaml")


def test_environment_names_the_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "mode: monitor\n")
    monkeypatch.setenv(pol.POLICY_ENV, str(path))
    assert pol.load_policy().values == {"mode": "monitor"}


def test_empty_policy_file_is_an_empty_policy(tmp_path: Path) -> None:
    assert pol.read_settings(_write(tmp_path, "# nothing locked yet\n")).values == {}


def test_user_settings_live_in_the_config_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "lureguard").mkdir()
    _write(tmp_path / "lureguard", "log: {stdout: true}\n", "settings.yaml")
    assert pol.load_user_settings().values == {"log.stdout": True}


def test_status_lines_name_locked_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lureguard.deploy.runtime import locked_lines

    path = _write(tmp_path, "fail: closed\nbypass:\n  allowed: false\n")
    monkeypatch.setenv(pol.POLICY_ENV, str(path))
    lines = locked_lines()
    assert lines[0] == "locked by policy:"
    assert any("fail" in x and "closed" in x and f"{path}:1" in x for x in lines)
    assert any("bypass.allowed" in x and f"{path}:3" in x for x in lines)
    path.write_text("fail: ajar\n")
    assert locked_lines()[0].startswith(f"policy: {path}:1:7: error:")


def test_pac_fallback_is_a_setting_a_policy_can_lock(tmp_path: Path) -> None:
    assert pol.effective(pol.SettingsFile())["pac.fallback"].value == "direct"
    policy = pol.read_settings(_write(tmp_path, "pac:\n  fallback: none\n"))
    merged = pol.effective(policy, {"pac.fallback": "direct"})
    assert merged["pac.fallback"].value == "none"
    assert merged["pac.fallback"].locked
    assert pol.overridden(policy, {"pac.fallback": "direct"}) == [
        f"pac.fallback='direct' ignored: locked to 'none' by {tmp_path / 'policy.yaml'}:2"
    ]
    with pytest.raises(PolicyError, match=r"'pac\.fallback' must be one of direct, none"):
        pol.read_settings(_write(tmp_path, "pac:\n  fallback: proxy\n", "bad.yaml"))


def test_syslog_over_tls_with_a_private_ca(tmp_path: Path) -> None:
    ca = tmp_path / "siem-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    text = f"log:\n  syslog: tls://siem.example.com\n  syslog_ca: {ca}\n"
    policy = pol.read_settings(_write(tmp_path, text))
    assert policy.values["log.syslog"] == "tls://siem.example.com"
    assert policy.values["log.syslog_ca"] == str(ca)
    bad = "log:\n  syslog: relp://siem\n  syslog_ca: /nonexistent/ca.pem\n"
    with pytest.raises(PolicyError) as caught:
        pol.read_settings(_write(tmp_path, bad, "bad.yaml"))
    assert "'log.syslog' is not a syslog address" in str(caught.value)
    assert "'log.syslog_ca' names no file: /nonexistent/ca.pem" in str(caught.value)
