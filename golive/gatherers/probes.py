"""The probes gatherer: acting as LianLian against the merchant's running staging server (--probe).

It runs only with ``--probe``, and only the probe scenarios the selected checks read: the engine
plans them from the checks' ``probes`` (scenario groups of golive/probe_spec.py) and hands the
union over as ``ctx.scenarios``. Every exchange is recorded, redacted, as evidence (probe.notify,
probe.return, probe.withdraw): observations only, judged by the checks. The probing itself lives in
golive/probes/ (bounded, guarded, interruptible HTTP; the test recipes).
"""

from __future__ import annotations

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text
from golive.probe_spec import KINDS


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    if not ctx.options.probe:
        reason = Text("未开启在线探测（--probe）", "live probes not requested (--probe)")
        return {kind: Evidence.missing(reason) for kind in KINDS}
    from golive.probes.runner import gather_probe_evidence

    produced, targets = gather_probe_evidence(ctx.config, ctx.used("signing").value, ctx.options, ctx.wanted,
                                              ctx.scenarios, ctx.say)
    ctx.provenance["probe_targets"] = targets
    return produced


GATHERER = Gatherer(
    name="probes",
    produces=KINDS,
    uses=("signing",),
    reads=Text("运行中的预发布环境（live:，仅 --probe）", "the running staging server (live:, --probe only)"),
    gather=gather,
)
