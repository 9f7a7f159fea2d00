"""Regenerate the report screenshots in this folder from a real browser.

    python docs/screenshots/make.py            # from the repository root, golive installed

Runs ``golive demo --defect no_duplicate_guard`` (a failure, probe evidence, a config line to
change), renders its result in Chinese and English, and takes from headless Chromium (the same
DevTools client as tests/test_report_browser.py):

* ``report-zh.png``, ``report-en.png`` -- the top of the report on a 1280 px desktop;
* ``phone-zh.png``, ``phone-en.png`` -- the top of the report on a 390 px phone (2x pixels);
* ``a4-zh-1.png``, ``a4-zh-2.png``, ``a4-en-1.png``, ``a4-en-2.png`` -- the first A4 page
  and the page where the failed check's card (its probe exchanges) prints, as Chromium prints them
  (``Page.printToPDF``, page header and numbers included), rasterised with poppler's pdftoppm.

Needs Chromium (``GOLIVE_CHROMIUM`` or chromium on PATH), CJK fonts (Debian: fonts-wqy-microhei)
and poppler-utils (pdftoppm, pdftotext). Exits 2 naming what is missing.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from cdp import Chrome, find_browser  # noqa: E402  (tests/cdp.py: no package needed)

DEFECT = "no_duplicate_guard"
DESKTOP, PHONE = (1280, 2000), (390, 1500)
A4_DPI = 80


def _tab(chrome: Chrome, path: Path, width: int, height: int, scale: float, mobile: bool) -> str:
    target = chrome.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = str(chrome.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"])
    chrome.send("Page.enable", session=session)
    chrome.send("Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}, session)
    chrome.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
    chrome.wait_for(session, "document.readyState === 'complete' && document.fonts.status === 'loaded'")
    return session


def _screenshot(chrome: Chrome, session: str, width: int, height: int, out: Path) -> None:
    shot = chrome.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False,
                                                  "clip": {"x": 0, "y": 0, "width": width, "height": height,
                                                           "scale": 1}}, session, timeout=60)
    out.write_bytes(base64.b64decode(shot["data"]))
    print(f"  {out.relative_to(ROOT)}")


def _a4_pages(chrome: Chrome, report: Path, lang: str, failed_id: str, work: Path) -> None:
    from golive.reporters.view import ui

    session = _tab(chrome, report, 1280, 900, 1, False)
    printed = chrome.send("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, session,
                          timeout=120)
    pdf = work / f"report-{lang}.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    # The page where the failed check's card begins: the first page naming its id after the
    # "All checks" heading (before it, the id is in the verdict, "to act on" and the contents).
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    heading, card, after = ui("all_checks", lang), 2, False
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        if not after:
            if heading not in text:
                continue
            after, text = True, text.partition(heading)[2]
        if failed_id in text:
            card = page
            break
    for number, page in ((1, 1), (2, card)):
        stem = work / f"a4-{lang}-{number}"
        subprocess.run(["pdftoppm", "-png", "-r", str(A4_DPI), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(stem)], check=True)
        out = HERE / f"a4-{lang}-{number}.png"
        shutil.move(str(stem) + ".png", out)
        print(f"  {out.relative_to(ROOT)} (page {page} of {pages})")


def main() -> int:
    browser = find_browser()
    missing = [name for name, found in (("chromium (or GOLIVE_CHROMIUM)", browser),
                                         ("pdftoppm (poppler-utils)", shutil.which("pdftoppm")),
                                         ("pdftotext (poppler-utils)", shutil.which("pdftotext")),
                                         ("pdfinfo (poppler-utils)", shutil.which("pdfinfo"))) if not found]
    if missing:
        print("cannot make the screenshots: missing " + ", ".join(missing), file=sys.stderr)
        return 2
    from golive.cli import main as golive
    from golive.reporters.html import render
    from golive.result_doc import accept_result

    with tempfile.TemporaryDirectory(prefix="golive-shots-") as tmp:
        work = Path(tmp)
        code = golive(["demo", "--defect", DEFECT, "--output-dir", str(work / "demo"), "--format", "json",
                       "--no-progress", "-q"])
        if code != 1:
            print(f"golive demo --defect {DEFECT} exited {code}, expected 1 (not ready)", file=sys.stderr)
            return 2
        source = work / "demo" / "result.json"
        result = accept_result(json.loads(source.read_text(encoding="utf-8")), str(source))
        failed = next(c.id for c in result.checks if c.status == "fail")
        assert browser is not None
        chrome = Chrome(browser, work / "profile")
        try:
            for lang in ("zh", "en"):
                report = work / f"report-{lang}.html"
                report.write_text(render(result, lang=lang), encoding="utf-8")
                width, height = DESKTOP
                _screenshot(chrome, _tab(chrome, report, width, height, 1, False), width, height,
                            HERE / f"report-{lang}.png")
                width, height = PHONE
                _screenshot(chrome, _tab(chrome, report, width, height, 2, True), width, height,
                            HERE / f"phone-{lang}.png")
                _a4_pages(chrome, report, lang, failed, work)
        finally:
            chrome.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
