"""`golive demo`: the bundled demo merchant on loopback, checked end to end with live probes.

    golive demo [--defect NAME ...] [--list-defects] [--output-dir DIR] [--format ...] [--lang ...]
    golive demo --sandbox [--defect NAME ...] [--output-dir DIR]   # the real flow through golive sandbox

What it does, in order:
1. starts the demo merchant (golive.examples.demo_merchant) on a free 127.0.0.1 port with a fresh
   SQLite database in a temporary directory, with the chosen defects switched on;
2. writes a run config derived from the packaged example config (``golive/examples/golive.yaml``,
   read through importlib.resources so it works from an installed wheel): the ``live:`` URLs point
   at the chosen port, and key files, waivers and captures are referenced where they are installed
   -- so LL-SIG-007 judges the real demo key files (committed / world-readable, and waived by
   examples/waivers.yaml) instead of a private copy that would pass;
3. captures a little live traffic of the running merchant the way a merchant would during
   integration: a Web and a WAP pay request built by the merchant's own code and a notification
   exchange (LianLian's signed notification and the merchant's answer, with its effect on the
   books). These are added to the packaged example captures, so a defect in the pay requests
   (``missing_risk_fields``) shows in the LL-RSK checks;
4. runs the full check with ``--probe``, writes the reports (``emit`` of golive check), prints the
   verdict, stops the merchant and exits with the verdict's exit code (0 ready, 1 not_ready,
   3 incomplete).

The correct merchant (no ``--defect``) gets ``ready``; each defect makes the checks that catch it
fail (``golive demo --list-defects``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator
from urllib.parse import urlsplit, urlunsplit

from golive.commands.check import add_run_arguments, emit, make_progress
from golive.errors import EXIT_READY, InputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.result import Result

EXAMPLE_CONFIG = "golive.yaml"
DEMO_USER = "demo-u1"
BROWSER_IP = "203.0.113.7"  # a documentation address standing in for the payer's public IP


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--defect", action="append", default=[], metavar="NAME",
                        help="switch on one classic integration bug in the demo merchant (repeatable; --list-defects)")
    parser.add_argument("--list-defects", action="store_true", help="list the demo merchant's defects and exit")
    parser.add_argument("--sandbox", action="store_true",
                        help="run the demo merchant's real flow through golive sandbox instead of probing it: "
                             "one payment per scenario and a payout; the journal stays in OUTPUT_DIR/sandbox/")
    add_run_arguments(parser)


def list_defects() -> str:
    from golive.examples.demo_merchant import DEFECTS

    width = max(len(name) for name in DEFECTS)
    return "".join(f"{name.ljust(width)}  {text}\n" for name, text in DEFECTS.items())


def _check_defects(names: list[str]) -> frozenset[str]:
    from golive.examples.demo_merchant import DEFECTS

    unknown = sorted(set(names) - set(DEFECTS))
    if unknown:
        raise InputError(f"unknown defect(s) {', '.join(unknown)}; allowed: {', '.join(DEFECTS)}", key="--defect")
    return frozenset(names)


# -- the packaged example --------------------------------------------------------------------------

def example_dir(scratch: Path) -> Path:
    """The installed examples folder; copied out when the package is not on a file system (zip)."""
    from importlib.resources import files

    root = files("golive.examples")
    if isinstance(root, Path) and (root / EXAMPLE_CONFIG).is_file():
        return root
    target = scratch / "examples"
    _copy_tree(root, target)
    return target


def _copy_tree(node: Any, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for child in node.iterdir():
        if child.is_dir():
            if child.name != "__pycache__":
                _copy_tree(child, target / child.name)
        else:
            (target / child.name).write_bytes(child.read_bytes())
            if target.name == "keys":
                (target / child.name).chmod(0o600)


def _rebase_url(url: str, base_url: str) -> str:
    """A loopback URL of the example config, moved to the running merchant's port."""
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        return url
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


def _walk_urls(node: Any, base_url: str) -> Any:
    if isinstance(node, dict):
        return {k: _walk_urls(v, base_url) for k, v in node.items()}
    if isinstance(node, list):
        return [_walk_urls(v, base_url) for v in node]
    if isinstance(node, str) and node.startswith(("http://", "https://")):
        return _rebase_url(node, base_url)
    return node


def _absolute(path: str, base: Path) -> str:
    candidate = Path(path).expanduser()
    return str(candidate if candidate.is_absolute() else (base / candidate).resolve())


def read_example(example: Path) -> dict[str, Any]:
    import yaml

    return yaml.safe_load((example / EXAMPLE_CONFIG).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def demo_config(example: Path, base_url: str, extra_captures: list[Path]) -> dict[str, Any]:
    """The run config: the example's, live URLs on `base_url`, every file path absolute."""
    data = read_example(example)
    for section in ("signing", "live"):
        for key, value in (data.get(section) or {}).items():
            if isinstance(value, dict) and set(value) == {"file"}:
                data[section][key] = {"file": _absolute(value["file"], example)}
    if data.get("waivers"):
        data["waivers"] = _absolute(data["waivers"], example)
    evidence = data.setdefault("evidence", {})
    captures = [_absolute(p, example) for p in evidence.get("captures") or []]
    evidence["captures"] = [p for p in captures if Path(p).is_file()] + [str(p) for p in extra_captures]
    if evidence.get("ledger"):
        ledger = _absolute(evidence["ledger"], example)
        if Path(ledger).is_file():
            evidence["ledger"] = ledger
        else:
            evidence.pop("ledger")
    if data.get("live"):
        data["live"] = _walk_urls(data["live"], base_url)
    return data  # type: ignore[no-any-return]


# -- live captures of the running demo merchant ----------------------------------------------------

def _lines(running: Any, config_path: Path) -> Iterator[dict[str, Any]]:
    """A Web pay request, LianLian's notification for it and the answer, then a WAP repeat payment."""
    from decimal import Decimal

    from golive.config import load_config
    from golive.gatherers.config import gather_keys
    from golive.examples.demo_merchant import WAP_ACTION, WEB_ACTION
    from golive.probes.notifications import build_notification, notify_body, send_notification
    from golive.probes.recipes import TestOrder
    from golive.probes.runner import build_context

    merchant = running.merchant
    web = merchant.pay(DEMO_USER, Decimal("0.01"), "web", BROWSER_IP)
    no_order = web.pop("no_order")
    params = web["params"]
    yield {"kind": "pay_request", "channel": "web", "request": {"method": "POST", "url": WEB_ACTION}, "params": params}

    config = load_config(config_path)
    ctx = build_context(config, gather_keys(config)[2])
    order = TestOrder(no_order, DEMO_USER, str(params["money_order"]), str(params["dt_order"]))
    notification = build_notification(ctx, order)
    response, exchange = send_notification(ctx, notification, "demo notification")
    credits = _settled_credits(ctx, no_order)
    yield {"kind": "notify",
           "request": {"method": "POST", "url": str(config.get("endpoints.notify_url")),
                       "headers": {"Content-Type": "text/json;charset=utf-8"},
                       "body": notify_body(notification).decode("utf-8")},
           # The answer as the probe client recorded it (redacted); LL-NTF-009 judges it.
           "response": {"status": response.status, "body": exchange.response_body if response.error is None else None,
                        "elapsed_ms": round(response.elapsed_ms, 1),
                        **({"error": response.error} if response.error else {})},
           "effect": {"credited": credits > 0}}
    wap = merchant.pay(DEMO_USER, Decimal("0.01"), "wap", BROWSER_IP)
    yield {"kind": "pay_request", "channel": "wap", "request": {"method": "POST", "url": WAP_ACTION},
           "params": {"req_data": wap["req_data"]}}


def _settled_credits(ctx: Any, no_order: str, wait_s: float = 3.0) -> int:
    """The order's credits once they appear (a merchant may book a moment after answering), so the
    next pay request of this user is a repeat payment whatever the merchant's timing."""
    import time

    deadline = time.monotonic() + wait_s
    while True:
        count = int(ctx.credits(no_order))
        if count or time.monotonic() >= deadline:
            return count
        time.sleep(0.1)


def capture_live_traffic(running: Any, config_path: Path, target: Path) -> None:
    with target.open("w", encoding="utf-8") as out:
        for line in _lines(running, config_path):
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


# -- the command -----------------------------------------------------------------------------------

def run_demo(defects: frozenset[str], options_args: argparse.Namespace | None = None,
             progress: Any = None) -> dict[str, Any]:
    """Start the merchant, capture, probe, check; return the result document (golive.result/2)."""
    return demo_result(defects, options_args, progress).to_json()


def demo_result(defects: frozenset[str], options_args: argparse.Namespace | None = None,
                progress: Any = None) -> Result:
    """Start the merchant, capture, probe, check; return the typed result."""
    from dataclasses import replace

    import yaml

    from golive.engine import RunOptions, run_result
    from golive.result import Demo
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant
    from golive.model import Severity
    from golive.probes.recipes import ProbeError

    scratch = Path(tempfile.mkdtemp(prefix="golive-demo-"))
    try:
        example = example_dir(scratch)
        endpoints = read_example(example).get("endpoints") or {}
        # Pay requests carry the public URLs of the config, as the real merchant's would.
        settings = DemoSettings.from_example_keys(
            example / "keys", db_path=scratch / "merchant.sqlite3", defects=defects,
            notify_url=endpoints.get("notify_url"), url_return=endpoints.get("url_return"))
        # The config and the live captures are kept beside the reports: findings point at their
        # lines, and `golive check <out>/demo-golive.yaml` re-runs the check on what they name.
        out_dir = Path(getattr(options_args, "output_dir", None) or "golive-report")
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a read-only or full output directory: say which, no traceback
            raise InputError(f"cannot create the output directory: {exc.strerror or exc}", file=str(out_dir),
                             key="--output-dir") from None
        with start_demo_merchant(settings, host="127.0.0.1", port=0) as running:
            live_captures = (out_dir / "demo-live.jsonl").resolve()
            config_path = scratch / EXAMPLE_CONFIG
            data = demo_config(example, running.base_url, [live_captures])
            config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
            try:
                capture_live_traffic(running, config_path, live_captures)
            except ProbeError as exc:  # the bundled merchant itself misbehaves: say so, no traceback
                raise InputError(f"the demo merchant did not answer as expected: {exc.reason.en}", key="demo") from None
            except OSError as exc:
                raise InputError(f"cannot write demo-live.jsonl: {exc.strerror or exc}", file=str(out_dir),
                                 key="--output-dir") from None
            fail_on = Severity(getattr(options_args, "fail_on", "high") or "high")
            kept = out_dir / "demo-golive.yaml"
            try:
                shutil.copyfile(config_path, kept)
            except OSError as exc:
                raise InputError(f"cannot write demo-golive.yaml: {exc.strerror or exc}", file=str(out_dir),
                                 key="--output-dir") from None
            options = RunOptions(config_path=config_path, probe=True, fail_on=fail_on, progress=progress,
                                 config_display=str(kept),
                                 save_evidence=getattr(options_args, "save_evidence", None))
            result = run_result(options)
        # golive's own values (defect names, a loopback address): nothing for the redaction pass
        demo = Demo(defects=tuple(sorted(defects)), merchant=running.base_url)
        return replace(result, provenance=replace(result.provenance, demo=demo))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    if args.list_defects:
        sys.stdout.write(list_defects())
        return EXIT_READY
    defects = _check_defects(args.defect)
    if args.sandbox:
        from golive.sandbox.demo import run_sandbox_demo

        with make_progress(args) as progress:
            code, summary = run_sandbox_demo(defects, Path(args.output_dir or "golive-report"), progress.update)
        sys.stdout.write(summary)
        return code
    from golive.reporters import parse_formats

    parse_formats(args.format)  # fail fast on a typo, before starting anything
    with make_progress(args) as progress:
        progress.update("starting the demo merchant" + (f" with {', '.join(sorted(defects))}" if defects else ""))
        result = demo_result(defects, args, progress.update)
    return emit(result, args)
