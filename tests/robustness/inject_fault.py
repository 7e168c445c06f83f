"""Test-only mitmproxy script: make the engine raise for one host, inside a real `lureguard run`.

`lureguard run` hosts mitmdump in its own process, so a `-s` script can reach the engine class.
Every engine (including each one a hot reload builds) raises for hosts under
`inject_fault_host`, wherever the addon asks it: at the ClientHello, in the request hook and
through the per-host cache. Everything else is answered as usual.

    lureguard run -- -s tests/robustness/inject_fault.py --set inject_fault_host=boom.example.org
"""

from __future__ import annotations

from typing import Any

from mitmproxy import ctx
from mitmproxy.addonmanager import Loader

from lureguard.engine import Engine
from lureguard.verdict import Verdict

FAULT = "injected fault for the robustness test"
_original = Engine.check


def _faulty_check(self: Engine, text: str, notices: bool = True) -> Verdict:
    host = ctx.options.inject_fault_host
    if host and host in text.lower():
        raise RuntimeError(FAULT)
    return _original(self, text, notices)


class InjectFault:
    def load(self, loader: Loader) -> None:
        loader.add_option("inject_fault_host", str, "", "Host whose checks raise.")

    def running(self) -> Any:
        Engine.check = _faulty_check  # type: ignore[method-assign]


addons = [InjectFault()]
