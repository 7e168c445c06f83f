"""`lureguard bundle keygen/build/verify` through the CLI, with real keys and real compiles."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from lureguard.cli import main
from lureguard.deploy import manifest as mf
from lureguard.deploy import signing
from lureguard.deploy.errors import UpdateError

RULE = "id: block/one\nkind: blocklist\ndescription: d\nsource: s\nhosts: [one.example]\n"


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("keys")
    result = _run("bundle", "keygen", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "one.yaml").write_text(RULE)
    return folder


def test_keygen_writes_a_private_key_only_its_owner_can_read(keydir: Path) -> None:
    private = keydir / "lureguard-bundle.key"
    public = keydir / "lureguard-bundle.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert public.read_text().startswith("ed25519:")
    key = signing.load_private(private)
    assert signing.public_text(key.public_key()) == public.read_text().strip()


def test_keygen_never_overwrites(keydir: Path) -> None:
    result = _run("bundle", "keygen", "--out", str(keydir))
    assert result.exit_code == 2
    assert "refusing to overwrite" in result.stderr


def test_build_signs_and_every_build_gets_a_higher_version(
    keydir: Path, rules: Path, tmp_path: Path
) -> None:
    out = tmp_path / "public"
    key = str(keydir / "lureguard-bundle.key")
    versions = []
    for _ in range(3):
        result = _run("bundle", "build", "--rules", str(rules), "--key", key, "--out", str(out))
        assert result.exit_code == 0, result.stderr
        versions.append(json.loads((out / "manifest.json").read_text())["version"])
    assert versions == sorted(set(versions))
    # The newest two databases stay published for clients that are mid-download.
    assert sorted(p.name for p in out.glob("rules-*.db")) == [
        f"rules-{v}.db" for v in versions[-2:]
    ]
    manifest = mf.parse((out / "manifest.json").read_bytes(), "test")
    mf.verify(manifest, signing.load_public(str(keydir / "lureguard-bundle.pub")), "test")
    assert stat.S_IMODE((out / manifest.database).stat().st_mode) == 0o644

    result = _run("bundle", "verify", str(out), "--pubkey", str(keydir / "lureguard-bundle.pub"))
    assert result.exit_code == 0
    assert f"bundle version {versions[-1]}" in result.stdout

    (out / manifest.database).write_bytes(b"not the signed database")
    result = _run("bundle", "verify", str(out), "--pubkey", str(keydir / "lureguard-bundle.pub"))
    assert result.exit_code == 1
    assert "does not match the manifest" in result.stderr


def test_build_with_rule_errors_writes_nothing(keydir: Path, rules: Path, tmp_path: Path) -> None:
    (rules / "bad.yaml").write_text("id: block/bad\nkind: blocklist\n")
    out = tmp_path / "public"
    result = _run(
        "bundle", "build", "--rules", str(rules),
        "--key", str(keydir / "lureguard-bundle.key"), "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "bad.yaml:1:1: error: missing required key 'description'" in result.stderr
    assert not (out / "manifest.json").exists()


def test_build_with_a_public_key_instead_of_the_private_one(
    keydir: Path, rules: Path, tmp_path: Path
) -> None:
    result = _run(
        "bundle", "build", "--rules", str(rules),
        "--key", str(keydir / "lureguard-bundle.pub"), "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is not an unencrypted PEM private key" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"database": "../../etc/passwd"}, "invalid database file"),
        ({"sha256": "abc"}, "invalid sha256"),
        ({"format": "other/9"}, "this lureguard reads lureguard-bundle/1"),
        ({"size": "12"}, "field 'size' must be int"),
        ({"extra": 1}, "unknown field(s) extra"),
    ],
)
def test_malformed_manifests_are_refused(change: dict[str, object], message: str) -> None:
    good = mf.Manifest(1, "rules-1.db", "0" * 64, 10, "h", "1", "0.1.0", "now", "k", "sig")
    data = {**json.loads(good.to_json()), **change}
    with pytest.raises(UpdateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        mf.parse(json.dumps(data).encode(), "test")
