"""The catalogue of ``risk_item`` fields (风控参数) and the request fields the LL-RSK checks read.

``risk_item`` is a JSON *string* on every 认证支付 request (protocol.md §3, §4); which fields it must
hold depends on the merchant type (``profiles/*.yaml``). This module names every field protocol.md
§4 documents, in Chinese and English, with its default format (a name in
`golive.lianlian.validators.FORMATS`) and group:

* ``basic`` (§4.1, every merchant), ``api`` (§4.2, server-API integrations), ``real_name`` (§4.3,
  实名类 / 认证支付), and the industry extras of §4.4: ``travel`` (air/rail passengers, a list under
  ``airline_list``), ``hotel``, ``tourism``, ``delivery`` (physical goods), ``games``, ``ticketing``.
  §4.4's groups come from one document in two editions [1 SOURCE]; which categories need which group
  is not documented [UNCERTAIN] -- the profiles make that choice and say so.

Fields inside list items are written ``airline_list[].passenger_name`` (profiles use the same form).

Cross-field rules used by LL-RSK-003: `CONDITIONAL_REQUIRED` (a field required when another has a
value, e.g. ``user_info_identify_type`` when ``user_info_identify_state`` is 1 -- T1, §4.3) and
`ID_TYPE_OF` (an ID number is checked as a resident ID only when its type field is 0 or absent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from golive.model import Text

__all__ = [
    "CONDITIONAL_REQUIRED",
    "FIELDS",
    "GROUPS",
    "ID_TYPE_OF",
    "LIST_FIELDS",
    "REQUEST_FIELDS",
    "REQUEST_FORMATS",
    "FieldInfo",
    "describe",
    "is_blank",
    "iter_field",
    "list_items",
]


@dataclass(frozen=True)
class FieldInfo:
    name: str
    title: Text
    group: str
    format: str | None = None  # default format name (validators.FORMATS); profiles may override
    note: str = ""  # source / confidence remark (English, short)


GROUPS: dict[str, Text] = {
    "basic": Text("基础参数（§4.1）", "basic (§4.1)"),
    "api": Text("服务端 API 接入（§4.2）", "server-API integration (§4.2)"),
    "real_name": Text("实名类（§4.3）", "real-name (§4.3)"),
    "travel": Text("商旅：乘机/乘车人（§4.4）", "travel: passengers (§4.4)"),
    "hotel": Text("酒店（§4.4）", "hotel (§4.4)"),
    "tourism": Text("旅游（§4.4）", "tourism (§4.4)"),
    "delivery": Text("实物配送（§4.4）", "physical-goods delivery (§4.4)"),
    "games": Text("游戏（§4.4）", "games (§4.4)"),
    "ticketing": Text("非实名票务（§4.4）", "anonymous ticketing (§4.4)"),
    "request": Text("支付请求字段（§3）", "pay request fields (§3)"),
}


def _f(name: str, zh: str, en: str, group: str, fmt: str | None = None, note: str = "") -> FieldInfo:
    return FieldInfo(name, Text(zh, en), group, fmt, note)


_CATALOGUE: tuple[FieldInfo, ...] = (
    # §4.1 basic
    _f("frms_ware_category", "商品类目", "goods category", "basic", "category_code", "assigned per merchant by LianLian"),
    _f("user_info_mercht_userno", "商户用户唯一标识", "user id at the merchant", "basic", "text", "may equal user_id"),
    _f("user_info_bind_phone", "绑定手机号", "user's bound mobile", "basic", "mobile", "required if the merchant holds it"),
    _f("user_info_dt_register", "用户注册时间", "user registration time", "basic", "datetime14"),
    _f("goods_name", "商品名称", "goods name", "basic", "text", "may equal name_goods"),
    _f("frms_is_real_name", "是否实名", "real-name user flag", "basic", "zero_one", "S7 only"),
    _f("user_info_mercht_userlogin", "用户登录名", "user login name", "basic", "text"),
    _f("user_info_mail", "用户邮箱", "user e-mail", "basic", "email"),
    _f("user_info_mercht_usertype", "用户类型", "user type", "basic", "user_type"),
    _f("user_info_register_ip", "注册 IP", "registration IP", "basic", "ip"),
    # §4.2 server API
    _f("frms_client_chnl", "客户端渠道", "client channel", "api", "client_chnl", "10 app, 13 web, 16 H5"),
    _f("frms_ip_addr", "用户 IP", "end-user IP", "api", "ip"),
    _f("frms_imei", "设备 IMEI", "device IMEI (apps)", "api", "text", "String(40)"),
    _f("frms_mac_addr", "设备 MAC 地址", "device MAC address (web)", "api", "text", "String(40)"),
    _f("user_auth_flag", "用户认证标志", "user auth flag", "api", "zero_one", "meaning undocumented"),
    # §4.3 real name
    _f("user_info_full_name", "用户真实姓名", "user's real name", "real_name", "text"),
    _f("user_info_id_type", "证件类型", "ID type", "real_name", "id_type", "currently only 0 supported"),
    _f("user_info_id_no", "证件号码", "ID number", "real_name", "id_number"),
    _f("user_info_identify_state", "是否实名认证", "real-name verified by the merchant", "real_name", "identify_state"),
    _f("user_info_identify_type", "实名认证方式", "how the merchant verified", "real_name", "identify_type",
       "required when identify_state is 1 (T1)"),
    # §4.4 travel (items of airline_list)
    _f("airline_list", "乘机/乘车人列表", "passenger list", "travel", None, "a list of objects"),
    _f("airline_list[].airline_code", "航班/车次号", "flight or train number", "travel", "text"),
    _f("airline_list[].passenger_country", "乘客国籍", "passenger nationality", "travel", "text"),
    _f("airline_list[].passenger_idcard_type", "乘客证件类型", "passenger ID type", "travel", "id_type", "only 0 supported"),
    _f("airline_list[].passenger_idcard", "乘客证件号", "passenger ID number", "travel", "id_number"),
    _f("airline_list[].passenger_name", "乘客姓名", "passenger name", "travel", "text"),
    _f("airline_list[].passenger_phone", "乘客手机号", "passenger mobile", "travel", "mobile_masked", "last four may be ****"),
    _f("airline_list[].airport_to", "到达机场三字码", "landing airport (3-letter code)", "travel", "text"),
    _f("airline_list[].station_from_province", "出发省份代码（文档亦用作起飞机场）", "departure province code", "travel", "text",
       "S6 lists this name twice, once for the take-off airport"),
    _f("airline_list[].station_from_city", "出发城市代码", "departure city code", "travel", "text"),
    _f("airline_list[].station_to_province", "到达省份代码", "arrival province code", "travel", "text"),
    _f("airline_list[].station_to_city", "到达城市代码", "arrival city code", "travel", "text"),
    _f("airline_list[].dt_flight", "出行日期", "travel date", "travel", "date8"),
    # hotel
    _f("hotel_com_name", "酒店名称", "hotel name", "hotel", "text"),
    _f("hotel_phone", "入住人电话", "phone of the guest checking in", "hotel", "phone"),
    _f("dt_arrive", "入住时间", "arrival time", "hotel", "datetime14_any"),
    _f("dt_leave", "离店时间", "departure time", "hotel", "datetime14_any"),
    # tourism
    _f("book_phone", "预订人手机", "booker's mobile", "tourism", "mobile"),
    _f("cinema_addr_province", "所在省份", "province", "tourism", "text"),
    _f("cinema_addr_city", "所在城市", "city", "tourism", "text"),
    _f("dt_play", "游玩/演出时间", "visit or show time", "tourism", "datetime14_any"),
    # delivery
    _f("delivery_full_name", "收货人姓名", "recipient name", "delivery", "text"),
    _f("delivery_addr_province", "收货省份", "delivery province", "delivery", "text"),
    _f("delivery_addr_city", "收货城市", "delivery city", "delivery", "text"),
    _f("delivery_addr_full", "收货详细地址", "full delivery address", "delivery", "text", "S7 only"),
    _f("normal_delivery_address", "常用收货地址", "usual delivery address", "delivery", "text", "S7 only"),
    _f("delivery_phone", "收货人手机", "recipient mobile", "delivery", "mobile"),
    _f("logistics_mode", "物流方式", "logistics mode", "delivery", "logistics_mode"),
    _f("delivery_cycle", "发货周期", "delivery cycle", "delivery", "delivery_cycle"),
    _f("goods_count", "商品数量", "goods count", "delivery", "count"),
    _f("virtual_goods_status", "是否含虚拟商品", "contains virtual goods", "delivery", "zero_one"),
    _f("virtual_goods_amount", "虚拟商品金额", "virtual goods amount", "delivery", "amount"),
    # games
    _f("game_id_belongs", "充值账号归属", "whose game account", "games", "game_id_belongs"),
    _f("game_id", "游戏账号", "game account id", "games", "text", "required when game_id_belongs is 2"),
    # anonymous ticketing
    _f("cinema_name", "影院/场馆名称", "cinema or venue name", "ticketing", "text"),
)

FIELDS: dict[str, FieldInfo] = {f.name: f for f in _CATALOGUE}
"""risk_item field name -> its catalogue entry."""

LIST_FIELDS: frozenset[str] = frozenset({"airline_list"})
"""risk_item fields whose value is a list of objects (not a string)."""

REQUEST_FIELDS: dict[str, FieldInfo] = {
    f.name: f
    for f in (
        _f("user_id", "商户用户编号", "user id at the merchant", "request", "text"),
        _f("dt_order", "商户订单时间", "order time", "request", "datetime14"),
        _f("money_order", "交易金额", "amount", "request", "amount"),
        _f("busi_partner", "商户业务类型", "business type", "request", "busi_partner"),
        _f("id_type", "证件类型", "ID type", "request", "id_type"),
        _f("id_no", "证件号码", "ID number", "request", "id_number"),
        _f("acct_name", "持卡人姓名", "card holder name", "request", "text"),
        _f("flag_modify", "是否可修改姓名证件", "identity editable flag", "request", "zero_one"),
        _f("app_request", "请求应用标识", "requesting app", "request", "app_request"),
        _f("userreq_ip", "用户端 IP", "end-user IP", "request", "ip_underscore"),
        _f("no_agree", "签约协议号", "agreement number", "request", None),
        _f("card_no", "银行卡号", "card number", "request", None),
    )
}
"""Request-level (§3) fields the LL-RSK checks read."""

REQUEST_FORMATS: Mapping[str, str] = {
    name: info.format for name, info in REQUEST_FIELDS.items() if info.format and info.format != "text"
}
"""Formats LL-RSK-003 checks on the request itself, whatever the profile."""

CONDITIONAL_REQUIRED: tuple[tuple[str, str, str, Text], ...] = (
    ("user_info_identify_state", "1", "user_info_identify_type",
     Text("user_info_identify_state 为 1（已实名认证）时必须传 user_info_identify_type（认证方式）",
          "user_info_identify_type (how the user was verified) is required when user_info_identify_state is 1")),
    ("game_id_belongs", "2", "game_id",
     Text("game_id_belongs 为 2（为他人充值）时必须传 game_id", "game_id is required when game_id_belongs is 2 (another's account)")),
    ("frms_client_chnl", "10", "frms_imei",
     Text("frms_client_chnl 为 10（移动应用）时须传 frms_imei", "frms_imei is required when frms_client_chnl is 10 (mobile app)")),
    ("frms_client_chnl", "13", "frms_mac_addr",
     Text("frms_client_chnl 为 13（Web）时须传 frms_mac_addr", "frms_mac_addr is required when frms_client_chnl is 13 (web)")),
)
"""(field, value, then-required field, why): protocol.md §4.3 (T1), §4.4 and §4.2 (S6)."""

ID_TYPE_OF: dict[str, str] = {
    "user_info_id_no": "user_info_id_type",
    "id_no": "id_type",
    "airline_list[].passenger_idcard": "airline_list[].passenger_idcard_type",
}
"""ID-number field -> its type field; the resident-ID rules apply only when the type is 0 or absent."""


def describe(name: str) -> FieldInfo:
    """The catalogue entry of a risk_item or request field; unknown names get a neutral entry."""
    info = FIELDS.get(name) or REQUEST_FIELDS.get(name)
    if info is not None:
        return info
    return FieldInfo(name, Text("（未收录字段）", "(field not in the catalogue)"), "other")


def is_blank(value: Any) -> bool:
    """Absent, null, or a string of nothing but whitespace (what "present and non-empty" excludes)."""
    return value is None or (isinstance(value, str) and not value.strip())


def list_items(value: Any) -> list[Any] | None:
    """The items of a list field (``airline_list``): a JSON array, or a string holding one."""
    if isinstance(value, list):
        return value
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return None
        return decoded if isinstance(decoded, list) else None
    return None


def iter_field(fields: Mapping[str, Any], spec: str) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for a field spec in a decoded risk_item; value None when absent.

    ``name`` gives one pair; ``list[].name`` gives one pair per list item (none when the list is
    absent or unreadable -- requiring the list itself is a separate spec).
    """
    if "[]." not in spec:
        yield f"risk_item.{spec}", fields.get(spec)
        return
    list_name, _, sub = spec.partition("[].")
    items = list_items(fields.get(list_name))
    for index, item in enumerate(items or ()):
        yield f"risk_item.{list_name}[{index}].{sub}", item.get(sub) if isinstance(item, dict) else None
