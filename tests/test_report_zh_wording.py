"""The Chinese report speaks Chinese: no raw English key where a word belongs, no Python forms.

Renders the real demo report in Chinese -- the demo merchant as shipped (ready) and with a set of
its defects switched on (failures, payout and withdrawal probes, findings with data) -- and reads its
visible text (not the embedded result, not scripts, not the CSS) the way a reader sees it:

* no Python forms anywhere outside the HTTP bodies shown verbatim: ``0o644``, ``None``, ``True``,
  ``False``, a dict or list repr (``{'key': …}``, ``['x']``), ``Decimal(…)``, ``<… at 0x…>``; nor,
  outside a check's own explanation (which may show a format by example), a JSON object dumped with
  English keys (``{"key": …}``) in place of its fields in words;
* every label (field names in evidence tables and finding data, ``key = value`` pairs, the field
  labels of a card, table headings) is in words -- Chinese -- unless it is a LianLian protocol field
  (``no_order``, ``risk_item``...), a config key (``signing.md5_key``) or a proper name;
* the names of the exchanges and probe scenarios golive sent are in Chinese, and what golive says
  of a check (finding messages, what was checked, the reason, the fix) holds no English sentence.

What the merchant's own server answered (``<pre>`` HTTP bodies), identifiers shown as code, quoted
references to LianLian's documents, and what a person wrote (a waiver's justification) are theirs
and are not judged.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

DEFECTS = ("no_duplicate_guard", "wrong_ack_body", "missing_risk_fields", "accepts_forged", "ignores_amount",
           "withdraw_any_card", "payout_retry_on_ambiguous", "failure_not_refunded")
CJK = re.compile(r"[\u3400-\u9fff]")
PYTHON_FORMS = re.compile(
    r"\b0o[0-7]{3,4}\b"  # oct() of a file mode
    r"|(?<![=.\w])(?:None|True|False)\b"  # Python's literals (not code like verify=False, X.None)
    r"|\{'[^'{}]{1,40}': "  # a dict repr
    r"|(?<![\w\]])\['[^']*'(?:, '[^']*')*\]"  # a list repr (not PHP's $config['key'])
    r"|\bDecimal\(|\bdatetime\.(?:date|datetime)\(|<[\w.]+ object at 0x")
JSON_DUMP = re.compile(r"\{\"[A-Za-z_]+\": ")  # a JSON object dumped with its English keys
# A check's own explanation may show a format by example (``"effect": {"credited": true}``).
AUTHORED = {"remedy", "p-fix", "about", "refs"}
SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,:;()]+[A-Za-z][A-Za-z'’-]*){4,}")
PROPER = {"Python", "HTTP", "JSON", "URL", "MD5", "RSA", "SHA-256", "IP", "DNS"}
# Where a sentence is golive's own words about a check (finding messages, checked, reason, fix).
SENTENCE_CLASSES = {"p-first", "p-fix", "line", "sub", "headline", "note", "remedy", "findings"}


def _protocol_names() -> set[str]:
    from golive.lianlian.fields import FIELDS, REQUEST_FIELDS

    return set(FIELDS) | set(REQUEST_FIELDS) | {
        "no_order", "notify_url", "url_return", "oid_partner", "oid_paybill", "result_pay", "settle_date",
        "info_order", "sign", "sign_type", "ret_code", "ret_msg", "risk_item", "frms_ware_category", "no_agree",
        "pay_type", "bank_code", "card_no", "acct_name", "id_no", "money_order", "dt_order", "name_goods",
        "user_id", "req_data", "res_data", "pay_load", "payout_no", "timestamp", "version"}


class _Text(HTMLParser):
    """Visible text nodes with the tags and classes around them (script, style and the embedded
    result are not visible)."""

    VOID = {"br", "meta", "link", "input", "img", "hr", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.nodes: list[tuple[tuple[str, ...], frozenset[str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append((tag, frozenset((dict(attrs).get("class") or "").split())))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        tags = tuple(t for t, _ in self.stack)
        if data.strip() and not {"script", "style"} & set(tags):
            self.nodes.append((tags, frozenset().union(*(c for _, c in self.stack)), data))


def _nodes(path: Path) -> list[tuple[tuple[str, ...], frozenset[str], str]]:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.nodes


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from golive.cli import main

    root = tmp_path_factory.mktemp("zh")
    assert main(["demo", "--output-dir", str(root / "ready"), "--format", "html", "--no-progress", "-q"]) == 0
    defects = [arg for name in DEFECTS for arg in ("--defect", name)]
    assert main(["demo", *defects, "--output-dir", str(root / "defects"), "--format", "html", "--no-progress",
                 "-q"]) == 1
    return {"ready": root / "ready" / "report.html", "defects": root / "defects" / "report.html"}


@pytest.mark.parametrize("which", ["ready", "defects"])
def test_no_python_forms(reports: dict[str, Path], which: str) -> None:
    found = [(text.strip()[:160], m.group(0)) for tags, classes, text in _nodes(reports[which]) if "pre" not in tags
             for m in [PYTHON_FORMS.search(text) or (None if classes & AUTHORED else JSON_DUMP.search(text))] if m]
    assert found == [], f"{which}: Python forms in the Chinese report: {found[:8]}"


def _labels(nodes: list[tuple[tuple[str, ...], frozenset[str], str]]) -> list[str]:
    """Label texts: field names of evidence tables (first cell), ``key = value`` keys (finding data,
    evidence on one line), field labels, table headings, definition terms."""
    labels = []
    for tags, classes, text in nodes:
        tag = tags[-1]
        if tag in ("th", "dt") or "field-label" in classes and tag == "span" or \
                tag == "td" and "fields" in classes and "value" not in classes:
            labels.append(text.strip())
        elif (tag == "span" and "kvp" in classes or tag == "li" and "data" in classes) and " = " in text:
            labels.append(text.split(" = ")[0].strip())
    return labels


@pytest.mark.parametrize("which", ["ready", "defects"])
def test_labels_are_words(reports: dict[str, Path], which: str) -> None:
    allowed = _protocol_names() | PROPER
    raw = sorted({label for label in _labels(_nodes(reports[which]))
                  if not CJK.search(label) and label not in allowed and "." not in label and SNAKE.match(label)})
    assert raw == [], f"{which}: raw English keys as labels in the Chinese report: {raw}"


@pytest.mark.parametrize("which", ["ready", "defects"])
def test_exchange_names_and_sentences_are_chinese(reports: dict[str, Path], which: str) -> None:
    nodes = _nodes(reports[which])
    # An HTTP exchange's name (its summary's last span) and a probe scenario's description.
    names = [text.strip() for tags, classes, text in nodes
             if tags[-1] == "span" and "summary" in tags and "ev" in classes and "muted" in classes]
    names += [text.strip() for tags, classes, text in nodes
              if tags[-1] == "p" and "probe-title" in classes]
    english = sorted({n for n in names if not CJK.search(n)})
    assert english == [], f"{which}: exchange or scenario names in English: {english[:10]}"
    sentences = sorted({m.group(0) for tags, classes, text in nodes
                        if classes & SENTENCE_CLASSES and "code" not in tags and "pre" not in tags
                        and "refs" not in classes and "waiver-box" not in classes
                        for m in ENGLISH_RUN.finditer(text)})
    assert sentences == [], f"{which}: English sentences in golive's own words: {sentences[:10]}"
    assert names, f"{which}: no exchange found: the test reads nothing"


def test_the_scanners_see_what_they_look_for(tmp_path: Path) -> None:
    """The rules above are live: a page with each form is caught."""
    page = tmp_path / "bad.html"
    page.write_text('<table class="fields"><tr><td title="x">records_seen</td><td class="value">0o644</td></tr></table>'
                    '<p class="line">mode None</p><ul class="data"><li>other_key = <code>{"rule": "x"}</code></li></ul>'
                    '<details class="ev"><summary><span class="muted small">forged notification (wrong_key)</span>'
                    '</summary></details><p class="line">the answer was not valid for this reason</p>',
                    encoding="utf-8")
    nodes = _nodes(page)
    assert {m.group(0) for _, _, text in nodes for m in PYTHON_FORMS.finditer(text)} == {"0o644", "None"}
    assert [m.group(0) for _, _, text in nodes for m in JSON_DUMP.finditer(text)] == ['{"rule": ']
    assert _labels(nodes) == ["records_seen", "other_key"]
    assert any(ENGLISH_RUN.search(text) for _, _, text in nodes)
