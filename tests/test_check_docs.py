"""docs/checks/<ID>.md: one page per check, generated from its metadata; the committed pages are what
the generator writes, their links resolve in the repository, and the report links each check to its
page (and carries the same explanation, for a report read offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from golive import check_docs
from golive.cli import main
from golive.links import CHECK_DOCS_DIR, DOCS, HOMEPAGE, check_doc_path, check_doc_url
from golive.registry import all_checks

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / CHECK_DOCS_DIR
FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
REGENERATE = "golive explain --all --markdown docs/checks"


def test_the_committed_pages_are_what_the_generator_writes() -> None:
    expected = check_docs.pages(all_checks())
    committed = {p.name: p.read_text(encoding="utf-8") for p in PAGES.glob("*.md")}
    stale = sorted(set(committed) - set(expected))
    missing = sorted(set(expected) - set(committed))
    differ = sorted(name for name in set(expected) & set(committed) if expected[name] != committed[name])
    assert (missing, stale, differ) == ([], [], []), f"docs/checks is out of date: run {REGENERATE}"


def test_a_page_says_everything_the_metadata_says() -> None:
    check = next(c for c in all_checks() if c.meta.probes and c.meta.scope is None)
    text = check_docs.page(check)
    meta = check.meta
    for part in (meta.id, meta.title.zh, meta.title.en, meta.rationale.zh, meta.rationale.en, meta.remediation.zh,
                 meta.remediation.en, meta.item.value, meta.severity.value, *meta.required, *meta.probes):
        assert part in text, part
    assert all(ref.split(" ")[0] in text for ref in meta.references)
    assert text.startswith(check_docs.MARKER)


def test_every_relative_link_of_the_pages_resolves_in_the_repository() -> None:
    broken = []
    for page in PAGES.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" not in target and not (page.parent / target).resolve().is_file():
                broken.append(f"{page.name}: {target}")
    assert broken == []
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"({CHECK_DOCS_DIR}/README.md)" in readme


def test_explain_all_markdown_writes_the_pages_and_removes_only_its_own_stale_ones(tmp_path: Path, capsys) -> None:
    (tmp_path / "LL-SIG-999.md").write_text(check_docs.MARKER + "\n# retired\n", encoding="utf-8")
    (tmp_path / "LL-NOTES.md").write_text("# someone's own notes\n", encoding="utf-8")
    assert main(["explain", "--all", "--markdown", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.glob("*.md")}
    assert names == {f"{c.meta.id}.md" for c in all_checks()} | {"README.md", "LL-NOTES.md"}
    assert (tmp_path / "LL-NTF-004.md").read_text(encoding="utf-8") == (PAGES / "LL-NTF-004.md").read_text(encoding="utf-8")
    assert "removed 1" in capsys.readouterr().err
    assert main(["explain", "LL-NTF-004"]) == 0 and "LL-NTF-004" in capsys.readouterr().out
    assert main(["explain"]) == 2  # neither an id nor --all


def test_the_report_links_each_check_to_its_page_and_carries_its_explanation() -> None:
    from golive.reporters.html import render
    from golive.result_doc import accept_result

    result = accept_result(json.loads(FIXTURE.read_text(encoding="utf-8")), str(FIXTURE))
    html = render(result, lang="zh")
    for check in result.checks:
        assert (REPO / check_doc_path(check.id)).is_file(), check.id
        assert f'href="{check_doc_url(check.id)}"' in html, check.id
    # The card itself holds the explanation: why, how to fix (even for a check that passed), references.
    passing = next(c for c in result.checks if c.status == "pass")
    card = re.split(r'\n<details class="check|\n</section>', html.split(f'id="check-{passing.id.lower()}"', 1)[1])[0]
    for part in (passing.rationale.zh, passing.remediation.zh, passing.references[0]):
        assert part.replace("&", "&amp;").replace('"', "&#34;").replace("'", "&#39;")[:30] in card, part


def test_the_package_metadata_names_the_same_addresses() -> None:
    import tomllib

    urls = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls["Homepage"] == HOMEPAGE and urls["Documentation"] == DOCS
    assert urls["Check catalogue"] == f"{HOMEPAGE}/{CHECK_DOCS_DIR}/{check_docs.INDEX}"
