"""Generated books for the reconciliation tests: LianLian's statement files and the merchant's ledger,
consistent with each other, and the planted differences each test expects to be found exactly.

`Books.clean()` makes three settle days of payments (some paid a minute before midnight and settled
the next day), a refund, and payouts (one submitted after 14:00 and settled the next day). `plant`
adds one difference of a kind and returns what reconciliation must report: (kind, no_order).
`write()` puts JYMX/JYMXSUM/FKMX files in a folder and the ledger beside it.

`sftp_server` starts golive's read-only SFTP server (asyncssh) on 127.0.0.1 with a fresh host key
and one authorized client key -- a real server over a real socket, never a mock.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from golive.recon.statements import (JYMX_HEADER, StatementRow, file_name, render_detail, render_summary, row_values,
                                     summarise)

OID = "201811230001000001"
DAYS = ("20261128", "20261129", "20261130")
LEDGER_COLUMNS = ["user_id", "kind", "no_order", "amount", "card", "time", "status", "settle_date", "oid_paybill"]


@dataclass
class Entry:
    """One movement, as both sides should show it."""

    kind: str  # payment | refund | withdrawal
    no_order: str
    amount: Decimal
    booked: dt.datetime
    settle_date: str
    oid_paybill: str
    user: str = "u1"
    card: str = "2026112800001234"
    status: str = "success"
    ll_status: str = "0"
    original: str = ""  # refunds: the original no_order

    def statement_row(self) -> StatementRow:
        flag = "1" if self.kind == "withdrawal" else "0"
        amount = -self.amount if self.kind == "refund" else self.amount
        status = "5" if self.kind == "refund" else self.ll_status
        return StatementRow(
            file="", line=0, kind="FKMX" if self.kind == "withdrawal" else "JYMX", no_order=self.no_order,
            oid_partner=OID, dt_order=self.booked.strftime("%Y%m%d %H:%M:%S"),
            busi_partner="202000" if self.kind == "withdrawal" else "101001",
            oid_paybill=self.original if self.kind == "refund" else self.oid_paybill, settle_date=self.settle_date,
            amount=amount, flag=flag, status=status, updated=self.booked.strftime("%Y%m%d %H:%M:%S"),
            fee=Decimal("0") if self.kind == "withdrawal" else Decimal(".6") if self.amount > 100 else None,
            product="实时付款渠道" if self.kind == "withdrawal" else "WAP支付渠道",
            method="余额支付" if self.kind == "withdrawal" else "新认证支付（全渠道）",
            info_order="提现" if self.kind == "withdrawal" else "理财充值",
            payee_bank="工商银行" if self.kind == "withdrawal" else "", payee_account="", payee_name="")

    def ledger_row(self) -> dict[str, str]:
        return {"user_id": self.user, "kind": self.kind, "no_order": self.no_order, "amount": f"{self.amount:f}",
                "card": self.card, "time": self.booked.strftime("%Y-%m-%d %H:%M:%S"), "status": self.status,
                "settle_date": self.settle_date, "oid_paybill": self.oid_paybill}


def _at(day: str, hh: int, mm: int, ss: int = 0) -> dt.datetime:
    return dt.datetime.strptime(day, "%Y%m%d").replace(hour=hh, minute=mm, second=ss)


@dataclass
class Books:
    entries: list[Entry] = field(default_factory=list)
    lianlian_only: list[Entry] = field(default_factory=list)  # rows only LianLian has
    ledger_only: list[dict[str, str]] = field(default_factory=list)  # rows only the ledger has
    summary_override: dict[str, dict[str, str]] = field(default_factory=dict)  # day -> field -> text
    with_settle_date: bool = True
    counter: int = 0

    @classmethod
    def clean(cls) -> Books:
        books = cls()
        for index, day in enumerate(DAYS):
            for n in range(4):
                books.payment(day, 10 + n, Decimal(f"{(n + 1) * 100 + index}.{n}"), user=f"u{n}")
            # paid a minute before midnight of the previous day, settled on this day
            before = (dt.datetime.strptime(day, "%Y%m%d") - dt.timedelta(days=1)).strftime("%Y%m%d")
            if index > 0:
                books.add(Entry("payment", books.next_no("MID"), Decimal("0.01"), _at(before, 23, 59, 30), day,
                                books.next_paybill(day)))
        first = books.entries[0]
        books.add(Entry("refund", books.next_no("RF"), Decimal("50"), _at(DAYS[1], 9, 0), DAYS[1],
                        books.next_paybill(DAYS[1]), original=first.no_order))
        books.add(Entry("withdrawal", books.next_no("PO"), Decimal("100.5"), _at(DAYS[0], 10, 0), DAYS[0],
                        books.next_paybill(DAYS[0])))
        books.add(Entry("withdrawal", books.next_no("PO"), Decimal("20"), _at(DAYS[0], 15, 30), DAYS[1],
                        books.next_paybill(DAYS[1])))
        return books

    def next_no(self, prefix: str = "DM") -> str:
        self.counter += 1
        return f"{prefix}20261128{self.counter:06d}"

    def next_paybill(self, day: str) -> str:
        self.counter += 1
        return f"{day}{self.counter:010d}"

    def add(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        return entry

    def payment(self, day: str, hour: int, amount: Decimal, user: str = "u1") -> Entry:
        return self.add(Entry("payment", self.next_no(), amount, _at(day, hour, 5), day, self.next_paybill(day),
                              user=user))

    # -- writing ----------------------------------------------------------------------------------
    def statement_rows(self) -> list[StatementRow]:
        return [e.statement_row() for e in self.entries + self.lianlian_only]

    def write(self, folder: Path, ledger: Path | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        rows = self.statement_rows()
        for day in DAYS:
            detail = [r for r in rows if r.settle_date == day and r.kind == "JYMX"]
            payouts = [r for r in rows if r.settle_date == day and r.kind == "FKMX"]
            (folder / file_name("JYMX", OID, day)).write_bytes(render_detail("JYMX", (row_values(r) for r in detail)))
            (folder / file_name("FKMX", OID, day)).write_bytes(render_detail("FKMX", (row_values(r) for r in payouts)))
            figures: dict[str, Any] = dict(summarise(detail))
            text = render_summary(figures).decode()
            for name, value in self.summary_override.get(day, {}).items():
                parts = text.rstrip("\n").split("|")
                parts[["total_count", "success_count", "success_amount", "refund_count", "refund_amount",
                       "cancel_count", "cancel_amount"].index(name)] = value
                text = "|".join(parts) + "\n"
            (folder / file_name("JYMXSUM", OID, day)).write_text(text, encoding="utf-8")
        ledger = ledger or folder.parent / "ledger.csv"
        columns = LEDGER_COLUMNS if self.with_settle_date else [c for c in LEDGER_COLUMNS if c != "settle_date"]
        with ledger.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
            writer.writeheader()
            for row in sorted([e.ledger_row() for e in self.entries] + self.ledger_only, key=lambda r: r["time"]):
                writer.writerow(row)
        return ledger


# -- planting ------------------------------------------------------------------------------------------

def plant(books: Books, kind: str) -> tuple[str, str]:
    """Add one difference of `kind`; return (kind, no_order) reconciliation must report."""
    if kind == "missing_in_ledger":
        entry = Entry("payment", books.next_no("LL"), Decimal("88.8"), _at(DAYS[1], 12, 0), DAYS[1],
                      books.next_paybill(DAYS[1]))
        books.lianlian_only.append(entry)
        return kind, entry.no_order
    if kind == "missing_at_lianlian":
        no = books.next_no("BK")
        books.ledger_only.append(Entry("payment", no, Decimal("66"), _at(DAYS[2], 8, 0), DAYS[2], "").ledger_row())
        return kind, no
    if kind == "amount_mismatch":
        entry = books.entries[2]
        books.entries[2] = _split(books, entry, ledger_amount=entry.amount + Decimal("0.01"))
        return kind, entry.no_order
    if kind == "status_mismatch":
        entry = books.entries[5]
        books.entries[5] = _split(books, entry, ledger_status="failed")
        return kind, entry.no_order
    if kind == "refund_unpaired":
        entry = Entry("refund", books.next_no("RF"), Decimal("5"), _at(DAYS[2], 9, 0), DAYS[2],
                      books.next_paybill(DAYS[2]), original="NOSUCHORDER0001")
        books.add(entry)
        return kind, entry.no_order
    if kind == "duplicate_in_ledger":
        entry = books.entries[7]
        books.ledger_only.append(entry.ledger_row())
        return kind, entry.no_order
    if kind == "settle_date_mismatch":
        # paid a minute before midnight, LianLian settles it the next day; the books keyed it by order date
        entry = next(e for e in books.entries if e.no_order.startswith("MID"))
        index = books.entries.index(entry)
        wrong = entry.booked.strftime("%Y%m%d")
        books.entries[index] = _split(books, entry, ledger_settle=wrong)
        return kind, entry.no_order
    if kind == "summary_mismatch":
        books.summary_override[DAYS[0]] = {"success_amount": "1.00"}
        return kind, f"JYMXSUM_{OID}_{DAYS[0]}.txt"
    if kind == "payout_returned":
        entry = next(e for e in books.entries if e.kind == "withdrawal")
        entry.ll_status = "5"
        return "status_mismatch", entry.no_order
    raise ValueError(kind)


class _Split(Entry):
    """An entry whose ledger row says something else than LianLian's."""

    ledger_amount: Decimal | None = None
    ledger_status: str | None = None
    ledger_settle: str | None = None

    def ledger_row(self) -> dict[str, str]:
        row = Entry.ledger_row(self)
        if self.ledger_amount is not None:
            row["amount"] = f"{self.ledger_amount:f}"
        if self.ledger_status is not None:
            row["status"] = self.ledger_status
        if self.ledger_settle is not None:
            row["settle_date"] = self.ledger_settle
        return row


def _split(books: Books, entry: Entry, **changes: Any) -> Entry:
    split = _Split(**{name: getattr(entry, name) for name in Entry.__dataclass_fields__})
    for name, value in changes.items():
        setattr(split, name, value)
    return split


def found(value: dict[str, Any]) -> set[tuple[str, str]]:
    """(kind, no_order) of every difference in a reconciliation (summary: the file)."""
    out = set()
    for difference in value["differences"]:
        if difference["kind"] == "summary_mismatch":
            out.add((difference["kind"], difference["file"]))
            continue
        rows = difference["lianlian"] or difference["ledger"]
        out.add((difference["kind"], rows[0]["no_order"]))
    return out


# -- a real SFTP server --------------------------------------------------------------------------------

@dataclass
class SftpFixture:
    server: Any
    root: Path
    client_key_file: Path
    host_key_line: str
    fingerprint: str
    port: int


def start_sftp(root: Path, key_dir: Path) -> Iterator[SftpFixture]:
    import asyncssh

    from golive.recon.sftp import StatementServer, load_or_create_host_key

    key_dir.mkdir(parents=True, exist_ok=True)
    client = asyncssh.generate_private_key("ssh-ed25519")
    key_file = key_dir / "sftp_id_ed25519"
    key_file.write_bytes(client.export_private_key("openssh"))
    key_file.chmod(0o600)
    host_key = load_or_create_host_key(key_dir / "sftp_host_key")
    server = StatementServer(root, host_key, [client.export_public_key("openssh").decode()], username="merchant")
    server.start()
    try:
        yield SftpFixture(server, root, key_file, server.host_key_line, server.fingerprint, server.port)
    finally:
        server.stop()


def header_line() -> str:
    return ",".join(JYMX_HEADER)


__all__ = ["Books", "DAYS", "Entry", "OID", "SftpFixture", "found", "header_line", "plant", "replace", "start_sftp"]
