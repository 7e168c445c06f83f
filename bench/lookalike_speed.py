"""Lookalike throughput: verdicts per second for unseen hosts with the full brand pack.

Every host is checked once (no cache can help), on one core, next to a baseline measured in
the same run, in alternating chunks: the same engine with no lookalike detectors (parsing,
allowlist, blocklist, official and popular checks only). Shared machines are noisy, so read
the ratio too.
Two kinds of traffic: random word-like names (`unseen_hosts`, the default) and real site
names, the held-out popular domains (ranks 25,001-50,000, not shipped) with the sub-domain
prefixes browsers visit (`popular_hosts`, `--traffic popular`).
Usage: .venv/bin/python bench/lookalike_speed.py [--hosts N] [--traffic random|popular|both]
"""

from __future__ import annotations

import argparse
import csv
import random
import string
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POPULAR_CSV = REPO.parent / "shared" / "data" / "popular" / "alexa-2015-top-50k.csv"
HELD_OUT = range(25_001, 50_001)
PREFIXES = ["www", "api", "mail", "cdn", "m", "static", "login", "img"]
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


def popular_hosts(count: int, seed: int = 7) -> list[str]:
    """Held-out popular domains as visited: most with a sub-domain prefix, each domain once."""
    with POPULAR_CSV.open() as handle:
        held = [r[1].strip().lower() for r in csv.reader(handle) if r and int(r[0]) in HELD_OUT]
    rng = random.Random(seed)
    rng.shuffle(held)
    return [f"{rng.choice(PREFIXES)}.{d}" if rng.random() < 0.6 else d for d in held[:count]]


def measure(db: Path, count: int, chunk: int = 2_000, traffic: str = "random") -> dict[str, float]:
    """Hosts per second with and without lookalike detectors, each host checked once.

    The two engines take turns on chunks of fresh hosts, so load from other processes on a
    shared machine hits both alike and the ratio stays meaningful.
    """
    from lureguard.engine import Engine

    if traffic == "popular":
        hosts = popular_hosts(count * 2)
        count = len(hosts) // 2
    else:
        hosts = unseen_hosts(count * 2)
    bare = Engine.from_db(db, detectors=[])
    full = Engine.from_db(db)
    for host in unseen_hosts(2_000, seed=1):  # warm imports and code paths
        full.check(host)
    spent = {"baseline": 0.0, "lookalike": 0.0}
    for start in range(0, count, chunk):
        for name, engine, offset in (("baseline", bare, 0), ("lookalike", full, count)):
            batch = hosts[offset + start : offset + start + chunk]
            began = time.perf_counter()
            for host in batch:
                engine.check(host)
            spent[name] += time.perf_counter() - began
    return {"hosts": count, "baseline": count / spent["baseline"],
            "lookalike": count / spent["lookalike"]}  # fmt: skip


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
    parser.add_argument("--traffic", choices=["random", "popular", "both"], default="random")
    args = parser.parse_args()
    kinds = ["random", "popular"] if args.traffic == "both" else [args.traffic]
    with tempfile.TemporaryDirectory() as tmp:
        db = compile_brands(Path(tmp) / "rules.db")
        for kind in kinds:
            result = measure(db, args.hosts, traffic=kind)
            print(
                f"{kind}: {result['lookalike']:,.0f} unseen hosts/s with lookalike detection "
                f"(baseline without detectors {result['baseline']:,.0f}/s, "
                f"ratio {result['lookalike'] / result['baseline']:.2f}; "
                f"{result['hosts']:,} hosts)"
            )


if __name__ == "__main__":
    main()
