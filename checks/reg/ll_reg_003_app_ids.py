"""LL-REG-003 -- app identifiers are registered for the SDK channels in use.

The pre-release list (guide 九, 发布前1) asks whether the production "应用标识" is registered:
LianLian's app SDKs (iOS, Android; protocol.md §1, S9) are tied to the app's bundle id / package
name. A merchant that ships an Android or iOS app must declare the identifiers it registered, and
they must be well-formed (Android: a Java-style package name; iOS: a reverse-DNS bundle id).
"""

from __future__ import annotations

import re

from golive.check_api import CheckMeta, Context, EvidenceView, Finding, Item, Judgement, Severity, Text

META = CheckMeta(
    id="LL-REG-003",
    item=Item.RELEASE_REGISTRATION,
    severity=Severity.HIGH,
    title=Text("SDK 渠道的应用标识（iOS Bundle ID、Android 包名）已报备", "App identifiers (iOS bundle id, Android package) registered for SDK channels"),
    rationale=Text(
        "正式发布前须确认应用标识已在连连报备；使用 App SDK 的渠道未报备应用标识将无法在生产环境支付。",
        "Before release the app identifiers must be registered with LianLian; SDK channels without them cannot pay in production.",
    ),
    remediation=Text(
        "在 registration.app_ids 中填写 android（包名）和/或 ios（Bundle ID），并确认已随报备表格提交连连。",
        "Fill registration.app_ids.android (package) and/or .ios (bundle id) and make sure they were sent with the registration form.",
    ),
    references=("guide 九 正式发布前确认事项 1", "docs/protocol.md §1 (App SDK)"),
    needs=("config",),
)

_ANDROID = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)+$")
_IOS = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_PATTERNS = {"android": (_ANDROID, "Android 包名", "Android package name"), "ios": (_IOS, "iOS Bundle ID", "iOS bundle id")}


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    config = evidence.value("config")
    channels = [c for c in (config.get("merchant") or {}).get("channels") or [] if c in _PATTERNS]
    if not channels:
        return Judgement.not_applicable(Text("未使用 App SDK 渠道（android、ios）", "no app SDK channel (android, ios) in use"))
    app_ids = (config.get("registration") or {}).get("app_ids") or {}
    findings: list[Finding] = []
    for channel in channels:
        pattern, zh, en = _PATTERNS[channel]
        value = app_ids.get(channel)
        key = f"registration.app_ids.{channel}"
        if not value:
            findings.append(Finding(Text(f"使用 {channel} 渠道但未填写已报备的{zh}", f"channel {channel} is used but no registered {en} is given"),
                                    ctx.at("registration.app_ids" if app_ids else "registration")))
        elif not pattern.match(value):
            findings.append(Finding(Text(f"{zh} {value!r} 格式不正确", f"{en} {value!r} is malformed"), ctx.at(key)))
    return Judgement.from_findings(findings, Text(f"App 渠道：{', '.join(channels)}", f"app channels: {', '.join(channels)}"))
