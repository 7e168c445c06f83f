"""Start the loopback verdict API inside the proxy process, sharing the live engine and counters."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    )
    server.start()
    return server
