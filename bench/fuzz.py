"""Coverage-guided fuzzing (atheris / libFuzzer) of URL parsing and the YAML rule loader.

Two targets, each in its own process for a bounded time (libFuzzer's -max_total_time):
  url    text → hosts.parse_target and Engine.check over the bundled rules. Anything but a
         HostError from parsing is a crash, so is any exception from check (it answers bad
         input with an error verdict), and so is a parsed host that does not parse back to
         itself (normalisation must be idempotent).
  rules  bytes → a rule file → load_rules. Anything but reported problems is a crash; a file
         without errors must compile and load into an engine.
Seeds come from the shipped rules and a few hostile URLs. Inputs slower than -timeout count as
crashes too (e.g. the YAML alias bomb the loader now refuses). Not part of the test suite
(tests/robustness/test_fuzz_properties.py holds the hypothesis properties).

    .venv/bin/python bench/fuzz.py [--seconds 60] [--target url|rules|all]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_URLS = [
    "https://rnicrosoft.com/login", "http://paypal.com@evil.net:8080/x?y#z", "xn--80ak6aa92e.com",
    "HTTPS://WWW.PAYPA1.COM./", "[::ffff:127.0.0.1]", "0x7f.1", "https://аррӏе.com/",
    "http://a%zzb.com/", "wss://user:pw@[2001:db8::1]:443/p", "g00gle.co.uk", "a" * 70 + ".com",
]  # fmt: skip


def _source_modules() -> None:
    """Load lureguard from its Python sources, in a way atheris instruments: its coverage
    feedback sees no code inside the native build's C extensions, and `lureguard.native`
    puts its own finder first on `sys.meta_path` when the package is imported, so the
    package is imported before `instrument_imports` puts atheris's finder ahead of it."""
    os.environ["LUREGUARD_PURE"] = "1"
    import lureguard  # noqa: F401  (installs lureguard.native's finder)


def url_target() -> None:
    """libFuzzer loop over URL/host text (runs in this process until the time is up)."""
    import atheris

    _source_modules()
    with atheris.instrument_imports(include=["lureguard"]):
        from lureguard.engine import Engine
        from lureguard.hosts import HostError, parse_target
        from lureguard.paths import bundled_rules_dir
        from lureguard.ruleset.build import compile_dir

    db = Path(tempfile.mkdtemp(prefix="lureguard-fuzz-")) / "rules.db"
    compile_dir([bundled_rules_dir()], db)
    engine = Engine.from_db(db)

    def one(data: bytes) -> None:
        text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
        try:
            target = parse_target(text)
        except HostError:
            target = None
        if target is not None and parse_target(target.host).host != target.host:
            raise AssertionError(f"not idempotent: {text!r} -> {target.host!r}")
        verdict = engine.check(text)
        if (verdict.verdict is None) != (verdict.error is not None):
            raise AssertionError(f"verdict without error or error with verdict for {text!r}")

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


def rules_target() -> None:
    """libFuzzer loop over rule-file bytes."""
    import atheris

    _source_modules()
    with atheris.instrument_imports(include=["lureguard", "yaml"]):
        from lureguard.engine import Engine
        from lureguard.popular import PopularList
        from lureguard.ruleset.compile import compile_rules
        from lureguard.ruleset.load import load_rules

    work = Path(tempfile.mkdtemp(prefix="lureguard-fuzz-", dir=_fast_tmp()))
    rules = work / "rules"
    rules.mkdir()
    path = rules / "fuzz.yaml"
    empty = PopularList.empty()

    def one(data: bytes) -> None:
        path.write_bytes(data)
        loaded = load_rules([rules])
        if loaded.errors or not loaded.rules:
            return
        engine = Engine.from_db(compile_rules(loaded, work / "fuzz.db", empty).path)
        for rule in loaded.rules:
            for sample in rule.tests_match[:3]:
                engine.check(sample)

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


def _fast_tmp() -> str | None:
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() else None


def _seed(target: str, corpus: Path) -> None:
    corpus.mkdir(parents=True, exist_ok=True)
    if target == "url":
        for n, url in enumerate(SEED_URLS):
            (corpus / f"seed-{n}").write_bytes(url.encode())
        return
    picks = sorted((REPO / "rules").rglob("*.yaml"))[:40]
    for n, path in enumerate(picks):
        (corpus / f"seed-{n}").write_bytes(path.read_bytes()[:4096])


def _run(target: str, seconds: int, out: Path) -> dict[str, str]:
    corpus = out / f"corpus-{target}"
    _seed(target, corpus)
    artifacts = out / f"crashes-{target}"
    artifacts.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, __file__, "--target", target, "--worker",
        str(corpus), f"-max_total_time={seconds}", "-timeout=5", "-max_len=4096",
        "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}/", "-print_final_stats=1",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    log = done.stdout + done.stderr  # atheris prints a crash's Python traceback on stdout
    (out / f"{target}.log").write_text(log)
    last = [line for line in log.splitlines() if re.search(r"#\d+\s+(DONE|pulse|NEW|REDUCE)", line)]
    stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", log))
    crashes = sorted(p.name for p in artifacts.iterdir())
    return {
        "target": target,
        "exit": str(done.returncode),
        "runs": stats.get("number_of_executed_units", "?"),
        "per_second": stats.get("average_exec_per_sec", "?"),
        "peak_rss_mb": stats.get("peak_rss_mb", "?"),
        "coverage": (re.search(r"cov: (\d+) ft: (\d+)", last[-1]).group(0) if last else "?"),  # type: ignore[union-attr]
        "corpus": str(len(list(corpus.iterdir()))),
        "crashes": ", ".join(crashes) or "none",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["url", "rules", "all"], default="all")
    parser.add_argument("--seconds", type=int, default=60, help="time per target")
    parser.add_argument("--keep", action="store_true", help="keep corpus, logs and crashes")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.worker:
        sys.argv = [sys.argv[0], *rest]
        {"url": url_target, "rules": rules_target}[args.target]()
        return 0
    out = Path(tempfile.mkdtemp(prefix="lureguard-fuzz-out-"))
    failed = False
    for target in ("url", "rules") if args.target == "all" else (args.target,):
        result = _run(target, args.seconds, out)
        print("  ".join(f"{k}={v}" for k, v in result.items()), flush=True)
        failed |= result["crashes"] != "none" or result["exit"] != "0"
    print(f"logs, corpus and crashes in {out}" if args.keep or failed else "no crashes")
    if not (args.keep or failed):
        shutil.rmtree(out, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
