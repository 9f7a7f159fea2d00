"""LianLian's daily statement files (docs/protocol.md §9): read strictly, write exactly.

Three files per merchant and settle_date, named with the merchant number and the date:

* ``JYMX_{oid_partner}_{yyyyMMdd}.txt`` -- the payment detail, 14 comma-separated columns under a
  Chinese header line (`JYMX_HEADER`);
* ``FKMX_{oid_partner}_{yyyyMMdd}.txt`` -- the payout detail, the same 14 plus payee bank, account
  and name (17, `FKMX_HEADER`);
* ``JYMXSUM_{oid_partner}_{yyyyMMdd}.txt`` -- one line of 7 ``|``-separated figures: total count,
  success count, success amount, refund count, refund amount (negative), cancel count, cancel
  amount (negative).

The templates are UTF-8 without BOM with LF line endings (S8). The reader is tolerant exactly where
§9 records variants -- empty JYMXSUM fields (``8|8|551.23|0||0|``), amounts without padding
(``521.6``, ``1``, ``.6``) -- and strict about everything else: a wrong header, a wrong field count,
a date that is not a date, an amount that is not a decimal with at most two places, a flag or
status outside LianLian's values, another merchant's number, a settle_date that is not the file's.
Each such line is a `Problem` naming ``file:line`` (reading goes on, so one run lists them all).
A BOM or CRLF line endings are accepted and noted: production encoding is [UNCERTAIN] in §9.

Amounts are `Decimal`, never floats. How golive reads the rows, where §9 is thin (its reading of
S6/S7): a status-``0`` row is a success; a status-``5`` row with a negative amount is a refund,
whose ``oid_paybill`` holds the original ``no_order``; a status-``5`` row with a positive amount is
an original payment shown as refunded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Iterator, Sequence

__all__ = [
    "DETAIL_FIELDS",
    "FKMX_HEADER",
    "JYMX_HEADER",
    "Problem",
    "StatementFile",
    "StatementRow",
    "Summary",
    "file_name",
    "parse_name",
    "read_statement",
    "render_detail",
    "render_summary",
    "summarise",
]

JYMX_HEADER: tuple[str, ...] = ("商户订单号", "商户号", "商户订单时间", "商户业务编号", "银通订单号", "银通账务日期",
                                "订单金额", "商户收款标志", "交易状态", "更新时间", "手续费", "支付产品", "支付方式",
                                "订单信息")
FKMX_HEADER: tuple[str, ...] = JYMX_HEADER + ("收款方银行", "收款方账号", "收款方名称")
DETAIL_FIELDS: tuple[str, ...] = ("no_order", "oid_partner", "dt_order", "busi_partner", "oid_paybill", "settle_date",
                                  "amount", "flag", "status", "updated", "fee", "product", "method", "info_order",
                                  "payee_bank", "payee_account", "payee_name")
KINDS = ("JYMX", "JYMXSUM", "FKMX")
_NAME = re.compile(r"^(JYMXSUM|JYMX|FKMX)_(\d{18})_(\d{8}|\d{6})\.txt$")
_AMOUNT = re.compile(r"^-?(?:\d+(?:\.\d{0,2})?|\.\d{1,2})$")
_DATETIME = re.compile(r"^(\d{4})(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})$")
_UPDATED = (re.compile(r"^\d{8} \d{2}:\d{2}:\d{2}$"), re.compile(r"^\d{14}$"),
            re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"))
MAX_FILE_BYTES = 256 << 20  # a daily file of a busy merchant is a few MB; refuse absurd ones
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a statement file, at ``file:line`` (line 0: the file as a whole)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line or None, "message": self.message}


@dataclass(frozen=True)
class StatementRow:
    """One JYMX or FKMX detail row, values as LianLian wrote them; `amount` and `fee` exact."""

    file: str
    line: int
    kind: str  # JYMX | FKMX
    no_order: str
    oid_partner: str
    dt_order: str
    busi_partner: str
    oid_paybill: str
    settle_date: str
    amount: Decimal
    flag: str  # 0 received, 1 paid out
    status: str  # 0 success, 5 refunded
    updated: str = ""
    fee: Decimal | None = None
    product: str = ""
    method: str = ""
    info_order: str = ""
    payee_bank: str = ""
    payee_account: str = ""
    payee_name: str = ""

    @property
    def is_refund(self) -> bool:
        """A refund movement: status 5 with a negative amount (its oid_paybill is the original no_order)."""
        return self.status == "5" and self.amount < 0

    @property
    def refunded(self) -> bool:
        """An original payment shown as refunded (status 5, positive amount)."""
        return self.status == "5" and self.amount > 0

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Summary:
    """A JYMXSUM line; a field LianLian left empty is None (a variant §9 records)."""

    file: str
    line: int
    total_count: int | None
    success_count: int | None
    success_amount: Decimal | None
    refund_count: int | None
    refund_amount: Decimal | None
    cancel_count: int | None
    cancel_amount: Decimal | None

    FIELDS = ("total_count", "success_count", "success_amount", "refund_count", "refund_amount", "cancel_count",
              "cancel_amount")


@dataclass
class StatementFile:
    """One file: its name's parts, its rows (or summary), the problems found, notes."""

    path: str  # as shown in messages (the file name, or the path as given)
    kind: str
    oid_partner: str
    date: str  # yyyyMMdd (daily) or yyyyMM (monthly)
    rows: list[StatementRow] = field(default_factory=list)
    summary: Summary | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0

    @property
    def daily(self) -> bool:
        return len(self.date) == 8

    def add(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, message))
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem(self.path, line, "more problems not listed"))

    def describe(self) -> dict[str, object]:
        return {"file": self.path, "kind": self.kind, "date": self.date, "rows": len(self.rows),
                "summary": self.summary is not None, "problems": len(self.problems), "sha256": self.sha256,
                "bytes": self.size, "notes": list(self.notes)}


def file_name(kind: str, oid_partner: str, date: str) -> str:
    """``JYMX_{oid_partner}_{yyyyMMdd}.txt`` and its siblings (§9)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    return f"{kind}_{oid_partner}_{date}.txt"


def parse_name(name: str) -> tuple[str, str, str] | None:
    """(kind, oid_partner, date) of a statement file name, or None for any other name."""
    match = _NAME.match(name)
    return (match.group(1), match.group(2), match.group(3)) if match else None


def valid_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return True


def _datetime_ok(text: str) -> bool:
    import datetime as dt

    if not _DATETIME.match(text):
        return False
    try:
        dt.datetime.strptime(text, "%Y%m%d %H:%M:%S")
    except ValueError:
        return False
    return True


def parse_amount(text: str) -> Decimal | None:
    """An amount as LianLian writes it (``521.6``, ``1``, ``.6``, ``-0.01``), exact; None if not one."""
    if not _AMOUNT.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None


def _decode(raw: bytes, statement: StatementFile) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
        statement.notes.append("UTF-8 BOM (the templates have none); read anyway")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        statement.add(line, f"not UTF-8 (byte {exc.start}); LianLian's templates are UTF-8")
        return None
    if "\r\n" in text:
        statement.notes.append("CRLF line endings (the templates use LF); read anyway")
        text = text.replace("\r\n", "\n")
    return text


def read_statement(name: str, raw: bytes, *, oid_partner: str | None = None, shown: str | None = None) -> StatementFile:
    """Read one statement file named `name` (its kind and date come from the name).

    `oid_partner`: the merchant being reconciled; rows of another merchant are problems. Problems are
    collected in the result, never raised: the caller decides what an unreadable file means.
    """
    parts = parse_name(name)
    statement = StatementFile(shown or name, parts[0] if parts else "", parts[1] if parts else "",
                              parts[2] if parts else "", sha256=hashlib.sha256(raw).hexdigest(), size=len(raw))
    if parts is None:
        statement.add(0, "not a LianLian statement name (JYMX_/JYMXSUM_/FKMX_{oid_partner}_{yyyyMMdd}.txt, §9)")
        return statement
    if oid_partner and statement.oid_partner != oid_partner:
        statement.add(0, f"file of merchant {statement.oid_partner}, not {oid_partner}")
    if statement.daily and not valid_date(statement.date):
        statement.add(0, f"{statement.date} in the name is not a date")
    if len(raw) > MAX_FILE_BYTES:
        statement.add(0, f"larger than {MAX_FILE_BYTES >> 20} MiB; not read")
        return statement
    text = _decode(raw, statement)
    if text is None:
        return statement
    if statement.kind == "JYMXSUM":
        _read_summary(text, statement)
    else:
        _read_detail(text, statement, oid_partner)
    return statement


def _read_summary(text: str, statement: StatementFile) -> None:
    lines = text.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    if not lines:
        statement.add(1, "empty JYMXSUM file: one line of 7 '|'-separated figures expected")
        return
    for number, extra in enumerate(lines[1:], start=2):
        statement.add(number, "JYMXSUM holds one line; extra line" + (" (empty)" if not extra.strip() else ""))
    fields = lines[0].split("|")
    if len(fields) != 7:
        statement.add(1, f"expected 7 '|'-separated fields, found {len(fields)}")
        return
    values: list[int | Decimal | None] = []
    for index, (name, text_value) in enumerate(zip(Summary.FIELDS, fields)):
        value = text_value.strip()
        if value != text_value:
            statement.add(1, f"{name}: spaces around {text_value!r}")
        if value == "":
            values.append(None)  # a variant §9 records (S7: 8|8|551.23|0||0|)
        elif index in (0, 1, 3, 5):
            if not value.isdigit():
                statement.add(1, f"{name}: {value!r} is not a count")
                values.append(None)
            else:
                values.append(int(value))
        else:
            amount = parse_amount(value)
            if amount is None:
                statement.add(1, f"{name}: {value!r} is not an amount with at most two decimals")
            elif index in (4, 6) and amount > 0:
                statement.add(1, f"{name}: {value} should be negative or zero (§9)")
            values.append(amount)
    statement.summary = Summary(statement.path, 1, *values)  # type: ignore[arg-type]


def _read_detail(text: str, statement: StatementFile, oid_partner: str | None) -> None:
    header = JYMX_HEADER if statement.kind == "JYMX" else FKMX_HEADER
    reader = csv.reader(io.StringIO(text), strict=True)
    line = 0
    try:
        for fields in reader:
            line = reader.line_num
            if line == 1:
                if tuple(f.strip() for f in fields) != header:
                    statement.add(1, f"not the {statement.kind} header ({len(header)} columns: {','.join(header[:3])},…); "
                                     f"found {len(fields)} columns")
                    return
                continue
            if not fields:
                statement.add(line, "empty line")
                continue
            row = _row(fields, line, statement, header, oid_partner)
            if row is not None:
                statement.rows.append(row)
    except csv.Error as exc:
        statement.add(reader.line_num or line + 1, f"not comma-separated text: {exc}")
    if line == 0:
        statement.add(1, f"empty file: the {statement.kind} header line is missing")


def _row(fields: list[str], line: int, statement: StatementFile, header: Sequence[str],
         oid_partner: str | None) -> StatementRow | None:
    if len(fields) != len(header):
        statement.add(line, f"expected {len(header)} comma-separated fields, found {len(fields)}")
        return None
    values = dict(zip(DETAIL_FIELDS, (f.strip() for f in fields)))
    bad: list[str] = []
    if not values["no_order"]:
        bad.append("商户订单号 (no_order) is empty")
    if not re.fullmatch(r"\d{18}", values["oid_partner"]):
        bad.append(f"商户号 {values['oid_partner']!r} is not an 18-digit merchant number")
    elif oid_partner and values["oid_partner"] != oid_partner:
        bad.append(f"商户号 {values['oid_partner']} is not the merchant reconciled ({oid_partner})")
    if not _datetime_ok(values["dt_order"]):
        bad.append(f"商户订单时间 {values['dt_order']!r} is not yyyyMMdd HH:mm:ss")
    if not re.fullmatch(r"\d{6}", values["busi_partner"]):
        bad.append(f"商户业务编号 {values['busi_partner']!r} is not 6 digits")
    if not values["oid_paybill"]:
        bad.append("银通订单号 (oid_paybill) is empty")
    settle = values["settle_date"]
    if not (len(settle) == 8 and settle.isdigit() and valid_date(settle)):
        bad.append(f"银通账务日期 {settle!r} is not yyyyMMdd")
    elif statement.daily and settle != statement.date:
        bad.append(f"银通账务日期 {settle} is not the file's date {statement.date}")
    elif not statement.daily and not settle.startswith(statement.date):
        bad.append(f"银通账务日期 {settle} is not in the file's month {statement.date}")
    amount = parse_amount(values["amount"])
    if amount is None:
        bad.append(f"订单金额 {values['amount']!r} is not an amount with at most two decimals")
    if values["flag"] not in ("0", "1"):
        bad.append(f"商户收款标志 {values['flag']!r} is not 0 (received) or 1 (paid out)")
    elif statement.kind == "FKMX" and values["flag"] != "1":
        bad.append("商户收款标志 is not 1 in a payout (FKMX) file")
    if values["status"] not in ("0", "5"):
        bad.append(f"交易状态 {values['status']!r} is not 0 (success) or 5 (refunded)")
    if values["updated"] and not any(p.match(values["updated"]) for p in _UPDATED):
        bad.append(f"更新时间 {values['updated']!r} is not a time")
    fee: Decimal | None = None
    if values["fee"]:
        fee = parse_amount(values["fee"])
        if fee is None:
            bad.append(f"手续费 {values['fee']!r} is not an amount")
    if bad or amount is None:
        statement.add(line, "; ".join(bad))
        return None
    return StatementRow(statement.path, line, statement.kind, values["no_order"], values["oid_partner"],
                        values["dt_order"], values["busi_partner"], values["oid_paybill"], settle, amount,
                        values["flag"], values["status"], values["updated"], fee, values["product"],
                        values["method"], values["info_order"], values.get("payee_bank", ""),
                        values.get("payee_account", ""), values.get("payee_name", ""))


# -- figures and writing ---------------------------------------------------------------------------

def summarise(rows: Iterable[StatementRow]) -> dict[str, int | Decimal]:
    """The JYMXSUM figures the detail rows imply (golive's reading of §9, see the module docstring)."""
    total = success = refunds = 0
    success_amount = refund_amount = Decimal("0")
    for row in rows:
        total += 1
        if row.status == "0":
            success += 1
            success_amount += row.amount
        elif row.is_refund:
            refunds += 1
            refund_amount += row.amount
    return {"total_count": total, "success_count": success, "success_amount": success_amount,
            "refund_count": refunds, "refund_amount": refund_amount, "cancel_count": 0,
            "cancel_amount": Decimal("0")}


def _plain(value: Decimal) -> str:
    """LianLian's way: no padding (``521.6``, ``1``, ``-0.5``)."""
    text = format(value.normalize(), "f")
    return text


def render_detail(kind: str, rows: Iterable[Sequence[str]]) -> bytes:
    """A JYMX/FKMX file: the header, then one line per row (values already as text)."""
    header = JYMX_HEADER if kind == "JYMX" else FKMX_HEADER
    lines = [",".join(header)]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a {kind} row has {len(header)} fields, not {len(row)}")
        if any("," in value or "\n" in value for value in row):
            raise ValueError("statement values never hold commas or newlines")
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_summary(figures: dict[str, int | Decimal]) -> bytes:
    parts = []
    for name in Summary.FIELDS:
        value = figures[name]
        parts.append(_plain(value) if isinstance(value, Decimal) else str(value))
    return ("|".join(parts) + "\n").encode("utf-8")


def row_values(row: StatementRow) -> list[str]:
    """A row back as the text fields of its file (tests, the sandbox)."""
    values = [row.no_order, row.oid_partner, row.dt_order, row.busi_partner, row.oid_paybill, row.settle_date,
              _plain(row.amount), row.flag, row.status, row.updated, _plain(row.fee) if row.fee is not None else "",
              row.product, row.method, row.info_order]
    if row.kind == "FKMX":
        values += [row.payee_bank, row.payee_account, row.payee_name]
    return values


def iter_names(names: Iterable[str], oid_partner: str) -> Iterator[tuple[str, str, str]]:
    """(name, kind, date) of the statement files of `oid_partner` among `names`, by date then kind."""
    found = []
    for name in names:
        parts = parse_name(name)
        if parts and parts[1] == oid_partner:
            found.append((parts[2], KINDS.index(parts[0]), name, parts[0]))
    for date, _, name, kind in sorted(found):
        yield name, kind, date
