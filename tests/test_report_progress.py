"""Progress: silent unless a terminal or --progress; plain lines (no redraws) when asked without a
terminal; never on standard output."""

from __future__ import annotations

import io

from golive.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_disabled_and_quiet_print_nothing() -> None:
    stream = io.StringIO()
    with Progress(False, stream) as progress:
        progress.update("reading captures/a.jsonl")
    assert stream.getvalue() == ""
    assert Progress.for_terminal(enabled=True, quiet=True).enabled is False


def test_without_a_terminal_each_step_is_one_plain_line() -> None:
    stream = io.StringIO()
    with Progress(True, stream) as progress:
        progress.update("reading captures/a.jsonl")
        progress.update("reading captures/a.jsonl")  # repeated: printed once
        progress.update("probing http://127.0.0.1:8000/llpay/notify")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "\x1b" not in stream.getvalue()
    assert lines[0].startswith("golive: [") and lines[0].endswith("reading captures/a.jsonl")


def test_on_a_terminal_a_live_line_is_drawn_and_cleared() -> None:
    stream = _Tty()
    with Progress(True, stream) as progress:
        assert progress._live is not None
        progress.update("probing withdrawals")
    assert progress._live is None
