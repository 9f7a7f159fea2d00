"""The readiness report in a real headless browser (Debian's chromium; `.ci/run` installs it), in both
languages: on a 390 px phone nothing is wider than the screen, even with every check and exchange
expanded; the page logs no console error (a script the CSP refused, a script error); it fetches
nothing; expand all / collapse all work; and the A4 print layout has a bounded number of pages.

The report is rendered from the golden fixture (every status, HTTP exchanges, findings in the
config, planted hostile values) and from a real `golive demo` run with a defect (probe evidence as
the probes record it). Skips, saying why, only where no Chromium can be found.
"""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from cdp import Chrome, find_browser

BROWSER = find_browser()
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no Chromium or Chrome found (Debian: apt-get install -y "
                                                        "chromium; .ci/run installs it; or set GOLIVE_CHROMIUM)")
PHONE = 390
FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
# The fixture prints on about a dozen A4 pages; far more would mean the print layout lost its
# compact cards (every passing check expanded), far fewer that evidence stopped printing.
FIXTURE_PAGES = (6, 30)


@pytest.fixture(scope="module")
def chrome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chrome]:
    assert BROWSER is not None
    browser = Chrome(BROWSER, tmp_path_factory.mktemp("chrome") / "profile")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """report.html of the fixture in zh and en, and of a real demo run with a defect (zh)."""
    from golive.cli import main
    from golive.reporters.html import render
    from golive.result_doc import accept_result

    root = tmp_path_factory.mktemp("reports")
    result = accept_result(json.loads(FIXTURE.read_text(encoding="utf-8")), str(FIXTURE))
    paths = {}
    for lang in ("zh", "en"):
        paths[lang] = root / f"report.{lang}.html"
        paths[lang].write_text(render(result, lang=lang), encoding="utf-8")
    demo = root / "demo"
    code = main(["demo", "--defect", "no_duplicate_guard", "--output-dir", str(demo), "--format", "html", "--no-progress",
                 "-q"])
    assert code == 1
    paths["demo"] = demo / "report.html"
    return paths


class Tab:
    def __init__(self, chrome: Chrome, path: Path, width: int, mobile: bool) -> None:
        self.chrome = chrome
        target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = str(chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            chrome.send(f"{domain}.enable", session=self.session)
        chrome.send("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": mobile}, self.session)
        self.url = path.resolve().as_uri()
        chrome.send("Page.navigate", {"url": self.url}, self.session)
        chrome.wait_for(self.session, "document.readyState === 'complete' && document.getElementById('top') !== null")

    def eval(self, expression: str) -> Any:
        return self.chrome.evaluate(self.session, expression)

    def events(self, *methods: str) -> list[dict[str, Any]]:
        return [e for e in self.chrome.events if e.get("sessionId") == self.session and e.get("method") in methods]

    def console_errors(self) -> list[str]:
        errors = [json.dumps(e["params"])[:300] for e in self.events("Runtime.exceptionThrown")]
        errors += [e["params"]["entry"]["text"] for e in self.events("Log.entryAdded")
                   if e["params"]["entry"]["level"] == "error"]
        errors += [json.dumps(e["params"]["args"])[:300] for e in self.events("Runtime.consoleAPICalled")
                   if e["params"]["type"] in ("error", "assert")]
        return errors

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def overflow(self) -> tuple[int, list[str]]:
        """The page's scroll width and the elements that stick out to the right of the screen."""
        return self.eval("""(() => {
          const width = document.documentElement.clientWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
          }
          return [document.documentElement.scrollWidth, out.slice(0, 10)];
        })()""")  # type: ignore[no-any-return]


def _settle() -> None:
    time.sleep(0.2)  # layout after a click


@pytest.mark.parametrize("which", ["zh", "en", "demo"])
def test_nothing_is_wider_than_a_phone(chrome: Chrome, reports: dict[str, Path], which: str) -> None:
    tab = Tab(chrome, reports[which], PHONE, mobile=True)
    width, wide = tab.overflow()
    assert width <= PHONE, f"{which}: the page is {width} px wide on a {PHONE} px phone: {wide}"
    # Everything opened: evidence tables, HTTP bodies, long URLs.
    tab.eval("document.querySelector('[data-golive-toggle=open]').click()")
    _settle()
    assert tab.eval("[...document.querySelectorAll('details.check')].every(d => d.open)")
    width, wide = tab.overflow()
    assert width <= PHONE, f"{which}: expanded, the page is {width} px wide on a {PHONE} px phone: {wide}"
    assert tab.console_errors() == []
    assert all(url.startswith(("file:", "data:")) for url in tab.requests()), tab.requests()


@pytest.mark.parametrize("which", ["zh", "en"])
def test_expand_all_and_collapse_all(chrome: Chrome, reports: dict[str, Path], which: str) -> None:
    tab = Tab(chrome, reports[which], 1280, mobile=False)
    # Problems open by default, passing checks closed; the buttons appear only where script runs.
    assert tab.eval("document.querySelector('details.check.c-fail').open === true")
    assert tab.eval("document.querySelector('details.check.c-pass').open === false")
    assert tab.eval("[...document.querySelectorAll('[data-golive-toggle]')].every(b => !b.hidden)")
    tab.eval("document.querySelector('[data-golive-toggle=open]').click()")
    _settle()
    assert tab.eval("[...document.querySelectorAll('details.check, details.ev')].every(d => d.open)")
    tab.eval("document.querySelector('[data-golive-toggle=close]').click()")
    _settle()
    assert tab.eval("[...document.querySelectorAll('details.check, details.ev')].every(d => !d.open)")
    # The report opens on what to act on, each linked to its card and its explanation.
    first = tab.eval("document.querySelector('#to-act-on .problem a.id').getAttribute('href')")
    assert tab.eval(f"document.querySelector({first!r}) !== null")
    assert tab.eval("document.querySelector('#to-act-on .problem a[rel]').href.startsWith('https://')")
    assert tab.console_errors() == []


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


@pytest.mark.parametrize("which", ["zh", "en"])
def test_print_layout_is_a4_within_bounds(chrome: Chrome, reports: dict[str, Path], which: str) -> None:
    tab = Tab(chrome, reports[which], 1280, mobile=False)
    printed = tab.chrome.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                              tab.session, timeout=120)
    pdf = base64.b64decode(printed["data"])
    pages = _pages(pdf)
    low, high = FIXTURE_PAGES
    assert low <= pages <= high, f"{which}: {pages} A4 pages"
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf  # A4 (210 x 297 mm in points)
    # After printing, the page is as it was: evidence the script opened for paper is closed again.
    assert tab.eval("[...document.querySelectorAll('details.check.c-pass')].every(d => !d.open)")
    assert tab.console_errors() == []
