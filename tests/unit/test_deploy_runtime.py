"""What `lureguard run` takes from deployment: rules prepared with policy entries, kept fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lureguard.deploy import policy as pol
from lureguard.deploy.errors import DeployError
from lureguard.deploy.options import log_options
from lureguard.deploy.runtime import Runtime, for_run, prepare_rules
from lureguard.engine import Engine

RULE = "id: block/one\nkind: blocklist\ndescription: d\nsource: s\nhosts: [one.example]\n"


def _runtime(tmp_path: Path, text: str) -> Runtime:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return Runtime(pol.effective(pol.read_settings(path)))


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "one.yaml").write_text(RULE)
    return folder


def test_policy_entries_are_compiled_once_and_again_when_they_change(
    rules: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "rules.db"
    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert Engine.from_db(db).check("two.example").verdict == "block"
    first = db.stat().st_ino

    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert db.stat().st_ino == first  # nothing changed: no recompile

    prepare_rules(rules, db, _runtime(tmp_path, "block: [three.example]\n"))
    engine = Engine.from_db(db)
    assert engine.check("three.example").verdict == "block"
    assert engine.check("two.example").verdict == "allow"

    prepare_rules(rules, db, _runtime(tmp_path, "{}\n"))
    assert Engine.from_db(db).check("three.example").verdict == "allow"
    assert not (data / "policy-rules.yaml").exists()


def test_an_installed_bundle_is_never_recompiled_over(rules: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "bundle").mkdir(parents=True)
    db = data / "rules.db"
    db.write_bytes(b"the verified bundle")
    shutil.copy(db, data / "bundle" / "rules.db")
    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert db.read_bytes() == b"the verified bundle"


def _command() -> click.Command:
    """A stand-in for `lureguard run` with the same options the policy can lock."""

    @click.command()
    @click.option("--mode", default="warn")
    @click.option("--no-bypass", is_flag=True)
    @log_options
    @click.pass_context
    def run(ctx: click.Context, mode: str, no_bypass: bool) -> None:
        try:
            runtime = for_run(ctx)
        except DeployError as exc:
            raise click.ClickException(str(exc)) from None
        for key in ("mode", "bypass.allowed", "log.format", "log.file", "log.syslog"):
            setting = runtime.settings[key]
            click.echo(f"{key}={setting.value} {setting.source}")
        click.echo("\n".join(runtime.notes))

    return run


def test_run_options_count_only_when_typed_and_policy_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("log:\n  format: ecs\n")
    monkeypatch.setenv(pol.POLICY_ENV, str(policy))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    args = ["--no-bypass", "--log-format", "json", "--log-file", "/x/e.jsonl"]
    out = CliRunner().invoke(_command(), args).output
    assert "mode=warn default" in out  # the option's default is not a user choice
    assert "bypass.allowed=False command line" in out
    assert f"log.format=ecs policy {policy}:2" in out
    assert "log.file=/x/e.jsonl command line" in out
    assert f"note: log.format='json' ignored: locked to 'ecs' by {policy}:2" in out


def test_bad_option_value_is_one_clear_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(pol.POLICY_ENV, str(tmp_path / "none.yaml"))
    (tmp_path / "none.yaml").write_text("{}\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    result = CliRunner().invoke(_command(), ["--log-syslog", "siem:99999"])
    assert result.exit_code == 1
    assert "command line: 'log.syslog' is not a syslog address" in result.output
    assert "Traceback" not in result.output
