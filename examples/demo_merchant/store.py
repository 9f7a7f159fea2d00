"""The demo merchant's books: users, orders, credits, paying cards, earnings, withdrawals (SQLite).

The correct crediting path follows the guide's 订单防重 rule (authpay-golive-guide.zh.md §五: 一笔订单
只能成功入账一次): one ``BEGIN IMMEDIATE`` transaction makes the pending→paid update conditional and
inserts the credit only when that update changed a row, so redeliveries and concurrent duplicates
credit once. Withdrawals implement 同卡进出 (§七): only to a card the user paid with, and at most
paid + earnings − already withdrawn, computed in the transaction that records the withdrawal.

Amounts are stored as canonical decimal TEXT ("0.01") and summed as ``Decimal``, never as floats.
Every call opens its own connection, so the store is safe to use from many server threads.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .people import UserProfile, fake_profile, fmt14, now_cst

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    user_id     TEXT PRIMARY KEY,
    full_name   TEXT NOT NULL,
    id_no       TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    dt_register TEXT NOT NULL,
    created     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
    no_order    TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(user_id),
    amount      TEXT NOT NULL,
    dt_order    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending',
    oid_paybill TEXT,
    no_agree    TEXT,
    bank_code   TEXT,
    pay_type    TEXT,
    settle_date TEXT,
    paid_at     TEXT
);
CREATE TABLE IF NOT EXISTS credits (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    no_order    TEXT NOT NULL REFERENCES orders(no_order),
    user_id     TEXT NOT NULL,
    amount      TEXT NOT NULL,
    oid_paybill TEXT,
    created     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS credits_by_order ON credits(no_order);
CREATE INDEX IF NOT EXISTS credits_by_user ON credits(user_id);
CREATE TABLE IF NOT EXISTS cards (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    no_agree    TEXT,
    bank_code   TEXT,
    card_last4  TEXT,
    first_used  TEXT NOT NULL,
    last_used   TEXT NOT NULL,
    UNIQUE (user_id, no_agree)
);
CREATE TABLE IF NOT EXISTS earnings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL,
    amount      TEXT NOT NULL,
    created     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS withdrawals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    payout_no   TEXT UNIQUE,
    user_id     TEXT NOT NULL,
    card        TEXT NOT NULL,
    amount      TEXT NOT NULL,
    result      TEXT NOT NULL,
    reason      TEXT,
    created     TEXT NOT NULL,
    payout_status TEXT,
    oid_paybill   TEXT,
    payout_reason TEXT,
    confirm_code  TEXT,
    settle_date   TEXT
);
"""
# Columns added with the LianLian payout API (a database from an older demo run lacks them).
_WITHDRAWAL_PAYOUT_COLUMNS = ("payout_status", "oid_paybill", "payout_reason", "confirm_code", "settle_date")

MAX_AMOUNT = Decimal("100000000.00")  # LianLian's money_order upper bound (protocol.md §3)
_CENT = Decimal("0.01")


def parse_amount(text: object) -> Decimal:
    """A positive CNY amount with at most two decimals; ValueError otherwise."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError("amount must be a decimal string")
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(f"amount {str(text)[:20]!r} is not a decimal number") from None
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT:
        raise ValueError("amount must be > 0 and at most 100000000.00")
    if value != value.quantize(_CENT):
        raise ValueError("amount has more than two decimals")
    return value.quantize(_CENT)


def money(value: Decimal) -> str:
    return str(value.quantize(_CENT))


def _sum(rows: list[sqlite3.Row]) -> Decimal:
    return sum((Decimal(r[0]) for r in rows), Decimal("0"))


def _card_last4(card_no: str | None) -> str | None:
    if card_no and len(card_no) >= 4 and card_no[-4:].isdigit():
        return card_no[-4:]
    return None


@dataclass(frozen=True)
class Order:
    no_order: str
    user_id: str
    amount: Decimal
    dt_order: str
    status: str
    no_agree: str | None


@dataclass(frozen=True)
class Payment:
    """What a (verified or, with a defect, unverified) success notification tells the merchant."""

    no_order: str
    amount: Decimal          # the amount to put on the books
    oid_paybill: str | None = None
    no_agree: str | None = None
    bank_code: str | None = None
    card_no: str | None = None  # masked card number, when LianLian sends one; only last 4 kept
    pay_type: str | None = None
    settle_date: str | None = None


@dataclass(frozen=True)
class WithdrawalResult:
    accepted: bool
    payout_no: str | None = None
    reason: str | None = None


class Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)
            present = {row[1] for row in conn.execute("PRAGMA table_info(withdrawals)")}
            for column in _WITHDRAWAL_PAYOUT_COLUMNS:
                if column not in present:
                    conn.execute(f"ALTER TABLE withdrawals ADD COLUMN {column} TEXT")

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; every write path says BEGIN itself
        # (or, in the no_duplicate_guard defect, deliberately does not).
        conn = sqlite3.connect(self.path, timeout=15.0, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys=ON")
        # WAL with NORMAL sync: a commit survives the process dying (what a demo needs), without an
        # fsync per commit.
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front, so two of
        these never interleave their read-then-write steps."""
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- users and orders -----------------------------------------------------------------------

    def _ensure_user(self, conn: sqlite3.Connection, user_id: str) -> UserProfile:
        row = conn.execute("SELECT * FROM users WHERE user_id=?", (user_id,)).fetchone()
        if row is not None:
            return UserProfile(row["user_id"], row["full_name"], row["id_no"], row["mobile"],
                               row["dt_register"])
        profile = fake_profile(user_id)
        conn.execute(
            "INSERT INTO users (user_id, full_name, id_no, mobile, dt_register, created)"
            " VALUES (?,?,?,?,?,?)",
            (user_id, profile.full_name, profile.id_no, profile.mobile, profile.dt_register,
             fmt14(now_cst())),
        )
        return profile

    def ensure_user(self, user_id: str) -> UserProfile:
        with self._transaction() as conn:
            return self._ensure_user(conn, user_id)

    def create_order(self, user_id: str, amount: Decimal) -> tuple[Order, UserProfile]:
        """A new pending order for ``user_id`` (created with a fake profile if new)."""
        with self._transaction() as conn:
            profile = self._ensure_user(conn, user_id)
            dt_order = fmt14(now_cst())
            for _ in range(20):
                no_order = f"DM{dt_order}{secrets.randbelow(10**6):06d}"
                try:
                    conn.execute(
                        "INSERT INTO orders (no_order, user_id, amount, dt_order) VALUES (?,?,?,?)",
                        (no_order, user_id, money(amount), dt_order),
                    )
                except sqlite3.IntegrityError:
                    continue
                break
            else:  # pragma: no cover - 20 collisions in a million
                raise RuntimeError("could not allocate an order number")
            card = conn.execute(
                "SELECT no_agree FROM cards WHERE user_id=? AND no_agree IS NOT NULL"
                " ORDER BY last_used DESC, id DESC LIMIT 1",
                (user_id,),
            ).fetchone()
        order = Order(no_order, user_id, amount, dt_order, "pending", card[0] if card else None)
        return order, profile

    def get_order(self, no_order: str) -> Order | None:
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT * FROM orders WHERE no_order=?", (no_order,)).fetchone()
        if row is None:
            return None
        return Order(row["no_order"], row["user_id"], Decimal(row["amount"]), row["dt_order"],
                     row["status"], row["no_agree"])

    def credit_count(self, no_order: str) -> int:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT COUNT(*) FROM credits WHERE no_order=?",
                                (no_order,)).fetchone()[0]

    # -- crediting ------------------------------------------------------------------------------

    def _mark_paid_sql(self, guarded: bool) -> str:
        sql = ("UPDATE orders SET status='paid', oid_paybill=?, no_agree=?, bank_code=?,"
               " pay_type=?, settle_date=?, paid_at=? WHERE no_order=?")
        return sql + (" AND status='pending'" if guarded else "")

    def _mark_paid_args(self, p: Payment) -> tuple[object, ...]:
        return (p.oid_paybill, p.no_agree, p.bank_code, p.pay_type, p.settle_date,
                fmt14(now_cst()), p.no_order)

    def _credit(self, conn: sqlite3.Connection, p: Payment) -> None:
        user_id = conn.execute("SELECT user_id FROM orders WHERE no_order=?",
                               (p.no_order,)).fetchone()[0]
        now = fmt14(now_cst())
        conn.execute(
            "INSERT INTO credits (no_order, user_id, amount, oid_paybill, created) VALUES (?,?,?,?,?)",
            (p.no_order, user_id, money(p.amount), p.oid_paybill, now),
        )
        self._record_card(conn, user_id, p, now)

    def _record_card(self, conn: sqlite3.Connection, user_id: str, p: Payment, now: str) -> None:
        last4 = _card_last4(p.card_no)
        if p.no_agree:
            conn.execute(
                "INSERT INTO cards (user_id, no_agree, bank_code, card_last4, first_used, last_used)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT (user_id, no_agree) DO UPDATE SET"
                " last_used=excluded.last_used,"
                " bank_code=coalesce(excluded.bank_code, bank_code),"
                " card_last4=coalesce(excluded.card_last4, card_last4)",
                (user_id, p.no_agree, p.bank_code, last4, now, now),
            )
        elif last4 and conn.execute(
            "SELECT 1 FROM cards WHERE user_id=? AND card_last4=?", (user_id, last4)
        ).fetchone() is None:
            conn.execute(
                "INSERT INTO cards (user_id, no_agree, bank_code, card_last4, first_used, last_used)"
                " VALUES (?,NULL,?,?,?,?)",
                (user_id, p.bank_code, last4, now, now),
            )

    def settle(self, p: Payment) -> bool:
        """The correct path: mark paid only if still pending, and credit only then. True if credited."""
        with self._transaction() as conn:
            changed = conn.execute(self._mark_paid_sql(True), self._mark_paid_args(p)).rowcount
            if changed == 1:
                self._credit(conn, p)
            elif p.no_agree:
                # Already paid (an order query or an earlier copy came first): still learn the
                # agreement the notification carries, or the user's card would stay unknown.
                row = conn.execute("SELECT user_id FROM orders WHERE no_order=?", (p.no_order,)).fetchone()
                if row is not None:
                    conn.execute("UPDATE orders SET no_agree=coalesce(no_agree, ?) WHERE no_order=?",
                                 (p.no_agree, p.no_order))
                    self._record_card(conn, row[0], p, fmt14(now_cst()))
            return changed == 1

    def settle_always(self, p: Payment) -> bool:
        """Defect no_idempotency: credit every time, whatever the order's status."""
        with self._transaction() as conn:
            conn.execute(self._mark_paid_sql(False), self._mark_paid_args(p))
            self._credit(conn, p)
            return True

    def settle_check_then_act(self, p: Payment, gap_s: float) -> bool:
        """Defect no_duplicate_guard: read the status, do something slow, then write without a
        condition and without a transaction — two concurrent copies both see 'pending'."""
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT status FROM orders WHERE no_order=?", (p.no_order,)).fetchone()
            if row is None or row[0] != "pending":
                return False
            time.sleep(gap_s)  # models a remote call (e.g. the user's account service)
            self._credit(conn, p)
            conn.execute(self._mark_paid_sql(False), self._mark_paid_args(p))
            return True

    # -- earnings and withdrawals ---------------------------------------------------------------

    def add_earning(self, user_id: str, amount: Decimal) -> Decimal:
        with self._transaction() as conn:
            self._ensure_user(conn, user_id)
            conn.execute("INSERT INTO earnings (user_id, amount, created) VALUES (?,?,?)",
                         (user_id, money(amount), fmt14(now_cst())))
            return _sum(conn.execute("SELECT amount FROM earnings WHERE user_id=?",
                                     (user_id,)).fetchall())

    @staticmethod
    def _card_matches(card: str, rows: list[sqlite3.Row]) -> bool:
        if any(r["no_agree"] and card == r["no_agree"] for r in rows):
            return True
        # The merchant may know only a card's last four digits: accept "1234" or a masked
        # "622202******1234", never a bare long number (it could be another no_agree).
        if (len(card) == 4 and card.isdigit()) or ("*" in card and card[-4:].isdigit()):
            return any(r["card_last4"] and r["card_last4"] == card[-4:] for r in rows)
        return False

    def withdraw(self, user_id: str, card: str, amount: Decimal, *, same_card: bool = True,
                 bound: bool = True) -> WithdrawalResult:
        """Decide and record a withdrawal in one write transaction (同卡进出)."""
        with self._transaction() as conn:
            reason: str | None = None
            rows = conn.execute("SELECT no_agree, card_last4 FROM cards WHERE user_id=?",
                                (user_id,)).fetchall()
            known_user = conn.execute("SELECT 1 FROM users WHERE user_id=?",
                                      (user_id,)).fetchone() is not None
            if not known_user:
                reason = "unknown user"
            elif same_card and not self._card_matches(card, rows):
                reason = "card is not one the user paid with (同卡进出)"
            elif bound:
                paid = _sum(conn.execute("SELECT amount FROM credits WHERE user_id=?",
                                         (user_id,)).fetchall())
                earned = _sum(conn.execute("SELECT amount FROM earnings WHERE user_id=?",
                                           (user_id,)).fetchall())
                withdrawn = _sum(conn.execute(
                    "SELECT amount FROM withdrawals WHERE user_id=? AND result='ACCEPTED'",
                    (user_id,)).fetchall())
                available = paid + earned - withdrawn
                if amount > available:
                    reason = (f"amount exceeds paid + earnings - withdrawn"
                              f" (available {money(available)})")
            # Keep a no_agree as given; of anything that could be a full card number keep only
            # the last four digits (the merchant's books never hold full card numbers).
            known = any(r["no_agree"] == card for r in rows)
            stored_card = card if known or len(card) < 12 else card[-4:]
            payout_no = None if reason else f"PO{fmt14(now_cst())}{secrets.token_hex(4)}"
            conn.execute(
                "INSERT INTO withdrawals (payout_no, user_id, card, amount, result, reason, created)"
                " VALUES (?,?,?,?,?,?,?)",
                (payout_no, user_id, stored_card, money(amount),
                 "REFUSED" if reason else "ACCEPTED", reason, fmt14(now_cst())),
            )
        return WithdrawalResult(reason is None, payout_no, reason)

    # -- payouts through LianLian's payout API (when the merchant is configured for it) ---------------

    def card_last4(self, user_id: str, card: str) -> str | None:
        """The last four digits of the user's paying card `card` (a no_agree or last 4), if known."""
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT card_last4 FROM cards WHERE user_id=? AND no_agree=?",
                               (user_id, card)).fetchone()
        if row is not None:
            return row[0]
        return card[-4:] if card[-4:].isdigit() else None

    def set_card_last4(self, user_id: str, no_agree: str, last4: str) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE cards SET card_last4=? WHERE user_id=? AND no_agree=? AND card_last4 IS NULL",
                         (last4, user_id, no_agree))

    def record_payout(self, payout_no: str, status: str, *, oid_paybill: str | None = None,
                      reason: str | None = None, confirm_code: str | None = None) -> None:
        """What LianLian answered to the payout request; a refused payout gives the money back."""
        with self._transaction() as conn:
            conn.execute("UPDATE withdrawals SET payout_status=?, oid_paybill=coalesce(?, oid_paybill),"
                         " payout_reason=?, confirm_code=? WHERE payout_no=?",
                         (status, oid_paybill, reason, confirm_code, payout_no))
            if status == "REFUSED":
                conn.execute("UPDATE withdrawals SET result='REVERSED' WHERE payout_no=? AND result='ACCEPTED'",
                             (payout_no,))

    def get_withdrawal(self, payout_no: str) -> sqlite3.Row | None:
        with closing(self._connect()) as conn:
            return conn.execute("SELECT * FROM withdrawals WHERE payout_no=?", (payout_no,)).fetchone()  # type: ignore[no-any-return]

    def payout_result(self, payout_no: str, result_pay: str, oid_paybill: str | None, reason: str | None,
                      settle_date: str | None = None, *, restore: bool = True) -> None:
        """A payout notification: SUCCESS stands; FAILURE or CANCEL (the bank sent it back) returns the
        money to the user's balance, once, however often the notification comes."""
        with self._transaction() as conn:
            conn.execute("UPDATE withdrawals SET payout_status=?, oid_paybill=coalesce(?, oid_paybill),"
                         " payout_reason=coalesce(?, payout_reason), settle_date=coalesce(?, settle_date)"
                         " WHERE payout_no=?",
                         (result_pay, oid_paybill, reason, settle_date, payout_no))
            if result_pay in ("FAILURE", "CANCEL") and restore:
                conn.execute("UPDATE withdrawals SET result='REVERSED' WHERE payout_no=? AND result='ACCEPTED'",
                             (payout_no,))

    def payout_refund_again(self, payout_no: str) -> None:
        """Defect payout_refund_twice: give the money back as an extra balance entry, every time."""
        with self._transaction() as conn:
            row = conn.execute("SELECT user_id, amount FROM withdrawals WHERE payout_no=?", (payout_no,)).fetchone()
            if row is not None:
                conn.execute("INSERT INTO earnings (user_id, amount, created) VALUES (?,?,?)",
                             (row["user_id"], row["amount"], fmt14(now_cst())))

    def available(self, user_id: str) -> Decimal:
        """What the user may still withdraw: paid + earnings − accepted withdrawals (同卡进出 bound)."""
        with closing(self._connect()) as conn:
            paid = _sum(conn.execute("SELECT amount FROM credits WHERE user_id=?", (user_id,)).fetchall())
            earned = _sum(conn.execute("SELECT amount FROM earnings WHERE user_id=?", (user_id,)).fetchall())
            withdrawn = _sum(conn.execute("SELECT amount FROM withdrawals WHERE user_id=? AND result='ACCEPTED'",
                                          (user_id,)).fetchall())
        return paid + earned - withdrawn

    def retarget_payout(self, payout_no: str, new_payout_no: str) -> None:
        """Defect payout_retry_on_ambiguous: the withdrawal now points at a second payout."""
        with self._transaction() as conn:
            conn.execute("UPDATE withdrawals SET payout_no=? WHERE payout_no=?", (new_payout_no, payout_no))

    def payout_count(self, user_id: str) -> tuple[int, Decimal]:
        with closing(self._connect()) as conn:
            rows = conn.execute(
                "SELECT amount FROM withdrawals WHERE user_id=? AND result='ACCEPTED'",
                (user_id,)).fetchall()
        return len(rows), _sum(rows)

    def ledger(self) -> list[dict[str, str]]:
        """The books in golive's ledger CSV shape (design §5): user_id, kind, no_order, amount,
        card (no_agree or last 4), time, status -- and, for reconciliation, LianLian's settle_date
        and oid_paybill from the notifications. One payment row per credit, so a double credit
        shows as two rows; refused withdrawals are left out (they moved no money); a withdrawal
        whose payout failed or came back from the bank is ``failed`` (the money is the user's again)."""
        out: list[dict[str, str]] = []
        with closing(self._connect()) as conn:
            for r in conn.execute(
                "SELECT c.user_id, c.no_order, c.amount, c.created, coalesce(c.oid_paybill, o.oid_paybill, '') AS paybill,"
                " coalesce(o.settle_date, '') AS settle, coalesce(o.no_agree, '') AS card"
                " FROM credits c JOIN orders o USING (no_order) ORDER BY c.id"
            ):
                out.append({"user_id": r["user_id"], "kind": "payment", "no_order": r["no_order"],
                            "amount": r["amount"], "card": r["card"], "time": r["created"],
                            "status": "success", "settle_date": r["settle"], "oid_paybill": r["paybill"]})
            for r in conn.execute("SELECT * FROM earnings ORDER BY id"):
                out.append({"user_id": r["user_id"], "kind": "earning", "no_order": "",
                            "amount": r["amount"], "card": "", "time": r["created"],
                            "status": "success", "settle_date": "", "oid_paybill": ""})
            for r in conn.execute("SELECT * FROM withdrawals WHERE result IN ('ACCEPTED', 'REVERSED') ORDER BY id"):
                out.append({"user_id": r["user_id"], "kind": "withdrawal",
                            "no_order": r["payout_no"], "amount": r["amount"], "card": r["card"],
                            "time": r["created"], "status": "success" if r["result"] == "ACCEPTED" else "failed",
                            "settle_date": r["settle_date"] or "", "oid_paybill": r["oid_paybill"] or ""})
        out.sort(key=lambda row: row["time"])
        return out
