"""`golive schema`: print the JSON Schema of golive.yaml (for editors and CI validation)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from golive.config_schema import CONFIG_SCHEMA

    text = json.dumps(CONFIG_SCHEMA, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
