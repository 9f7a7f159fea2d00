"""LL-RSK-003 -- risk_item and identity values are well formed.

Background (protocol.md §3, §4.3, §4.6): LianLian's risk engine compares what merchants send with
bank and identity data, so malformed values are as bad as missing ones. Seen in real merchant code:
``user_info_dt_register`` as epoch milliseconds or with 15 digits (an SDK demo typo), future or
impossible dates, ID numbers with a wrong check digit, codes outside their sets. This check applies
the validators of `golive.lianlian.validators` to every catalogued field present in ``risk_item``
(the profile's ``formats`` override the catalogue's defaults) and to the request's own
``dt_order``, ``money_order``, ``busi_partner``, ``id_type``, ``id_no``, ``flag_modify``,
``app_request`` and ``userreq_ip``; ID numbers are checked as resident IDs (GB 11643) only when
their type is 0 or absent. Cross-field rules: ``user_info_identify_type`` is required when
``user_info_identify_state`` is 1 (T1, §4.3), ``game_id`` when ``game_id_belongs`` is 2 (§4.4),
``frms_imei``/``frms_mac_addr`` for app/web API clients (§4.2). A rule resting on an UNCERTAIN
fact (the mobile-number rule, the category list) is reported at low severity and says so.
"""

from __future__ import annotations

from itertools import repeat
from operator import call
from typing import Any, Callable

from golive.check_api import (
    CaptureJudge,
    CaptureRecord,
    CheckMeta,
    Context,
    EvidenceView,
    Item,
    Judgement,
    MaskedText,
    Severity,
    Text,
    list_items,
    value_text,
)
from golive.lianlian.fields import CONDITIONAL_REQUIRED, FIELDS, ID_TYPE_OF, REQUEST_FORMATS, is_blank
from golive.lianlian.validators import (
    FAST_ACCEPT,
    FORMATS,
    Problem,
    ValidationContext,
    Validator,
    outcome,
    quick_acceptors,
)

META = CheckMeta(
    id="LL-RSK-003",
    item=Item.REVIEW_RISK,
    severity=Severity.HIGH,
    title=Text("风控参数与身份字段格式正确", "risk_item and identity values are well formed"),
    rationale=Text(
        "风控会把商户传的值与银行、身份数据比对：毫秒时间戳、15 位日期、未来或不存在的日期、校验位错误的身份证号、取值范围外的代码，和不传一样糟。",
        "LianLian's risk engine compares the values with bank and identity data: epoch milliseconds, 15-digit dates, "
        "future or impossible dates, ID numbers with a wrong check digit and out-of-set codes are as bad as missing fields.",
    ),
    remediation=Text(
        "时间用北京时间 14 位 yyyyMMddHHmmss；身份证号取自实名认证结果（18 位含校验位）；代码取协议规定的值；user_info_identify_state 为 1 时同时传 user_info_identify_type。`golive profiles <画像>` 列出每个字段的格式。",
        "Send times as 14-digit yyyyMMddHHmmss Beijing time; take ID numbers from the verified identity (18 characters "
        "with the check character); use the documented codes; send user_info_identify_type whenever "
        "user_info_identify_state is 1. `golive profiles <profile>` lists every field's format.",
    ),
    references=("guide 四 风控参数", "docs/protocol.md §3, §4.3, §4.4, §4.6"),
    stream="captures",
)

_PAIR_PREFIX = "risk_item."
# field, format name, validator, the field holding its ID type, shortcut, values already accepted
_Spec = tuple[str, str, Validator, "str | None", "Callable[[str], object] | None", "set[str]"]
MAX_REMEMBERED = 4096  # accepted values remembered per format (repeat users' values are not re-validated)
_ANY = id  # the quick test of a field without a format: id() is never 0, so truthy for any value
_NEVER = frozenset[str]().__contains__  # ... and of a list field: never, its items are judged one by one


class _Remembered(dict[str, bool]):
    """The values a quick test accepted (and ""), so that testing a value seen before is one
    C-level lookup (``__getitem__``); a value not seen yet goes through `__missing__`: the quick
    test, then the values the validator accepted. Bounded like those."""

    __slots__ = ("test", "accepted")

    def __init__(self, test: Callable[[str], object], accepted: set[str]) -> None:
        super().__init__({"": True})
        self.test = test
        self.accepted = accepted

    def __missing__(self, value: str) -> bool:
        if not (self.test(value) or value in self.accepted):
            return False  # not remembered: the validator may accept it yet (then `accepted` has it)
        if len(self) >= MAX_REMEMBERED:
            self.clear()
            self[""] = True
        self[value] = True
        return True


class Judge(CaptureJudge):
    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.vctx = ValidationContext(ctx.now)
        names: dict[str, str] = {name: info.format for name, info in FIELDS.items() if info.format}
        names.update(ctx.profile.formats)
        # "text" only means non-empty, which is LL-RSK-002's to judge: no need to validate it here.
        specs = {n: f for n, f in names.items() if f in FORMATS and f != "text"}
        accepted: dict[str, set[str]] = {}

        def spec(name: str, format_name: str, type_field: str | None) -> _Spec:
            return (name, format_name, FORMATS[format_name], type_field, FAST_ACCEPT.get(format_name),
                    accepted.setdefault(format_name, set()))

        self.top: dict[str, _Spec] = {n: spec(n, f, ID_TYPE_OF.get(n)) for n, f in specs.items() if "[]" not in n}
        self.lists: dict[str, dict[str, _Spec]] = {}
        for spec_name, format_name in specs.items():
            if "[]." in spec_name:
                list_name, _, sub = spec_name.partition("[].")
                type_spec = ID_TYPE_OF.get(spec_name)
                self.lists.setdefault(list_name, {})[sub] = spec(sub, format_name,
                                                                 type_spec.partition("[].")[2] if type_spec else None)
        self.request: tuple[_Spec, ...] = tuple(spec(n, f, ID_TYPE_OF.get(n)) for n, f in REQUEST_FORMATS.items())
        self.checked_values = 0
        # The quick pass over a plain record (CaptureRecord.plain_params, RiskItem.plain): per field
        # a test that is truthy for "" (blank: LL-RSK-002's) and for values its validator accepts
        # (validators.quick_acceptors, or the values this run has accepted), called from C; all
        # fields passing means no finding. A list field (judged item by item) never passes.
        quick = quick_acceptors(self.vctx)
        for remembered in accepted.values():
            remembered.add("")

        def quick_test(spec: _Spec) -> Callable[[str], object]:
            test = quick.get(spec[1])
            return spec[5].__contains__ if test is None else _Remembered(test, spec[5]).__getitem__

        self.request_names = tuple(s[0] for s in self.request)
        self.request_quick = tuple(quick_test(s) for s in self.request)
        self.top_quick: dict[str, Callable[[str], object]] = {n: quick_test(s) for n, s in self.top.items()}
        self.top_quick.update(dict.fromkeys(self.lists, _NEVER))

    def _problem(self, record: CaptureRecord, pointer: str, format_name: str, value: str, problem: Problem) -> None:
        field_name = pointer.rsplit(".", 1)[-1]
        rule = f"{format_name}:{field_name}"
        if self.unlisted(rule):
            return  # counted; the message would not be shown
        shown = value_text(pointer, value)
        self.report(
            rule,
            Text(f"{field_name} 格式不对（{shown}）：{problem.zh}", f"{field_name} is malformed ({shown}): {problem.en}"),
            record, pointer, severity=Severity.LOW if problem.uncertain else None, uncertain=problem.uncertain,
            format=format_name,
        )

    def _slow(self, record: CaptureRecord, pointer: str, value: str, spec: _Spec, id_type: Any) -> None:
        """A value the shortcuts did not accept: run the validator (and remember it if it passes)."""
        if value.isspace():
            return  # blank: LL-RSK-002's
        _name, format_name, validate, _type, _fast, accepted = spec
        if id_type is not None and id_type != "" and id_type != "0" and format_name == "id_number":
            return  # not a resident ID card: no national check-digit rule applies
        # A saved masked value answers with what the validator said of its original.
        problem = validate(value, self.vctx) if value.__class__ is str else outcome(format_name, value, self.vctx)
        if problem is not None:
            self._problem(record, pointer, format_name, value, problem)
            return
        if len(accepted) >= MAX_REMEMBERED:
            accepted.clear()  # bounded memory: forget and start again (unique values never repeat anyway)
            accepted.add("")  # the quick pass's blank
        accepted.add(value)

    def _mapping(self, record: CaptureRecord, prefix: str, mapping: dict[str, Any], specs: dict[str, _Spec]) -> int:
        # The hot loop: for the usual valid value this is a dict lookup and a set or regex test.
        seen = 0
        get = specs.get
        for name, value in mapping.items():
            spec = get(name)
            if spec is None:
                continue
            if value.__class__ is not str or not value:
                if value.__class__ is MaskedText:  # saved evidence: never fast-accepted
                    seen += 1
                    if value not in spec[5]:
                        type_field = spec[3]
                        self._slow(record, prefix + name, value, spec, mapping.get(type_field) if type_field else None)
                continue  # absent/empty: LL-RSK-002; non-strings: LL-RSK-001 / LL-SIG-008
            seen += 1
            fast = spec[4]
            if (fast is not None and fast(value)) or value in spec[5]:
                continue
            type_field = spec[3]
            self._slow(record, prefix + name, value, spec, mapping.get(type_field) if type_field else None)
        return seen

    def _quick(self, params: dict[str, Any], fields: dict[str, Any] | None) -> int | None:
        """The number of values checked when every one passes its quick test (then nothing is
        reported), else None: judge the record value by value. Only for plain values."""
        values = tuple(map(params.get, self.request_names, repeat("")))  # absent as "": blank
        if not all(map(call, self.request_quick, values)):
            return None
        seen = len(values) - values.count("")
        if fields:
            tests = list(map(self.top_quick.get, fields, repeat(_ANY)))
            if not all(map(call, tests, fields.values())) or "" in fields.values():
                return None  # a blank formatted field is not counted: the long way
            seen += len(tests) - tests.count(_ANY)
        return seen

    def judge_record(self, record: CaptureRecord) -> None:
        params = record.params or {}
        risk = record.risk_item()
        fields = risk.fields
        if record.plain_params() and (fields is None or risk.plain):
            seen = self._quick(params, fields)
            if seen is not None:
                if fields:
                    get = fields.get
                    for trigger, trigger_value, needed, why in CONDITIONAL_REQUIRED:
                        if get(trigger) == trigger_value and not get(needed):  # plain: blank is falsy
                            self.report(f"conditional:{needed}", why, record, _PAIR_PREFIX + needed, field=needed)
                self.checked_values += seen
                return
        seen = 0
        for spec in self.request:
            name = spec[0]
            value = params.get(name)
            if value is None:
                continue
            if value.__class__ is not str or not value:
                if value.__class__ is MaskedText:  # saved evidence: never fast-accepted
                    seen += 1
                    if value not in spec[5]:
                        type_field = spec[3]
                        self._slow(record, name, value, spec, params.get(type_field) if type_field else None)
                continue
            seen += 1
            fast = spec[4]
            if (fast is not None and fast(value)) or value in spec[5]:
                continue
            type_field = spec[3]
            self._slow(record, name, value, spec, params.get(type_field) if type_field else None)
        if fields:
            seen += self._mapping(record, _PAIR_PREFIX, fields, self.top)
            for list_name, specs in self.lists.items():
                if list_name in fields:
                    for index, item in enumerate(list_items(fields[list_name]) or ()):
                        if isinstance(item, dict):
                            seen += self._mapping(record, f"{_PAIR_PREFIX}{list_name}[{index}].", item, specs)
            self._conditional(record, fields)
        self.checked_values += seen

    def _conditional(self, record: CaptureRecord, fields: dict[str, Any]) -> None:
        get = fields.get
        for trigger, trigger_value, needed, why in CONDITIONAL_REQUIRED:
            if get(trigger) == trigger_value and is_blank(get(needed)):
                self.report(f"conditional:{needed}", why, record, _PAIR_PREFIX + needed, field=needed)

    def summary(self) -> dict[str, Any]:
        return {"values_checked": self.checked_values, "profile": self.ctx.profile.name}

    def finish(self) -> Judgement:
        return self.conclude(Text("检查风控参数与身份字段格式", "field formats checked"))
