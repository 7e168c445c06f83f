"""Hostile input to the rule tooling and the pattern dialect (issue 20, items 5-7).

* Pattern rules: a host built to make glob matching backtrack must cost microseconds, not
  seconds, since every check runs in the proxy's request hook.
* `hosts_file` pointing at a FIFO, `/dev/zero` or a huge file: `rules lint` and `rules
  compile` answer with one `file:line:col: error` line, never hang, never exhaust memory, and
  leave the installed database as it was. Run as real processes with a timeout and a memory
  cap, so a regression fails instead of hanging or taking the machine down.
* `rules import` with line breaks and control characters in the file name, the options and
  the feed: the YAML written holds exactly the intended rules and lints clean.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lureguard.cli import main
from lureguard.engine import Engine
from lureguard.fsutil import MAX_READ_BYTES
from lureguard.ruledata.patterns import PatternError, parse_pattern
from lureguard.ruleset.build import compile_dir

LUREGUARD = str(Path(sys.executable).parent / "lureguard")

# --- 5. pattern matching cost --------------------------------------------------------------

WORST_PATTERNS = ("*a*.*a*.*a*.*a*.com", "**.*a*.*a*.*a*.*a*.com", "*a*b.*a*b.*a*b.*a*b.com")
PATTERN_RULE = (
    "id: pattern/worst\nkind: pattern\ndescription: worst-case globs\nsource: tests\n"
    "patterns:\n" + "".join(f'  - "{p}"\n' for p in WORST_PATTERNS)
)


def _hostile_host(n: int, end: str, suffix: str) -> str:
    """Four labels of 60 letters ending in `end`, all `a` but one: each fits `*a*` in 60 ways.

    `suffix` `.com.de` holds the index key of every pattern (so they are all compared) and
    matches none of them (so a backtracking matcher tries every split before it gives up).
    """
    labels = ["a" * 59 + end] * 4
    labels[n % 4] = "a" * (n % 59) + "z" + "a" * (58 - n % 59) + end
    return ".".join(labels) + suffix


def test_worst_case_pattern_hosts_are_checked_in_microseconds(tmp_path: Path) -> None:
    # Before labels were matched one at a time, each of these took one to four seconds: the
    # regex tried every split of every earlier label once the last one failed.
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "worst.yaml").write_text(PATTERN_RULE)
    compile_dir([tmp_path / "rules"], tmp_path / "rules.db")
    engine = Engine.from_db(tmp_path / "rules.db", detectors=[])
    # Fresh names each time: a per-host cache cannot help.
    hosts = [_hostile_host(n, end, ".com.de") for n in range(2) for end in "ab"]
    start = time.perf_counter()
    verdicts = [engine.check(host) for host in hosts]
    elapsed = time.perf_counter() - start
    assert not any(v.flagged for v in verdicts)
    assert elapsed < 0.5, f"{len(hosts)} checks took {elapsed:.2f} s"
    # The same shapes still match when they should.
    for host in (_hostile_host(5, "a", ".com"), "x." + _hostile_host(6, "b", ".com")[2:]):
        assert engine.check(host).flagged, host


def _reference_regex(text: str) -> re.Pattern[str]:
    """The dialect as docs/rules.md defines it, written the direct (backtracking) way."""
    any_subdomain = text.startswith("**.")
    body = text[3:] if any_subdomain else text
    labels = [
        "".join(
            "[a-z0-9_-]*" if c == "*" else "[a-z0-9_-]" if c == "?" else re.escape(c) for c in glob
        )
        for glob in body.split(".")
    ]
    return re.compile((r"(?:[a-z0-9_-]+\.)*" if any_subdomain else "") + r"\.".join(labels))


_GLOB_LABEL = st.text("ab-*?", min_size=1, max_size=6)
_GLOB = st.builds(
    lambda sub, labels: ("**." if sub else "") + ".".join(labels),
    st.booleans(),
    st.lists(_GLOB_LABEL, min_size=1, max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(_GLOB, st.lists(st.text("aab.-", max_size=14), min_size=1, max_size=8))
def test_bounded_matcher_matches_exactly_what_the_dialect_defines(
    glob: str, hosts: list[str]
) -> None:
    try:
        pattern = parse_pattern(glob)
    except PatternError:
        return
    reference = _reference_regex(pattern.text)
    for host in hosts:
        assert pattern.matches(host) is (reference.fullmatch(host) is not None), host


# --- 6. hosts_file that is not a regular file ----------------------------------------------

GOOD_RULE = """\
id: block/good
kind: blocklist
description: test
source: tests
hosts: [evil-site.com]
"""
LIST_RULE = """\
id: block/listed
kind: blocklist
description: a host list beside the rule
source: tests
hosts_file: {name}
"""
#: Address space for one CLI process: plenty for lureguard, a quick MemoryError for a reader
#: that does not stop.
MEMORY_CAP = 2 * 2**30


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LUREGUARD, *args],
        capture_output=True,
        text=True,
        timeout=30,  # a FIFO opened for reading waits for a writer forever
        preexec_fn=_capped,
        check=False,
    )


def _special(rules: Path, kind: str) -> str:
    """Make `rules/<name>` a FIFO, a symlink to /dev/zero, or a regular file over the limit."""
    name = f"{kind}.txt"
    path = rules / name
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    else:
        with path.open("wb") as handle:  # sparse: no disk space, but reads as zeros
            handle.truncate(MAX_READ_BYTES + 1)
    (rules / f"{kind}.yaml").write_text(LIST_RULE.format(name=name))
    return name


EXPECTED = {
    "fifo": "not a regular file (a named pipe)",
    "zero": "not a regular file (a character device)",
    "huge": f"file is larger than {MAX_READ_BYTES // 2**20} MiB",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_lint_reports_a_special_hosts_file_as_one_error_line(tmp_path: Path, kind: str) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "good.yaml").write_text(GOOD_RULE)
    name = _special(rules, kind)
    result = _cli("rules", "lint", "--no-guard", str(rules))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines() == [
        f"rules/{kind}.yaml:5:13: error: cannot read hosts_file '{name}': "
        f"{EXPECTED[kind]} [block/listed]"
    ]


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_compile_refuses_a_special_hosts_file_and_keeps_the_database(
    tmp_path: Path, kind: str
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "good.yaml").write_text(GOOD_RULE)
    db = tmp_path / "rules.db"
    first = _cli("rules", "compile", "--rules", str(rules), "--out", str(db))
    assert first.returncode == 0, first.stderr
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns)
    name = _special(rules, kind)
    result = _cli("rules", "compile", "--rules", str(rules), "--out", str(db))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (
        f"{kind}.yaml:5:13: error: cannot read hosts_file '{name}': {EXPECTED[kind]}"
        in result.stderr
    )
    assert f"1 error(s); {db} was not changed" in result.stderr
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules", "rules.db"]


def test_a_stray_fifo_beside_the_rules_does_not_block_a_compile(tmp_path: Path) -> None:
    # Host lists beside the rules are hashed into the version even when no rule names them.
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "good.yaml").write_text(GOOD_RULE)
    os.mkfifo(rules / "stray.txt")
    result = _cli("rules", "compile", "--rules", str(rules), "--out", str(tmp_path / "r.db"))
    assert result.returncode == 0, result.stderr


# --- 7. YAML injection through rules import ------------------------------------------------

#: Every kind of line break YAML knows; each could end the `# Imported ... from NAME` comment.
BREAKS = {"lf": "\n", "cr": "\r", "crlf": "\r\n", "nel": "\x85", "ls": "\u2028", "ps": "\u2029"}
INJECTED = (
    "{id: inj-allow, kind: allowlist, description: x, source: x, hosts: ['*.evil-one.example']}"
)
FEED = "phish-one.com\nphish-two.net\n"


def _import(
    tmp_path: Path, name: str, *options: str, fmt: str = "domains", out_name: str = "feed.yaml"
) -> Path:
    feed = tmp_path / name
    out = tmp_path / f"rules-{fmt}" / out_name
    result = CliRunner().invoke(
        main,
        ["rules", "import", "--format", fmt, "--source", "Example", "--added", "2026-11-25",
         "--out", str(out), *options, str(feed)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def _rules_in(out: Path) -> list[dict[str, object]]:
    return [doc for doc in yaml.safe_load_all(out.read_text("utf-8")) if doc is not None]


def _lints_clean(rules: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "lint", "--no-guard", str(rules)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("brk", sorted(BREAKS))
def test_import_file_name_with_line_breaks_adds_no_rule(tmp_path: Path, brk: str) -> None:
    b = BREAKS[brk]
    name = f"feed{b}---{b}{INJECTED}{b}---{b}#.txt"
    (tmp_path / name).write_text(FEED)
    out = _import(tmp_path, name)
    rules = _rules_in(out)
    assert [(r["id"], r["kind"], r["hosts"]) for r in rules] == [
        ("feed/example", "blocklist", ["phish-one.com", "phish-two.net"])
    ]
    first = out.read_text("utf-8").splitlines()[0]
    assert first.startswith("# Imported by `lureguard rules import --format domains` from feed")
    assert "evil-one.example" in first  # kept, visibly escaped, as provenance
    _lints_clean(out.parent)


def test_import_options_and_feed_text_cannot_add_lines(tmp_path: Path) -> None:
    # Options end up in the rule (title, license, tags) and in the comment of a big host list;
    # a MetaMask fuzzylist is quoted into a note; feed URLs become entries.
    hostile = "x\n*.evil-one.example\r\x85\u2028\x07\x1b[2J\u202e"
    big = tmp_path / "big.txt"
    big.write_text("".join(f"phish-{n}.com\n" for n in range(600)))
    out = _import(tmp_path, "big.txt", "--kind", "allowlist", "--license", hostile,
                  "--title", hostile, "--tag", hostile, out_name="big\u2028x.yaml")  # fmt: skip
    listed = (out.parent / "big_x.txt").read_text("utf-8").splitlines()
    assert [line for line in listed if not line.startswith("#")] == [
        f"phish-{n}.com" for n in range(600)
    ]
    (rule,) = _rules_in(out)
    assert rule["title"] == rule["license"] == rule["tags"][0]  # type: ignore[index]
    assert rule["title"] == r"x\x0a*.evil-one.example\x0d\x85\u2028\x07\x1b[2J\u202e"
    assert rule["hosts_file"] == "big_x.txt"
    _lints_clean(out.parent)

    (tmp_path / "mm.json").write_text(
        '{"blacklist": ["phish-one.com"], "fuzzylist": ["a\\u0007b", "c\\u2028- evil", "d\\re"]}'
    )
    (tmp_path / "op.txt").write_text("https://phish-one.com/login\u2028x\u0085y\n")
    for feed, fmt in (("mm.json", "metamask"), ("op.txt", "openphish")):
        out = _import(tmp_path, feed, fmt=fmt)
        (rule,) = _rules_in(out)
        text = out.read_text("utf-8")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", text), text
        _lints_clean(out.parent)
    assert rule["urls"] == ["https://phish-one.com/login%E2%80%A8x%C2%85y"]
