"""The payouts gatherer: the merchant's payout API exchanges (apply, confirm, query) in order.

Sources (golive/payout/exchanges.py): the sandbox journal named by ``--sandbox`` or
``evidence.sandbox`` (a ``golive sandbox`` state directory or its ``sandbox.sqlite3``), and the capture files
(``evidence.captures`` / ``--captures``), read again for their payout exchanges only. A path that is
not there is bad input (exit 2); a journal that cannot be read is failed evidence (the checks are
``error``, saying why). No payout exchange anywhere: the evidence is missing, with what was read.
"""

from __future__ import annotations

from pathlib import Path

from golive.config import resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Evidence
from golive.gatherers.captures import existing_files
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.payout.exchanges import PayoutCollector, iter_capture_files
    from golive.sandbox.journal import JournalError

    signing = ctx.used("signing")
    collector = PayoutCollector(signing.value if signing.is_ok else None)
    given = ctx.options.sandbox
    journal = given or ctx.config.get("evidence.sandbox")
    if journal:
        path = Path(given) if given else resolve_path(ctx.config, str(journal))
        if not path.exists():
            if given:
                raise InputError("no golive sandbox state directory or journal here", file=str(path), key="--sandbox")
            raise ctx.config.error("evidence.sandbox", f"no sandbox state directory or journal at {path}")
        try:
            collector.read_journal(path, str(journal))
        except JournalError as exc:
            return {"payouts": Evidence.failed(Text(f"沙箱日志无法读取：{exc}", f"the sandbox journal cannot be read: {exc}"),
                                               source=str(journal))}
    files = existing_files(ctx, list(ctx.options.captures or []), ctx.config.get("evidence.captures"),
                           "evidence.captures")
    if files:
        try:
            collector.read_captures(iter_capture_files(files, ctx.config.get("evidence.max_line_bytes")),
                                    [written for _, written in files])
        except InputError:
            raise
    value = collector.value()
    # The ledger is read (whole) only for payouts to attribute: without one, the evidence is missing.
    value.update(_ledger_facts(ctx) if value["exchanges"] else {"owners": None, "earnings": None})
    read = ", ".join(f"{s['kind']} {s['where']}" for s in value["sources"]) or "nothing"
    if not value["exchanges"]:
        return {"payouts": Evidence.missing(Text(
            f"没有代付请求可判定（已读取：{read}）；请提供 evidence.sandbox（golive sandbox 的状态目录）或代付接口的抓包",
            f"no payout request to judge (read: {read}); give evidence.sandbox (a golive sandbox state directory) or "
            "captures of the payout API"))}
    return {"payouts": Evidence.ok(value, source=read)}


def _ledger_facts(ctx: GatherContext) -> dict[str, object]:
    """Whose withdrawal each payout pays, and each user's earnings, from the ledger when there is one
    (the payout API names no user; LL-PAY-007)."""
    written = ctx.options.ledger or ctx.config.get("evidence.ledger")
    if not written or not isinstance(written, str):  # none, or books in a database: the payouts are judged without
        return {"owners": None, "earnings": None}
    from decimal import Decimal

    from golive.recon.books import read_books

    path = Path(written) if ctx.options.ledger else resolve_path(ctx.config, str(written))
    if not path.is_file():
        return {"owners": None, "earnings": None}
    try:
        books = read_books(path, str(written))
    except InputError:  # the ledger gatherer names what is wrong with it; here it only helps
        return {"owners": None, "earnings": None}
    owners = {row.no_order: row.user_id for row in books.rows if row.kind == "withdrawal" and row.user_id}
    earnings: dict[str, Decimal] = {}
    for row in books.rows:
        if row.kind == "earning" and row.status == "success" and row.user_id:
            earnings[row.user_id] = earnings.get(row.user_id, Decimal(0)) + row.amount
    return {"owners": owners, "earnings": {user: str(amount) for user, amount in earnings.items()}}


GATHERER = Gatherer(
    name="payouts",
    produces=("payouts",),
    uses=("signing",),
    reads=Text("代付接口交换：沙箱日志（evidence.sandbox）与抓包（evidence.captures）",
               "payout API exchanges: the sandbox journal (evidence.sandbox) and captures (evidence.captures)"),
    gather=gather,
)
