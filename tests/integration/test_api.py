"""The verdict API in real processes (`lureguard run` and `lureguard api`), over real HTTP."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lureguard.api.origins import DEFAULT_ORIGINS
from tests.support.proxy import start_lureguard, wait_listening

LUREGUARD = str(Path(sys.executable).with_name("lureguard"))
EXT = DEFAULT_ORIGINS[0]


@dataclass
class Api:
    stop: Callable[[], int]
    port: int
    token: str
    data_dir: Path
    mode: str

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = "default",
        host: str | None = None,
        origin: str | None = EXT,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": host or f"127.0.0.1:{self.port}", "Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {self.token if token == 'default' else token}"
        if origin is not None:
            headers["Origin"] = origin
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        result = response.status, dict(response.getheaders()), response.read()
        conn.close()
        return result


def start_api(data_dir: Path, db: Path, *extra: str, module: bool = False) -> Api:
    command = [sys.executable, "-m", "lureguard", "api"] if module else [LUREGUARD, "api"]
    proc = subprocess.Popen(
        [*command, "--db", str(db), "--port", "0", "--data-dir", str(data_dir), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("lureguard API listening on http://127.0.0.1:"), proc.stderr
    port = int(line.rsplit(":", 1)[1])
    token = (data_dir / "api-token").read_text().strip()

    def stop() -> int:
        proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=20)

    return Api(stop, port, token, data_dir, "api-only")


def start_run(data_dir: Path, db: Path) -> Api:
    """`lureguard run`: the proxy process, which serves the API next to the proxy."""
    proxy = start_lureguard(data_dir, args=["--db", str(db)])
    try:
        wait_listening(proxy.api_port, proxy.proc)
    except RuntimeError:
        proxy.stop()
        raise
    token = (data_dir / "api-token").read_text().strip()
    return Api(proxy.stop, proxy.api_port, token, data_dir, "warn")


def stop_api(api: Api) -> int:
    return api.stop()


@pytest.fixture(scope="module", params=["run", "standalone"])
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, bundled_db: Path
) -> Iterator[Api]:
    """The API inside `lureguard run`, and alone (`lureguard api`)."""
    data_dir = tmp_path_factory.mktemp("api-data")
    start = start_run if request.param == "run" else start_api
    running = start(data_dir, bundled_db)
    yield running
    assert stop_api(running) == 0


def as_json(body: bytes) -> Any:
    return json.loads(body)


def test_good_calls(api: Api) -> None:
    status, headers, body = api.request("GET", "/api/v1/verdict?url=rnicrosoft.com")
    assert status == 200
    assert as_json(body)["verdict"] == "warn"
    assert headers["Access-Control-Allow-Origin"] == EXT
    status, _, body = api.request(
        "POST", "/api/v1/verdicts", {"urls": ["hotrnall.com", "microsoft.com", "http://"]}
    )
    assert status == 200
    assert [v["verdict"] for v in as_json(body)["verdicts"]] == ["block", "allow", None]
    # a link's full address: a brand's host written as the user name before the real host
    status, _, body = api.request(
        "POST", "/api/v1/verdicts", {"urls": ["https://login.microsoft.com@qz-evil.example/"]}
    )
    (verdict,) = as_json(body)["verdicts"]
    assert (status, verdict["verdict"], verdict["host"]) == (200, "warn", "qz-evil.example")
    status, _, body = api.request("GET", "/api/v1/status")
    info = as_json(body)
    assert (status, info["service"], info["mode"]) == (200, "lureguard", api.mode)
    assert info["ruleset"]["counts"]["brands"] >= 5


def test_missing_and_wrong_token(api: Api) -> None:
    status, headers, body = api.request("GET", "/api/v1/status", token=None)
    assert (status, as_json(body)["code"]) == (401, "missing-token")
    assert headers["Content-Type"].startswith("application/json")
    wrong = api.token[:-1] + ("B" if api.token.endswith("A") else "A")
    status, _, body = api.request("GET", "/api/v1/status", token=wrong)
    assert (status, as_json(body)["code"]) == (401, "bad-token")


def test_foreign_origin_is_refused_without_cors(api: Api) -> None:
    for method in ("GET", "OPTIONS"):
        status, headers, body = api.request(
            method, "/api/v1/status", origin="https://mail.example.com"
        )
        assert (status, as_json(body)["code"]) == (403, "bad-origin")
        assert "Access-Control-Allow-Origin" not in headers


def test_rebinding_host_is_refused(api: Api) -> None:
    for host in (f"attacker.example:{api.port}", f"127.0.0.1.nip.io:{api.port}"):
        status, _, body = api.request("GET", "/api/v1/status", host=host)
        assert (status, as_json(body)["code"]) == (421, "bad-host")
    assert api.request("GET", "/api/v1/status", host=f"localhost:{api.port}")[0] == 200


def test_oversized_batch_and_body(api: Api) -> None:
    status, _, body = api.request("POST", "/api/v1/verdicts", {"urls": ["a.com"] * 501})
    assert (status, as_json(body)["code"]) == (413, "batch-too-large")
    # Announce a 2 MiB body but send only the start: the server must answer without reading it.
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=30)
    conn.putrequest("POST", "/api/v1/verdicts", skip_host=True)
    for name, value in (
        ("Host", f"127.0.0.1:{api.port}"),
        ("Authorization", f"Bearer {api.token}"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(2 << 20)),
    ):
        conn.putheader(name, value)
    conn.endheaders(b'{"urls": ["')
    response = conn.getresponse()
    assert (response.status, as_json(response.read())["code"]) == (413, "body-too-large")
    assert response.getheader("Connection") == "close"
    conn.close()


def test_preflight_from_the_extension(api: Api) -> None:
    status, headers, _ = api.request("OPTIONS", "/api/v1/verdicts", token=None)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == EXT
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_report_reaches_the_data_dir(api: Api) -> None:
    report = {"url": "https://rnicrosoft.com/", "rule_id": "brand/microsoft", "verdict": "warn"}
    status, _, body = api.request("POST", "/api/v1/reports", report)
    assert (status, as_json(body)) == (200, {"stored": True})
    stored = json.loads((api.data_dir / "reports.jsonl").read_text().splitlines()[-1])
    assert stored["rule_id"] == "brand/microsoft"


def test_pac_is_served_without_token(api: Api) -> None:
    status, headers, body = api.request("GET", "/proxy.pac", token=None, origin=None)
    assert status == 200
    assert headers["Content-Type"] == "application/x-ns-proxy-autoconfig"
    assert b"FindProxyForURL" in body


def test_module_entry_point_and_extra_origins(tmp_path: Path, bundled_db: Path) -> None:
    firefox = "moz-extension://0b9a3a3e-5d1c-4a57-9a0e-4f0ad9a0c2b1"
    api = start_api(tmp_path, bundled_db, "--allow-origin", firefox, module=True)
    try:
        status, headers, _ = api.request("GET", "/api/v1/status", origin=firefox)
        assert (status, headers["Access-Control-Allow-Origin"]) == (200, firefox)
        assert (tmp_path / "api-token").stat().st_mode & 0o777 == 0o600
    finally:
        assert stop_api(api) == 0


def test_startup_errors_are_one_sentence(tmp_path: Path, bundled_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [LUREGUARD, "api", "--db", str(bundled_db), "--port", str(port),
             "--data-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=60, env=os.environ,
        )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"lureguard: error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in proc.stderr
    bad = subprocess.run(
        [LUREGUARD, "api", "--db", str(bundled_db), "--host", "0.0.0.0", "--port", "0",
         "--data-dir", str(tmp_path), "--allow-origin", "https://evil.example"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "lureguard: error:" in bad.stderr
    assert "Traceback" not in bad.stderr
