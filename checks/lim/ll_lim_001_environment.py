"""LL-LIM-001 -- environment consistency: a production config has no test merchant, test hosts
or loopback endpoints; an integration config respects the integration limit.

During integration every user is limited to 10 CNY per transaction and per day (guide 七:
"联调阶段每个用户单笔单日限额都只有 10 元"; protocol.md §10 cites an initial 50 CNY quota for
newer products). Limits are opened only after the launch review. A production config that still
points at the test merchant, a test host or a loopback/private callback address is not live;
an integration config that declares a limit above the integration limit will see payments fail.
"""

from __future__ import annotations

import ipaddress
import math
from urllib.parse import urlsplit

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text
from golive.lianlian.platform import PUBLISHED_DEMO_MERCHANTS, TEST_HOSTS

META = CheckMeta(
    id="LL-LIM-001",
    item=Item.RELEASE_LIMITS,
    severity=Severity.HIGH,
    title=Text("环境一致：生产配置无测试商户号、测试地址；联调金额符合联调限额",
               "Environment consistency: no test merchant or test hosts in production; integration amounts within the limit"),
    rationale=Text(
        "联调阶段每个用户单笔单日限额只有 10 元，上线审核后才开通限额；生产配置仍指向测试商户号或测试/本机地址说明并未真正上线。",
        "During integration each user is limited to 10 CNY per transaction and day until limits are opened after the "
        "review; a production config still pointing at a test merchant or test/loopback address is not really live.",
    ),
    remediation=Text(
        "生产配置使用正式商户号与公网 https 回调地址；联调测试金额控制在 10 元以内（建议 0.01 元）。",
        "Use the production merchant number and public https callback URLs in production; keep integration test "
        "amounts within 10 CNY (0.01 recommended).",
    ),
    references=("guide 三 接口联调, 七 同卡进出（联调限额 10 元）", "docs/protocol.md §1, §10"),
    needs=("config",),
)

INTEGRATION_LIMIT_CNY = 10


def _suspicious_host(url: str) -> str | None:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    if host == "localhost" or host.endswith(".localhost") or host in TEST_HOSTS or "test" in host.split(".")[0]:
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if not address.is_global else None


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    config = evidence.value("config")
    findings: list[Finding] = []
    if ctx.environment == "production":
        oid = str((config.get("merchant") or {}).get("oid_partner", ""))
        if oid in PUBLISHED_DEMO_MERCHANTS:
            findings.append(Finding(Text(f"生产配置使用测试商户号 {oid}", f"the production config uses test merchant {oid}"),
                                    ctx.at("merchant.oid_partner")))
        for key, url in (config.get("endpoints") or {}).items():
            for single in url if isinstance(url, list) else [url]:
                host = _suspicious_host(str(single))
                if host:
                    findings.append(Finding(Text(f"生产配置的 endpoints.{key} 指向测试或本机地址 {host}",
                                                 f"production endpoints.{key} points at a test or local host {host}"),
                                            ctx.at(f"endpoints.{key}")))
        checked = Text("生产配置的商户号与地址", "production merchant number and endpoints")
    else:
        limit = (config.get("limits") or {}).get("integration_limit_cny")
        if limit is not None and not (isinstance(limit, (int, float)) and math.isfinite(limit)):
            # The config loader refuses NaN/Infinity; this guards a bundle built any other way:
            # NaN > 10 is False, which would read as within the limit.
            findings.append(Finding(
                Text(f"联调限额 {limit!r} 不是有限数字", f"declared integration limit {limit!r} is not a finite number"),
                ctx.at("limits.integration_limit_cny"), severity=Severity.MEDIUM))
        elif limit is not None and float(limit) > INTEGRATION_LIMIT_CNY:
            findings.append(Finding(
                Text(f"联调限额声明为 {limit} 元，高于联调阶段的 {INTEGRATION_LIMIT_CNY} 元", f"declared integration limit {limit} CNY exceeds the {INTEGRATION_LIMIT_CNY} CNY integration limit"),
                ctx.at("limits.integration_limit_cny"), severity=Severity.MEDIUM))
        checked = Text(f"联调配置（每用户单笔单日 {INTEGRATION_LIMIT_CNY} 元）", f"integration config ({INTEGRATION_LIMIT_CNY} CNY per user per day)")
    return Judgement.from_findings(findings, checked)
