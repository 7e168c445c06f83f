"""kill -9 in the middle of `rules compile`, `rules import` and `update`, and damaged databases.

Each kill lands mid-write: the test waits until the command's temporary file exists (and has
bytes), freezes the process with SIGSTOP, checks the temporary file is still there (so the
rename has not happened yet), then sends SIGKILL. What must hold afterwards: the previous file
is byte-for-byte unchanged and loads, whoever uses it keeps using it, and the next run of the
same command succeeds despite the debris a killed process leaves.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard.cli import main
from lureguard.deploy import signing
from lureguard.deploy.bundle import build
from lureguard.deploy.state import UpdateState, bundle_dir
from lureguard.engine import Engine
from lureguard.paths import bundled_rules_dir
from lureguard.popular import PopularList
from lureguard.ruledata.database import RuleDatabaseError
from lureguard.ruleset.build import compile_dir
from tests.support.proxy import LUREGUARD, ProxyProcess, curl

pytestmark = pytest.mark.e2e

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
#: Big enough that the write takes a while on a loaded machine, small enough to stay quick.
BIG_FEED = 120_000


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _blocklist(folder: Path, rule_id: str, *hosts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{rule_id.replace('/', '-')}.yaml").write_text(
        f"id: {rule_id}\nkind: blocklist\ndescription: crash test\nsource: tests\n"
        f"hosts: [{', '.join(hosts)}]\n"
    )
    return folder


def _big_hosts_rule(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "big.txt").write_text("".join(f"h{i}.big-feed.example\n" for i in range(count)))
    (folder / "big.yaml").write_text(
        "id: block/big\nkind: blocklist\ndescription: big\nsource: tests\nhosts_file: big.txt\n"
    )
    return folder


def kill_mid_write(
    command: list[str],
    directory: Path,
    pattern: str,
    *,
    env: dict[str, str] | None = None,
    min_size: int = 1,
    attempts: int = 3,
) -> Path:
    """Run `command` and SIGKILL it while a file matching `pattern` exists in `directory`
    with at least `min_size` bytes; return that temporary file. Retries when the command
    renamed its file before it could be frozen; fails when no attempt landed mid-write."""
    for _ in range(attempts):
        proc = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        caught: Path | None = None
        deadline = time.monotonic() + 90
        try:
            while proc.poll() is None and time.monotonic() < deadline and caught is None:
                for entry in os.scandir(directory):
                    if fnmatch.fnmatch(entry.name, pattern) and entry.stat().st_size >= min_size:
                        proc.send_signal(signal.SIGSTOP)  # frozen: what kill -9 leaves is this
                        if os.path.exists(entry.path):
                            caught = Path(entry.path)
                        break
        finally:
            proc.kill()
            proc.wait()
        if caught is not None:
            assert proc.returncode == -signal.SIGKILL
            assert caught.exists(), "the temporary file must still be there after kill -9"
            return caught
    raise AssertionError(f"{command[1:3]} was never caught mid-write in {attempts} attempts")


# -- damaged databases ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("small")
    rules = _blocklist(base / "rules", "block/crash", "kept.example")
    out = base / "rules.db"
    compile_dir([rules], out, PopularList.empty())
    return out


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated-to-one-page": lambda p: p.write_bytes(p.read_bytes()[:4096]),
    "truncated-half": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "pages-overwritten": lambda p: p.write_bytes(
        p.read_bytes()[:4096] + b"\xa5" * (p.stat().st_size - 4096)
    ),
    "not-sqlite": lambda p: p.write_bytes(b"SQLite format 2\x00" + b"x" * 5000),
    # Internally inconsistent files that SQLite itself reads fine (KeyError, UnicodeDecodeError
    # and an unknown level escaped as tracebacks before the engine refused them):
    "entry-without-rule": lambda p: _sql(p, "DELETE FROM rules"),
    "meta-not-utf8": lambda p: _sql(
        p, "UPDATE meta SET value = CAST(x'e1e1' AS TEXT) WHERE key = 'ruleset_version'"
    ),
    "unknown-severity": lambda p: _sql(p, "UPDATE rules SET severity = 'maybe'"),
    "schema-with-newlines": lambda p: _sql(
        p, "UPDATE meta SET value = 'one\ntwo\nthree' WHERE key = 'schema_version'"
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_database_is_refused_with_one_line(
    small_db: Path, tmp_path: Path, damage: str
) -> None:
    db = tmp_path / "rules.db"
    shutil.copyfile(small_db, db)
    DAMAGE[damage](db)
    with pytest.raises(RuleDatabaseError) as caught:
        Engine.from_db(db)
    assert "\n" not in str(caught.value)
    assert str(db) in str(caught.value)
    result = CliRunner().invoke(main, ["check", "--db", str(db), "kept.example"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lureguard: error: rules database ")
    assert "Traceback" not in result.output


def _events(proxy: ProxyProcess) -> list[dict[str, object]]:
    path = proxy.data_dir / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _poke_until(proxy: ProxyProcess, done: Callable[[], bool], timeout: float = 20) -> bool:
    """Send requests (the proxy checks its database from its hooks) until `done()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        curl(proxy, "http://www.example.org/poke")
        if done():
            return True
        time.sleep(0.2)
    return False


def _reloads(proxy: ProxyProcess) -> int:
    """Reload attempts so far, successful or not."""
    return sum(str(e["event"]).startswith("reload") for e in _events(proxy))


def _warns(proxy: ProxyProcess, host: str) -> bool:
    return curl(proxy, f"http://{host}/", headers=NAV).status == 403


def test_running_proxy_keeps_its_engine_when_a_damaged_database_is_swapped_in(
    lureguard_proxy: ProxyProcess, small_db: Path
) -> None:
    db = lureguard_proxy.data_dir / "rules.db"
    assert _warns(lureguard_proxy, "rnicrosoft.com")
    for damage in ("truncated-half", "entry-without-rule"):
        before = sum(e["event"] == "reload-failed" for e in _events(lureguard_proxy))
        staged = db.with_name(f".{damage}.tmp")
        shutil.copyfile(small_db, staged)
        DAMAGE[damage](staged)
        staged.replace(db)  # atomically, as a careless tool would
        assert _poke_until(
            lureguard_proxy,
            lambda b=before: (
                sum(e["event"] == "reload-failed" for e in _events(lureguard_proxy)) > b
            ),
        )
        failed = [e for e in _events(lureguard_proxy) if e["event"] == "reload-failed"][-1]
        assert "\n" not in str(failed["error"])
        assert _warns(lureguard_proxy, "rnicrosoft.com")  # the bundled rules still apply
        assert curl(lureguard_proxy, "http://www.example.org/").status == 200


# -- kill -9 mid-write ---------------------------------------------------------------------


def test_kill_during_compile_keeps_the_database_the_proxy_uses(
    lureguard_proxy: ProxyProcess, tmp_path: Path
) -> None:
    db = lureguard_proxy.data_dir / "rules.db"
    reloads = _reloads(lureguard_proxy)
    compile_dir([bundled_rules_dir()], db)  # a known-good state, whatever ran before
    assert _poke_until(lureguard_proxy, lambda: _reloads(lureguard_proxy) > reloads)
    reloads = _reloads(lureguard_proxy)
    before = _sha(db)
    rules = _big_hosts_rule(tmp_path / "big", BIG_FEED * 2)
    leftover = kill_mid_write(
        [str(LUREGUARD), "rules", "compile", "--rules", str(rules), "--out", str(db)],
        db.parent, ".rules.db.*.tmp", min_size=4096,
    )  # fmt: skip
    assert _sha(db) == before
    assert Engine.from_db(db).check("rnicrosoft.com").flagged
    # The proxy saw no change at all: same file, nothing reloaded, still warning.
    for _ in range(6):
        curl(lureguard_proxy, "http://www.example.org/poke")
    time.sleep(1.2)
    curl(lureguard_proxy, "http://www.example.org/poke")
    assert _reloads(lureguard_proxy) == reloads
    assert _warns(lureguard_proxy, "rnicrosoft.com")
    # The next compile succeeds next to the debris, and the proxy picks it up.
    small = _blocklist(tmp_path / "after", "block/after-crash", "after-crash.example.org")
    done = subprocess.run(
        [str(LUREGUARD), "rules", "compile", "--rules", str(bundled_rules_dir()),
         "--rules", str(small), "--out", str(db)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _poke_until(lureguard_proxy, lambda: _warns(lureguard_proxy, "after-crash.example.org"))
    assert not leftover.exists(), "the next compile removes the killed one's temp"


def test_kill_during_import_keeps_the_previous_rule_files(tmp_path: Path) -> None:
    out_dir = tmp_path / "rules" / "feeds"
    out = out_dir / "big.yaml"
    feed = tmp_path / "feed.txt"
    base = [str(LUREGUARD), "rules", "import", "--format", "hosts", "--source", "Crash",
            "--id", "feed/crash", "--added", "2026-11-25", "--out", str(out)]  # fmt: skip
    feed.write_text("".join(f"0.0.0.0 old{i}.crash-feed-lureguard.net\n" for i in range(800)))
    subprocess.run([*base, str(feed)], capture_output=True, timeout=120, check=True)
    side = out_dir / "big.txt"
    before = {p.name: _sha(p) for p in (out, side)}
    feed.write_text("".join(f"0.0.0.0 new{i}.crash-feed-lureguard.net\n" for i in range(BIG_FEED)))
    leftover = kill_mid_write([*base, str(feed)], out_dir, ".big.*.tmp")
    after = {p.name: _sha(p) for p in (out, side)}
    assert after == before
    db = tmp_path / "rules.db"
    compile_dir([tmp_path / "rules"], db, PopularList.empty())
    engine = Engine.from_db(db)
    assert engine.check("old5.crash-feed-lureguard.net").verdict == "block"
    assert engine.check("new5.crash-feed-lureguard.net").verdict == "allow"
    # Importing again works beside the debris, which it removes (the debris is no rule file).
    assert leftover.suffix == ".tmp"
    subprocess.run([*base, str(feed)], capture_output=True, timeout=120, check=True)
    assert not leftover.exists()
    assert not list(out_dir.glob(".*.tmp"))
    compile_dir([tmp_path / "rules"], db, PopularList.empty())
    assert Engine.from_db(db).check("new5.crash-feed-lureguard.net").verdict == "block"


class _SlowBundle(BaseHTTPRequestHandler):
    """Serves one published directory; the database stops halfway until `release` is set."""

    public: Path
    hold: threading.Event
    release: threading.Event

    def do_GET(self) -> None:
        path = self.public / self.path.rsplit("/", 1)[-1]
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.hold.is_set() and path.suffix == ".db":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.release.wait(30)
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def bundle_server(tmp_path: Path) -> Iterator[tuple[str, type[_SlowBundle]]]:
    handler = type(
        "Handler", (_SlowBundle,),
        {"public": tmp_path / "public", "hold": threading.Event(), "release": threading.Event()},
    )  # fmt: skip
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", handler
    handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_kill_during_update_keeps_the_installed_bundle(
    tmp_path: Path, bundle_server: tuple[str, type[_SlowBundle]]
) -> None:
    url, handler = bundle_server
    policy = tmp_path / "policy.yaml"
    policy.write_text("{}\n")
    env = {**os.environ, "LUREGUARD_POLICY": str(policy),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    pair = signing.generate(tmp_path / "keys")
    data = tmp_path / "data"
    command = [str(LUREGUARD), "update", "--url", url, "--pubkey", str(pair.public),
               "--data-dir", str(data)]  # fmt: skip
    build([_blocklist(tmp_path / "v1", "block/v1", "first.example")], pair.private, handler.public)
    subprocess.run(command, env=env, capture_output=True, timeout=120, check=True)
    db = data / "rules.db"
    before = (_sha(db), (data / "update-state.json").read_text())
    v1 = UpdateState.load(data).version
    # v2 has a padded database, so a half-sent download is a real, growing temporary file.
    v2_rules = _blocklist(tmp_path / "v2", "block/v2", "second.example")
    _big_hosts_rule(v2_rules, 20_000)
    build([v2_rules], pair.private, handler.public)
    handler.hold.set()
    leftover = kill_mid_write(
        command, bundle_dir(data), ".rules.db.*.tmp", env=env, min_size=64 * 1024, attempts=1
    )
    handler.release.set()
    assert (_sha(db), (data / "update-state.json").read_text()) == before
    engine = Engine.from_db(db)
    assert engine.check("first.example").verdict == "block"
    assert engine.check("second.example").verdict == "allow"
    assert UpdateState.load(data).version == v1
    # The next timer run installs v2 cleanly.
    handler.hold.clear()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert Engine.from_db(db).check("second.example").verdict == "block"
    assert UpdateState.load(data).version > v1
    assert leftover.parent == bundle_dir(data)
    assert not leftover.exists(), "the next update removes the killed one's download"
    assert not list(data.glob(".*.tmp"))
    assert not list(bundle_dir(data).glob(".*.tmp"))
