"""Run a real `lureguard run` process on loopback and talk to it with curl."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.certs import OriginCA
from tests.support.origin import Origin

SUPPORT = Path(__file__).resolve().parent
MAP_HOSTS = SUPPORT / "map_hosts.py"
LUREGUARD = Path(sys.executable).parent / "lureguard"
MITMDUMP = Path(sys.executable).parent / "mitmdump"


def free_port() -> int:
    """A port nobody listens on right now (bind 0, read it, close)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """`count` distinct ports nobody listens on right now: all are held while the next is
    picked, since the kernel may hand a just-closed port out again (a proxy once got its
    API's port and exited)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Return once 127.0.0.1:port accepts connections; fail if the process died first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"proxy exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@dataclass
class ProxyProcess:
    """A started proxy: its ports, data dir, CA path and process."""

    proc: subprocess.Popen[bytes]
    port: int
    api_port: int
    data_dir: Path
    log_path: Path
    origin: Origin | None = None
    test_ca: OriginCA | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mitm_ca(self) -> Path:
        return self.data_dir / "mitmproxy" / "mitmproxy-ca-cert.pem"

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Stop cleanly with SIGINT (or SIGTERM); kill only if it does not exit."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)


def start_lureguard(
    data_dir: Path,
    *,
    origin: Origin | None = None,
    test_ca: OriginCA | None = None,
    args: list[str] | None = None,
    mitm_args: list[str] | None = None,
    command: list[str] | None = None,
) -> ProxyProcess:
    """Start `lureguard run` (or `command`) on free ports, mapped to `origin`, and wait for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port, api_port = free_ports(2)
    mitm = list(mitm_args or [])
    if origin is not None:
        mitm += [
            "-s", str(MAP_HOSTS),
            "--set", f"map_hosts_http={origin.http_port}",
            "--set", f"map_hosts_https={origin.https_port}",
        ]  # fmt: skip
    if test_ca is not None:
        mitm += ["--set", f"ssl_verify_upstream_trusted_ca={test_ca.ca_cert}"]
    if command is None:
        command = [
            str(LUREGUARD), "run",
            "--data-dir", str(data_dir),
            "--listen-port", str(port),
            "--api-port", str(api_port),
            *(args or []),
            "--", *mitm,
        ]  # fmt: skip
    else:
        command = [c.format(port=port, api_port=api_port, data_dir=data_dir) for c in command]
        command += mitm
    log_path = data_dir / "proxy-output.log"
    env = {**os.environ, "LUREGUARD_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env.pop(name, None)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    proxy = ProxyProcess(proc, port, api_port, data_dir, log_path, origin, test_ca)
    try:
        wait_listening(port, proc)
    except RuntimeError as exc:
        proxy.stop()
        raise RuntimeError(f"{exc}\n{proxy.output()}") from None
    return proxy


@contextmanager
def lureguard_on_copy(
    data_dir: Path, bundled_db: Path, *, origin: Origin, test_ca: OriginCA
) -> Iterator[ProxyProcess]:
    """`start_lureguard` mapped to `origin`, on its own copy of the bundled rules (the
    running proxy owns its database), stopped when the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(bundled_db, data_dir / "rules.db")
    running = start_lureguard(
        data_dir, origin=origin, test_ca=test_ca, args=["--db", str(data_dir / "rules.db")]
    )
    try:
        yield running
    finally:
        running.stop()


def pair_output(api_port: int, data_dir: Path, home: Path) -> str:
    """What `lureguard pair --no-open` prints for the API on `api_port`, run with `home` as
    HOME and no display; asserts that it succeeded."""
    done = subprocess.run(
        [str(LUREGUARD), "pair", "--no-open", "--api-port", str(api_port),
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, check=False, timeout=60,
        env={**os.environ, "HOME": str(home), "DISPLAY": ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class CurlResult:
    status: int
    headers: dict[str, str]
    body: str
    stderr: str


def curl(
    proxy: ProxyProcess,
    url: str,
    *,
    cacert: Path | None = None,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
    verbose: bool = False,
) -> CurlResult:
    """One request through the proxy with curl; never follows redirects."""
    cmd = ["curl", "-sS", "--max-time", "20", "-x", proxy.url, "-D", "-", "--noproxy", ""]
    if cacert is not None:
        cmd += ["--cacert", str(cacert)]
    if verbose:
        cmd.append("-v")
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    for name, value in (data or {}).items():
        cmd += ["--data-urlencode", f"{name}={value}"]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, timeout=30, check=False)
    out = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        message = f"curl failed ({done.returncode}): {done.stderr.decode()}"
        if proxy.proc.poll() is not None:  # say why, or CI shows only a refused connection
            message += f"\nthe proxy exited ({proxy.proc.returncode}):\n{proxy.output()[-3000:]}"
        raise AssertionError(message)
    # Skip the proxy's "200 Connection established" block of an HTTPS request.
    blocks = out.split("\r\n\r\n")
    while len(blocks) > 1 and re.match(r"HTTP/\S+ 200 Connection established", blocks[0]):
        blocks = blocks[1:]
    head, body = blocks[0], "\r\n\r\n".join(blocks[1:])
    lines = head.split("\r\n")
    status = int(lines[0].split()[1])
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed[name.strip().lower()] = value.strip()
    return CurlResult(status, parsed, body, done.stderr.decode("utf-8", "replace"))
