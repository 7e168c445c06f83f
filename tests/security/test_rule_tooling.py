"""Hostile input to the rule tooling and the pattern dialect (issue 20, items 5-7).

* Pattern rules: a host built to make glob matching backtrack must cost microseconds, not
  seconds, since every check runs in the proxy's request hook.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lureguard.engine import Engine
from lureguard.ruleset.build import compile_dir
from lureguard.ruleset.patterns import PatternError, parse_pattern

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
