"""NSS certificate databases (Chromium's `~/.pki/nssdb`, Firefox's `cert9.db`) through certutil."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

from lureguard.trust.errors import TrustError

#: The Debian/Ubuntu package that ships certutil (Fedora: nss-tools; macOS: brew's nss).
CERTUTIL_PACKAGE = "libnss3-tools"
#: Trusted to identify websites only: not for e-mail, not for code signing.
TRUST_FLAGS = "C,,"


def certutil() -> str:
    """The certutil executable, or an error naming the package to install."""
    found = shutil.which("certutil")
    if found is None:
        raise TrustError(
            f"certutil is not installed: run 'sudo apt-get install {CERTUTIL_PACKAGE}' "
            "(Fedora: nss-tools), then try again"
        )
    return found


def _run(args: list[str], what: str) -> subprocess.CompletedProcess[str]:
    try:
        done = subprocess.run(
            [certutil(), *args], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TrustError(f"certutil failed to {what}: {exc}") from None
    return done


def _failed(done: subprocess.CompletedProcess[str], what: str) -> TrustError:
    message = (done.stderr or done.stdout).strip().splitlines()
    return TrustError(f"certutil could not {what}: {message[-1] if message else done.returncode}")


def has_db(directory: Path) -> bool:
    """Whether `directory` holds an SQL NSS database (cert9.db)."""
    return (directory / "cert9.db").is_file()


def create_db(directory: Path) -> None:
    """Create an empty SQL NSS database without a password (what Chromium itself creates)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    done = _run(["-N", "--empty-password", "-d", f"sql:{directory}"], f"create {directory}")
    if done.returncode != 0:
        raise _failed(done, f"create a database in {directory}")


def nicknames(directory: Path) -> dict[str, str]:
    """Every certificate nickname in the database with its trust flags."""
    done = _run(["-L", "-d", f"sql:{directory}"], f"list {directory}")
    if done.returncode != 0:
        raise _failed(done, f"list {directory}")
    found: dict[str, str] = {}
    for line in done.stdout.splitlines()[4:]:  # a title, a blank line, two header lines
        if line.strip():
            name, _, flags = line.rstrip().rpartition(" ")
            found[name.strip()] = flags
    return found


def certificate(directory: Path, nickname: str) -> bytes | None:
    """The DER bytes stored under `nickname`, or None when there is none."""
    done = _run(["-L", "-d", f"sql:{directory}", "-n", nickname, "-a"], f"read {directory}")
    if done.returncode != 0 or "BEGIN CERTIFICATE" not in done.stdout:
        return None
    block = done.stdout.split("-----END CERTIFICATE-----")[0] + "-----END CERTIFICATE-----\n"
    return ssl.PEM_cert_to_DER_cert(block[block.index("-----BEGIN CERTIFICATE-----") :])


def add(directory: Path, nickname: str, pem: Path) -> None:
    """Add `pem` under `nickname`, trusted to identify websites."""
    args = ["-A", "-n", nickname, "-t", TRUST_FLAGS, "-i", str(pem), "-d", f"sql:{directory}"]
    done = _run(args, f"add to {directory}")
    if done.returncode != 0:
        raise _failed(done, f"add the CA to {directory}")


def delete(directory: Path, nickname: str) -> None:
    """Delete the certificate stored under `nickname`."""
    done = _run(["-D", "-n", nickname, "-d", f"sql:{directory}"], f"remove from {directory}")
    if done.returncode != 0:
        raise _failed(done, f"remove the CA from {directory}")


def trusts(directory: Path, der: bytes, candidates: tuple[str, ...]) -> bool:
    """Whether the database holds `der`, trusted for websites, under a nickname that is one
    of `candidates` or mentions one of them (the nickname of `ca install` or of a hand-made
    entry such as the `-n lureguard` our instructions print)."""
    for name, flags in nicknames(directory).items():
        if not any(c == name or c.lower() in name.lower() for c in candidates):
            continue
        if "C" in flags.split(",")[0] and certificate(directory, name) == der:
            return True
    return False
