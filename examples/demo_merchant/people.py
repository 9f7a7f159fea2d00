"""Realistic fake user profiles for the demo merchant (a P2P/wealth merchant, category 2009).

认证支付 requires the merchant to send the user's real-name identity (protocol.md §3: id_type,
id_no, acct_name with flag_modify=1) and the real-name risk fields (§4.1, §4.3). The demo merchant
invents those per user, deterministically from the user id, so reruns and captures are stable.
ID numbers carry a valid GB 11643 check digit; mobiles are 11-digit mainland numbers.
None of these people exist.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# LianLian works in Beijing time (protocol.md §3: timestamp within 30 min of UTC+8).
CST = timezone(timedelta(hours=8), "CST")

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
          "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "子涵"]
# Real administrative division codes (县级) so the first six digits look right.
_REGIONS = ["110101", "110105", "310104", "310115", "440305", "440106", "330106", "320102",
            "510104", "420106", "610113", "370202"]
_MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159",
                    "182", "183", "186", "187", "188", "177", "199"]

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"


def now_cst() -> datetime:
    return datetime.now(CST)


def fmt14(moment: datetime) -> str:
    """yyyyMMddHHmmss in Beijing time (dt_order, timestamp, user_info_dt_register)."""
    return moment.astimezone(CST).strftime("%Y%m%d%H%M%S")


def gb11643_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need the first 17 digits of an ID number")
    total = sum(int(d) * w for d, w in zip(first17, _GB11643_WEIGHTS))
    return _GB11643_CHECK[total % 11]


@dataclass(frozen=True)
class UserProfile:
    user_id: str
    full_name: str
    id_no: str
    mobile: str
    dt_register: str  # yyyyMMddHHmmss

    @property
    def id_no_masked(self) -> str:
        return self.id_no[:3] + "*" * (len(self.id_no) - 7) + self.id_no[-4:]


def fake_profile(user_id: str, *, registered_before: datetime | None = None) -> UserProfile:
    """A stable fake real-name profile for ``user_id``.

    The registration time lies 30–720 days before ``registered_before`` (default: now), so it is
    never after an order placed now (LL-RSK-005).
    """
    rng = random.Random(hashlib.sha256(f"golive-demo-user:{user_id}".encode()).digest())
    name = rng.choice(_SURNAMES) + rng.choice(_GIVEN)
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 35 * 365))
    first17 = f"{rng.choice(_REGIONS)}{birth:%Y%m%d}{rng.randrange(1, 1000):03d}"
    id_no = first17 + gb11643_check_digit(first17)
    mobile = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"
    anchor = registered_before or now_cst()
    registered = anchor - timedelta(days=rng.randrange(30, 720), seconds=rng.randrange(0, 86400))
    return UserProfile(user_id=user_id, full_name=name, id_no=id_no, mobile=mobile,
                       dt_register=fmt14(registered))
