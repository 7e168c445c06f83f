"""The shared vocabulary: every adapter (proxy, API, CLI) speaks in Verdicts and Reasons.

The JSON shape produced by `Verdict.to_dict` is a contract (DESIGN.md §3); extend it, never
rename or drop a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Level = Literal["allow", "warn", "block"]
LEVELS: tuple[Level, ...] = get_args(Level)

Kind = Literal[
    "blocklist",
    "url-rule",
    "pattern",
    "homoglyph",
    "idn-mixed-script",
    "typo",
    "bitsquat",
    "tld-swap",
    "combosquat",
    "target-embedding",
    "allowlisted",
    "link-mismatch",
]
KINDS: tuple[Kind, ...] = get_args(Kind)

_RANK = {"allow": 0, "warn": 1, "block": 2}


def stricter(a: Level, b: Level) -> Level:
    """Return the more severe of two levels (block > warn > allow)."""
    return a if _RANK[a] >= _RANK[b] else b


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a verdict was reached: one technique or list entry, explained for a person.

    `positions` are indexes into the visited label (Unicode form) whose characters differ from
    the target; the warning page and the extension highlight them.
    """

    kind: Kind
    rule_id: str
    level: Level
    detail: str
    brand: str | None = None
    target: str | None = None
    source: str | None = None
    positions: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of this reason."""
        return {
            "kind": self.kind,
            "rule_id": self.rule_id,
            "brand": self.brand,
            "target": self.target,
            "detail": self.detail,
            "level": self.level,
            "source": self.source,
            "positions": list(self.positions),
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The engine's answer for one input; `verdict` is None only when `error` is set."""

    input: str
    host: str | None
    registered_domain: str | None
    verdict: Level | None
    reasons: tuple[Reason, ...] = ()
    error: str | None = None
    display_host: str | None = field(default=None, compare=False)

    @classmethod
    def invalid(cls, text: str, error: str) -> Verdict:
        """A verdict for input that is not a URL or host."""
        return cls(input=text, host=None, registered_domain=None, verdict=None, error=error)

    @property
    def flagged(self) -> bool:
        """True for warn and block."""
        return self.verdict in ("warn", "block")

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON object (DESIGN.md §3)."""
        return {
            "input": self.input,
            "host": self.host,
            "display_host": self.display_host,
            "registered_domain": self.registered_domain,
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
            "error": self.error,
        }
