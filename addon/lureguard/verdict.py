"""The shared vocabulary: every adapter (proxy, API, CLI) speaks in Verdicts and Reasons.

The JSON shape produced by `Verdict.to_dict` is a contract (DESIGN.md §3); extend it, never
rename or drop a key.
"""

from __future__ import annotations

from typing import Any, Final, Literal, get_args

#: `notice` is a reason's level only (a lower-confidence signal, below warn): a verdict whose
#: strictest reason is a notice is `allow`, with the notice among its reasons.
Level = Literal["allow", "notice", "warn", "block"]
LEVELS: Final[tuple[Level, ...]] = get_args(Level)

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
    "suspicious-name",
]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)

_RANK: Final = {"allow": 0, "notice": 1, "warn": 2, "block": 3}


def stricter(a: Level, b: Level) -> Level:
    """Return the more severe of two levels (block > warn > notice > allow)."""
    return a if _RANK[a] >= _RANK[b] else b


class Reason:
    """Why a verdict was reached: one technique or list entry, explained for a person.

    `positions` are indexes into the visited label (Unicode form) whose characters differ from
    the target; the warning page and the extension highlight them.

    Reason and Verdict are plain classes with `Final` attributes rather than frozen
    dataclasses: one is built per request, and the native build (lureguard/native.py) makes
    these fifteen times cheaper to construct and read-only at run time; mypy keeps every
    build from assigning to them.
    """

    __slots__ = ("brand", "detail", "kind", "level", "positions", "rule_id", "source", "target")

    def __init__(
        self,
        kind: Kind,
        rule_id: str,
        level: Level,
        detail: str,
        brand: str | None = None,
        target: str | None = None,
        source: str | None = None,
        positions: tuple[int, ...] = (),
    ) -> None:
        self.kind: Final = kind
        self.rule_id: Final = rule_id
        self.level: Final = level
        self.detail: Final = detail
        self.brand: Final = brand
        self.target: Final = target
        self.source: Final = source
        self.positions: Final = positions

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.rule_id, self.level, self.detail, self.brand, self.target,
                self.source, self.positions)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reason) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Reason{self._key()!r}"

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


class Verdict:
    """The engine's answer for one input; `verdict` is None only when `error` is set.

    `leads_to` is the registrable domain a wrapped link leads to (Safe Links, a redirector:
    `lookalike.redirects`), None for any other input: where the click really goes, for the
    extension's link-text comparison. Equality ignores `display_host`, a presentation of `host`.
    """

    __slots__ = ("display_host", "error", "host", "input", "leads_to", "reasons",
                 "registered_domain", "verdict")  # fmt: skip

    def __init__(
        self,
        input: str,
        host: str | None,
        registered_domain: str | None,
        verdict: Level | None,
        reasons: tuple[Reason, ...] = (),
        error: str | None = None,
        display_host: str | None = None,
        leads_to: str | None = None,
    ) -> None:
        self.input: Final = input
        self.host: Final = host
        self.registered_domain: Final = registered_domain
        self.verdict: Final = verdict
        self.reasons: Final = reasons
        self.error: Final = error
        self.display_host: Final = display_host
        self.leads_to: Final = leads_to

    def _key(self) -> tuple[object, ...]:
        return (self.input, self.host, self.registered_domain, self.verdict, self.reasons,
                self.error, self.leads_to)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Verdict) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Verdict{self._key()!r}"

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
            "leads_to": self.leads_to,
            "verdict": self.verdict,
            "reasons": [r.to_dict() for r in self.reasons],
            "error": self.error,
        }
