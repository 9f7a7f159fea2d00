"""Synchronous-return probes: a forged return posted to url_return, then the order's credits.

Background (protocol.md §5.2, guide 五 同步通知): after paying, the browser is sent back to
``url_return`` -- on the Web as a form POST of the result fields, on WAP/H5 as one form field
``res_data`` holding the result as JSON. It passes through the payer's browser, so anybody can send
one; it is for showing a page, never for fulfilment. The probe posts a return for a fresh pending
order with ``result_pay=SUCCESS`` and a signature made with a key nobody trusts, in both shapes,
and then counts the order's credits. A correct async notification for the same order follows as
the positive control (golive/probes/scenarios.py `send_control`): judging asks it to credit the
order once, or a return that "credited nothing" proves nothing.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from golive.model import Text
from golive.probes.http import HttpRequest
from golive.probes.notifications import notify_sign_type, sign_as, unsigned_notification
from golive.probes.recipes import ProbeContext, ProbeError, TestOrder
from golive.probes.scenarios import OrderRecord, ScenarioFunction, ScenarioRecord, send_control

WEB_FIELDS = ("oid_partner", "dt_order", "no_order", "oid_paybill", "money_order", "result_pay", "settle_date",
              "info_order", "pay_type", "bank_code")
WAP_FIELDS = ("oid_partner", "dt_order", "no_order", "oid_paybill", "money_order", "result_pay", "settle_date")
FORM_TYPE = "application/x-www-form-urlencoded;charset=utf-8"


def _forged_fields(ctx: ProbeContext, record: ScenarioRecord,
                   fields: tuple[str, ...]) -> tuple[dict[str, str], TestOrder, OrderRecord]:
    """A forged return for a fresh pending order (signed with a key nobody trusts)."""
    from golive.probes.notify import _stranger_md5_key, _stranger_rsa_key

    order = ctx.create_order(exchanges=record.exchanges)
    main = record.order("main", order)
    full = unsigned_notification(ctx, order)
    params = {k: full[k] for k in fields}
    method = notify_sign_type(ctx)
    if method == "MD5":
        return sign_as(ctx, params, "MD5", md5_key=_stranger_md5_key()), order, main
    return sign_as(ctx, params, "RSA", private_key=_stranger_rsa_key()), order, main


def _post(ctx: ProbeContext, record: ScenarioRecord, form: dict[str, str], label: str) -> None:
    request = HttpRequest("POST", str(ctx.live.get("url_return")), {"Content-Type": FORM_TYPE},
                          urlencode(form).encode("utf-8"), label=label, target="url_return")
    response, exchange = ctx.send(request)
    record.exchanges.append(exchange)
    record.notes["response_status"] = response.status
    if not response.ok:
        raise ProbeError(Text(f"url_return 没有应答：{response.error}", f"url_return gave no answer: {response.error}"))


def scenario_web_form(ctx: ProbeContext, record: ScenarioRecord) -> None:
    form, order, main = _forged_fields(ctx, record, WEB_FIELDS)
    _post(ctx, record, form, "forged return (web form)")
    send_control(ctx, record, order, main)


def scenario_wap_res_data(ctx: ProbeContext, record: ScenarioRecord) -> None:
    result, order, main = _forged_fields(ctx, record, WAP_FIELDS)
    _post(ctx, record, {"res_data": json.dumps(result, ensure_ascii=False, separators=(",", ":"))},
          "forged return (WAP res_data)")
    send_control(ctx, record, order, main)


def implementations() -> dict[str, ScenarioFunction]:
    """What carries out each return scenario of the probe specification, by its name."""
    return {"return.web_form": scenario_web_form, "return.wap_res_data": scenario_wap_res_data}
