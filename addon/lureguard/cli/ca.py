"""`lureguard ca`: where the proxy's CA certificate is and how to make a browser trust it."""

from __future__ import annotations

from pathlib import Path

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, fail, settings
from lureguard.cli.run import confdir

CA_BASENAME = "mitmproxy"
CERT_FILE = f"{CA_BASENAME}-ca-cert.pem"

INSTRUCTIONS = """\
Only hosts that may be lookalikes are decrypted; trusting this CA lets the browser show
lureguard's warning page for them instead of a certificate error. The CA's private key
never leaves {confdir} (keep that directory private).

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


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--path", "path_only", is_flag=True, help="Print only the certificate's path.")
@data_dir_option
@click.pass_context
def ca(ctx: click.Context, path_only: bool, data_dir: str | None) -> None:
    """Show the proxy's CA certificate (created on first use) and how to install it.

    \b
    Examples:
      lureguard ca
      certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n lureguard -i "$(lureguard ca --path)"
    """
    conf = settings(ctx, data_dir)
    directory = confdir(conf.data_dir)
    try:
        conf.ensure()
        pem = ensure_ca(directory)
    except OSError as exc:
        fail(f"cannot create the CA in {directory}: {exc.strerror or exc}")
    if path_only:
        click.echo(str(pem))
        return
    cer = directory / f"{CA_BASENAME}-ca-cert.cer"
    click.echo(f"CA certificate: {pem}")
    click.echo(INSTRUCTIONS.format(confdir=directory, pem=pem, cer=cer))


def ensure_ca(directory: Path) -> Path:
    """Create mitmproxy's CA files in `directory` if missing; return the PEM certificate."""
    from mitmproxy.certs import CertStore

    CertStore.from_store(directory, CA_BASENAME, 2048)
    return directory / CERT_FILE
