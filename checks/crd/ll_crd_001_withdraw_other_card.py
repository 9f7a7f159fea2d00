"""LL-CRD-001 -- a withdrawal to a card the user never paid with is refused (live probe).

LianLian's go-live guide (七 同卡进出): 认证支付 has high limits and high risk, so "控制好提现的卡一定是
支付的卡" -- money may leave only to the card it came from. Otherwise a stolen identity or card can
be used to pay in and withdraw to the thief's card. The launch review (审核3) and the pre-release
list (发布前3) both ask for it. LianLian names the paying card in the payment notification
(``no_agree``, protocol.md §5.1) and lists a user's cards in the bind-card query (protocol.md §7.2).

Probe (scenario group ``withdraw.other_card`` of golive/probe_spec.py, attempt ``other_card``): a
fresh user pays with card A through a credited test order, then ``live.withdraw`` is asked to send
the paid amount to card B. It must be refused -- and, when ``live.payouts`` is configured, no payout
may appear. The positive control (a legitimate withdrawal to card A) must be accepted, or a merchant
that refuses everything would pass. The answers are read by `same_card` (golive/judging/same_card.py).
"""

from __future__ import annotations

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text, same_card

EVIDENCE = "probe.withdraw"

META = CheckMeta(
    id="LL-CRD-001",
    item=Item.REVIEW_SAME_CARD,
    severity=Severity.BLOCKER,
    title=Text("提现到非支付卡被拒绝（在线探测）", "A withdrawal to a card the user did not pay with is refused (live probe)"),
    rationale=Text(
        "上线指南要求认证支付务必做好同卡进出：“控制好提现的卡一定是支付的卡，并且提现的金额不能多于支付的金额加上收益的总和”。"
        "允许提现到其他卡，盗用身份或卡片的人就能付款后把钱转走。",
        "LianLian's go-live guide demands same card in, same card out for 认证支付: a withdrawal must go to the card "
        "the user paid with (and never exceed paid plus earnings). If withdrawals may go to any card, whoever pays "
        "in with a stolen identity or card can take the money out to their own.",
    ),
    remediation=Text(
        "保存异步通知中的 no_agree（签约协议号）作为用户的支付卡，提现只允许到这些卡（或以用户绑卡列表查询核对），"
        "其他卡一律拒绝且不产生出款。",
        "Store the no_agree from each payment notification as the user's paying card and allow withdrawals only to "
        "those cards (or check against the user's bind-card list); refuse any other card without creating a payout.",
    ),
    references=("guide 七 同卡进出", "guide 九 正式发布前确认事项 3", "protocol.md §5.1 (no_agree)",
                "protocol.md §7.2 (bind-card list)", "design.md §5 (live.withdraw, live.payouts)"),
    needs=(EVIDENCE,),
    probes=("withdraw.other_card",),
    scope="withdrawals",
)

RULE = Text("提现的卡必须是支付的卡", "the withdrawal card must be a card the user paid with")


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return same_card.judge_attempts(evidence.value(EVIDENCE), ("other_card",), RULE, ctx.at("live.withdraw"))
