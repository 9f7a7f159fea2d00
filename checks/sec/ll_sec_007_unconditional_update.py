"""LL-SEC-007 -- the order update is conditional on the order's current state.

LianLian re-sends each notification up to 30 times and duplicates can arrive at once
(protocol.md §5.1: "duplicates can arrive; process idempotently"; guide 五: 一笔订单只能成功入账
一次). The one update that is safe under concurrency is a compare-and-set in the database:
``UPDATE orders SET status='PAID' WHERE no_order=? AND status='PENDING'`` and credit only when it
changed a row. An update keyed on the order number alone (``… WHERE no_order=?``) succeeds for
every copy, so each copy credits again (what LL-NTF-003/004 catch at run time when the probes
happen to win the race).

The rule reads SQL in string literals (joined across concatenation), MyBatis mapper XML
(``<update>``), and ORM update chains (Django ``filter(…).update(status=…)``, Laravel
``where(…)->update([...])``, Sequelize ``update({status}, {where})``, GORM ``Where(…).Update``,
MongoDB ``updateOne(filter, {$set})``). It reports an update that *sets* a status-like column
(status, state, paid…) under a WHERE/filter that does not test one, when it marks a payment (the
new value says paid/success) or stands in payment code (a notify handler, or a function named for
paying, notifying or fulfilling).
"""

from __future__ import annotations

import re
from typing import Iterator

from golive.check_api import CheckMeta, Context, EvidenceView, Item, Judgement, Severity, Text
from golive.scan.handlers import handlers, words
from golive.scan.model import Hit, ScanRule
from golive.scan.results import judge_rule
from golive.scan.source import SourceFile
from golive.scan.syntax import ALL_LANGUAGES, StringLit, Syntax, Unit

META = CheckMeta(
    id="LL-SEC-007",
    item=Item.REVIEW_NOTIFY,
    severity=Severity.HIGH,
    title=Text("订单更新带当前状态条件（防重复入账）", "Order updates are conditional on the current state (no double credit)"),
    rationale=Text(
        "连连会重发通知（约 2 分钟一次、共 30 次），重复通知也可能同时到达。只按订单号更新（WHERE no_order=?）时每一份通知都会"
        "更新成功并再入账一次；只有带状态条件的更新（AND status='待支付'）在并发下也只成功一次。",
        "LianLian re-sends notifications (about every 2 minutes, 30 times) and copies can arrive at once. An update "
        "keyed on the order number alone (WHERE no_order=?) succeeds for every copy, crediting again each time; only "
        "an update conditional on the state (AND status='PENDING') succeeds once under concurrency.",
    ),
    remediation=Text(
        "把“检查状态再更新”合并成一条条件更新：UPDATE orders SET status='PAID' WHERE no_order=? AND status='PENDING'，"
        "并且只在影响行数为 1 时入账/发货；ORM 中把状态写进 filter/where 条件。",
        "Make check-then-update one conditional statement: UPDATE orders SET status='PAID' WHERE no_order=? AND "
        "status='PENDING', and credit or ship only when it changed one row; with an ORM, put the state in the "
        "filter/where.",
    ),
    references=("docs/protocol.md §5.1 (duplicates, process idempotently)", "guide 五 (一笔订单只能成功入账一次)", "LL-NTF-003, LL-NTF-004"),
    needs=("scan",),
    proves_item=False,
)

_UPDATE = re.compile(r"\bupdate\s+[`\"\[]?(?P<table>[\w.]+)[`\"\]]?\s+set\s+(?P<set>.*?)(?:\bwhere\b(?P<where>.*))?$",
                     re.IGNORECASE | re.DOTALL)
_STATE_SET = re.compile(r"""(?<![\w.])[`"'\[]?\w*(?:status|state|paid)\w*[`"'\]]?\s*(?:=>|=|:|,)""", re.IGNORECASE)
_STATE_COLUMN = re.compile(r"\w*(?:status|state|paid)\w*", re.IGNORECASE)
_PAID_VALUE = re.compile(r"""(?:=>|=|:|,)\s*[`"']?(?:paid|success|succeeded|successful|complete|completed|finished|done|"""
                         r"""pay_success|trade_success|已支付|支付成功)\b""", re.IGNORECASE)
_PAYMENT_WORDS = frozenset({"pay", "paid", "payment", "notify", "notification", "callback", "success", "fulfil", "fulfill",
                            "deliver", "credit", "complete", "finish", "confirm", "settle"})
_ORM_NAMES = frozenset({"update", "Update", "updateOne", "update_one", "updateMany", "update_many", "findOneAndUpdate",
                        "find_one_and_update", "Updates", "UpdateColumn", "UpdateColumns"})
_MONGO_NAMES = frozenset({"updateOne", "update_one", "updateMany", "update_many", "findOneAndUpdate", "find_one_and_update"})
_WHERE = re.compile(r"\bwhere\b")
_SQL_IN_ARGS = re.compile(r"\bupdate\s+\S+\s+set\b", re.IGNORECASE)
_CHAIN_FILTER = re.compile(r"(?:filter|where|Where|filter_by|table|Model|objects)\s*\(|::where\(|->where\(", re.IGNORECASE)


def unconditional(set_text: str, where_text: str | None) -> bool:
    """An update that sets a state column under a condition that tests none."""
    return bool(_STATE_SET.search(set_text)) and where_text is not None and not _STATE_COLUMN.search(where_text)


def _payment_scope(syn: Syntax, offset: int, notify_units: list[Unit]) -> bool:
    for unit in notify_units:
        if unit.start <= offset < unit.end:
            return True
    for unit in syn.units:
        if unit.kind == "function" and unit.start <= offset < unit.end and words(unit.name) & _PAYMENT_WORDS:
            return True
    return False


_GAP = re.compile(r"[^,;{}]{0,120}", re.DOTALL)


def _sql_candidates(syn: Syntax) -> list[tuple[int, int, str]]:
    """SQL texts: runs of string literals joined by concatenation (``"UPDATE … " + "WHERE …"``,
    Python's adjacent literals, ``"… no_order='" . $no . "' AND status=…"``). A gap with a comma,
    semicolon or brace ends the run: that is another argument or statement."""
    runs: list[tuple[int, int, str]] = []
    current: list[StringLit] = []
    for lit in syn.strings:
        if current and not (lit.start >= current[-1].end
                            and _GAP.fullmatch(syn.text(current[-1].end, lit.start))):
            runs.append((current[0].start, current[-1].end, " ".join(p.value for p in current)))
            current = []
        if current and lit.start < current[-1].end:
            continue  # a string nested in another (an interpolation): already inside it
        current.append(lit)
    if current:
        runs.append((current[0].start, current[-1].end, " ".join(p.value for p in current)))
    return [run for run in runs if re.search(r"\bupdate\b", run[2], re.IGNORECASE)]


def find_unconditional_updates(syn: Syntax) -> Iterator[Hit]:
    syn.build()
    notify_units = handlers(syn, "notify")
    for start, end, sql in _sql_candidates(syn):
        match = _UPDATE.search(sql)
        if match is None or not unconditional(match.group("set"), match.group("where")):
            continue
        if not (_PAID_VALUE.search(match.group("set")) or _payment_scope(syn, start, notify_units)):
            continue
        yield syn.hit(start, end, Text(
            f"UPDATE {match.group('table')} 设置状态却不以当前状态为条件：重复通知会重复入账",
            f"UPDATE {match.group('table')} sets the state without a condition on the current state: "
            "duplicate notifications credit again"), data={"table": match.group("table"), "kind": "sql"})
    for call in syn.calls:
        if call.name not in _ORM_NAMES or _SQL_IN_ARGS.search(call.args):
            continue  # SQL text is judged above
        receiver = call.callee[: len(call.callee) - len(call.name)]
        if call.name in _MONGO_NAMES:
            cut = call.args.find("$set")
            condition, setting = (call.args[:cut], call.args[cut:]) if cut >= 0 else (None, call.args)
        elif where := _WHERE.search(call.args):  # Sequelize: update({…}, {where: {…}})
            condition, setting = call.args[where.start():], call.args[:where.start()]
        elif _CHAIN_FILTER.search(receiver):
            condition, setting = receiver, call.args
        else:
            continue
        if not unconditional(setting, condition):
            continue
        if not (_PAID_VALUE.search(setting) or _payment_scope(syn, call.start, notify_units)):
            continue
        yield syn.hit(call.start, call.end, Text(
            "ORM 更新设置订单状态，但过滤条件不含当前状态：重复通知会重复入账",
            "ORM update sets the order state, but its filter does not test the current state: duplicate "
            "notifications credit again"), data={"kind": "orm", "call": call.callee})


_MYBATIS = re.compile(r"<update\b(?P<attrs>[^>]*)>(?P<body>.*?)</update>", re.IGNORECASE | re.DOTALL)


def find_unconditional_mapper_updates(source: SourceFile) -> Iterator[Hit]:
    """MyBatis mapper XML: ``<update id="markPaid">UPDATE … WHERE no_order = #{noOrder}</update>``."""
    if source.kind != "config:xml" or "<update" not in source.text.lower():
        return
    for element in _MYBATIS.finditer(source.text):
        sql = re.sub(r"<!\[CDATA\[|\]\]>", " ", element.group("body"))
        sql = re.sub(r"</?where>", " WHERE ", sql, flags=re.IGNORECASE)
        sql = re.sub(r"<[^>]+>", " ", sql)
        match = _UPDATE.search(sql)
        if match is None or not unconditional(match.group("set"), match.group("where")):
            continue
        ident = re.search(r"""\bid\s*=\s*["']([^"']+)""", element.group("attrs"))
        name = ident.group(1) if ident else ""
        if not (_PAID_VALUE.search(match.group("set")) or words(name) & _PAYMENT_WORDS):
            continue
        yield Hit(element.start(), element.end(), Text(
            f"MyBatis <update id=\"{name}\"> 设置状态却不以当前状态为条件：重复通知会重复入账",
            f"MyBatis <update id=\"{name}\"> sets the state without a condition on the current state: duplicate "
            "notifications credit again"), data={"kind": "mybatis", "id": name})


SCAN = ScanRule(
    text=find_unconditional_mapper_updates,
    code=find_unconditional_updates,
    languages=ALL_LANGUAGES,
    triggers=("update",),
)


def judge(evidence: EvidenceView, ctx: Context) -> Judgement:
    return judge_rule(evidence.value("scan"), META.id)
