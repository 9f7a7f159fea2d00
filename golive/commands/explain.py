"""`golive explain ID`: why a check matters, what it looks at and how to fix a failure.

``golive explain --all`` explains every check; ``--markdown DIR`` writes the pages instead
(``DIR/<ID>.md`` and ``DIR/README.md``, golive.check_docs): ``golive explain --all --markdown
docs/checks`` regenerates the repository's check pages.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from golive.errors import InputError

if TYPE_CHECKING:
    from golive.model import Check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("check_id", metavar="ID", nargs="?", help="a check id, e.g. LL-NTF-004")
    parser.add_argument("--all", action="store_true", help="every check (instead of one ID)")
    parser.add_argument("--markdown", metavar="DIR", default=None,
                        help="write Markdown pages to DIR (DIR/<ID>.md and DIR/README.md) instead of printing; "
                             "golive explain --all --markdown docs/checks regenerates the repository's pages")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="one language only (default both)")


def run(args: argparse.Namespace) -> int:
    from golive.registry import all_checks, get_check

    if args.all == bool(args.check_id):
        raise InputError("name one check id, or --all", key="ID")
    if args.all:
        checks = list(all_checks())
    else:
        check = get_check(args.check_id)
        if check is None:
            raise InputError(f"no check {args.check_id!r} (golive checks lists them)", key="ID")
        checks = [check]
    if args.markdown:
        from golive import check_docs

        directory = Path(args.markdown)
        if args.all:
            written, removed = check_docs.write(directory, checks)
        else:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"{checks[0].meta.id}.md"
            path.write_text(check_docs.page(checks[0]), encoding="utf-8", newline="\n")
            written, removed = [path], []
        print(f"wrote {len(written)} page(s) to {directory}" + (f", removed {len(removed)}" if removed else ""),
              file=sys.stderr)
        return 0
    for index, check in enumerate(checks):
        if index:
            print("\n" + "-" * 72 + "\n")
        _explain(check, args.lang)
    return 0


def _explain(check: Check, lang: str | None) -> None:
    meta = check.meta
    langs = [lang] if lang else ["zh", "en"]
    print(f"{meta.id}  [{meta.severity.value}]  {meta.item.value}")
    for one in langs:
        heading = {"zh": ("原因", "修复"), "en": ("Why", "How to fix")}[one]
        print()
        print(meta.title.get(one))
        print(f"{heading[0]}: {meta.rationale.get(one)}")
        print(f"{heading[1]}: {meta.remediation.get(one)}")
    print()
    print("References: " + "; ".join(meta.references))
    if meta.needs or meta.stream:
        print("Evidence: " + ", ".join(list(meta.needs) + ([meta.stream] if meta.stream else [])))
