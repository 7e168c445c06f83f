"""`python -m lureguard.api`: the same as `lureguard api`."""

# The CLI package registers `api` on import; importing it first keeps that order acyclic.
import lureguard.cli  # noqa: F401
from lureguard.api.command import api

api(prog_name="python -m lureguard.api")
