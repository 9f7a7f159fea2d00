"""The reconciliation gatherer: LianLian's statement files (a folder or SFTP) reconciled with the ledger.

What it reads is ``reconciliation:`` in golive.yaml (golive/recon/fetch.py). It produces one
``reconciliation`` value: whether reconciliation is set up, where the files came from, each file's
facts and problems (``file:line``), and every difference with both rows, redacted. A folder that is
not there is bad input (exit 2); an SFTP server that cannot be reached, or that shows another host
key than the pinned one, is failed evidence (the checks are ``error`` with the reason).
"""

from __future__ import annotations

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.recon.fetch import gather_reconciliation

    state, value = gather_reconciliation(ctx.config, ctx.environ, ctx.options.ledger)
    if state == "failed":
        return {"reconciliation": Evidence.failed(value, source="reconciliation")}
    return {"reconciliation": Evidence.ok(value, source="reconciliation")}


GATHERER = Gatherer(
    name="reconciliation",
    produces=("reconciliation",),
    reads=Text("连连对账文件（reconciliation.path 或 reconciliation.sftp）与台账",
               "LianLian's statement files (reconciliation.path or reconciliation.sftp) and the ledger"),
    gather=gather,
)
