"""LL-CRD-002 -- a withdrawal above paid + earnings − already withdrawn is refused (live probe).

LianLian's go-live guide (七 同卡进出): "提现的金额不能多于支付的金额加上收益的总和" -- the amount
withdrawn may never exceed what the user paid plus earnings. A merchant that checks only the card
can still be drained: pay a little, withdraw a lot. The launch review (审核3) and the pre-release
list (发布前3) both ask for it.

Probe (scenario group ``withdraw.over_bound`` of golive/probe_spec.py): a fresh user pays (and earns
as much again when ``live.earn`` is configured), then asks to withdraw paid + earnings + 0.01 to the
paying card (attempt ``over_bound``); and after the positive control withdrew the paid amount, its
user asks for earnings + 0.01 more (``over_bound_cumulative``: the bound must subtract what was
already withdrawn). Both must be refused, with no new payout when ``live.payouts`` is configured;
the positive control must be accepted, or a merchant that refuses everything would pass.
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, same_card

EVIDENCE = "probe.withdraw"

META = CheckMeta(
    id="LL-CRD-002",
    item=Item.REVIEW_SAME_CARD,
    severity=Severity.BLOCKER,
    title=Text("超过 支付 + 收益 − 已提现 的提现被拒绝（在线探测）",
               "A withdrawal above paid + earnings − already withdrawn is refused (live probe)"),
    rationale=Text(
        "上线指南要求：“控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的总和”。"
        "只校验卡号不校验金额，用户少付多提就能把商户的钱提走。",
        "LianLian's go-live guide: the withdrawal card must be the paying card, and the amount withdrawn must never "
        "exceed what the user paid plus earnings. Checking the card but not the amount lets a user pay a little "
        "and withdraw a lot.",
    ),
    remediation=Text(
        "为每个用户维护 已支付 / 收益 / 已提现 余额，在出款的同一事务中校验 提现金额 ≤ 支付 + 收益 − 已提现，超出即拒绝且不产生出款。",
        "Keep a per-user paid / earned / withdrawn balance and, in the same transaction as the payout, refuse any "
        "amount above paid + earnings − already withdrawn, creating no payout.",
    ),
    references=("guide 七 同卡进出", "guide 九 正式发布前确认事项 3", "design.md §5 (live.withdraw, live.earn, live.payouts)"),
    needs=(EVIDENCE,),
    probes=("withdraw.over_bound",),
    scope="withdrawals",
)

RULE = Text("提现金额不能多于 支付 + 收益 − 已提现", "the amount must not exceed paid + earnings − already withdrawn")


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return same_card.judge_attempts(evidence.value(EVIDENCE), ("over_bound", "over_bound_cumulative"), RULE, ctx.at("live.withdraw"))
