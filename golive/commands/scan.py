"""`golive scan [PATH]`: the LL-SEC rules over a merchant repository (the CI gate on code).

Exit codes: 0 no open finding at or above --fail-on, 1 there is one, 2 usage error (a PATH that
does not exist, a broken baseline, an unknown rule id: one line, never a traceback).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from golive.errors import InputError

SEVERITIES = ("blocker", "high", "medium", "low", "info")
FORMATS = {"text": None, "json": "scan.json", "sarif": "scan.sarif"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH", help="repository or file to scan (default .)")
    parser.add_argument("--format", default="text", help="comma-separated: text,json,sarif (default text)")
    parser.add_argument("--output-dir", default="golive-scan",
                        help="where scan.json and scan.sarif go (default golive-scan/)")
    parser.add_argument("--fail-on", choices=SEVERITIES, default="high",
                        help="exit 1 when an open finding is at or above this severity (default high)")
    parser.add_argument("--baseline", metavar="FILE", help="known findings (by content hash) that do not fail the scan")
    parser.add_argument("--update-baseline", action="store_true",
                        help="write every current finding to --baseline FILE and exit 0")
    parser.add_argument("--all-files", action="store_true",
                        help="read every file under PATH, not only the ones git tracks")
    parser.add_argument("--history", action="store_true",
                        help="also look for keys committed earlier and removed since (git log -p)")
    parser.add_argument("--history-depth", type=int, default=1000, metavar="N",
                        help="commits --history reads, newest first (default 1000)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching this glob or under this directory (repeatable)")
    parser.add_argument("--select", metavar="IDS", help="only these rules (comma-separated LL-SEC ids)")
    parser.add_argument("--skip", metavar="IDS", help="skip these rules (comma-separated LL-SEC ids)")
    parser.add_argument("--max-file-size", default="2M", metavar="SIZE",
                        help="skip larger files (bytes, or with k/M suffix; default 2M)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="worker processes (default: one per core, up to 8, on trees of 2000+ files; 1: none)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of messages (default zh)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the verdict line")


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)[bB]?\s*", text)
    if not match:
        raise InputError(f"not a size: {text!r} (e.g. 500k, 2M)", key="--max-file-size")
    scale = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
    return int(match.group(1)) * scale


def parse_formats(text: str) -> list[str]:
    formats = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from text, json, sarif",
                         key="--format")
    return formats


def run(args: argparse.Namespace) -> int:
    import sys

    from golive.model import Severity
    from golive.scan.output import render_json, render_text, safe_document
    from golive.scan.rules import parse_ids
    from golive.scan.runner import ScanOptions, run_scan

    formats = parse_formats(args.format)
    if args.history_depth < 1:
        raise InputError("must be at least 1", key="--history-depth")
    if args.jobs < 0:
        raise InputError("must be 0 (automatic) or more", key="--jobs")
    options = ScanOptions(
        path=args.path, all_files=args.all_files, history=args.history, history_depth=args.history_depth,
        excludes=tuple(args.exclude), select=parse_ids(args.select, "--select"), skip=parse_ids(args.skip, "--skip"),
        max_file_size=parse_size(args.max_file_size), baseline=Path(args.baseline) if args.baseline else None,
        update_baseline=args.update_baseline, fail_on=Severity(args.fail_on), jobs=args.jobs,
    )
    outcome = run_scan(options)
    document = safe_document(outcome.report, outcome.secrets)
    out_dir = Path(args.output_dir)
    written: list[str] = []
    for fmt in formats:
        if fmt == "text":
            continue
        if fmt == "json":
            text = render_json(document)
        else:
            from golive.scan.sarif import render as render_sarif

            text = render_sarif(document, args.lang)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / str(FORMATS[fmt])
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", file=str(out_dir), key="--output-dir") from None
        written.append(str(target))
    if "text" in formats:
        sys.stdout.write(render_text(document, args.lang, quiet=args.quiet))
    else:
        sys.stdout.write(render_text(document, args.lang, quiet=True))
    for path in written:
        print(f"  → {path}", file=sys.stderr)
    if outcome.baseline_written is not None:
        print(f"  → {args.baseline}: {outcome.baseline_written} "
              f"{'条基线记录' if args.lang == 'zh' else 'baseline entries'}", file=sys.stderr)
        return 0
    return 1 if outcome.report.gating else 0
