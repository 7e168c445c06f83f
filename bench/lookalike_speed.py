"""Lookalike throughput: verdicts per second for unseen hosts with the full brand pack.

Every host is checked once (no cache can help), on one core, next to a baseline measured in
the same run: the same engine with no lookalike detectors (parsing, allowlist, blocklist,
official and popular checks only). Shared machines are noisy, so read the ratio too.
Usage: .venv/bin/python bench/lookalike_speed.py [--hosts N]
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TLDS = ["com", "net", "org", "info", "xyz", "top", "co.uk", "de", "ru", "io", "online", "site"]


def unseen_hosts(count: int, seed: int = 7) -> list[str]:
    """Distinct plausible host names (random word-like labels, some hyphens and subdomains)."""
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    hosts: dict[str, None] = {}
    while len(hosts) < count:
        label = "".join(rng.choice(letters) for _ in range(rng.randint(5, 14)))
        if rng.random() < 0.2:
            label += "-" + "".join(rng.choice(letters) for _ in range(rng.randint(3, 8)))
        host = f"{label}.{rng.choice(TLDS)}"
        if rng.random() < 0.3:
            host = rng.choice(["www", "mail", "login", "cdn", "app"]) + "." + host
        hosts[host] = None
    return list(hosts)


def rate(check: object, hosts: list[str]) -> float:
    """Checks per second over `hosts`, each checked once."""
    fn = check  # bound method
    start = time.perf_counter()
    for host in hosts:
        fn(host)  # type: ignore[operator]
    return len(hosts) / (time.perf_counter() - start)


def measure(db: Path, count: int) -> dict[str, float]:
    """Hosts per second with and without lookalike detectors (fresh hosts for each)."""
    from lureguard.engine import Engine

    hosts = unseen_hosts(count * 2)
    bare = Engine.from_db(db, detectors=[])
    full = Engine.from_db(db)
    rate(full.check, unseen_hosts(2000, seed=1))  # warm imports and code paths
    baseline = rate(bare.check, hosts[:count])
    lookalike = rate(full.check, hosts[count:])
    return {"hosts": count, "baseline": baseline, "lookalike": lookalike}


def compile_brands(out: Path) -> Path:
    """Compile rules/brands with the shipped popular list into `out`."""
    from lureguard.popular import PopularList
    from lureguard.ruleset.compile import compile_rules
    from lureguard.ruleset.load import load_rules

    loaded = load_rules([REPO / "rules" / "brands"])
    if loaded.errors:
        sys.exit(f"rules/brands has errors: {loaded.errors[0]}")
    compile_rules(loaded, out, PopularList.shipped())
    return out


def main() -> None:
    """Print the throughput of lookalike checks on unseen hosts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = measure(compile_brands(Path(tmp) / "rules.db"), args.hosts)
    print(
        f"{result['lookalike']:,.0f} unseen hosts/s with lookalike detection "
        f"(baseline without detectors {result['baseline']:,.0f}/s, "
        f"ratio {result['lookalike'] / result['baseline']:.2f})"
    )


if __name__ == "__main__":
    main()
