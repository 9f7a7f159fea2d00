"""The plain ledger reader: the rows of a ledger CSV (design.md §5) in file order, typed.

The ledger is the merchant's own books: one row per money movement with the columns
``user_id, kind (payment|withdrawal|earning|refund), no_order, amount, card (last 4 or no_agree),
time, status``. Real exports differ, so the reader is lenient where meaning is clear and strict
where it is not (values: golive/evidence/ledger_values.py):

- the header is required; names are matched case-insensitively with common variants (``user``,
  ``type``, ``order_no``, ``money``, ``no_agree``, ``created_at``, ``状态`` ...) and a UTF-8 BOM
  is accepted. A header without the needed columns is bad input (`InputError`, exit 2).
- ``refund`` is a kind of its own; a negative payment is read as a refund of that amount.
- RFC 4180 CSV: a line without quotes is split on commas (the csv module would give the same
  fields, at twice the cost); a record with quotes goes through the csv module, over as many
  lines as its quoted fields span (Excel exports, CRLF, embedded commas, escaped quotes).
- a row that cannot be read -- not UTF-8, wrong field count, unknown kind or status, bad amount
  or time, a negative withdrawal, a NUL in user_id, a line longer than 1 MiB -- is yielded as a
  *broken* row naming the file and line, and reading goes on: one bad line never stops the run,
  and never silently disappears either.

The file is read line by line, so memory does not grow with the file. Order is not this module's
business: golive/evidence/ledger_order.py decides it before any row is read here.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Callable, Iterator, NamedTuple

from golive.errors import InputError
from golive.evidence.ledger_values import (
    ASCII_SPACE,
    KIND_WORDS,
    MINUTES_SECONDS,
    PAYMENT,
    REFUND,
    STATUS_WORDS,
    SUCCESS,
    VALID_HOURS,
    WITHDRAWAL,
    amount_problem,
    card_token,
    parse_amount,
    parse_time,
    problem_text,
)
from golive.model import Text

# An amount as nearly every export writes it (digits, an optional point, at most 6 places and 12
# integer digits): Decimal reads it as it is; anything else goes through parse_amount.
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,6})?", re.ASCII)

# A longer line is a broken row, read past MAX_LINE_BYTES at a time: a file without newlines must
# not be held whole in memory.
MAX_LINE_BYTES = 1 << 20

Readline = Callable[[int], bytes]
Record = tuple[int, "list[str] | None", "tuple[str, str | None] | None"]  # (last line, fields, problem (code, detail))


class LedgerRow(NamedTuple):
    """One ledger row. A NamedTuple, not a frozen dataclass, on purpose: it is built once per row
    of files with millions of rows, and a NamedTuple is immutable too but about 4x cheaper to build.

    ``card`` is the value as written (it stays in memory; use `display_card` before showing it),
    ``cards`` the identifiers it is matched by (`card_token`), ``when`` the time in CST as 20
    sortable digits (yyyyMMddHHmmssffffff), ``time`` the time as written. ``resorted`` is empty when
    the row comes in file order, else why the ledger was re-sorted (`resort_reason`); the rows of
    one user are then contiguous. A broken row has ``broken=True`` and a ``problem``; its other
    fields are whatever could be read.
    """

    file: str
    line: int
    user_id: str = ""
    kind: str = ""
    no_order: str = ""
    amount: Decimal | None = None
    card: str = ""
    cards: tuple[str, ...] = ()
    time: str = ""
    when: str = ""
    status: str = ""
    resorted: str = ""
    broken: bool = False
    problem: Text | None = None

    def location_text(self) -> str:
        return f"{self.file}:{self.line}"


# -- header ---------------------------------------------------------------------------------------

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "userid", "user", "uid", "user_no", "userno", "customer_id", "member_id",
                "mercht_userno", "user_info_mercht_userno", "用户", "用户id", "用户号", "用户编号", "客户号"),
    "kind": ("kind", "type", "txn_type", "trade_type", "trans_type", "category", "direction",
             "类型", "交易类型", "业务类型"),
    "no_order": ("no_order", "order_no", "order", "order_id", "no", "txn_no", "serial_no", "payout_no",
                 "订单号", "流水号", "交易号"),
    "amount": ("amount", "money", "money_order", "amt", "sum", "金额", "交易金额"),
    # Several card columns may be present (card and no_agree, say): a row is matched by any of them.
    "card": ("card", "no_agree", "card_last4", "card_no", "bank_card", "last4", "card_id",
             "卡", "卡号", "银行卡", "银行卡号", "协议号", "卡尾号"),
    "time": ("time", "datetime", "date_time", "dt", "dt_order", "created", "created_at", "create_time",
             "timestamp", "occurred_at", "时间", "交易时间", "日期时间", "创建时间"),
    "status": ("status", "state", "result", "result_pay", "状态", "结果", "交易状态"),
}
REQUIRED_COLUMNS = ("user_id", "kind", "amount", "card", "time")
_ALIAS_TO_COLUMN = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}


def header_name(raw: str) -> str:
    """A column name as the header aliases are written (lower case, separators as ``_``)."""
    return re.sub(r"[\s\-.]+", "_", raw.strip().strip('"').lstrip("\ufeff").strip().lower())


def map_header(names: list[str], file: str, line: int, key: str,
               column_of: Callable[[str], str | None] | None = None) -> tuple[dict[str, int], list[int]]:
    """The logical column each header name stands for, by index (the first of a column wins; every
    card column counts, the first as ``card``), or InputError naming what is missing. `column_of`
    maps a name to its logical column (default: the aliases above)."""
    column_of = column_of or (lambda raw: _ALIAS_TO_COLUMN.get(header_name(raw)))
    found: dict[str, int] = {}
    cards: list[int] = []
    for index, raw in enumerate(names):
        column = column_of(raw)
        if column == "card":
            cards.append(index)
        elif column and column not in found:
            found[column] = index
    if cards:
        found["card"] = cards[0]
    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    if missing:
        raise InputError(
            f"ledger header lacks column(s) {', '.join(missing)}; expected user_id, kind, no_order, amount, "
            f"card, time, status (found: {', '.join(n.strip() for n in names) or 'nothing'})",
            file=file, line=line, key=key)
    return found, cards


@dataclass(frozen=True)
class LedgerColumns:
    """Where each canonical column is in the file (field indexes)."""

    user_id: int
    kind: int
    amount: int
    time: int
    cards: tuple[int, ...]
    no_order: int | None
    status: int | None
    width: int

    @classmethod
    def from_header(cls, header: list[str], file: str, line: int) -> LedgerColumns:
        found, cards = map_header(header, file, line, "evidence.ledger")
        return cls(user_id=found["user_id"], kind=found["kind"], amount=found["amount"], time=found["time"],
                   cards=tuple(cards), no_order=found.get("no_order"), status=found.get("status"),
                   width=len(header))



# -- reading --------------------------------------------------------------------------------------


def csv_problem(exc: csv.Error) -> str:
    """What the csv module found wrong, in the words every engine uses: an open quoted field at the
    end of the file, or a quote where a field cannot have one."""
    return "unexpected end of data" if "unexpected end of data" in str(exc) else "a quote in the wrong place"


def _broken(file: str, line: int, code: str, detail: str | None = None, user_id: str = "",
            no_order: str = "") -> LedgerRow:
    return LedgerRow(file, line, user_id, no_order=no_order, broken=True, problem=problem_text(code, detail))


_BOM = b"\xef\xbb\xbf"


def _skip_rest(readline: Readline, data: bytes) -> None:
    """Read past the end of an over-long line, MAX_LINE_BYTES at a time (never held whole)."""
    while data and not data.endswith(b"\n"):
        data = readline(MAX_LINE_BYTES)


CR_INSIDE = "a carriage return inside a line (old Mac line ending)"


def _line_fault(data: bytes, number: int) -> tuple[str, str | None] | None:
    """What makes physical line `data` unreadable on its own (not UTF-8, a carriage return inside
    it), or None. Every engine reads such a line as empty and reports it at its own number."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "encoding", f" (byte {exc.start + 1} of the line)"
    if b"\r" in data and b"\r" in data.rstrip(b"\r\n"):
        return "csv", CR_INSIDE
    return None


def _quoted_record(readline: Readline, line: str, number: int, side: list[tuple[int, str, str | None]]) -> Record:
    """A record whose first line holds a quote: read on while a quoted field is open (an odd
    number of quotes so far), then parse it with the csv module. Returns the number of its last
    line, the fields (None when broken) and the problem (code, detail). A line on the way that
    cannot be read on its own (over 1 MiB, not UTF-8, a carriage return inside) is reported in
    `side` and read as an empty line, as the SQL engines do."""
    text = line
    while text.count('"') % 2:
        if len(text) > MAX_LINE_BYTES:
            return number, None, ("quoted_long", None)
        more = readline(MAX_LINE_BYTES)
        if not more:
            # End of file with the quotes unbalanced: malformed, wherever the odd quote stands (the
            # csv module would read a quote inside an unquoted field as a character; no engine does).
            return number, None, ("csv", "unexpected end of data")
        number += 1
        if len(more) == MAX_LINE_BYTES and not more.endswith(b"\n"):
            _skip_rest(readline, more)
            side.append((number, "long", None))
            text += "\n"
            continue
        fault = _line_fault(more, number)
        if fault is not None:
            side.append((number, *fault))
            text += "\n"
            continue
        text += more.decode("utf-8")
    try:
        return number, next(csv.reader([text], strict=True), []), None
    except csv.Error as exc:
        return number, None, ("csv", csv_problem(exc))


def _split(readline: Readline, data: bytes, number: int, side: list[tuple[int, str, str | None]]) -> Record:
    """One record from its first line `data` (line `number`): (its last line, fields, problem).
    The general case of the inlined fast path in `_rows`; the header is read through it."""
    if len(data) == MAX_LINE_BYTES and not data.endswith(b"\n"):
        _skip_rest(readline, data)
        return number, None, ("long", None)
    fault = _line_fault(data, number)
    if fault is not None:
        return number, None, fault
    line = data.decode("utf-8")
    if '"' in line:
        return _quoted_record(readline, line, number, side)
    return number, line.rstrip("\r\n").split(","), None


def open_ledger(path: Path, display: str) -> tuple[IO[bytes], LedgerColumns, int]:
    """The open file, its columns and the number of lines up to and including the header.

    Raises InputError only for a file that cannot be a ledger at all (unreadable, no header or
    a header without the needed columns); every problem with a row is a broken row instead."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read ledger: {exc.strerror}", file=display, key="evidence.ledger") from None
    try:
        columns, header_lines = _read_header(raw, display)
    except OSError as exc:
        raw.close()
        raise read_error(exc, display) from None
    except BaseException:
        raw.close()
        raise
    return raw, columns, header_lines


def read_error(exc: OSError, display: str) -> InputError:
    """The one-line error for a ledger that cannot be read (part-way, say an I/O error)."""
    return InputError(f"cannot read ledger: {exc.strerror or exc}", file=display, key="evidence.ledger")


def read_ledger(path: Path, display: str) -> Iterator[LedgerRow]:
    """Every data row of the ledger CSV at `path`, in file order (`display` names it in messages).
    The header is read, and a bad one raised, right away."""
    raw, columns, header_lines = open_ledger(path, display)
    return read_rows(raw, header_lines, columns, display)


def _read_header(raw: IO[bytes], display: str) -> tuple[LedgerColumns, int]:
    """The columns, and the number of lines up to and including the header."""
    readline = raw.readline
    number = 0
    while True:
        data = readline(MAX_LINE_BYTES)
        if not data:
            raise InputError("ledger is empty: expected a header line (user_id, kind, no_order, amount, card, "
                             "time, status)", file=display, key="evidence.ledger")
        number += 1
        if number == 1 and data.startswith(_BOM):
            data = data[len(_BOM):]
        first = number
        number, header, problem = _split(readline, data, number, [])
        if header is None:
            assert problem is not None
            raise InputError(f"ledger header: {problem_text(*problem).en}", file=display, line=first, key="evidence.ledger")
        if any(h.strip() for h in header):
            return LedgerColumns.from_header(header, display, first), number


def read_rows(raw: IO[bytes], number: int, columns: LedgerColumns, display: str) -> Iterator[LedgerRow]:
    """The data rows after line `number` of the open file, in file order. Closes `raw` when done."""
    # The hot loop of a 10-million-row audit: locals, plain indexing and inlined fast paths on
    # purpose (each one is measured by bench/bench_ledger.py). The general cases are the
    # functions named above: _split, parse_time, parse_amount, card_token.
    i_user, i_kind, i_amount, i_time = columns.user_id, columns.kind, columns.amount, columns.time
    i_cards, i_no, i_status, width = columns.cards, columns.no_order, columns.status, columns.width
    single_card = i_cards[0] if len(i_cards) == 1 else None
    kinds, statuses, minutes_seconds, hours = KIND_WORDS, STATUS_WORDS, MINUTES_SECONDS, VALID_HOURS
    amount_of, time_of, token_of, space, dec = parse_amount, parse_time, card_token, ASCII_SPACE, Decimal
    plain_amount = _PLAIN_AMOUNT.fullmatch
    make = tuple.__new__  # LedgerRow(...) without the keyword-handling wrapper: ~2x faster
    readline, limit = raw.readline, MAX_LINE_BYTES
    problem: tuple[str, str | None] | None
    side: list[tuple[int, str, str | None]] = []
    try:
        while True:
            data = readline(limit)
            if not data:
                break
            number += 1
            start = number
            if len(data) < limit and b'"' not in data and (b"\r" not in data or data.endswith(b"\r\n")
                                                         and b"\r" not in data[:-2]):  # _split's common case, inlined
                try:
                    # The line end stays on the last field: every field used is stripped below.
                    row: list[str] | None = data.decode("utf-8").split(",")
                except UnicodeDecodeError:
                    number, row, problem = _split(readline, data, number, side)
            else:
                number, row, problem = _split(readline, data, number, side)
                if side:  # lines inside a quoted field that could not be read: each broken on its own
                    for at, code, detail in side:
                        yield _broken(display, at, code, detail)
                    side.clear()
            if row is None:
                assert problem is not None
                yield _broken(display, start, *problem)
                continue
            if len(row) != width:
                if len(row) == 1 and not row[0].strip():
                    continue  # a blank line
                yield _broken(display, start, "fields", f"{width}/{len(row)}")
                continue
            user = row[i_user].strip(space)
            kind_text = row[i_kind].strip()
            kind = kinds.get(kind_text) or kinds.get(kind_text.lower())
            amount_text = row[i_amount].strip()
            # parse_amount's fast path, inlined
            amount = dec(amount_text) if plain_amount(amount_text) else amount_of(amount_text)
            written = row[i_time].strip()
            if len(written) == 14 and written[10:] in minutes_seconds and written[:10] in hours:
                when: str | None = written + "000000"  # parse_time's fast path, inlined (an hour seen valid)
            else:
                when = time_of(written) if written else None
            if i_status is None:
                status: str | None = SUCCESS
            else:
                status_text = row[i_status].strip()
                status = statuses.get(status_text) or statuses.get(status_text.lower())
            if single_card is not None:
                card = row[single_card].strip()
                if card.isdigit() and len(card) != 4:
                    cards: tuple[str, ...] = (card,)  # a no_agree: card_token's fast path
                else:
                    cards = (token_of(card),) if card else ()
            else:
                values = [row[i].strip() for i in i_cards]
                card = next((v for v in values if v), "")
                cards = tuple(token_of(v) for v in values if v)
            no_order = row[i_no].strip() if i_no is not None else ""
            if not user or kind is None or amount is None or when is None or status is None:
                yield _problem_row(display, start, user, kind_text, kind, amount_text, amount, written, when,
                                   row[i_status].strip() if i_status is not None else "", status, no_order)
                continue
            if amount.is_signed():  # cheaper than amount < 0; a -0 refund changes nothing
                if kind == PAYMENT or kind == REFUND:  # a negative payment is a refund; refunds may be signed
                    kind, amount = REFUND, -amount
                elif kind == WITHDRAWAL:
                    yield _broken(display, start, "negative", amount_text, user_id=user, no_order=no_order)
                    continue
            if "\x00" in user:
                # No user id holds a NUL; the re-sort relies on it (ledger_spill.py keeps a row as one
                # NUL-joined string). Broken in file order too, so both orders judge the same rows.
                yield _broken(display, start, "user_nul", None, no_order=no_order)
                continue
            yield make(LedgerRow, (display, start, user, kind, no_order, amount, card, cards, written, when,
                                   status, "", False, None))
    except OSError as exc:  # the ledger unreadable midway
        raise read_error(exc, display) from None
    finally:
        raw.close()


def _problem_row(display: str, line: int, user: str, kind_text: str, kind: str | None, amount_text: str,
                 amount: Decimal | None, written_time: str, when: str | None, status_text: str,
                 status: str | None, no_order: str) -> LedgerRow:
    """The broken row for a row with an unreadable field, naming the first one."""
    if not user:
        code, detail = "user", None
    elif kind is None:
        code, detail = "kind", kind_text
    elif amount is None:
        code, detail = amount_problem(amount_text), amount_text
    elif when is None:
        code, detail = "time", written_time
    else:
        code, detail = "status", status_text
    return _broken(display, line, code, detail, user_id=user, no_order=no_order)
