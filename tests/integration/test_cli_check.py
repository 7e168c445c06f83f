"""`lureguard check` through the real console script and through click's runner."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard import __version__
from lureguard.cli import main
from lureguard.cli.check import Progress, verdict_json
from lureguard.engine import Engine
from lureguard.verdict import Verdict

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


def test_indicators_as_threat_reports_write_them(bundled_db: Path) -> None:
    """Defanged indicators are read back; a customer's site in a platform's path is judged."""
    lines = b"hxxps://rnicrosoft[.]com/login\nhttps://sites.google.com/view/paypal-login-verify\n"
    proc = run("check", "--db", str(bundled_db), "--json", "-", stdin=lines)
    assert proc.returncode == 0, proc.stderr
    defanged, site = (json.loads(line) for line in proc.stdout.splitlines())
    assert (defanged["host"], defanged["verdict"]) == ("rnicrosoft.com", "warn")
    assert (site["host"], site["verdict"]) == ("sites.google.com", "warn")
    assert [r["rule_id"] for r in site["reasons"]] == ["brand/paypal"]


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


def test_fast_json_is_exactly_json_dumps(bundled_engine: Engine) -> None:
    inputs = [
        "example.org", "https://www.bücher.de/a?b=c", "xn--bcher-kva.de", "rnicrosoft.com",
        "paypa1.com", "", "a\x1b[2Jb", 'qu"ote\\.com', "1.2.3.4", "[::1]", "ex ample.com",
        "𝔤oogle.com", "http://user@host.example:8080/x", "evil\u202e.com", "x" * 300, "abc",
    ]  # fmt: skip
    for text in inputs:
        verdict = bundled_engine.check(text)
        assert verdict_json(verdict) == json.dumps(verdict.to_dict(), ensure_ascii=False), text
    invalid = Verdict.invalid("caf\ufffd.com", "input is not valid UTF-8 (byte 3)")
    assert verdict_json(invalid) == json.dumps(invalid.to_dict(), ensure_ascii=False)


def test_a_large_batch_gets_every_answer_in_order(bundled_db: Path, tmp_path: Path) -> None:
    engine = Engine.from_db(bundled_db)
    hosts = [f"host{i}.example.com" for i in range(20_000)]
    hosts[7_777] = "rnicrosoft.com"
    hosts[15_000] = "caf\xe9"  # becomes invalid UTF-8 below
    data = "\n".join(hosts).encode("latin-1")  # no final newline: the last line still counts
    proc = run("check", "--db", str(bundled_db), "--json", "--no-progress", "-", stdin=data)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    out = proc.stdout.decode().splitlines()
    assert len(out) == len(hosts)
    assert json.loads(out[7_777])["verdict"] == "warn"
    assert "not valid UTF-8" in json.loads(out[15_000])["error"]
    for index in (0, 1, 9_999, 19_999):
        expected = engine.check(hosts[index]).to_dict()
        assert json.loads(out[index]) == expected


def test_each_line_is_answered_as_it_arrives(bundled_db: Path) -> None:
    proc = subprocess.Popen(
        [LUREGUARD, "check", "--db", str(bundled_db), "--json", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None
    assert proc.stdout is not None
    try:
        for host, verdict in (("rnicrosoft.com", "warn"), ("example.org", "allow")):
            proc.stdin.write(host.encode() + b"\n")
            proc.stdin.flush()
            # Answered before the next line is written (or stdin is closed).
            assert json.loads(proc.stdout.readline())["verdict"] == verdict
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0


def test_progress_on_a_terminal(bundled_db: Path, tmp_path: Path) -> None:
    """Standard error on a pseudo-terminal, answers to a file: the progress line appears."""
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("".join(f"h{i}.example.net\n" for i in range(30_000)) + "rnicrosoft.com\n")
    leader, follower = pty.openpty()
    with hosts.open("rb") as stdin, (tmp_path / "out.jsonl").open("wb") as stdout:
        proc = subprocess.Popen(
            [LUREGUARD, "check", "--db", str(bundled_db), "--json", "-"],
            stdin=stdin, stdout=stdout, stderr=follower,
        )  # fmt: skip
        os.close(follower)
        screen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed when the process exited
                break
            if not chunk:
                break
            screen += chunk
        proc.wait(timeout=120)
    os.close(leader)
    assert proc.returncode == 0
    text = screen.decode().replace("\r\n", "\n")  # the terminal turns \n into \r\n
    final = text.rsplit("\r", 1)[-1]
    assert re.fullmatch(r"checked 30,001 in \d+\.\d s, [\d,]+/s, 1 flagged\x1b\[K\n", final), text
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 30_001
    # Answers on a terminal, or --no-progress: nothing on standard error.
    quiet = run("check", "--db", str(bundled_db), "--json", "--no-progress", "-", stdin=b"a.com\n")
    assert quiet.stderr == b""


def test_progress_line_counts_rate_and_share() -> None:
    stream = io.StringIO()
    meter = Progress(stream, total_bytes=1000, every=0.0)
    meter.start -= 2.0
    meter.add(5000, 3, 250)
    assert stream.getvalue().startswith("\rchecked 5,000 (25%), ")
    assert stream.getvalue().endswith("/s, 3 flagged\x1b[K")
    meter.finish()
    assert re.search(
        r"\rchecked 5,000 in 2\.\d s, 2,\d{3}/s, 3 flagged\x1b\[K\n$", stream.getvalue()
    )


def test_format_reads_the_site_column_of_a_log(bundled_db: Path) -> None:
    log = (
        b"#separator \\x09\n"
        b"#fields\tts\tuid\tquery\n"
        b"1.0\tC1\trnicrosoft.com\n"
        b"2.0\tC2\twww.example.org\n"
        b"3.0\tC3\t-\n"
    )
    proc = run("check", "--db", str(bundled_db), "--json", "--format", "zeek", "-", stdin=log)
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [(o["input"], o["verdict"]) for o in out] == [
        ("rnicrosoft.com", "warn"),
        ("www.example.org", "allow"),
    ]
    squid = b"1.1 5 10.0.0.5 TCP_TUNNEL/200 39 CONNECT paypa1.com:443 - HIER_DIRECT/1.2.3.4 -\n"
    proc = run("check", "--db", str(bundled_db), "--format", "squid", "-", stdin=squid)
    assert proc.stdout.decode().startswith("paypa1.com: WARN")


def test_an_input_that_trips_a_bug_is_one_error_line(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A detector bug (simulated: none is known to trip) answers its input with an error and
    status 1; the inputs around it are still answered and no traceback is printed."""
    original = Engine.check

    def faulty(self: Engine, text: str, notices: bool = True) -> Verdict:
        if "boom" in text:
            raise IndexError("string index out of range")
        return original(self, text, notices)

    monkeypatch.setattr(Engine, "check", faulty)
    lines = "rnicrosoft.com\nboom.example.org\nmicrosoft.com\n"
    result = CliRunner().invoke(main, ["check", "--db", str(bundled_db), "--json", "-"],
                                input=lines)  # fmt: skip
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["verdict"] for o in out] == ["warn", None, "allow"]
    assert out[1]["input"] == "boom.example.org"
    assert out[1]["error"].startswith("lureguard failed on this input, a bug (IndexError: ")
    assert "1 input(s) could not be checked" in result.stderr
    assert "Traceback" not in result.output
