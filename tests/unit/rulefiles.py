"""Helpers for tests that write small rule sets to disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

BRAND = """\
id: brand/example
kind: brand
name: Example Bank
description: test brand
source: tests
domains: [examplebank.com, examplebank-cdn.net]
keywords: [examplebank]
"""

BLOCK = """\
id: block/test
kind: blocklist
description: test blocklist
source: tests
hosts: [evil.net, "*.bad.org"]
urls: ["https://docs.example.org/forms/phish"]
"""

ALLOW = """\
id: allow/test
kind: allowlist
description: test allowlist
source: tests
hosts: [allowed.evil.net]
"""


def write_rules(root: Path, **files: str) -> Path:
    """Write `name=yaml` pairs as root/rules/name.yaml and return the rules directory."""
    rules = root / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (rules / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return rules
