"""The payout-notification probes gatherer (``--probe``): golive, as LianLian, notifies the merchant's
staging of SUCCESS, FAILURE and CANCEL for payouts of its own test users (golive/payout/probes.py).

Runs only with ``--probe`` and ``live.payout_notify_url``; every exchange is recorded, redacted, as
``probe.payout`` evidence. Never contacts a host that is neither loopback nor declared staging.
"""

from __future__ import annotations

from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.payout.probes import gather_payout_probes

    signing = ctx.used("signing")
    if not signing.is_ok:
        return {"probe.payout": Evidence.failed(signing.reason or Text("签名材料不可用", "no signing material"))}
    return gather_payout_probes(ctx.config, signing.value, ctx.options, ctx.say)


GATHERER = Gatherer(
    name="payout_probes",
    produces=("probe.payout",),
    uses=("signing",),
    reads=Text("预发布环境的代付通知地址（live.payout_notify_url，仅 --probe）",
               "the staging payout notification URL (live.payout_notify_url, --probe only)"),
    gather=gather,
)
