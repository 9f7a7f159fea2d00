"""`golive schema`: print the JSON Schema of golive.yaml (for editors and CI validation), or with
`--result` the JSON Schema of the result (golive.result/2: result.json and the data block of
report.html), generated from the dataclasses in golive/result.py."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--result", action="store_true",
                        help="the schema of result.json (golive.result/2) instead of golive.yaml's")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    if args.result:
        from golive.result import json_schema

        schema = json_schema()
    else:
        from golive.config_schema import CONFIG_SCHEMA

        schema = CONFIG_SCHEMA
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
