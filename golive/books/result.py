"""What an audit of the books found, whichever engine ran it: counts, violations, unreadable rows.

`BooksAudit.from_rows` reads the tagged rows of `golive.books.sql.audit_sql`. Amounts travel as
exact integers of 10^-6 yuan with the number of decimal places they were written with, and come
out as `Decimal` shown as the Python auditor shows them: a sum keeps the most places of what it
adds (``10.00`` + ``0.5`` = ``10.50``), nothing added is ``0``. Card values are kept as written;
`golive.evidence.ledger.display_card` masks them when shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from golive.books.schema import AMOUNT_SCALE, problem_text
from golive.model import Text

_MICRO = Decimal(1).scaleb(-AMOUNT_SCALE)


def money(units: int, scale: int) -> Decimal:
    """The Decimal of `units` 10^-6 yuan written with `scale` places (as Decimal arithmetic keeps them)."""
    return (Decimal(units) * _MICRO).quantize(Decimal(1).scaleb(-scale))


@dataclass(frozen=True)
class Violation:
    """A withdrawal that breaks the rule, with the user's running figures just before it."""

    line: int
    user_id: str
    no_order: str
    card: str  # as written: mask before showing
    time: str  # as written
    amount: Decimal
    paid: Decimal
    earned: Decimal
    refunded: Decimal
    withdrawn_before: Decimal
    card_ok: bool
    has_card: bool
    amount_ok: bool
    paying_cards: tuple[str, ...]  # tokens ('#1234' or the value) of the user's paying cards before it

    @property
    def bound(self) -> Decimal:
        return self.paid + self.earned - self.refunded

    @property
    def rules_broken(self) -> list[str]:
        return [rule for rule, ok in (("same_card", self.card_ok), ("amount_bound", self.amount_ok)) if not ok]


@dataclass(frozen=True)
class BrokenRow:
    line: int
    problem: str  # a golive.books.schema.PROBLEMS code
    detail: str | None

    @property
    def text(self) -> Text:
        return problem_text(self.problem, self.detail)


@dataclass
class BooksAudit:
    """The audit of one source: what LL-CRD-003 needs to judge, nothing row by row."""

    source: str  # the file as written, or a description of the query/table (never a DSN password)
    engine: str  # duckdb | postgresql | sqlite
    rows: int = 0
    judged: int = 0
    withdrawals: int = 0
    failed: int = 0
    pending: int = 0
    broken: int = 0
    users: int = 0
    violation_count: int = 0
    violations: list[Violation] = field(default_factory=list)  # the first ones by line
    broken_rows: list[BrokenRow] = field(default_factory=list)  # the first ones by line
    timings_s: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # How each user's rows were put in time order: "sql" (ORDER BY time, line in the engine), ""
    # (the Python auditor, in file order) or a golive.evidence.ledger_order resort code.
    order: str = "sql"
    misordered_line: int | None = None  # the Python auditor saw a row go back in time (a reader bug)

    @classmethod
    def from_rows(cls, source: str, engine: str, rows: Iterable[tuple[Any, ...]]) -> BooksAudit:
        audit = cls(source=source, engine=engine)
        shown: list[tuple[Any, ...]] = []
        cards: dict[int, list[str]] = {}
        for row in rows:
            rtype, line, s1, s2, s3, s4, _s5, *n = row
            if rtype == "C":
                (audit.rows, audit.judged, audit.withdrawals, audit.failed, audit.pending, audit.broken, audit.users,
                 audit.violation_count) = (int(v or 0) for v in n[:8])
            elif rtype == "V":
                shown.append(row)
            elif rtype == "K":
                cards.setdefault(int(line), []).append(str(s1))
            elif rtype == "B":
                audit.broken_rows.append(BrokenRow(int(line), str(s1), None if s2 is None else str(s2)))
        for _rtype, line, s1, s2, s3, s4, _s5, *n in shown:
            (amount, scale, paid, paid_scale, earned, earned_scale, refunded, refunded_scale, withdrawn, withdrawn_scale,
             card_ok, has_card, amount_ok) = (int(v) for v in n[:13])
            audit.violations.append(Violation(
                line=int(line), user_id=str(s1), no_order=str(s2 or ""), card=str(s3 or ""), time=str(s4 or ""),
                amount=money(amount, scale), paid=money(paid, paid_scale), earned=money(earned, earned_scale),
                refunded=money(refunded, refunded_scale), withdrawn_before=money(withdrawn, withdrawn_scale),
                card_ok=bool(card_ok), has_card=bool(has_card), amount_ok=bool(amount_ok),
                paying_cards=tuple(sorted(cards.get(int(line), ()))),
            ))
        audit.violations.sort(key=lambda v: v.line)
        audit.broken_rows.sort(key=lambda b: b.line)
        return audit

    def add_broken(self, extra: list[BrokenRow], total: int, max_broken: int) -> None:
        """Rows found unreadable before SQL saw them (bytes that are not UTF-8, over-long lines):
        merged into the counts and the first `max_broken` by line."""
        self.broken += total
        self.rows += total
        self.broken_rows = sorted(self.broken_rows + extra, key=lambda b: b.line)[:max_broken]

    def to_evidence(self, max_cards: int = 10) -> dict[str, Any]:
        """The ``ledger`` evidence LL-CRD-003 judges: plain JSON data, cards as a report may show
        them (golive.evidence.ledger_values.display_card), amounts as Decimal text."""
        from golive.evidence.ledger_values import display_card

        def money(value: Decimal) -> str:
            return f"{value:f}"

        return {
            "source": self.source, "engine": self.engine, "rows": self.rows, "judged": self.judged,
            "withdrawals": self.withdrawals, "failed_rows": self.failed, "pending_rows": self.pending,
            "broken_rows": self.broken, "users": self.users, "violations": self.violation_count,
            "order": self.order, "misordered_line": self.misordered_line,
            "shown": [{"line": v.line, "user_id": v.user_id, "no_order": v.no_order, "card": display_card(v.card),
                       "has_card": v.has_card, "time": v.time, "amount": money(v.amount), "paid": money(v.paid),
                       "earned": money(v.earned), "refunded": money(v.refunded),
                       "withdrawn_before": money(v.withdrawn_before), "bound": money(v.bound),
                       "rules_broken": v.rules_broken,
                       "paying_cards": sorted(display_card(c.lstrip("#")) for c in v.paying_cards)[:max_cards]}
                      for v in self.violations],
            "unreadable": [{"line": b.line, "problem": b.problem, "detail": b.detail, "message": b.text.to_dict()}
                           for b in self.broken_rows],
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
        }

    def key(self) -> dict[str, Any]:
        """Everything that must be the same whichever engine ran the rule (for tests and diffs)."""
        return {
            "counts": (self.rows, self.judged, self.withdrawals, self.failed, self.pending, self.broken, self.users,
                       self.violation_count),
            "violations": [(v.line, v.user_id, v.no_order, v.card, v.time, str(v.amount), str(v.paid), str(v.earned),
                            str(v.refunded), str(v.withdrawn_before), v.rules_broken, v.has_card, v.paying_cards)
                           for v in self.violations],
            "broken": [(b.line, b.problem) for b in self.broken_rows],
        }


_COUNTS = ("rows", "judged", "withdrawals", "failed_rows", "pending_rows", "broken_rows", "users", "violations")
_SHOWN_TEXTS = ("user_id", "no_order", "card", "time", "amount", "paid", "earned", "refunded", "withdrawn_before",
                "bound")


def evidence_problem(value: Any) -> str | None:
    """Where `value` (``ledger`` evidence, perhaps read back from a saved store) is not what
    `BooksAudit.to_evidence` makes, or None: LL-CRD-003 judges only well-formed evidence."""
    def is_int(node: Any) -> bool:
        return isinstance(node, int) and not isinstance(node, bool) and node >= 0

    if not isinstance(value, dict):
        return "not a mapping"
    for key in ("source", "engine", "order"):
        if not isinstance(value.get(key), str):
            return key
    for key in _COUNTS:
        if not is_int(value.get(key)):
            return key
    if value.get("misordered_line") is not None and not is_int(value["misordered_line"]):
        return "misordered_line"
    shown, unreadable = value.get("shown"), value.get("unreadable")
    if not isinstance(shown, list):
        return "shown"
    for index, item in enumerate(shown):
        where = f"shown[{index}]"
        if not isinstance(item, dict) or not is_int(item.get("line")) or not isinstance(item.get("has_card"), bool):
            return where
        for key in _SHOWN_TEXTS:
            if not isinstance(item.get(key), str):
                return f"{where}.{key}"
        rules = item.get("rules_broken")
        if not isinstance(rules, list) or not rules or not set(rules) <= {"same_card", "amount_bound"}:
            return f"{where}.rules_broken"
        cards = item.get("paying_cards")
        if not isinstance(cards, list) or not all(isinstance(c, str) for c in cards):
            return f"{where}.paying_cards"
    if not isinstance(unreadable, list):
        return "unreadable"
    for index, item in enumerate(unreadable):
        where = f"unreadable[{index}]"
        message = item.get("message") if isinstance(item, dict) else None
        if not isinstance(item, dict) or not is_int(item.get("line")) or not isinstance(message, dict) \
                or not all(isinstance(message.get(lang), str) for lang in ("zh", "en")):
            return where
    return None
