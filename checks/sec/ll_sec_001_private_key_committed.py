"""LL-SEC-001 -- no private key is committed to the repository.

The merchant's RSA private key signs payment requests and payouts in the merchant's name
(protocol.md §2.3, §8); LianLian verifies them with the public half the merchant uploaded to
商户站. LianLian's own Java and .NET demos keep the private key *in source*, as a bare Base64
PKCS#8 string (``PartnerConfig.TRADER_PRI_KEY = "MIICdgIBADAN…"``, §2.3: "the Java demos need the
merchant private key as PKCS#8 DER Base64 without PEM armour"); the PHP demos read PEM (PKCS#1
``RSA PRIVATE KEY``). Merchants copy the demo and commit their real key the same way.

What the rule finds, in any text file (source, config, ``.pem``, ``.txt``):

* PEM blocks of private keys (PKCS#1, PKCS#8, encrypted PKCS#8, EC, OpenSSH), also inside string
  literals with ``\\n`` escapes or concatenated over several lines;
* bare Base64 DER starting ``MII…`` that decodes to a PKCS#8 ``PrivateKeyInfo`` or a PKCS#1
  ``RSAPrivateKey`` -- decoded and checked structurally, so public keys (``MIIBIjAN…``) and
  certificates are not findings, and neither is LianLian's platform public key (§2.4), which every
  demo ships and merchants rightly keep.

Findings show the key's size and the SHA-256 of its *public* half (what `golive keys` prints),
never the key; a key that LianLian published in its demos is named as such (platform.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from functools import lru_cache
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.model import Hit, ScanRule, Secret
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile

META = CheckMeta(
    id="LL-SEC-001",
    item=Item.INTEGRATION_SIGNATURE,
    severity=Severity.BLOCKER,
    title=Text("仓库中没有提交私钥", "No private key is committed to the repository"),
    rationale=Text(
        "商户 RSA 私钥用于以商户名义签名支付与代付请求。连连 Java/.NET demo 把私钥以 Base64 字符串写在 PartnerConfig 中，"
        "照抄的商户常把真实私钥一并提交；任何能读仓库的人（含离职员工、外包、泄露的备份）都能伪造商户的请求。",
        "The merchant RSA private key signs payments and payouts in the merchant's name. LianLian's Java and .NET "
        "demos keep it as a Base64 string in PartnerConfig, and merchants who copy them commit their real key; anyone "
        "who can read the repository (former staff, contractors, a leaked backup) can then sign as the merchant.",
    ),
    remediation=Text(
        "把私钥移出仓库：从环境变量、密钥管理服务或权限 600 的文件读取；已提交的私钥视为泄露——用 `golive keys` 生成新密钥对，"
        "在商户站上传新公钥，再从 git 历史中清除旧私钥（git filter-repo），并用 golive scan --history 复查。",
        "Move the key out of the repository (environment, a secrets manager, or a mode-600 file). Treat a committed "
        "key as leaked: generate a new pair with `golive keys`, upload the new public key on 商户站, purge the old key "
        "from git history (git filter-repo) and re-check with golive scan --history.",
    ),
    references=("docs/protocol.md §2.3 (key formats, Java demos keep PKCS#8 Base64)", "docs/protocol.md §2.4 (LianLian public key)",
                "guide 二 安全签名机制"),
    needs=("scan",),
    proves_item=False,
)

_PEM_BEGIN = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----")
_BARE = re.compile(r"(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{60,}={0,2}")
_B64_RUN = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# What may stand between the pieces of one key in source: "\n" escapes, string concatenation
# ("…" + "…", "…" . "…", adjacent literals), a properties line continuation, a plain line break
# before the next Base64 line of a multi-line bare key.
_GLUE = re.compile(r"""(?:\\[nr]|["']\s*[+.]?\s*["']|\\\r?\n[ \t]*|\r?\n[ \t]*(?=[A-Za-z0-9+/]{16}))+""")
_MAX_KEY_CHARS = 16384
_RSA_OID = bytes.fromhex("2a864886f70d010101")
_EC_OID = bytes.fromhex("2a8648ce3d0201")


def _header(der: bytes, pos: int) -> tuple[int, int, int] | None:
    """(tag, length, content offset) of the DER element at `pos`, or None."""
    if pos + 2 > len(der):
        return None
    tag, first = der[pos], der[pos + 1]
    if first < 0x80:
        return tag, first, pos + 2
    count = first & 0x7F
    if count == 0 or count > 3 or pos + 2 + count > len(der):
        return None
    return tag, int.from_bytes(der[pos + 2:pos + 2 + count], "big"), pos + 2 + count


def classify(der: bytes) -> tuple[str, str] | None:
    """(format, algorithm) if `der` starts like a private key, else None.

    PKCS#8 ``PrivateKeyInfo`` = SEQUENCE { INTEGER 0, SEQUENCE {algorithm}, OCTET STRING };
    PKCS#1 ``RSAPrivateKey`` = SEQUENCE { INTEGER 0, INTEGER n, … };
    SEC1 ``ECPrivateKey`` = SEQUENCE { INTEGER 1, OCTET STRING, … }.
    A public key (SEQUENCE { SEQUENCE, BIT STRING }) or certificate has no leading version.
    """
    outer = _header(der, 0)
    if outer is None or outer[0] != 0x30:
        return None
    version = _header(der, outer[2])
    if version is None or version[0] != 0x02 or version[1] != 1:
        return None
    value = der[version[2]] if version[2] < len(der) else -1
    following = _header(der, version[2] + 1)
    if following is None:
        return None
    if value == 0 and following[0] == 0x30:
        algorithm = der[following[2]:following[2] + following[1]]
        return "PKCS#8", "RSA" if _RSA_OID in algorithm else "EC" if _EC_OID in algorithm else "other"
    if value == 0 and following[0] == 0x02:
        return "PKCS#1", "RSA"
    if value == 1 and following[0] == 0x04:
        return "SEC1", "EC"
    return None


def _b64decode(text: str) -> bytes | None:
    text = text.rstrip("=")
    if len(text) % 4 == 1:
        text = text[:-1]
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _trim(der: bytes) -> bytes:
    outer = _header(der, 0)
    return der[: outer[2] + outer[1]] if outer else der


def _integer(der: bytes, pos: int) -> tuple[int, int] | None:
    """(value, next offset) of the DER INTEGER at `pos`."""
    head = _header(der, pos)
    if head is None or head[0] != 0x02 or head[2] + head[1] > len(der):
        return None
    return int.from_bytes(der[head[2]:head[2] + head[1]], "big"), head[2] + head[1]


def rsa_public_numbers(der: bytes, fmt: str) -> tuple[int, int] | None:
    """(n, e) of an RSA private key, read from the DER without importing the key: importing runs
    primality tests on p and q (milliseconds per key), and only the public half is shown."""
    outer = _header(der, 0)
    if outer is None:
        return None
    if fmt == "PKCS#8":  # … OCTET STRING { RSAPrivateKey }
        version = _integer(der, outer[2])
        algorithm = _header(der, version[1]) if version else None
        octets = _header(der, algorithm[2] + algorithm[1]) if algorithm else None
        if octets is None or octets[0] != 0x04:
            return None
        der = der[octets[2]:octets[2] + octets[1]]
        outer = _header(der, 0)
        if outer is None:
            return None
    version = _integer(der, outer[2])
    modulus = _integer(der, version[1]) if version else None
    exponent = _integer(der, modulus[1]) if modulus else None
    if modulus is None or exponent is None or modulus[0] < 2 or exponent[0] < 3:
        return None
    return modulus[0], exponent[0]


@lru_cache(maxsize=256)
def describe(der: bytes, fmt: str, algorithm: str) -> tuple[str, dict[str, object], Text | None]:
    """A safe label, facts, and (for a key LianLian published) a note naming where. Cached: a
    repository often holds the same key in several files."""
    facts: dict[str, object] = {"format": fmt, "algorithm": algorithm}
    if algorithm != "RSA":
        return f"{algorithm} private key, {fmt}", facts, None
    numbers = rsa_public_numbers(der, fmt)
    if numbers is None:
        facts["parsed"] = False
        return f"RSA private key, {fmt}, incomplete (split or truncated)", facts, None
    from golive.lianlian.keys import fingerprint_sha256, public_key_from_numbers
    from golive.lianlian.platform import published_demo_key

    try:
        fingerprint = fingerprint_sha256(public_key_from_numbers(*numbers))
    except ValueError:  # no RSA key has this modulus and exponent (an even one, say)
        facts["parsed"] = False
        return f"RSA private key, {fmt}, incomplete (split or truncated)", facts, None
    bits = numbers[0].bit_length()
    facts.update(bits=bits, fingerprint_sha256=fingerprint)
    published = published_demo_key(fingerprint)
    note = None
    if published is not None:
        facts["published_in"] = published.where
        note = Text(f"这是连连在官方 demo 中公开的密钥（{published.where}）",
                    f"this is a key LianLian publishes in its demos ({published.where})")
    return f"RSA {bits}-bit private key, {fmt}, sha256:{fingerprint[:16]}…", facts, note


def _message(label: str, note: Text | None) -> Text:
    zh = f"私钥写在仓库中：{label}"
    en = f"private key committed: {label}"
    if note is not None:
        zh, en = f"{zh}；{note.zh}", f"{en}; {note.en}"
    return Text(zh, en)


def _pem_hits(source: SourceFile) -> Iterator[Hit]:
    text = source.text
    for match in _PEM_BEGIN.finditer(text):
        label = match.group(1)
        end_marker = f"-----END {label}-----"
        stop = text.find(end_marker, match.end(), match.end() + _MAX_KEY_CHARS)
        body_end = stop if stop >= 0 else match.end()
        body = text[match.end():body_end]
        encrypted = label == "ENCRYPTED PRIVATE KEY" or "Proc-Type: 4,ENCRYPTED" in body
        body = re.sub(r"\\[nr]", "", body)
        body = re.sub(r"""["']\s*[+.]?\s*["']""", "", body)
        b64 = "".join(re.findall(r"[A-Za-z0-9+/=]", re.sub(r"^[\w-]+:.*$", "", body, flags=re.M)))
        der = _b64decode(b64) if b64 else None
        severity = None
        facts: dict[str, object] = {"pem_label": label}
        note = None
        if encrypted:
            shown, severity = "passphrase-protected private key (the passphrase is usually nearby)", Severity.MEDIUM
        elif label == "OPENSSH PRIVATE KEY":
            shown, severity = "OpenSSH private key", Severity.HIGH
        elif der and (kind := classify(der)):
            shown, more, note = describe(_trim(der), *kind)
            facts.update(more)  # into this hit's own dict: describe's result is cached, never mutated
            if kind[1] != "RSA":
                severity = Severity.HIGH
        else:
            shown = f"{label.lower()} (unparsed)"
        if stop < 0:
            facts["end_marker"] = False
        end = stop + len(end_marker) if stop >= 0 else match.end()
        digest = hashlib.sha256(der if der else b64.encode()).hexdigest()
        yield Hit(match.start(), end, _message(shown, note), secrets=(Secret(match.end(), max(body_end, match.end()), shown),),
                  data=facts, severity=severity, secret_id=digest)


def _bare_hits(source: SourceFile, pem_spans: list[tuple[int, int]]) -> Iterator[Hit]:
    text = source.text
    for match in _BARE.finditer(text):
        if any(s <= match.start() < e for s, e in pem_spans):
            continue
        end, pieces = match.end(), [match.group()]
        while end - match.start() < _MAX_KEY_CHARS:
            glue = _GLUE.match(text, end)
            run = _B64_RUN.match(text, glue.end()) if glue else None
            if run is None:
                break
            pieces.append(run.group())
            end = run.end()
        der = _b64decode("".join(pieces))
        kind = classify(der) if der else None
        if der is None or kind is None:
            continue  # a public key, a certificate, or not DER at all
        label, facts, note = describe(_trim(der), *kind)
        yield Hit(match.start(), end, _message(label, note), secrets=(Secret(match.start(), end, label),),
                  data={**facts, "encoding": "bare Base64"}, severity=None if kind[1] == "RSA" else Severity.HIGH,
                  secret_id=hashlib.sha256(_trim(der)).hexdigest())


def find_private_keys(source: SourceFile) -> Iterator[Hit]:
    text = source.text
    if "PRIVATE KEY-----" not in text and "MII" not in text:
        return
    pem = list(_pem_hits(source))
    yield from pem
    if "MII" in text:
        yield from _bare_hits(source, [(h.start, h.end) for h in pem])


SCAN = ScanRule(text=find_private_keys, history=True)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
