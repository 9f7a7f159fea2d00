"""`golive report --from result.json --format html[,junit,...]`: re-render a saved result offline.

The input is a result written by `golive check --format json` (schema golive.result/2, or
golive.result/1 from an older golive, completed as it is read), or a golive HTML report, whose
embedded result is used. It is read into the typed model (`Result.from_json`: every key checked at
every depth) and the one redaction pass runs over it (golive.result_doc) before any reporter sees
it. Every reporter is a pure function of that result, so the output is what `golive check` would
have written, in any format and language; `--sign-with` signs it as `golive check --sign-with`
does. Exit code 0 when the files are written, 2 on bad input.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.errors import InputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.result import Result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True, metavar="FILE",
                        help="result.json from golive check --format json (or a golive report.html)")
    parser.add_argument("--format", default="html",
                        help="comma-separated: text,json,junit,sarif,html,markdown (default html)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    parser.add_argument("--output-dir", default="golive-report", help="where report files go (default golive-report/)")
    parser.add_argument("--sign-with", metavar="KEY", help="sign with the merchant RSA private key (see golive check)")


def load_result(path: Path) -> Result:
    """The typed result of a JSON file or an HTML report; InputError naming the file otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=str(path), key="--from") from None
    except IsADirectoryError:
        raise InputError("is a directory, expected result.json", file=str(path), key="--from") from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text; expected result.json from golive check --format json",
                         file=str(path), key="--from") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path), key="--from") from None
    if text.lstrip().startswith("<"):
        from golive.report_signing import extract_embedded

        embedded = extract_embedded(text).result_text
        if not embedded:
            raise InputError("not a golive HTML report (no embedded result)", file=str(path), key="--from")
        data: Any = parse_result_json(embedded, str(path), "the embedded result")
    else:
        data = parse_result_json(text, str(path))
    from golive.result_doc import accept_result

    # Read into the model (InputError naming the key path), then the one redaction pass: a result
    # from outside is masked as one golive made.
    return accept_result(data, str(path))


RESULT_MAX_DEPTH = 128
"""A result nests captured evidence (itself capped at golive.safe_json.MAX_DEPTH) a few levels deep."""


def parse_result_json(text: str, source: str, what: str = "") -> Any:
    """A saved result's JSON, bounded (golive.safe_json); InputError naming the file and line."""
    from golive import safe_json

    prefix = f"{what}: " if what else ""
    try:
        data = safe_json.loads(text, max_depth=RESULT_MAX_DEPTH)
    except safe_json.JSONInputError as exc:
        message = exc.msg if exc.msg.startswith("not valid JSON") else f"not valid JSON: {exc.msg}"
        raise InputError(prefix + message + (f" (column {exc.colno})" if exc.colno else ""), file=source,
                         line=exc.lineno, key="--from") from None
    if safe_json.has_lone_surrogate(text, data):
        # golive writes results as UTF-8, which cannot hold one: this result was not written by golive
        raise InputError(prefix + "not a golive result: a string holds a lone UTF-16 surrogate (\\udXXX)",
                         file=source, key="--from")
    return data


def run(args: argparse.Namespace) -> int:
    from golive.commands.check import emit
    from golive.reporters import parse_formats

    parse_formats(args.format)
    result = load_result(Path(args.source))
    args.quiet = False
    emit(result, args)
    return 0
