"""Load on loopback through a real `lureguard run` while its rules database is replaced.

Fifty clients (HTTP, HTTPS passed through, warning pages over HTTP and intercepted HTTPS) send
requests through the proxy to the loopback origins; meanwhile the bundled rules are recompiled
into the proxy's data dir three times (a real compile: temp file and rename), and halfway
through, some clients start visiting a host for which the engine raises (tests/robustness/
inject_fault.py). Every answer is checked (see loadgen.py). Afterwards: no failed request, all
three reloads applied, the fault logged and contained, file descriptors back to where they
were, resident memory within a bound (see RSS_SLACK_KIB).

The suite sends LUREGUARD_LOAD_REQUESTS requests (default 3,000); bench/load.py runs the same
with 20,000 and reports the numbers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lureguard.paths import bundled_rules_dir
from tests.robustness import loadgen
from tests.robustness.loadgen import FAULT_HOST, LoadResult, Reloader
from tests.support.certs import OriginCA
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, curl, start_lureguard

pytestmark = pytest.mark.e2e

REQUESTS = int(os.environ.get("LUREGUARD_LOAD_REQUESTS", "3000"))
CONCURRENCY = 50
RELOADS = 3
INJECT = Path(__file__).resolve().parent / "inject_fault.py"
#: Resident memory may grow this much over the warmed-up baseline. One engine over the bundled
#: rules costs about 15 MiB, so keeping the old engine on each of the three reloads (+45 MiB)
#: breaks the bound; after warm-up the proxy's RSS moves by at most about 5 MiB per phase
#: (bench/load.py: +17 MiB in the first phase, then -3.5, +4.8, +0.6).
RSS_SLACK_KIB = 16 * 1024
WARM_UP = 1500


def start_load_proxy(data_dir: Path, origin: Origin, test_ca: OriginCA, db: Path) -> ProxyProcess:
    """`lureguard run` on a copy of `db`, mapped to the origins, with the fault hook loaded."""
    target = data_dir / "rules.db"
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, target)
    return start_lureguard(
        data_dir,
        origin=origin,
        test_ca=test_ca,
        args=["--db", str(target)],
        mitm_args=["-s", str(INJECT), "--set", f"inject_fault_host={FAULT_HOST}"],
    )


@pytest.fixture(scope="module")
def load_proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> Iterator[ProxyProcess]:
    proxy = start_load_proxy(tmp_path_factory.mktemp("load-proxy"), origin, test_ca, bundled_db)
    yield proxy
    proxy.stop()


def _load(
    proxy: ProxyProcess, total: int, *, fault: bool = True
) -> Callable[[LoadResult, Callable[[], bool]], LoadResult]:
    assert proxy.test_ca is not None

    def run(result: LoadResult, keep_going: Callable[[], bool]) -> LoadResult:
        return loadgen.run_load(
            proxy.port, total, CONCURRENCY, origin_ca=proxy.test_ca.ca_cert,  # type: ignore[union-attr]
            mitm_ca=proxy.mitm_ca, fault=fault, result=result, keep_going=keep_going,
        )  # fmt: skip

    return run


def test_load_with_three_reloads_and_an_injected_fault(
    load_proxy: ProxyProcess, tmp_path: Path
) -> None:
    pid = load_proxy.proc.pid
    reloader = Reloader(load_proxy.data_dir / "rules.db", [bundled_rules_dir()], tmp_path,
                        load_proxy.data_dir, load_proxy.port)  # fmt: skip
    # Warm up with the same traffic and two swaps: the first phase grows the heap to its
    # working size (two engines coexist during a swap); memory is judged after that.
    warm = loadgen.reload_during(reloader, 2, WARM_UP, _load(load_proxy, WARM_UP))
    assert warm.failed == 0, warm.failures
    fds_before = loadgen.settle(pid, 0, timeout=2)
    rss_before = loadgen.rss_kib(pid)

    result = loadgen.reload_during(reloader, RELOADS, REQUESTS, _load(load_proxy, REQUESTS))

    assert result.failed == 0, result.failures
    assert result.total >= REQUESTS
    assert set(result.done) == set(loadgen.KINDS), result.done
    assert load_proxy.proc.poll() is None
    events = loadgen.events(load_proxy.data_dir)
    assert loadgen.count_events(load_proxy.data_dir, "reload") == 2 + RELOADS
    assert loadgen.count_events(load_proxy.data_dir, "reload-failed") == 0
    # The injected fault was contained: logged once per hook, fail-open applied, still serving.
    faults = [e for e in events if e["event"] == "error"]
    assert faults
    assert all(loadgen.FAULT_TEXT in str(e["error"]) for e in faults)
    assert {e["fail_policy"] for e in faults} == {"open"}
    assert "request" in {e["hook"] for e in faults}
    # The last swap is the rule set in use.
    nav = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
    assert curl(load_proxy, f"http://{reloader.hosts[-1]}/", headers=nav).status == 403
    assert curl(load_proxy, "http://www.example.org/after-load").status == 200

    fds_after = loadgen.settle(pid, fds_before)
    rss_after = loadgen.rss_kib(pid)
    print(
        f"\nload: {result.total} requests in {result.seconds:.1f} s over {result.connections} "
        f"connections, {dict(result.done)}; reloads {[round(s, 2) for s in reloader.seconds]} s; "
        f"fds {fds_before} -> {fds_after}; RSS {rss_before} -> {rss_after} KiB"
    )
    assert fds_after <= fds_before
    assert rss_after <= rss_before + RSS_SLACK_KIB
