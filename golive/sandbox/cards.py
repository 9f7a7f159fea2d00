"""Test bank cards: the card a sandbox payer "enters" on the cashier, and the card-BIN table.

On LianLian's cashier a 认证支付 payer enters a bank card (or the merchant presets one with
``card_no``, or reuses an agreement with ``no_agree``); a successful payment binds the card and the
notification carries the agreement number ``no_agree`` (go-live guide §四: 支付成功后默认绑卡) and
the card's 8-digit ``bank_code`` (protocol.md §8). The bind-list query then shows the card's last
four digits (§7.2) and the card-BIN query its bank and type (§7.3).

The sandbox's payers use *test* cards: a well-known bank BIN plus digits derived from the user id
and a valid Luhn check digit, so a user pays with the same card every time and a test can compute
it (`card_for_user`). These are not LianLian's BIN tables; the BINs below are the first six digits
of ordinary debit cards of the named banks, enough for the payout branch rule (guide §十), which
depends on the bank.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class CardBin:
    bank_code: str
    bank_name: str
    card_type: str
    """``2`` debit, ``3`` credit (protocol.md §7.3)."""


TEST_BINS: Mapping[str, CardBin] = {
    "622202": CardBin("01020000", "中国工商银行", "2"),
    "622848": CardBin("01030000", "中国农业银行", "2"),
    "621661": CardBin("01040000", "中国银行", "2"),
    "621700": CardBin("01050000", "中国建设银行", "2"),
    "622588": CardBin("03080000", "招商银行", "2"),
    "622262": CardBin("03010000", "交通银行", "2"),
    "622908": CardBin("03090000", "兴业银行", "2"),
    "625802": CardBin("03080000", "招商银行", "3"),
}
DEFAULT_BIN = "622202"


def luhn_digit(partial: str) -> str:
    """The check digit that makes `partial` + digit pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_ok(card_no: str) -> bool:
    return card_no.isdigit() and 12 <= len(card_no) <= 19 and luhn_digit(card_no[:-1]) == card_no[-1]


def card_for_user(user_id: str, bin6: str = DEFAULT_BIN) -> str:
    """The 16-digit test card the sandbox payer `user_id` pays with (stable across runs)."""
    digest = hashlib.sha256(f"golive-sandbox-card:{user_id}".encode("utf-8")).hexdigest()
    body = bin6 + "".join(str(int(c, 16) % 10) for c in digest[:9])
    return body + luhn_digit(body)


def lookup_bin(card_no: str) -> CardBin | None:
    """The test BIN entry for `card_no`, if it is a valid card of a known test BIN."""
    if not luhn_ok(card_no):
        return None
    return TEST_BINS.get(card_no[:6])


def mask(card_no: str) -> str:
    """6 + 4, as golive.redact does."""
    return card_no[:6] + "*" * max(len(card_no) - 10, 0) + card_no[-4:] if len(card_no) > 10 else "*" * len(card_no)
