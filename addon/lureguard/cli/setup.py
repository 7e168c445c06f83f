"""`lureguard setup`: the first run as a checklist, from rules to a browser behind the proxy."""

from __future__ import annotations

import urllib.error
import urllib.request

import click

from lureguard.cli.ca import install_lines, uninstall_lines
from lureguard.cli.common import CONTEXT_SETTINGS, Settings, data_dir_option, open_engine, settings
from lureguard.cli.pair import extension_dir, pairing_lines

#: A lookalike the bundled rules flag: opening it shows the warning page (over HTTPS, so it also
#: proves the CA is trusted). The proxy answers it itself; the site is never contacted.
CHECK_URL = "https://rnicrosoft.com/"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--api-port", default=8081, show_default=True, type=click.IntRange(1, 65535),
              help="Port of the running proxy's API and /proxy.pac.")  # fmt: skip
@click.option("--firefox-proxy", is_flag=True,
              help="Also set every Firefox profile's proxy to the PAC URL (user.js; recorded, "
              "undone by --undo).")  # fmt: skip
@click.option("--no-system", is_flag=True, help="Leave the system trust store alone.")
@click.option("--open/--no-open", "open_browser", default=None,
              help="Open the extension's pairing link in Chromium [default: when there is a "
              "display].")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
@click.option("--undo", is_flag=True,
              help="Take out what setup added (the CA, Firefox proxy settings).")  # fmt: skip
@data_dir_option
@click.pass_context
def setup(
    ctx: click.Context,
    api_port: int,
    firefox_proxy: bool,
    no_system: bool,
    open_browser: bool | None,
    dry_run: bool,
    undo: bool,
    data_dir: str | None,
) -> None:
    """First run: compile the rules, trust the CA, route the browser, pair the extension.

    Prints a checklist: what it did (every change, recorded in the data dir) and the steps
    left to you, ending with how to check that it works. Safe to run again. The extension is
    paired through one-time links to its own options page (see `lureguard pair`); the
    Chromium one is opened when there is a display.

    \b
    Examples:
      lureguard setup --dry-run
      lureguard setup --firefox-proxy
      lureguard setup --no-open
      lureguard setup --undo
    """
    conf = settings(ctx, data_dir)
    pac_url = f"http://127.0.0.1:{api_port}/proxy.pac"
    if undo:
        _undo(conf, dry_run)
        return
    say = click.echo
    say(f"lureguard setup (data dir {conf.data_dir})" + (" — dry run" if dry_run else ""))
    say("")
    say("[1/5] Rules")
    if dry_run:
        say(f"  = {conf.rules_db}: compiled when missing or stale (not in a dry run)")
    else:
        open_engine(conf, None)
        say(f"  ✓ {conf.rules_db} is up to date")
    say("")
    say("[2/5] Trust lureguard's CA (so warning pages open over HTTPS)")
    for line in install_lines(conf, dry_run=dry_run, system=not no_system):
        say(f"  {line}")
    say("")
    say("[3/5] The proxy")
    if _pac_answers(pac_url):
        say(f"  ✓ running: {pac_url} answers")
    else:
        say("  ☐ not running yet: start it in another terminal and leave it open:")
        say(f"      lureguard run --api-port {api_port}      (or: make run, in a checkout)")
    say("")
    say("[4/5] Send the browser through the proxy")
    _browser_steps(conf, pac_url, firefox_proxy, dry_run)
    say("")
    say("[5/5] Pair the companion extension (optional: badges, link marks, its own warnings)")
    _pairing_steps(conf, api_port, open_browser, dry_run)
    say("")
    say("Check it works")
    say("  ☐ lureguard doctor            (a ✓/✗ list: proxy, CA, PAC)")
    say(f"  ☐ open {CHECK_URL} in the browser: lureguard's warning page, no certificate error")
    say("Undo everything above: lureguard setup --undo")


def _undo(conf: Settings, dry_run: bool) -> None:
    from lureguard.trust import browserproxy

    click.echo("Firefox proxy settings:")
    changes = browserproxy.undo(conf.data_dir, dry_run=dry_run)
    for change in changes:
        click.echo(change.line())
    if not changes:
        click.echo("  = nothing recorded")
    click.echo("CA:")
    for line in uninstall_lines(conf, dry_run=dry_run):
        click.echo(line if line.startswith("  ") else f"  {line}")


def _pac_answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as response:
            return bool(response.status == 200 and b"FindProxyForURL" in response.read(65536))
    except (OSError, urllib.error.URLError, ValueError):
        return False


def _browser_steps(conf: Settings, pac_url: str, firefox_proxy: bool, dry_run: bool) -> None:
    from lureguard.trust import browserproxy
    from lureguard.trust.stores import firefox_stores

    say = click.echo
    if firefox_proxy:
        for change in browserproxy.set_pac(conf.data_dir, pac_url, dry_run=dry_run):
            say(change.line())
        if not firefox_stores():
            say("  = no Firefox profile found (start Firefox once, then run this again)")
    else:
        say(f"  ☐ Firefox: Settings > Network Settings > Automatic proxy configuration URL: "
            f"{pac_url}")  # fmt: skip
        say("      (or run `lureguard setup --firefox-proxy` to set it in every profile)")
    say(f"  ☐ Chromium/Chrome: start it with  chromium --proxy-pac-url={pac_url}")
    say(f"      (or, on GNOME: Settings > Network > Proxy > Automatic, URL {pac_url})")


def _pairing_steps(conf: Settings, api_port: int, open_browser: bool | None, dry_run: bool) -> None:
    say = click.echo
    extension = extension_dir()
    where = str(extension) if extension else "the extension/ folder of lureguard's source"
    say(f"  ☐ load it once: Chromium: chrome://extensions > Developer mode > Load unpacked > "
        f"{where}")  # fmt: skip
    say(f"      Firefox: about:debugging#/runtime/this-firefox > Load Temporary Add-on > "
        f"{where}/manifest.json")  # fmt: skip
    for line in pairing_lines(conf, api_port, open_browser=open_browser, dry_run=dry_run):
        say(line)
    say("      (a link that came too early or too late: run `lureguard pair` for new ones)")
