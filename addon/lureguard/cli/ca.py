"""`lureguard ca`: where the proxy's CA is, and `ca install|uninstall` to trust it for you."""

from __future__ import annotations

from pathlib import Path

import click

from lureguard.cli.common import CONTEXT_SETTINGS, Settings, data_dir_option, fail, settings
from lureguard.cli.run import confdir

CA_BASENAME = "mitmproxy"
CERT_FILE = f"{CA_BASENAME}-ca-cert.pem"

INSTRUCTIONS = """\
Only hosts that may be lookalikes are decrypted; trusting this CA lets the browser show
lureguard's warning page for them instead of a certificate error. The CA's private key
never leaves {confdir} (keep that directory private).

Linux: `lureguard ca install` does it for you (Chromium/Chrome, every Firefox profile, and the
system store when you may write it); `lureguard ca uninstall` takes it out again. By hand:
Linux (Debian/Ubuntu, system-wide: curl, most tools):
  sudo cp {pem} /usr/local/share/ca-certificates/lureguard.crt && sudo update-ca-certificates
Linux, Chrome/Chromium (NSS database of your user; needs libnss3-tools):
  certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n lureguard -i {pem}
macOS (Safari, Chrome, Edge):
  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain {cer}
Windows (Chrome, Edge; run in an administrator prompt):
  certutil -addstore root {cer}
Firefox (any OS; it keeps its own store):
  Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import
  {pem}  and tick "Trust this CA to identify websites"
  (or set security.enterprise_roots.enabled=true to use the OS store)
Android / iOS: copy {cer} to the device and install it as a CA certificate in Settings.
"""


@click.group(context_settings=CONTEXT_SETTINGS, invoke_without_command=True)
@click.option("--path", "path_only", is_flag=True, help="Print only the certificate's path.")
@data_dir_option
@click.pass_context
def ca(ctx: click.Context, path_only: bool, data_dir: str | None) -> None:
    """Show the proxy's CA certificate (created on first use) and how to install it.

    `lureguard ca install` trusts it in this user's browsers, `lureguard ca uninstall` takes
    out exactly what install added.

    \b
    Examples:
      lureguard ca
      lureguard ca install --dry-run
      lureguard ca uninstall
    """
    conf = settings(ctx, data_dir)
    ctx.obj = conf
    if ctx.invoked_subcommand is not None:
        return
    pem = prepare_ca(conf)
    if path_only:
        click.echo(str(pem))
        return
    directory = confdir(conf.data_dir)
    cer = directory / f"{CA_BASENAME}-ca-cert.cer"
    click.echo(f"CA certificate: {pem}")
    click.echo(INSTRUCTIONS.format(confdir=directory, pem=pem, cer=cer))


def prepare_ca(conf: Settings) -> Path:
    """The CA certificate of this data dir, created if missing; errors exit."""
    directory = confdir(conf.data_dir)
    try:
        conf.ensure()
        return ensure_ca(directory)
    except OSError as exc:
        fail(f"cannot create the CA in {directory}: {exc.strerror or exc}")


def ensure_ca(directory: Path) -> Path:
    """Create mitmproxy's CA files in `directory` if missing; return the PEM certificate."""
    from mitmproxy.certs import CertStore

    CertStore.from_store(directory, CA_BASENAME, 2048)
    return directory / CERT_FILE


STORES_HELP = """\
\b
Stores (Linux):
  Chromium/Chrome  the NSS database $HOME/.pki/nssdb (created when missing)
  Firefox          cert9.db of every profile in profiles.ini ($HOME/.mozilla/firefox,
                   $XDG_CONFIG_HOME/mozilla/firefox, firefox-esr, the snap)
  system           /usr/local/share/ca-certificates/lureguard-ID.crt and
                   update-ca-certificates, only when you may write there (root)
                   [env LUREGUARD_SYSTEM_CA_DIR: another folder, for tests and packagers;
                   update-ca-certificates is then not run]
"""


@ca.command(context_settings=CONTEXT_SETTINGS, epilog=STORES_HELP)
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
@click.option("--no-system", is_flag=True, help="Leave the system trust store alone.")
@data_dir_option
@click.pass_context
def install(ctx: click.Context, dry_run: bool, no_system: bool, data_dir: str | None) -> None:
    """Trust the CA in Chromium, every Firefox profile and (if writable) the system store.

    The certificate goes in as 'lureguard CA (ID)', ID being the start of its SHA-256, trusted
    to identify websites only. Every change is printed and recorded in the data dir
    (ca-installed.json) so that `lureguard ca uninstall` removes exactly it; no other
    certificate is touched. Running it again changes nothing.
    """
    conf = settings(ctx, data_dir)
    for line in install_lines(conf, dry_run=dry_run, system=not no_system):
        click.echo(line)


def install_lines(conf: Settings, *, dry_run: bool, system: bool) -> list[str]:
    """Install the CA and describe it, line by line; errors exit."""
    from lureguard.trust.errors import TrustError
    from lureguard.trust.install import CA, RECORD_NAME
    from lureguard.trust.install import install as do_install

    try:
        cert = CA.load(prepare_ca(conf))
        outcomes = do_install(cert, conf.data_dir, system=system, dry_run=dry_run)
    except TrustError as exc:
        fail(str(exc))
    head = "Would trust" if dry_run else "Trusting"
    lines = [f"{head} {cert.pem}", f"  as '{cert.nickname}' (SHA-256 {cert.fingerprint})"]
    lines += [o.line() for o in outcomes]
    changed = sum(o.changed for o in outcomes)
    if dry_run:
        lines.append(f"dry run: {changed} store(s) would change; nothing was changed")
    else:
        lines.append(
            f"{changed} store(s) changed; recorded in {conf.data_dir / RECORD_NAME}; "
            "undo with 'lureguard ca uninstall'"
        )
        if changed:
            lines.append("Restart open browsers so that they read their stores again.")
    if any(o.status == "failed" for o in outcomes):
        fail("\n".join([*lines, "some stores could not be changed (see ✗ above)"]), code=1)
    return lines


@ca.command(context_settings=CONTEXT_SETTINGS)
@click.option("--dry-run", is_flag=True, help="Print what would be removed, remove nothing.")
@data_dir_option
@click.pass_context
def uninstall(ctx: click.Context, dry_run: bool, data_dir: str | None) -> None:
    """Remove what `lureguard ca install` added, and nothing else.

    Reads the record in the data dir (ca-installed.json) and also looks for 'lureguard CA
    (ID)' of this CA in Chromium's and every Firefox profile's store. An entry is removed only
    when it still holds this very certificate.
    """
    conf = settings(ctx, data_dir)
    for line in uninstall_lines(conf, dry_run=dry_run):
        click.echo(line)


def uninstall_lines(conf: Settings, *, dry_run: bool) -> list[str]:
    """Uninstall the CA and describe it, line by line; errors exit."""
    from lureguard.trust.errors import TrustError
    from lureguard.trust.install import CA
    from lureguard.trust.install import uninstall as do_uninstall

    pem = confdir(conf.data_dir) / CERT_FILE
    try:
        cert = CA.load(pem) if pem.is_file() else None
        outcomes = do_uninstall(conf.data_dir, cert, dry_run=dry_run)
    except TrustError as exc:
        fail(str(exc))
    if not outcomes:
        return ["Nothing to remove: lureguard's CA is not recorded or found in any store."]
    lines = [o.line() for o in outcomes]
    changed = sum(o.changed for o in outcomes)
    verb = "would be changed; nothing was changed (dry run)" if dry_run else "changed"
    lines.append(f"{changed} store(s) {verb}")
    if any(o.status == "failed" for o in outcomes):
        fail("\n".join([*lines, "some stores could not be changed (see ✗ above)"]), code=1)
    return lines
