"""Long load-and-reload run against a real `lureguard run` on loopback (the suite runs 3,000).

Same setup and checks as tests/robustness/test_load_reload.py: 50 clients (HTTP, HTTPS passed
through, warning pages over HTTP and intercepted HTTPS, and from halfway a host for which the
engine raises), every answer verified, the bundled rules recompiled into the proxy's data dir
`--reloads` times under traffic. The run is split into `--phases` equal phases, each with its
own reloads, so memory can be judged by its trend: a leak grows every phase, allocator warm-up
only the first. Reports counts, failures, throughput, reload latency, fds and RSS per phase.
Nothing is asserted: the exit status is 1 only when a request failed.

    .venv/bin/python bench/load.py [--requests 20000] [--concurrency 50] [--reloads 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.robustness import loadgen  # noqa: E402
from tests.robustness.loadgen import LoadResult, Reloader  # noqa: E402
from tests.robustness.test_load_reload import start_load_proxy  # noqa: E402
from tests.support.certs import make_test_ca  # noqa: E402
from tests.support.origin import Origin  # noqa: E402
from tests.support.proxy import ProxyProcess  # noqa: E402

from lureguard.paths import bundled_rules_dir  # noqa: E402
from lureguard.ruleset.build import compile_dir  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--reloads", type=int, default=3, help="database swaps per phase")
    parser.add_argument("--phases", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lureguard-load-"))
    ca = make_test_ca(work / "ca")
    origin = Origin(ca).start()
    compile_dir([bundled_rules_dir()], work / "bundled.db")
    proxy = start_load_proxy(work / "data", origin, ca, work / "bundled.db")
    pid = proxy.proc.pid
    failed = 0
    try:
        start_rss = loadgen.rss_kib(pid)
        reloader = Reloader(
            proxy.data_dir / "rules.db", [bundled_rules_dir()], work, proxy.data_dir, proxy.port
        )
        warm = loadgen.run_load(
            proxy.port, 400, args.concurrency, origin_ca=ca.ca_cert, mitm_ca=proxy.mitm_ca,
            fault=False,
        )  # fmt: skip
        reloader.replace()
        fds = loadgen.settle(pid, 0, timeout=2)
        rss = loadgen.rss_kib(pid)
        print(f"proxy pid {pid}: RSS at start {start_rss / 1024:.1f} MiB; after warm-up "
              f"({warm.total} requests, 1 reload) {rss / 1024:.1f} MiB, {fds} fds")  # fmt: skip
        per_phase = args.requests // args.phases
        for phase in range(1, args.phases + 1):
            result = _phase(proxy, reloader, args.reloads, per_phase, args.concurrency, ca.ca_cert)
            failed += result.failed
            after_fds = loadgen.settle(pid, fds)
            after_rss = loadgen.rss_kib(pid)
            rate = result.total / result.seconds
            print(
                f"phase {phase}: {result.total} requests, {result.failed} failed, "
                f"{result.seconds:.1f} s ({rate:.0f} req/s), {result.connections} connections; "
                f"reloads {', '.join(f'{s:.2f}' for s in reloader.seconds[-args.reloads :])} s; "
                f"fds {fds} -> {after_fds}; RSS {rss / 1024:.1f} -> {after_rss / 1024:.1f} MiB "
                f"({(after_rss - rss) / 1024:+.1f})"
            )
            print(f"  by kind: {dict(sorted(result.done.items()))}")
            for failure in result.failures:
                print(f"  FAILED {failure}")
            fds, rss = after_fds, after_rss
        errors = [e for e in loadgen.events(proxy.data_dir) if e["event"] == "error"]
        print(
            f"reloads applied: {loadgen.count_events(proxy.data_dir, 'reload')}, failed: "
            f"{loadgen.count_events(proxy.data_dir, 'reload-failed')}; injected-fault errors "
            f"logged: {len(errors)} ({sorted({str(e['hook']) for e in errors})}); proxy alive: "
            f"{proxy.proc.poll() is None}"
        )
    finally:
        proxy.stop()
        origin.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def _phase(
    proxy: ProxyProcess,
    reloader: Reloader,
    reloads: int,
    total: int,
    concurrency: int,
    origin_ca: Path,
) -> LoadResult:
    """One load phase with `reloads` database swaps spread evenly over its progress."""

    def run(result: LoadResult, keep_going: Callable[[], bool]) -> LoadResult:
        return loadgen.run_load(
            proxy.port, total, concurrency, origin_ca=origin_ca, mitm_ca=proxy.mitm_ca,
            result=result, keep_going=keep_going,
        )  # fmt: skip

    return loadgen.reload_during(reloader, reloads, total, run)


if __name__ == "__main__":
    sys.exit(main())
