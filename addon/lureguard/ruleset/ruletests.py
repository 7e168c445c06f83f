"""`lureguard rules test`: run each rule's `tests: {match, no_match}` through the real engine.

The rules under test are compiled into a temporary database together with the bundled
allowlists (which decide at run time what is never flagged) and the shipped popular list, so
a test passes only if the rule fires where a user would meet it. "match" means the verdict
carries a flagging reason from that very rule id (for an allowlist: its `allowlisted`
reason); "no_match" means it carries none. A brand's own official domains get an
`allowlisted` reason from the brand, which is not a match.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruleset.compile import compile_rules
from lureguard.ruleset.errors import Problem, RuleSetError
from lureguard.ruleset.load import LoadedRules, default_base, load_rules
from lureguard.ruleset.model import Location, Rule
from lureguard.verdict import Verdict


@dataclass(frozen=True, slots=True)
class Outcome:
    """One test case: `expect` is "match" or "no_match"."""

    rule: Rule
    expect: str
    input: str
    passed: bool
    detail: str = ""
    location: Location | None = None


@dataclass
class TestRun:
    """All outcomes per file, plus problems that kept rules from being tested."""

    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        """The failing cases."""
        return [o for o in self.outcomes if not o.passed]


def run_tests(
    paths: Iterable[Path],
    *,
    extra: Iterable[Path] = (),
    popular: PopularList | None = None,
    context: Iterable[Path] = (),
) -> TestRun:
    """Test every rule under `paths`; `extra` rule files (their allowlists) and `context` rule
    files (every rule, untested: e.g. the bundled packs beside a new rule) are compiled
    alongside. A context rule with the id of a rule under test is left out."""
    paths = list(paths)
    base = default_base(paths)
    loaded = load_rules(paths, base=base)
    run = TestRun(problems=loaded.errors)
    if loaded.errors:
        return run
    ids = {r.id for r in loaded.rules}
    extra, context = list(extra), list(context)
    helpers = [
        r
        for r in (load_rules(extra).rules if extra else [])
        if r.kind == "allowlist" and r.id not in ids
    ]
    if context:
        ids |= {r.id for r in helpers}
        helpers += [r for r in load_rules(context).rules if r.id not in ids]
    combined = LoadedRules(rules=[*loaded.rules, *helpers], digest="rule-tests")
    with tempfile.TemporaryDirectory(prefix="lureguard-test-") as tmp:
        db = Path(tmp) / "rules.db"
        try:
            compile_rules(combined, db, PopularList.shipped() if popular is None else popular)
        except RuleSetError as exc:
            run.problems = exc.problems
            return run
        engine = Engine.from_db(db)
    from lureguard.ruleset.lint import _Locator  # finds the line of each test input

    locator = _Locator(loaded, base)
    for rule in loaded.rules:
        for expect, inputs in (("match", rule.tests_match), ("no_match", rule.tests_no_match)):
            for index, text in enumerate(inputs):
                outcome = _case(engine, rule, expect, text)
                if not outcome.passed:
                    doc = locator.document(rule)
                    where = doc.where("tests", expect, index) if doc else rule.location
                    outcome = replace(outcome, location=where)
                run.outcomes.append(outcome)
    return run


def _case(engine: Engine, rule: Rule, expect: str, text: str) -> Outcome:
    verdict = engine.check(text)
    if verdict.error is not None:
        return Outcome(rule, expect, text, False, f"not a URL or host: {verdict.error}")
    mine = [
        r
        for r in verdict.reasons
        if r.rule_id == rule.id and (rule.kind == "allowlist" or r.kind != "allowlisted")
    ]
    if expect == "match" and not mine:
        return Outcome(
            rule, expect, text, False, f"expected a reason from {rule.id}; got {_summary(verdict)}"
        )
    if expect == "no_match" and mine:
        return Outcome(
            rule, expect, text, False, f"expected no reason from {rule.id}; got {_summary(verdict)}"
        )
    return Outcome(rule, expect, text, True)


def _summary(verdict: Verdict) -> str:
    if not verdict.reasons:
        return f"{verdict.verdict} with no reasons"
    reasons = "; ".join(f"{r.kind} from {r.rule_id}: {r.detail}" for r in verdict.reasons)
    return f"{verdict.verdict} ({reasons})"
