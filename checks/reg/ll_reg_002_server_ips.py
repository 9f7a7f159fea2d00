"""LL-REG-002 -- server egress IPs are registered; declared domains resolve (with --online).

LianLian checks the public egress IP of server-to-server calls (order query, bind-card query,
refund, payout) against the registered list: an unregistered IP gets 1008 商户请求IP错误
(guide 六; protocol.md §1, §6). Every 认证支付 merchant calls the query APIs, so the egress IPs
must be declared and be public addresses (a private or loopback address is never what LianLian
sees). With `--online`, golive also resolves the registered domains: a domain that does not
resolve cannot be the source LianLian checks.
"""

from __future__ import annotations

import ipaddress

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-REG-002",
    item=Item.RELEASE_REGISTRATION,
    severity=Severity.HIGH,
    title=Text("服务器出口 IP 已报备；已报备域名可解析", "Server egress IPs are registered; declared domains resolve"),
    rationale=Text(
        "查询、退款、代付等接口会校验服务器外网 IP，未报备返回 1008 商户请求IP错误。",
        "Query, refund and payout APIs check the server's public egress IP; unregistered IPs get 1008.",
    ),
    remediation=Text(
        "在 registration.server_ips 中列出所有生产服务器的公网出口 IP（含 NAT 网关），与报备表格一致后发送连连报备。",
        "List every production server's public egress IP (including NAT gateways) under registration.server_ips, "
        "matching the registration form sent to LianLian.",
    ),
    references=("guide 六 鉴权配置(域名、IP)", "docs/protocol.md §1 (1008), §6"),
    needs=("config",),
    optional=("dns",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    registration = evidence.value("config").get("registration") or {}
    ips = list(registration.get("server_ips") or [])
    findings: list[Finding] = []
    if not ips:
        findings.append(Finding(Text("未列出服务器出口 IP（registration.server_ips）", "no server egress IPs listed (registration.server_ips)"),
                                ctx.at("registration.server_ips")))
    for index, text in enumerate(ips):
        key = f"registration.server_ips[{index}]"
        try:
            address = ipaddress.ip_address(str(text).strip())
        except ValueError:
            findings.append(Finding(Text(f"{text!r} 不是 IP 地址", f"{text!r} is not an IP address"), ctx.at(key)))
            continue
        if not address.is_global and not _documentation(address):
            findings.append(Finding(Text(f"{address} 不是公网地址，连连看到的不会是它", f"{address} is not a public address; LianLian never sees it"),
                                    ctx.at(key)))
    dns = evidence.get("dns")
    online_zh, online_en = "未开启在线检查（--online），未解析域名", "online checks off (--online): domains not resolved"
    if dns.is_ok:
        unresolved = {host: answer["error"] for host, answer in dns.value.items() if "error" in answer}
        for host, error in unresolved.items():
            findings.append(Finding(Text(f"已报备域名 {host} 无法解析", f"registered domain {host} does not resolve"),
                                    ctx.at("registration.domains"), severity=Severity.MEDIUM, data={"error": error}))
        online_zh, online_en = f"已解析 {len(dns.value)} 个域名", f"resolved {len(dns.value)} domain(s)"
    return Judgement.from_findings(findings, Text(f"{len(ips)} 个出口 IP；{online_zh}", f"{len(ips)} egress IP(s); {online_en}"))


def _documentation(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """RFC 5737/3849 documentation ranges are used in examples; treat them as public-shaped."""
    return any(address in ipaddress.ip_network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"))
