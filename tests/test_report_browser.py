"""The readiness report in a real headless browser (Debian's chromium; `.ci/run` installs it), in both
languages: on a 390 px phone nothing is wider than the screen, even with every check and exchange
expanded; the page logs no console error and no Content-Security-Policy violation (a script or
style the CSP refused); it fetches nothing; expand all / collapse all work; the A4 print layout has a
bounded number of pages, and what prints of a problem includes its probe exchanges (scenario, what
was sent, what came back -- not an empty "场景" label).

Reports rendered: the real `golive demo` report (with a defect, so it has failures, probe evidence
as the probes record it and config lines to change) in Chinese as the demo writes it and in English
from its result.json; and the golden fixture (every status, HTTP exchanges, planted hostile values).
Skips, saying why, only where no Chromium can be found. The whole module takes about 25 s.
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
DEFECT = "no_duplicate_guard"
# Bounds on A4 pages. The demo and the fixture each print on about 15-17 pages (some 60 checks,
# one compact card each, and the problems with their evidence); far more would mean the print
# layout lost its compact cards (every passing check expanded, a card per page), far fewer that the
# evidence of the problems stopped printing.
PAGES = {"demo-zh": (10, 28), "demo-en": (10, 28), "zh": (8, 28), "en": (8, 28)}

# Injected before any page script runs (DevTools-injected scripts are not subject to the page's
# CSP): records every violation the page's policy reports.
CSP_PROBE = """window.__golive_csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__golive_csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});"""


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
    """report.html of a real demo run with a defect (zh, and en from its result) and of the fixture."""
    from golive.cli import main
    from golive.reporters.html import render
    from golive.result_doc import accept_result

    root = tmp_path_factory.mktemp("reports")
    demo = root / "demo"
    code = main(["demo", "--defect", DEFECT, "--output-dir", str(demo), "--format", "html,json", "--no-progress", "-q"])
    assert code == 1
    paths = {"demo-zh": demo / "report.html"}
    sources = {"demo": demo / "result.json", "": FIXTURE}
    for prefix, source in sources.items():
        result = accept_result(json.loads(source.read_text(encoding="utf-8")), str(source))
        for lang in ("zh", "en"):
            name = f"{prefix}-{lang}" if prefix else lang
            if name not in paths:
                paths[name] = root / f"{name}.html"
                paths[name].write_text(render(result, lang=lang), encoding="utf-8")
    return paths


class Tab:
    def __init__(self, chrome: Chrome, path: Path, width: int, mobile: bool) -> None:
        self.chrome = chrome
        target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = str(chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            chrome.send(f"{domain}.enable", session=self.session)
        chrome.send("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_PROBE}, self.session)
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

    def csp_violations(self) -> list[str]:
        return list(self.eval("window.__golive_csp") or [])

    def assert_clean(self, which: str) -> None:
        """No console error, no CSP violation, nothing fetched but the page itself."""
        assert self.console_errors() == [], which
        assert self.csp_violations() == [], which
        assert all(url.startswith(("file:", "data:")) for url in self.requests()), (which, self.requests())

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


@pytest.mark.parametrize("which", ["demo-zh", "demo-en", "zh", "en"])
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
    tab.assert_clean(which)


def test_the_csp_probe_sees_a_refused_script(chrome: Chrome, reports: dict[str, Path]) -> None:
    """The two detectors above are live: a script the page's CSP does not admit is refused, and
    both the violation and the console error are seen."""
    tab = Tab(chrome, reports["demo-zh"], 1280, mobile=False)
    tab.eval("document.body.appendChild(Object.assign(document.createElement('script'), "
             "{textContent: 'window.__ran = true'}))")
    _settle()
    assert tab.eval("window.__ran === undefined")
    assert any("script-src" in v for v in tab.csp_violations()), tab.csp_violations()
    assert tab.console_errors()


@pytest.mark.parametrize("which", ["demo-zh", "en"])
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
    # The report opens on what to act on, each linked to its card, which carries its explanation.
    first = tab.eval("document.querySelector('#to-act-on .problem a.id').getAttribute('href')")
    assert tab.eval(f"document.querySelector({first!r}) !== null")
    assert tab.eval(f"document.querySelector({first!r} + ' .about') !== null")
    tab.eval("document.querySelector('#to-act-on .problem a.id').click()")
    _settle()
    assert tab.eval(f"document.querySelector({first!r}).open === true")
    tab.assert_clean(which)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


# What paper shows, measured in the page itself with print media and the page's own beforeprint
# handler run: every problem card, its evidence open, each probe exchange laid out with its scenario,
# its title and at least one line of what was sent or came back.
PRINTED = """(() => {
  const shown = el => el.getClientRects().length > 0 && el.getBoundingClientRect().height > 0;
  const text = el => (el ? el.textContent : '').trim();
  const problems = [...document.querySelectorAll('details.check[open]')];
  const probes = problems.flatMap(d => [...d.querySelectorAll('.ev-probe')]);
  const http = problems.flatMap(d => [...d.querySelectorAll('details.ev')]);
  const bad = [];
  for (const p of probes) {
    const title = p.querySelector('.probe-title'), label = title && title.querySelector('.muted');
    const own = text(title).slice(text(label).length).trim();
    if (!shown(p) || !shown(title)) bad.push('hidden probe: ' + text(title).slice(0, 80));
    else if ((label && !text(label.querySelector('code'))) || !own) bad.push('empty scenario label: ' + text(title));
    else if (!p.querySelector('.probe-line, .ev-extra')) bad.push('probe without exchange: ' + text(title));
  }
  for (const d of http) {
    if (!d.open || !shown(d.querySelector('.ev-body'))) bad.push('closed exchange: ' + text(d.querySelector('summary')).slice(0, 80));
  }
  const hiddenCards = problems.filter(d => !shown(d.querySelector('.check-body'))).map(d => d.id);
  return {probes: probes.length, http: http.length, bad: bad.slice(0, 10), hiddenCards: hiddenCards};
})()"""


@pytest.mark.parametrize("which", ["demo-zh", "demo-en", "zh", "en"])
def test_print_layout_is_a4_within_bounds(chrome: Chrome, reports: dict[str, Path], which: str) -> None:
    tab = Tab(chrome, reports[which], 1280, mobile=False)
    printed = tab.chrome.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True},
                              tab.session, timeout=120)
    pdf = base64.b64decode(printed["data"])
    pages = _pages(pdf)
    low, high = PAGES[which]
    assert low <= pages <= high, f"{which}: {pages} A4 pages"
    assert re.search(rb"/MediaBox \[0 0 59[45]\.\d+ 841\.\d+\]", pdf)  # A4 (210 x 297 mm in points)
    # After printing, the page is as it was: evidence the script opened for paper is closed again.
    assert tab.eval("[...document.querySelectorAll('details.check.c-pass')].every(d => !d.open)")
    assert tab.eval("[...document.querySelectorAll('details.check[open] details.ev')].every(d => !d.open)")
    # What prints of each problem: its probe exchanges and HTTP exchanges, laid out and not empty.
    tab.chrome.send("Emulation.setEmulatedMedia", {"media": "print"}, tab.session)
    tab.eval("window.dispatchEvent(new Event('beforeprint'))")
    _settle()
    seen = tab.eval(PRINTED)
    assert seen["bad"] == [] and seen["hiddenCards"] == [], f"{which}: {seen}"
    if which.startswith("demo"):
        assert seen["probes"] > 0, f"{which}: the demo's problems print no probe exchange: {seen}"
    tab.eval("window.dispatchEvent(new Event('afterprint'))")
    tab.assert_clean(which)
