"""`python -m lureguard`: the same as the `lureguard` command, for a venv without its scripts."""

from lureguard.cli import entry

entry()
