"""Pattern rules' worst case: time per check of hosts built to make glob matching backtrack.

The rule set is the bundled packs plus one pattern rule of the dialect's most expensive
shapes (two `*` in every label, the full 8 wildcards, `**.`). Each check uses a fresh host
(a per-host cache cannot help), and the result is a ratio to two baselines measured in the
same run, in alternating rounds: the same engine checking ordinary unseen host names, and the
hostile hosts checked by the same rules without the pattern rule (what the pattern costs).

`--naive` also times, on a few of the same hosts, the regex the dialect compiled to before
labels were matched one at a time (one regex over the whole host, backtracking across dots):
what the bound in docs/rules.md prevents.
Usage: .venv/bin/python bench/patterns.py [--hosts N] [--naive] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The dialect's costliest shapes within its limits (2 `*` a label, 8 wildcards a pattern).
PATTERNS = ("*a*.*a*.*a*.*a*.com", "*a*b.*a*b.*a*b.*a*b.com", "**.*a*.*a*.*a*.*a*.com")
RULE = (
    "id: bench/worst-patterns\nkind: pattern\ndescription: worst-case globs\n"
    "source: bench/patterns.py\npatterns:\n" + "".join(f'  - "{p}"\n' for p in PATTERNS)
)
WORDS = ["secure", "login", "verify", "account", "mail", "shop", "pay", "cloud", "portal"]
TLDS = ["com", "net", "org", "info", "xyz", "de", "io"]


def hostile_hosts(count: int, seed: int) -> list[str]:
    """Four labels of 60 letters, nearly all `a` (a different one each time), under `.com.de`.

    Every label fits `*a*` (and, ending in `b`, `*a*b`), and the suffix holds every pattern's
    index key (`.com`, `b.co`) without matching any: a backtracking matcher tries every way to
    split every earlier label before it gives up.
    """
    rng = random.Random(seed)
    hosts: set[str] = set()
    while len(hosts) < count:
        end = rng.choice("ab")
        labels = []
        for _ in range(4):
            chars = ["a"] * 59
            chars[rng.randrange(59)] = rng.choice(string.ascii_lowercase)
            labels.append("".join(chars) + end)
        hosts.add(".".join(labels) + ".com.de")
    return sorted(hosts)


def ordinary_hosts(count: int, seed: int) -> list[str]:
    """Plausible unseen names, the traffic every check normally sees."""
    rng = random.Random(seed)
    hosts: set[str] = set()
    while len(hosts) < count:
        label = "-".join(rng.sample(WORDS, rng.randint(1, 3))) + str(rng.randint(0, 99_999))
        hosts.add(f"{rng.choice(['', 'www.', 'm.'])}{label}.{rng.choice(TLDS)}")
    return sorted(hosts)


def naive_regex(text: str) -> re.Pattern[str]:
    """The whole-host regex the dialect compiled to before labels were matched one at a time."""
    any_subdomain = text.startswith("**.")
    body = text[3:] if any_subdomain else text

    def label(glob: str) -> str:
        return "".join(
            "[a-z0-9_-]*" if c == "*" else "[a-z0-9_-]" if c == "?" else re.escape(c) for c in glob
        )

    prefix = r"(?:[a-z0-9_-]+\.)*" if any_subdomain else ""
    return re.compile(prefix + r"\.".join(label(part) for part in body.split(".")))


def per_check(check: Callable[[str], object], hosts: list[str]) -> float:
    """Seconds per call of `check` over `hosts`."""
    start = time.perf_counter()
    for host in hosts:
        check(host)
    return (time.perf_counter() - start) / len(hosts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=2_000, help="hosts per round and kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive", action="store_true", help="also time the pre-fix regex")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()

    from lureguard.engine import Engine
    from lureguard.native import status
    from lureguard.paths import bundled_rules_dir
    from lureguard.ruleset.build import compile_dir

    with tempfile.TemporaryDirectory(prefix="lureguard-bench-") as tmp:
        extra = Path(tmp) / "extra"
        extra.mkdir()
        (extra / "worst.yaml").write_text(RULE)
        compile_dir([bundled_rules_dir(), extra], Path(tmp) / "with.db")
        compile_dir([bundled_rules_dir()], Path(tmp) / "without.db")
        engine = Engine.from_db(Path(tmp) / "with.db")
        plain = Engine.from_db(Path(tmp) / "without.db")

    hostile = hostile_hosts(args.hosts * args.rounds, seed=1)
    ordinary = ordinary_hosts(args.hosts * args.rounds, seed=2)
    times: dict[str, list[float]] = {"ordinary": [], "no_patterns": [], "worst": []}
    # Alternate the three so drift on a shared machine hits all alike; keep each one's best.
    for round_ in range(args.rounds):
        chunk = slice(round_ * args.hosts, (round_ + 1) * args.hosts)
        times["ordinary"].append(per_check(engine.check, ordinary[chunk]))
        times["no_patterns"].append(per_check(plain.check, hostile[chunk]))
        times["worst"].append(per_check(engine.check, hostile[chunk]))
    best = {name: min(values) for name, values in times.items()}
    report: dict[str, object] = {
        "engine_build": status(),
        "patterns": list(PATTERNS),
        "hosts_per_round": args.hosts,
        **{f"{name}_us": round(seconds * 1e6, 2) for name, seconds in best.items()},
        "worst_to_ordinary": round(best["worst"] / best["ordinary"], 2),
        "worst_to_no_patterns": round(best["worst"] / best["no_patterns"], 2),
    }
    if args.naive:
        regexes = [naive_regex(p) for p in PATTERNS]
        naive = per_check(lambda h: [r.fullmatch(h) for r in regexes], hostile[:3])
        report["naive_us"] = round(naive * 1e6)
        report["naive_to_ordinary"] = round(naive / best["ordinary"])
    if args.json:
        print(json.dumps(report))
        return
    print(f"engine:   {report['engine_build']}")
    print(f"patterns: {', '.join(PATTERNS)}")
    print(f"baseline: {report['ordinary_us']} us per check (ordinary unseen hosts)")
    print(
        f"          {report['no_patterns_us']} us per check "
        "(the hostile hosts, same engine without the pattern rule)"
    )
    print(
        f"worst:    {report['worst_us']} us per check (fresh hostile hosts): "
        f"{report['worst_to_ordinary']}x the first baseline, "
        f"{report['worst_to_no_patterns']}x the second"
    )
    if args.naive:
        print(
            f"naive:    {report['naive_us']:,} us per check with the whole-host regex, "
            f"{report['naive_to_ordinary']:,}x the first baseline"
        )


if __name__ == "__main__":
    main()
