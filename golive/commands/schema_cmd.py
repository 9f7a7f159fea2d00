"""`golive schema`: print the JSON Schema of golive.yaml (for editors and CI validation), or with
`--result` the JSON Schema of the result (golive.result/2: result.json and the data block of
report.html), generated from the dataclasses in golive/result.py.

The config schema is the validation schema (golive/config_schema.py) with every key described in
Chinese and English, examples, and the shipped profile names (golive/config_docs.py): what an
editor shows on hover and completes.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--result", action="store_true",
                        help="the schema of result.json (golive.result/2) instead of golive.yaml's")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of standard output")


def schema_text() -> str:
    import json

    from golive.config_docs import documented_schema
    from golive.config_schema import CONFIG_SCHEMA

    return json.dumps(documented_schema(CONFIG_SCHEMA), ensure_ascii=False, indent=2) + "\n"


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    if args.result:
        from golive.result import json_schema

        text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = schema_text()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0
