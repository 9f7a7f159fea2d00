"""LL-SIG-009 -- LianLian's captured callbacks verify with the key golive.yaml configures.

Background (protocol.md §2.2, §2.3, §2.5): LianLian signs async notifications (and the synchronous
return) with the method configured on the merchant site (商户站), MD5 with the merchant's MD5 key or
MD5withRSA with LianLian's private key, verified with LianLian's public key. A captured notification
that LianLian really sent is therefore a test of the configuration itself: if it does not verify with
``signing.md5_key`` / ``signing.lianlian_public_key``, the configured key is not the one LianLian
uses for this merchant -- a rotated MD5 key, the guide's misspelled test key, a staging key copied
into production. Then the merchant's handler refuses every real notification (and LianLian re-sends
30 times, then stops) however correct its code is, and golive's own probes -- signed with the
configured key -- tell nothing about the handler either. This check says "the configured key does
not match", so nobody goes looking for a broken handler.

Each captured ``notify`` and ``return`` record is judged by its sign observation
(`golive.evidence.sign_observation`): the captures gatherer verified it with the configured key by
the method it names when it read the record -- a measurement, not a judgement -- so this check needs
no key and judges saved evidence (``golive check --from-evidence``) as a live run does. Only
``signing.notify_sign_type`` is accepted (a message signed another way is itself a finding:
LianLian signs with the merchant-site method). Records whose method has no configured key cannot be
judged.
"""

from __future__ import annotations

from typing import Any

from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Item,
    Judgement,
    Severity,
    SignObservation,
    Text,
)

META = CheckMeta(
    id="LL-SIG-009",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("抓包中连连发来的回调能用配置的密钥验签（配置的密钥与连连一致）",
               "LianLian's captured callbacks verify with the configured key (the key matches LianLian's)"),
    rationale=Text(
        "连连用商户站配置的方式和密钥签名回调；真实回调用 golive.yaml 配置的密钥验不过，说明配置的密钥不是连连为本商户使用的那一把"
        "（MD5 密钥已更换、照抄了上线指南中少一位的测试密钥、把预发布密钥带进了生产），这时处理程序再正确也会拒收所有真实通知。",
        "LianLian signs callbacks with the method and key configured on the merchant site. A real callback that does "
        "not verify with the key golive.yaml configures means that key is not the one LianLian uses for this merchant "
        "(a rotated MD5 key, the guide's misspelled test key, a staging key in production): the handler then refuses "
        "every real notification, however correct its code.",
    ),
    remediation=Text(
        "在商户站“安全中心—商户密钥维护”核对：MD5 密钥与 signing.md5_key 完全一致；RSA 时 signing.lianlian_public_key 是从商户站下载的连连公钥；"
        "signing.notify_sign_type 与商户站配置的签名方式一致。服务器上的配置与 golive.yaml 保持同一来源。",
        "On the merchant site (安全中心—商户密钥维护) compare: the MD5 key equals signing.md5_key exactly; for RSA, "
        "signing.lianlian_public_key is the LianLian public key downloaded there; signing.notify_sign_type is the "
        "method configured there. Keep the server's configuration and golive.yaml from one source.",
    ),
    references=("guide 二 安全签名机制, 三 接口联调", "protocol.md §2.2, §2.3, §2.5"),
    needs=("config",),
    stream="captures",
)


class Judge(CaptureJudge):
    kinds = frozenset({"notify", "return"})
    subject = Text("连连回调（异步通知、同步返回）", "LianLian callbacks (notifications, returns)")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        signing = evidence.value("config").get("signing") or {}
        self.site_method = str(signing.get("notify_sign_type") or signing.get("sign_type") or "")
        self.verified = 0

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params: dict[str, Any] = record.params or {}
        method = params.get("sign_type")
        if not params.get("sign"):
            self.skip(record, "the callback carries no sign")
            return False
        if method not in ("MD5", "RSA"):
            self.skip(record, f"unknown sign_type {str(method)[:10]!r}")
            return False
        if self.site_method and method != self.site_method:
            self.report("method", Text(
                f"连连的回调用 {method} 签名，而 signing.notify_sign_type 为 {self.site_method}：连连按商户站配置的方式签名回调，"
                f"二者必有一个与商户站不符",
                f"LianLian's callback is signed with {method} but signing.notify_sign_type is {self.site_method}: LianLian "
                f"signs callbacks with the merchant-site method, so one of them does not match the merchant site"),
                record, "sign_type", sign_type=method)
            return True
        outcome = record.sign_observation()
        if not isinstance(outcome, SignObservation) or outcome.role != "callback":
            self.skip(record, "no sign observation for this record (read without keys, or saved without one)")
            return False
        if outcome.code == "no_key":
            self.skip(record, f"{method}-signed, but signing.{outcome.missing_key} is not configured")
            return False
        if outcome.ok:
            self.verified += 1
            return True
        key = "signing.md5_key" if method == "MD5" else "signing.lianlian_public_key"
        self.report("key", Text(
            f"配置的密钥与连连不一致：这条连连回调无法用 {key} 验签（{outcome.reason}）；"
            f"处理程序会拒收所有真实通知，问题在密钥配置而不在处理程序",
            f"the configured key does not match LianLian's: this callback from LianLian does not verify with {key} "
            f"({outcome.reason}); the handler would refuse every real notification -- the key is wrong, not the handler"),
            record, "sign", key=key)
        return True

    def summary(self) -> dict[str, Any]:
        return {"verified": self.verified, "site_method": self.site_method or None}

    def finish(self) -> Judgement:
        if self.judged == 0 and self.unjudgeable == 0:
            return Judgement.not_applicable(Text("抓包中没有连连的回调（异步通知、同步返回）",
                                                 "the captures contain no LianLian callbacks (notifications, returns)"))
        return self.conclude(Text("用配置的密钥验证连连回调的签名", "LianLian callbacks verified with the configured key"))
