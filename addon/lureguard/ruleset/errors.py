"""Rule-set errors: each carries where it happened so a message can name file:line:column."""

from __future__ import annotations

from dataclasses import dataclass

from lureguard.ruleset.model import Location


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a rule file: an error stops a compile, a warning does not."""

    location: Location
    message: str
    rule_id: str = ""
    level: str = "error"

    def __str__(self) -> str:
        suffix = f" [{self.rule_id}]" if self.rule_id else ""
        return f"{self.location}: {self.level}: {self.message}{suffix}"


class RuleSetError(Exception):
    """A rule set cannot be loaded or compiled; `problems` lists every error found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0] if problems else None
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}" if first else "invalid rule set")
