"""The extension's warning page must look like the proxy's: its style sheet embeds the proxy's."""

from __future__ import annotations

from tests.conftest import REPO


def test_extension_warning_css_starts_with_the_proxy_css() -> None:
    proxy = (REPO / "addon/lureguard/proxy/templates/warning.css").read_text()
    extension = (REPO / "extension/warning.css").read_text()
    body = extension.split("\n", 1)[1]  # after the one-line provenance comment
    assert body.startswith(proxy), "copy addon/lureguard/proxy/templates/warning.css again"
