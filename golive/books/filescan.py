"""What DuckDB's line reader cannot be trusted with, found first at C speed: the header of a CSV
or the keys of a JSON Lines file, lines that are not UTF-8, longer than 1 MiB or cut by a bare
carriage return, and whether quotes occur at all.

DuckDB numbers the physical lines of a file (``WITH ORDINALITY``) only while each is a valid
UTF-8 line ended by ``\\n``: it drops over-long lines, splits at a lone ``\\r`` and blanks
undecodable bytes. So one pass over 1 MiB blocks (``bytes.decode``/``in``, all in C, lines counted
only from the first block that has something to number) finds such lines. The usual export has none and DuckDB reads
the file itself; otherwise `sanitised_copy` writes a copy with each of them emptied (an empty line is
skipped, never renumbered) and they are reported as unreadable rows with their line numbers, as the
Python reader reports them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from golive.books.result import BrokenRow
from golive.books.schema import column_of
from golive.errors import InputError
from golive.evidence.ledger_reader import map_header

MAX_LINE_BYTES = 1 << 20
BLOCK = 1 << 20
BOM = b"\xef\xbb\xbf"
# A byte that never occurs in the file is DuckDB's "delimiter", so each line is one field.
DELIMITERS = (b"\x01", b"\x02", b"\x03", b"\x1e", b"\x1f")


@dataclass
class FileScan:
    """The facts of one scan. `columns` maps each logical column to its field index (CSV) or key
    (JSON Lines); `cards` are the card fields, in order."""

    header_lines: int = 0  # lines up to and including the header (0 for JSON Lines)
    width: int = 0
    columns: dict[str, int | str] = field(default_factory=dict)
    cards: list[int | str] = field(default_factory=list)
    quotes: bool = False
    delimiter: bytes | None = None
    broken: list[BrokenRow] = field(default_factory=list)  # lines DuckDB must not see, by number
    lines: int = 0
    newlines: int = 0
    crlf: int = 0  # lines ended by \r\n
    extra_cr: bool = False  # a line ends with more than one \r

    @property
    def mixed_endings(self) -> bool:
        """Some lines end with \r\n, others with \n (or \r\r\n): DuckDB would count a line more
        at some of them."""
        return 0 < self.crlf < self.newlines or self.extra_cr

    @property
    def clean(self) -> bool:
        return not self.broken and self.delimiter is not None and not self.mixed_endings


def _map_columns(names: list[str], display: str, line: int, key: str) -> tuple[dict[str, int | str], list[int | str]]:
    """The header mapped as every reader maps it (golive.evidence.ledger_reader.map_header), a
    ``line`` column included (a Parquet file or a query may name one)."""
    found, cards = map_header(names, display, line, key, column_of)
    return dict(found), list(cards)


def read_csv_header(path: Path, display: str, key: str) -> FileScan:
    """The header of a ledger CSV: the first line that is not blank (a quoted header may span lines)."""
    scan = FileScan()
    with _open(path, display, key) as raw:
        number = 0
        while True:
            data = raw.readline(MAX_LINE_BYTES)
            if not data:
                raise InputError("ledger is empty: expected a header line (user_id, kind, no_order, amount, card, "
                                 "time, status)", file=display, key=key)
            number += 1
            first = number
            if number == 1 and data.startswith(BOM):
                data = data[len(BOM):]
            try:
                text = data.decode("utf-8")
                while text.count('"') % 2:
                    more = raw.readline(MAX_LINE_BYTES)
                    if not more:
                        break
                    number += 1
                    text += more.decode("utf-8")
                header = next(csv.reader([text], strict=True), [])
            except UnicodeDecodeError as exc:
                raise InputError(f"ledger header: not UTF-8 (byte {exc.start + 1} of the line)", file=display,
                                 line=first, key=key) from None
            except csv.Error as exc:
                raise InputError(f"ledger header: malformed CSV: {exc}", file=display, line=first, key=key) from None
            if any(h.strip() for h in header):
                break
    names = [h for h in header]
    scan.columns, scan.cards = _map_columns(names, display, first, key)
    scan.header_lines, scan.width = number, len(header)
    return scan


def read_jsonl_keys(path: Path, display: str, key: str) -> FileScan:
    """The keys of a JSON Lines ledger, from its first object."""
    scan = FileScan()
    with _open(path, display, key) as raw:
        for number, data in enumerate(iter(lambda: raw.readline(MAX_LINE_BYTES), b""), 1):
            if not data.strip():
                continue
            try:
                value = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue  # a broken line: reported with the others; the keys come from the next
            if isinstance(value, dict):
                names = list(value)
                found, cards = _map_columns(names, display, number, key)
                scan.columns = {c: names[int(i)] for c, i in found.items()}
                scan.cards = [names[int(i)] for i in cards]
                return scan
    raise InputError("ledger has no JSON object line to read the keys from", file=display, key=key)


def _open(path: Path, display: str, key: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ledger: {exc.strerror}", file=display, key=key) from None


def scan_lines(path: Path, display: str, key: str, scan: FileScan) -> FileScan:
    """One pass over the bytes (see the module docstring), filling `scan`.

    Lines are counted only once there is something to number: a block is validated as UTF-8 and
    searched for ``\r`` in C at several GB/s, but counting its newlines costs three times that. At
    the first block with a bad line (or a carriage return) the lines before it are counted in a
    second read of that prefix, and from there on every block; a clean file is never counted, and
    `scan.lines` is then an estimate from the first block (all `_lines` needs it for)."""
    absent = list(DELIMITERS)
    number: int | None = None  # lines completed before `data`, once counting began
    first_block: tuple[int, int] | None = None  # (bytes, lines) of the first whole lines, for the estimate
    tail = b""
    in_long = False

    def count_before(offset: int) -> int:
        before = _count_lines(path, offset)
        scan.newlines += before  # (no \r came before: else counting had begun there)
        return before

    with _open(path, display, key) as raw:
        while True:
            block = raw.read(BLOCK)
            if not block:
                break
            if absent:
                absent = [d for d in absent if d not in block]
            if not scan.quotes and b'"' in block:
                scan.quotes = True
            data = tail + block if tail else block
            # Newlines before `data` (inside an over-long line, the same as before that line).
            start = raw.tell() - len(data)
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                if len(data) >= MAX_LINE_BYTES:
                    if not in_long:
                        number = number if number is not None else count_before(start)
                        scan.broken.append(BrokenRow(number + 1, "long", None))
                    in_long, tail = True, b""
                else:
                    tail = data
                continue
            chunk, tail = data[:cut], data[cut:]
            if in_long:  # the rest of an over-long line
                end = chunk.index(b"\n") + 1
                number = (number if number is not None else count_before(start)) + 1
                chunk, in_long = chunk[end:], False
            elif first_block is None:
                first_block = (len(chunk), chunk.count(b"\n"))
            if number is None and _suspect(chunk):
                number = count_before(start)
            if number is not None:
                number = _check_chunk(chunk, number, scan)
        size = raw.tell()
        if tail and not in_long:
            last = tail + b"\n"
            if number is None and _suspect(last):
                number = count_before(size - len(tail))
            if number is not None:
                number = _check_chunk(last, number, scan)
        elif in_long:
            number = (number if number is not None else count_before(size)) + 1
    scan.delimiter = absent[0] if absent else None
    if number is not None:
        scan.lines = number
    elif first_block and first_block[0]:
        scan.lines = max(first_block[1], round(size * first_block[1] / first_block[0]))
    scan.broken.sort(key=lambda b: b.line)
    return scan


def _suspect(chunk: bytes) -> bool:
    """Whether whole lines `chunk` may hold a line DuckDB cannot number (or a \r to account for)."""
    if b"\r" in chunk or (len(chunk) >= MAX_LINE_BYTES and chunk.index(b"\n") >= MAX_LINE_BYTES):
        return True
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _count_lines(path: Path, size: int) -> int:
    """Newlines in the first `size` bytes of the file (a second read, only for a file with a bad line)."""
    count = 0
    with path.open("rb") as again:
        while size > 0:
            block = again.read(min(BLOCK, size))
            if not block:
                break
            count += block.count(b"\n")
            size -= len(block)
    return count


def _check_chunk(chunk: bytes, number: int, scan: FileScan) -> int:
    """Find the bad lines of whole lines `chunk` (the first is line number + 1); the new count."""
    lines = chunk.count(b"\n")
    scan.newlines += lines
    carriage = chunk.count(b"\r")
    crlf = chunk.count(b"\r\n") if carriage else 0
    scan.crlf += crlf
    try:
        chunk.decode("utf-8")
        bad_text = False
    except UnicodeDecodeError:
        bad_text = True
    # Only the first line of a chunk can be over-long: it is the one that began in an earlier block.
    long_first = len(chunk) >= MAX_LINE_BYTES and chunk.index(b"\n") >= MAX_LINE_BYTES
    if carriage != crlf:
        scan.extra_cr = True  # lone carriage returns are broken lines; several before \n are not
    if bad_text or long_first or carriage != crlf:
        for offset, line in enumerate(chunk.split(b"\n")[:lines], number + 1):
            problem = _line_problem(line + b"\n", offset == 1)
            if problem is not None:
                scan.broken.append(BrokenRow(offset, *problem))
    return number + lines


def _line_problem(line: bytes, first: bool) -> tuple[str, str | None] | None:
    if len(line) > MAX_LINE_BYTES:
        return "long", None
    body = line[:-1]
    if first and body.startswith(BOM):
        body = body[len(BOM):]
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "encoding", f" (byte {exc.start + 1} of the line)"
    if b"\r" in body.rstrip(b"\r"):
        return "csv", "a carriage return inside a line (old Mac line ending)"
    return None


def sanitised_copy(path: Path, target: Path, scan: FileScan) -> None:
    """A copy of `path` with every line of `scan.broken`, and every line holding the chosen
    delimiter (or all of them, if none was free), emptied -- same line numbers, nothing DuckDB
    could misread; when line ends are mixed, each \r\n made \n."""
    bad = {b.line for b in scan.broken}
    mixed = scan.mixed_endings  # every line end made \n
    delimiter = scan.delimiter or DELIMITERS[0]
    control: list[BrokenRow] = []
    with path.open("rb") as source, target.open("wb") as out:
        number = 0
        while True:
            data = source.readline(MAX_LINE_BYTES)
            if not data:
                break
            number += 1
            if len(data) == MAX_LINE_BYTES and not data.endswith(b"\n"):  # over-long: skip it, never held whole
                while data and not data.endswith(b"\n"):
                    data = source.readline(MAX_LINE_BYTES)
                out.write(b"\n")
            elif number in bad:
                out.write(b"\n")
            elif number > scan.header_lines and delimiter in data:
                control.append(BrokenRow(number, "csv", f"control character {delimiter!r} in the line"))
                out.write(b"\n")
            elif mixed and data.endswith(b"\r\n"):
                out.write(data.rstrip(b"\r\n") + b"\n")
            else:
                out.write(data if data.endswith(b"\n") else data + b"\n")
    scan.delimiter = delimiter
    scan.broken = sorted(scan.broken + control, key=lambda b: b.line)
