"""The rules a payout request must follow, as pure functions of its parameters (docs/protocol.md §8,
guide 十 商户付款). The checks (LL-PAY-*) apply them to every payout exchange golive has; the
sandbox answers 1004 for the same things, so a merchant sees one set of rules in both places.

* **RSA only** -- 提现接口只支持 rsa 签名方式 (guide 十): apply, confirm and query are RSA-signed.
* **Branch information** -- the payee's branch: ``prcptcd`` (大额行号, 12 digits), or ``city_code``
  (6-digit region code) and ``brabank_name``; except personal payouts to 工、农、中、招、光大、浦发 and
  corporate payouts to 建行 (guide 十; `golive.lianlian.codes.branch_info_exempt`). Corporate
  payouts name the bank (``bank_code``, 8 digits, §8).
* **Fields** -- ``flag_card`` is ``0`` (personal) or ``1`` (corporate) [CONFLICT in S6's text,
  resolved to 0/1 by every sample and SDK]; ``money_order`` is yuan with two decimals, > 0;
  ``info_order`` (the purpose) is there -- required per S6/T2, and whatever the source above 50,000
  CNY; ``memo`` goes to the bank: at most 24 characters of letters, digits, CJK, ``-`` and ``_``
  (LianLian filters the rest, so the payee would read something else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from golive.lianlian.codes import BANK_CODES, branch_info_exempt
from golive.model import Text

__all__ = ["RuleProblem", "branch_problems", "field_problems", "INFO_ORDER_MANDATORY_ABOVE"]

INFO_ORDER_MANDATORY_ABOVE = Decimal("50000")
MAX_AMOUNT = Decimal("99999999")
_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_MEMO_OK = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff\u3400-\u4dbf_\-]*$")


@dataclass(frozen=True)
class RuleProblem:
    field: str
    message: Text
    uncertain: bool = False


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def branch_problems(params: Mapping[str, Any], bank_code: str | None) -> list[RuleProblem]:
    """Branch information per the guide's exemptions; `bank_code` as sent, or from the card BIN."""
    flag = _text(params, "flag_card")
    problems: list[RuleProblem] = []
    sent_bank = _text(params, "bank_code")
    if sent_bank and not re.fullmatch(r"\d{8}", sent_bank):
        problems.append(RuleProblem("bank_code", Text(f"bank_code {sent_bank[:12]!r} 不是 8 位连连银行编码",
                                                      f"bank_code {sent_bank[:12]!r} is not an 8-digit LianLian bank code")))
    if flag == "1" and not sent_bank:
        problems.append(RuleProblem("bank_code", Text("对公付款（flag_card=1）必须传 bank_code",
                                                      "corporate payouts (flag_card 1) must send bank_code")))
    prcptcd, city, branch = _text(params, "prcptcd"), _text(params, "city_code"), _text(params, "brabank_name")
    if prcptcd and not re.fullmatch(r"\d{12}", prcptcd):
        problems.append(RuleProblem("prcptcd", Text("prcptcd（大额行号）应为 12 位数字", "prcptcd (大额行号) is 12 digits")))
    if city and not re.fullmatch(r"\d{6}", city):
        problems.append(RuleProblem("city_code", Text("city_code 应为 6 位行政区划代码（如 130100）",
                                                      "city_code is the 6-digit region code (e.g. 130100)")))
    has_branch = bool(prcptcd) or bool(city and branch)
    if has_branch or flag not in ("0", "1"):
        return problems
    if bank_code is None:
        problems.append(RuleProblem("brabank_name", Text(
            "未传支行信息，且无法确定收款银行（无 bank_code、卡 BIN 未知），不能确认属于免传的银行",
            "no branch information, and the payee's bank is unknown (no bank_code, unknown card BIN), so it cannot be "
            "one of the exempt banks"), uncertain=True))
    elif not branch_info_exempt(bank_code, flag):
        bank = BANK_CODES.get(bank_code, bank_code)
        kind = ("对私", "personal") if flag == "0" else ("对公", "corporate")
        problems.append(RuleProblem("brabank_name", Text(
            f"{kind[0]}付款到 {bank} 必须提供支行信息：prcptcd，或 city_code 加 brabank_name（只有对私的工、农、中、招、光大、浦发"
            "和对公的建行可以不传）",
            f"{kind[1]} payouts to {bank} need branch information: prcptcd, or city_code and brabank_name (only personal "
            "payouts to ICBC, ABC, BOC, CMB, CEB, SPDB and corporate payouts to CCB may omit it)")))
    return problems


def field_problems(params: Mapping[str, Any]) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    flag = _text(params, "flag_card")
    if flag not in ("0", "1"):
        problems.append(RuleProblem("flag_card", Text(
            f"flag_card 为 {flag[:8]!r}：应为 0（对私）或 1（对公）（S6 文字说 1/2，但其示例与所有 SDK 用 0/1）",
            f"flag_card is {flag[:8]!r}: it is 0 (personal) or 1 (corporate) (S6's text says 1/2, its sample and "
            "every SDK use 0/1)")))
    money = _text(params, "money_order")
    amount: Decimal | None = None
    if not _AMOUNT.fullmatch(money):
        problems.append(RuleProblem("money_order", Text(
            f"money_order {money[:20]!r} 不是最多两位小数的元金额", f"money_order {money[:20]!r} is not yuan with at most two decimals")))
    else:
        try:
            amount = Decimal(money)
        except InvalidOperation:  # pragma: no cover - the pattern excludes it
            amount = None
        if amount is not None and not Decimal("0") < amount <= MAX_AMOUNT:
            problems.append(RuleProblem("money_order", Text("money_order 应大于 0 且不超过 99999999",
                                                            "money_order must be > 0 and at most 99999999")))
    if not _text(params, "info_order").strip():
        above = amount is not None and amount > INFO_ORDER_MANDATORY_ABOVE
        problems.append(RuleProblem("info_order", Text(
            "缺少 info_order（付款用途）" + ("：5 万元以上必须传" if above else "：S6 与付款文档要求必传"),
            "info_order (the purpose) is missing" + (": it is mandatory above 50,000 CNY" if above else
                                                     ": S6 and the payout document require it")),
            uncertain=not above))
    memo = _text(params, "memo")
    if memo:
        if len(memo) > 24:
            problems.append(RuleProblem("memo", Text(f"memo 有 {len(memo)} 个字符：最多 24 个，超出部分银行看不到",
                                                     f"memo has {len(memo)} characters: at most 24 reach the bank")))
        if not _MEMO_OK.fullmatch(memo):
            odd = sorted({c for c in memo if not _MEMO_OK.fullmatch(c)})
            shown = "".join(odd[:6]).replace("\n", "\\n")
            problems.append(RuleProblem("memo", Text(
                f"memo 含连连会过滤掉的字符（{shown!r}）：只允许字母、数字、汉字、- 和 _",
                f"memo holds characters LianLian filters out ({shown!r}): only letters, digits, CJK, - and _ reach "
                "the bank")))
    return problems
