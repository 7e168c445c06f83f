"""Proxy throughput and latency on loopback: direct vs bare mitmdump vs lureguard, in one run.

Scenarios (hey, keep-alive, c connections, a bounded number of requests each):
  direct HTTP / HTTPS        hey → origin
  HTTP                       hey → mitmdump | lureguard → origin (plain HTTP, checked per request)
  intercepted HTTPS          a host with a URL rule, so lureguard must decrypt it; mitmdump
                             decrypts everything anyway
  passed-through HTTPS       a clean host: lureguard passes it through at the ClientHello;
                             the baseline is mitmdump with ignore_hosts matching everything
Both proxies run with the same options (lazy connection strategy, quiet, ssl_insecure for the
throwaway origin certificate), so the ratio is the addon's cost. The origin is a minimal asyncio
HTTP/1.1 server, so it is never the bottleneck.
Results are ratios against the baseline measured in the same run; nothing is asserted.

    .venv/bin/python bench/proxy.py [--requests 3000] [--concurrency 16] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.certs import make_test_ca  # noqa: E402
from tests.support.proxy import MITMDUMP, start_lureguard  # noqa: E402

from lureguard.paths import bundled_rules_dir  # noqa: E402
from lureguard.ruleset.build import compile_dir  # noqa: E402

#: The origin listens on loopback; the proxies resolve these names themselves (no mapping).
CLEAN = "127.0.0.1"
URL_RULE_HOST = "localhost"
EXTRA_RULES = """\
id: block/bench-url
kind: blocklist
title: bench URL rule
description: A URL rule that forces localhost to be decrypted (its other paths are clean).
source: bench
added: 2026-11-25
severity: block
urls: ["https://localhost/phish/"]
"""
BODY = b"ok" * 64
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            match = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if match:
                await reader.readexactly(int(match.group(1)))
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


class AsyncOrigin:
    """A minimal keep-alive HTTP/1.1 origin (HTTP and HTTPS) so the origin is never the limit."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.http_port = self.https_port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        plain = await asyncio.start_server(_serve, "127.0.0.1", 0)
        tls = await asyncio.start_server(_serve, "127.0.0.1", 0, ssl=self.context)
        self.http_port = plain.sockets[0].getsockname()[1]
        self.https_port = tls.sockets[0].getsockname()[1]
        self._ready.set()
        await asyncio.Event().wait()

    def start(self) -> AsyncOrigin:
        self._thread.start()
        self._ready.wait(10)
        return self


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def hey(url: str, requests: int, concurrency: int, proxy: str | None = None) -> Result:
    """Run hey once and parse requests/s, p50, p99 and non-200 answers."""
    cmd = ["hey", "-n", str(requests), "-c", str(concurrency)]
    if proxy:
        cmd += ["-x", proxy]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = float(re.search(r"50%+ in ([\d.]+) secs", out).group(1))  # type: ignore[union-attr]
    p99 = float(re.search(r"99%+ in ([\d.]+) secs", out).group(1))  # type: ignore[union-attr]
    ok = sum(int(n) for n in re.findall(r"\[200\]\s+(\d+) responses", out))
    sent = requests // concurrency * concurrency  # hey sends n/c per worker
    return Result(rps, p50 * 1000, p99 * 1000, sent - ok)


def median(results: list[Result]) -> Result:
    return Result(
        statistics.median(r.rps for r in results),
        statistics.median(r.p50_ms for r in results),
        statistics.median(r.p99_ms for r in results),
        sum(r.errors for r in results),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per proxied run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per pair")
    args = parser.parse_args()
    if shutil.which("hey") is None:
        sys.exit("bench/proxy.py needs hey (apt-get install hey)")
    n, c = args.requests, args.concurrency
    fast_n = n * 5  # passed-through and direct runs are ~10-100x faster

    with tempfile.TemporaryDirectory(prefix="lureguard-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ca = make_test_ca(tmp / "ca")
        origin = AsyncOrigin(ca.server_cert, ca.server_key).start()
        (tmp / "extra.yaml").write_text(EXTRA_RULES)
        db = tmp / "lg" / "rules.db"
        db.parent.mkdir()
        result = compile_dir([bundled_rules_dir(), tmp / "extra.yaml"], db)
        mapping = ["--set", "ssl_insecure=true"]

        def bare(extra: list[str], name: str) -> object:
            return start_lureguard(
                tmp / name,
                command=[
                    str(MITMDUMP), "-q", "--listen-host", "127.0.0.1", "--listen-port", "{port}",
                    "--set", "confdir={data_dir}/mitmproxy",
                    "--set", "connection_strategy=lazy", *extra,
                ],
                mitm_args=mapping,
            )  # fmt: skip

        proxies = {
            "mitmdump": bare([], "bare"),
            "mitmdump-ignore-all": bare(["--set", "ignore_hosts=.*"], "bare-ignore"),
            "lureguard": start_lureguard(tmp / "lg", args=["--db", str(db)], mitm_args=mapping),
        }
        try:
            rows: list[tuple[str, Result, Result, Result]] = []
            direct_http = hey(f"http://127.0.0.1:{origin.http_port}/", fast_n, c)
            direct_https = hey(f"https://127.0.0.1:{origin.https_port}/", fast_n, c)
            plans = [
                ("HTTP", f"http://localhost:{origin.http_port}/", "mitmdump", n, direct_http),
                ("intercepted HTTPS", f"https://{URL_RULE_HOST}:{origin.https_port}/", "mitmdump",
                 n, direct_https),
                ("passed-through HTTPS", f"https://{CLEAN}:{origin.https_port}/",
                 "mitmdump-ignore-all", fast_n, direct_https),
            ]  # fmt: skip
            for label, url, baseline, count, direct in plans:
                base_runs, lg_runs = [], []
                for _ in range(args.rounds):
                    base_runs.append(hey(url, count, c, proxies[baseline].url))  # type: ignore[attr-defined]
                    lg_runs.append(hey(url, count, c, proxies["lureguard"].url))  # type: ignore[attr-defined]
                rows.append((label, direct, median(base_runs), median(lg_runs)))
        finally:
            for proxy in proxies.values():
                proxy.stop()  # type: ignore[attr-defined]

    print(f"rules: {result.counts['rules']} rules, version {result.digest[:12]}; "
          f"c={c}, {n} requests per proxied run ({fast_n} for direct/passthrough), "
          f"median of {args.rounds} alternating rounds")  # fmt: skip
    header = (f"{'scenario':<22}{'direct req/s':>13}{'baseline req/s':>15}{'lureguard req/s':>16}"
              f"{'lg/baseline':>12}{'lg/direct':>10}{'base p50/p99 ms':>17}{'lg p50/p99 ms':>15}"
              f"{'errors':>8}")  # fmt: skip
    print(header)
    for label, direct, base, lg in rows:
        print(
            f"{label:<22}{direct.rps:>13.0f}{base.rps:>15.0f}{lg.rps:>16.0f}"
            f"{lg.rps / base.rps:>12.2f}{lg.rps / direct.rps:>10.3f}"
            f"{f'{base.p50_ms:.1f}/{base.p99_ms:.1f}':>17}{f'{lg.p50_ms:.1f}/{lg.p99_ms:.1f}':>15}"
            f"{base.errors + lg.errors:>8}"
        )
    print("baselines: HTTP and intercepted HTTPS vs bare mitmdump; passed-through HTTPS vs "
          "mitmdump with ignore_hosts=.* (its own pass-through)")  # fmt: skip


if __name__ == "__main__":
    main()
