"""LL-REG-001 -- page domains and the notify_url / url_return hosts are in the registered list.

For a production merchant number, LianLian checks the source domain of PC payment requests
(guide 六 鉴权配置: "正式商户号 PC 端支付接口会校验来源域名"); an unregistered domain gets error
1008 at go-live. Registration (报备) is a stamped form e-mailed to LianLian, so it is slow to fix
on launch day. The pre-release list asks for it explicitly (发布前1). The temporary test
merchant does not restrict domains, so in integration this is a preparation check.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-REG-001",
    item=Item.RELEASE_REGISTRATION,
    severity=Severity.HIGH,
    title=Text("页面域名与 notify_url、url_return 的主机已报备", "Page domains and notify_url / url_return hosts are registered"),
    rationale=Text(
        "正式商户号的 PC 端支付接口会校验来源域名，未报备返回 1008；报备需盖章表格邮件申请，上线当天难以补救。",
        "Production merchant numbers have the source domain of PC payments checked; unregistered domains get 1008, "
        "and registration is a stamped form by e-mail -- not something to fix on launch day.",
    ),
    remediation=Text(
        "在开放平台下载报备表格（open.lianlianpay.com #cat=86），填写所有正式域名后盖章发送；并在 golive.yaml 的 registration.domains 中列出已报备域名。",
        "Download the registration form (open.lianlianpay.com #cat=86), list every production domain, stamp and send it; "
        "list the registered domains under registration.domains in golive.yaml.",
    ),
    references=("guide 六 鉴权配置(域名、IP)", "guide 九 正式发布前确认事项 1", "docs/protocol.md §1, §10"),
    needs=("config",),
)


def host_of(url: str) -> str | None:
    try:
        return (urlsplit(url).hostname or "").lower() or None
    except ValueError:
        return None


def is_registered(host: str, domains: list[str]) -> bool:
    for domain in domains:
        domain = domain.lower().strip().rstrip(".")
        if domain.startswith("*.") and host.endswith(domain[1:]):
            return True
        if host == domain:
            return True
    return False


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    config = evidence.value("config")
    endpoints = config.get("endpoints") or {}
    domains = list((config.get("registration") or {}).get("domains") or [])
    urls = [(f"endpoints.{k}", endpoints[k]) for k in ("notify_url", "url_return") if endpoints.get(k)]
    urls += [(f"endpoints.pages[{i}]", u) for i, u in enumerate(endpoints.get("pages") or [])]
    if not urls:
        return Judgement.not_applicable(Text("未配置 endpoints（notify_url、url_return、pages）", "no endpoints configured (notify_url, url_return, pages)"))
    findings: list[Finding] = []
    if not domains:
        findings.append(Finding(Text("未列出任何已报备域名（registration.domains）", "no registered domains listed (registration.domains)"),
                                ctx.at("registration")))
    for key, url in urls:
        host = host_of(url)
        if host is None:
            findings.append(Finding(Text(f"{key} 不是有效的 URL", f"{key} is not a valid URL"), ctx.at(key)))
        elif domains and not is_registered(host, domains):
            findings.append(Finding(Text(f"{key} 的主机 {host} 不在已报备域名中", f"{key} host {host} is not among the registered domains"),
                                    ctx.at(key), data={"host": host}))
    severity_note = "" if ctx.environment == "production" else "（联调环境：为上线做准备）"
    checked = Text(f"{len(urls)} 个地址对照 {len(domains)} 个已报备域名{severity_note}",
                   f"{len(urls)} URL(s) against {len(domains)} registered domain(s)")
    return Judgement.from_findings(findings, checked)
