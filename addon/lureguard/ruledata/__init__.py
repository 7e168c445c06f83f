"""The compiled rules as the engine reads them: the database reader and the host-pattern matcher.

Below the engine, and below the rule authoring tools (lureguard.ruleset: load, lint, compile,
rule tests, explain), which sit on the engine: they write what this package reads and run the
engine over it, never the other way round.
"""
