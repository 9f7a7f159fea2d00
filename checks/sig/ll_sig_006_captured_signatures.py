"""LL-SIG-006 -- every captured request's ``sign`` verifies over the canonical sign source.

Background (protocol.md §2.1-§2.3, [VERIFIED]): the sign source is every parameter except
``sign`` (``sign_type`` included), empty values dropped, keys sorted, ``key=value`` joined with
``&``, values verbatim (no URL-encoding, no trimming); ``risk_item`` is signed as the exact JSON text
posted. MD5 appends ``&key=`` + the merchant key; RSA is MD5withRSA checked with the public key the
merchant uploaded to the merchant site. LianLian answers a mismatch with 1001 (签名错误).

Each captured merchant request (pay requests, queries, other signed API calls) is judged by its sign
observation (`golive.evidence.sign_observation`): the captures gatherer verified it with the
configured keys when it read the record -- a measurement, not a judgement -- so this check needs no
key and judges saved evidence (``golive check --from-evidence``) exactly as a live run. App SDK
orders (channel ``app``) leave the identity fields out of the source (`APP_SDK_EXCLUDED`, §2.1,
[1 SOURCE]). When a sign fails, the observation names the mistake seen in public code (§2.6) that
reproduces it (`golive.lianlian.sign_mistakes`): empty values kept (``key=``), keys in the order sent
instead of sorted, URL-encoded or trimmed values, ``sign_type`` left out, the other channel's field
set, ``risk_item`` signed as a different JSON text than posted, and keys in Java's case-insensitive
order (``String.CASE_INSENSITIVE_ORDER``, which LianLian's Java demos sort with, §2.1 step 3): for
mixed-case field names it differs from plain order, so a sign made that way fails here and the
finding says so. The search is bounded (the first 25 failures of a run); later
failures are reported without it. A lone UTF-16 surrogate (a cut-off emoji) is signed as ``?``, as
Java's UTF-8 encoder writes it (`golive.lianlian.sign.java_utf8`). A sign that verifies only with
literal ``"null"`` values kept (the newer SDK rule) passes LianLian's server or not -- which rule it
applies is UNCERTAIN (§2.1, §11) -- so that is reported at low severity. Records whose method's key
is not configured cannot be judged; which keys are configured comes from the ``keys`` evidence.

The verification code (`VerifyCode`), not the verifier's prose, says why a request is malformed.
"""

from __future__ import annotations

from typing import Any

from golive.lianlian.sign import VerifyCode
from golive.lianlian.sign_mistakes import MISTAKES
from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Finding,
    Item,
    Judgement,
    Severity,
    SignObservation,
    Text,
)

META = CheckMeta(
    id="LL-SIG-006",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("抓包中每个请求的 sign 都能按规范待签名串验签通过",
               "every captured request's sign verifies over the canonical sign source"),
    rationale=Text(
        "待签名串规则：去掉 sign、去掉空值、按键名排序、key=value 用 & 连接、值原样（不编码不去空格），risk_item 按提交的 JSON 原文签名；算错任何一步，连连都返回 1001 签名错误。",
        "The sign source drops sign and empty values, sorts the keys, joins key=value with &, and uses values "
        "verbatim (no URL-encoding, no trimming), risk_item as the exact JSON text posted; any deviation gets "
        "LianLian's 1001 (signature error).",
    ),
    remediation=Text(
        "按 protocol.md §2.1 生成待签名串（可用 `golive sign` 对照），签名后原样提交这些值；不要在签名后修改、编码或重新序列化任何参数。",
        "Build the sign source exactly as protocol.md §2.1 says (compare with `golive sign`) and post exactly the "
        "values you signed; never modify, encode or re-serialise a parameter after signing.",
    ),
    references=("guide 二 安全签名机制", "protocol.md §2.1, §2.2, §2.3, §2.6"),
    needs=("keys",),
    stream="captures",
)

# Malformed requests, by the signing library's result code: the request itself is broken.
_MALFORMED = {
    VerifyCode.NO_SIGN: Text("请求没有 sign 字段（或为空）", "the request has no sign (or it is empty)"),
    VerifyCode.NO_SIGN_TYPE: Text("请求没有 sign_type 字段，应为 MD5 或 RSA", "the request has no sign_type; expected MD5 or RSA"),
    VerifyCode.UNKNOWN_SIGN_TYPE: Text("sign_type 不是 MD5 或 RSA", "sign_type is neither MD5 nor RSA"),
    VerifyCode.SIGN_NOT_TEXT: Text("sign 不是字符串", "the sign is not a string"),
}


class Judge(CaptureJudge):
    kinds = frozenset({"pay_request", "query", "other"})
    subject = Text("商户发出的签名请求", "signed merchant requests")

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        keys = evidence.value("keys")
        self.has_md5 = "md5" in keys
        # The key LianLian verifies with is the public key uploaded to the merchant site; without it
        # the private key's public half is the best available stand-in (SigningMaterial.merchant_public).
        self.has_public = "signing.rsa_public_key" in keys or "signing.rsa_private_key" in keys
        self.verified: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.diagnoses: dict[str, int] = {}
        self.keyless: dict[str, int] = {}  # config key -> records left unverified for want of it

    def judge_record(self, record: CaptureRecord) -> bool | None:
        params = record.params or {}
        if record.kind == "other" and not ("sign" in params and "oid_partner" in params):
            return False  # not a signed merchant request
        seen = record.sign_observation()
        if not isinstance(seen, SignObservation) or seen.role != "request":
            self.skip(record, "no sign observation for this record (read without keys, or saved without one)")
            return False
        sign_type = params.get("sign_type")
        if seen.code == "no_key":
            key = seen.missing_key or "?"
            method = "MD5" if key == "md5_key" else "RSA"
            self.skip(record, f"{method}-signed, but signing.{key} is not configured")
            self.keyless[key] = self.keyless.get(key, 0) + 1
            return False
        app = record.channel == "app"
        label = sign_type if isinstance(sign_type, str) else "?"
        if seen.ok:
            self.verified[label] = self.verified.get(label, 0) + 1
            if seen.null_rule == "sdk":
                self.report("sdk_null_rule", Text(
                    "sign 只有在保留字面量 \"null\" 值时才能验签（新版 SDK 规则）；连连服务端用哪条规则不确定（protocol.md §2.1），不要传 \"null\"",
                    "the sign verifies only with literal \"null\" values kept (newer SDK rule); which rule LianLian's server "
                    "applies is UNCERTAIN (protocol.md §2.1) -- do not send \"null\""),
                    record, "sign", severity=Severity.LOW, uncertain=True)
            return None
        self.failed[label] = self.failed.get(label, 0) + 1
        self._failure(record, label, seen, app)
        return None

    def _failure(self, record: CaptureRecord, sign_type: str, seen: SignObservation, app: bool) -> None:
        code = _code(seen.code)
        if code in _MALFORMED:
            self.report(f"malformed:{code.value}", _MALFORMED[code], record, "sign")
            return
        where = "App SDK " if app else ""
        vid = seen.mistake
        if vid is not None and vid in MISTAKES:
            why = MISTAKES[vid]
            self.diagnoses[vid] = self.diagnoses.get(vid, 0) + 1
            self.report(f"mismatch:{vid}", Text(f"{where}{sign_type} 签名验不过：{why.zh}", f"{where}{sign_type} sign does not verify: {why.en}"),
                        record, "sign", diagnosis=vid)
            return
        self.report("mismatch", Text(
            f"{where}{sign_type} 签名验不过（{seen.reason}）；不是常见的拼串错误，可能是密钥不对、签名后改了值，或公钥与私钥不配对（见 LL-SIG-004）",
            f"{where}{sign_type} sign does not verify ({seen.reason}); none of the usual sign-source mistakes reproduces it: "
            "wrong key, a value changed after signing, or a key pair that does not match (see LL-SIG-004)"),
            record, "sign")

    def summary(self) -> dict[str, Any]:
        return {"verified": dict(self.verified), "failed": dict(self.failed), "diagnoses": dict(self.diagnoses),
                "keys": {"md5_key": self.has_md5, "rsa_public_key": self.has_public}}

    def finish(self) -> Judgement:
        if self.judged:
            # Some requests verified, others could not be: say so, so a partial check never reads as a pass.
            for key, count in self.keyless.items():
                self.add(Finding(
                    Text(f"{count} 条请求无法验签：golive.yaml 未配置 signing.{key}",
                         f"{count} request(s) could not be verified: signing.{key} is not configured"),
                    self.ctx.at(f"signing.{key}"), severity=Severity.MEDIUM, data={"records": count}))
        return self.conclude(Text("验证抓包请求的签名", "captured signatures verified"))


def _code(value: str) -> VerifyCode | None:
    try:
        return VerifyCode(value)
    except ValueError:
        return None
