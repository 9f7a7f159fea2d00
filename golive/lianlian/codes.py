"""LianLian code tables: return codes, bank codes, and the closed value sets of request fields.

Every table cites the protocol.md section it comes from and carries that section's confidence mark
(`Confidence`), because the checker must say "UNCERTAIN" in a finding when its source does
(design.md, "Domain sources"). Highlights:

* Return codes (§6): LianLian/Resources ``return-codes.json`` (Chinese ``ret_msg``) and the English
  GitBook ``return-codes.md`` agree; payout codes 4001-4012/4103-4105/9104 come from the payout
  demo's ``RetCodeEnum`` (S4). Known conflicts are kept in `RETURN_CODE_NOTES`: 1003 is
  "payment in progress", *not* the risk rejection the go-live guide suggests (that is 9910);
  4013-4015 (S8 per protocol.md) vs 4103-4105 (S4) for the same payout messages; 9911-9913 mean
  different things for payments (S8) and payouts (S4).
* Bank codes (§8): 8-digit LianLian ``bank_code``. The go-live guide §十 lets payouts to 工、农、中、
  招、光大、浦发 (personal accounts) and 建行 (corporate accounts) omit city and branch; every other
  bank needs branch information (LL-PAY-002).
* Request value sets (§3, §4, §5, §7): ``id_type``, ``user_info_identify_*``, ``frms_client_chnl``,
  ``result_pay``, ``pay_type``, ``busi_partner``, ``app_request``; risk-item extras (§4.4); and the
  ``frms_ware_category`` list (§4.5), which exists only as a third-party transcription and is
  therefore UNCERTAIN: the checker compares against the category LianLian *assigned* (config), and
  uses this list only to name it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType

__all__ = [
    "APP_REQUEST",
    "BANK_CODES",
    "BRANCH_EXEMPT_BANKS",
    "BRANCH_EXEMPT_CORPORATE",
    "BRANCH_EXEMPT_PERSONAL",
    "BUSI_PARTNERS",
    "CARD_TYPES",
    "CLIENT_CHANNELS",
    "CodeSet",
    "Confidence",
    "DELIVERY_CYCLES",
    "FLAG_CARD",
    "FLAG_MODIFY",
    "FRMS_WARE_CATEGORIES",
    "FRMS_WARE_CATEGORIES_SEEN_UNLISTED",
    "GAME_ID_BELONGS",
    "ID_TYPES",
    "IDENTIFY_STATES",
    "IDENTIFY_TYPES",
    "LOGISTICS_MODES",
    "PAYOUT_CONFIRM_CODES",
    "PAYOUT_QUERY_FIRST_CODES",
    "PAYOUT_RESULT_PAY",
    "PAY_TYPES",
    "REAL_NAME_FLAGS",
    "RESULT_PAY",
    "RETURN_CODES",
    "RETURN_CODES_EN",
    "RETURN_CODE_NOTES",
    "SDK_RETURN_CODE_PREFIX",
    "USER_TYPES",
    "VIRTUAL_GOODS_STATUS",
    "branch_info_exempt",
    "describe_return_code",
]


class Confidence(str, Enum):
    """docs/protocol.md's confidence marks."""

    VERIFIED = "VERIFIED"
    TWO_SOURCES = "2+ SOURCES"
    ONE_SOURCE = "1 SOURCE"
    UNCERTAIN = "UNCERTAIN"
    CONFLICT = "CONFLICT"


@dataclass(frozen=True, eq=False)
class CodeSet(Mapping[str, str]):
    """A closed set of codes for one field, readable as a mapping code -> Chinese title.

    ``codes.ID_TYPES["0"]`` is the Chinese title, ``ID_TYPES.en("0")`` the English one;
    `section`, `confidence` and `note` say where the set comes from and how sure it is.
    """

    field: str
    section: str
    confidence: Confidence
    titles: Mapping[str, tuple[str, str]]
    note: str = ""

    def __getitem__(self, code: str) -> str:
        return self.titles[code][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self.titles)

    def __len__(self) -> int:
        return len(self.titles)

    def en(self, code: str) -> str:
        """English title of `code`."""
        return self.titles[code][1]

    def describe(self, code: str, lang: str = "zh") -> str:
        """``code (title)`` in the report language, or ``code (unknown)`` when not in the set."""
        if code not in self.titles:
            return f"{code} ({'未知' if lang == 'zh' else 'unknown'})"
        zh, en = self.titles[code]
        return f"{code} ({zh if lang == 'zh' else en})"


def _codes(
    field: str, section: str, confidence: Confidence, titles: dict[str, tuple[str, str]], note: str = ""
) -> CodeSet:
    return CodeSet(field, section, confidence, MappingProxyType(titles), note)


# --- Return codes (protocol.md §6) ------------------------------------------------------------

# (code, ret_msg as LianLian sends it, English meaning). Chinese from LianLian/Resources
# return-codes.json (S8) or, where S8 lacks the code, GitBook return-codes.md (S6) / RetCodeEnum (S4).
_RETURN_CODE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("0000", "交易成功", "request accepted; not by itself a final payment or payout result"),
    ("0106", "签约银行卡信息查询失败", "failed to query the bound card"),
    ("1000", "支付授权令牌失效或错误", "payment token invalid or expired (30 minutes)"),
    ("1001", "商户请求签名错误", "merchant request signature error"),
    ("1002", "第三方单号重复", "duplicate no_order (payout: already applied - query the order)"),
    ("1003", "正在支付中,请稍后", "payment in progress, try later"),
    ("1004", "商户请求参数校验错误（具体参数名）", "parameter validation error (parameter named in ret_msg)"),
    ("1005", "支付处理失败", "payment failed (payout: unsupported account type)"),
    ("1006", "支付单创建失败", "payment order creation failed"),
    ("1007", "网络链接繁忙", "network busy"),
    ("1008", "商户请求IP错误", "merchant request IP error: IP or domain not registered (报备)"),
    ("1009", "暂停商户支付服务，请联系连连银通客服", "merchant payment service suspended"),
    ("1012", "请求报文解析失败", "failed to parse the request body"),
    ("1014", "日累计金额或笔数超限", "daily cumulative amount or count limit exceeded"),
    ("1016", "交易金额超限", "transaction amount over the limit"),
    ("1019", "单笔金额超限", "single-transaction amount over the limit"),
    ("1100", "无效卡号", "invalid card number"),
    ("1101", "卡已挂失", "card reported lost"),
    ("1102", "无此发卡方", "no such card issuer"),
    ("1103", "银行卡有效期或CVV2错误", "wrong expiry date or CVV2"),
    ("1104", "卡密码错误", "wrong card PIN"),
    ("1105", "卡号在黑名单中", "card blacklisted or restricted"),
    ("1106", "允许的输入PIN次数超限", "too many PIN attempts"),
    ("1107", "您的银行卡暂不支持在线支付业务", "card does not support online payment"),
    ("1108", "您输入的证件号、姓名或手机号有误", "wrong ID number, name or mobile number"),
    ("1109", "卡号和证件号不符", "card number does not match the ID number"),
    ("1110", "卡状态异常", "abnormal card status"),
    ("1111", "交易异常，支付失败", "abnormal transaction, payment failed"),
    ("1112", "证件号有误", "wrong ID number"),
    ("1113", "持卡人姓名有误", "wrong card holder name"),
    ("1114", "手机号有误", "wrong mobile number"),
    ("1115", "该卡未预留手机号", "no mobile number registered with the bank for this card"),
    ("1200", "用户选择的银行暂不支持，请重新选择其他银行进行支付/签约", "bank not supported, choose another"),
    ("1201", "银行卡变更失败", "card change failed"),
    ("1202", "银行卡查询失败", "card query failed"),
    ("1805", "暂不支持该银行", "bank not supported"),
    ("1900", "短信码校验错误", "wrong SMS code"),
    ("1901", "短信码已失效", "SMS code expired"),
    ("1902", "该卡交易金额超出免密限额", "amount over the card's password-free limit"),
    ("2003", "支付单创建", "payment order created"),
    ("2004", "签约处理中", "card binding in progress"),
    ("2005", "原交易已在进行处理，请勿重复提交", "original transaction in progress, do not resubmit"),
    ("2006", "交易已过期", "transaction expired (order closed)"),
    ("2007", "交易已支付成功", "already paid"),
    ("2008", "交易处理中", "transaction processing; wait for the notification or query"),
    ("3001", "非法商户", "invalid merchant (payout: test accounts not supported)"),
    ("3002", "用户生成错误", "user account creation failed"),
    ("3003", "签约信息不存在", "agreement (no_agree) not found"),
    ("3004", "用户解约失败", "card unbinding failed"),
    ("3005", "查询跨度不得高于3个月", "query span over 3 months"),
    ("3006", "用户不存在", "user does not exist"),
    ("3007", "[user_id]查询不存在", "user_id not found"),
    ("3008", "查询截止日期错误", "wrong query end date"),
    ("3009", "重复签约", "duplicate binding"),
    ("3010", "商户支付权限不足", "insufficient payment permission"),
    ("3011", "用户签约信息不存在", "user's agreement not found"),
    ("4000", "解约失败，请联系发卡行", "unbinding failed, contact the card issuer"),
    ("4001", "该订单不存在或非复核状态", "payout: order not found or not awaiting confirmation"),
    ("4002", "疑似重复提交订单", "payout: suspected duplicate (same card and amount today); confirm with confirm_code"),
    ("4003", "收款银行卡和姓名不一致", "payout: account name does not match the card; confirm with confirm_code"),
    ("4004", "疑似重复提交订单且收款银行卡和姓名不一致", "payout: both 4002 and 4003; confirm with confirm_code"),
    ("4005", "商户未开通权限", "payout permission not opened for the merchant"),
    ("4006", "敏感信息加密异常", "payout: pay_load encryption error; query the order"),
    ("4007", "敏感信息解密异常", "payout: pay_load decryption error (usually the wrong key); query the order"),
    ("4008", "验证码次数超限", "payout: too many confirmation attempts (6)"),
    ("4009", "验证码异常", "payout: confirm code error; query the order"),
    ("4010", "验证码失效", "payout: confirm code expired (24 h); order closed"),
    ("4011", "验证码不匹配", "payout: confirm code does not match"),
    ("4012", "银行卡查询异常", "payout: card lookup error"),
    ("4013", "账户异常", "payout: account error (S8 numbering; S4 uses 4103)"),
    ("4014", "付款订单创建失败", "payout: order creation failed (S8 numbering; S4 uses 4104)"),
    ("4015", "大额行号查询失败", "payout: prcptcd lookup failed (S8 numbering; S4 uses 4105)"),
    ("4103", "账户异常", "payout: account error; may be resubmitted with the same no_order"),
    ("4104", "付款订单创建失败", "payout: order creation failed; may be resubmitted with the same no_order"),
    ("4105", "大额行号查询失败", "payout: prcptcd lookup failed"),
    ("5001", "卡bin校验失败", "card BIN check failed"),
    ("5002", "原始交易不存在", "original transaction not found"),
    ("5003", "退款金额错误", "wrong refund amount"),
    ("5004", "商户状态异常，无法退款", "merchant status abnormal, cannot refund"),
    ("5005", "退款失败，请重试", "refund failed, retry"),
    ("5006", "商户账户余额不足", "merchant account balance insufficient"),
    ("5007", "累计退款金额大于原交易金额", "cumulative refunds exceed the original amount"),
    ("5008", "原交易未成功", "original transaction not successful"),
    ("5501", "大额行号查询失败", "prcptcd lookup failed"),
    ("5502", "信用卡不支持提现", "credit cards cannot receive withdrawals"),
    ("5503", "商户提现权限不足", "no withdrawal permission"),
    ("5504", "商户操作权限不足", "no permission for this operation"),
    ("5505", "该银行未进行配置，请联系客服", "bank not configured, contact support"),
    ("5506", "商户备注解析失败", "memo could not be parsed"),
    ("5601", "支付方式和卡类型不匹配", "pay_type does not match the card type"),
    ("6001", "卡余额不足", "insufficient card balance"),
    ("6002", "该卡号未成功进行首次验证", "card has not passed its first verification"),
    ("6601", "获取银行请求地址失败，请稍后重试", "failed to get the bank endpoint, retry later"),
    ("7001", "用户已存在", "user_id already exists"),
    ("7017", "金额不正确", "wrong amount"),
    ("7018", "新增银行卡用户信息不一致", "new card's user information inconsistent"),
    ("7119", "分账信息有误（分期付定期扣款）", "wrong shareing_data"),
    ("7777", "需要补全签约信息", "agreement information must be completed"),
    ("8000", "用户信息不存在", "user information not found"),
    ("8001", "文件异常", "file error"),
    ("8002", "生成文件异常", "file generation error"),
    ("8003", "解析文件异常", "file parse error"),
    ("8006", "汇兑异常", "exchange error"),
    ("8010", "付款人信息不存在", "payer information not found"),
    ("8099", "实名认证失败", "real-name verification failed"),
    ("8101", "无此扣款计划信息", "no such repayment plan"),
    ("8102", "当前扣款计划已执行，请勿重复执行", "repayment plan already executed"),
    ("8103", "还款计划通知短信发送失败", "repayment plan SMS failed"),
    ("8104", "扣款失败", "debit failed"),
    ("8105", "变更还款次数超过限制", "too many repayment plan changes"),
    ("8106", "该签约协议号未授权该扣款协议号进行扣款", "repayment plan not authorised by this no_agree"),
    ("8107", "扣款计划校验失败", "repayment plan check failed"),
    ("8108", "变更计划失败", "plan change failed"),
    ("8109", "计划保存失败", "plan save failed"),
    ("8110", "验证码错误", "wrong verification code"),
    ("8111", "用户查询失败", "user query failed"),
    ("8112", "变更计划状态失败", "plan state change failed"),
    ("8113", "分期计划不存在", "no such instalment plan"),
    ("8114", "扣款方式不符", "wrong pay_type for the plan"),
    ("8115", "还款卡授权失败", "repayment card authorisation failed"),
    ("8116", "定时任务执行失败", "scheduled task failed"),
    ("8117", "幂等检查异常", "idempotency check error"),
    ("8888", "短信已下发，需要再次验证", "SMS sent, second verification needed"),
    ("8901", "没有记录", "no record"),
    ("8911", "没有风控记录", "no risk-control record"),
    ("9000", "银行维护中，请稍后再试", "bank under maintenance"),
    ("9002", "报文解析异常", "message parse error"),
    ("9091", "创建支付失败", "payment creation failed"),
    ("9092", "支付单号与订单号不一致", "oid_paybill does not match no_order"),
    ("9093", "无对应的支付单信息", "no such payment"),
    ("9094", "请求银行扣款失败", "bank debit request failed"),
    ("9104", "账户余额不足", "payout: insufficient merchant balance (S6: 对公账户余额不足)"),
    ("9700", "短信验证码错误", "wrong SMS code"),
    ("9701", "短信验证码和手机不匹配", "SMS code does not match the mobile number"),
    ("9702", "验证码错误次数超过最大次数,请重新获取进行验证", "too many wrong SMS codes, request a new one"),
    ("9703", "短信验证码失效,请重新获取", "SMS code expired, request a new one"),
    ("9704", "短信发送异常,请稍后重试", "SMS sending failed, retry later"),
    ("9901", "请求报文非法", "invalid request"),
    ("9902", "接口调用异常", "API call error"),
    ("9903", "请求无效，请稍后重试", "invalid request, retry later"),
    ("9907", "银行编码与卡不一致", "bank_code does not match the card"),
    ("9910", "风险等级过高", "risk level too high: rejected by risk control"),
    ("9911", "金额超过指定额度", "amount over the specified limit"),
    ("9912", "该卡不支持", "card not supported"),
    ("9913", "该卡已签约成功", "card already bound"),
    ("9920", "退款失败", "refund failed"),
    ("9921", "退款查询失败", "refund query failed"),
    ("9970", "银行系统日切处理中", "bank end-of-day processing, retry later"),
    ("9983", "商户订单号重复", "duplicate merchant order number"),
    ("9990", "银行交易出错，{银行返回的错误信息}，请稍后重试", "bank-side error, retry later"),
    ("9991", "银行交易出错，请联系客服，客服热线客服热线：4000188888", "bank-side error, contact support"),
    ("9999", "系统错误", "system error; query the order before treating it as failed"),
)

RETURN_CODES: dict[str, str] = {code: zh for code, zh, _ in _RETURN_CODE_TABLE}
"""ret_code -> Chinese ret_msg (protocol.md §6, [2+ SOURCES]: S8 return-codes.json, S6, S4)."""
RETURN_CODES_EN: dict[str, str] = {
    **{code: en for code, _, en in _RETURN_CODE_TABLE},
    "4572": "payment channel interception (S8 per protocol.md; Chinese ret_msg not recorded)",
}
"""ret_code -> English meaning (4572 is known only in English here)."""

RETURN_CODE_NOTES: dict[str, str] = {
    "1003": "[CONFLICT] The go-live guide calls 1003 a risky transaction; every code source says "
    "'payment in progress'. The risk-control rejection is 9910; 4572 is a channel interception.",
    "4013": "[CONFLICT, minor] S8 numbers these payout errors 4013-4015, the payout demo S4 4103-4105.",
    "4014": "[CONFLICT, minor] see 4013.",
    "4015": "[CONFLICT, minor] see 4013.",
    "4103": "[CONFLICT, minor] see 4013.",
    "4104": "[CONFLICT, minor] see 4013.",
    "4105": "[CONFLICT, minor] see 4013.",
    "9911": "[CONFLICT] payout demo S4: over the single-payout limit.",
    "9912": "[CONFLICT] payout demo S4: over the daily payout limit.",
    "9913": "[CONFLICT] payout demo S4: over the monthly payout limit.",
}
SDK_RETURN_CODE_PREFIX = "LE"
"""LE0000-LE9999 are SDK-side codes (user cancelled, handled in WAP/app, ...) [S8]."""

PAYOUT_QUERY_FIRST_CODES: frozenset[str] = frozenset({"1002", "2005", "4006", "4007", "4009", "9999"})
"""Payout answers that must never be taken as failure: query the order first (S4 isNeedQuery, §8)."""
PAYOUT_CONFIRM_CODES: frozenset[str] = frozenset({"4002", "4003", "4004"})
"""Payout answers that carry a confirm_code and wait for the confirm API within 24 h (§8)."""


def describe_return_code(code: str, lang: str = "zh") -> str:
    """Meaning of a ``ret_code`` for a report, in Chinese (``zh``) or English."""
    if lang == "zh" and code in RETURN_CODES:
        return RETURN_CODES[code]
    if code in RETURN_CODES_EN:
        return RETURN_CODES_EN[code]
    if code.startswith(SDK_RETURN_CODE_PREFIX):
        return "SDK 端返回码" if lang == "zh" else "SDK-side code"
    return "未知返回码" if lang == "zh" else "unknown return code"


# --- Bank codes (protocol.md §8, [2+ SOURCES]: S8 bank-code.json, S6 instant-payment.md) -------

BANK_CODES: dict[str, str] = {
    "01020000": "工商银行 ICBC",
    "01030000": "农业银行 ABC",
    "01040000": "中国银行 BOC",
    "01050000": "建设银行 CCB",
    "03080000": "招商银行 CMB",
    "03030000": "光大银行 CEB",
    "03100000": "浦发银行 SPDB",
    "01000000": "邮储银行 PSBC",
    "03010000": "交通银行 BOCOM",
    "03020000": "中信银行 CITIC",
    "03040000": "华夏银行 HXB",
    "03050000": "民生银行 CMBC",
    "03060000": "广发银行 CGB",
    "03070000": "平安银行 PAB",
    "03090000": "兴业银行 CIB",
    "04031000": "北京银行 BOB",
}
"""The banks protocol.md §8 lists (LianLian's full list has hundreds of local banks)."""

BRANCH_EXEMPT_PERSONAL: frozenset[str] = frozenset(
    {"01020000", "01030000", "01040000", "03080000", "03030000", "03100000"}
)
"""工、农、中、招、光大、浦发: personal (对私) payouts may omit city_code and branch (guide §十)."""
BRANCH_EXEMPT_CORPORATE: frozenset[str] = frozenset({"01050000"})
"""建行: corporate (对公) payouts may omit city_code and branch (guide §十)."""
BRANCH_EXEMPT_BANKS: frozenset[str] = BRANCH_EXEMPT_PERSONAL | BRANCH_EXEMPT_CORPORATE
"""The seven banks the go-live guide names. [1 SOURCE]; the transcribed payout doc (T2) speaks of
"14 banks" without listing them, so a longer list may apply [UNCERTAIN]."""


def branch_info_exempt(bank_code: str, flag_card: str) -> bool:
    """True if a payout to `bank_code` may omit city_code/brabank_name (or prcptcd).

    Follows the go-live guide literally: the six banks for personal payouts (``flag_card`` 0),
    CCB for corporate payouts (``flag_card`` 1). Whether CCB is also exempt for personal payouts
    is not stated; it is treated as not exempt so the finding errs towards asking for the branch.
    """
    if flag_card == "0":
        return bank_code in BRANCH_EXEMPT_PERSONAL
    if flag_card == "1":
        return bank_code in BRANCH_EXEMPT_CORPORATE
    return False


# --- Request / response value sets ------------------------------------------------------------

ID_TYPES = _codes(
    "id_type / user_info_id_type",
    "§3, §4.3",
    Confidence.CONFLICT,
    {
        "0": ("身份证（或营业执照）", "resident ID card (or business licence)"),
        "1": ("户口簿", "household register"),
        "2": ("护照", "passport"),
        "3": ("军官证", "military officer card"),
        "4": ("士兵证", "soldier card"),
        "5": ("港澳居民往来内地通行证", "Mainland travel permit for Hong Kong and Macau residents"),
        "6": ("台湾同胞往来内地通行证", "Mainland travel permit for Taiwan residents"),
        "7": ("临时身份证", "temporary ID card"),
        "8": ("外国人居留证", "foreigner residence permit"),
        "9": ("警官证", "police officer card"),
        "X": ("其他证件", "other document"),
        "10": ("组织机构代码", "organisation code"),
    },
    "S6's easypay pages call 4 the HK/Macau permit, contradicting every other list (4 soldier, 5 "
    "HK/Macau); the risk item docs say only 0 is currently supported for user_info_id_type.",
)
IDENTIFY_TYPES = _codes(
    "user_info_identify_type",
    "§4.3",
    Confidence.TWO_SOURCES,
    {
        "1": ("银行卡认证", "bank-card verification"),
        "2": ("现场认证", "on-site verification"),
        "3": ("身份证远程认证", "remote ID-card verification"),
        "4": ("其它认证", "other verification"),
    },
    "Required when user_info_identify_state is 1 (T1).",
)
IDENTIFY_STATES = _codes(
    "user_info_identify_state",
    "§4.3",
    Confidence.TWO_SOURCES,
    {"0": ("未实名认证", "not real-name verified"), "1": ("已实名认证", "real-name verified by the merchant")},
)
REAL_NAME_FLAGS = _codes(
    "frms_is_real_name",
    "§4.1",
    Confidence.ONE_SOURCE,
    {"0": ("非实名", "not real-name"), "1": ("实名", "real-name")},
)
USER_TYPES = _codes(
    "user_info_mercht_usertype",
    "§4.1",
    Confidence.ONE_SOURCE,
    {"1": ("普通用户", "normal user (default)"), "2": ("白名单用户", "white-listed / low-risk user")},
)
CLIENT_CHANNELS = _codes(
    "frms_client_chnl",
    "§4.2",
    Confidence.TWO_SOURCES,
    {"10": ("移动应用", "mobile app"), "13": ("PC 网页", "PC web"), "16": ("H5 / 移动网页", "H5 mobile web")},
    "One official SDK demo sends the text ' H5' (with a space); the numeric codes are the documented ones.",
)
APP_REQUEST = _codes(
    "app_request",
    "§3",
    Confidence.TWO_SOURCES,
    {"1": ("Android", "Android"), "2": ("iOS", "iOS"), "3": ("WAP/H5", "WAP/H5")},
)
FLAG_MODIFY = _codes(
    "flag_modify",
    "§3",
    Confidence.ONE_SOURCE,
    {"0": ("用户可修改姓名/证件号", "user may edit name and ID (default)"), "1": ("不可修改", "locked")},
    "认证支付 must send the identity fields with flag_modify=1 (S1 ToPayServlet comment).",
)
RESULT_PAY = _codes(
    "result_pay (payment)",
    "§5.1, §7.1",
    Confidence.TWO_SOURCES,
    {
        "SUCCESS": ("成功", "success"),
        "WAITING": ("等待支付", "waiting"),
        "PROCESSING": ("处理中", "processing"),
        "REFUND": ("已退款", "refunded"),
        "FAILURE": ("失败", "failure"),
    },
    "Only SUCCESS may credit an order; payment notifications are sent for successes only.",
)
PAYOUT_RESULT_PAY = _codes(
    "result_pay (payout)",
    "§8",
    Confidence.TWO_SOURCES,
    {
        "APPLY": ("付款申请", "applied"),
        "CHECK": ("复核申请", "awaiting confirmation"),
        "PROCESSING": ("付款处理中", "processing"),
        "SUCCESS": ("付款成功", "paid"),
        "FAILURE": ("付款失败", "failed"),
        "CANCEL": ("付款退款", "returned by the bank after success (notified after SUCCESS)"),
        "CLOSED": ("付款关闭", "closed"),
        "WAITING": ("等待付款", "waiting (S6 only)"),
    },
)
PAY_TYPES = _codes(
    "pay_type",
    "§5.1, §7.1, §7.2",
    Confidence.TWO_SOURCES,
    {
        "0": ("余额支付", "balance"),
        "1": ("网银借记卡", "online banking, debit card"),
        "2": ("快捷支付借记卡", "quick pay, debit card"),
        "3": ("快捷支付信用卡", "quick pay, credit card"),
        "8": ("网银信用卡", "online banking, credit card"),
        "9": ("B2B 企业网银", "B2B corporate online banking"),
        "D": ("认证支付", "authentication payment (认证支付)"),
        "P": ("新认证支付", "new authentication payment"),
        "I": ("（含义未公开）", "(meaning not documented)"),
        "L": ("（含义未公开）", "(meaning not documented)"),
        "M": ("（易支付，含义未确认）", "(easypay, unconfirmed)"),
        "F": ("（易支付，含义未确认）", "(easypay, unconfirmed)"),
    },
    "认证支付 results carry D (new auth: P); the bind-list query for 认证支付 must send pay_type D "
    "(guide §四). I, L, M, F appear in lists without a documented meaning.",
)
BUSI_PARTNERS = _codes(
    "busi_partner",
    "§3, §9",
    Confidence.TWO_SOURCES,
    {
        "101001": ("虚拟商品销售", "virtual goods"),
        "109001": ("实物商品销售", "physical goods"),
        "108001": ("外部账户充值", "external account top-up (S1 comment only)"),
        "202000": ("付款", "payout (seen in FKMX statements)"),
    },
)
CARD_TYPES = _codes(
    "card_type",
    "§7.2, §7.3",
    Confidence.TWO_SOURCES,
    {"2": ("借记卡", "debit card"), "3": ("信用卡", "credit card")},
)
FLAG_CARD = _codes(
    "flag_card",
    "§8",
    Confidence.CONFLICT,
    {"0": ("对私", "personal account"), "1": ("对公", "corporate account")},
    "All code and S6's own sample use 0/1; S6's parameter text says 1 personal / 2 business.",
)

# risk_item industry extras (protocol.md §4.4, S6 payment-risk-item.md) [1 SOURCE, two editions]
LOGISTICS_MODES = _codes(
    "logistics_mode",
    "§4.4",
    Confidence.ONE_SOURCE,
    {
        "1": ("邮政", "post"),
        "2": ("普通快递", "ordinary express"),
        "3": ("特快专递", "express delivery"),
        "4": ("物流货运公司", "logistics freight company"),
        "5": ("物流配送公司", "logistics and distribution company"),
        "6": ("国际快递", "international express"),
        "7": ("航运快递", "shipping express"),
        "8": ("海运", "ocean shipping"),
        "9": ("自提", "package deliver and pick-up"),
    },
    "Chinese titles are our translation of the English docs.",
)
DELIVERY_CYCLES = _codes(
    "delivery_cycle",
    "§4.4",
    Confidence.ONE_SOURCE,
    {
        "12h": ("12 小时内", "within 12 hours"),
        "24h": ("24 小时内", "within 24 hours"),
        "48h": ("48 小时内", "within 48 hours"),
        "72h": ("72 小时内", "within 72 hours"),
        "other": ("3 天以后", "after 3 days"),
    },
)
VIRTUAL_GOODS_STATUS = _codes(
    "virtual_goods_status",
    "§4.4",
    Confidence.ONE_SOURCE,
    {"0": ("不含虚拟商品", "no virtual goods"), "1": ("含虚拟商品", "contains virtual goods")},
)
GAME_ID_BELONGS = _codes(
    "game_id_belongs",
    "§4.4",
    Confidence.ONE_SOURCE,
    {"1": ("为本人账号充值", "own account"), "2": ("为他人账号充值", "another person's account (game_id required)")},
)

# frms_ware_category (protocol.md §4.5): T1 LianLianGoodsCategory.php only.
FRMS_WARE_CATEGORIES = _codes(
    "frms_ware_category",
    "§4.5",
    Confidence.UNCERTAIN,
    {
        "1001": ("虚拟卡充值（话费卡、游戏点卡）", "virtual cards (phone, game cards)"),
        "1002": ("虚拟钱包充值、虚拟账户充值", "virtual wallet / account top-up"),
        "1003": ("数字娱乐（网络游戏道具、彩铃影音）", "digital entertainment"),
        "1004": ("网络虚拟服务（门户、资讯、论坛、广告等）", "online virtual services"),
        "1005": ("网络推广营销（团购、优惠、促销）", "online marketing (group-buy, coupons)"),
        "1006": ("娱乐票务", "entertainment tickets"),
        "1007": ("博彩类（彩票）", "lottery"),
        "1008": ("中介、咨询服务", "agency and consulting"),
        "1009": ("生活服务（家政、物流快递等）", "life services"),
        "1010": ("个人话费充值", "personal mobile top-up"),
        "1999": ("其他（非实名虚拟类）", "other non-real-name virtual"),
        "2001": ("商旅机票、酒店预订", "business travel: air tickets, hotels"),
        "2002": ("旅游票务（酒店、景区、长途交通）", "travel tickets"),
        "2003": ("证券", "securities"),
        "2004": ("基金", "funds"),
        "2005": ("保险", "insurance"),
        "2006": ("贵金属交易", "precious metals"),
        "2007": ("技术开发、软件服务", "software and tech services"),
        "2008": ("娱乐、健身服务（会所、会员）", "entertainment and fitness memberships"),
        "2009": ("P2P 小额贷款", "P2P small loans"),
        "3001": ("教育、学费", "education and tuition"),
        "3002": ("公共事业缴费（水电煤、交通罚款）", "utilities and traffic fines"),
        "3999": ("其他（特殊低风险业务）", "other low-risk business"),
        "4001": ("家居百货", "household and department goods"),
        "4002": ("书籍、音像、文具", "books, media, stationery"),
        "4003": ("五金器材", "hardware and fitness equipment"),
        "4004": ("数码家电", "digital and home appliances"),
        "4005": ("礼品、保健品、化妆品", "gifts, health products, cosmetics"),
        "4006": ("药品", "medicine"),
        "4007": ("收藏、工艺品、黄金首饰", "collectibles, crafts, gold and jewellery"),
        "4008": ("农产品", "agricultural products"),
        "4100": ("外贸出口", "export trade"),
        "4999": ("其他实物类商品", "other physical goods"),
        "5001": ("房地产", "real estate"),
        "5002": ("汽车", "cars"),
        "5003": ("奢侈品", "luxury goods"),
        "5999": ("其他大额商品", "other large-ticket goods"),
    },
    "Only a third-party transcription (T1) exists; 2009 is confirmed by LianLian's own example. "
    "T1 also lists 3999 among the real-name codes (probably a slip). Categories are assigned per "
    "merchant by LianLian: compare with the assigned value, use this list only to name it.",
)
FRMS_WARE_CATEGORIES_SEEN_UNLISTED: frozenset[str] = frozenset({"2010", "2013", "2025", "2026", "4009"})
"""Codes used by live merchant integrations but absent from T1 (§4.5): valid, meaning unknown."""
