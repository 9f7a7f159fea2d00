"""LL-SEC-005 -- notification bodies and card, ID or phone fields are not written to logs.

LianLian's 认证支付 notification carries the payer's identity in clear: ``id_no`` (resident ID
number), ``acct_name`` (name), ``id_type``, ``no_agree`` (protocol.md §5.1, the real sample T6),
and requests carry ``card_no`` and ``risk_item`` fields with ID and phone numbers (§3, §4.3).
LianLian's own Java demo prints the raw notification body (``System.out.println("接收支付异步通知
数据：【" + reqStr + "】")``), and merchants keep that line in production, where logs are kept for
months, shipped to log services and read by many. Personal data belongs in logs only masked
(golive.redact: card 6+4, ID and phone 3+4, name first character).

The rule reads each logging call (``logger.info``, ``System.out.println``, ``error_log``,
``console.log``, ``log.Printf``, ``_logger.LogInformation``, …) and reports it when its
arguments hold:

* the raw request body -- a variable assigned from reading it (``readReqStr(req)``,
  ``file_get_contents("php://input")``, ``request.get_data()``, ``ioutil.ReadAll(r.Body)``,
  ``ReadToEnd()``, a Spring ``@RequestBody String``), an object parsed whole from it, or the read
  itself -- in files that handle LianLian messages;
* a card, ID or phone field (``id_no``, ``card_no``, ``acct_name``, ``user_info_bind_phone``,
  ``getId_no()``, ``idNo``, ``$data['card_no']``…) -- words inside a log message's text do not
  count, only values.

Values passed through a masking call (``mask(…)``, ``desensitize``, ``substring``, a hash, a
length) are not reported.
"""

from __future__ import annotations

import re
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_HINT, LIANLIAN_TRIGGERS, is_log_call
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.syntax import ALL_LANGUAGES, Call, Syntax

META = CheckMeta(
    id="LL-SEC-005",
    item=Item.INTEGRATION_HYGIENE,
    severity=Severity.HIGH,
    title=Text("日志中不写入通知原文及卡号、身份证号、手机号", "Logs hold no notification bodies, card, ID or phone numbers"),
    rationale=Text(
        "认证支付异步通知明文携带身份证号 id_no 和姓名 acct_name，请求中还有卡号与手机号。连连 Java demo 把通知原文打印到日志，"
        "照抄上线后，这些个人信息就留在长期保存、多人可读的日志里，违反个人信息保护要求。",
        "The 认证支付 notification carries the payer's ID number (id_no) and name (acct_name) in clear, and requests "
        "carry card and phone numbers. LianLian's Java demo prints the raw notification to the log; shipped as is, "
        "the personal data ends up in logs that are kept for months and read by many.",
    ),
    remediation=Text(
        "只记录 no_order、oid_paybill、result_pay、money_order 等业务字段；必须记录的个人信息先脱敏（卡号前 6 后 4、证件号与手机号"
        "前 3 后 4、姓名只留首字）。删除打印通知原文的语句。",
        "Log only business fields (no_order, oid_paybill, result_pay, money_order); mask any personal data you must "
        "keep (card first 6 and last 4, ID and phone first 3 and last 4, name first character). Remove the lines "
        "that print the raw notification.",
    ),
    references=("docs/protocol.md §5.1 (notification fields: id_no, acct_name)", "docs/protocol.md §3, §4.3 (card_no, ID and phone fields)",
                "README: Reports (what is redacted)"),
    needs=("scan",),
    proves_item=False,
)

# Reading the whole request body (not one field of it).
_NOT_FIELD = r"(?!\s*(?:\.\s*\w|\[|->|\.get\w*\())"
BODY_READ = re.compile(
    r"readReqStr|getInputStream\s*\(\s*\)|getReader\s*\(\s*\)|php://input|HTTP_RAW_POST_DATA|"
    r"\$_(?:POST|REQUEST)\b" + _NOT_FIELD + r"|"
    r"\brequest\.(?:body|data|json|stream)\b" + _NOT_FIELD + r"|\brequest\.(?:get_data|get_json)\s*\(|self\.rfile\.read|"
    r"\b(?:req|request|ctx\.request)\.(?:body|rawBody)\b" + _NOT_FIELD + r"|"
    r"\b(?:ioutil|io)\.ReadAll\s*\(\s*\w+\.Body|GetRawData\s*\(|ReadToEnd(?:Async)?\s*\(|"
    r"\bRequest\.(?:InputStream|Body|Form)\b" + _NOT_FIELD)
_REQUEST_BODY_PARAM = re.compile(r"(?:@RequestBody|\[FromBody\])\s+(?:final\s+)?[\w<>,.\[\]? ]+?\s+(\w+)\s*[,)]")
_PARSE = re.compile(r"parse\w*|loads|decode|unmarshal|deserialize\w*|fromjson|readvalue|readtree|toobject|json_decode",
                    re.IGNORECASE)
_ONE_FIELD = re.compile(r"""(?:\.\s*get\w*\(\s*["'][^"']+["']\s*\)|\[\s*["'][^"']+["']\s*\]|->\w+|\.\w+)\s*;?\s*$""")
SENSITIVE = re.compile(
    r"(?<![A-Za-z])(?:get_?)?(?:user_?info_?)?(?:id_?no|id_?card(?:_?no)?|id_?number|card_?no|card_?number|"
    r"bank_?card(?:_?no)?|acct_?name|acct_?no|bind_?mob(?:ile)?|bind_?phone|full_?name|phone|mobile|cert_?no)"
    r"(?:_?(?:no|num|number))?(?![A-Za-z])", re.IGNORECASE)
# Calls whose result no longer holds the value: masking, hashing, taking a length.
_MASK = re.compile(r"mask|redact|desensiti|hide|encrypt|hash|md5|sha|digest|tail|last4|substr|substring|slice|"
                   r"abbreviate|overlay|left|right|len|size|count", re.IGNORECASE)
_KEY_BEFORE = re.compile(r"""(?:\[|(?:get|opt|get_?string|getstr|value|param|getparameter)\w*\s*\()\s*$""", re.IGNORECASE)


def _word(text: str, name: str) -> re.Match[str] | None:
    """`name` used whole (PHP's ``$name`` too), not one field of it."""
    return re.search(rf"(?<![\w$])\$?{re.escape(name)}(?![\w$]){_NOT_FIELD}", text)


def _target_name(target: str) -> str | None:
    """The variable an assignment writes: ``body`` of ``body, _ :=``, ``raw`` of ``$raw``."""
    names = re.findall(r"[A-Za-z_$][\w$]*", target.split(",")[0])
    return names[-1].lstrip("$") if names else None


def body_variables(syn: Syntax) -> tuple[set[str], set[str]]:
    """(variables holding the raw body, variables holding it parsed whole)."""
    raw: set[str] = set()
    for unit in syn.units:
        raw.update(m.group(1) for m in _REQUEST_BODY_PARAM.finditer(unit.header))
    assigns = syn.assigns
    for assign in assigns:
        if BODY_READ.search(assign.value) and (name := _target_name(assign.target)):
            raw.add(name)
    for call in syn.calls:  # Go: body, _ := ioutil.ReadAll(r.Body) is an assignment already
        if call.name in ("Unmarshal",) and any(_word(call.args, n) for n in raw):
            parts = call.args.strip("()").split(",")
            if len(parts) > 1:
                raw.add(parts[1].strip().lstrip("&"))
    parsed: set[str] = set()
    for assign in assigns:
        if _PARSE.search(assign.value) and not _ONE_FIELD.search(assign.value) \
                and any(_word(assign.value, n) for n in raw) and (name := _target_name(assign.target)):
            parsed.add(name)
    return raw, parsed - raw


def _masked(syn: Syntax, call: Call, offset: int) -> bool:
    """Whether the argument text at `offset` (absolute byte) is inside a masking call."""
    for inner in syn.calls:
        if inner is not call and call.args_start <= inner.start and inner.end <= call.end \
                and _MASK.search(inner.name) and inner.args_start <= offset < inner.end:
            return True
    return False


_INTERPOLATION = {
    "`": re.compile(r"\$\{[^}]*\}"),  # JavaScript template
    "f": re.compile(r"\{[^{}]+\}"),  # Python f-string, C# $"…"
    "php": re.compile(r"\{\$[^}]*\}|\$[A-Za-z_]\w*(?:\[[^\]]*\]|->\w+)*"),
}


def _interpolations(syn: Syntax, start: int, end: int) -> list[tuple[int, int]]:
    """Byte spans of code inside a string literal (template substitutions): values, not words."""
    raw = syn.data[start:end]
    head = raw[:3].lower()
    if head.startswith(b"`"):
        pattern = _INTERPOLATION["`"]
    elif head[:1] in (b"f", b"$") or head[:2] in (b"rf", b"fr", b"@$"):
        pattern = _INTERPOLATION["f"]
    elif syn.lang == "php" and head.startswith(b'"'):
        pattern = _INTERPOLATION["php"]
    else:
        return []
    text = raw.decode("latin-1")  # byte-for-byte, so match offsets are byte offsets
    return [(start + m.start(), start + m.end()) for m in pattern.finditer(text)]


def _values_text(syn: Syntax, call: Call) -> str:
    """The call's argument text with string contents blanked, except strings used as keys
    (``data["id_no"]``, ``getString("card_no")``) and template substitutions: words of a log
    message are not values."""
    text = bytearray(syn.data[call.args_start:call.end])
    for lit in syn.strings_in(call.args_start, call.end):
        before = syn.text(max(call.args_start, lit.start - 40), lit.start)
        if _KEY_BEFORE.search(before):
            continue
        keep = _interpolations(syn, lit.start, lit.end)
        for i in range(lit.start + 1, max(lit.start + 1, lit.end - 1)):
            if not any(s <= i < e for s, e in keep):
                text[i - call.args_start] = 0x20
    return text.decode("utf-8", "replace")


def find_sensitive_logging(syn: Syntax) -> Iterator[Hit]:
    syn.build()
    lianlian_file = bool(LIANLIAN_HINT.search(syn.source.text))
    raw, parsed = body_variables(syn) if lianlian_file else (set(), set())
    for call in syn.calls:
        if not is_log_call(call, syn.lang):
            continue
        values = _values_text(syn, call)
        body_hit = None
        if lianlian_file:
            direct = BODY_READ.search(values)
            if direct and not _masked(syn, call, call.args_start + len(values[:direct.start()].encode())):
                body_hit = "the request body"
            for name in sorted(raw | parsed):
                match = _word(values, name)
                if body_hit is None and match and not _masked(syn, call, call.args_start + len(values[:match.start()].encode())):
                    body_hit = name
        if body_hit is not None:
            yield syn.hit(call.start, call.end, Text(
                f"通知/请求原文（{body_hit}）写入日志：其中含身份证号、姓名等个人信息",
                f"the raw notification/request body ({body_hit}) is written to the log: it carries ID numbers and names"),
                data={"kind": "raw_body", "value": body_hit})
            continue
        fields = [m for m in SENSITIVE.finditer(values)
                  if not _masked(syn, call, call.args_start + len(values[:m.start()].encode()))]
        if fields:
            names = sorted({m.group(0) for m in fields})
            yield syn.hit(call.start, call.end, Text(
                f"卡号/证件号/手机号等个人信息未脱敏写入日志：{', '.join(names)}",
                f"card, ID or phone data written to the log unmasked: {', '.join(names)}"),
                data={"kind": "fields", "fields": names})


SCAN = ScanRule(
    code=find_sensitive_logging,
    languages=ALL_LANGUAGES,
    # every field name SENSITIVE can match; raw bodies are judged only in files that handle LianLian messages
    triggers=("id_no", "id_card", "id_number", "card_no", "card_number", "bank_card", "acct_", "bind_mob", "bind_phone",
              "full_name", "phone", "mobile", "cert_no", *LIANLIAN_TRIGGERS),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
