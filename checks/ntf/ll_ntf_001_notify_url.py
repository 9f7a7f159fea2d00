"""LL-NTF-001 -- notify_url is an absolute http(s) URL on a public host, https in production, ≤128 chars.

LianLian's servers POST the async notification to the ``notify_url`` the merchant sends with every
pay request (guide 五: "这个地址需要是外网可访问的服务器地址以 http 或者 https 开头的"; protocol.md §3
gives it as String(128); §5.1 recommends HTTPS with TLS ≥ 1.2). A relative URL, another scheme, a
loopback/private/link-local address or a name only an intranet can resolve means the notification
never arrives: LianLian re-sends it 30 times and gives up, and the order is never credited. A URL
longer than 128 characters is rejected or truncated.

Judged from ``endpoints.notify_url`` in golive.yaml (the production/integration URL, not the
``live:`` staging one, which is loopback on purpose). In integration, plain http is accepted (the
guide allows it); in production it must be https. The reserved documentation names ``.example``,
``.test`` and ``.invalid`` (RFC 2606) are flagged only in production, where they can only be a
placeholder left in the config.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-NTF-001",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("notify_url 为公网可达的绝对 http(s) 地址（生产环境须 https），不超过 128 字符",
               "notify_url is an absolute http(s) URL on a public host (https in production), at most 128 characters"),
    rationale=Text(
        "连连从公网服务器向 notify_url 发送异步通知；内网、本机或格式不对的地址收不到通知，订单永远不会入账，连连会重发 30 次后放弃。",
        "LianLian posts the async notification from the internet to notify_url; an intranet, loopback or malformed "
        "address never receives it, the order is never credited, and LianLian gives up after 30 attempts.",
    ),
    remediation=Text(
        "把 endpoints.notify_url 设为外网可访问的完整地址（如 https://pay.example.com/llpay/notify），生产环境使用 https（TLS 1.2 及以上），长度不超过 128 个字符，并与支付请求中的 notify_url 一致。",
        "Set endpoints.notify_url to a full internet-reachable URL (e.g. https://pay.example.com/llpay/notify), https "
        "(TLS 1.2+) in production, at most 128 characters, and send the same value in pay requests.",
    ),
    references=("guide 五 异步通知和同步通知", "docs/protocol.md §3 (notify_url String(128))", "docs/protocol.md §5.1"),
    needs=("config",),
    proves_item=False,  # a well-formed URL does not show notifications are acked and credited once
)

MAX_LENGTH = 128
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp")
_RESERVED_SUFFIXES = (".example", ".test", ".invalid")


def _host_problem(host: str, production: bool) -> Text | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if not address.is_global:
            return Text(f"主机 {host} 是本机、内网、链路本地或保留地址，连连无法访问",
                        f"host {host} is a loopback, private, link-local or reserved address LianLian cannot reach")
        return None
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return Text(f"主机名 {host} 只在本机或内网可解析", f"host name {host} resolves only on the local machine or an intranet")
    if "." not in name:
        return Text(f"主机名 {host} 不是完整域名（公网无法解析）", f"host name {host} is not a fully qualified domain name (unresolvable on the internet)")
    if production and name.endswith(_RESERVED_SUFFIXES):
        return Text(f"主机名 {host} 使用保留的示例域名（RFC 2606），是未替换的占位值",
                    f"host name {host} is a reserved example name (RFC 2606): a placeholder left in the config")
    return None


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    endpoints = evidence.value("config").get("endpoints") or {}
    url = endpoints.get("notify_url")
    if not url:
        return Judgement.not_applicable(Text("未配置 endpoints.notify_url", "endpoints.notify_url is not configured"))
    where = ctx.at("endpoints.notify_url")
    production = ctx.environment == "production"
    findings: list[Finding] = []
    if len(url) > MAX_LENGTH:
        findings.append(Finding(Text(f"notify_url 长 {len(url)} 个字符，超过 128", f"notify_url is {len(url)} characters long, over 128"), where))
    parts = urlsplit(url.strip())
    if url != url.strip() or any(c.isspace() for c in url.strip()):
        findings.append(Finding(Text("notify_url 含有空白字符", "notify_url contains whitespace"), where))
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        findings.append(Finding(Text("notify_url 不是以 http:// 或 https:// 开头的绝对地址",
                                     "notify_url is not an absolute URL starting with http:// or https://"), where))
        return Judgement.violations(findings, Text("notify_url", "notify_url"))
    if production and parts.scheme.lower() != "https":
        findings.append(Finding(Text("生产环境的 notify_url 必须使用 https", "a production notify_url must use https"), where))
    if parts.username or parts.password:
        findings.append(Finding(Text("notify_url 中含有用户名/密码", "notify_url carries a user name or password"), where))
    problem = _host_problem(parts.hostname, production)
    if problem is not None:
        findings.append(Finding(problem, where))
    if parts.fragment:
        findings.append(Finding(Text("notify_url 含有 # 片段，服务器收不到", "notify_url has a #fragment, which never reaches the server"),
                                where, severity=Severity.LOW))
    scheme_note = "" if production or parts.scheme.lower() == "https" else "（联调环境允许 http，生产环境须 https）"
    scheme_note_en = "" if production or parts.scheme.lower() == "https" else " (http is allowed in integration; production needs https)"
    checked = Text(f"notify_url 主机 {parts.hostname}，{len(url)} 个字符{scheme_note}",
                   f"notify_url host {parts.hostname}, {len(url)} characters{scheme_note_en}")
    return Judgement.from_findings(findings, checked, ({"kind": "config", "notify_url": url, "environment": ctx.environment},))
