"""`golive check`: run every check against a config, print the verdict, write the reports.

Exit codes (design.md §3): 0 ready, 1 not_ready, 2 usage/config error, 3 incomplete.
"""

from __future__ import annotations

import argparse

from golive.errors import EXIT_INCOMPLETE, EXIT_NOT_READY, EXIT_READY, InputError

# `golive check --help` imports this module: pathlib and typing are imported where a run needs them
# (golive.cli's start-up rule; mypy treats any name TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from pathlib import Path
    from typing import Any

    from golive.result import Result

SEVERITIES = ("blocker", "high", "medium", "low", "info")
EXIT_FOR_VERDICT = {"ready": EXIT_READY, "not_ready": EXIT_NOT_READY, "incomplete": EXIT_INCOMPLETE}


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by `check` and `demo`."""
    parser.add_argument("--fail-on", choices=SEVERITIES, default=None,
                        help="gate threshold: failures at or above it make the verdict not_ready (default high; "
                             "with --from-evidence, the saved run's)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    parser.add_argument("--format", default="text,json,html",
                        help="comma-separated: text,json,junit,sarif,html,markdown (default text,json,html)")
    parser.add_argument("--output-dir", default="golive-report", help="where report files go (default golive-report/)")
    parser.add_argument("--sign-with", metavar="KEY",
                        help="sign the result with this RSA private key (the merchant key LianLian holds) and embed it in the HTML")
    parser.add_argument("--progress", dest="progress", action="store_true", default=None,
                        help="show progress even without a terminal")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="print only the verdict, in the report's language (--lang)")
    add_color_arguments(parser)
    parser.add_argument("--save-evidence", metavar="DIR",
                        help="also save the run's evidence there (redacted, masked), to judge it again with --from-evidence")


def add_color_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--color", dest="color", action="store_true", default=None,
                        help="colour the text report even when standard output is not a terminal")
    parser.add_argument("--no-color", dest="color", action="store_false",
                        help="plain text report (also when NO_COLOR is set); default: colour on a terminal")


def use_color(args: argparse.Namespace, stream: Any = None) -> bool:
    """Colour on a terminal, unless --no-color or NO_COLOR (https://no-color.org) says otherwise;
    --color forces it (a pager that shows colour: ``| less -R``)."""
    import os
    import sys

    chosen = getattr(args, "color", None)
    if chosen is not None:
        return bool(chosen)
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_input_arguments(parser)
    add_run_arguments(parser)


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    """What a run judges (shared by `check` and `bundle`)."""
    parser.add_argument("config", nargs="?", default=None, help="config file (default golive.yaml)")
    parser.add_argument("--from-evidence", metavar="DIR",
                        help="judge evidence saved by --save-evidence instead of gathering (no config, keys or "
                             "server needed); --fail-on and --lang may differ from the saved run's")
    parser.add_argument("--profile", help="merchant-type profile (overrides merchant.profile)")
    # One file per flag (repeat it, or separate with commas): a list-taking flag would swallow the
    # config path that follows it (`--captures a.har shop.yaml`).
    parser.add_argument("--captures", action="append", metavar="FILE",
                        help="captured transactions (JSON Lines or HAR); repeat the flag or separate with commas")
    parser.add_argument("--ledger", metavar="FILE", help="ledger file (CSV, Parquet, JSON Lines) for the same-card audit")
    parser.add_argument("--sandbox", metavar="DIR",
                        help="a golive sandbox state directory (or its sandbox.sqlite3): judge the merchant's real run "
                             "recorded in its journal (sets evidence.sandbox)")
    parser.add_argument("--scan", metavar="PATH",
                        help="golive scan results (a JSON file) or a repository to scan now, for the LL-SEC checks")
    parser.add_argument("--probe", action="store_true", help="probe the running merchant server (config live:)")
    parser.add_argument("--allow-probe-host", action="append", default=[], metavar="HOST",
                        help="confirm a non-loopback probe target not declared in live.staging_hosts (repeatable)")
    parser.add_argument("--online", action="store_true", help="allow online checks (DNS resolution of declared domains)")
    parser.add_argument("--waivers", metavar="FILE", help="waivers YAML")
    parser.add_argument("--select", metavar="IDS", help="only these checks (comma-separated ids)")
    parser.add_argument("--skip", metavar="IDS", help="skip these checks (comma-separated ids)")
    parser.add_argument("--jobs", type=_jobs, metavar="N",
                        help="processes for the independent evidence passes (captures, ledger, the other gatherers) "
                             "(default on Linux: one per CPU, or GOLIVE_JOBS; 1 reads everything in one process)")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"must be a whole number of processes, 1 or more, not {text!r}")
    return int(text)


def _ids(text: str | None, flag: str) -> set[str] | None:
    if text is None:
        return None
    from golive.registry import get_check

    ids = {part.strip().upper() for part in text.split(",") if part.strip()}
    unknown = sorted(i for i in ids if get_check(i) is None)
    if unknown:
        raise InputError(f"unknown check id(s) {', '.join(unknown)} (golive checks lists them)", key=flag)
    return ids


def make_progress(args: argparse.Namespace) -> Any:
    from golive.progress import Progress

    return Progress.for_terminal(enabled=args.progress, quiet=args.quiet, color=getattr(args, "color", None))


def emit(result: Result, args: argparse.Namespace) -> int:
    """Print the text report and write the other formats; return the exit code for the verdict.

    Every file is rendered before any is written, and golive.report_files writes them as one set
    (temporary files renamed into place; stale reports of another run removed), so a failure leaves
    no half-written file and the directory never mixes two runs."""
    import sys
    from pathlib import Path

    from golive.controls import visible
    from golive.report_files import write_reports
    from golive.reporters import FORMATS, parse_formats, render

    # (A lone UTF-16 surrogate a finding quotes was written as its \udXXX escape by the redaction
    # pass that built the result: every report below can hold it.)
    formats = parse_formats(args.format)
    signature = None
    if args.sign_with:
        from golive.report_signing import sign_result

        signature = sign_result(result, Path(args.sign_with))
    files: dict[str, str] = {}
    for fmt in formats:
        if fmt == "text":
            continue
        if fmt == "html":
            from golive.reporters.html import render as render_html

            files[str(FORMATS[fmt][1])] = render_html(result, lang=args.lang, signature=signature)
        else:
            files[str(FORMATS[fmt][1])] = render(result, fmt, lang=args.lang)
    written: list[Path] = []
    removed: list[Path] = []
    if files:
        source = getattr(args, "source", None)  # golive report --from: never remove the input
        written, removed = write_reports(Path(args.output_dir), files,
                                         run_id=result.provenance.run_id or None,
                                         source=Path(source) if source else None)
    print_summary(result, args, formats)
    for path in written:
        print(f"  → {visible(str(path))}", file=sys.stderr)
    for path in removed:
        print(f"  × {visible(str(path))} removed: a report of another run", file=sys.stderr)
    return EXIT_FOR_VERDICT[result.verdict]


def print_summary(result: Result, args: argparse.Namespace, formats: list[str]) -> None:
    """Standard output: the text report (in colour on a terminal), or with -q or without the text
    format the verdict alone, in the report's language."""
    import sys

    from golive.reporters.text import render as render_text
    from golive.reporters.text import verdict_line

    if args.quiet or "text" not in formats:
        print(verdict_line(result, args.lang))
    elif use_color(args):
        from golive.reporters.terminal import console_for, print_report

        print_report(result, args.lang, console_for(sys.stdout, force=bool(getattr(args, "color", None))))
    else:
        sys.stdout.write(render_text(result, lang=args.lang))


# What a replay cannot change: the saved run's inputs and selection are what was judged.
_GATHERING_FLAGS = (("profile", "--profile"), ("captures", "--captures"), ("ledger", "--ledger"), ("sandbox", "--sandbox"),
                    ("scan", "--scan"), ("probe", "--probe"), ("allow_probe_host", "--allow-probe-host"),
                    ("online", "--online"), ("waivers", "--waivers"), ("select", "--select"), ("skip", "--skip"))


def replay_options(args: argparse.Namespace) -> Any:
    """RunOptions of `golive check --from-evidence DIR` (golive.evidence.store)."""
    from pathlib import Path

    from golive.evidence.store import open_store
    from golive.model import Severity

    given = [flag for name, flag in _GATHERING_FLAGS if getattr(args, name, None)]
    if given:
        raise InputError(f"{', '.join(given)} cannot be combined with --from-evidence: the saved evidence is judged "
                         "with the saved run's config, profile, inputs and selection (only --fail-on, --lang and "
                         "the output options may differ)", key="--from-evidence")
    store = open_store(args.from_evidence)
    if args.config:  # a guard, not an input: the saved copy of the config is what is judged
        import hashlib

        from golive.config import _read_text

        _text, raw = _read_text(Path(args.config), "config file")
        if hashlib.sha256(raw).hexdigest() != store.config.sha256:
            raise InputError(f"is not the config this evidence was saved from ({store.config.display}: the SHA-256 "
                             "differs); --from-evidence judges the config saved with the evidence",
                             file=args.config, key="--from-evidence")
    options = store.options(fail_on=Severity(args.fail_on) if args.fail_on else None)
    options.save_evidence = args.save_evidence
    return options


def run(args: argparse.Namespace) -> int:
    return _run(run_options(args), args)


def run_options(args: argparse.Namespace) -> Any:
    """The RunOptions the command line asks for (a replay with --from-evidence)."""
    from pathlib import Path

    from golive.engine import RunOptions
    from golive.model import Severity

    if args.from_evidence:
        return replay_options(args)
    return RunOptions(
        config_path=Path(args.config or "golive.yaml"),
        profile=args.profile,
        captures=[part.strip() for given in args.captures or [] for part in given.split(",") if part.strip()],
        ledger=args.ledger,
        sandbox=args.sandbox,
        scan=args.scan,
        probe=args.probe,
        allow_probe_hosts={h.strip().lower() for h in args.allow_probe_host if h.strip()},
        online=args.online,
        waivers=args.waivers,
        fail_on=Severity(args.fail_on or "high"),
        select=_ids(args.select, "--select"),
        skip=_ids(args.skip, "--skip") or set(),
        save_evidence=args.save_evidence,
        jobs=args.jobs,
    )


def _run(options: Any, args: argparse.Namespace) -> int:
    from pathlib import Path

    from golive.engine import run_result
    from golive.reporters import parse_formats

    parse_formats(args.format)  # fail fast on a typo, before a long run
    if args.sign_with:  # and on an unusable signing key
        from golive.report_signing import load_signing_key

        load_signing_key(Path(args.sign_with))
    with make_progress(args) as progress:
        options.progress = progress.update
        result = run_result(options)
    return emit(result, args)
