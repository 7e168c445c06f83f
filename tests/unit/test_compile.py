"""Compiling writes a real SQLite database atomically; a failed compile changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruledata.database import RuleDatabaseError, read_database
from lureguard.ruleset.build import compile_dir, ensure_compiled
from lureguard.ruleset.errors import RuleSetError
from tests.unit.rulefiles import ALLOW, BLOCK, BRAND, write_rules


def test_compile_writes_tables_indexes_and_metadata(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, brand=BRAND, block=BLOCK, allow=ALLOW)
    out = tmp_path / "rules.db"
    result = compile_dir([rules], out, PopularList(("popular.com",), "test"))
    assert result.counts["rules"] == 3
    conn = sqlite3.connect(out)
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == "1"
    assert meta["ruleset_hash"] == result.digest
    assert meta["popular_source"] == "test"
    hosts = set(conn.execute("SELECT host, match, list FROM host_entries"))
    assert hosts == {
        ("evil.net", "exact", "blocklist"),
        ("bad.org", "suffix", "blocklist"),
        ("allowed.evil.net", "exact", "allowlist"),
    }
    labels = list(conn.execute("SELECT label, skeleton, domain FROM protected_labels"))
    assert labels == [("examplebank", "examplebank", "examplebank.com")]
    indexes = {row[1] for row in conn.execute("SELECT * FROM sqlite_master WHERE type='index'")}
    assert "idx_host_entries_host" in indexes
    assert not list(tmp_path.glob(".rules.db.*.tmp"))


def test_each_list_reads_its_own_entries_and_a_hosts_first_rule_wins(tmp_path: Path) -> None:
    later = BLOCK.replace("block/test", "block/later").replace('"*.bad.org"', "bad.org")
    rules = write_rules(tmp_path, a_block=BLOCK, b_block=later, allow=ALLOW)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList.empty())
    data = read_database(out)
    assert data.block_exact == {"evil.net": "block/test", "bad.org": "block/later"}
    assert data.block_suffix == {"bad.org": "block/test"}
    assert data.allow_exact == {"allowed.evil.net": "allow/test"}
    assert data.allow_suffix == {}


def test_a_broken_rule_file_leaves_the_previous_database_in_place(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList.empty())
    before = out.read_bytes()
    (rules / "block.yaml").write_text(BLOCK.replace("evil.net", "evil..net"))
    with pytest.raises(RuleSetError, match=r"block.yaml:5:\d+: error: host 'evil..net'"):
        compile_dir([rules], out, PopularList.empty())
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".rules.db.*.tmp"))


def test_ensure_compiled_recompiles_only_when_sources_change(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    assert ensure_compiled(rules, out) is not None
    assert ensure_compiled(rules, out) is None
    (rules / "block.yaml").write_text(BLOCK.replace("evil.net", "worse.net"))
    assert ensure_compiled(rules, out) is not None
    assert Engine.from_db(out).check("worse.net").verdict == "block"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"this is not sqlite at all" * 100, "corrupt or not a lureguard database"),
        (b"", "corrupt or not a lureguard database"),
    ],
)
def test_unusable_databases_are_refused_with_a_message(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "rules.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RuleDatabaseError, match=message):
        read_database(path)


def test_other_schema_versions_are_refused(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList.empty())
    conn = sqlite3.connect(out)
    conn.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(RuleDatabaseError, match="schema version 99"):
        read_database(out)


def test_truncated_database_is_refused(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList(tuple(f"d{i}.com" for i in range(5000)), "t"))
    data = out.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    with pytest.raises(RuleDatabaseError):
        read_database(out)
