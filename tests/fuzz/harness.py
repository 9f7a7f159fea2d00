"""What every fuzz case runs under: a time bound, a memory bound, and the one accepted way to fail.

A case is a call into golive with generated input. It may return, raise `InputError` (bad input,
exit 2) or -- through the CLI -- return an exit code 0..3. Anything else is a bug:

* an exception other than `InputError` (a traceback for the user);
* a check that crashed (the engine turns it into ``error`` "check crashed: ...": still a bug in
  that check, which should have said what was wrong with the input);
* more than `TIME_LIMIT_S` of wall time, or a traced allocation peak over `MEMORY_LIMIT_BYTES`;
* a planted secret echoed in a message.

Tally mode (``GOLIVE_FUZZ_TALLY=FILE``) records each distinct failure instead of failing, so one
run can count the distinct tracebacks a code base has (issue 9: measured on the original code and
after the fixes). A failure's signature is its exception type and the innermost golive frame
(file:line), so the same bug reached from many inputs counts once.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import time
import traceback
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Iterator

from hypothesis import HealthCheck, settings

TIME_LIMIT_S = 10.0
MEMORY_LIMIT_BYTES = 256 * 1024 * 1024
"""Traced allocation peak allowed for one case (tracemalloc, on every `TRACE_EVERY`-th case: it
roughly doubles the cost of a case)."""
TRACE_EVERY = 8
ADDRESS_SPACE_HEADROOM = 2 * 1024 * 1024 * 1024
"""Every case also runs under RLIMIT_AS = what the process maps now + this: a case that allocates
more gets MemoryError (a bug) instead of taking the machine down."""
TALLY_FILE = os.environ.get("GOLIVE_FUZZ_TALLY")

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# Reproducible in CI: the same examples every run, no example database to drift.
FUZZ = settings(derandomize=True, deadline=None, database=None, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])



def fuzz(max_examples: int) -> settings:
    """FUZZ with this many examples (scaled by GOLIVE_FUZZ_SCALE, e.g. 10 for a longer local hunt)."""
    scale = float(os.environ.get("GOLIVE_FUZZ_SCALE", "1"))
    return settings(FUZZ, max_examples=max(1, int(max_examples * scale)))


_tally: dict[str, dict[str, Any]] = {}


class CaseTimeout(BaseException):
    """Raised inside a case that ran past TIME_LIMIT_S (BaseException: no `except Exception` eats it)."""


class Bug(AssertionError):
    """A fuzz case found a bug: `signature` identifies it, `detail` shows it."""

    def __init__(self, signature: str, detail: str) -> None:
        super().__init__(f"{signature}\n{detail}")
        self.signature = signature
        self.detail = detail


def _golive_frame(tb: Any) -> str:
    """file:line of the innermost frame in golive's own code (the installed package)."""
    frames = traceback.extract_tb(tb)
    for frame in reversed(frames):
        path = frame.filename.replace("\\", "/")
        for marker in ("/golive/", "/checks/", "/examples/"):
            if marker in path and "/tests/" not in path and "site-packages/hypothesis" not in path:
                return path[path.rindex(marker) + 1:] + f":{frame.lineno}"
    last = frames[-1] if frames else None
    return f"{Path(last.filename).name}:{last.lineno}" if last else "?"


def signature_of(exc: BaseException) -> str:
    return f"{type(exc).__name__} at {_golive_frame(exc.__traceback__)}"


def report(label: str, signature: str, detail: str) -> None:
    """A failure: recorded in tally mode, raised otherwise."""
    if TALLY_FILE:
        key = signature
        entry = _tally.setdefault(key, {"signature": signature, "count": 0, "first": label, "detail": detail[-3000:]})
        entry["count"] += 1
        return
    raise Bug(f"[{label}] {signature}", detail)


def write_tally() -> None:
    if TALLY_FILE:
        Path(TALLY_FILE).write_text(json.dumps(sorted(_tally.values(), key=lambda e: e["signature"]),
                                               ensure_ascii=False, indent=2), encoding="utf-8")


@contextlib.contextmanager
def _memory_limit(headroom: int) -> Iterator[None]:
    import resource

    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm", encoding="ascii") as statm:
        mapped = int(statm.read().split()[0]) * page
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mapped + headroom
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


_cases = 0


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: Any) -> None:
        raise CaseTimeout(f"case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_case(label: str, call: Callable[[], Any], *, secrets: tuple[str, ...] = (),
             accept: tuple[type[BaseException], ...] = ()) -> Any:
    """Run `call` bounded in time and memory. Returns its value (None after an accepted exception
    or a recorded failure). `accept` are the exception types that are the normal bad-input path."""
    from golive.errors import InputError

    global _cases
    accepted = (InputError,) + accept
    _cases += 1
    traced = _cases % TRACE_EVERY == 1 or TRACE_EVERY == 1
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    value: Any = None
    try:
        with _memory_limit(ADDRESS_SPACE_HEADROOM), _time_limit(TIME_LIMIT_S):
            value = call()
    except accepted as exc:
        message = str(exc)
        for secret in secrets:
            if secret and secret in message:
                report(label, f"secret echoed by {type(exc).__name__}", message)
        value = exc
    except CaseTimeout as exc:
        report(label, f"Timeout at {_golive_frame(exc.__traceback__)}", "".join(traceback.format_exception(exc)))
    except Bug:
        raise
    except BaseException as exc:  # noqa: BLE001 -- any other exception is what we are looking for
        if isinstance(exc, KeyboardInterrupt):
            raise
        report(label, signature_of(exc), "".join(traceback.format_exception(exc)))
    finally:
        peak = tracemalloc.get_traced_memory()[1] if traced else 0
        if traced:
            tracemalloc.stop()
        elapsed = time.perf_counter() - started
    if peak > MEMORY_LIMIT_BYTES:
        report(label, f"memory peak {peak >> 20} MiB", f"{label}: traced peak {peak} bytes")
    if elapsed > TIME_LIMIT_S:
        report(label, "slow case", f"{label}: {elapsed:.1f} s")
    return value


def run_cli(label: str, argv: list[str], *, secrets: tuple[str, ...] = (),
            environ: dict[str, str] | None = None) -> tuple[int | None, str, str]:
    """`golive ARGV` in process, with stdout/stderr as strict UTF-8 byte streams (as a real
    terminal or pipe: a lone surrogate written there is an exception, not a '?')."""
    from golive.cli import main

    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="strict", write_through=True)
    saved = sys.stdout, sys.stderr, dict(os.environ)
    codes: list[int | None] = []

    def call() -> None:
        try:
            codes.append(main(argv))
        except SystemExit as exc:  # argparse usage errors
            codes.append(exc.code if isinstance(exc.code, int) else 2)

    sys.stdout, sys.stderr = out, err
    if environ:
        os.environ.update(environ)
    try:
        run_case(label, call, secrets=secrets)
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.environ.clear()
        os.environ.update(saved[2])
    code = codes[0] if codes else None
    text_out = out_bytes.getvalue().decode("utf-8", "replace")
    text_err = err_bytes.getvalue().decode("utf-8", "replace")
    if codes and code not in (0, 1, 2, 3):
        report(label, f"exit code {code}", text_err[-2000:])
    if "Traceback (most recent call last)" in text_err:
        report(label, "traceback printed", text_err[-3000:])
    for secret in secrets:
        if secret and (secret in text_out or secret in text_err):
            report(label, "secret printed", f"{secret!r} in output")
    return code, text_out, text_err


def check_crashes(label: str, result: dict[str, Any]) -> None:
    """Checks the engine reported as crashed: each is a bug in that check."""
    for check in result.get("checks", []):
        reason = (check.get("reason") or {}).get("en") or ""
        if check.get("status") == "error" and reason.startswith("check crashed"):
            # "check crashed: TypeError: ... (file.py:123)": type and place identify it
            kind = reason.split(":", 2)[1].strip()
            place = reason.rsplit("(", 1)[-1].rstrip(")") if reason.endswith(")") else "?"
            report(label, f"{check['id']} crashed: {kind} at {place}", reason)
