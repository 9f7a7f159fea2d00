"""LL-SEC-004 -- HTTP clients verify TLS certificates.

Every LianLian API is HTTPS (protocol.md §1): order queries (``queryapi.lianlianpay.com``), refunds,
payouts (``instantpay.lianlianpay.com``, §8). A client that accepts any certificate lets anyone on
the network path answer in LianLian's name: an order query answered ``result_pay=SUCCESS`` credits
an unpaid order, a payout response is forged, the merchant's signed requests are read. Merchant
code switches verification off to get past a proxy or an old CA bundle during integration, and
the switch stays: Python ``verify=False``, Java trust-all ``X509TrustManager`` and
``HostnameVerifier``s returning true (common in copied ``HttpClientUtil`` classes), PHP
``CURLOPT_SSL_VERIFYPEER => false``, .NET certificate callbacks returning true, Go
``InsecureSkipVerify: true``, Node ``rejectUnauthorized: false``.

The code part is tree-sitter queries per language, below; the text part catches the same switch
in config files (``NODE_TLS_REJECT_UNAUTHORIZED=0``, ``PYTHONHTTPSVERIFY=0``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile
from golive.scan.syntax import ALL_LANGUAGES, Syntax

if TYPE_CHECKING:  # pragma: no cover - typing only
    from tree_sitter import Node

META = CheckMeta(
    id="LL-SEC-004",
    item=Item.INTEGRATION_HYGIENE,
    severity=Severity.HIGH,
    title=Text("HTTP 客户端校验 TLS 证书", "HTTP clients verify TLS certificates"),
    rationale=Text(
        "连连所有接口都是 HTTPS（订单查询、退款、代付）。关闭证书校验后，网络路径上的任何人都能冒充连连应答："
        "把未支付订单的查询结果答成 SUCCESS、伪造代付结果、读取商户签名的请求。联调时为绕过代理关掉的校验常常被带上线。",
        "Every LianLian API is HTTPS (order query, refund, payout). With certificate checks off, anyone on the network "
        "path can answer as LianLian: report an unpaid order as SUCCESS, forge a payout result, read the merchant's "
        "signed requests. Verification switched off to get past a proxy during integration often ships.",
    ),
    remediation=Text(
        "恢复默认校验：Python 去掉 verify=False（或指定 CA 文件）；Java 使用默认 TrustManager/HostnameVerifier；PHP 设 "
        "CURLOPT_SSL_VERIFYPEER => true、CURLOPT_SSL_VERIFYHOST => 2；.NET 回调只在 SslPolicyErrors.None 时返回 true；"
        "Go 去掉 InsecureSkipVerify（需要时配置 RootCAs）；Node 去掉 rejectUnauthorized: false。代理问题用正确的 CA 解决。",
        "Restore the default checks: drop verify=False in Python (or pass a CA file); use the default TrustManager and "
        "HostnameVerifier in Java; set CURLOPT_SSL_VERIFYPEER => true and CURLOPT_SSL_VERIFYHOST => 2 in PHP; have "
        ".NET callbacks return true only for SslPolicyErrors.None; drop InsecureSkipVerify in Go (set RootCAs if "
        "needed); drop rejectUnauthorized: false in Node. Fix proxy problems with the right CA, not by trusting all.",
    ),
    references=("docs/protocol.md §1 (all server APIs are HTTPS)", "docs/protocol.md §5.1 (HTTPS, TLS ≥ 1.2)", "docs/protocol.md §8 (payouts)"),
    needs=("scan",),
    proves_item=False,
)


def _only_returns_true(syn: Syntax, body: Node | None) -> bool:
    """A body that unconditionally answers true: ``true``, ``{ return true; }``, ``delegate { return true; }``."""
    if body is None:
        return False
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", syn.node_text(body), flags=re.S)
    return re.fullmatch(r"\s*(?:\{\s*return\s+true\s*;?\s*\}|true)\s*", text) is not None


def _empty_body(syn: Syntax, captures: dict[str, list[Node]]) -> bool:
    """checkServerTrusted that neither throws nor delegates: an empty body (comments allowed)."""
    body = captures["body"][0]
    return all(child.type in ("line_comment", "block_comment") for child in body.named_children)


def _returns_true(syn: Syntax, captures: dict[str, list[Node]]) -> bool:
    return _only_returns_true(syn, captures["body"][0])


def _not_import(syn: Syntax, captures: dict[str, list[Node]]) -> bool:
    node: Node | None = captures["hit"][0]
    while node is not None:
        if node.type in ("import_declaration", "using_directive"):
            return False
        node = node.parent
    return True


def _accepts_any_certificate(syn: Syntax, captures: dict[str, list[Node]]) -> bool:
    """The .NET validation callback accepts every certificate."""
    value = captures["value"][0]
    text = syn.node_text(value)
    if "DangerousAcceptAnyServerCertificateValidator" in text:
        return True
    if value.type in ("lambda_expression", "anonymous_method_expression"):
        return _only_returns_true(syn, value.child_by_field_name("body") or (value.named_children[-1] if value.named_children else None))
    names = re.findall(r"[A-Za-z_]\w*", text)
    target = names[-1] if names else ""
    for captured in syn.matches("(method_declaration name: (identifier) @name body: (block) @body) @m"):
        if syn.node_text(captured["name"][0]) == target and _only_returns_true(syn, captured["body"][0]):
            return True  # a named method used as the callback: `= ValidateCert` / `new …Callback(ValidateCert)`
    return False


Predicate = Callable[[Syntax, "dict[str, list[Node]]"], bool]
_PY = Text("Python 请求关闭了证书校验", "Python request with certificate verification off")

# language -> [(tree-sitter query with @hit, predicate or None, message)]
QUERIES: dict[str, list[tuple[str, Predicate | None, Text]]] = {
    "python": [
        ('(keyword_argument name: (identifier) @k value: (false) (#any-of? @k "verify" "ssl" "verify_ssl")) @hit', None,
         Text("HTTP 请求使用 verify=False / ssl=False：接受任何证书", "HTTP call with verify=False / ssl=False: any certificate is accepted")),
        ('(assignment left: (attribute attribute: (identifier) @a) right: (false) (#any-of? @a "verify" "check_hostname")) @hit', None,
         Text("会话或 SSL 上下文关闭了证书/主机名校验", "a session or SSL context turns certificate or hostname checks off")),
        ('(call function: [(identifier) (attribute)] @f (#match? @f "_create_unverified_context$")) @hit', None,
         Text("ssl._create_unverified_context() 不校验证书", "ssl._create_unverified_context() verifies nothing")),
        ('(assignment left: (attribute attribute: (identifier) @a) right: (attribute) @r (#eq? @a "verify_mode") (#match? @r "CERT_NONE$")) @hit', None,
         Text("verify_mode = CERT_NONE：不校验证书", "verify_mode = CERT_NONE: certificates are not checked")),
        ('(keyword_argument name: (identifier) @k value: (_) @v (#eq? @k "cert_reqs") (#match? @v "CERT_NONE")) @hit', None,
         Text("cert_reqs=CERT_NONE：不校验证书", "cert_reqs=CERT_NONE: certificates are not checked")),
    ],
    "java": [
        ('(method_declaration name: (identifier) @n body: (block) @body (#eq? @n "checkServerTrusted")) @hit', _empty_body,
         Text("X509TrustManager.checkServerTrusted 为空：信任任何证书", "X509TrustManager.checkServerTrusted is empty: every certificate is trusted")),
        ('(method_declaration name: (identifier) @n parameters: (formal_parameters) @p body: (block) @body '
         '(#eq? @n "verify") (#match? @p "SSLSession")) @hit', _returns_true,
         Text("HostnameVerifier.verify 总是返回 true：不校验主机名", "HostnameVerifier.verify always returns true: host names are not checked")),
        ('(method_invocation name: (identifier) @m arguments: (argument_list (lambda_expression body: (true))) '
         '(#match? @m "^(setHostnameVerifier|setDefaultHostnameVerifier|hostnameVerifier)$")) @hit', None,
         Text("主机名校验器总是返回 true", "the hostname verifier always returns true")),
        ('([(identifier) (type_identifier)] @id (#match? @id "^(NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER|TrustAllStrategy|InsecureTrustManagerFactory)$")) @hit',
         _not_import, Text("使用了不做校验的 TLS 组件（NoopHostnameVerifier / TrustAllStrategy 等）",
                           "a TLS helper that checks nothing (NoopHostnameVerifier, TrustAllStrategy, …)")),
    ],
    "php": [
        ('(function_call_expression function: (name) @f arguments: (arguments (argument (name) @o) . (argument [(boolean) (integer)] @v)) '
         '(#eq? @f "curl_setopt") (#match? @o "^CURLOPT_SSL_VERIFY(PEER|HOST)$") (#match? @v "^(false|FALSE|False|0)$")) @hit', None,
         Text("curl 关闭了证书/主机名校验（CURLOPT_SSL_VERIFYPEER/HOST）", "curl with certificate or host checks off (CURLOPT_SSL_VERIFYPEER/HOST)")),
        ('(array_element_initializer (name) @o . [(boolean) (integer)] @v (#match? @o "^CURLOPT_SSL_VERIFY(PEER|HOST)$") '
         '(#match? @v "^(false|FALSE|False|0)$")) @hit', None,
         Text("curl 选项关闭了证书/主机名校验", "curl options turn certificate or host checks off")),
        ('(array_element_initializer (string (string_content) @k) . (boolean) @v (#match? @k "^(verify|verify_peer|verify_peer_name)$") '
         '(#match? @v "^(false|FALSE|False)$")) @hit', None,
         Text("HTTP 客户端（Guzzle / stream context）关闭了证书校验", "HTTP client (Guzzle, stream context) with certificate checks off")),
    ],
    "javascript": [
        ('(pair key: [(property_identifier) (string)] @k value: (false) (#match? @k "^[\\"\']?(rejectUnauthorized|strictSSL)[\\"\']?$")) @hit', None,
         Text("rejectUnauthorized/strictSSL 为 false：接受任何证书", "rejectUnauthorized/strictSSL false: any certificate is accepted")),
        ('(assignment_expression left: (_) @l right: [(string) (number)] @v (#match? @l "NODE_TLS_REJECT_UNAUTHORIZED") (#match? @v "^[\\"\'`]?0[\\"\'`]?$")) @hit', None,
         Text("NODE_TLS_REJECT_UNAUTHORIZED=0 关闭了整个进程的证书校验", "NODE_TLS_REJECT_UNAUTHORIZED=0 turns certificate checks off for the whole process")),
    ],
    "go": [
        ('(keyed_element key: (literal_element (identifier) @k) value: (literal_element (true)) (#eq? @k "InsecureSkipVerify")) @hit', None,
         Text("tls.Config{InsecureSkipVerify: true}：不校验证书", "tls.Config{InsecureSkipVerify: true}: certificates are not checked")),
        ('(assignment_statement left: (expression_list (selector_expression field: (field_identifier) @f)) right: (expression_list (true)) '
         '(#eq? @f "InsecureSkipVerify")) @hit', None,
         Text("InsecureSkipVerify = true：不校验证书", "InsecureSkipVerify = true: certificates are not checked")),
    ],
    "csharp": [
        ('(assignment_expression left: (_) @l right: (_) @value '
         '(#match? @l "(ServerCertificateValidationCallback|ServerCertificateCustomValidationCallback|RemoteCertificateValidationCallback)$")) @hit',
         _accepts_any_certificate,
         Text("证书校验回调总是返回 true：接受任何证书", "the certificate validation callback always returns true: any certificate is accepted")),
    ],
}
# TypeScript's grammar extends JavaScript's: the same queries serve it.
QUERIES["typescript"] = QUERIES["tsx"] = QUERIES["javascript"]


def find_tls_off_in_code(syn: Syntax) -> Iterator[Hit]:
    for query, predicate, message in QUERIES.get(syn.lang, ()):
        for captures in syn.matches(query):
            if predicate is not None and not predicate(syn, captures):
                continue
            node = captures["hit"][0]
            yield syn.hit(node.start_byte, node.end_byte, message)


_CONFIG = re.compile(r"""^[ \t]*(?:export[ \t]+|ENV[ \t]+)?(?P<name>NODE_TLS_REJECT_UNAUTHORIZED|PYTHONHTTPSVERIFY)[ \t]*[=:][ \t]*["']?0["']?[ \t]*(?:#.*)?$""",
                     re.MULTILINE)


def find_tls_off_in_config(source: SourceFile) -> Iterator[Hit]:
    """The process-wide switches, in .env / YAML / Dockerfiles (code files are the code part's)."""
    if source.is_code or ("NODE_TLS_REJECT_UNAUTHORIZED" not in source.text and "PYTHONHTTPSVERIFY" not in source.text):
        return
    for match in _CONFIG.finditer(source.text):
        yield Hit(match.start("name"), match.end(), Text(f"{match.group('name')}=0 关闭了整个进程的证书校验",
                                                          f"{match.group('name')}=0 turns certificate checks off for the whole process"))


SCAN = ScanRule(
    text=find_tls_off_in_config,
    code=find_tls_off_in_code,
    languages=ALL_LANGUAGES,
    triggers=("verif", "ssl", "trust", "rejectunauthorized", "node_tls", "validationcallback", "cert_none"),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
