"""The sandbox's statement files: what LianLian would put in the merchant's daily files (§9).

For every settle_date of what the sandbox processed it writes, into ``<state-dir>/statements/``:

* ``JYMX_{oid_partner}_{yyyyMMdd}.txt`` -- each payment that succeeded (status 0);
* ``JYMXSUM_{oid_partner}_{yyyyMMdd}.txt`` -- that day's totals, from the same rows;
* ``FKMX_{oid_partner}_{yyyyMMdd}.txt`` -- each payout that reached the bank (status 0, or 5 once the
  bank sent it back: CANCEL).

The files are rewritten whenever asked (``POST /_sandbox/statements``, each SFTP login, and at stop),
so a merchant's reconciliation job -- pointed at the sandbox's SFTP endpoint
(``golive sandbox --sftp-port``) or at the folder -- sees what the sandbox did, end to end. Rows are
written with golive's own writer (`golive.recon.statements`), so the reader that judges them reads
LianLian's layout, not a private one. Payee account and name stay empty, as in LianLian's samples.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive.recon.statements import file_name, render_detail, render_summary, summarise, StatementRow, row_values

if TYPE_CHECKING:  # pragma: no cover
    from golive.sandbox.app import Sandbox

FOLDER = "statements"
_PRODUCT = {"web": "网银支付渠道", "wap": "WAP支付渠道", "app": "APP支付渠道"}


def _dt(dt_order: str) -> str:
    return f"{dt_order[:8]} {dt_order[8:10]}:{dt_order[10:12]}:{dt_order[12:14]}" if len(dt_order) == 14 else dt_order


def _clean(text: str | None) -> str:
    return (text or "").replace(",", "，").replace("\n", " ")[:60]


def statement_rows(sandbox: Sandbox, now: float | None = None) -> list[StatementRow]:
    from golive.sandbox.app import Order
    from golive.sandbox.payouts import payout_state

    now = now or time.time()
    oid = sandbox.settings.oid_partner
    rows: list[StatementRow] = []
    for row in sandbox.db.all("SELECT * FROM orders WHERE settle_date IS NOT NULL ORDER BY paid_at, no_order"):
        order = Order.from_row(row)
        if order.result_pay(now) != "SUCCESS" or not order.oid_paybill or not order.settle_date:
            continue
        stamp = _dt(order.dt_order)
        rows.append(StatementRow("", 0, "JYMX", order.no_order, oid, stamp, "101001", order.oid_paybill,
                                 order.settle_date, Decimal(order.money_order), "0", "0", stamp, None,
                                 _PRODUCT.get(order.channel, "WAP支付渠道"), "新认证支付（全渠道）", _clean(order.info_order)))
    for row in sandbox.db.all("SELECT * FROM payouts WHERE settle_date IS NOT NULL ORDER BY created_at, no_order"):
        state = payout_state(sandbox, row, now)
        if state not in ("SUCCESS", "CANCEL") or not row["oid_paybill"]:
            continue
        stamp = _dt(str(row["dt_order"] or ""))
        rows.append(StatementRow("", 0, "FKMX", row["no_order"], oid, stamp, "202000", row["oid_paybill"],
                                 row["settle_date"], Decimal(row["money_order"]), "1", "5" if state == "CANCEL" else "0",
                                 stamp, Decimal("0"), "实时付款渠道", "余额支付", _clean(row["info_order"]),
                                 row["bank_code"] or "", "", ""))
    return rows


def write_statements(sandbox: Sandbox) -> list[Path]:
    """(Re)write every day's files; returns them. Each file is replaced atomically."""
    folder = Path(sandbox.settings.state_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    by_day: dict[str, list[StatementRow]] = defaultdict(list)
    for row in statement_rows(sandbox):
        by_day[row.settle_date].append(row)
    written = []
    oid = sandbox.settings.oid_partner
    for day, rows in sorted(by_day.items()):
        payments = [r for r in rows if r.kind == "JYMX"]
        payouts = [r for r in rows if r.kind == "FKMX"]
        files: dict[str, bytes] = {
            file_name("JYMX", oid, day): render_detail("JYMX", (row_values(r) for r in payments)),
            file_name("JYMXSUM", oid, day): render_summary(summarise(payments)),
            file_name("FKMX", oid, day): render_detail("FKMX", (row_values(r) for r in payouts)),
        }
        for name, data in files.items():
            target = folder / name
            temporary = folder / f".{name}.tmp"
            temporary.write_bytes(data)
            os.replace(temporary, target)
            written.append(target)
    return written


def describe(paths: list[Path]) -> dict[str, Any]:
    return {"folder": str(paths[0].parent) if paths else None, "files": [p.name for p in paths]}
