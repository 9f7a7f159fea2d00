"""Payouts (实时付款 / 代付, guide 十 商户付款, docs/protocol.md §8): the rules a payout request must
follow (`rules`, `envelope`), the payout exchanges golive judges (`exchanges`: from the sandbox
journal and from captures), the same-card audit of payouts (`samecard`), and the payout-notification
probes (`probes`)."""
