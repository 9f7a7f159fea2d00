"""The probes gatherer: acting as LianLian against the merchant's running staging server (--probe).

It runs only with ``--probe`` and only the probes a selected check reads (probe.notify,
probe.return, probe.withdraw); every exchange is recorded, redacted, as evidence. The probing
itself lives in golive/probes/ (bounded, guarded, interruptible HTTP; the test recipes).
"""

from __future__ import annotations

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text

KINDS = ("probe.notify", "probe.return", "probe.withdraw")


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    if not ctx.options.probe:
        reason = Text("未开启在线探测（--probe）", "live probes not requested (--probe)")
        return {kind: Evidence.missing(reason) for kind in KINDS}
    from golive.probes.runner import gather_probe_evidence

    produced, targets = gather_probe_evidence(ctx.config, ctx.used("signing").value, ctx.options, ctx.wanted, ctx.say)
    ctx.provenance["probe_targets"] = targets
    return produced


GATHERER = Gatherer(
    name="probes",
    produces=KINDS,
    uses=("signing",),
    reads=Text("运行中的预发布环境（live:，仅 --probe）", "the running staging server (live:, --probe only)"),
    gather=gather,
)
