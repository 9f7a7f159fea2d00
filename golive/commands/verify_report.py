"""`golive verify-report REPORT.html|BUNDLE.zip --public-key FILE`: is this signed readiness report,
or this hand-off bundle, unaltered?

For LianLian staff: the public key is the one the merchant uploaded to the merchant site (商户站).
For a report the command checks both signatures (MD5withRSA and SHA256withRSA) over the embedded
result and re-renders the report from it to compare with the file, so an edit of the visible verdict
fails too (golive.report_signing explains the design). For a bundle (`golive bundle`, a zip) it
checks the signed manifest, every file against it, the report as above, that result.json is the
signed result, and that the evidence judged again gives the same statuses (golive.bundle), all
offline.

Exit codes: 0 valid and unaltered · 1 altered, or not signed by this key · 2 bad input (not a golive
report or bundle, an unsigned report, an unreadable key, a report from another golive version).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from golive.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", help="the HTML report (report.html written by golive check --sign-with), or a "
                                       "bundle written by golive bundle (.zip)")
    parser.add_argument("--public-key", required=True, metavar="FILE",
                        help="the merchant's RSA public key as uploaded to the merchant site (PEM or bare Base64)")


def _unreadable_block(html: str) -> str | None:
    """Why an embedded JSON block cannot be read safely (golive.safe_json: too deep, a number too
    long, NaN, a lone surrogate), or None. Plain syntax errors are left to `verify_report`."""
    from golive import safe_json
    from golive.commands.report import RESULT_MAX_DEPTH
    from golive.report_signing import extract_embedded

    embedded = extract_embedded(html)
    for name, text in (("result", embedded.result_text), ("signature", embedded.signature_text)):
        if not text:
            continue
        try:
            value = safe_json.loads(text, max_depth=RESULT_MAX_DEPTH)
        except safe_json.JSONInputError as exc:
            if exc.msg.startswith("not valid JSON"):
                continue
            return f"the embedded {name} is not readable JSON: {exc}"
        if safe_json.has_lone_surrogate(text, value):
            return f"the embedded {name} holds a lone UTF-16 surrogate (\\udXXX), which golive never writes"
    return None


def run(args: argparse.Namespace) -> int:
    import sys

    from golive.report_signing import EXIT_ALTERED, EXIT_VALID, load_verifying_key, verify_report

    path = Path(args.report)
    from golive.bundle import is_bundle

    if is_bundle(path):
        return _verify_bundle(path, Path(args.public_key))
    try:
        html = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("report not found", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected an HTML report", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a golive report (not UTF-8 text)", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read report: {exc.strerror}", file=str(path)) from None
    key = load_verifying_key(Path(args.public_key))
    unreadable = _unreadable_block(html)
    if unreadable:
        # golive never writes such a block: the report was altered (exit 1), as for any invalid JSON
        print(f"{path}: ALTERED: {unreadable}", file=sys.stderr)
        return EXIT_ALTERED
    outcome = verify_report(html, key)
    stream = sys.stdout if outcome.code == EXIT_VALID else sys.stderr
    prefix = "" if outcome.code == EXIT_VALID else f"{path}: "
    from golive.controls import visible

    # The lines quote the report (merchant name, times): escape what could drive the terminal.
    for index, line in enumerate(outcome.lines):
        print(visible((prefix if index == 0 else "") + line), file=stream)
    return outcome.code


def _verify_bundle(path: Path, key_path: Path) -> int:
    import sys

    from golive.bundle import EXIT_VALID, verify_bundle
    from golive.controls import visible
    from golive.report_signing import load_verifying_key

    key = load_verifying_key(key_path)
    outcome = verify_bundle(path, key)
    stream = sys.stdout if outcome.code == EXIT_VALID else sys.stderr
    prefix = "" if outcome.code == EXIT_VALID else f"{path}: "
    for index, line in enumerate(outcome.lines):
        print(visible((prefix if index == 0 else "") + line), file=stream)
    return outcome.code
