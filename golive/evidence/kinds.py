"""The kinds of evidence golive knows: the one list every gatherer, check and store agrees on.

A check's ``needs`` (and ``optional``) and a gatherer's ``produces`` and ``uses`` name kinds from
this list; the registries reject any other name when they load, so a typo fails at start-up and in
the catalogue test, never as a silently missing piece of evidence in a report.

* ``stream`` kinds are record sources (captures): the engine reads each once and feeds every record
  to every check that reduces it, so a million-row file is never held in memory. (The ledger is
  not one: its gatherer runs the audit where the books are -- golive/books -- and hands over the
  findings.)
* ``secret`` kinds (the signing material) are never saved, shown or serialised; they exist in memory
  for the gatherers (and checks) that must sign or verify.
* Every other kind is plain, redacted, JSON-serialisable data, saved with ``--save-evidence`` and
  judged again by ``golive check --from-evidence``.

Adding an evidence source: add its kind here, then one module under ``golive/gatherers/``.
"""

from __future__ import annotations

from dataclasses import dataclass

from golive.model import Text


@dataclass(frozen=True)
class EvidenceKind:
    name: str
    title: Text
    stream: bool = False
    secret: bool = False


def _kinds(*kinds: EvidenceKind) -> dict[str, EvidenceKind]:
    return {kind.name: kind for kind in kinds}


KINDS: dict[str, EvidenceKind] = _kinds(
    EvidenceKind("config", Text("golive.yaml（密钥以描述代替）", "golive.yaml (secrets replaced by descriptors)")),
    EvidenceKind("keys", Text("密钥与密钥文件的事实（长度、位数、指纹、权限、是否提交）",
                              "facts about keys and key files (length, bits, fingerprints, modes, committed)")),
    EvidenceKind("signing", Text("签名材料（只在内存中）", "signing material (in memory only)"), secret=True),
    EvidenceKind("dns", Text("已报备域名的 DNS 解析（--online）", "DNS resolution of registered domains (--online)")),
    EvidenceKind("captures", Text("抓包记录", "captured exchanges"), stream=True),
    EvidenceKind("ledger", Text("商户台账的审计（台账所在的引擎计算）", "the audit of the merchant's ledger (run by the engine it sits in)")),
    EvidenceKind("probe.notify", Text("异步通知探测", "notification probes")),
    EvidenceKind("probe.return", Text("同步返回探测", "synchronous-return probes")),
    EvidenceKind("probe.withdraw", Text("同卡进出探测", "same-card withdrawal probes")),
    EvidenceKind("scan", Text("仓库扫描结果（golive scan）", "repository scan results (golive scan)")),
    EvidenceKind("reconciliation", Text("对账文件与台账的核对（JYMX/JYMXSUM/FKMX）",
                                        "LianLian's statement files reconciled with the ledger (JYMX/JYMXSUM/FKMX)")),
    EvidenceKind("payouts", Text("代付请求与应答（抓包、沙箱日志）", "payout requests and answers (captures, sandbox journal)")),
    EvidenceKind("probe.payout", Text("代付通知探测", "payout notification probes")),
    EvidenceKind("sandbox.notify", Text("沙箱运行中的通知投递、商户应答与每笔订单的入账次数",
                                        "a sandbox run's notification deliveries, the merchant's answers and each "
                                        "order's credit count")),
)


class UnknownKind(LookupError):
    """An evidence kind nobody registered: a programming error, reported at registration."""


def kind(name: str) -> EvidenceKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"unknown evidence kind {name!r}; known: {', '.join(KINDS)}") from None
