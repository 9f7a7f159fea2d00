"""LL-SEC-008 -- the notify handler answers with the ack LianLian reads.

The contract (protocol.md §5.1): the body is JSON with ``ret_code`` ``"0000"`` -- the demos send
``{"ret_code":"0000","ret_msg":"交易成功"}``. Two wrong answers are common in merchant code:

* ``success`` / ``SUCCESS`` / ``ok``: what other payment providers' notify handlers answer.
  LianLian does not read it as an acknowledgement and re-sends 30 times (LL-NTF-002 sees the
  symptom only when the probe runs);
* the go-live guide's own example, ``{'ret_code':'0000','ret_msg':'交易成功'}`` (guide 五) -- with
  single quotes, which is not JSON. Merchants paste it verbatim into a string literal.

The rule reports a string literal that is the single-quoted ack anywhere in code (a Python or
PHP *dict/array* with single-quoted keys is code, not text, and is fine; so is prose that quotes
the guide), and in notify handlers
a response written or returned as just ``success``, ``ok``, ``true`` or a bare ``0000``.
"""

from __future__ import annotations

import re
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import LIANLIAN_TRIGGERS, RESPONSE_NAMES, handlers, is_log_call
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile
from golive.scan.syntax import ALL_LANGUAGES, Syntax

META = CheckMeta(
    id="LL-SEC-008",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("异步通知应答是合法 JSON 且 ret_code 为 0000", "The notify ack is valid JSON with ret_code 0000"),
    rationale=Text(
        "连连只认 JSON 应答 {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}。照搬其他支付渠道的 success/ok，或照抄接入指南里单引号的"
        "{'ret_code':'0000'}（不是合法 JSON），连连都会当作未应答，持续重发 30 次。",
        "LianLian reads only a JSON answer {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}. The success/ok other "
        "providers expect, or the guide's single-quoted {'ret_code':'0000'} (not valid JSON), count as no answer, "
        "and LianLian keeps re-sending, 30 times.",
    ),
    remediation=Text(
        "应答正文改为 {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}（双引号），最好用 JSON 库生成，并设置 Content-Type: "
        "application/json。",
        "Answer {\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"} with double quotes, preferably built by a JSON library, "
        "with Content-Type: application/json.",
    ),
    references=("docs/protocol.md §5.1 (ack body)", "guide 五 (the single-quoted example)", "LL-NTF-002"),
    needs=("scan",),
    proves_item=False,
)

_SINGLE_QUOTED_ACK = re.compile(r"\{\s*'ret_?code'\s*:", re.IGNORECASE)
_BARE_ACK = re.compile(r"(?:success|ok|true|0000|received)", re.IGNORECASE)
_ONLY_LITERAL = re.compile(r"""^\(?\s*(?:\[\]byte\s*\(\s*)?(?P<lit>[`"'][^`"']*[`"'])\s*\)?\s*\)?\s*;?$""")
_PAGE_EXTENSIONS = (".jsp", ".jspx", ".asp", ".aspx", ".ashx", ".cshtml", ".phtml", ".vm", ".ftl")


def _bare_ack(text: str) -> str | None:
    match = _ONLY_LITERAL.match(text.strip())
    if match is None:
        return None
    value = match.group("lit")[1:-1]
    return value if _BARE_ACK.fullmatch(value) else None


def find_wrong_ack(syn: Syntax) -> Iterator[Hit]:
    syn.build()
    for lit in syn.strings:
        text = lit.value.strip()
        # the ack itself (the whole string is the object), not prose or a docstring quoting it
        if text.startswith("{") and text.endswith("}") and _SINGLE_QUOTED_ACK.match(text):
            yield syn.hit(lit.start, lit.end, Text(
                "应答是单引号的 {'ret_code':…}（接入指南中的写法），不是合法 JSON：连连会当作未应答并重发",
                "the ack is the guide's single-quoted {'ret_code':…}, which is not JSON: LianLian treats it as no "
                "answer and re-sends"), data={"kind": "single_quoted_json"})
    for unit in handlers(syn, "notify"):
        for call in syn.unit_calls(unit):
            if call.name.lower() not in RESPONSE_NAMES or is_log_call(call, syn.lang):
                continue
            value = _bare_ack(call.args.strip()[1:-1] if call.args.strip().startswith("(") else call.args)
            if value is not None:
                yield _bare_hit(syn, call.start, call.end, value)
        for start, end in syn.exits:
            text = syn.text(start, end).strip()
            if syn.owns(unit, start) and text.startswith("return"):
                value = _bare_ack(text[len("return"):])
                if value is not None:
                    yield _bare_hit(syn, start, end, value)


def _bare_hit(syn: Syntax, start: int, end: int, value: str) -> Hit:
    return syn.hit(start, end, Text(
        f"应答正文是 \"{value}\"，不是 {{\"ret_code\":\"0000\",…}}：连连会当作未应答并重发 30 次",
        f"the ack body is \"{value}\", not {{\"ret_code\":\"0000\",…}}: LianLian treats it as no answer and re-sends 30 times"),
        data={"kind": "bare", "value": value})


def find_wrong_ack_in_pages(source: SourceFile) -> Iterator[Hit]:
    """JSP/ASP pages (not parsed): the single-quoted ack written out."""
    if not source.path.lower().endswith(_PAGE_EXTENSIONS):
        return
    for match in _SINGLE_QUOTED_ACK.finditer(source.text):
        yield Hit(match.start(), match.end(), Text(
            "页面输出单引号的 {'ret_code':…}（接入指南中的写法），不是合法 JSON",
            "the page writes the guide's single-quoted {'ret_code':…}, which is not JSON"), data={"kind": "single_quoted_json"})


SCAN = ScanRule(
    text=find_wrong_ack_in_pages,
    code=find_wrong_ack,
    languages=ALL_LANGUAGES,
    triggers=LIANLIAN_TRIGGERS,  # the single-quoted ack holds ret_code; handlers mention LianLian's fields
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
