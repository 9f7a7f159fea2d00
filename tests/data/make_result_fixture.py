"""Writes tests/data/result_fixture.json: one fixed, realistic golive.result/2 for the reporters'
golden tests and the screenshots in docs/screenshots/.

It is the result of a demo-merchant run with live probes, written out by hand so it does not move
when the catalogue grows, and built through the typed model (golive.result): the checks are
`CheckEntry` values, and every judgement the reports show -- the gate per check, the verdict
reasons, item states, staff rows, attestations -- comes from the engine's own functions
(golive.verdict), so the fixture cannot say what the engine never would: every go-live item, every status (pass, fail, error, not_applicable,
manual, waived, skipped), findings with config/capture/ledger locations, HTTP exchanges with
timings, capture records, attestations, an active and an expired waiver.

It also PLANTS what must never reach a report -- a full card number, an ID number, a mobile number,
a full name, an MD5 key (in an ``&key=`` sign source and an ``md5_key`` field), a private-key PEM,
and the shapes that field names alone miss: card numbers in groups with spaces or dashes, +86
mobiles, names under ``payer`` and ``holder``, a broken ledger row quoted in a note -- plus a
``<script>`` value and terminal control sequences, to prove that the redaction pass
(golive.redact.redact_result, run when `golive report --from` reads a result) masks and that every
format escapes. Run: ``python tests/data/make_result_fixture.py``.

The golive.result/1 fixture it replaced is kept as written (tests/data/v1/result_fixture.json): it
must read back as the same result (tests/test_result_model.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from golive.result import (
    RESULT_SCHEMA,
    CheckEntry,
    EvidenceState,
    Finding,
    InputFile,
    Location,
    Merchant,
    Profile,
    Provenance,
    Result,
    Text,
    Tool,
    Waiver,
    location_text,
)
from golive.verdict import gate_reasons, gating, summarize

FAIL_ON = "high"

PLANTED = {
    "card": "6222021234567890123",
    "id_no": "110101199003074518",
    "phone": "13812345678",
    "name": "张三丰",
    "md5_key": "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc",
    "pem_body": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDPlantedSecretKeyBody",
    "script": "<script>alert(1)</script>",
    "card_spaced": "6222 0212 3456 7890 123",
    "card_dashed": "6217-0012-3456-7890-987",
    "phone_cc": "+86 138 0013 8000",
    "phone_glued": "+8613800138000",
    "phone_dashed": "86-139-0013-9000",
    "payer": "李四光",
    "holder": "欧阳锋",
    "controls": "\x1b[31m红\x1b[0m\x1b]0;pwned\x07\x9b2J\x00\u202e",
}
PEM = f"-----BEGIN PRIVATE KEY-----\n{PLANTED['pem_body']}\n-----END PRIVATE KEY-----\n"
CAPTURES = "captures/integration.jsonl"
LEDGER = "captures/ledger.csv"
CONFIG = "golive.yaml"
NOTIFY = "http://127.0.0.1:8000/llpay/notify"


def tx(zh: str, en: str) -> Text:
    return Text(zh, en)


def loc(file: str, line: int | None, pointer: str | None) -> Location:
    return Location(file=file, line=line, pointer=pointer, text=location_text(file, line, pointer))


def finding(zh: str, en: str, location: Location | None, severity: str, data: dict[str, Any] | None = None,
            uncertain: bool = False) -> Finding:
    return Finding(message=tx(zh, en), location=location, severity=severity, uncertain=uncertain,  # type: ignore[arg-type]
                   data=data or {})


def notify_body(no_order: str, result_pay: str = "SUCCESS") -> str:
    return json.dumps({
        "oid_partner": "201811230001000001", "sign_type": "MD5", "dt_order": "20261128102501",
        "no_order": no_order, "oid_paybill": "2026112800012345", "money_order": "0.01", "result_pay": result_pay,
        "settle_date": "20261128", "info_order": "演示订单", "pay_type": "D", "bank_code": "01020000",
        "no_agree": "2026112800000123", "id_type": "0", "id_no": PLANTED["id_no"], "acct_name": PLANTED["name"],
        "sign": "3f1d0c2a9b7e4d5c6a8b9c0d1e2f3a4b",
    }, ensure_ascii=False, separators=(",", ":"))


ACK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def exchange(label: str, no_order: str, *, status: int | None = 200, body: str | None = ACK, elapsed: float = 12.4,
             error: str | None = None, url: str = NOTIFY, request_body: str | None = None) -> dict[str, Any]:
    return {
        "kind": "http", "label": label, "method": "POST", "url": url, "status": status, "elapsed_ms": elapsed,
        "request": {"headers": {"Content-Type": "application/json;charset=UTF-8"},
                    "body": request_body if request_body is not None else notify_body(no_order)},
        "response": None if status is None else {"headers": {"Content-Type": "application/json"}, "body": body},
        "error": error,
    }


META: dict[str, dict[str, Any]] = {}


def meta(check_id: str, item: str, severity: str, title: tuple[str, str], rationale: tuple[str, str],
         remediation: tuple[str, str], references: list[str]) -> None:
    META[check_id] = {"item": item, "severity": severity, "title": tx(*title), "rationale": tx(*rationale),
                      "remediation": tx(*remediation), "references": references}


meta("LL-RSK-001", "review.risk", "high", ("risk_item 以字符串形式传递 JSON 对象", "risk_item is sent as a string holding a JSON object"),
     ("风控参数 risk_item 是一个 JSON 字符串，签名时按原文参与待签名串；传嵌套对象会导致签名或风控解析失败。",
      "risk_item is a string holding JSON and is signed verbatim; a nested object breaks signing or risk parsing."),
     ("把风控参数序列化为 JSON 字符串后再放入 risk_item。", "Serialise the risk fields to a JSON string and put that string in risk_item."),
     ["guide 四 风控参数", "protocol.md §4"])
meta("LL-RSK-002", "review.risk", "high", ("商户类型要求的风控参数齐全且非空", "Every risk field the merchant type requires is present"),
     ("实名理财类商户须传基本风控参数 + 实名类风控参数中的必传项，这是上线审核第 1 项。",
      "Wealth merchants must send the required basic and real-name risk fields; it is launch review item 1."),
     ("按画像列出的必传字段补齐 risk_item（golive profiles wealth_realname）。",
      "Add every required field the profile lists to risk_item (golive profiles wealth_realname)."),
     ["guide 四 风控参数", "protocol.md §4.1, §4.3"])
meta("LL-RSK-003", "review.risk", "high", ("风控字段格式正确（时间、手机号、身份证号、代码）", "Risk field formats (datetimes, mobiles, ID numbers, codes)"),
     ("格式错误的风控字段等同于未传，风控系统无法使用。", "A malformed risk field is as good as missing to LianLian's risk system."),
     ("时间用 14 位真实时间 yyyyMMddHHmmss，身份证号校验位按 GB 11643 计算。",
      "Use real 14-digit yyyyMMddHHmmss datetimes and GB 11643 check digits."),
     ["protocol.md §4.2"])
meta("LL-RSK-004", "review.risk", "medium", ("frms_ware_category 为连连分配的类目", "frms_ware_category is the category LianLian assigned"),
     ("商品类目决定风控策略。", "The category selects LianLian's risk strategy."),
     ("使用连连分配的类目代码。", "Use the category code LianLian assigned."), ["protocol.md §4.1"])
meta("LL-RSK-005", "review.risk", "medium", ("风控字段前后一致", "Risk fields are consistent with each other"),
     ("用户号、实名信息与注册时间互相矛盾会被风控判定为可疑。", "Contradicting user ids, names or register dates look suspicious to risk control."),
     ("user_info_mercht_userno 与 user_id 一致；实名字段与 acct_name/id_no 一致。",
      "Keep user_info_mercht_userno equal to user_id and real-name fields equal to acct_name/id_no."), ["protocol.md §4.3"])
meta("LL-RSK-006", "review.risk", "high", ("认证支付身份信息：id_type、id_no、acct_name 与 flag_modify=1；复用 no_agree",
                                           "认证支付 identity: id_type, id_no, acct_name, flag_modify=1; no_agree reused"),
     ("认证支付依据身份信息验证持卡人；重复支付应传签约协议号 no_agree，不应同时传卡号。",
      "认证支付 verifies the cardholder by identity; repeat payments pass no_agree, not the card number as well."),
     ("首次支付传身份三要素并设 flag_modify=1；之后只传 no_agree。",
      "Send the identity fields with flag_modify=1 first; afterwards send no_agree only."), ["guide 四 风控参数", "protocol.md §5"])
meta("LL-NTF-001", "review.notify", "high", ("notify_url 为公网可访问的 http(s) 绝对地址", "notify_url is an absolute public http(s) URL"),
     ("异步通知地址须外网可访问，以 http 或 https 开头。", "The notification URL must be reachable from the internet and start with http or https."),
     ("使用公网域名的 https 地址，长度不超过 128 个字符。", "Use a public https URL of at most 128 characters."), ["guide 五 异步通知和同步通知"])
meta("LL-NTF-002", "review.notify", "blocker", ("异步通知正确响应：HTTP 200 且返回 ret_code 0000", "Notification acknowledged: HTTP 200 with ret_code 0000"),
     ("未正确响应时连连会重复通知约 30 次。", "Without the exact acknowledgement LianLian re-sends about 30 times."),
     ('收到并处理通知后返回 {"ret_code":"0000","ret_msg":"交易成功"}（合法 JSON，双引号）。',
      'After processing, answer {"ret_code":"0000","ret_msg":"交易成功"} (valid JSON, double quotes).'), ["guide 五 异步通知和同步通知"])
meta("LL-NTF-003", "review.notify", "blocker", ("重复通知（约每 2 分钟一次，共 30 次）只入账一次", "Redelivered notifications (every ~2 min, 30 times) credit once"),
     ("一笔订单只能成功入账一次。", "One order may be credited only once."),
     ("以订单号加锁或用条件更新保证只入账一次，并对每次重复通知都返回 0000。",
      "Credit under a lock or conditional update on the order number, and acknowledge every copy."), ["guide 五 异步通知和同步通知"])
meta("LL-NTF-004", "review.notify", "blocker", ("并发重复通知只入账一次", "Concurrent duplicate notifications credit once"),
     ("先查后改（check-then-act）在并发下会重复入账。", "Check-then-act crediting double-credits under concurrency."),
     ("在同一事务中用 UPDATE ... WHERE status='pending' 之类的条件更新入账，并检查受影响行数。",
      "Credit with a conditional update (UPDATE ... WHERE status='pending') in one transaction and check the row count."),
     ["guide 五 异步通知和同步通知"])
meta("LL-NTF-005", "review.notify", "blocker", ("伪造通知（签名错误、密钥错误、签名方式不符）不入账", "Forged notifications are not credited"),
     ("不验签的通知处理等于允许任何人给自己充值。", "A handler that does not verify lets anyone credit themselves."),
     ("按商户站配置的签名方式验签，失败时不入账也不返回 0000。",
      "Verify with the merchant-site sign method; on failure neither credit nor answer 0000."), ["protocol.md §2.5"])
meta("LL-NTF-006", "review.notify", "blocker", ("被篡改的通知（金额、订单号、商户号）不入账", "Tampered notifications are not credited"),
     ("验签通过后仍须核对金额、订单与商户号。", "After verifying, amounts, orders and merchant number must still match."),
     ("核对 money_order、no_order 与 oid_partner 与本地订单一致。", "Compare money_order, no_order and oid_partner with the local order."),
     ["protocol.md §3"])
meta("LL-NTF-007", "review.notify", "high", ("result_pay 非 SUCCESS 不入账", "A result_pay other than SUCCESS credits nothing"),
     ("订单状态以 result_pay 为准。", "The order state is result_pay's."), ("仅在 result_pay=SUCCESS 时入账。", "Credit only when result_pay is SUCCESS."),
     ["guide 五 异步通知和同步通知"])
meta("LL-NTF-008", "review.notify", "high", ("按商户站配置的签名方式验签回调", "Callbacks verified with the merchant-site sign method"),
     ("异步回调按商户站配置的签名方式签名，而非支付请求的 sign_type。",
      "Callbacks are signed with the merchant-site method, not the request's sign_type."),
     ("验签时以商户站配置（notify_sign_type）为准。", "Verify with the merchant-site method (notify_sign_type)."), ["guide 三 接口联调", "protocol.md §2.5"])
meta("LL-NTF-009", "review.notify", "high", ("抓包中的通知均被正确响应且未重复入账", "Captured notifications acknowledged, none credited twice"),
     ("无法开放测试服务器的商户可用抓包证明。", "Merchants without a reachable staging server can prove it from captures."),
     ("提供包含异步通知请求与响应的抓包。", "Provide captures holding the notification exchanges."), ["guide 五 异步通知和同步通知"])
meta("LL-RET-001", "review.notify", "blocker", ("伪造的同步返回不入账", "A forged synchronous return credits nothing"),
     ("同步返回只用于页面展示，只通知一次，不能作为入账依据。", "The synchronous return is for display only and must never credit."),
     ("只根据已验签的异步通知入账。", "Credit only from verified asynchronous notifications."), ["guide 五 异步通知和同步通知"])
meta("LL-CRD-001", "review.same_card", "blocker", ("提现到非支付卡被拒绝", "Withdrawal to a card other than the paying card is refused"),
     ("认证支付限额大、风险高，提现的卡必须是支付的卡。", "认证支付 has high limits; withdrawals must go to the paying card."),
     ("提现前校验目标卡（no_agree 或卡号后 4 位）与用户支付卡一致。", "Check the withdrawal card against the user's paying card."), ["guide 七 同卡进出"])
meta("LL-CRD-002", "review.same_card", "blocker", ("提现金额不超过支付加收益减已提现", "Withdrawals never exceed paid + earnings - withdrawn"),
     ("提现金额不能多于支付金额加收益总和。", "Withdrawals may not exceed the payments plus earnings."),
     ("按用户汇总支付、收益与已提现金额后再放行提现。", "Sum payments, earnings and withdrawals per user before allowing a withdrawal."), ["guide 七 同卡进出"])
meta("LL-CRD-003", "review.same_card", "blocker", ("台账审计：每笔提现都符合同卡进出", "Ledger audit: every withdrawal keeps same card in, same card out"),
     ("台账中已经发生的违规提现说明控制并未生效。", "A violating withdrawal in the ledger shows the control is not in place."),
     ("排查违规提现并修复提现校验。", "Investigate the violating withdrawals and fix the withdrawal checks."), ["guide 七 同卡进出"])
meta("LL-REG-001", "release.registration", "high", ("页面域名与 notify_url、url_return 的主机已报备", "Page domains and notify_url / url_return hosts are registered"),
     ("正式商户号会校验来源域名，未报备返回 1008。", "Production merchants have source domains checked; unregistered ones get 1008."),
     ("下载报备表格，盖章后发送到指定邮箱。", "Send the stamped registration form by e-mail."), ["guide 六 鉴权配置(域名、IP)"])
meta("LL-REG-002", "release.registration", "high", ("服务器出口 IP 已报备", "Server egress IPs are registered"),
     ("API 查询等接口校验服务器外网 IP。", "Query APIs check the server's public IP."), ("报备所有出口 IP。", "Register every egress IP."),
     ["guide 六 鉴权配置(域名、IP)"])
meta("LL-REG-003", "release.registration", "high", ("SDK 渠道的应用标识已报备", "App identifiers registered for SDK channels"),
     ("App SDK 渠道按应用标识鉴权。", "App SDK channels are authorised by app identifier."), ("报备 iOS Bundle ID 与 Android 包名。", "Register bundle ids and package names."),
     ["guide 九 正式发布前确认事项 1"])
meta("LL-LIM-001", "release.limits", "high", ("环境一致：生产配置无测试商户号、测试地址", "Environment consistency: no test merchant or hosts in production"),
     ("联调阶段每个用户单笔单日限额只有 10 元。", "During integration each user is limited to 10 CNY a day."),
     ("生产配置使用正式商户号与公网 https 回调地址。", "Use the production merchant number and public https URLs."), ["guide 七 同卡进出"])
meta("LL-LIM-002", "release.limits", "high", ("生产支付限额已开通（需确认人与日期）", "Production payment limits opened (attested by whom, when)"),
     ("上线审核后由连连市场同事开通限额，需要有人确认。", "LianLian's market staff open limits after the review; someone must attest it."),
     ("在 limits.production_opened 中记录确认人和日期。", "Record who confirmed it and when under limits.production_opened."), ["guide 九 正式发布前确认事项 2"])
meta("LL-LIM-003", "release.limits", "medium", ("风控白名单未过期（默认 7 天，最长 30 天）", "Card whitelist entries are not expired (7 days default, 30 max)"),
     ("白名单过期后测试或审核用的支付可能被风控拦截（1003）。", "Expired whitelist entries get test payments blocked (1003)."),
     ("到期前重新发送规则免疫申请表，并更新 whitelist: 中的日期。", "Re-send the rule-immunity form before expiry and update whitelist:."),
     ["guide 四 风控参数"])
meta("LL-SIG-001", "integration.signature", "high", ("签名方式为 MD5 或 RSA，且声明了商户站回调签名方式", "sign_type is MD5 or RSA and the merchant-site callback method is declared"),
     ("异步回调按商户站配置的签名方式返回。", "Callbacks use the method configured on the merchant site."), ("设置 signing.sign_type 与 signing.notify_sign_type。", "Set signing.sign_type and signing.notify_sign_type."),
     ["guide 三 接口联调", "protocol.md §2.5"])
meta("LL-SIG-004", "integration.signature", "blocker", ("商户 RSA 私钥可用、长度足够且与上传商户站的公钥匹配", "Merchant RSA private key usable, long enough, matching the uploaded public key"),
     ("公钥记得上传（重要的事情说 3 遍）。", "Upload the public key (the guide says it three times)."), ("重新生成密钥对并上传公钥至商户站。", "Regenerate the pair and upload the public key to the merchant site."),
     ["guide 三 接口联调", "protocol.md §2.3"])
meta("LL-SIG-006", "integration.signature", "blocker", ("抓包请求的 sign 均能按标准待签名串验签", "Every captured request's sign verifies over the canonical sign source"),
     ("待签名串规则错误是最常见的联调问题。", "A wrong sign source is the most common integration bug."), ("按 protocol.md §2.1 构造待签名串：去空值、按键排序、key=value 以 & 连接。", "Build the sign source per protocol.md §2.1."),
     ["protocol.md §2.1"])
meta("LL-SIG-007", "integration.signature", "high", ("密钥不写在配置中、不提交到仓库，密钥文件仅本人可读", "Secrets not inline or committed; key files not group/world readable"),
     ("泄露的私钥或 MD5 密钥可被用来伪造请求。", "A leaked private or MD5 key lets anyone forge requests."), ("用环境变量或权限 600 的文件保存密钥。", "Keep keys in environment variables or files with mode 600."),
     ["protocol.md §2"])
meta("LL-SIG-008", "integration.signature", "medium", ("签名陷阱：字面量 null、首尾空格、非字符串值", "Signing pitfalls: literal null, stray spaces, non-string values"),
     ("连连服务器是否剔除字面量 \"null\" 尚不确定。", "Whether LianLian drops literal \"null\" values is UNCERTAIN."), ("不要传字面量 null；空值直接省略。", "Never send a literal null; omit empty values."),
     ["protocol.md §2.6", "protocol.md §11"])
meta("LL-PAY-001", "integration.payout", "high", ("代付请求使用 RSA 签名", "Payout requests are RSA-signed"),
     ("提现接口只支持 RSA 签名方式。", "The payout API accepts RSA only."), ("代付接口使用 RSA 签名。", "Sign payout requests with RSA."), ["guide 十 商户付款"])
meta("LL-REC-001", "integration.reconciliation", "medium", ("已配置对账来源（商户站或 SFTP）", "Reconciliation source configured (merchant site or SFTP)"),
     ("连连每天 8 点前生成前一天的对账文件，按清算日期 settle_date 对账。", "LianLian publishes the previous day's statement by 8:00, keyed by settle_date."),
     ("确认由谁每天下载对账文件并与台账核对。", "Confirm who downloads the statement daily and reconciles it."), ["guide 九 商户对账"])
meta("LL-SEC-001", "integration.hygiene", "high", ("仓库中无私钥与 MD5 密钥", "No private keys or MD5 keys committed"),
     ("提交到仓库的密钥应视为已泄露。", "A committed key must be treated as leaked."), ("删除并更换已提交的密钥。", "Remove and rotate committed keys."), ["protocol.md §2"])


def check(check_id: str, status: str, *, checked: tuple[str, str] | None = None, reason: tuple[str, str] | None = None,
          findings: list[Finding] | None = None, evidence: list[dict[str, Any]] | None = None,
          waiver: Waiver | None = None, expired_waiver: Waiver | None = None,
          severity: str | None = None, duration: float = 0.4) -> CheckEntry:
    m = META[check_id]
    effective = severity or m["severity"]
    return CheckEntry(
        id=check_id, status=status, severity=effective, item=m["item"],  # type: ignore[arg-type]
        title=m["title"], rationale=m["rationale"], remediation=m["remediation"],
        references=tuple(m["references"]), checked=tx(*checked) if checked else None,
        reason=tx(*reason) if reason else None, findings=tuple(findings or ()), evidence=tuple(evidence or ()),
        waiver=waiver, expired_waiver=expired_waiver, attestation=None, duration_ms=duration,
        gating=gating(effective, FAIL_ON),
    )


W_RSK = Waiver(check="LL-RSK-006", justification="老用户首笔复购同时传卡号与协议号，已与连连对接技术确认过渡期内允许，12 月版本修复",
               approver="王五（风控负责人）", expires="2027-01-31", active=True, source="waivers.yaml")
W_SIG = Waiver(check="LL-SIG-007", justification="演示商户的密钥是公开的演示数据，按设计提交在仓库中",
               approver="李四（安全负责人）", expires="2027-06-30", active=True, source="waivers.yaml")
W_LIM = Waiver(check="LL-LIM-003", justification="白名单续期申请已发出", approver="赵六",
               expires="2026-11-20", active=False, source="waivers.yaml")

RECORD_FIELDS = {
    "oid_partner": "201811230001000001", "no_order": "20261128102501001", "dt_order": "20261128102501",
    "money_order": "0.01", "name_goods": PLANTED["script"], "id_type": "0", "id_no": PLANTED["id_no"],
    "acct_name": PLANTED["name"], "card_no": PLANTED["card"], "flag_modify": "1",
    "risk_item": json.dumps({"frms_ware_category": "2009", "user_info_mercht_userno": "u1001",
                             "user_info_bind_phone": PLANTED["phone"], "user_info_dt_register": "20250301120000",
                             "user_info_full_name": PLANTED["name"], "user_info_id_no": PLANTED["id_no"],
                             "user_info_identify_state": "1"}, ensure_ascii=False, separators=(",", ":")),
    "sign_type": "RSA",
}

CHECKS = [
    check("LL-RSK-001", "pass", checked=("12 条支付请求的 risk_item（web 5 条，wap 7 条）", "risk_item of 12 pay requests (5 web, 7 wap)"),
          evidence=[{"kind": "record", "file": CAPTURES, "line": 3, "channel": "wap", "fields": RECORD_FIELDS}]),
    check("LL-RSK-002", "fail", checked=("12 条支付请求，按画像 wealth_realname 的 14 个必传字段", "12 pay requests against the 14 required fields of wealth_realname"),
          findings=[finding("缺少必传风控字段 user_info_identify_type（user_info_identify_state=1 时必传）",
                            "required risk field user_info_identify_type is missing (required when user_info_identify_state is 1)",
                            loc(CAPTURES, 7, "risk_item.user_info_identify_type"), "high",
                            {"field": "user_info_identify_type", "no_order": "20261128102501001"}),
                    finding("缺少必传风控字段 user_info_dt_register", "required risk field user_info_dt_register is missing",
                            loc(CAPTURES, 9, "risk_item.user_info_dt_register"), "high", {"field": "user_info_dt_register"})],
          evidence=[{"kind": "record", "file": CAPTURES, "line": 7, "channel": "wap", "fields": RECORD_FIELDS}]),
    check("LL-RSK-003", "fail", severity="medium", checked=("12 条支付请求中的 86 个风控字段值", "86 risk field values in 12 pay requests"),
          findings=[finding(f"身份证号校验位错误（{PLANTED['id_no'][:-1]}3）", f"ID number check digit is wrong ({PLANTED['id_no'][:-1]}3)",
                            loc(CAPTURES, 11, "risk_item.user_info_id_no"), "medium", {"user_info_id_no": PLANTED["id_no"]}),
                    finding("user_info_dt_register 不是真实时间：20261301120000（13 月）",
                            "user_info_dt_register is not a real datetime: 20261301120000 (month 13)",
                            loc(CAPTURES, 12, "risk_item.user_info_dt_register"), "medium")]),
    check("LL-RSK-004", "pass", checked=("frms_ware_category = 2009（连连分配：2009）", "frms_ware_category = 2009 (assigned: 2009)")),
    check("LL-RSK-005", "pass", checked=("12 条支付请求的用户号、实名字段与注册时间", "user ids, real-name fields and register dates of 12 pay requests")),
    check("LL-RSK-006", "waived", checked=("12 条认证支付请求的身份信息与协议号", "identity fields and no_agree of 12 认证支付 requests"),
          findings=[finding("重复支付同时传了 card_no 和 no_agree", "repeat payment sends card_no together with no_agree",
                            loc(CAPTURES, 10, "card_no"), "high", {"card_no": PLANTED["card"], "no_agree": "2026112800000123"})],
          waiver=W_RSK),
    check("LL-NTF-001", "pass", checked=("notify_url = https://pay.demo-merchant.example/llpay/notify（57 字符）",
                                         "notify_url = https://pay.demo-merchant.example/llpay/notify (57 chars)")),
    check("LL-NTF-002", "pass", checked=("1 条正确签名的 SUCCESS 通知，响应 12.4 ms", "one correctly signed SUCCESS notification, answered in 12.4 ms"),
          evidence=[exchange("SUCCESS 通知 / notification", "D20261128102501", elapsed=12.4)], duration=31.7),
    check("LL-NTF-003", "pass", checked=("同一通知重发 30 次（间隔压缩为 50 ms）", "the same notification re-sent 30 times (interval compressed to 50 ms)"),
          evidence=[{"kind": "probe", "copies": 30, "acked": 30, "credits": 1, "no_order": "D20261128102502"},
                    exchange("第 30 次重发 / copy 30", "D20261128102502", elapsed=9.8)], duration=1840.2),
    check("LL-NTF-004", "fail", checked=("16 条相同通知并发发送", "a burst of 16 identical notifications"),
          findings=[finding("订单 D20261128102503 收到 16 条并发重复通知后入账 2 次（应为 1 次）",
                            "order D20261128102503 was credited 2 times after a burst of 16 identical notifications (expected once)",
                            loc(CONFIG, 41, "live.credits"), "blocker", {"no_order": "D20261128102503", "burst": 16, "credits": 2})],
          evidence=[{"kind": "probe", "burst": 16, "acked": 16, "credits": 2, "no_order": "D20261128102503"},
                    exchange("并发 #1 / burst #1", "D20261128102503", elapsed=38.1),
                    exchange("并发 #2 / burst #2", "D20261128102503", elapsed=41.6)], duration=220.5),
    check("LL-NTF-005", "pass", checked=("3 条伪造通知：签名错误、错误密钥、RSA 签名（商户站配置为 MD5）",
                                         "3 forged notifications: bad signature, wrong key, RSA (merchant site uses MD5)"),
          evidence=[exchange("签名错误 / bad signature", "D20261128102504", status=200,
                             body=json.dumps({"ret_code": "9999", "ret_msg": "sign error", "payer": PLANTED["payer"],
                                              "holder_phone": PLANTED["phone_dashed"]}, ensure_ascii=False,
                                             separators=(",", ":")), elapsed=6.2)]),
    check("LL-NTF-006", "pass", checked=("3 条篡改通知：金额、未知订单号、其他商户号", "3 tampered notifications: amount, unknown order, other merchant")),
    check("LL-NTF-007", "pass", checked=("result_pay=FAILURE 的通知", "a notification with result_pay=FAILURE")),
    check("LL-NTF-008", "error", reason=("探测未完成：http://127.0.0.1:8000/llpay/notify 在 5 秒内没有响应",
                                         "probe inconclusive: http://127.0.0.1:8000/llpay/notify did not answer within 5 s"),
          evidence=[exchange("RSA 签名通知 / RSA-signed notification", "D20261128102505", status=None, body=None, elapsed=5000.0,
                             error="timed out after 5.0 s")], duration=5003.1),
    check("LL-NTF-009", "not_applicable", reason=("抓包中没有异步通知请求", "no notification exchanges in the captures")),
    check("LL-RET-001", "pass", checked=("伪造的同步返回（POST 表单与 WAP res_data）", "forged synchronous returns (POST form and WAP res_data)"),
          evidence=[exchange("伪造同步返回 / forged return", "D20261128102506", url="http://127.0.0.1:8000/pay/return",
                             body="<html><body>支付结果处理中</body></html>", elapsed=4.1,
                             request_body="res_data=%7B%22no_order%22%3A%22D20261128102506%22%7D")]),
    check("LL-CRD-001", "pass", checked=("提现到另一张卡（并以原卡提现作为对照，已成功）", "withdrawal to another card (positive control to the paying card succeeded)"),
          evidence=[{"kind": "http", "label": "对照：原卡提现 / control: paying card", "method": "POST",
                     "url": "http://127.0.0.1:8000/test/withdrawals", "status": 200, "elapsed_ms": 7.3,
                     "request": {"body": '{"user":"u1001","card":"2026112800000123","amount":"0.01"}'},
                     "response": {"body": '{"result":"ACCEPTED"}'}},
                    {"kind": "http", "label": "他卡提现 / other card", "method": "POST",
                     "url": "http://127.0.0.1:8000/test/withdrawals", "status": 200, "elapsed_ms": 6.9,
                     "request": {"body": '{"user":"u1001","card":"2026112899999999","amount":"0.01"}'},
                     "response": {"body": '{"result":"REFUSED","reason":"card mismatch"}'}}]),
    check("LL-CRD-002", "pass", checked=("超额提现（支付 0.01 + 收益 0.00 − 已提现 0.01）", "an over-limit withdrawal (paid 0.01 + earnings 0.00 - withdrawn 0.01)")),
    check("LL-CRD-003", "fail", checked=("台账 48 行（支付 20、收益 8、提现 20）", "48 ledger rows (20 payments, 8 earnings, 20 withdrawals)"),
          findings=[finding("用户 u1007 的提现到卡 **9876，而其支付卡为 **1234", "user u1007 withdrew to card **9876 but paid with card **1234",
                            loc(LEDGER, 14, "card"), "blocker", {"user_id": "u1007", "no_order": "W20261127000014", "card": "9876",
                                                                  "card_no": PLANTED["card"], "payer": PLANTED["payer"],
                                                                  "holder": PLANTED["holder"]})],
          evidence=[{"kind": "ledger", "rows": 48, "broken_rows": 1, "skipped": [
              {"location": f"{LEDGER}:17", "reason": "expected 7 fields, got 8: u1009,withdrawal,W20261127000017,5.00,"
                                                     f"{PLANTED['card_spaced']},{PLANTED['phone_cc']},20261127100017,success"},
              {"location": f"{LEDGER}:18", "reason": f"time '{PLANTED['card_dashed']}' is not ISO 8601; "
                                                     f"user_id {PLANTED['phone_glued']}"}]}]),
    check("LL-REG-001", "pass", checked=("2 个主机：www.demo-merchant.example、pay.demo-merchant.example",
                                         "2 hosts: www.demo-merchant.example, pay.demo-merchant.example")),
    check("LL-REG-002", "pass", checked=("1 个出口 IP：203.0.113.10", "1 egress IP: 203.0.113.10")),
    check("LL-REG-003", "not_applicable", reason=("未使用 App SDK 渠道（android、ios）", "no App SDK channel (android, ios) in use")),
    check("LL-LIM-001", "pass", checked=("联调配置（每用户单笔单日 10 元）", "integration config (10 CNY per user per day)")),
    check("LL-LIM-002", "not_applicable", reason=("联调环境：限额在上线审核通过后开通", "integration: limits are opened after the launch review")),
    check("LL-LIM-003", "fail", checked=("1 条风控白名单", "1 whitelist entry"),
          findings=[finding("白名单卡 **1234 已于 2026-11-20 过期（7 天）", "whitelisted card **1234 expired on 2026-11-20 (7 days)",
                            loc(CONFIG, 24, "whitelist[0]"), "medium", {"expired": "2026-11-20"})],
          expired_waiver=W_LIM),
    check("LL-SIG-001", "pass", checked=("sign_type = RSA，notify_sign_type = MD5", "sign_type = RSA, notify_sign_type = MD5")),
    check("LL-SIG-004", "pass", checked=("2048 位私钥，与 keys/merchant_public.pem 匹配", "2048-bit private key matching keys/merchant_public.pem"),
          evidence=[{"kind": "key", "bits": 2048, "fingerprint": "4b0f3c9e0d3a6e5b2f1c8d7a9e6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
                     "matches_uploaded": True, "note": PEM}]),
    check("LL-SIG-006", "pass", checked=("12 条支付请求的 sign（RSA 12 条）", "the sign of 12 pay requests (12 RSA)"),
          evidence=[{"kind": "record", "file": CAPTURES, "line": 3, "sign_source":
                     "acct_name=张*&dt_order=20261128102501&money_order=0.01&no_order=20261128102501001&oid_partner="
                     f"201811230001000001&sign_type=MD5&key={PLANTED['md5_key']}", "md5_key": PLANTED["md5_key"]}]),
    check("LL-SIG-007", "waived", checked=("3 个密钥来源", "3 key sources"),
          findings=[finding("私钥文件 keys/merchant_private.pem 已提交到 git 仓库", "private key file keys/merchant_private.pem is committed to git",
                            loc(CONFIG, 16, "signing.rsa_private_key"), "high", {"file": "keys/merchant_private.pem", "key": "signing.rsa_private_key"})],
          waiver=W_SIG),
    check("LL-SIG-008", "fail", severity="low", checked=("12 条支付请求的 143 个参数值", "143 parameter values in 12 pay requests"),
          findings=[finding('参数 info_order 的值是字面量 "null"；连连服务器是否将其剔除出待签名串尚不确定（UNCERTAIN）',
                            'parameter info_order holds the literal text "null"; whether LianLian drops it from the sign source is UNCERTAIN',
                            loc(CAPTURES, 5, "info_order"), "low", {"value": "null"}, uncertain=True),
                    finding(f"参数 name_goods 含控制字符：{PLANTED['controls']}", f"parameter name_goods holds control characters: "
                            f"{PLANTED['controls']}", loc(CAPTURES, 6, "name_goods"), "low", {"value": PLANTED["controls"]})]),
    check("LL-PAY-001", "not_applicable", reason=("未提供代付抓包（商户未使用商户付款）", "no payout captures (the merchant does not use payouts)")),
    check("LL-REC-001", "manual", reason=("需要确认：谁每天从商户站下载对账文件（evidence.reconciliation.attested_by）",
                                          "needs an attestation: who downloads the statement from the merchant site every day")),
    check("LL-SEC-001", "skipped", reason=("未选中本检查", "deselected")),
]

ITEMS = ["review.risk", "review.notify", "review.same_card", "release.registration", "release.limits",
         "integration.signature", "integration.reconciliation", "integration.payout", "integration.hygiene"]
ITEM_TITLES = {
    "review.risk": tx("审核1：风控参数是否传正确", "Review 1: risk-control parameters sent correctly"),
    "review.notify": tx("审核2：异步通知是否接受成功并正确响应", "Review 2: async notification received and acknowledged correctly"),
    "review.same_card": tx("审核3 / 发布前3：同卡进出是否做好控制", "Review 3 / Pre-release 3: same card in, same card out"),
    "release.registration": tx("发布前1：正式环境域名、IP、应用标识是否报备", "Pre-release 1: production domains, IPs and app ids registered"),
    "release.limits": tx("发布前2：支付限额是否打开", "Pre-release 2: payment limits opened"),
    "integration.signature": tx("安全签名机制与密钥配置", "Signing and key configuration"),
    "integration.payout": tx("商户付款（代付）", "Merchant payout"),
    "integration.reconciliation": tx("商户对账", "Reconciliation"),
    "integration.hygiene": tx("代码与密钥卫生（仓库扫描）", "Code and key hygiene (repository scan)"),
}


def build() -> Result:
    """The fixture, typed. Its verdict reasons are the gate's (every go-live item is judged)."""
    checks = tuple(CHECKS)
    reasons = gate_reasons(checks)
    environment = "integration"
    return Result(
        schema=RESULT_SCHEMA,
        tool=Tool(name="golive", version="0.1.0"),
        merchant=Merchant(oid_partner="201811230001000001", name="示例理财（演示商户）", environment=environment,
                          channels=("web", "wap"), frms_ware_category="2009", sign_type="RSA", notify_sign_type="MD5"),
        profile=Profile(name="wealth_realname",
                        title=tx("实名理财 / P2P（基本 + 实名类风控参数）",
                                 "Wealth management / P2P with real name (basic + real-name risk fields)"),
                        extends=("base",), categories=("2009",), required_fields=(), recommended_fields=(),
                        optional_fields=(), identity_required=True),
        verdict="not_ready" if any(r.kind == "fail" for r in reasons) else "incomplete" if reasons else "ready",
        summary=summarize(checks, reasons, fail_on=FAIL_ON, environment=environment,
                          titles={item: ITEM_TITLES[item] for item in ITEMS}),
        checks=checks,
        waivers=(W_RSK, W_SIG, W_LIM),
        evidence={
            "config": EvidenceState(state="ok", source=CONFIG, reason=None),
            "captures": EvidenceState(state="ok", source=CAPTURES, reason=None),
            "ledger": EvidenceState(state="ok", source=LEDGER, reason=None),
            "live": EvidenceState(state="ok", source="http://127.0.0.1:8000", reason=None),
            "online": EvidenceState(state="missing", source=None,
                                    reason=tx("未开启在线检查（--online）", "online checks not requested (--online)")),
        },
        provenance=Provenance(
            run_id="5f0c9a1e7b3d2c48",
            config_file=CONFIG, config_sha256="9c4e1f0b7a2d3c5e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
            tool_version="0.1.0", python="3.11.2", time="2026-11-28T10:30:05+08:00",
            profile="wealth_realname", environment=environment, probe=True, online=False,
            probe_targets=(NOTIFY, "http://127.0.0.1:8000/pay/return", "http://127.0.0.1:8000/test/withdrawals"),
            selection=None,
            inputs=(InputFile(kind="captures", file=CAPTURES, bytes=48213, records=0, unreadable=0, first_unreadable=None),
                    InputFile(kind="ledger", file=LEDGER, bytes=3127, records=0, unreadable=0, first_unreadable=None)),
            timings_s={"gather_config_s": 0.041, "stream_captures_s": 0.018, "stream_ledger_s": 0.002, "probes_s": 7.412},
        ),
    )


def document() -> dict[str, Any]:
    """The fixture as result_fixture.json holds it."""
    return build().to_json()


if __name__ == "__main__":
    target = Path(__file__).with_name("result_fixture.json")
    target.write_text(json.dumps(document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {target}")
