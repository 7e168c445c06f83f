"""`python -m lureguard.api`: the same as `lureguard api`."""

from lureguard.api.command import api

api(prog_name="python -m lureguard.api")
