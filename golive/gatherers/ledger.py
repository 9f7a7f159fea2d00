"""The ledger gatherer: the merchant's books (CSV) as a record source of rows in per-user time order.

The file comes from ``--ledger`` or ``evidence.ledger``; it is read when the engine iterates the
source, streaming, each user's rows in time order (golive/evidence/ledger_order.py decides how before
the first row). A file named but not there is bad input (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from golive.evidence.bundle import Evidence
from golive.evidence.streams import RecordSource
from golive.gathering import GatherContext, Gatherer
from golive.gatherers.captures import existing_files
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.evidence.ledger import iter_ledger_stream

    given = [ctx.options.ledger] if ctx.options.ledger else []
    files = existing_files(ctx, given, ctx.config.get("evidence.ledger"), "evidence.ledger")
    if not files:
        return {"ledger": Evidence.missing(Text("未提供台账（evidence.ledger / --ledger）",
                                                "no ledger given (evidence.ledger or --ledger)"))}

    def read(path: Path, written: str) -> Iterable[Any]:
        return iter_ledger_stream(path, written)

    source = RecordSource("ledger", files, read)
    return {"ledger": Evidence.ok(source, source=source.source)}


GATHERER = Gatherer(
    name="ledger",
    produces=("ledger",),
    reads=Text("商户台账 CSV：evidence.ledger 或 --ledger", "the merchant's ledger CSV: evidence.ledger or --ledger"),
    gather=gather,
)
