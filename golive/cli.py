"""Command-line entry point: a thin argparse front over `golive/commands/*`.

Start-up speed matters (`golive --version` should cost little more than bare Python), so this
module imports only the standard library; each command module keeps its heavy imports inside
its `run()` function.
"""

from __future__ import annotations

import sys

from golive import __version__

# Not `from typing import TYPE_CHECKING`: even `typing` is a noticeable share of `golive --version`.
# mypy treats any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    import argparse
    from collections.abc import Sequence
    from types import FrameType

# command name -> (module under golive.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "check a merchant integration and write the readiness report"),
    "demo": ("demo", "run the full check against the bundled demo merchant on loopback"),
    "checks": ("catalogue", "list every check with its id, go-live item and severity"),
    "explain": ("explain", "explain one check: why it matters and how to fix it"),
    "profiles": ("profiles_cmd", "list merchant-type profiles, or show one"),
    "init": ("init", "print a commented golive.yaml to start from"),
    "schema": ("schema_cmd", "print the JSON Schema of golive.yaml (--result: of result.json)"),
    "keys": ("keys", "generate an RSA key pair in LianLian's forms, or check that a pair matches"),
    "sign": ("sign", "print the sign source and signature for a set of parameters"),
    "verify": ("verify", "verify the sign of a LianLian message"),
    "report": ("report", "re-render a saved result.json in any format, offline"),
    "verify-report": ("verify_report", "check that a signed HTML report is unaltered"),
    "sandbox": ("sandbox", "serve LianLian's endpoints on loopback; judge and journal a merchant's real flow"),
    "scan": ("scan", "scan a merchant repository with the LL-SEC rules (keys, TLS, logging, notify handlers)"),
}


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser. Only the selected command's module is imported (start-up speed); argparse exits
    with code 2 and a one-line message on usage errors already."""
    import argparse
    import importlib

    parser = argparse.ArgumentParser(prog="golive", description="LianLian 认证支付 go-live readiness checker")
    parser.add_argument("--version", action="version", version=f"golive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == selected:
            module = importlib.import_module(f"golive.commands.{module_name}")
            module.add_arguments(command_parser)
            command_parser.set_defaults(_run=module.run)
    return parser


def _stop_probes() -> None:
    """Stop every probe client at once, if any was started (nothing is sent after this)."""
    http = sys.modules.get("golive.probes.http")
    if http is not None:
        http.cancel_all()


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    # Stop the probes *in the signal handler*, before the exception unwinds the main thread:
    # worker threads must not send another byte while the stack unwinds.
    _stop_probes()
    raise KeyboardInterrupt


def _exit_soon(code: int, grace_s: float = 0.3) -> None:
    """After an interruption, leave within the second Ctrl-C promises: worker threads were told to
    stop; if one is still busy after a short grace, end the process instead of waiting for it."""
    import os
    import threading
    import time

    ends = time.monotonic() + grace_s
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(ends - time.monotonic(), 0))
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.current_thread()):
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # Fast path: answer --version before building the parser (which imports every command module).
    if args_list in (["--version"], ["-V"]):
        print(f"golive {__version__}")
        return 0
    import signal
    import threading

    from golive.errors import EXIT_USAGE, InputError

    selected = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(selected if selected in COMMANDS else None)
    args = parser.parse_args(args_list)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EXIT_USAGE
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)
    try:
        return int(args._run(args))
    except InputError as exc:
        from golive.controls import visible
        from golive.redact import mask_free_text, remove_secrets

        # The message may quote a file name or a value from the input: one line, personal data
        # masked as in the reports, nothing a terminal would act on.
        print(f"golive: error: {visible(mask_free_text(remove_secrets(str(exc))))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        _stop_probes()
        print("golive: interrupted (nothing more is sent; no report was written)", file=sys.stderr)
        _exit_soon(130)
        return 130
    except BrokenPipeError:
        return 0
