"""Start the loopback verdict API inside the proxy process, sharing the live engine and counters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lureguard.api.server import ApiServer

if TYPE_CHECKING:
    from lureguard.proxy.addon import LureguardAddon


def start_api(addon: LureguardAddon, port: int, proxy_address: tuple[str, int]) -> ApiServer:
    """Serve /proxy.pac and /api/v1/* on 127.0.0.1:port; raises OSError when it cannot."""
    assert addon.data_dir is not None
    server = ApiServer(
        host="127.0.0.1",
        port=port,
        data_dir=addon.data_dir,
        engine=addon.current_engine,
        status=addon.status,
        proxy_address=proxy_address,
        on_report=addon.api_report,
        on_bypass=lambda record: _log_extension_bypass(addon, record),
        on_credential=lambda record: _log_credential_event(addon, record),
    )
    server.start()
    return server


def _log_extension_bypass(addon: LureguardAddon, record: dict[str, Any]) -> None:
    """A bypass granted by the extension's own warning page, in the proxy's event log."""
    addon.stats.add("bypasses")
    fields = {k: v for k, v in record.items() if k not in ("event", "time")}
    addon.events.write("bypass", origin="extension", action="bypass", **fields)


#: The counter each credential-guard event increases (see proxy/stats.py).
_CREDENTIAL_COUNTERS = {
    "credential-reuse": "credential_reuse",
    "credential-exception": "credential_exceptions",
    "brand-claim": "brand_claims",
}


def _log_credential_event(addon: LureguardAddon, record: dict[str, Any]) -> None:
    """A credential-guard event from the extension, in the proxy's event log and SIEM sinks."""
    counter = _CREDENTIAL_COUNTERS.get(str(record.get("event")))
    if counter is not None:
        addon.stats.add(counter)
    fields = {k: v for k, v in record.items() if k not in ("event", "time")}
    addon.events.write(str(record["event"]), origin="extension", **fields)
