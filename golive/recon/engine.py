"""Reconciliation: LianLian's statement files against the merchant's ledger, by settle_date.

LianLian keys its statements by ``settle_date`` (银通账务日期), its accounting date, returned in
every success notification; it can be a day after the order (docs/protocol.md §9, guide 九 商户对账).
A merchant that reconciles by its own order date sees every order paid shortly before midnight as
"missing" on one day and "extra" on the next. golive therefore matches rows on the merchant's order
number (``no_order``) across every file read, and asks of each ledger row only whether the day it
should settle on -- its ``settle_date`` when the ledger has one, else its booking day -- lies in the
days the files cover.

The differences (`KINDS`), each shown with both rows (redacted):

* ``missing_in_ledger`` -- money moved at LianLian (a payment, a refund, a payout) that the books lack;
* ``missing_at_lianlian`` -- a successful movement in the books for a covered day that LianLian lacks;
  an order booked within ``cutoff_minutes`` of midnight on the last covered day (a payout after
  14:00, LianLian's last batch, guide 十) without a settle_date may settle the next day: counted, not
  reported;
* ``amount_mismatch`` -- the same order, another amount (exact decimals);
* ``status_mismatch`` -- LianLian paid or refunded it, the books say failed, pending or success;
* ``refund_unpaired`` -- a LianLian refund whose original payment is neither in the files nor the books;
* ``duplicate_in_ledger`` -- one order booked twice: the double credit, seen after the fact;
* ``duplicate_at_lianlian`` -- one order twice in LianLian's detail;
* ``settle_date_mismatch`` -- the books' settle_date is not LianLian's (typically an order paid just
  before midnight booked under its order date);
* ``summary_mismatch`` -- a JYMXSUM figure that disagrees with the JYMX detail of its day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from golive.model import Text
from golive.recon.books import BookRow, Books
from golive.recon.statements import StatementFile, StatementRow, Summary, summarise
from golive.redact import mask_card, mask_free_text, mask_name

__all__ = ["Difference", "KINDS", "Reconciliation", "reconcile"]

KINDS = ("missing_in_ledger", "missing_at_lianlian", "amount_mismatch", "status_mismatch", "refund_unpaired",
         "duplicate_in_ledger", "duplicate_at_lianlian", "settle_date_mismatch", "summary_mismatch")
BOOKED = ("success", "refunded")  # ledger statuses of money that moved
PAYOUT_LAST_BATCH = dt.time(14, 0)  # guide 十: payouts after 14:00 reach the bank the next day
MAX_DIFFERENCES = 500
ENGINES = ("python", "duckdb")


def _ll(row: StatementRow) -> dict[str, Any]:
    shown: dict[str, Any] = {"file": row.file, "line": row.line, "kind": row.kind, "no_order": row.no_order,
                             "oid_paybill": row.oid_paybill, "dt_order": row.dt_order, "settle_date": row.settle_date,
                             "amount": str(row.amount), "status": row.status, "flag": row.flag}
    if row.info_order:
        shown["info_order"] = mask_free_text(row.info_order)[:60]
    if row.kind == "FKMX":
        shown.update({"payee_bank": row.payee_bank, "payee_account": mask_card(row.payee_account) if row.payee_account else "",
                      "payee_name": mask_name(row.payee_name) if row.payee_name else ""})
    return shown


def _card(value: str) -> str:
    return mask_card(value) if sum(c.isdigit() for c in value) >= 11 and len(value) <= 19 else value


def _book(row: BookRow) -> dict[str, Any]:
    return {"file": row.file, "line": row.line, "kind": row.kind, "no_order": row.no_order, "amount": str(row.amount),
            "time": row.time.strftime("%Y-%m-%d %H:%M:%S"), "status": row.status, "settle_date": row.settle_date,
            "oid_paybill": row.oid_paybill, "user_id": row.user_id, "card": _card(row.card)}


@dataclass(frozen=True)
class Difference:
    kind: str
    message: Text
    lianlian: tuple[dict[str, Any], ...] = ()
    ledger: tuple[dict[str, Any], ...] = ()
    file: str | None = None
    line: int | None = None
    day: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message.to_dict(), "file": self.file, "line": self.line,
                "day": self.day, "lianlian": list(self.lianlian), "ledger": list(self.ledger)}


@dataclass
class Reconciliation:
    days: list[str]
    payout_days: list[str]
    differences: list[Difference] = field(default_factory=list)
    matched: int = 0
    settles_later: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: int = 0

    def add(self, difference: Difference) -> None:
        if len(self.differences) < MAX_DIFFERENCES:
            self.differences.append(difference)
        else:
            self.dropped += 1

    def to_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {kind: 0 for kind in KINDS}
        for difference in self.differences:
            counts[difference.kind] += 1
        return {"days": self.days, "payout_days": self.payout_days, "matched": self.matched,
                "differences": [d.to_dict() for d in self.differences], "counts": counts,
                "not_listed": self.dropped, "settles_later": self.settles_later[:50], "notes": self.notes}


def _days_of(statement: StatementFile) -> list[str]:
    if statement.daily:
        return [statement.date]
    year, month = int(statement.date[:4]), int(statement.date[4:])
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        days.append(day.strftime("%Y%m%d"))
        day += dt.timedelta(days=1)
    return days


def _near_midnight(moment: dt.datetime, minutes: int) -> bool:
    end = moment.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return end - moment <= dt.timedelta(minutes=minutes)


def _next_day(day: str) -> str:
    return (dt.datetime.strptime(day, "%Y%m%d") + dt.timedelta(days=1)).strftime("%Y%m%d")


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


def reconcile(statements: Iterable[StatementFile], books: Books, *, cutoff_minutes: int = 30,
              engine: str = "python", memory_mb: int = 512) -> Reconciliation:
    """Match the statement rows with the ledger's. `engine`: ``python`` (this module, the reference)
    or ``duckdb`` (the same rules as SQL, golive/recon/sql.py, within `memory_mb`); both give the
    same result."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    files = [s for s in statements if s.kind]
    detail_days = sorted({d for s in files if s.kind == "JYMX" for d in _days_of(s)})
    payout_days = sorted({d for s in files if s.kind == "FKMX" for d in _days_of(s)})
    result = Reconciliation(detail_days, payout_days)
    _summaries(files, result)
    if engine == "duckdb":
        from golive.recon import sql  # DuckDB only when asked for

        if sql.match(files, books, result, cutoff_minutes, memory_mb):
            result.differences.sort(key=lambda d: (d.day or "", d.file or "", d.line or 0))
            return result
    payments: dict[str, list[StatementRow]] = defaultdict(list)
    refunds: dict[str, list[StatementRow]] = defaultdict(list)
    payouts: dict[str, list[StatementRow]] = defaultdict(list)
    for statement in files:
        for row in statement.rows:
            if row.kind == "FKMX":
                payouts[row.no_order].append(row)
            elif row.is_refund:
                refunds[row.no_order].append(row)
            else:
                payments[row.no_order].append(row)
    by_kind: dict[str, dict[str, list[BookRow]]] = {"payment": defaultdict(list), "refund": defaultdict(list),
                                                    "withdrawal": defaultdict(list)}
    for book in books.rows:
        if book.kind in by_kind:
            by_kind[book.kind][book.no_order].append(book)
    _duplicates_in_books(by_kind, set(detail_days), set(payout_days), result)
    _payments(payments, refunds, by_kind, books, result, cutoff_minutes)
    _refunds(refunds, payments, by_kind, result)
    _payouts(payouts, by_kind["withdrawal"], result)
    _book_side(by_kind["payment"], payments, set(detail_days), result, cutoff_minutes, "payment")
    _book_side(by_kind["refund"], refunds, set(detail_days), result, cutoff_minutes, "refund")
    _book_side(by_kind["withdrawal"], payouts, set(payout_days), result, cutoff_minutes, "withdrawal")
    result.differences.sort(key=lambda d: (d.day or "", d.file or "", d.line or 0))
    return result


def _summaries(files: list[StatementFile], result: Reconciliation) -> None:
    details = {(s.oid_partner, s.date): s for s in files if s.kind == "JYMX"}
    for statement in files:
        if statement.kind != "JYMXSUM" or statement.summary is None:
            continue
        detail = details.get((statement.oid_partner, statement.date))
        if detail is None:
            result.notes.append(f"{statement.path}: no JYMX detail for {statement.date}; the summary was not compared")
            continue
        if detail.problems:
            result.notes.append(f"{statement.path}: {detail.path} has unreadable lines; the summary was not compared")
            continue
        expected = summarise(detail.rows)
        for name in Summary.FIELDS:
            stated = getattr(statement.summary, name)
            if stated is None:  # an empty field (§9 variant): nothing stated, nothing to compare
                continue
            if name.startswith("cancel") and stated == 0:
                continue
            if stated != expected[name]:
                result.add(Difference(
                    "summary_mismatch",
                    _t(f"{statement.path} 的 {name} 为 {stated}，而 {detail.path} 明细得出 {expected[name]}",
                       f"{statement.path} states {name} {stated}, the detail in {detail.path} gives {expected[name]}"),
                    lianlian=({"file": statement.path, "line": 1, "field": name, "summary": str(stated),
                               "detail": str(expected[name]), "detail_file": detail.path},),
                    file=statement.path, line=1, day=statement.date))


def _duplicates_in_books(by_kind: dict[str, dict[str, list[BookRow]]], days: set[str], payout_days: set[str],
                         result: Reconciliation) -> None:
    for kind, rows in by_kind.items():
        covered = payout_days if kind == "withdrawal" else days
        for books in rows.values():
            booked = [b for b in books if b.status in BOOKED]
            if len(booked) > 1 and any(b.day in covered or _next_day(b.day) in covered for b in booked):
                result.add(duplicate_in_ledger(booked))


def _one(rows: list[BookRow]) -> tuple[BookRow | None, list[BookRow]]:
    booked = [b for b in rows if b.status in BOOKED]
    return (booked[0] if booked else None), [b for b in rows if b.status not in BOOKED]


def near_midnight_settled(book: BookRow, ll: StatementRow, cutoff_minutes: int) -> bool:
    """Paid shortly before midnight and settled by LianLian the next day (explains a settle_date_mismatch)."""
    return _near_midnight(book.time, cutoff_minutes) and ll.settle_date == _next_day(book.time.strftime("%Y%m%d"))


def _payments(payments: dict[str, list[StatementRow]], refunds: dict[str, list[StatementRow]],
              by_kind: dict[str, dict[str, list[BookRow]]], books: Books, result: Reconciliation,
              cutoff_minutes: int) -> None:
    refunded_originals = {r.oid_paybill for rows in refunds.values() for r in rows}
    for no_order, rows in payments.items():
        ll = rows[0]
        if len(rows) > 1:
            result.add(duplicate_at_lianlian(rows))
        book, others = _one(by_kind["payment"].get(no_order, []))
        if book is None and others:
            result.add(payment_not_credited(ll, others))
            continue
        if book is None:
            result.add(payment_missing(ll))
            continue
        result.matched += 1
        if book.amount != ll.amount:
            result.add(payment_amount(ll, book))
        booked_refund = any(r.status in BOOKED for r in by_kind["refund"].get(no_order, []))
        if ll.refunded and book.status == "success" and not booked_refund and no_order not in refunded_originals:
            result.add(payment_not_refunded(ll, book))
        if book.settle_date and book.settle_date != ll.settle_date:
            result.add(settle_date_mismatch(ll, book, near_midnight_settled(book, ll, cutoff_minutes)))


def _refunds(refunds: dict[str, list[StatementRow]], payments: dict[str, list[StatementRow]],
             by_kind: dict[str, dict[str, list[BookRow]]], result: Reconciliation) -> None:
    for no_order, rows in refunds.items():
        ll = rows[0]
        original = ll.oid_paybill
        original_books = by_kind["payment"].get(original, [])
        if original not in payments and not any(b.status in BOOKED for b in original_books):
            result.add(refund_unpaired(ll))
        book, _ = _one(by_kind["refund"].get(no_order, []))
        if book is None:
            paid = next((b for b in original_books if b.status in BOOKED), None)
            if paid is not None and paid.status == "refunded":
                result.matched += 1  # the books mark the original refunded instead of a refund row
                continue
            result.add(refund_missing(ll, paid))
            continue
        result.matched += 1
        if book.amount != abs(ll.amount):
            result.add(refund_amount(ll, book))


def _payouts(payouts: dict[str, list[StatementRow]], withdrawals: dict[str, list[BookRow]],
             result: Reconciliation) -> None:
    for no_order, rows in payouts.items():
        ll = rows[0]
        book, others = _one(withdrawals.get(no_order, []))
        if book is None and ll.status == "5" and others:
            result.matched += 1  # returned by the bank, and the books gave the money back: consistent
            continue
        if book is None:
            result.add(payout_missing(ll, others))
            continue
        result.matched += 1
        if book.amount != abs(ll.amount):
            result.add(payout_amount(ll, book))
        if ll.status == "5" and book.status == "success":
            result.add(payout_returned(ll, book))


def _book_side(books: dict[str, list[BookRow]], lianlian: dict[str, list[StatementRow]], days: set[str],
               result: Reconciliation, cutoff_minutes: int, kind: str) -> None:
    if not days:
        return
    last = max(days)
    for no_order, rows in books.items():
        if no_order in lianlian:
            continue
        book, _ = _one(rows)
        if book is None or book.day not in days:
            continue
        late = (book.settle_date is None and book.day == last and
                (book.time.time() >= PAYOUT_LAST_BATCH if kind == "withdrawal" else _near_midnight(book.time, cutoff_minutes)))
        if late:
            result.settles_later.append(settles_later(book))
            continue
        result.add(missing_at_lianlian(book, kind))


# -- the differences, as both engines report them (golive/recon/sql.py builds the same from its rows) ----

def _against(kind: str, text: Text, ll: StatementRow, book: BookRow) -> Difference:
    """A difference between one LianLian row and one ledger row, placed at the LianLian row."""
    return Difference(kind, text, lianlian=(_ll(ll),), ledger=(_book(book),), file=ll.file, line=ll.line,
                      day=ll.settle_date)


def duplicate_in_ledger(booked: list[BookRow]) -> Difference:
    first = booked[0]
    no_order = first.no_order
    return Difference(
        "duplicate_in_ledger",
        _t(f"台账中订单 {no_order} 记了 {len(booked)} 次（{', '.join(b.where() for b in booked)}）：重复入账",
           f"the ledger books order {no_order} {len(booked)} times ({', '.join(b.where() for b in booked)}): "
           "a double credit"),
        ledger=tuple(_book(b) for b in booked), file=first.file, line=first.line, day=first.day)


def duplicate_at_lianlian(rows: list[StatementRow]) -> Difference:
    ll = rows[0]
    no_order = ll.no_order
    return Difference(
        "duplicate_at_lianlian",
        _t(f"连连明细中订单 {no_order} 出现 {len(rows)} 次", f"order {no_order} appears {len(rows)} times in LianLian's detail"),
        lianlian=tuple(_ll(r) for r in rows), file=ll.file, line=ll.line, day=ll.settle_date)


def payment_not_credited(ll: StatementRow, others: list[BookRow]) -> Difference:
    no_order = ll.no_order
    return Difference(
        "status_mismatch",
        _t(f"连连已收款（{ll.where()}，{ll.amount}），台账状态为 {others[0].status}（{others[0].where()}）：用户付了钱却未入账",
           f"LianLian received payment {no_order} ({ll.where()}, {ll.amount}); the ledger says {others[0].status} "
           f"({others[0].where()}): the user paid but was not credited"),
        lianlian=(_ll(ll),), ledger=tuple(_book(b) for b in others), file=ll.file, line=ll.line, day=ll.settle_date)


def payment_missing(ll: StatementRow) -> Difference:
    no_order = ll.no_order
    return Difference(
        "missing_in_ledger",
        _t(f"连连明细有收款 {no_order}（{ll.where()}，{ll.amount}，清算日 {ll.settle_date}），台账中没有",
           f"LianLian's detail has payment {no_order} ({ll.where()}, {ll.amount}, settle_date {ll.settle_date}); "
           "the ledger does not"),
        lianlian=(_ll(ll),), file=ll.file, line=ll.line, day=ll.settle_date)


def _amount_mismatch(ll: StatementRow, book: BookRow, noun_zh: str, noun_en: str) -> Difference:
    """The same order, payout or refund with another amount on each side."""
    no_order = ll.no_order
    return _against(
        "amount_mismatch",
        _t(f"{noun_zh} {no_order} 金额不符：连连 {ll.amount}（{ll.where()}），台账 {book.amount}（{book.where()}）",
           f"{noun_en} {no_order}: LianLian {ll.amount} ({ll.where()}), ledger {book.amount} ({book.where()})"), ll, book)


def payment_amount(ll: StatementRow, book: BookRow) -> Difference:
    return _amount_mismatch(ll, book, "订单", "order")


def payment_not_refunded(ll: StatementRow, book: BookRow) -> Difference:
    no_order = ll.no_order
    return _against(
        "status_mismatch",
        _t(f"订单 {no_order} 连连为已退款（{ll.where()}），台账仍为成功（{book.where()}）",
           f"order {no_order}: LianLian shows it refunded ({ll.where()}), the ledger still success ({book.where()})"), ll, book)


def settle_date_mismatch(ll: StatementRow, book: BookRow, near: bool) -> Difference:
    no_order = ll.no_order
    why = (("订单在午夜前支付，连连次日清算；台账按订单日期记账", "paid shortly before midnight and settled by "
            "LianLian the next day; the ledger keyed it by the order date") if near else ("", ""))
    return _against(
        "settle_date_mismatch",
        _t(f"订单 {no_order} 台账清算日 {book.settle_date}（{book.where()}），连连为 {ll.settle_date}（{ll.where()}）"
           + (f"：{why[0]}" if near else ""),
           f"order {no_order}: the ledger's settle_date {book.settle_date} ({book.where()}), LianLian's "
           f"{ll.settle_date} ({ll.where()})" + (f": {why[1]}" if near else "")), ll, book)


def refund_unpaired(ll: StatementRow) -> Difference:
    no_order, original = ll.no_order, ll.oid_paybill
    return Difference(
        "refund_unpaired",
        _t(f"连连退款 {no_order}（{ll.where()}，{ll.amount}）对应的原订单 {original} 既不在连连明细也不在台账中",
           f"LianLian refund {no_order} ({ll.where()}, {ll.amount}) pairs with original order {original}, which is "
           "neither in LianLian's detail nor in the ledger"),
        lianlian=(_ll(ll),), file=ll.file, line=ll.line, day=ll.settle_date)


def refund_missing(ll: StatementRow, paid: BookRow | None) -> Difference:
    """No refund row in the books: the original still booked as success (`paid`), or nothing at all."""
    no_order, original = ll.no_order, ll.oid_paybill
    return Difference(
        "status_mismatch" if paid is not None else "missing_in_ledger",
        _t(f"连连已退款 {no_order}（原订单 {original}，{ll.where()}，{ll.amount}），台账" +
           (f"中原订单仍为成功（{paid.where()}）" if paid else "中没有这笔退款"),
           f"LianLian refunded {no_order} (original {original}, {ll.where()}, {ll.amount}); the ledger " +
           (f"still shows the original as success ({paid.where()})" if paid else "has no such refund")),
        lianlian=(_ll(ll),), ledger=(_book(paid),) if paid else (), file=ll.file, line=ll.line, day=ll.settle_date)


def refund_amount(ll: StatementRow, book: BookRow) -> Difference:
    return _amount_mismatch(ll, book, "退款", "refund")


def payout_missing(ll: StatementRow, others: list[BookRow]) -> Difference:
    """No booked withdrawal: the books show it failed or pending (`others`), or not at all."""
    no_order = ll.no_order
    return Difference(
        "status_mismatch" if others else "missing_in_ledger",
        _t(f"连连付款明细有 {no_order}（{ll.where()}，{ll.amount}），台账" +
           (f"状态为 {others[0].status}（{others[0].where()}）" if others else "中没有这笔提现"),
           f"LianLian's payout detail has {no_order} ({ll.where()}, {ll.amount}); the ledger " +
           (f"says {others[0].status} ({others[0].where()})" if others else "has no such withdrawal")),
        lianlian=(_ll(ll),), ledger=tuple(_book(b) for b in others), file=ll.file, line=ll.line,
        day=ll.settle_date)


def payout_amount(ll: StatementRow, book: BookRow) -> Difference:
    return _amount_mismatch(ll, book, "付款", "payout")


def payout_returned(ll: StatementRow, book: BookRow) -> Difference:
    no_order = ll.no_order
    return _against(
        "status_mismatch",
        _t(f"付款 {no_order} 已被银行退回（连连状态 5，{ll.where()}），台账仍为成功（{book.where()}）：用户余额未恢复",
           f"payout {no_order} was returned by the bank (LianLian status 5, {ll.where()}); the ledger still "
           f"shows it paid ({book.where()}): the user's balance was not restored"), ll, book)


def settles_later(book: BookRow) -> dict[str, Any]:
    """A ledger row that may settle the day after the last covered day, as `Reconciliation.settles_later` lists it."""
    return _book(book)


_WHAT = {"payment": ("收款", "payment"), "refund": ("退款", "refund"), "withdrawal": ("提现", "withdrawal")}


def missing_at_lianlian(book: BookRow, kind: str) -> Difference:
    no_order = book.no_order
    what = _WHAT[kind]
    return Difference(
        "missing_at_lianlian",
        _t(f"台账有{what[0]} {no_order}（{book.where()}，{book.amount}，应在 {book.day} 清算），连连文件中没有",
           f"the ledger has {what[1]} {no_order} ({book.where()}, {book.amount}, due on {book.day}); LianLian's "
           "files do not"),
        ledger=(_book(book),), file=book.file, line=book.line, day=book.day)


def amount_text(value: Decimal) -> str:
    return f"{value:f}"
