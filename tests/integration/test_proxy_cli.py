"""`lureguard ca`, `run` error paths and signals, and the addon inside stock mitmdump."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard.cli import main
from tests.support.certs import OriginCA
from tests.support.origin import Origin
from tests.support.proxy import MITMDUMP, curl, start_lureguard

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).resolve().parents[2] / "addon/lureguard/proxy/mitm_script.py"


def test_ca_creates_and_explains(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ca", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pem = tmp_path / "mitmproxy" / "mitmproxy-ca-cert.pem"
    assert pem.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert "Firefox" in result.output
    assert "certutil" in result.output
    only = CliRunner().invoke(main, ["ca", "--path", "--data-dir", str(tmp_path)])
    assert only.output.strip() == str(pem)


def test_run_with_a_missing_database_is_one_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "--data-dir", str(tmp_path), "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "does not exist" in result.output
    assert "Traceback" not in result.output


def test_run_refuses_one_port_for_the_proxy_and_the_api(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["run", "--data-dir", str(tmp_path), "--listen-port", "9090", "--api-port", "9090"]
    )
    assert result.exit_code == 2
    assert result.output == (
        "lureguard: error: the proxy and the API cannot both listen on port 9090: change "
        "--api-port or --listen-port (or the policy's api.port or proxy.port)\n"
    )


def test_status_without_a_proxy(tmp_path: Path) -> None:
    from tests.support.proxy import free_port

    result = CliRunner().invoke(
        main, ["status", "--data-dir", str(tmp_path), "--api-port", str(free_port())]
    )
    assert result.exit_code == 1
    assert "not running" in result.output


def test_stock_mitmdump_with_options_and_sigterm(
    tmp_path: Path, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> None:
    proxy = start_lureguard(
        tmp_path,
        origin=origin,
        test_ca=test_ca,
        command=[
            str(MITMDUMP), "-q", "--listen-host", "127.0.0.1", "--listen-port", "{port}",
            "--set", "confdir={data_dir}/mitmproxy", "-s", str(SCRIPT),
            "--set", "lureguard_data_dir={data_dir}", "--set", f"lureguard_db={bundled_db}",
            "--set", "lureguard_mode=block", "--set", "lureguard_api_port=0",
        ],
    )  # fmt: skip
    try:
        page = curl(proxy, "http://rnicrosoft.com/", headers={"Accept": "text/html"})
        assert page.status == 403
        assert "/.well-known/lureguard/proceed" not in page.body  # block mode: no way through
        clean = curl(proxy, "https://www.example.org/", cacert=test_ca.ca_cert)
        assert clean.status == 200
    finally:
        code = proxy.stop(signal.SIGTERM)
    assert code == 0


def test_run_stops_cleanly_on_sigint(tmp_path: Path, bundled_db: Path) -> None:
    proxy = start_lureguard(tmp_path, args=["--db", str(bundled_db)])
    assert proxy.stop(signal.SIGINT) == 0
    assert "Traceback" not in proxy.output()


def test_mitmproxy_arguments_after_double_dash(tmp_path: Path, bundled_db: Path) -> None:
    from lureguard.cli.run import mitmproxy_arguments

    args = mitmproxy_arguments(
        [("confdir", "x"), ("flow_detail", "0")], ("--set", "flow_detail=2", "-s", "a.py")
    )
    assert args == ["--set", "confdir=x", "--set", "flow_detail=2", "-s", "a.py"]
    result = CliRunner().invoke(
        main,
        ["run", "--data-dir", str(tmp_path), "--db", str(bundled_db), "--",
         "--set", "lureguard_mode=monitor"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "lureguard_mode" in result.output
    assert "Traceback" not in result.output
