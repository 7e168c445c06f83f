"""A checking load generator: many keep-alive clients through the proxy, every answer verified.

Unlike a benchmark tool that counts status codes, each request here knows what it must get
back (the origin's body for clean hosts, the warning page for a lookalike), so "zero failed
requests" means every answer was the right one. Connections are reopened every few requests,
so new CONNECTs and ClientHellos are decided throughout (including across hot reloads).
Also the proxy's resource probes (/proc fd count and RSS) and the hot-reload driver; shared by
tests/robustness/test_load_reload.py and bench/load.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import socket
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lureguard.ruleset.build import compile_dir

CLEAN_HOST = "www.example.org"
FLAGGED_HOST = "rnicrosoft.com"
FAULT_HOST = "boom.example.org"
FAULT_TEXT = "injected fault"
NAV = "Sec-Fetch-Dest: document\r\nAccept: text/html\r\n"
REQUESTS_PER_CONNECTION = 20
TIMEOUT = 30.0


@dataclass(frozen=True)
class Kind:
    """One kind of request: where it goes, how, and what a correct answer looks like."""

    name: str
    host: str
    tls: bool
    status: int
    marker: bytes
    headers: str = ""


KINDS = {
    "http": Kind("http", CLEAN_HOST, False, 200, b"origin ok http"),
    "https-passthrough": Kind("https-passthrough", CLEAN_HOST, True, 200, b"origin ok https"),
    "http-warning": Kind("http-warning", FLAGGED_HOST, False, 403, b"lureguard", NAV),
    "https-warning": Kind("https-warning", FLAGGED_HOST, True, 403, b"lureguard", NAV),
    # The engine raises for this host; fail-open must still serve the origin's page.
    "http-fault": Kind("http-fault", FAULT_HOST, False, 200, b"origin ok http"),
    "https-fault": Kind("https-fault", FAULT_HOST, True, 200, b"origin ok https"),
}
#: Share of the clients per kind (out of 10); fault kinds start halfway through the run.
MIX = {"http": 4, "https-passthrough": 3, "http-warning": 1, "https-warning": 1, "http-fault": 1}


@dataclass
class LoadResult:
    """What a run did: answers per kind, failures with their reason, wall time."""

    done: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    failed: int = 0
    seconds: float = 0.0
    connections: int = 0

    @property
    def total(self) -> int:
        return sum(self.done.values())


class _Bad(Exception):
    """A wrong answer (as opposed to a connection error)."""


async def _read_response(
    reader: asyncio.StreamReader, *, has_body: bool = True
) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if not has_body:
        body = b""
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await reader.readexactly(size + 2))
            if size == 0:
                break
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, body, headers.get("connection", "").lower() == "close"


async def _connect(
    port: int, kind: Kind, contexts: dict[bool, ssl.SSLContext]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if kind.tls:
        writer.write(f"CONNECT {kind.host}:443 HTTP/1.1\r\nHost: {kind.host}:443\r\n\r\n".encode())
        await writer.drain()
        status, _body, _close = await _read_response(reader, has_body=False)
        if status != 200:
            raise _Bad(f"CONNECT answered {status}")
        # Passed-through hosts show the origin's certificate, intercepted ones mitmproxy's.
        await writer.start_tls(contexts[kind.status == 200], server_hostname=kind.host)
    return reader, writer


async def _client(
    port: int,
    kinds: list[Kind],
    contexts: dict[bool, ssl.SSLContext],
    tickets: itertools.count[int],
    total: int,
    result: LoadResult,
    keep_going: Callable[[], bool],
) -> None:
    def more() -> bool:
        return next(tickets) < total or keep_going()

    while True:
        kind = kinds[0] if result.total < total // 2 or len(kinds) == 1 else kinds[1]
        try:
            async with asyncio.timeout(TIMEOUT):
                reader, writer = await _connect(port, kind, contexts)
        except (OSError, TimeoutError, _Bad, asyncio.IncompleteReadError, ssl.SSLError) as exc:
            _fail(result, kind, f"connect: {exc!r}")
            if not more():
                return
            continue
        result.connections += 1
        try:
            for n in range(REQUESTS_PER_CONNECTION):
                if n and not more():
                    return
                target = f"/load/{n}" if kind.tls else f"http://{kind.host}/load/{n}"
                request = f"GET {target} HTTP/1.1\r\nHost: {kind.host}\r\n{kind.headers}\r\n"
                try:
                    async with asyncio.timeout(TIMEOUT):
                        writer.write(request.encode())
                        await writer.drain()
                        status, body, close = await _read_response(reader)
                except (OSError, TimeoutError, asyncio.IncompleteReadError, ssl.SSLError) as exc:
                    _fail(result, kind, f"request: {exc!r}")
                    break
                if status != kind.status or kind.marker not in body:
                    _fail(result, kind, f"got {status} {body[:80]!r}")
                    break
                result.done[kind.name] += 1
                if close:
                    break
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
        if not more():
            return


def _fail(result: LoadResult, kind: Kind, why: str) -> None:
    result.failed += 1
    if len(result.failures) < 20:
        result.failures.append(f"{kind.name}: {why}")


def _contexts(origin_ca: Path, mitm_ca: Path) -> dict[bool, ssl.SSLContext]:
    """Verifying TLS contexts: True → the origin's CA (pass-through), False → mitmproxy's."""
    out = {}
    for passthrough, ca in ((True, origin_ca), (False, mitm_ca)):
        context = ssl.create_default_context(cafile=str(ca))
        context.set_alpn_protocols(["http/1.1"])
        out[passthrough] = context
    return out


async def _run(
    port: int,
    total: int,
    concurrency: int,
    contexts: dict[bool, ssl.SSLContext],
    fault: bool,
    result: LoadResult,
    keep_going: Callable[[], bool],
) -> LoadResult:
    plan: list[list[Kind]] = []
    for name, share in MIX.items():
        kinds = [KINDS[name]]
        if name.endswith("-fault"):
            if not fault:
                continue
            kinds = [KINDS["http"], KINDS[name]]  # the fault starts mid-load
        plan += [kinds] * share
    if fault:
        plan.append([KINDS["https-passthrough"], KINDS["https-fault"]])
    tickets = itertools.count()
    started = time.monotonic()
    await asyncio.gather(
        *(
            _client(port, plan[i % len(plan)], contexts, tickets, total, result, keep_going)
            for i in range(concurrency)
        )
    )
    result.seconds = time.monotonic() - started
    return result


def run_load(
    port: int,
    total: int,
    concurrency: int,
    *,
    origin_ca: Path,
    mitm_ca: Path,
    fault: bool = True,
    result: LoadResult | None = None,
    keep_going: Callable[[], bool] = lambda: False,
) -> LoadResult:
    """Send `total` requests (more while `keep_going()`) through the proxy on `port` from
    `concurrency` clients; `result` fills as it goes, so another thread can watch progress."""
    result = result if result is not None else LoadResult()
    contexts = _contexts(origin_ca, mitm_ca)
    return asyncio.run(_run(port, total, concurrency, contexts, fault, result, keep_going))


# -- the proxy's resources and its hot reload ----------------------------------------------


def fd_count(pid: int) -> int:
    """Open file descriptors of a process (Linux /proc)."""
    return len(os.listdir(f"/proc/{pid}/fd"))


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def settle(pid: int, baseline: int, timeout: float = 15.0) -> int:
    """The fd count once closed connections are gone (or whatever it is after `timeout`)."""
    deadline = time.monotonic() + timeout
    count = fd_count(pid)
    while count > baseline and time.monotonic() < deadline:
        time.sleep(0.2)
        count = fd_count(pid)
    return count


def poke(port: int) -> None:
    """One plain HTTP request through the proxy (its answer does not matter here)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5) as sock:
        sock.sendall(f"GET http://{CLEAN_HOST}/poke HTTP/1.1\r\nHost: {CLEAN_HOST}\r\n"
                     "Connection: close\r\n\r\n".encode())  # fmt: skip
        while sock.recv(65536):
            pass


def events(data_dir: Path) -> list[dict[str, object]]:
    """The proxy's JSON event log."""
    path = data_dir / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def count_events(data_dir: Path, name: str) -> int:
    return sum(e.get("event") == name for e in events(data_dir))


@dataclass
class Reloader:
    """Recompiles the rules into the proxy's database `times` times, each adding one host,
    and waits for the proxy to report each reload before the next."""

    db: Path
    rules: list[Path]
    work: Path
    data_dir: Path
    #: the proxy's port: it checks its database from its hooks, so an idle proxy is poked
    port: int
    seconds: list[float] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)

    def replace(self, timeout: float = 60.0) -> None:
        """One real recompile into the data dir (temp file + rename), then wait for the swap."""
        number = len(self.hosts)
        host = f"reload-{number}.example.org"
        extra = self.work / f"reload-{number}.yaml"
        extra.write_text(
            f"id: block/reload-{number}\nkind: blocklist\ndescription: reload {number}\n"
            f"source: tests\nseverity: block\nhosts: [{host}]\n"
        )
        before = count_events(self.data_dir, "reload")
        started = time.monotonic()
        compile_dir([*self.rules, extra], self.db)
        deadline = started + timeout
        while count_events(self.data_dir, "reload") <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"the proxy did not reload {self.db} in {timeout} s")
            poke(self.port)
            time.sleep(0.1)
        self.seconds.append(time.monotonic() - started)
        self.hosts.append(host)


def reload_during(
    reloader: Reloader,
    times: int,
    total: int,
    load: Callable[[LoadResult, Callable[[], bool]], LoadResult],
) -> LoadResult:
    """Run `load` and replace the database `times` times at even steps of its progress;
    the load goes on until the last replacement was picked up, so all of them happen under
    traffic."""
    import threading

    errors: list[BaseException] = []
    finished = threading.Event()
    result = LoadResult()

    def replace_all() -> None:
        try:
            for step in range(1, times + 1):
                while result.total < total * step // (times + 1) and result.failed < 100:
                    time.sleep(0.05)
                reloader.replace()
        except BaseException as exc:
            errors.append(exc)
        finally:
            finished.set()

    thread = threading.Thread(target=replace_all, name="reloader", daemon=True)
    thread.start()
    load(result, lambda: not finished.is_set())
    thread.join()
    if errors:
        raise errors[0]
    return result
