"""The cashier page in a real headless browser (Debian's chromium; `.ci/run` installs it): the demo
merchant's checkout page posts the order to the sandbox cashier, a person presses pay (or fail), the
cashier's return form brings the browser back to the merchant, and the notification is delivered.
Checked on the way: both languages, the CSP, no request leaves the two loopback servers, no CSP
violation or script error."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from cdp import Chrome, find_browser
from sandbox_support import sandbox_running, wait_for

from golive.sandbox.journal import EventKind, read_events

BROWSER = find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome found (Debian: apt-get install -y "
                                                        "chromium; .ci/run installs it; or set GOLIVE_CHROMIUM)")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any, Chrome]]:
    from golive.examples.demo_merchant import DemoSettings, start_demo_merchant

    root = tmp_path_factory.mktemp("browser")
    assert BROWSER is not None
    with sandbox_running(root, {"merchant": {"oid_partner": "201811230001000001"}}, cashier="page") as sandbox:
        settings = DemoSettings.from_example_keys(db_path=root / "merchant.sqlite3").against(
            sandbox.base_url, sandbox.key.public_pem)
        with start_demo_merchant(settings) as merchant:
            chrome = Chrome(BROWSER, root / "profile")
            try:
                yield sandbox, merchant, chrome
            finally:
                chrome.close()


def open_tab(chrome: Chrome) -> str:
    target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        chrome.send(f"{domain}.enable", session=session)
    return str(session)


STATE = "document.querySelector('main#sandbox') && document.querySelector('main#sandbox').dataset.state"


def test_pay_on_the_cashier_page(world: tuple[Any, Any, Chrome]) -> None:
    sandbox, merchant, chrome = world
    session = open_tab(chrome)
    chrome.send("Page.navigate", {"url": merchant.url("/checkout?user=browser-u1&amount=0.01&channel=web")}, session)
    assert chrome.wait_for(session, STATE) == "cashier"
    text = chrome.evaluate(session, "document.body.innerText")
    for words in ("确认付款", "Confirm payment", "确认支付", "Pay", "模拟支付失败", "Fail", "¥ 0.01"):
        assert words in text
    no_order = chrome.evaluate(session, "document.querySelector('main#sandbox').dataset.noOrder")
    assert no_order and no_order.startswith("DM")
    chrome.evaluate(session, "document.querySelector('button[value=pay]').click()")
    # The cashier's return form posts the browser back to the merchant's url_return.
    chrome.wait_for(session, f"location.href.startsWith({merchant.url('/pay/return')!r})")
    page = chrome.wait_for(session, "document.body && document.body.innerText.includes('支付结果') && document.body.innerText")
    assert "签名校验通过" in page  # the merchant verified the sandbox's signed return
    assert wait_for(lambda: any(e.ack_ok for e in read_events(sandbox.journal, kinds=[EventKind.NOTIFY_DELIVERY])
                                if e.no_order == no_order))
    cashier = [e for e in read_events(sandbox.journal, kinds=[EventKind.CASHIER]) if e.no_order == no_order]
    assert cashier[0].detail["mode"] == "page" and cashier[0].detail["choice"] == "pay"
    request = next(e for e in read_events(sandbox.journal, kinds=[EventKind.PAY_REQUEST]) if e.no_order == no_order)
    assert request.detail["source"]["via"] == "Origin"  # a real browser's Origin header, judged as registered

    sent = [e["params"]["request"]["url"] for e in chrome.events
            if e.get("method") == "Network.requestWillBeSent" and e.get("sessionId") == session]
    assert sent and all(url.startswith((sandbox.base_url, merchant.base_url)) for url in sent), sent
    cashier_responses = [e["params"]["response"] for e in chrome.events
                         if e.get("method") == "Network.responseReceived" and e.get("sessionId") == session
                         and e["params"]["response"]["url"].startswith(sandbox.base_url)]
    assert cashier_responses
    for response in cashier_responses:
        csp = {k.lower(): v for k, v in response["headers"].items()}["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'nonce-" in csp
    problems = [e["params"]["entry"]["text"] for e in chrome.events
                if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    problems += [str(e["params"]) for e in chrome.events if e.get("method") == "Runtime.exceptionThrown"]
    assert not problems, problems


def test_fail_on_the_cashier_page(world: tuple[Any, Any, Chrome]) -> None:
    sandbox, merchant, chrome = world
    session = open_tab(chrome)
    chrome.send("Page.navigate", {"url": merchant.url("/checkout?user=browser-u2&amount=0.01&channel=wap")}, session)
    assert chrome.wait_for(session, STATE) == "cashier"
    no_order = chrome.evaluate(session, "document.querySelector('main#sandbox').dataset.noOrder")
    chrome.evaluate(session, "document.querySelector('button[value=fail]').click()")
    assert chrome.wait_for(session, f"({STATE}) === 'failure' && 'failure'") == "failure"
    assert "支付失败" in chrome.evaluate(session, "document.body.innerText")
    (cashier,) = [e for e in read_events(sandbox.journal, kinds=[EventKind.CASHIER]) if e.no_order == no_order]
    assert cashier.detail["choice"] == "fail" and cashier.channel == "wap"
    assert not [e for e in read_events(sandbox.journal, kinds=[EventKind.NOTIFY_DELIVERY]) if e.no_order == no_order]
