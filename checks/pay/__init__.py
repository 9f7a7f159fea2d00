"""Checks of area PAY: merchant payouts (商户付款 / 代付, guide 十, docs/protocol.md §8)."""
