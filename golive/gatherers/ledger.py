"""The ledger gatherer: the merchant's books audited by the engine they sit in, as evidence.

The books come from ``--ledger FILE`` or ``evidence.ledger`` -- a CSV, Parquet or JSON Lines file
(DuckDB by default, or the streaming Python auditor with ``evidence.ledger_engine: python``) or the
merchant's database (``{dsn, sql | table}``: the rule pushed down, only findings come back); see
golive/books/run.py. The gatherer runs the engine; its evidence is the audit (counts, the first
violations with their running figures, the first unreadable rows by file:line) as plain data, and
LL-CRD-003 judges it. A file named but not there, a header without the needed columns, SQL the
database refuses: bad input (exit 2). A database that cannot be reached or runs out of time:
failed evidence (LL-CRD-003 ``error``), since running again may work.
"""

from __future__ import annotations

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.books.run import BooksUnavailable, audit_books, ledger_spec

    spec = ledger_spec(ctx.config, ctx.options.ledger, ctx.environ)
    if spec is None:
        return {"ledger": Evidence.missing(Text("未提供台账（evidence.ledger / --ledger）",
                                                "no ledger given (evidence.ledger or --ledger)"))}
    from golive.progress import Event

    where = spec.database.shown if spec.database is not None else spec.display
    # The audit runs inside DuckDB or the merchant's database: the rows are counted when it ends.
    ctx.say(Event("ledger", f"auditing {where} ({spec.engine})", done=0, unit="rows"))
    try:
        audit = audit_books(spec)
    except BooksUnavailable as exc:
        shown = spec.database.shown if spec.database is not None else spec.display
        return {"ledger": Evidence.failed(Text(f"无法审计数据库中的台账：{exc}", f"could not audit the ledger in the database: {exc}"),
                                          source=shown)}
    first = audit.broken_rows[0] if audit.broken_rows else None
    value = audit.to_evidence()
    value["input"] = {"kind": "ledger", "file": audit.source, "bytes": spec.path.stat().st_size if spec.path else 0,
                      "records": audit.rows, "unreadable": audit.broken,
                      "first_unreadable": f"{audit.source}:{first.line}: {first.text.en}" if first else None}
    ctx.say(Event("ledger", done=audit.rows, total=audit.rows, finished=True))
    return {"ledger": Evidence.ok(value, source=audit.source)}


GATHERER = Gatherer(
    name="ledger",
    produces=("ledger",),
    reads=Text("商户台账：evidence.ledger 或 --ledger（CSV、Parquet、JSON Lines 文件，或商户数据库）",
               "the merchant's ledger: evidence.ledger or --ledger (a CSV, Parquet or JSON Lines file, or the "
               "merchant's database)"),
    gather=gather,
)
