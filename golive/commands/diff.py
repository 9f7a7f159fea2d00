"""`golive diff OLD NEW`: what changed between two results of the same merchant -- the verdict, the
checks that flipped status, new and resolved findings (golive.diff) -- as text, or as one
self-contained HTML page (``--format html -o diff.html``).

OLD and NEW may each be a result.json, a golive report.html or a bundle (`golive bundle`).

Exit codes, as diff(1): 0 nothing changed · 1 something changed · 2 bad input, or the two are of
different merchants (oid_partner) without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from golive.errors import EXIT_USAGE, InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", help="the earlier result: result.json, report.html or a bundle")
    parser.add_argument("new", help="the later result of the same merchant")
    parser.add_argument("--format", choices=("text", "html"), default="text", help="text (default) or html")
    parser.add_argument("-o", "--output", metavar="FILE", help="write there instead of standard output")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (default zh)")
    parser.add_argument("--force", action="store_true",
                        help="compare even when the two are of different merchants (oid_partner)")


def run(args: argparse.Namespace) -> int:
    from golive.commands.report import load_result
    from golive.controls import visible
    from golive.diff import compare, render_html, render_text

    old = load_result(Path(args.old), key="OLD")
    new = load_result(Path(args.new), key="NEW")
    diff = compare(old, new)
    if not diff.same_merchant and not args.force:
        print(f"golive: error: {visible(args.old)} is of merchant {visible(str(old.merchant.oid_partner))} and "
              f"{visible(args.new)} of merchant {visible(str(new.merchant.oid_partner))} (oid_partner): a diff "
              "compares two runs of the same merchant; --force compares them anyway", file=sys.stderr)
        return EXIT_USAGE
    text = render_html(diff, args.lang) if args.format == "html" else render_text(diff, args.lang)
    if args.output:
        target = Path(args.output)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target), key="-o") from None
        print(f"  → {visible(str(target))}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if diff.changed else 0
