"""LL-SEC-003 -- LianLian's published test merchant numbers and MD5 keys are not in the code.

LianLian publishes a test merchant for integration, ``201408071000001543``, with its MD5 key in
two spellings: the demo code's ``…test_20140812`` and the go-live guide's ``…test_2014082`` (one
``1`` missing; protocol.md §2.2 [CONFLICT], only the first verifies real notifications). The
official demos add more demo merchants and keys (golive/lianlian/platform.py). The test merchant is
a *production* merchant that really charges cards (guide 三): code that still carries its number
or key either is not live yet, or signs with a key anyone can read. Demo RSA private keys are
LL-SEC-001 findings, which name them as published.

The merchant number alone is reported at medium severity (a sandbox-only config may legitimately
keep it: suppress with a justification and an expiry); a published key at high.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.lianlian.platform import PUBLISHED_DEMO_MD5_KEYS, PUBLISHED_DEMO_MERCHANTS, TEST_MERCHANT_MD5_KEY_DEMO, TEST_MERCHANT_MD5_KEY_GUIDE
from golive.scan.model import Hit, ScanRule, Secret
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile

META = CheckMeta(
    id="LL-SEC-003",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("代码中没有连连公开的测试商户号与密钥", "No published LianLian test merchant number or key in the code"),
    rationale=Text(
        "临时商户号 201408071000001543 及其 MD5 密钥（demo 写法 …20140812 与接入指南写法 …2014082）公开在文档与 demo 中，"
        "而且是会真实扣款的生产商户；代码里仍用它们，说明没有切换到正式商户号，或签名密钥人人可得。",
        "The test merchant 201408071000001543 and its MD5 key (the demo's …20140812 and the guide's …2014082) are "
        "public in the docs and demos, and it is a production merchant that really charges cards; code still using "
        "them has not switched to the merchant's own number, or signs with a key anyone can read.",
    ),
    remediation=Text(
        "使用自己的正式商户号，并从环境变量读取自己在商户站设置的 MD5 密钥；仅用于联调的配置文件请加 golive-ignore 注释说明理由与有效期。",
        "Use your own production merchant number and read your own MD5 key (set on 商户站) from the environment; a "
        "config kept only for integration tests gets a golive-ignore comment with a justification and an expiry.",
    ),
    references=("guide 三 接口联调（临时商户号与密钥）", "docs/protocol.md §1, §2.2 [CONFLICT], §10"),
    needs=("scan",),
    proves_item=False,
)

_MERCHANTS = re.compile(r"(?<![0-9])(" + "|".join(map(re.escape, PUBLISHED_DEMO_MERCHANTS)) + r")(?![0-9])")
_KEYS = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, sorted(PUBLISHED_DEMO_MD5_KEYS, key=len, reverse=True)))
                   + r")(?![A-Za-z0-9_])")
_PREFILTER = ("20140807100000", "201504071000272504", "201609130000219023")
_SPELLING = {TEST_MERCHANT_MD5_KEY_DEMO: ("demo 写法", "the demo's spelling"),
             TEST_MERCHANT_MD5_KEY_GUIDE: ("接入指南写法，缺一个 1", "the go-live guide's spelling, one 1 missing")}


def find_published_credentials(source: SourceFile) -> Iterator[Hit]:
    text = source.text
    if not any(p in text for p in _PREFILTER):
        return
    keys = list(_KEYS.finditer(text))
    for match in keys:
        value = match.group(1)
        owner = PUBLISHED_DEMO_MD5_KEYS[value]
        zh, en = _SPELLING.get(value, ("官方 demo", "an official demo"))
        yield Hit(match.start(), match.end(),
                  Text(f"连连公开的测试 MD5 密钥（商户 {owner}，{zh}）", f"LianLian's published test MD5 key (merchant {owner}, {en})"),
                  secrets=(Secret(match.start(), match.end(), "published test MD5 key"),),
                  data={"merchant": owner, "kind": "md5_key"}, secret_id=hashlib.sha256(value.encode()).hexdigest())
    inside_keys = [(m.start(), m.end()) for m in keys]
    for match in _MERCHANTS.finditer(text):
        if any(s <= match.start() < e for s, e in inside_keys):
            continue  # the key's own prefix, already reported
        oid = match.group(1)
        yield Hit(match.start(), match.end(),
                  Text(f"连连公开的测试商户号 {oid}", f"LianLian's published test merchant number {oid}"),
                  data={"merchant": oid, "kind": "merchant", "published_in": PUBLISHED_DEMO_MERCHANTS[oid]},
                  severity=Severity.MEDIUM, secret_id=f"merchant:{oid}")


SCAN = ScanRule(text=find_published_credentials, history=True)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
