"""`golive explain ID`: why a check matters, what it looks at and how to fix a failure."""

from __future__ import annotations

import argparse

from golive.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("check_id", metavar="ID", help="a check id, e.g. LL-NTF-004")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="one language only (default both)")


def run(args: argparse.Namespace) -> int:
    from golive.registry import get_check

    check = get_check(args.check_id)
    if check is None:
        raise InputError(f"no check {args.check_id!r} (golive checks lists them)", key="ID")
    meta = check.meta
    langs = [args.lang] if args.lang else ["zh", "en"]
    print(f"{meta.id}  [{meta.severity.value}]  {meta.item.value}")
    for lang in langs:
        heading = {"zh": ("原因", "修复"), "en": ("Why", "How to fix")}[lang]
        print()
        print(meta.title.get(lang))
        print(f"{heading[0]}: {meta.rationale.get(lang)}")
        print(f"{heading[1]}: {meta.remediation.get(lang)}")
    print()
    print("References: " + "; ".join(meta.references))
    if meta.needs or meta.stream:
        print("Evidence: " + ", ".join(list(meta.needs) + ([meta.stream] if meta.stream else [])))
    return 0
