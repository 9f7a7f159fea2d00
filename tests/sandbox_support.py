"""Helpers for the sandbox tests: a golive.yaml for the sandbox, a running sandbox, signed requests,
a tiny notification receiver. Real servers on 127.0.0.1 only; real keys (the committed demo keys,
which are public test data, and keys generated per session)."""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
KEYS = REPO / "examples" / "keys"
OID = "201811230001000001"
TIMEOUT = 15
OK_ACK = '{"ret_code":"0000","ret_msg":"交易成功"}'


def md5_key() -> str:
    return (KEYS / "md5.key").read_text(encoding="utf-8").strip()


def merchant_private_pem() -> str:
    return (KEYS / "merchant_private.pem").read_text(encoding="ascii")


def write_config(tmp_path: Path, overrides: dict[str, Any] | None = None, name: str = "golive.yaml") -> Path:
    """A golive.yaml as the example's: real-name P2P merchant, RSA requests, MD5 callbacks."""
    from conftest import deep_merge

    base: dict[str, Any] = {
        "merchant": {"oid_partner": OID, "name": "沙箱测试商户", "profile": "wealth_realname",
                     "frms_ware_category": "2009", "environment": "integration", "channels": ["web", "wap"]},
        "signing": {"sign_type": "RSA", "notify_sign_type": "MD5", "md5_key": {"file": str(KEYS / "md5.key")},
                    "rsa_public_key": {"file": str(KEYS / "merchant_public.pem")}},
        "endpoints": {"notify_url": "https://pay.example.com/llpay/notify",
                      "url_return": "https://www.example.com/pay/return"},
        "registration": {"domains": ["www.example.com", "pay.example.com"], "server_ips": ["203.0.113.10"]},
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump(deep_merge(base, overrides or {}), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


@contextmanager
def sandbox_running(tmp_path: Path, config_overrides: dict[str, Any] | None = None, **options: Any) -> Iterator[Any]:
    """A sandbox on a free loopback port with a fresh state directory; LianLian time 600x by default."""
    from golive.sandbox.server import start_sandbox
    from golive.sandbox.settings import settings_from_config

    config = write_config(tmp_path, config_overrides)
    values: dict[str, Any] = {"state_dir": tmp_path / "state", "port": 0, "time_scale": 600.0}
    values.update(options)
    settings = settings_from_config(config, **values)
    running = start_sandbox(settings)
    try:
        yield running
    finally:
        running.stop()


def now14() -> str:
    from golive.sandbox.judge import now_cst

    return now_cst().strftime("%Y%m%d%H%M%S")


def risk_item(user_id: str = "u1", **overrides: str) -> str:
    fields = {"frms_ware_category": "2009", "user_info_mercht_userno": user_id, "user_info_bind_phone": "13812345678",
              "user_info_dt_register": "20240101120000", "goods_name": "稳盈30天", "user_info_full_name": "张三",
              "user_info_id_type": "0", "user_info_id_no": "110101199003070011",
              "user_info_identify_state": "1", "user_info_identify_type": "1"}
    fields.update(overrides)
    return json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False, separators=(",", ":"))


def pay_params(no_order: str, *, user_id: str = "u1", amount: str = "0.01", channel: str = "web",
               notify_url: str = "http://127.0.0.1:9/notify", url_return: str | None = "http://127.0.0.1:9/return",
               **overrides: Any) -> dict[str, Any]:
    """Unsigned 认证支付 parameters, as a correct real-name merchant sends them."""
    params: dict[str, Any] = {
        "version": "1.0" if channel == "web" else "1.1", "oid_partner": OID, "user_id": user_id,
        "busi_partner": "101001", "no_order": no_order, "dt_order": now14(), "name_goods": "稳盈30天",
        "info_order": f"订单 {no_order}", "money_order": amount, "notify_url": notify_url, "valid_order": "10080",
        "risk_item": risk_item(user_id), "id_type": "0", "id_no": "110101199003070011", "acct_name": "张三",
        "flag_modify": "1",
    }
    if url_return:
        params["url_return"] = url_return
    if channel == "web":
        params.update(timestamp=now14(), userreq_ip="203_0_113_7")
    elif channel == "wap":
        params["app_request"] = "3"
    return with_overrides(params, overrides)


def with_overrides(params: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`params` with `overrides` applied; an override of None removes the field."""
    for key, value in overrides.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params


def sign(params: dict[str, Any], sign_type: str = "RSA", **kw: Any) -> dict[str, str]:
    from golive.lianlian.sign import sign_params

    return sign_params(params, sign_type, md5_key=md5_key(), private_key=merchant_private_pem(), **kw)


PAGE_HEADERS = {"Referer": "http://127.0.0.1:8000/checkout", "Origin": "http://127.0.0.1:8000"}


def post_web(base: str, params: dict[str, Any], headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(base + "/payment/authpay.htm", data=params, headers=headers or PAGE_HEADERS, timeout=TIMEOUT)


def post_wap(base: str, params: dict[str, Any]) -> requests.Response:
    body = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
    return requests.post(base + "/authpay.htm", data={"req_data": body}, headers=PAGE_HEADERS, timeout=TIMEOUT)


def post_api(base: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(base + path, json=params, timeout=TIMEOUT)
    return response.json()  # type: ignore[no-any-return]


def page_data(text: str) -> dict[str, str]:
    """The data-* attributes of the sandbox page's <main id="sandbox">."""
    from golive.sandbox.browser import _page

    return _page("http://127.0.0.1/", 200, text.encode("utf-8")).data


def page_forms(text: str, base: str = "http://127.0.0.1/") -> list[Any]:
    from golive.sandbox.browser import _page

    return _page(base, 200, text.encode("utf-8")).forms


@dataclass
class Receiver:
    """A merchant notify endpoint that records every notification and answers per `answer`."""

    answer: Callable[[int, dict[str, str]], tuple[int, str]] = lambda n, p: (200, OK_ACK)
    received: list[tuple[float, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay_s: float = 0.0

    def count(self, predicate: Callable[[dict[str, str]], bool] = lambda p: True) -> int:
        with self.lock:
            return sum(1 for _, p in self.received if predicate(p))


@contextmanager
def receiver_running(receiver: Receiver) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                params = json.loads(body)
            except ValueError:
                params = {"_raw": body.decode("utf-8", "replace")}
            with receiver.lock:
                receiver.received.append((time.monotonic(), params))
                n = len(receiver.received)
            if receiver.delay_s:
                time.sleep(receiver.delay_s)
            status, text = receiver.answer(n, params)
            data = text.encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/notify"
    finally:
        server.shutdown()
        server.server_close()


def wait_for(condition: Callable[[], bool], timeout_s: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def events(running: Any, kind: str | None = None, no_order: str | None = None) -> list[Any]:
    from golive.sandbox.journal import read_events

    return [e for e in read_events(running.journal, kinds=[kind] if kind else None)
            if no_order is None or e.no_order == no_order]
