"""Values of the merchant's ledger CSV (design.md §5): kinds, statuses, amounts, times and cards as
real exports write them, read leniently where the meaning is clear and refused where it is not.

- amounts are `Decimal` (never float): an optional ``¥``/``￥`` sign, thousands commas and a
  trailing ``元`` are accepted; NaN/Infinity are not.
- times are ISO 8601 (``2026-11-30T10:00:00+08:00``, ``Z`` allowed), ``yyyyMMddHHmmss`` (what
  LianLian's ``dt_order`` uses) or ``yyyy-MM-dd HH:mm:ss``. Times without a zone are China
  Standard Time, as LianLian's are; zoned times are converted to it.
- kinds and statuses are read in English or Chinese, any case (``SUCCESS``, ``成功``, ``提现``).
- cards are matched by `card_token` and shown by `display_card` (never a full card number).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from golive.redact import mask_card

# Canonical kinds and statuses.
PAYMENT, WITHDRAWAL, EARNING, REFUND = "payment", "withdrawal", "earning", "refund"
SUCCESS, FAILED, PENDING = "success", "failed", "pending"

# China Standard Time: LianLian's times (dt_order, settle_date) are Beijing time.
CST = dt.timezone(dt.timedelta(hours=8), "CST")

KIND_WORDS: dict[str, str] = {}
for _kind, _words in {
    PAYMENT: ("payment", "pay", "paid", "deposit", "recharge", "topup", "top_up", "top-up", "charge", "purchase",
              "invest", "investment", "支付", "充值", "入金", "投资", "购买", "存入"),
    WITHDRAWAL: ("withdrawal", "withdraw", "withdrawals", "payout", "cashout", "cash_out", "redeem", "redemption",
                 "提现", "取现", "出金", "提款", "代付", "赎回"),
    EARNING: ("earning", "earnings", "income", "interest", "profit", "yield", "bonus", "reward",
              "收益", "利息", "返利", "奖励", "分红"),
    REFUND: ("refund", "refunded", "退款"),
}.items():
    KIND_WORDS.update(dict.fromkeys(_words, _kind))

STATUS_WORDS: dict[str, str] = {}
for _status, _words in {
    SUCCESS: ("success", "succeeded", "successful", "succ", "ok", "done", "complete", "completed", "paid",
              "settled", "accepted", "成功", "已成功", "支付成功", "提现成功", "完成", "已完成", "已支付", "已到账"),
    # A refunded or returned movement left no money behind: ignored like a failed one.
    FAILED: ("fail", "failed", "failure", "error", "refused", "rejected", "declined", "cancelled", "canceled",
             "closed", "reversed", "returned", "refund", "refunded", "失败", "已失败", "支付失败", "提现失败",
             "拒绝", "已拒绝", "取消", "已取消", "关闭", "已关闭", "退回", "已退回", "已退款"),
    # Pending withdrawals are money on its way out; pending payments are not yet money in.
    PENDING: ("pending", "processing", "waiting", "wait", "in_progress", "submitted", "处理中", "待处理",
              "审核中", "等待", "待支付"),
}.items():
    STATUS_WORDS.update(dict.fromkeys(_words, _status))

ASCII_SPACE = " \t\r\n\x0b\x0c"
_MASKED_CARD = re.compile(r"^\d{0,8}[*xX•]+[\s*xX•]*(\d{4})$")
_AMOUNT_NOISE = re.compile(r"^[¥￥]|[,，\s]|元$")


def card_token(value: str) -> str:
    """The identifier a card value is matched by. A last four ("1234") and a masked number
    ("622202******1234") both become "#1234"; anything else (a no_agree, an id) is matched exactly.
    A long bare digit string is *not* cut to its last four: LianLian's no_agree values are long
    digit strings too, and matching them by their last four would let another card through."""
    if value.isdigit():
        return "#" + value if len(value) == 4 else value
    match = _MASKED_CARD.match(value)
    return "#" + match.group(1) if match else value


def display_card(value: str) -> str:
    """A card value safe to show: a last four or a masked number as is; anything long that could
    be a full card number is masked to first 6 + last 4 (golive.redact)."""
    if not value:
        return ""
    if len(value) >= 11 and sum(ch.isdigit() for ch in value) >= 11:
        return mask_card(value)
    return value


def parse_amount(text: str) -> Decimal | None:
    """A finite Decimal, or None. Accepts ¥/￥, thousands commas and a trailing 元."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        try:
            value = Decimal(_AMOUNT_NOISE.sub("", text))
        except InvalidOperation:
            return None
    return value if value.is_finite() else None


# yyyyMMddHHmmss with a plausible date and a real clock; days 29-31 are checked against the month.
TIME14 = re.compile(r"(?:1\d|2\d)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d",
                    re.ASCII)
# The reader's fast path for yyyyMMddHHmmss: two set lookups instead of the regex (a third of the
# cost, on every row). Every valid "mmss", and the hours (yyyyMMddHH) parse_time found valid so far.
MINUTES_SECONDS = frozenset(f"{minute:02d}{second:02d}" for minute in range(60) for second in range(60))
VALID_HOURS: set[str] = set()
_MAX_VALID_HOURS = 200_000  # bounded: 20 years of hours; beyond, times just take the slow path


def parse_time(text: str) -> str | None:
    """The time as 20 sortable digits yyyyMMddHHmmssffffff in CST, or None if it is not one of
    ISO 8601, yyyyMMddHHmmss, yyyy-MM-dd HH:mm:ss. Strings, not datetimes: building and
    comparing them is the cheapest there is, and text order is time order."""
    if len(text) == 19 and text[10] == " " and text[4] == text[7] == "-" and text[13] == text[16] == ":":
        # yyyy-MM-dd HH:mm:ss, the usual export
        text = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:]
    if len(text) == 14:
        if TIME14.fullmatch(text) and (text[6:8] < "29" or _valid_day(text[:8])):
            if len(VALID_HOURS) < _MAX_VALID_HOURS:
                VALID_HOURS.add(text[:10])
            return text + "000000"
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            # 9999-12-31T23:59:59-12:00 is year 10000 in CST: no datetime holds it
            moment = moment.astimezone(CST)
    except (ValueError, OverflowError):
        return None
    return moment.strftime("%Y%m%d%H%M%S") + f"{moment.microsecond:06d}" if moment.year >= 1000 else None


_VALID_DAYS: dict[str, bool] = {}


def _valid_day(digits: str) -> bool:
    valid = _VALID_DAYS.get(digits)
    if valid is None:
        try:
            dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            valid = True
        except ValueError:
            valid = False
        if len(_VALID_DAYS) < 100_000:  # bounded: a ledger spans a few thousand days at most
            _VALID_DAYS[digits] = valid
    return valid

