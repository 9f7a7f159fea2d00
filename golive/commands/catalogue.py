"""`golive checks`: the catalogue -- every check with id, go-live item, severity and title."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--json", action="store_true", help="machine-readable catalogue")


def run(args: argparse.Namespace) -> int:
    import json

    from golive.registry import all_checks

    checks = all_checks()
    if args.json:
        print(json.dumps([c.meta.to_dict() for c in checks], ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="golive checks", show_lines=False)
    for column in ("id", "item", "severity", "title"):
        table.add_column(column)
    for check in checks:
        meta = check.meta
        table.add_row(meta.id, meta.item.value, meta.severity.value, meta.title.get(args.lang))
    Console(soft_wrap=True).print(table)
    return 0
