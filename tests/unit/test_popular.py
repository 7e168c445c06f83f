"""The popular lists the package ships: what a list file holds once read."""

from __future__ import annotations

from pathlib import Path

from lureguard.popular import PopularList


def test_a_list_keeps_domains_once_in_order_without_comments_or_paths(tmp_path: Path) -> None:
    path = tmp_path / "top.txt"
    path.write_text(
        "# header\nExample.com\nedu.example.ac.ir/user/user_manage  # a page, not a site\n"
        "\nexample.com\nother.org\n"
    )
    assert PopularList.from_file(path).domains == ("example.com", "edu.example.ac.ir", "other.org")


def test_the_shipped_lists_hold_hosts_only() -> None:
    domains = PopularList.shipped().domains
    assert len(domains) > 60_000
    assert all("/" not in d and " " not in d for d in domains)
