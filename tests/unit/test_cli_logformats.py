"""`lureguard check --format`: the site named by each line of common DNS and proxy logs."""

from __future__ import annotations

from lureguard.cli.logformats import reader

ZEEK_DNS = """\
#separator \\x09
#set_separator\t,
#empty_field\t(empty)
#unset_field\t-
#path\tdns
#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass
#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount
1733392800.1\tC1\t10.0.0.5\t53124\t10.0.0.1\t53\tudp\t1\t0.01\trnicrosoft.com\t1
1733392801.2\tC2\t10.0.0.5\t53125\t10.0.0.1\t53\tudp\t2\t-\t-\t1
1733392802.3\tC3\t10.0.0.6\t53126\t10.0.0.1\t53\tudp\t3\t0.02\twww.example.org\t1
#close\t2026-12-05-10-00-00
"""


def _read(fmt: str, text: str) -> list[str]:
    read = reader(fmt)  # type: ignore[arg-type]
    return [found for line in text.splitlines() if (found := read(line)) is not None]


def test_lines_are_taken_whole() -> None:
    assert _read("lines", "a.com\n\nhttps://b.net/x\n") == ["a.com", "", "https://b.net/x"]


def test_zeek_tsv_finds_its_column_from_the_header() -> None:
    assert _read("zeek", ZEEK_DNS) == ["rnicrosoft.com", "www.example.org"]
    ssl = "#fields\tts\tuid\tversion\tserver_name\n1\tC\tTLSv13\tpaypa1.com\n"
    assert _read("zeek", ssl) == ["paypa1.com"]
    assert _read("zeek", "1\tC\tno header yet\n") == []


def test_zeek_json_lines() -> None:
    text = (
        '{"ts":1.0,"uid":"C1","query":"rnicrosoft.com","qtype_name":"A"}\n'
        '{"ts":2.0,"uid":"C2","server_name":"paypa1.com"}\n'
        '{"ts":3.0,"uid":"C3"}\n'
        "{not json\n"
    )
    assert _read("zeek", text) == ["rnicrosoft.com", "paypa1.com"]


def test_pihole_queries_only() -> None:
    text = (
        "Dec  5 10:00:01 dnsmasq[812]: query[A] rnicrosoft.com from 192.168.1.20\n"
        "Dec  5 10:00:01 dnsmasq[812]: forwarded rnicrosoft.com to 1.1.1.1\n"
        "Dec  5 10:00:01 dnsmasq[812]: reply rnicrosoft.com is 203.0.113.9\n"
        "Dec  5 10:00:02 dnsmasq[812]: query[AAAA] www.example.org from 192.168.1.21\n"
        "Dec  5 10:00:02 dnsmasq[812]: cached www.example.org is NODATA-IPv6\n"
    )
    assert _read("pihole", text) == ["rnicrosoft.com", "www.example.org"]


def test_squid_url_column() -> None:
    text = (
        "1733392800.123    150 10.0.0.5 TCP_TUNNEL/200 3900 CONNECT paypa1.com:443 - "
        "HIER_DIRECT/203.0.113.7 -\n"
        "1733392801.456     20 10.0.0.5 TCP_MISS/200 512 GET http://rnicrosoft.com/login - "
        "HIER_DIRECT/203.0.113.8 text/html\n"
        "# a comment\n"
        "garbage\n"
    )
    assert _read("squid", text) == ["paypa1.com:443", "http://rnicrosoft.com/login"]
