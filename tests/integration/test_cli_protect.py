"""`lureguard rules explain-fp` and `lureguard protect`, through CliRunner and the real script.

explain-fp's suggested edits are applied to the rule files and the host checked again: a
suggestion that does not fix the false alarm fails here, not in a rule author's hands.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from lureguard.cli import main
from lureguard.deploy import runtime as deployment
from lureguard.deploy.errors import PolicyError
from lureguard.deploy.policy import read_settings
from lureguard.engine import Engine
from lureguard.paths import bundled_rules_dir

LUREGUARD = str(Path(sys.executable).parent / "lureguard")
BRAND = """\
# A brand whose CDN domain is missing from its domains.
id: brand/acme
kind: brand
name: Acmecorp
description: test brand
source: tests
domains:
  - acmecorp.com
  - acmecorp-pay.com
keywords: [acmecorp]
"""
WORD_BRAND = """\
id: brand/statebank
kind: brand
name: State Bank
description: a brand whose keyword is an ordinary word
source: tests
domains: [statebank-example.com]
keywords: [statebankx, state]
"""
OWN_WORDS_BRAND = """\
id: brand/orbit
kind: brand
name: Orbit Pay
description: a word-brand with a lure word of its own
source: tests
domains: [orbitpay-example.com]
keywords: [orbitpayx]
context_keywords: [orbit]
lure_words: [launch, rocket]
"""
FEED = """\
id: feed/test
kind: blocklist
description: an imported feed
source: Test feed
reference: https://feed.example/list
hosts_file: feed.txt
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def explain(rules: Path, host: str) -> tuple[int, dict[str, Any]]:
    result = run("rules", "explain-fp", "--json", "--rules", str(rules), host)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def apply(root: Path, edits: list[dict[str, Any]]) -> None:
    """Apply explain-fp's edits (file names are relative to the rules' parent)."""
    for edit in sorted(edits, key=lambda e: -int(e["line"])):
        path = root / edit["file"]
        lines = path.read_text().splitlines()
        at = int(edit["line"])
        assert at > 0, edit
        if edit["action"] == "add-after":
            lines.insert(at, edit["text"])
        elif edit["action"] == "replace":
            lines[at - 1] = edit["text"]
        else:
            assert edit["action"] == "delete"
            assert lines[at - 1].strip().strip('"-').strip() == edit["text"].strip()
            del lines[at - 1]
        path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    (folder / "brands").mkdir(parents=True)
    (folder / "feeds").mkdir()
    (folder / "allowlists").mkdir()
    (folder / "signals").mkdir()
    (folder / "brands" / "acme.yaml").write_text(BRAND)
    (folder / "brands" / "statebank.yaml").write_text(WORD_BRAND)
    (folder / "brands" / "orbit.yaml").write_text(OWN_WORDS_BRAND)
    (folder / "feeds" / "test.yaml").write_text(FEED)
    (folder / "feeds" / "feed.txt").write_text("# test feed\nevil-one.net\n*.bad-feed.net\n")
    bundled = bundled_rules_dir()
    for name in ("allowlists/local.yaml", "signals/domain-embedding.yaml"):
        (folder / name).write_text((bundled / name).read_text())
    return folder


def fix(report: dict[str, Any], cause: str) -> dict[str, Any]:
    fixes = report["findings"][0]["fixes"]
    found = [f for f in fixes if f["cause"] == cause]
    assert found, [f["cause"] for f in fixes]
    return found[0]


def test_explain_brand_infrastructure_names_file_line_and_the_edit_that_fixes_it(
    rules: Path,
) -> None:
    code, report = explain(rules, "https://acmecorp-support.net/app.js")
    assert code == 1
    finding = report["findings"][0]
    assert finding["reason"]["kind"] == "combosquat"
    assert finding["rule"] == {
        "id": "brand/acme", "kind": "brand", "name": "Acmecorp", "file": "rules/brands/acme.yaml",
        "line": 2, "source": "tests", "severity": "warn",
    }  # fmt: skip
    assert (finding["matched"], finding["matched_as"]) == ("acmecorp", "keywords")
    assert finding["fixes"][0]["cause"] == "brand-domain"
    edit = finding["fixes"][0]["edits"]
    assert edit == [
        {"file": "rules/brands/acme.yaml", "line": 9, "action": "add-after",
         "text": "  - acmecorp-support.net"}
    ]  # fmt: skip
    assert "no shipped popular list" in report["popular_note"]
    assert "data/popular-radar-2026.txt" in report["popular_note"]
    apply(rules.parent, edit)
    code, report = explain(rules, "https://acmecorp-support.net/app.js")
    assert code == 0
    assert "official domain of Acmecorp" in report["allowed_because"]


def test_explain_a_wrapped_link_explains_the_address_inside(rules: Path) -> None:
    inside = "https%3A%2F%2Facmecorp-support.net%2F"
    wrapped = f"https://nam12.safelinks.protection.outlook.com/?url={inside}"
    code, report = explain(rules, wrapped)
    assert code == 1
    assert report["verdict"]["host"] == "acmecorp-support.net"
    assert report["notes"][0].startswith("the link goes through nam12.safelinks.protection")
    apply(rules.parent, fix(report, "brand-domain")["edits"])
    assert explain(rules, wrapped)[0] == 0


def test_explain_a_customer_site_on_a_platform_allows_that_site_only(rules: Path) -> None:
    code, report = explain(rules, "https://sites.google.com/view/acmecorp-login")
    assert code == 1
    fixes = report["findings"][0]["fixes"]
    assert [f["cause"] for f in fixes] == ["allowlist"]  # no fix names the platform's domain
    assert "acmecorp-login.sites.google.com" in fixes[0]["edits"][0]["text"]
    assert report["popular_note"] is None
    apply(rules.parent, fixes[0]["edits"])
    assert explain(rules, "https://sites.google.com/view/acmecorp-login")[0] == 0
    assert explain(rules, "https://sites.google.com/view/acmecorp-verify")[0] == 1


def test_explain_namesake_on_another_suffix(rules: Path) -> None:
    code, report = explain(rules, "acmecorp.app")
    assert code == 1
    assert report["findings"][0]["reason"]["kind"] == "tld-swap"
    namesake = fix(report, "namesake")
    assert namesake["edits"][0]["text"] == "namesakes: [acmecorp.app]"
    apply(rules.parent, namesake["edits"])
    code, report = explain(rules, "acmecorp.app")
    assert code == 0
    assert "another owner's site" in report["allowed_because"]


def test_explain_ordinary_word_keyword_moves_to_context_keywords(rules: Path) -> None:
    code, report = explain(rules, "state.app")
    assert code == 1
    word = fix(report, "ordinary-word")
    assert "other popular sites carry it" in word["text"]
    texts = [e["text"] for e in word["edits"]]
    assert texts == ["keywords: [statebankx]", "context_keywords: [state]"]
    apply(rules.parent, word["edits"])
    assert explain(rules, "state.app")[0] == 0
    # Still protected where the intent is plain.
    assert explain(rules, "state-login.com")[0] == 1


def test_explain_own_lure_word_is_removed_from_the_brand(rules: Path) -> None:
    code, report = explain(rules, "orbit-launch.com")
    assert code == 1
    finding = report["findings"][0]
    assert (finding["matched"], finding["matched_as"]) == ("orbit", "context_keywords")
    own = fix(report, "own-lure-word")
    assert "'launch'" in own["text"]
    assert [e["text"] for e in own["edits"]] == ["lure_words: [rocket]"]
    apply(rules.parent, own["edits"])
    assert explain(rules, "orbit-launch.com")[0] == 0
    # Still protected beside the lure words of every brand, and beside its own others.
    assert explain(rules, "orbit-login.com")[0] == 1
    assert explain(rules, "orbit-rocket.com")[0] == 1


def test_explain_feed_entry_points_at_the_host_list_line(rules: Path) -> None:
    code, report = explain(rules, "www.bad-feed.net")
    assert code == 1
    finding = report["findings"][0]
    assert (finding["matched"], finding["matched_as"]) == ("*.bad-feed.net", "hosts")
    entry = fix(report, "list-entry")
    assert entry["edits"] == [
        {"file": "rules/feeds/feed.txt", "line": 3, "action": "delete", "text": "*.bad-feed.net"}
    ]
    assert "https://feed.example/list" in entry["text"]
    allow = fix(report, "allowlist")
    assert allow["edits"][0]["file"] == "rules/allowlists/local.yaml"
    apply(rules.parent, allow["edits"])
    code, report = explain(rules, "www.bad-feed.net")
    assert code == 0
    assert "on the allowlist" in report["allowed_because"]


def test_explain_signal_severity(rules: Path) -> None:
    code, report = explain(rules, "login.example.edu.other-site.tk")
    assert code == 1
    severity = fix(report, "signal-severity")
    assert severity["edits"][0]["text"] == "severity: notice"
    apply(rules.parent, severity["edits"])
    code, report = explain(rules, "login.example.edu.other-site.tk")
    assert code == 0
    assert len(report["notes"]) == 1
    assert "notice" in report["notes"][0]


def test_explain_text_output_and_exit_codes_of_the_real_script(rules: Path) -> None:
    flagged = subprocess.run(
        [LUREGUARD, "rules", "explain-fp", "--rules", str(rules), "acmecorp-support.net"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert flagged.returncode == 1, flagged.stderr
    out = flagged.stdout
    assert out.startswith("acmecorp-support.net: WARN\n")
    assert "1. combosquat, warn, from brand/acme (brand Acmecorp, real site acmecorp.com)" in out
    assert "rule: rules/brands/acme.yaml:2 (brand; matched keywords entry 'acmecorp')" in out
    assert "rules/brands/acme.yaml: after line 9, add:\n      |   - acmecorp-support.net" in out
    allowed = run("rules", "explain-fp", "--rules", str(rules), "https://www.acmecorp.com/x")
    assert allowed.exit_code == 0
    assert allowed.output.startswith(
        "www.acmecorp.com: ALLOW: nothing to explain: allowed because acmecorp.com is an "
        "official domain of Acmecorp (brand/acme, rules/brands/acme.yaml:2)"
    )
    popular = run("rules", "explain-fp", "--rules", str(rules), "wikipedia.org")
    assert "is a popular domain (data/popular.txt" in popular.output


@pytest.mark.parametrize("host", ["bad..host", "", "http://[::1"])
def test_explain_bad_input_is_one_line_exit_2(rules: Path, host: str) -> None:
    result = subprocess.run(
        [LUREGUARD, "rules", "explain-fp", "--rules", str(rules), host],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("lureguard: error: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_explain_with_the_default_rules(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "rules", "explain-fp", "--json", "rnicrosoft.com")
    assert result.exit_code == 1
    finding = json.loads(result.stdout)["findings"][0]
    assert finding["rule"]["file"] == "rules/brands/microsoft.yaml"
    assert finding["rule"]["line"] > 0


# -- lureguard protect ------------------------------------------------------------------------


def test_protect_writes_a_rule_the_next_compile_uses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = run(
        "--data-dir", str(data), "protect", "acme-relief.org", "acme-relief.de",
        "--sso", "login.acme-relief.org", "--name", "Acme Relief",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = data / "rules" / "local" / "acme-relief.yaml"
    assert f"wrote {path} (rule org/acme-relief, Acme Relief)" in result.output
    assert "lureguard rules compile" in result.output
    text = path.read_text()
    assert text.startswith("# Acme Relief: the organisation's own domains")
    rule = yaml.safe_load(text)
    assert rule["id"] == "org/acme-relief"
    assert rule["kind"] == "brand"
    assert rule["domains"] == ["acme-relief.org", "acme-relief.de"]
    assert rule["login_hosts"] == ["login.acme-relief.org"]
    assert rule["keywords"] == ["acme-relief"]
    assert rule["source"] == "lureguard protect"
    assert rule["added"] == dt.date.today()
    assert rule["author"]
    assert "acme-relief-login.com" in rule["tests"]["match"]
    assert "www.acme-relief.org" in rule["tests"]["no_match"]
    # The file passes the authoring tools on its own.
    assert run("rules", "lint", "--no-guard", str(path)).exit_code == 0
    assert run("rules", "test", str(path)).exit_code == 0
    compiled = run("--data-dir", str(data), "rules", "compile")
    assert compiled.exit_code == 0, compiled.output
    assert f"including your own rules from {data / 'rules'}" in compiled.output
    engine = Engine.from_db(data / "rules.db")
    lookalike = engine.check("https://acme-relief-login.com/")
    assert lookalike.verdict == "warn"
    assert {r.rule_id for r in lookalike.reasons} == {"org/acme-relief"}
    for own in ("acme-relief.org", "www.acme-relief.de", "login.acme-relief.org"):
        assert engine.check(own).verdict == "allow", own
    # `check` compiles the same sources without being told.
    checked = run("--data-dir", str(data), "check", "--json", "acrne-relief.org")
    assert json.loads(checked.stdout)["reasons"][0]["rule_id"] == "org/acme-relief"
    again = run("--data-dir", str(data), "protect", "acme-relief.org")
    assert again.exit_code == 2
    assert "already exists; pass --force" in again.output


def test_protect_an_ordinary_word_only_beside_lure_words(tmp_path: Path) -> None:
    out = tmp_path / "state.yaml"
    result = run("protect", "state.gov", "--out", str(out))
    assert result.exit_code == 0, result.output
    rule = yaml.safe_load(out.read_text())
    assert "keywords" not in rule
    assert rule["context_keywords"] == ["state"]
    assert "is outside the folders compiled by default" in result.output
    db = tmp_path / "rules.db"
    assert run("rules", "compile", "--rules", str(out), "--out", str(db)).exit_code == 0
    engine = Engine.from_db(db)
    assert engine.check("state-login.com").verdict == "warn"
    # Bare or misspelled, the word is someone else's site.
    for host in ("state.io", "staet.com", "statenews.com"):
        assert engine.check(host).verdict == "allow", host


def test_protect_to_stdout_writes_nothing(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path), "protect", "oxfam-example.org", "--out", "-")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["id"] == "org/oxfam-example"
    assert not (tmp_path / "rules").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["example.org", "--sso", "login.other.org"],
         "sign-in host 'login.other.org' is not under the organisation's domains (example.org)"),
        (["bad..org"], "domain 'bad..org' is not a host name"),
        (["org"], "'org' is a public suffix"),
        (["co.uk"], "'co.uk' is a public suffix"),
        (["192.0.2.1"], "is an IP address"),
        (["mail.example.org"], "'mail.example.org' is a host under example.org"),
        (["ox.ac.uk"], "no name to protect in ox.ac.uk"),
    ],
)  # fmt: skip
def test_protect_refuses_bad_input(tmp_path: Path, args: list[str], message: str) -> None:
    result = subprocess.run(
        [LUREGUARD, "--data-dir", str(tmp_path), "protect", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("lureguard: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "rules").exists()


def test_protect_refuses_a_rule_that_fails_lint(tmp_path: Path) -> None:
    # A rule of the same id already among the rules it is checked beside: lint's duplicate id.
    clash = tmp_path / "rules" / "other.yaml"
    clash.parent.mkdir(parents=True)
    clash.write_text(BRAND.replace("brand/acme", "org/acme-relief"))
    result = run("--data-dir", str(tmp_path), "protect", "acme-relief.org")
    assert result.exit_code == 1
    assert "duplicate rule id" in result.output
    assert "nothing was written" in result.output
    assert not (tmp_path / "rules" / "local").exists()


# -- the system policy -------------------------------------------------------------------------

POLICY = """\
protect:
  domains: [example-ngo.org, example-ngo.de]
  sso_hosts: [login.example-ngo.org]
  name: Example NGO
"""


def test_policy_protect_keys_compile_into_the_same_rule(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    runtime = deployment.load({}, str(policy))
    db = tmp_path / "data" / "rules.db"
    db.parent.mkdir()
    deployment.prepare_rules(bundled_rules_dir(), db, runtime)
    engine = Engine.from_db(db)
    flagged = engine.check("example-ngo-login.com")
    assert flagged.verdict == "warn"
    assert flagged.reasons[0].rule_id == "org/example-ngo"
    assert flagged.reasons[0].brand == "Example NGO"
    assert engine.check("exarnple-ngo.org").verdict == "warn"
    for own in ("example-ngo.org", "www.example-ngo.de", "login.example-ngo.org"):
        assert engine.check(own).verdict == "allow", own
    generated = yaml.safe_load((db.parent / "policy-rules.yaml").read_text())
    assert generated["login_hosts"] == ["login.example-ngo.org"]
    assert generated["source"] == "policy policy"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (POLICY.replace("login.example-ngo.org", "login.other.org"), ":3:"),
        ("protect:\n  domains: [org]\n", ":2:"),
        ("protect:\n  sso_hosts: [login.example.org]\n", ":2:"),
    ],
)
def test_policy_protect_errors_name_the_line(tmp_path: Path, text: str, where: str) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    with pytest.raises(PolicyError, match=f"policy.yaml{where}.*protect"):
        read_settings(policy)
