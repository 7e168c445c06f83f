"""From a verdict to what the proxy does: block, warn (proceed possible), monitor, or nothing.

The global mode caps what a rule's severity asks for; a per-rule override replaces the global
mode for that rule. The strictest action over a verdict's reasons wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, get_args

from lureguard.verdict import Reason, Verdict

Mode = Literal["block", "warn", "monitor"]
MODES: tuple[Mode, ...] = get_args(Mode)
Action = Literal["block", "warn", "monitor"]
_RANK = {"monitor": 0, "warn": 1, "block": 2}


def strictness(action: Action) -> int:
    """Order of actions: block is stricter than warn, warn than monitor."""
    return _RANK[action]


class PolicyError(ValueError):
    """An option value that cannot be a policy; the message names the bad part."""


@dataclass(frozen=True)
class Policy:
    """The global mode, per-rule overrides and whether 'proceed anyway' is offered."""

    mode: Mode = "warn"
    rule_modes: dict[str, Mode] = field(default_factory=dict)
    allow_bypass: bool = True

    def action(self, verdict: Verdict) -> Action | None:
        """What to do for this verdict; None for allow."""
        if not verdict.flagged:
            return None
        best: Action | None = None
        for reason in verdict.reasons:
            if reason.level == "allow":
                continue
            step = self._reason_action(reason)
            if best is None or _RANK[step] > _RANK[best]:
                best = step
        return best or self._reason_action(None)

    def can_proceed(self, action: Action | None) -> bool:
        """'Proceed anyway' is offered only for warn actions and when policy allows it."""
        return action == "warn" and self.allow_bypass

    def _reason_action(self, reason: Reason | None) -> Action:
        mode = self.rule_modes.get(reason.rule_id, self.mode) if reason else self.mode
        if mode == "monitor":
            return "monitor"
        if mode == "block":
            return "block"
        return "block" if reason is not None and reason.level == "block" else "warn"


def parse_mode(text: str) -> Mode:
    """Validate one mode name."""
    if text not in MODES:
        raise PolicyError(f"mode must be one of {', '.join(MODES)}, not {text!r}")
    return text


def parse_rule_modes(items: Iterable[str]) -> dict[str, Mode]:
    """`RULE_ID=MODE` items (as given to `--set lureguard_rule_modes=...`) into a dict."""
    result: dict[str, Mode] = {}
    for item in items:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            rule_id, sep, mode = part.rpartition("=")
            if not sep or not rule_id:
                raise PolicyError(
                    f"rule mode {part!r} is not RULE_ID=MODE (e.g. brand/apple=block)"
                )
            result[rule_id.strip()] = parse_mode(mode.strip())
    return result
