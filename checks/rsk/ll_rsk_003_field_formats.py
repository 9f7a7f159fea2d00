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

from typing import Any

from golive.evidence.capture_judge import CaptureJudge, value_text
from golive.evidence.captures import CaptureRecord
from golive.lianlian.fields import CONDITIONAL_REQUIRED, FIELDS, ID_TYPE_OF, REQUEST_FORMATS, is_blank, iter_field
from golive.lianlian.validators import FORMATS, Problem, ValidationContext, Validator
from golive.model import CheckMeta, Context, Item, Judgement, Severity, Text

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
    references=("guide 四 风控参数", "protocol.md §3, §4.3, §4.4, §4.6"),
    stream="captures",
)

_PAIR_PREFIX = "risk_item."


class Judge(CaptureJudge):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.vctx = ValidationContext(ctx.now)
        names: dict[str, str] = {name: info.format for name, info in FIELDS.items() if info.format}
        names.update(ctx.profile.formats)
        self.top: dict[str, tuple[str, Validator]] = {
            n: (f, FORMATS[f]) for n, f in names.items() if "[]" not in n and f in FORMATS
        }
        self.nested: list[tuple[str, str, Validator]] = [
            (n, f, FORMATS[f]) for n, f in names.items() if "[]" in n and f in FORMATS
        ]
        self.request: dict[str, tuple[str, Validator]] = {n: (f, FORMATS[f]) for n, f in REQUEST_FORMATS.items()}
        self.checked_values = 0

    def _problem(self, record: CaptureRecord, pointer: str, format_name: str, value: str, problem: Problem) -> None:
        field_name = pointer.rsplit(".", 1)[-1]
        shown = value_text(pointer, value)
        self.report(
            f"{format_name}:{field_name}",
            Text(f"{field_name} 格式不对（{shown}）：{problem.zh}", f"{field_name} is malformed ({shown}): {problem.en}"),
            record, pointer, severity=Severity.LOW if problem.uncertain else None, uncertain=problem.uncertain,
            format=format_name,
        )

    def _check(self, record: CaptureRecord, pointer: str, value: Any, format_name: str, validate: Validator,
               id_type: Any = None) -> None:
        if type(value) is not str or not value.strip():
            return  # absent/empty: LL-RSK-002; non-strings: LL-RSK-001 / LL-SIG-008
        if format_name == "id_number" and id_type not in (None, "", "0"):
            return  # not a resident ID card: no national check-digit rule applies
        self.checked_values += 1
        problem = validate(value, self.vctx)
        if problem is not None:
            self._problem(record, pointer, format_name, value, problem)

    def judge_record(self, record: CaptureRecord) -> None:
        params = record.params or {}
        for name, (format_name, validate) in self.request.items():
            value = params.get(name)
            if value is not None:
                self._check(record, name, value, format_name, validate, params.get(ID_TYPE_OF.get(name, ""), None))
        fields = record.risk_item().fields
        if not fields:
            return
        top = self.top
        for name, value in fields.items():
            spec = top.get(name)
            if spec is not None:
                type_field = ID_TYPE_OF.get(name)
                self._check(record, _PAIR_PREFIX + name, value, spec[0], spec[1], fields.get(type_field) if type_field else None)
        for spec_name, format_name, validate in self.nested:
            type_spec = ID_TYPE_OF.get(spec_name)
            types = dict(iter_field(fields, type_spec)) if type_spec else {}
            for pointer, value in iter_field(fields, spec_name):
                type_pointer = pointer.rsplit(".", 1)[0] + "." + type_spec.rsplit(".", 1)[-1] if type_spec else ""
                self._check(record, pointer, value, format_name, validate, types.get(type_pointer))
        for trigger, trigger_value, needed, why in CONDITIONAL_REQUIRED:
            if fields.get(trigger) == trigger_value and is_blank(fields.get(needed)):
                self.report(f"conditional:{needed}", why, record, _PAIR_PREFIX + needed, field=needed)

    def summary(self) -> dict[str, Any]:
        return {"values_checked": self.checked_values, "profile": self.ctx.profile.name}

    def finish(self) -> Judgement:
        return self.conclude(Text("检查风控参数与身份字段格式", "field formats checked"))
