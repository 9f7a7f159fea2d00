"""The merchant's ledger CSV, read for reconciliation (README "Reconciliation", design.md §5).

The same file as the same-card audit reads (``evidence.ledger``): a header, then one row per money
movement. Reconciliation needs these columns (names matched case-insensitively, with the common
variants the ledger reader knows):

============== ======== ==========================================================================
column         needed   what reconciliation does with it
============== ======== ==========================================================================
kind           yes      ``payment`` and ``refund`` meet JYMX rows, ``withdrawal`` FKMX rows
                        (``earning`` moves no money at LianLian and is skipped)
no_order       yes      the merchant order number: the key rows are matched on
amount         yes      compared exactly (Decimal); a refund may be written negative or positive
time           yes      when the merchant booked it; the settle day when there is no settle_date
status         yes      success / failed / pending / refunded
settle_date    optional LianLian's ``settle_date`` from the notification (yyyyMMdd): the day the
                        row must appear in LianLian's files. Without it golive takes the booking
                        day and allows orders booked shortly before midnight to settle the next day
oid_paybill    optional LianLian's number, shown beside the row and used to pair refunds
user_id, card  optional shown in findings (card masked)
============== ======== ==========================================================================

Amounts are exact decimals (``¥``, thousands commas and ``元`` accepted). A row that cannot be read
is kept as a problem naming ``file:line`` -- it could be the missing one, so reconciliation cannot
pass while there are any. A header without the needed columns is bad input (`InputError`, exit 2).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator

from golive.errors import InputError
from golive.recon.statements import valid_date

__all__ = ["BookRow", "Books", "read_books", "REQUIRED", "OPTIONAL"]

CST = dt.timezone(dt.timedelta(hours=8), "CST")
REQUIRED = ("kind", "no_order", "amount", "time", "status")
OPTIONAL = ("settle_date", "oid_paybill", "user_id", "card")
_ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("kind", "type", "txn_type", "trade_type", "trans_type", "类型", "交易类型", "业务类型"),
    "no_order": ("no_order", "order_no", "order", "order_id", "payout_no", "订单号", "商户订单号"),
    "amount": ("amount", "money", "money_order", "amt", "金额", "交易金额", "订单金额"),
    "time": ("time", "created", "created_at", "booked_at", "dt_order", "date", "时间", "交易时间"),
    "status": ("status", "state", "result", "状态", "交易状态"),
    "settle_date": ("settle_date", "settledate", "settle_day", "清算日期", "账务日期", "银通账务日期"),
    "oid_paybill": ("oid_paybill", "paybill", "lianlian_no", "银通订单号", "连连订单号"),
    "user_id": ("user_id", "userid", "user", "uid", "用户", "用户id"),
    "card": ("card", "no_agree", "card_last4", "card_no", "卡号", "协议号"),
}
_KINDS = {"payment": "payment", "pay": "payment", "支付": "payment", "充值": "payment", "收款": "payment",
          "refund": "refund", "退款": "refund", "withdrawal": "withdrawal", "withdraw": "withdrawal",
          "payout": "withdrawal", "提现": "withdrawal", "付款": "withdrawal", "代付": "withdrawal",
          "earning": "earning", "earnings": "earning", "收益": "earning", "interest": "earning"}
_STATUSES = {"success": "success", "succeeded": "success", "ok": "success", "paid": "success", "成功": "success",
             "已支付": "success", "failed": "failed", "failure": "failed", "fail": "failed", "失败": "failed",
             "pending": "pending", "processing": "pending", "处理中": "pending", "待处理": "pending",
             "refunded": "refunded", "已退款": "refunded", "reversed": "failed", "cancel": "refunded",
             "cancelled": "refunded"}
_TIME_FORMATS = ("%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y%m%d %H:%M:%S")
MAX_LINE_CHARS = 1 << 16


@dataclass(frozen=True)
class BookRow:
    file: str
    line: int
    kind: str
    no_order: str
    amount: Decimal  # positive; a refund's sign is in its kind
    time: dt.datetime  # CST
    status: str
    settle_date: str | None = None
    oid_paybill: str | None = None
    user_id: str = ""
    card: str = ""

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def day(self) -> str:
        """The day the row should settle on: its settle_date, else its booking day (CST)."""
        return self.settle_date or self.time.strftime("%Y%m%d")


@dataclass
class Books:
    file: str
    rows: list[BookRow]
    problems: list[tuple[int, str]]
    columns: tuple[str, ...]

    @property
    def has_settle_date(self) -> bool:
        return "settle_date" in self.columns

    def describe(self) -> dict[str, object]:
        return {"file": self.file, "rows": len(self.rows), "problems": len(self.problems),
                "has_settle_date": self.has_settle_date, "has_oid_paybill": "oid_paybill" in self.columns}


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lower())


def parse_time(text: str) -> dt.datetime | None:
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        moment = None
        for pattern in _TIME_FORMATS:
            try:
                moment = dt.datetime.strptime(value, pattern)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    return moment.replace(tzinfo=CST) if moment.tzinfo is None else moment.astimezone(CST)


def parse_money(text: str) -> Decimal | None:
    value = text.strip().lstrip("¥￥").rstrip("元").replace(",", "").strip()
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover
        return None
    return amount if amount.is_finite() else None


def _columns(header: list[str], file: str) -> dict[str, int]:
    names = [_norm(h) for h in header]
    found: dict[str, int] = {}
    for column, aliases in _ALIASES.items():
        for index, name in enumerate(names):
            if name in aliases and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InputError(f"the ledger lacks the column(s) reconciliation needs: {', '.join(missing)} "
                         f"(needed: {', '.join(REQUIRED)}; optional: {', '.join(OPTIONAL)})", file=file, line=1,
                         key="evidence.ledger")
    return found


def read_books(path: Path, shown: str) -> Books:
    """Every row of the ledger; unreadable rows become problems (``line``, message)."""
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read the ledger: {exc.strerror}", file=shown, key="evidence.ledger") from None
    rows: list[BookRow] = []
    problems: list[tuple[int, str]] = []
    with handle:
        try:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InputError("the ledger is empty (a header line is needed)", file=shown, key="evidence.ledger")
            columns = _columns(header, shown)
            for fields in reader:
                line = reader.line_num
                if not fields or not any(f.strip() for f in fields):
                    continue
                row = _row(fields, columns, shown, line, len(header), problems)
                if row is not None:
                    rows.append(row)
        except UnicodeDecodeError as exc:
            problems.append((0, f"not UTF-8 (byte {exc.start}); the rest of the ledger was not read"))
        except csv.Error as exc:
            problems.append((reader.line_num, f"not CSV: {exc}; the rest of the ledger was not read"))
    return Books(shown, rows, problems, tuple(columns))


def _row(fields: list[str], columns: dict[str, int], file: str, line: int, width: int,
         problems: list[tuple[int, str]]) -> BookRow | None:
    if len(fields) != width:
        problems.append((line, f"{len(fields)} fields, the header has {width}"))
        return None
    if sum(len(f) for f in fields) > MAX_LINE_CHARS:
        problems.append((line, "line too long"))
        return None
    value = {name: fields[index].strip() for name, index in columns.items()}
    kind = _KINDS.get(value["kind"].lower())
    status = _STATUSES.get(value["status"].lower())
    amount = parse_money(value["amount"])
    moment = parse_time(value["time"])
    bad = []
    if kind is None:
        bad.append(f"kind {value['kind'][:20]!r} is not payment, refund, withdrawal or earning")
    if status is None:
        bad.append(f"status {value['status'][:20]!r} is not success, failed, pending or refunded")
    if amount is None:
        bad.append(f"amount {value['amount'][:20]!r} is not a decimal")
    if moment is None:
        bad.append(f"time {value['time'][:30]!r} is not a time")
    if not value["no_order"] and kind != "earning":  # earnings move no money at LianLian: no order needed
        bad.append("no_order is empty")
    settle = value.get("settle_date") or None
    if settle is not None:
        settle = settle.replace("-", "")
        if not re.fullmatch(r"[0-9]{8}", settle) or not valid_date(settle):
            bad.append(f"settle_date {value['settle_date'][:20]!r} is not a yyyyMMdd date")
    if bad:
        problems.append((line, "; ".join(bad)))
        return None
    assert kind and status and amount is not None and moment is not None
    if kind == "payment" and amount < 0:  # a negative payment is a refund of that amount
        kind = "refund"
    return BookRow(file, line, kind, value["no_order"], abs(amount), moment, status, settle,
                   value.get("oid_paybill") or None, value.get("user_id", ""), value.get("card", ""))


def iter_kind(books: Books, *kinds: str) -> Iterator[BookRow]:
    return (row for row in books.rows if row.kind in kinds)
