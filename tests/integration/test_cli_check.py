"""`lureguard check` through the real console script and through click's runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard import __version__
from lureguard.cli import main

LUREGUARD = str(Path(sys.executable).with_name("lureguard"))


def run(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [LUREGUARD, *args], input=stdin, capture_output=True, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_json_verdict_for_the_founding_story(bundled_db: Path) -> None:
    proc = run("check", "--db", str(bundled_db), "--json", "rnicrosoft.com")
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert verdict["verdict"] in ("warn", "block")
    assert any(r["target"] == "microsoft.com" for r in verdict["reasons"])


def test_without_db_the_bundled_rules_compile_into_the_data_dir(tmp_path: Path) -> None:
    env = {"LUREGUARD_DATA_DIR": str(tmp_path / "data")}
    proc = run("check", "--json", "rnicrosoft.com", env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "warn"
    assert (tmp_path / "data" / "rules.db").is_file()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_stdin_streams_one_answer_per_line_in_order(bundled_db: Path) -> None:
    lines = [
        b"rnicrosoft.com",
        b"",
        b"https://microsoft.com/",
        b"caf\xe9.com",
        b"evil\x00.com",
        b"x" * (1 << 20) + b"y" * 10,
        b"hotrnall.com\r",
        b"javascript:alert(1)",
    ]
    proc = run("check", "--db", str(bundled_db), "--json", "-", stdin=b"\n".join(lines) + b"\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert [o["verdict"] for o in out] == ["warn", None, "allow", None, None, None, "block", None]
    assert out[1]["error"] == "input is empty"
    assert "not valid UTF-8" in out[3]["error"]
    assert "control character" in out[4]["error"]
    assert "longer than 1 MiB" in out[5]["error"]
    assert all(o["error"] for o in out if o["verdict"] is None)


def test_readable_output_explains_and_neutralises_control_characters(bundled_db: Path) -> None:
    proc = run("check", "--db", str(bundled_db), "rnicrosoft.com", "a\x1b[2Jb")
    text = proc.stdout.decode()
    assert "rnicrosoft.com: WARN" in text
    assert "'rn' at position 0 imitates 'm'" in text
    assert "microsoft.com" in text
    assert "\x1b" not in text
    assert "\\x1b" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"garbage" * 500, "corrupt or not a lureguard database"), (None, "does not exist")],
)
def test_unusable_db_is_one_error_line(tmp_path: Path, content: bytes | None, message: str) -> None:
    db = tmp_path / "rules.db"
    if content is not None:
        db.write_bytes(content)
    proc = run("check", "--db", str(db), "rnicrosoft.com")
    assert proc.returncode == 2
    assert proc.stderr.decode().startswith("lureguard: error: ")
    assert message in proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_version_and_help() -> None:
    proc = run("--version")
    assert __version__ in proc.stdout.decode()
    assert "(engine: " in proc.stdout.decode()
    for args in (["--help"], ["check", "--help"], ["rules", "compile", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0
        assert "Usage:" in result.output


def test_rules_compile_reports_errors_with_locations(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        "id: block/x\nkind: blocklist\ndescription: d\nsource: s\nhosts: [a..b]\n"
    )
    out = tmp_path / "rules.db"
    out.write_bytes(b"previous")
    result = CliRunner().invoke(
        main, ["rules", "compile", "--rules", str(rules), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "rules/bad.yaml:5:9: error: host 'a..b'" in result.output
    assert "was not changed" in result.output
    assert out.read_bytes() == b"previous"


def test_rules_compile_default_writes_into_the_data_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "rules", "compile"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "rules.db").is_file()
    assert "brands" in result.output


@pytest.mark.parametrize("managed_by", ["bundle", "policy"])
def test_check_never_recompiles_over_managed_rules(tmp_path: Path, managed_by: str) -> None:
    """A fleet bundle's or the policy's rules.db must survive `lureguard check` untouched."""
    from lureguard.deploy.extras import EXTRAS_NAME
    from lureguard.deploy.state import bundle_dir
    from lureguard.popular import PopularList
    from lureguard.ruleset.build import compile_dir

    rules = tmp_path / "it-rules"
    rules.mkdir()
    (rules / "it.yaml").write_text(
        "id: block/it\nkind: blocklist\ndescription: IT\nsource: it\n"
        "hosts: [intranet-phish.example]\n"
    )
    data = tmp_path / "data"
    compile_dir([rules], data / "rules.db", PopularList.empty())
    if managed_by == "bundle":
        bundle_dir(data).mkdir(parents=True)
        (bundle_dir(data) / "rules.db").write_bytes((data / "rules.db").read_bytes())
    else:
        (data / EXTRAS_NAME).write_text("# written by lureguard run from the system policy\n")
    before = (data / "rules.db").read_bytes()
    proc = run("check", "--json", "intranet-phish.example", env={"LUREGUARD_DATA_DIR": str(data)})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "block"
    assert (data / "rules.db").read_bytes() == before


URL_RULE = """\
id: campaign/acme-invoices
kind: blocklist
description: A phishing page on a shared host.
source: tests
urls: [https://sites.example.org/acme/invoice]
"""

#: Every spelling of the blocklisted path that the security review (issue 20) got through.
URL_RULE_SPELLINGS = [
    "https://sites.example.org/acme/invoice",
    "https://sites.example.org/acme/%69nvoice",
    "https://sites.example.org//acme/invoice",
    "https://sites.example.org/ACME/invoice",
    "https://sites.example.org:443/acme/invoice",
    "https://sites.example.org/./acme/invoice",
    "https://sites.example.org/x/../acme/invoice",
    "https://sites.example.org/acme;x/invoice",
    "https://sites.example.org/%2e%2e/acme/invoice",
    "https://sites.example.org\\acme\\invoice",
    "http://sites.example.org:80/Acme//%49nvoice;jsessionid=1?id=7",
]


def test_check_blocks_every_spelling_of_a_url_prefix(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "acme.yaml").write_text(URL_RULE)
    db = tmp_path / "rules.db"
    compiled = run("rules", "compile", "--rules", str(rules), "--out", str(db))
    assert compiled.returncode == 0, compiled.stderr
    others = ["https://sites.example.org/acme/other", "https://sites.example.org:8443/acme/invoice"]
    stdin = "\n".join([*URL_RULE_SPELLINGS, *others]) + "\n"
    proc = run("check", "--db", str(db), "--json", "-", stdin=stdin.encode())
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    verdicts = {o["input"]: o["verdict"] for o in out}
    assert verdicts == {
        **{url: "block" for url in URL_RULE_SPELLINGS},
        **{url: "allow" for url in others},
    }
    assert all(
        [r["kind"] for r in o["reasons"]] == ["url-rule"] for o in out[: len(URL_RULE_SPELLINGS)]
    )
    assert "(sites.example.org/acme/invoice)" in out[1]["reasons"][0]["detail"]
