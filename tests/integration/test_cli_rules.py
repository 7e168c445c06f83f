"""`lureguard rules lint|test|import|stats|diff` through the real console script and CliRunner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lureguard.cli import main
from lureguard.engine import Engine
from lureguard.ruleset.schema import COMMON_KEYS, KIND_KEYS

REPO = Path(__file__).resolve().parents[2]
LUREGUARD = str(Path(sys.executable).parent / "lureguard")
FEEDS = Path("/work/shared/data/feeds")
BLOCK = """\
id: block/t
kind: blocklist
description: test
source: tests
hosts: [evil-site.com, "*.bad-domain.net"]
tests:
  match: [evil-site.com, "https://x.bad-domain.net/"]
  no_match: [good-site.com]
"""


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LUREGUARD, *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "block.yaml").write_text(BLOCK)
    return rules


def test_lint_clean_and_failing_rules(rules_dir: Path) -> None:
    result = cli("rules", "lint", str(rules_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 files, 1 rules: 0 error(s), 0 warning(s)" in result.stderr
    (rules_dir / "bad.yaml").write_text(
        BLOCK.replace("block/t", "block/u").replace(
            "evil-site.com,", "evil-site.com, google.com, bad..name,"
        )
    )
    result = cli("rules", "lint", str(rules_dir))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"rules/bad\.yaml:5:\d+: error: host 'bad\.\.name': .* \[block/u\]", lines[0]
    )
    quiet = cli("rules", "lint", "-q", "--no-guard", str(rules_dir / "block.yaml"))
    assert quiet.returncode == 0


def test_lint_false_alarm_guard_uses_given_popular_list(tmp_path: Path, rules_dir: Path) -> None:
    popular = tmp_path / "popular.txt"
    popular.write_text("# test\nevil-site.com\n")
    result = CliRunner().invoke(main, ["rules", "lint", "--popular", str(popular), str(rules_dir)])
    assert result.exit_code == 1
    assert "false-alarm guard: 'evil-site.com' is a popular domain" in result.output


def test_lint_missing_path_is_one_clear_error() -> None:
    result = CliRunner().invoke(main, ["rules", "lint", "/nonexistent/rules.yaml"])
    assert result.exit_code == 2
    assert "lureguard: error: no such file or directory: /nonexistent/rules.yaml" in result.output


def test_rule_tests_pass_and_fail(rules_dir: Path) -> None:
    result = cli("rules", "test", str(rules_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rules/block.yaml ..." in result.stdout
    assert re.search(r"=+ 3 passed in [\d.]+s =+", result.stdout)
    (rules_dir / "block.yaml").write_text(
        BLOCK.replace("no_match: [good-site.com]", "no_match: [sub.bad-domain.net]")
    )
    result = cli("rules", "test", "-v", str(rules_dir))
    assert result.returncode == 1
    assert "block/t no_match sub.bad-domain.net FAILED" in result.stdout
    assert (
        "rules/block.yaml:8:14: block/t: no_match 'sub.bad-domain.net': expected no reason "
        "from block/t; got block" in result.stdout
    )
    assert re.search(r"1 failed, 2 passed", result.stdout)


def test_rule_tests_refuse_invalid_rules(rules_dir: Path) -> None:
    (rules_dir / "block.yaml").write_text(BLOCK.replace("kind: blocklist", "kind: blok"))
    result = CliRunner().invoke(main, ["rules", "test", str(rules_dir)])
    assert result.exit_code == 1
    assert "unknown kind 'blok'" in result.output
    assert "nothing was tested" in result.output


def test_shipped_packs_lint_without_errors_and_pass_their_tests() -> None:
    packs = [REPO / "rules" / d for d in ("campaigns", "feeds", "allowlists")]
    lint = cli("rules", "lint", *map(str, packs))
    assert lint.returncode == 0, lint.stdout
    assert lint.stdout == ""
    result = cli("rules", "test", *map(str, packs))
    assert result.returncode == 0, result.stdout
    assert "thallium-2019.yaml ........." in result.stdout


def test_thallium_pack_holds_the_50_takedown_domains() -> None:
    doc = yaml.safe_load((REPO / "rules/campaigns/thallium-2019.yaml").read_text())
    source = [
        line.strip()
        for line in (FEEDS / "thallium-2019-dcu.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert [h.removeprefix("*.") for h in doc["hosts"]] == source
    assert len(source) == 50
    assert {"country.us", "country.kr", "country.jp", "group.thallium"} <= set(doc["tags"])
    assert doc["reference"].startswith("https://blogs.microsoft.com/")


def feed_args(fmt: str, out: Path, path: Path, *extra: str) -> list[str]:
    return [
        "rules",
        "import",
        "--format",
        fmt,
        "--source",
        f"test {fmt}",
        "--license",
        "CC0",
        "--added",
        "2026-11-25",
        "--out",
        str(out),
        *extra,
        str(path),
    ]


FIXTURES = {
    "hosts": "# hosts\n127.0.0.1 localhost\n0.0.0.0 evil-one.com evil-two.com\n0.0.0.0 1.2.3.4\n",
    "domains": "# list\nevil-one.com\n*.evil-two.com\nbad..name\n",
    "adblock": "! list\n||evil-one.com^\n||evil-two.com^$document\n||ads.com^$image\n",
    "urlhaus-csv": (
        "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
        '"1","2026","http://evil-one.com/a.exe","online","","m","","u","r"\n'
        '"2","2026","http://evil-two.com/"\n'
    ),
    "openphish": "https://evil-one.com/login\nhttps://evil-two.com/\nhttp://[::1/\n",
    "metamask": '{"blacklist": ["evil-one.com", "evil-two.com"], "whitelist": ["ok-site.com"]}',
}


@pytest.mark.parametrize("fmt", sorted(FIXTURES))
def test_import_every_format_writes_a_rule_that_compiles(tmp_path: Path, fmt: str) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text(FIXTURES[fmt])
    out = tmp_path / "rules" / "feed.yaml"
    result = cli(*feed_args(fmt, out, feed))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stderr
    compiled = cli("rules", "compile", "--rules", str(out.parent), "--out", str(tmp_path / "r.db"))
    assert compiled.returncode == 0, compiled.stderr
    url = "http://evil-one.com/a.exe" if fmt == "urlhaus-csv" else "https://evil-one.com/login"
    verdict = Engine.from_db(tmp_path / "r.db").check(url)
    assert verdict.verdict == "block"
    tested = cli("rules", "test", str(out.parent))
    assert tested.returncode == 0, tested.stdout
    rule = next(yaml.safe_load_all(out.read_text()))
    assert rule["source"] == f"test {fmt}"
    assert rule["license"] == "CC0"
    assert rule["added"] == "2026-11-25"


def test_import_reports_skips_with_lines_and_prints_yaml_without_out(tmp_path: Path) -> None:
    feed = tmp_path / "hosts.txt"
    feed.write_bytes(b"0.0.0.0 evil-one.com\n0.0.0.0 \xff.com\n0.0.0.0 10.1.1.1\n")
    result = CliRunner().invoke(
        main, ["rules", "import", "--format", "hosts", "--source", "t", str(feed)]
    )
    assert result.exit_code == 0, result.output
    assert f"{feed}:2: skipped: not valid UTF-8" in result.output
    assert f"{feed}:3: skipped: IP address" in result.output
    assert "id: feed/t\nkind: blocklist" in result.output


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--format", "nope"], "Invalid value for '--format'", 2),
        (["--format", "hosts", "--added", "2026-13-01"], "is not a date", 2),
        (["--format", "metamask"], "feed.txt:1:1: not an eth-phishing-detect config", 1),
    ],
)
def test_import_bad_arguments_and_input(
    tmp_path: Path, args: list[str], message: str, code: int
) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("[1, 2]\n")
    result = CliRunner().invoke(main, ["rules", "import", "--source", "t", *args, str(feed)])
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_import_missing_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["rules", "import", "--format", "hosts", "--source", "t", str(tmp_path / "none")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_import_real_samples(tmp_path: Path) -> None:
    out = tmp_path / "rules" / "mm.yaml"
    config = FEEDS / "metamask-eth-phishing-detect-1.2.0-config.json"
    result = cli(*feed_args("metamask", out, config))
    assert result.returncode == 0, result.stderr
    assert "note: fuzzylist (15 domains" in result.stderr
    # bluproducts.com and usermd.net are popular (shipped Radar half): the guard skips them.
    assert "12,917 entries kept" in result.stderr
    hosts_out = tmp_path / "rules" / "hosts.yaml"
    hosts = FEEDS / "metamask-eth-phishing-detect-1.2.0-hosts.txt"
    result = cli(*feed_args("hosts", hosts_out, hosts, "--id", "feed/mm-hosts"))
    assert result.returncode == 0, result.stderr
    assert "skipped: no public suffix (a local or unknown name): localhost" in result.stderr
    thallium = cli(
        *feed_args(
            "domains",
            tmp_path / "rules" / "th.yaml",
            FEEDS / "thallium-2019-dcu.txt",
            "--id",
            "feed/th",
        )
    )
    assert "50 entries kept" in thallium.stderr
    lint = cli("rules", "lint", "--no-guard", str(tmp_path / "rules"))
    assert lint.returncode == 0
    assert "of rule feed/test-metamask [feed/mm-hosts]" in lint.stdout  # a subset of config


@pytest.fixture(scope="module")
def two_dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("diff")
    rules = base / "rules"
    rules.mkdir()
    (rules / "block.yaml").write_text(BLOCK)
    assert (
        cli("rules", "compile", "--rules", str(rules), "--out", str(base / "old.db")).returncode
        == 0
    )
    (rules / "block.yaml").write_text(
        BLOCK.replace("evil-site.com,", "new-evil.com,").replace(
            "description: test", "description: changed\nexpires: 2026-12-01\ntags: [campaign.x]"
        )
    )
    (rules / "block.yaml").write_text(
        (rules / "block.yaml")
        .read_text()
        .replace("match: [evil-site.com,", "match: [new-evil.com,")
    )
    assert (
        cli("rules", "compile", "--rules", str(rules), "--out", str(base / "new.db")).returncode
        == 0
    )
    return base / "old.db", base / "new.db"


def test_diff_shows_added_removed_and_changed(two_dbs: tuple[Path, Path]) -> None:
    old, new = two_dbs
    result = cli("rules", "diff", str(old), str(new))
    assert result.returncode == 1
    assert "~ rule block/t: description: 'test' -> 'changed'" in result.stdout
    assert "host_entries: +1 -1" in result.stdout
    assert "  + blocklist exact new-evil.com [block/t]" in result.stdout
    assert "  - blocklist exact evil-site.com [block/t]" in result.stdout
    same = cli("rules", "diff", str(old), str(old))
    assert same.returncode == 0
    assert "no differences" in same.stdout
    data = json.loads(cli("rules", "diff", "--json", str(old), str(new)).stdout)
    assert data["entries"]["host_entries"]["added"]["count"] == 1


def test_diff_and_stats_refuse_non_databases(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite")
    for args in (
        ["diff", str(junk), str(junk)],
        ["stats", "--db", str(junk)],
        ["stats", "--db", str(tmp_path / "missing.db")],
    ):
        result = CliRunner().invoke(main, ["rules", *args])
        assert result.exit_code == 2
        assert "lureguard: error:" in result.output
        assert "Traceback" not in result.output


def test_stats_counts_and_expiring(two_dbs: tuple[Path, Path]) -> None:
    _, new = two_dbs
    result = cli("rules", "stats", "--db", str(new), "--days", "100000")
    assert result.returncode == 0, result.stderr
    assert "blocklist        1 rules          2 entries" in result.stdout
    assert "campaign.x" in result.stdout
    data = json.loads(cli("rules", "stats", "--db", str(new), "--json").stdout)
    assert data["by_kind"] == {"blocklist": {"rules": 1, "entries": 2}}
    assert data["by_tag"] == {"campaign.x": 1}
    assert data["rules"] == 1


def test_stats_defaults_to_the_bundled_rules(tmp_path: Path) -> None:
    result = cli("rules", "stats", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "campaign.thallium-2019" in result.stdout


def test_docs_examples_lint_test_compile_and_check(tmp_path: Path) -> None:
    """docs/rules.md walks an author from an empty file to a compiled rule: keep it true."""
    text = (REPO / "docs/rules.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    kinds = set()
    rules = tmp_path / "rules"
    rules.mkdir()
    for index, block in enumerate(blocks):
        (rules / f"example{index}.yaml").write_text(block)
        kinds.add(yaml.safe_load(block)["kind"])
    assert kinds == {"blocklist", "allowlist", "brand", "pattern", "signal"}
    assert cli("rules", "lint", str(rules)).returncode == 0
    tested = cli("rules", "test", str(rules))
    assert tested.returncode == 0, tested.stdout
    db = tmp_path / "rules.db"
    assert cli("rules", "compile", "--rules", str(rules), "--out", str(db)).returncode == 0
    checked = cli("check", "--db", str(db), "https://pay.acme-billing.net/login")
    assert "BLOCK" in checked.stdout


def test_json_schema_refuses_an_empty_blocklist_and_a_whole_top_level_domain() -> None:
    """Editors flag these as they are typed; lint adds multi-label suffixes (`*.co.uk`)."""
    schema = json.loads((REPO / "rules/schema.json").read_text())
    (then,) = [
        b["then"] for b in schema["allOf"] if b["if"]["properties"]["kind"]["const"] == "blocklist"
    ]
    assert [a["required"] for a in then["anyOf"]] == [["hosts"], ["hosts_file"], ["urls"]]
    assert then["anyOf"][0]["properties"]["hosts"]["minItems"] == 1
    assert then["anyOf"][2]["properties"]["urls"]["minItems"] == 1
    item = then["properties"]["hosts"]["items"]

    def accepted(entry: str) -> bool:
        return bool(re.search(item["pattern"], entry)) and not re.search(
            item["not"]["pattern"], entry
        )

    assert [accepted(e) for e in ("*.org", "*.com.", "*.xn--p1ai", "*.")] == [False] * 4
    assert [accepted(e) for e in ("*.evil.org", "evil.org", "*.co.uk")] == [True] * 3


def test_json_schema_lists_the_keys_schema_py_accepts() -> None:
    schema = json.loads((REPO / "rules/schema.json").read_text())
    assert set(schema["properties"]) == COMMON_KEYS
    for branch in schema["allOf"]:
        kind = branch["if"]["properties"]["kind"]["const"]
        assert set(branch["then"]["propertyNames"]["enum"]) == COMMON_KEYS | KIND_KEYS[kind]
    assert set(schema["properties"]["kind"]["enum"]) == set(KIND_KEYS)
