"""Hostile names and URLs against every page and answer lureguard produces.

The attacker controls the visited host (within DNS rules, plus whatever a non-browser client
sends), the path, the query, the referrer and the link text. Each test feeds such input to the
real `lureguard run` (raw sockets, so the bytes are exactly ours) or the page renderer, and
checks that nothing of it becomes markup, script, style or an invisible reordering.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from lureguard.proxy import page
from lureguard.verdict import Reason, Verdict
from tests.security.conftest import BLOCKED_IP
from tests.security.rawclient import Answer, send_raw, tunnel
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess

#: Strings that would run script, inject markup or style, or break out of an attribute.
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</style><style>body{display:none}</style>",
    "javascript:alert(1)",
    "{{7*7}}",
)
#: Bidi controls and invisible characters that reorder or hide text.
INVISIBLE = "\u202e\u202d\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\ufeff"
MARKUP = re.compile(r"<\s*(script|img|svg|iframe|object|embed|link|meta http|base)\b", re.I)


def _tags(html: str) -> list[str]:
    return [m.group(1).lower() for m in MARKUP.finditer(html)]


def _get(proxy: ProxyProcess, url: str, host: str, **headers: str) -> Answer:
    lines = [f"GET {url} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return send_raw(proxy.port, ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))


def _assert_safe_page(answer: Answer) -> str:
    """The warning page's headers, and a body with no markup but its own."""
    assert answer.status == 403
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp
    assert "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert "no-store" in answer.headers["cache-control"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    html = answer.body.decode("utf-8")
    assert _tags(html) == []
    for tag in re.findall(r"<[^>]+>", html):
        assert not re.search(r"\son\w+\s*=", tag), tag
    for link in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert re.match(r"(https?://|about:blank$|/)", link), link
    assert not any(c in html for c in INVISIBLE)
    return html


# -- the warning page through the real proxy ---------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_path_and_query_payloads_are_text_on_the_warning_page(
    secured_proxy: ProxyProcess, payload: str
) -> None:
    raw = payload.replace(" ", "%20")
    answer = _get(
        secured_proxy, f"http://rnicrosoft.com/{raw}?q={raw}#x", "rnicrosoft.com",
        Accept="text/html", Referer=f"http://mail.example.org/{raw}",
    )  # fmt: skip
    html = _assert_safe_page(answer)
    assert "This is not Microsoft" in html


def test_hostile_referrer_never_becomes_a_link(secured_proxy: ProxyProcess) -> None:
    answer = _get(
        secured_proxy, "http://rnicrosoft.com/", "rnicrosoft.com",
        Accept="text/html", Referer="javascript:alert(document.domain)",
    )  # fmt: skip
    html = _assert_safe_page(answer)
    assert 'href="about:blank"' in html


def test_bidi_and_invisible_characters_in_the_display_form_are_not_rendered(
    secured_proxy: ProxyProcess,
) -> None:
    # xn--paypal-9l0c decodes to U+202E + "paypal": shown as is, the name would be reversed.
    # mitmproxy refuses that name in a request line (400): through a TLS tunnel instead.
    answer = tunnel(
        secured_proxy.port, "127.0.0.1:443", sni="paypa1.com",
        host_header="xn--paypal-9l0c.com",
    )  # fmt: skip
    html = _assert_safe_page(answer)
    assert "xn--paypal-9l0c.com" in html


def test_subresource_403_is_plain_text_without_the_path(secured_proxy: ProxyProcess) -> None:
    answer = _get(
        secured_proxy,
        "http://rnicrosoft.com/%3Cscript%3E/<svg>.js",
        "rnicrosoft.com",
        **{"Sec-Fetch-Dest": "script"},
    )
    assert answer.status == 403
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert b"<" not in answer.body
    assert b"svg" not in answer.body


# -- malformed and oversized input: a clear answer, and the proxy keeps serving ------------


MALFORMED = {
    "overlong name": ("http://" + "a" * 300 + ".com/", "a" * 300 + ".com"),
    "overlong label": ("http://" + "b" * 64 + ".rnicrosoft.com/", "b" * 64 + ".rnicrosoft.com"),
    "64 KB URL": ("http://rnicrosoft.com/" + "p" * 65536, "rnicrosoft.com"),
    "64 KB query": ("http://example.org/?" + "q=%zz&" * 11000, "example.org"),
    "bad escape in host": ("http://rnicrosoft%zz.com/", "rnicrosoft%zz.com"),
    "bad escape in path": ("http://rnicrosoft.com/%zz%", "rnicrosoft.com"),
    "NUL in path": ("http://rnicrosoft.com/a%00b", "rnicrosoft.com"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_requests_get_an_answer_and_the_proxy_keeps_serving(
    secured_proxy: ProxyProcess, name: str
) -> None:
    url, host = MALFORMED[name]
    answer = _get(secured_proxy, url, host, Accept="text/html")
    assert 200 <= answer.status < 600
    if answer.headers.get("content-type", "").startswith("text/html"):
        assert not _tags(answer.body.decode("utf-8", "replace"))
    if "rnicrosoft.com" in host and "%" not in host and len(host) < 64:
        assert answer.status == 403  # still judged, whatever the path holds
    after = _get(secured_proxy, "http://rnicrosoft.com/", "rnicrosoft.com", Accept="text/html")
    assert after.status == 403
    assert b"This is not Microsoft" in after.body


def test_raw_nul_and_control_bytes_in_the_request_line(secured_proxy: ProxyProcess) -> None:
    for request in (
        b"GET http://rnicrosoft.com/\x00 HTTP/1.1\r\nHost: rnicrosoft.com\r\n\r\n",
        b"GET http://rnicro\x00soft.com/ HTTP/1.1\r\nHost: rnicro\x00soft.com\r\n\r\n",
    ):
        try:
            answer = send_raw(secured_proxy.port, request)
        except ConnectionError:
            continue  # refused outright is fine; serving afterwards is checked below
        assert answer.status >= 400
        assert not _tags(answer.body.decode("utf-8", "replace"))
    after = _get(secured_proxy, "http://rnicrosoft.com/", "rnicrosoft.com", Accept="text/html")
    assert after.status == 403
    # A terminal escape or a bracket in the Host header makes that name invalid (and broke
    # the page once, which failed open): the SNI still decides.
    for bad in ("rnicrosoft.com\x1b[2J", "rnicrosoft.com[", "rnicrosoft.com\u202e"):
        escaped = tunnel(
            secured_proxy.port, "rnicrosoft.com:443", sni="rnicrosoft.com", host_header=bad
        )
        assert escaped.status == 403, bad
        assert b"\x1b" not in escaped.body
        assert "\u202e".encode() not in escaped.body
    assert "Traceback" not in secured_proxy.output()


IP_FORMS = (
    BLOCKED_IP,
    "3325256711",  # one 32-bit number
    "0xc6.0x33.0x64.0x7",  # hex parts
    "0306.063.0144.07",  # octal parts
    "198.51.25607",  # a.b.c16
    "0xc6336407",
    "[::ffff:198.51.100.7]",  # IPv6-mapped IPv4
    "[::ffff:c633:6407]",
)


@pytest.mark.parametrize("form", IP_FORMS)
def test_ip_literals_in_every_notation_are_blocked(
    secured_proxy: ProxyProcess, origin: Origin, form: str
) -> None:
    before = origin.connection_count()
    answer = _get(secured_proxy, f"http://{form}/login", form, Accept="text/html")
    assert answer.status == 403, answer.body[:200]
    assert b"This site was blocked" in answer.body
    assert origin.connection_count() == before


# -- the page renderer with every hostile field at once ------------------------------------


def test_renderer_escapes_every_field() -> None:
    evil = "".join(PAYLOADS) + INVISIBLE
    reason = Reason(
        "homoglyph", f"brand/{evil}", "warn", f"detail {evil}", brand=f"Brand{evil}",
        target="microsoft.com", source=evil, positions=(0, 1),
    )  # fmt: skip
    verdict = Verdict(
        "x", "xn--paypal-9l0c.com", "xn--paypal-9l0c.com", "warn", (reason,),
        display_host="\u202epaypal.com",
    )  # fmt: skip
    rendered = page.warning_page(
        verdict, action="warn", url=f"http://x/{evil}", ruleset=evil,
        proceed_tokens={"visit": evil, "day": evil}, report_token=evil, referrer=f"http://ref.example/{evil}",
        notice=evil,
    )  # fmt: skip
    html = rendered.body.decode()
    assert not _tags(html)
    assert not any(c in html for c in INVISIBLE)
    assert "&lt;script&gt;" in html


# -- the API: JSON only, whatever it is asked ------------------------------------------------


def _api(proxy: ProxyProcess, url: str) -> tuple[int, str, object]:
    import http.client
    from urllib.parse import quote

    token = (proxy.data_dir / "api-token").read_text().strip()
    conn = http.client.HTTPConnection("127.0.0.1", proxy.api_port, timeout=20)
    conn.request(
        "GET", "/api/v1/verdict?url=" + quote(url, safe=""),
        headers={"Host": f"127.0.0.1:{proxy.api_port}", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.getheader("Content-Type", ""), json.loads(body)


HOSTILE_API_INPUTS = (
    *(f"http://rnicrosoft.com/{p}" for p in PAYLOADS),
    "http://<script>alert(1)</script>.com/",
    "http://xn--paypal-9l0c.com/",
    "http://pay\u200bpal.com/",
    "http://rnicro\x00soft.com/",
    "http://rnicrosoft%zz.com/",
    "http://" + "a" * 300 + ".com/",
    "http://rnicrosoft.com/" + "p" * 65536,
    *(f"http://{form}/" for form in IP_FORMS),
)


@pytest.mark.parametrize("url", HOSTILE_API_INPUTS, ids=lambda u: repr(u[:40]))
def test_api_answers_json_for_hostile_input(secured_proxy: ProxyProcess, url: str) -> None:
    status, content_type, body = _api(secured_proxy, url)
    assert content_type == "application/json; charset=utf-8"
    assert isinstance(body, dict)
    if status == 414:  # a request line over 64 KB: http.server's refusal, as JSON
        assert body["code"] == "http-414"
        assert "<" not in body["error"]
        return
    assert status == 200
    assert set(body) >= {"input", "host", "verdict", "reasons", "error"}
    if body["verdict"] is None:
        assert body["error"]
        assert "\n" not in body["error"]
        assert len(body["error"]) < 400
    shown = body.get("display_host") or ""
    assert not any(unicodedata.category(c) == "Cf" for c in shown), shown


def test_api_batch_with_a_64kb_url_answers_an_error_verdict(secured_proxy: ProxyProcess) -> None:
    import http.client

    token = (secured_proxy.data_dir / "api-token").read_text().strip()
    urls = ["http://rnicrosoft.com/" + "p" * 65536, "http://rnicrosoft.com/"]
    conn = http.client.HTTPConnection("127.0.0.1", secured_proxy.api_port, timeout=20)
    conn.request(
        "POST", "/api/v1/verdicts", body=json.dumps({"urls": urls}),
        headers={"Host": f"127.0.0.1:{secured_proxy.api_port}", "Content-Type":
                 "application/json", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    response = conn.getresponse()
    answer = json.loads(response.read())
    conn.close()
    first, second = answer["verdicts"]
    assert first["verdict"] is None
    assert "longer than" in first["error"]
    assert second["verdict"] == "warn"
