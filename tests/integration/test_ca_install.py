"""`lureguard ca install|uninstall` and `setup` through the real CLI, on real NSS databases.

Every test gets its own HOME with a Chromium NSS database holding someone else's CA and a
Firefox profile that firefox-esr itself created and registered in profiles.ini; the system
store is a temporary folder ($LUREGUARD_SYSTEM_CA_DIR), never this machine's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.certs import make_test_ca
from tests.support.proxy import LUREGUARD

FIREFOX = "/usr/bin/firefox-esr"
OTHER = "someone else's CA"


@dataclass
class Machine:
    home: Path
    data_dir: Path
    system: Path
    chromium_db: Path
    profile: Path
    env: dict[str, str]

    def lureguard(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(LUREGUARD), *args, "--data-dir", str(self.data_dir)],
            capture_output=True, text=True, env=self.env, timeout=120, check=False,
        )  # fmt: skip
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def listing(self, db: Path) -> dict[str, str]:
        """Nickname -> trust flags, as certutil lists them."""
        done = subprocess.run(
            ["certutil", "-L", "-d", f"sql:{db}"], capture_output=True, text=True, check=True
        )
        rows = [line.rstrip() for line in done.stdout.splitlines()[4:] if line.strip()]
        return {row.rpartition(" ")[0].strip(): row.rpartition(" ")[2] for row in rows}

    def pem_of(self, db: Path, nickname: str) -> str:
        done = subprocess.run(
            ["certutil", "-L", "-d", f"sql:{db}", "-n", nickname, "-a"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    @property
    def nickname(self) -> str:
        record = (self.data_dir / "ca-installed.json").read_text()
        return str(__import__("json").loads(record)["nickname"])


def certutil(*args: str) -> None:
    subprocess.run(["certutil", *args], check=True, capture_output=True)


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    """A HOME with a Chromium NSS db (one foreign CA) and a Firefox profile of firefox-esr's."""
    home, data_dir, system = tmp_path / "home", tmp_path / "data", tmp_path / "system-ca"
    for folder in (home, system):
        folder.mkdir()
    env = {**os.environ, "HOME": str(home), "LUREGUARD_SYSTEM_CA_DIR": str(system)}
    env.pop("XDG_CONFIG_HOME", None)
    env.pop("LUREGUARD_DATA_DIR", None)
    profile = tmp_path / "firefox-profile"
    subprocess.run(
        [FIREFOX, "--headless", "-CreateProfile", f"everyday {profile}"],
        env=env, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    assert profile.is_dir(), "firefox-esr did not create the profile"
    chromium_db = home / ".pki" / "nssdb"
    chromium_db.mkdir(parents=True)
    certutil("-N", "--empty-password", "-d", f"sql:{chromium_db}")
    other = make_test_ca(tmp_path / "other-ca")
    certutil(
        "-A", "-n", OTHER, "-t", "CT,C,C", "-i", str(other.ca_cert), "-d", f"sql:{chromium_db}"
    )
    return Machine(home, data_dir, system, chromium_db, profile, env)


def test_install_adds_exactly_our_certificate_and_uninstall_removes_exactly_it(
    machine: Machine,
) -> None:
    before = machine.listing(machine.chromium_db)
    other_pem = machine.pem_of(machine.chromium_db, OTHER)
    assert before == {OTHER: "CT,C,C"}
    assert not (machine.profile / "cert9.db").exists()

    done = machine.lureguard("ca", "install")
    nickname = machine.nickname
    assert nickname.startswith("lureguard CA (")
    assert machine.listing(machine.chromium_db) == {**before, nickname: "C,,"}
    assert machine.listing(machine.profile) == {nickname: "C,,"}
    assert machine.pem_of(machine.chromium_db, OTHER) == other_pem
    ours = machine.pem_of(machine.chromium_db, nickname)
    ca_pem = (machine.data_dir / "mitmproxy" / "mitmproxy-ca-cert.pem").read_text()
    assert ours.split() == ca_pem.split()
    crt = machine.system / f"lureguard-{nickname[14:22]}.crt"
    assert [p.name for p in machine.system.iterdir()] == [crt.name]
    assert crt.read_text() == ca_pem
    # Every change is printed, with the store and its path.
    assert f"+ Chromium/Chrome (your NSS database): {machine.chromium_db}: added" in done.stdout
    assert f"+ Firefox profile 'everyday': {machine.profile}: added" in done.stdout
    assert f"{crt}: added" in done.stdout
    assert "3 store(s) changed" in done.stdout

    done = machine.lureguard("ca", "uninstall")
    assert "3 store(s) changed" in done.stdout
    assert machine.listing(machine.chromium_db) == before
    assert machine.pem_of(machine.chromium_db, OTHER) == other_pem
    assert machine.listing(machine.profile) == {}
    assert list(machine.system.iterdir()) == []
    assert not (machine.data_dir / "ca-installed.json").exists()
    again = machine.lureguard("ca", "uninstall")
    assert "Nothing to remove" in again.stdout


def test_dry_run_changes_nothing(machine: Machine) -> None:
    done = machine.lureguard("ca", "install", "--dry-run")
    assert "would add" in done.stdout
    assert "nothing was changed" in done.stdout
    assert machine.listing(machine.chromium_db) == {OTHER: "CT,C,C"}
    assert not (machine.profile / "cert9.db").exists()
    assert list(machine.system.iterdir()) == []
    assert not (machine.data_dir / "ca-installed.json").exists()

    machine.lureguard("ca", "install")
    after = machine.listing(machine.chromium_db)
    done = machine.lureguard("ca", "uninstall", "--dry-run")
    assert "would remove" in done.stdout
    assert machine.listing(machine.chromium_db) == after
    assert len(list(machine.system.iterdir())) == 1


def test_install_is_idempotent_and_creates_a_missing_chromium_db(machine: Machine) -> None:
    shutil.rmtree(machine.home / ".pki")
    first = machine.lureguard("ca", "install")
    assert "with a new certificate database" in first.stdout
    listing = machine.listing(machine.chromium_db)
    second = machine.lureguard("ca", "install")
    assert "0 store(s) changed" in second.stdout
    assert second.stdout.count("unchanged") == 3
    assert machine.listing(machine.chromium_db) == listing == {machine.nickname: "C,,"}
    assert machine.listing(machine.profile) == {machine.nickname: "C,,"}


def test_uninstall_leaves_another_certificate_under_our_name_alone(
    machine: Machine, tmp_path: Path
) -> None:
    machine.lureguard("ca", "install", "--no-system")
    nickname = machine.nickname
    certutil("-D", "-n", nickname, "-d", f"sql:{machine.profile}")
    impostor = make_test_ca(tmp_path / "impostor")
    certutil("-A", "-n", nickname, "-t", "C,,", "-i", str(impostor.ca_cert),
             "-d", f"sql:{machine.profile}")  # fmt: skip
    done = machine.lureguard("ca", "uninstall")
    assert f"{machine.profile}: skipped; '{nickname}' there is another certificate" in done.stdout
    assert machine.listing(machine.profile) == {nickname: "C,,"}
    assert machine.listing(machine.chromium_db) == {OTHER: "CT,C,C"}


def test_a_system_store_that_is_not_writable_is_named_with_the_command(machine: Machine) -> None:
    """A store folder this process cannot write: a 0555 folder, or for root (who may write
    anywhere on a normal file system) /proc/sys, which the kernel refuses to root as well."""
    if os.geteuid() == 0:
        store = Path("/proc/sys")
    else:
        store = machine.system
        store.chmod(0o555)
    assert not os.access(store, os.W_OK)
    machine.env["LUREGUARD_SYSTEM_CA_DIR"] = str(store)
    done = machine.lureguard("ca", "install")
    assert f"system trust store: {store}: skipped; {store} is not writable by you" in done.stdout
    assert f"sudo cp {machine.data_dir}/mitmproxy/mitmproxy-ca-cert.pem {store}/" in done.stdout
    assert "&& sudo update-ca-certificates" in done.stdout
    assert "2 store(s) changed" in done.stdout
    assert not list(store.glob("lureguard-*"))
    record = (machine.data_dir / "ca-installed.json").read_text()
    assert str(store) not in record


def test_missing_certutil_names_the_package(machine: Machine) -> None:
    env = {**machine.env, "PATH": "/nonexistent"}
    done = subprocess.run(
        [str(LUREGUARD), "ca", "install", "--data-dir", str(machine.data_dir)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "certutil is not installed" in done.stderr
    assert "apt-get install libnss3-tools" in done.stderr
    assert "Traceback" not in done.stderr
    assert machine.listing(machine.chromium_db) == {OTHER: "CT,C,C"}


def test_setup_sets_the_firefox_pac_and_undo_restores_what_was_there(machine: Machine) -> None:
    prefs = machine.profile / "prefs.js"
    prefs.write_text(
        'user_pref("browser.startup.homepage", "about:blank");\n'
        'user_pref("network.proxy.type", 1);\n'
    )
    (machine.profile / "user.js").write_text('user_pref("general.smoothScroll", false);\n')
    done = machine.lureguard("setup", "--firefox-proxy", "--no-open", "--api-port", "18081")
    assert "[5/5]" in done.stdout
    assert "Check it works" in done.stdout
    # Pairing is a one-time link, never the token itself.
    assert "options.html#pair=http://127.0.0.1:18081&code=" in done.stdout
    assert "the extension is not installed there" in done.stdout  # the profile has no UUID
    assert not (machine.data_dir / "api-token").exists()
    user_js = (machine.profile / "user.js").read_text()
    assert user_js.startswith('user_pref("general.smoothScroll", false);\n')
    assert 'user_pref("network.proxy.type", 2);' in user_js
    assert '"http://127.0.0.1:18081/proxy.pac"' in user_js
    assert machine.listing(machine.profile) == {machine.nickname: "C,,"}
    # Firefox copies user.js into prefs.js when it starts: do what it does.
    prefs.write_text(
        'user_pref("browser.startup.homepage", "about:blank");\n'
        'user_pref("network.proxy.autoconfig_url", "http://127.0.0.1:18081/proxy.pac");\n'
        'user_pref("network.proxy.type", 2);\n'
    )
    machine.lureguard("setup", "--undo")
    assert (
        machine.profile / "user.js"
    ).read_text() == 'user_pref("general.smoothScroll", false);\n'
    assert prefs.read_text() == (
        'user_pref("browser.startup.homepage", "about:blank");\n'
        'user_pref("network.proxy.type", 1);\n'
    )
    assert machine.listing(machine.profile) == {}
    assert machine.listing(machine.chromium_db) == {OTHER: "CT,C,C"}
