"""`lureguard pair`: one-time links that pair the companion extension, opened for you.

A link opens the extension's own options page with the API address and a one-time code in
the fragment (`options.html#pair=…&code=…`); the page trades the code for the API token. Only
the user can open it: web pages cannot navigate to an extension page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import click

from lureguard.cli.common import CONTEXT_SETTINGS, Settings, data_dir_option, fail, settings

#: Browsers `--open` may start, most specific first (all take a URL as their argument).
CHROMIUM_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Target:
    """One browser installation of the extension: a label and its origin (None: unknown)."""

    label: str
    origin: str | None


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--api-port", default=8081, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the running lureguard API.")  # fmt: skip
@click.option("--open/--no-open", "open_browser", default=None,
              help="Open the Chromium link in Chromium [default: when there is a "
              "display].")  # fmt: skip
@data_dir_option
@click.pass_context
def pair(
    ctx: click.Context, api_port: int, open_browser: bool | None, data_dir: str | None
) -> None:
    """Pair the companion extension with this lureguard, without copying the token.

    Prints one link per browser (Chromium/Chrome; every Firefox profile where the extension
    is installed), each usable once within 10 minutes, and opens the Chromium one when it can.
    The extension's options page trades the link's code for the API token and answers
    'Connected: lureguard …'. A Firefox link also allows that installation's origin in the
    API (added to api-origins.txt; no restart). Needs the API running (`lureguard run`).

    \b
    Examples:
      lureguard pair
      lureguard pair --no-open --api-port 9081
    """
    conf = settings(ctx, data_dir)
    for line in pairing_lines(conf, api_port, open_browser=open_browser, dry_run=False):
        click.echo(line)


def targets() -> list[Target]:
    """Chromium's fixed origin, and the extension's origin in every Firefox profile."""
    from lureguard.api.origins import CHROME_EXTENSION_ID, GECKO_ID
    from lureguard.trust.firefoxprefs import extension_uuid
    from lureguard.trust.stores import firefox_stores

    found = [Target("Chromium/Chrome", f"chrome-extension://{CHROME_EXTENSION_ID}")]
    for store in firefox_stores():
        uuid = extension_uuid(store.path, GECKO_ID)
        found.append(Target(store.label, f"moz-extension://{uuid}" if uuid else None))
    return found


def pairing_link(origin: str, api_base: str, code: str) -> str:
    """`ORIGIN/options.html#pair=API&code=CODE`."""
    return f"{origin}/options.html#pair={quote(api_base, safe=':/')}&code={code}"


def pairing_lines(
    conf: Settings, api_port: int, *, open_browser: bool | None, dry_run: bool
) -> list[str]:
    """Create a code per browser, open the Chromium link if asked; describe it; errors exit."""
    from lureguard.api.pairing import CODE_TTL_SECONDS, new_code

    api_base = f"http://127.0.0.1:{api_port}"
    lines = [f"  One-time links (each works once, for {CODE_TTL_SECONDS // 60} minutes):"]
    chromium_link = None
    for target in targets():
        if target.origin is None:
            lines.append(f"  ☐ {target.label}: the extension is not installed there "
                         "(load it, then run `lureguard pair`)")  # fmt: skip
            continue
        if dry_run:
            link = pairing_link(target.origin, api_base, "<one-time code, not in a dry run>")
        else:
            try:
                link = pairing_link(target.origin, api_base, new_code(conf.ensure(), target.origin))
            except OSError as exc:
                fail(f"cannot write a pairing code in {conf.data_dir}: {exc.strerror or exc}")
        chromium_link = chromium_link or (link if target.origin.startswith("chrome") else None)
        lines += [f"  ☐ {target.label}: open", f"      {link}"]
    if chromium_link is not None and not dry_run:
        lines.append(_open_line(chromium_link, open_browser))
    lines.append("  The extension's options page then says 'Connected: lureguard …'.")
    return lines


def _open_line(link: str, open_browser: bool | None) -> str:
    if open_browser is False or (open_browser is None and not has_display()):
        return "  = not opening a browser (--no-open, or no display)"
    browser = find_chromium()
    if browser is None:
        return "  = no Chromium/Chrome found to open the link in: open it by hand"
    try:
        subprocess.Popen(
            [browser, link],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"  ✗ could not start {browser}: {exc.strerror or exc}; open the link by hand"
    return f"  ✓ opened the Chromium link with {browser}"


def has_display() -> bool:
    """Whether a graphical session is there to show a browser in."""
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH."""
    for name in CHROMIUM_COMMANDS:
        found = shutil.which(name)
        if found:
            return found
    return None


def extension_dir() -> Path | None:
    """The extension folder of a checkout (lureguard runs from addon/ there), if present."""
    import lureguard

    candidate = Path(lureguard.__file__).resolve().parents[2] / "extension"
    return candidate if (candidate / "manifest.json").is_file() else None
