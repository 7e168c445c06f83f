"""`lureguard bundle ...`: signing keys and signed rule bundles for a fleet."""

from __future__ import annotations

from pathlib import Path

import click

from lureguard.cli.common import CONTEXT_SETTINGS, fail
from lureguard.deploy.errors import DeployError
from lureguard.ruleset.errors import RuleSetError


@click.group(context_settings=CONTEXT_SETTINGS)
def bundle() -> None:
    """Create signing keys and build signed rule bundles to publish on a static host."""


@bundle.command("keygen", context_settings=CONTEXT_SETTINGS)
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Directory for the key pair (created if needed).")  # fmt: skip
@click.option("--name", default="lureguard-bundle.key", show_default=True,
              help="Private key file name; the public key gets .pub.")  # fmt: skip
@click.option("--force", is_flag=True, help="Overwrite an existing key pair.")
def keygen(out: str, name: str, force: bool) -> None:
    """Create an Ed25519 signing key pair for rule bundles.

    The private key (mode 0600) stays with whoever builds bundles, ideally offline or in the
    CI secret store; the one-line public key goes into every laptop's policy (update.pubkey).

    \b
    Example:
      lureguard bundle keygen --out ~/lureguard-keys
    """
    from lureguard.deploy import signing

    try:
        pair = signing.generate(Path(out), name, force=force)
    except DeployError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the key pair into {out}: {exc.strerror or exc}")
    click.echo(f"private key: {pair.private} (keep it secret; mode 0600)")
    click.echo(f"public key:  {pair.public}")
    click.echo(f"key id:      {pair.key_id}")
    click.echo(f'policy line: pubkey: "{pair.public.read_text(encoding="ascii").strip()}"')


@bundle.command("build", context_settings=CONTEXT_SETTINGS)
@click.option("--rules", "rules_dirs", multiple=True, required=True, type=click.Path(exists=True),
              help="Rule directory or file (repeatable).")  # fmt: skip
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False),
              help="Private key from 'lureguard bundle keygen'.")  # fmt: skip
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Directory to publish as-is (manifest.json + rules-VERSION.db).")  # fmt: skip
def build(rules_dirs: tuple[str, ...], key_path: str, out: str) -> None:
    """Compile rules into a database and sign a manifest describing it.

    Every build gets a higher version (a UTC timestamp, bumped past the one already in --out),
    so laptops never take an older bundle. Upload the whole --out directory; clients fetch
    manifest.json first, then the database it names.

    \b
    Example:
      lureguard bundle build --rules rules/ --key keys/lureguard-bundle.key --out public/
    """
    from lureguard.deploy.bundle import build as build_bundle

    try:
        result = build_bundle([Path(p) for p in rules_dirs], Path(key_path), Path(out))
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(exc.problems)} rule error(s); no bundle was written", code=1)
    except DeployError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the bundle into {out}: {exc.strerror or exc}")
    m = result.manifest
    counts = result.compiled.counts
    click.echo(
        f"bundle version {m.version}: {counts.get('rules', 0)} rules, "
        f"{counts.get('host_entries', 0):,} host entries, {m.size:,} bytes, "
        f"signed by key {m.key_id}"
    )
    click.echo(f"publish: {result.manifest_path} and {result.database}")


@bundle.command("verify", context_settings=CONTEXT_SETTINGS)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--pubkey", required=True, help="Public key file (.pub) or 'ed25519:BASE64'.")
def verify(directory: str, pubkey: str) -> None:
    """Check a bundle directory before publishing it: signature, hash and size.

    \b
    Example:
      lureguard bundle verify public/ --pubkey keys/lureguard-bundle.pub
    """
    from lureguard.deploy import manifest as mf
    from lureguard.deploy import signing
    from lureguard.deploy.bundle import file_digest

    folder = Path(directory)
    where = str(folder / mf.MANIFEST_NAME)
    try:
        public = signing.load_public(pubkey)
        raw = (folder / mf.MANIFEST_NAME).read_bytes()
        manifest = mf.parse(raw, where)
        mf.verify(manifest, public, where)
        digest, size = file_digest(folder / manifest.database)
    except DeployError as exc:
        fail(str(exc), code=1)
    except OSError as exc:
        fail(f"cannot read {exc.filename}: {exc.strerror}", code=1)
    if (digest, size) != (manifest.sha256, manifest.size):
        fail(f"{folder / manifest.database} does not match the manifest's hash and size", code=1)
    click.echo(f"ok: bundle version {manifest.version} signed by key {manifest.key_id}")
