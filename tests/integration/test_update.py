"""`lureguard update` against a real HTTP server on 127.0.0.1: every failure keeps the old rules.

Bundles are built with the real `bundle build` code and served by `http.server` in a thread;
the server can tamper with, truncate, delay or refuse any file.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard.cli import main
from lureguard.deploy import signing
from lureguard.deploy.bundle import build
from lureguard.deploy.state import UpdateState
from lureguard.engine import Engine

BLOCKED_V1 = "first-campaign.example"
BLOCKED_V2 = "second-campaign.example"


@dataclass
class Route:
    """What the server answers for one path."""

    body: bytes
    status: int = 200
    truncate: bool = False
    hang: bool = False


@dataclass
class Served:
    """Mutable routes plus a log of request headers, shared with the handler threads."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    served: Served

    def do_GET(self) -> None:
        served = self.served
        served.requests.append((self.path, dict(self.headers.items())))
        route = served.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        if route.hang:
            served.release.wait(10)
            return
        if route.status != 200:
            self.send_error(route.status)
            return
        etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(route.body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(route.body[: len(route.body) // 2] if route.truncate else route.body)
        if route.truncate:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Served]]:
    served = Served()
    handler = type("Handler", (_Handler,), {"served": served})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    served.release.set()
    httpd.shutdown()
    httpd.server_close()


@dataclass(frozen=True)
class Bundle:
    manifest: bytes
    name: str
    database: bytes
    version: int


def _rules(folder: Path, host: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "block.yaml").write_text(
        f"id: block/test\nkind: blocklist\ndescription: test\nsource: test\nhosts: [{host}]\n"
    )
    return folder


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[signing.KeyPair, signing.KeyPair]:
    base = tmp_path_factory.mktemp("keys")
    return signing.generate(base / "good"), signing.generate(base / "other")


@pytest.fixture(scope="module")
def bundles(
    tmp_path_factory: pytest.TempPathFactory, keys: tuple[signing.KeyPair, signing.KeyPair]
) -> dict[str, Bundle]:
    """v1 and v2 signed by the trusted key, v3 signed by another key (all from one out dir)."""
    base = tmp_path_factory.mktemp("bundles")
    out = base / "public"
    made: dict[str, Bundle] = {}
    plan = [
        ("v1", BLOCKED_V1, keys[0]),
        ("v2", BLOCKED_V2, keys[0]),
        ("other-key", BLOCKED_V2, keys[1]),
    ]
    for label, host, pair in plan:
        result = build([_rules(base / label, host)], pair.private, out)
        made[label] = Bundle(
            result.manifest_path.read_bytes(),
            result.database.name,
            result.database.read_bytes(),
            result.manifest.version,
        )
    return made


def _serve(served: Served, bundle: Bundle, manifest: bytes | None = None, **db: bool) -> None:
    served.routes.clear()
    served.requests.clear()
    served.routes["/b/manifest.json"] = Route(manifest if manifest is not None else bundle.manifest)
    served.routes[f"/b/{bundle.name}"] = Route(bundle.database, **db)


def _update(data: Path, url: str, pub: Path, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main,
        ["update", "--url", f"{url}/b/", "--pubkey", str(pub), "--data-dir", str(data), *extra],
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _no_system_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "policy.yaml"
    empty.write_text("{}\n")
    monkeypatch.setenv("LUREGUARD_POLICY", str(empty))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def installed_v1(
    tmp_path: Path, server: tuple[str, Served], bundles: dict[str, Bundle], keys: tuple
) -> Path:
    """A data dir where bundle v1 was installed by a successful update."""
    url, served = server
    _serve(served, bundles["v1"])
    data = tmp_path / "data"
    code, out, err = _update(data, url, keys[0].public)
    assert code == 0, err
    assert f"installed rule bundle {bundles['v1'].version}" in out
    return data


def _blocks(data: Path, host: str) -> bool:
    return Engine.from_db(data / "rules.db").check(host).verdict == "block"


def test_good_bundle_replaces_rules_db_and_conditional_get_returns_304(
    installed_v1: Path, server: tuple[str, Served], keys: tuple, bundles: dict[str, Bundle]
) -> None:
    url, served = server
    assert _blocks(installed_v1, BLOCKED_V1)
    state = UpdateState.load(installed_v1)
    assert state.version == bundles["v1"].version
    assert state.etag

    code, out, _ = _update(installed_v1, url, keys[0].public)
    assert code == 0
    assert "not modified" in out
    manifest_requests = [h for p, h in served.requests if p == "/b/manifest.json"]
    assert manifest_requests[-1].get("If-None-Match") == state.etag

    _serve(served, bundles["v2"])
    code, out, _ = _update(installed_v1, url, keys[0].public)
    assert code == 0
    assert f"installed rule bundle {bundles['v2'].version}" in out
    assert _blocks(installed_v1, BLOCKED_V2)
    assert not _blocks(installed_v1, BLOCKED_V1)
    assert (installed_v1 / "bundle" / "rules.db").read_bytes() == bundles["v2"].database


def _flip(data: bytes) -> bytes:
    """The same bytes with one bit changed in the middle (e.g. a blocklist entry edited)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :]


def _tampered_manifest(bundle: Bundle) -> bytes:
    data = json.loads(bundle.manifest)
    data["version"] += 1000  # e.g. to force clients past a newer, legitimate bundle
    return json.dumps(data).encode()


def _forged_key_id(bundle: Bundle, trusted: signing.KeyPair) -> bytes:
    data = json.loads(bundle.manifest)
    data["key_id"] = trusted.key_id
    return json.dumps(data).encode()


CASES = {
    "tampered database": (
        lambda b, k: {"bundle": b["v2"], "db": _flip(b["v2"].database)},
        "does not match the signed manifest's SHA-256",
    ),
    "tampered manifest": (
        lambda b, k: {"bundle": b["v2"], "manifest": _tampered_manifest(b["v2"])},
        "bad signature",
    ),
    "wrong key": (lambda b, k: {"bundle": b["other-key"]}, "signed by key"),
    "forged key id": (
        lambda b, k: {"bundle": b["other-key"], "manifest": _forged_key_id(b["other-key"], k[0])},
        "bad signature",
    ),
    "truncated download": (lambda b, k: {"bundle": b["v2"], "truncate": True}, "truncated"),
    "server error": (lambda b, k: {"bundle": b["v2"], "status": 500}, "HTTP 500"),
    "timeout": (lambda b, k: {"bundle": b["v2"], "hang": True}, "did not answer within"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_bundle_leaves_old_rules_in_place(
    case: str,
    installed_v1: Path,
    server: tuple[str, Served],
    keys: tuple,
    bundles: dict[str, Bundle],
) -> None:
    url, served = server
    make, message = CASES[case]
    spec = make(bundles, keys)
    bundle: Bundle = spec["bundle"]
    if "db" in spec:
        bundle = Bundle(bundle.manifest, bundle.name, spec["db"], bundle.version)
    _serve(
        served,
        bundle,
        spec.get("manifest"),
        **{k: v for k, v in spec.items() if k in ("truncate", "hang")},
    )
    if "status" in spec:
        served.routes[f"/b/{bundle.name}"].status = spec["status"]
    before = (installed_v1 / "rules.db").read_bytes()

    code, out, err = _update(installed_v1, url, keys[0].public, "--timeout", "0.5")

    assert code == 1, out
    assert message in err
    assert err.startswith("lureguard: error: update failed:")
    assert err.count("\n") == 1
    assert "the installed rules were not changed" in err
    assert (installed_v1 / "rules.db").read_bytes() == before
    assert UpdateState.load(installed_v1).version == bundles["v1"].version
    assert not [p for p in installed_v1.rglob("*") if p.name.startswith(".")]


def test_older_version_is_refused(
    tmp_path: Path, server: tuple[str, Served], keys: tuple, bundles: dict[str, Bundle]
) -> None:
    url, served = server
    data = tmp_path / "data"
    _serve(served, bundles["v2"])
    assert _update(data, url, keys[0].public)[0] == 0
    before = (data / "rules.db").read_bytes()

    _serve(served, bundles["v1"])
    code, _, err = _update(data, url, keys[0].public)

    assert code == 1
    assert "refusing to downgrade" in err
    assert (data / "rules.db").read_bytes() == before


def test_manifest_server_error_on_first_install_writes_nothing(
    tmp_path: Path, server: tuple[str, Served], keys: tuple, bundles: dict[str, Bundle]
) -> None:
    url, served = server
    _serve(served, bundles["v1"])
    served.routes["/b/manifest.json"].status = 500
    data = tmp_path / "data"

    code, _, err = _update(data, url, keys[0].public)

    assert code == 1
    assert "HTTP 500" in err
    assert not (data / "rules.db").exists()
    assert "HTTP 500" in UpdateState.load(data).last_error


def test_policy_url_and_key_win_over_the_command_line(
    tmp_path: Path,
    server: tuple[str, Served],
    keys: tuple,
    bundles: dict[str, Bundle],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, served = server
    _serve(served, bundles["v1"])
    policy = tmp_path / "locked.yaml"
    public = keys[0].public.read_text().strip()
    policy.write_text(
        f'update:\n  url: {url}/b/\n  pubkey: "{public}"\nblock: [policy-only.example]\n'
    )
    monkeypatch.setenv("LUREGUARD_POLICY", str(policy))
    data = tmp_path / "data"

    # The user points at another server and trusts another key: the policy wins.
    code, _out, err = _update(data, "http://127.0.0.1:9", keys[1].public)

    assert code == 0, err
    assert "ignored: locked to" in err
    assert _blocks(data, BLOCKED_V1)
    assert _blocks(data, "policy-only.example")


def test_running_reloader_picks_up_an_update_without_restart(
    installed_v1: Path, server: tuple[str, Served], keys: tuple, bundles: dict[str, Bundle]
) -> None:
    from lureguard.proxy.reload import EngineHolder

    db = installed_v1 / "rules.db"
    holder = EngineHolder(db, Engine.from_db(db), interval=0.0)
    assert holder.current().engine.check(BLOCKED_V2).verdict != "block"
    url, served = server
    _serve(served, bundles["v2"])

    assert _update(installed_v1, url, keys[0].public)[0] == 0
    holder.poll()
    holder.wait()

    assert holder.current().engine.check(BLOCKED_V2).verdict == "block"


def test_hung_manifest_request_times_out(
    installed_v1: Path, server: tuple[str, Served], keys: tuple, bundles: dict[str, Bundle]
) -> None:
    url, served = server
    _serve(served, bundles["v2"])
    served.routes["/b/manifest.json"].hang = True
    before = (installed_v1 / "rules.db").read_bytes()
    code, _, err = _update(installed_v1, url, keys[0].public, "--timeout", "0.3")
    assert code == 1
    assert "did not answer within 0.3 s" in err
    assert (installed_v1 / "rules.db").read_bytes() == before
