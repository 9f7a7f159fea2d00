"""LL-SEC-002 -- the MD5 key is not written in source or config.

With ``sign_type=MD5`` the signature is ``md5(source + "&key=" + MD5_KEY)`` (protocol.md §2.2):
the key is a shared secret, and whoever holds it can forge LianLian's notifications to the
merchant and sign requests as the merchant (§2.5). LianLian's demos keep it as a constant --
Java/.NET ``PartnerConfig.MD5_KEY``, PHP ``$llpay_config['key']`` -- and merchants who copy them
commit their own key the same way, or put it in ``application.properties`` / ``.env`` files.

The rule looks for a literal assigned to a LianLian-looking name: ``md5_key``, ``MD5_KEY``,
``md5Key``, ``llpay.md5.key``, ``LLPAY_MD5_KEY``, ``$llpay_config['key']``, a bare ``key`` in a file
named like ``PartnerConfig`` or ``llpay.config.php``, in code (quoted), config files (also unquoted
``name=value``) and XML (``<md5Key>…</md5Key>``, ``<add key="MD5_KEY" value="…"/>``). The value
must look like a LianLian MD5 key (letters, digits, underscore, at most 100 characters: guide 三)
and not like a placeholder. Reading it from the environment is the correct form and is silent.
LianLian's published test keys are LL-SEC-003's business, not reported twice.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.lianlian.platform import PUBLISHED_DEMO_MD5_KEYS
from golive.scan.model import Hit, ScanRule, Secret
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile

META = CheckMeta(
    id="LL-SEC-002",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.HIGH,
    title=Text("MD5 密钥没有写在代码或配置文件中", "The MD5 key is not written in code or config files"),
    rationale=Text(
        "MD5 签名是 md5(待签名串 + \"&key=\" + 密钥)，密钥是共享秘密：拿到它就能伪造连连发给商户的异步通知、以商户名义签名请求。"
        "连连 demo 把密钥写成 PartnerConfig.MD5_KEY / $llpay_config['key'] 常量，照抄后真实密钥就进了仓库。",
        "An MD5 signature is md5(source + \"&key=\" + key): the key is a shared secret, and whoever has it can forge "
        "LianLian's notifications to the merchant and sign requests as the merchant. LianLian's demos keep it as a "
        "PartnerConfig.MD5_KEY / $llpay_config['key'] constant, so copying them commits the real key.",
    ),
    remediation=Text(
        "从环境变量或密钥管理服务读取（如 System.getenv(\"LLPAY_MD5_KEY\")、getenv('LLPAY_MD5_KEY')），golive.yaml 中写 "
        "md5_key: {env: LLPAY_MD5_KEY}；已提交的密钥视为泄露：在商户站「安全中心-商户密钥维护」更换，并从 git 历史中清除。",
        "Read it from the environment or a secrets manager (System.getenv(\"LLPAY_MD5_KEY\"), getenv('LLPAY_MD5_KEY')); "
        "in golive.yaml write md5_key: {env: LLPAY_MD5_KEY}. Treat a committed key as leaked: change it on 商户站 "
        "(安全中心 - 商户密钥维护) and purge it from git history.",
    ),
    references=("docs/protocol.md §2.2 (MD5 signature)", "docs/protocol.md §2.5 (verifying notifications)",
                "guide 三 (MD5 密钥：字母数字下划线，100 位以内)"),
    needs=("scan",),
    proves_item=False,
)

_NAME = r"""(?P<name>\$?[A-Za-z_][\w.\-]*(?:\[\s*["'][\w.\-]+["']\s*\])*|["'][\w.\-]+["'])"""
_VALUE = r"(?P<value>[A-Za-z0-9_]{6,100})"
# name = "value", name: 'value', 'name' => "value", name := "value" (code, JSON, quoted YAML)
_QUOTED = re.compile(_NAME + r"""\s*(?:=>|:=|=|:)\s*(?P<q>["'])""" + _VALUE + r"(?P=q)")
# name=value / name: value on its own line (properties, .env, ini, YAML)
_UNQUOTED = re.compile(r"^[ \t]*(?:export[ \t]+)?(?P<name>[\w.\-\[\]]+)[ \t]*[=:][ \t]*" + _VALUE + r"[ \t]*(?:[#;].*)?\r?$",
                       re.MULTILINE)
_XML_ELEMENT = re.compile(r"<(?P<name>[\w.\-:]+)>\s*" + _VALUE + r"\s*</(?P=name)>")
_XML_ATTRS = re.compile(r"""(?:key|name)\s*=\s*["'](?P<name>[^"']+)["']\s+value\s*=\s*["']""" + _VALUE + r"""["']""")
_PREFILTER = ("md5", "llpay", "lianlian", "yintong", "partner")
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+\d*|\d+")
_LIANLIAN_WORDS = frozenset({"llpay", "lianlian", "yintong", "llianpay", "lianpay", "ll"})
_NOT_MD5 = frozenset({"pub", "public", "pri", "private", "rsa", "path", "file", "env", "type", "url", "name", "id", "oid",
                      "sign", "alg", "algorithm", "mode", "method", "version", "partner"})
_PLACEHOLDER = re.compile(r"your|xxx|change|example|placeholder|todo|dummy|sample|replace|fill|here|secret|md5_?key|"
                          r"password|none|null|undefined|default|test_?key|^(?:key|md5|abc\w*)$", re.IGNORECASE)
_LIANLIAN_FILE = re.compile(r"partnerconfig|llpay|lianlian|yintong|llianpay", re.IGNORECASE)


def _words(name: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(name.replace("md5", "Md5").replace("MD5", "Md5"))]


def lianlian_md5_name(name: str, path: str) -> bool:
    """``MD5_KEY``, ``md5Key``, ``llpay.md5.key``, ``$llpay_config['key']``; a bare ``key`` only in a
    LianLian config file (``PartnerConfig.java``, ``llpay.config.php``)."""
    words = _words(name)
    if not words or set(words) & _NOT_MD5:
        return False
    joined = "".join(words)
    if "md5key" in joined or "md5secret" in joined:
        return True
    keyish = bool({"key", "secret"} & set(words))
    if keyish and set(words) & _LIANLIAN_WORDS:
        return True
    return words in (["key"], ["secret"]) and bool(_LIANLIAN_FILE.search(PurePosixPath(path).name))


def plausible_key(value: str) -> bool:
    if _PLACEHOLDER.search(value) or len(set(value)) < 4:
        return False
    if re.fullmatch(r"[A-Z_]+", value):  # LLPAY_MD5_KEY: the name of an environment variable
        return False
    return value not in PUBLISHED_DEMO_MD5_KEYS  # LL-SEC-003 reports those


def find_md5_keys(source: SourceFile) -> Iterator[Hit]:
    text = source.text
    if not any(word in source.lower for word in _PREFILTER):
        return
    patterns = [_QUOTED]
    if source.kind in ("config:properties", "config:env", "config:ini", "config:yaml"):
        patterns.append(_UNQUOTED)
    if source.kind == "config:xml":
        patterns += [_XML_ELEMENT, _XML_ATTRS]
    seen: set[int] = set()
    for pattern in patterns:
        for match in pattern.finditer(text):
            name, value = match.group("name").strip("\"'"), match.group("value")
            start = match.start("value")
            if start in seen or not lianlian_md5_name(name, source.path) or not plausible_key(value):
                continue
            seen.add(start)
            label = f"secret, {len(value)} chars"
            yield Hit(match.start("name"), match.end("value"),
                      Text(f"MD5 密钥直接写在 {name} 中（{len(value)} 个字符）",
                           f"MD5 key written inline in {name} ({len(value)} characters)"),
                      secrets=(Secret(start, match.end("value"), label),),
                      data={"name": name, "length": len(value)},
                      secret_id=hashlib.sha256(value.encode()).hexdigest())


SCAN = ScanRule(text=find_md5_keys, history=True)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
