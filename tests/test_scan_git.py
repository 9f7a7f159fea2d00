"""`golive scan` and git: tracked files by default, --all-files, --history for keys removed since,
the baseline (content hash, survives edits elsewhere), and inline suppressions. Real repositories
in temporary directories, the real CLI where exit codes matter."""

from __future__ import annotations

import json
from pathlib import Path

from scan_support import commit_all, golive, init_repo, keys, scan

MD5_LINE = 'public interface PartnerConfig {\n    String MD5_KEY = "Vb7Nm2Qx9Lk4Rt8Zp3Wc6Yd";\n}\n'


def _repo(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "merchant")
    (repo / "src").mkdir()
    (repo / "src" / "PartnerConfig.java").write_text(MD5_LINE, encoding="utf-8")
    commit_all(repo, "config")
    return repo


def test_tracked_files_by_default_all_files_on_request(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / ".env").write_text("LLPAY_MD5_KEY=Hq3Lz8Wx1Kv6Pn4Tb9Rm2Sd\n", encoding="utf-8")  # untracked
    (repo / ".gitignore").write_text(".env\n", encoding="utf-8")
    tracked = scan(repo)
    assert tracked.report.options["mode"] == "git"
    assert {f.file for f in tracked.report.findings} == {"src/PartnerConfig.java"}
    everything = scan(repo, all_files=True)
    assert {f.file for f in everything.report.findings} == {"src/PartnerConfig.java", ".env"}


def test_paths_are_relative_to_the_repository_when_a_subfolder_is_scanned(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    outcome = scan(repo / "src")
    assert [f.file for f in outcome.report.findings] == ["src/PartnerConfig.java"]
    assert outcome.report.root == str(repo.resolve())


def test_outside_git_every_file_is_read_and_a_note_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "PartnerConfig.java").write_text(MD5_LINE, encoding="utf-8")
    outcome = scan(folder)
    assert outcome.report.options["mode"] == "walk"
    assert [f.file for f in outcome.report.findings] == ["PartnerConfig.java"]
    assert any("not a git repository" in n.message.en for n in outcome.report.notes)


def test_history_finds_a_key_committed_and_removed_since(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "merchant")
    (repo / "README.md").write_text("shop\n", encoding="utf-8")
    commit_all(repo, "start")
    (repo / "keys").mkdir()
    (repo / "keys" / "merchant_private.pem").write_text(keys()["PKCS8_PEM"], encoding="utf-8")
    added = commit_all(repo, "add key (oops)")
    (repo / "keys" / "merchant_private.pem").unlink()
    (repo / "README.md").write_text("shop\n\nkeys live in the vault now\n", encoding="utf-8")
    commit_all(repo, "remove key")

    assert scan(repo).report.findings == ()
    outcome = scan(repo, history=True)
    [finding] = outcome.report.findings
    assert finding.rule == "LL-SEC-001" and finding.origin.kind == "history" and finding.origin.commit == added
    assert finding.file == "keys/merchant_private.pem" and finding.line == 1
    assert added[:12] in finding.message.en and "rotate" in finding.message.en
    assert outcome.report.options["history"]["commits"] == 3


def test_history_does_not_repeat_a_key_still_in_the_tree(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "src" / "Other.java").write_text("class Other {}\n", encoding="utf-8")
    commit_all(repo, "more")
    outcome = scan(repo, history=True)
    assert [(f.file, f.origin.kind) for f in outcome.report.findings] == [("src/PartnerConfig.java", "tree")]


def test_history_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    done = golive("scan", str(tmp_path), "--history")
    assert done.returncode == 2 and "--history needs a git repository" in done.stderr
    assert "Traceback" not in done.stderr


def test_baseline_quiets_known_findings_and_keeps_new_ones(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    baseline = tmp_path / "baseline.json"
    first = golive("scan", str(repo), "--baseline", str(baseline), "--update-baseline")
    assert first.returncode == 0, first.stderr
    document = json.loads(baseline.read_text(encoding="utf-8"))
    assert document["schema"] == "golive.scan-baseline/1" and len(document["findings"]) == 1
    assert "Vb7Nm2Qx9Lk4Rt8Zp3Wc6Yd" not in baseline.read_text(encoding="utf-8")

    # edits above the finding move it down a few lines: still the known finding
    (repo / "src" / "PartnerConfig.java").write_text("// config\n// of the shop\n" + MD5_LINE, encoding="utf-8")
    known = golive("scan", str(repo), "--baseline", str(baseline), "--lang", "en")
    assert known.returncode == 0, known.stdout
    assert "(in baseline)" in known.stdout and "PASS" in known.stdout

    (repo / "src" / "Llpay.java").write_text('class Llpay { String llpayKey = "Tz5Xc8Vb1Nm4Qw7Er2Ty6Ui"; }\n',
                                             encoding="utf-8")
    commit_all(repo, "second key")
    new = golive("scan", str(repo), "--baseline", str(baseline), "--lang", "en")
    assert new.returncode == 1
    assert "src/Llpay.java:1" in new.stdout and "1 open" in new.stdout


def test_baseline_counts_copies(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert golive("scan", str(repo), "--baseline", str(baseline), "--update-baseline").returncode == 0
    (repo / "src" / "PartnerConfig.java").write_text(MD5_LINE + MD5_LINE.replace("PartnerConfig", "Copy"),
                                                     encoding="utf-8")
    outcome = scan(repo, baseline=baseline)
    states = sorted(f.state.value for f in outcome.report.findings)
    assert states == ["baselined", "open"]  # the same line twice: the second copy is new


def test_inline_suppression_needs_a_justification_and_an_unexpired_date(tmp_path: Path) -> None:
    import datetime as dt

    repo = init_repo(tmp_path / "merchant")
    lines = [
        "class A {",
        "    // golive-ignore: LL-SEC-002 until 2099-12-31 -- sandbox key, rotated before launch",
        '    String MD5_KEY = "Kj4Hg7Fd1Sa9Lp3Ok6Ij2Uh";',
        '    String md5Key = "Yt5Gb8Nh2Uj6Mk9Il3Op7Rf"; // golive-ignore: LL-SEC-002 until 2020-01-31 -- old exception',
        '    String llpay_md5_key = "Ws4Ed7Rf1Tg5Yh8Uj2Ik6Ol"; // golive-ignore: LL-SEC-002 until 2099-01-01',
        '    String MD5KEY = "Qa3Zx6Sw9Cd2Ev5Rf8Bg1Tn"; // golive-ignore: LL-SEC-002 -- no date given',
        "}",
    ]
    (repo / "A.java").write_text("\n".join(lines) + "\n", encoding="utf-8")
    commit_all(repo)
    outcome = scan(repo, today=dt.date(2026, 1, 1))
    by_line = {f.line: f for f in outcome.report.findings}
    assert by_line[3].state.value == "suppressed" and by_line[3].suppression.until == "2099-12-31"
    assert by_line[3].suppression.justification == "sandbox key, rotated before launch"
    assert by_line[4].state.value == "open" and by_line[4].suppression.status == "expired"
    assert by_line[5].state.value == "open" and "justification" in by_line[5].suppression.problem.en
    assert by_line[6].state.value == "open" and "expiry" in by_line[6].suppression.problem.en
    assert len(outcome.report.gating) == 3


def test_suppression_of_another_rule_does_not_apply(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "merchant")
    (repo / "A.java").write_text(
        'class A {\n    String MD5_KEY = "Kj4Hg7Fd1Sa9Lp3Ok6Ij2Uh"; // golive-ignore: LL-SEC-003 until 2099-01-01 -- other\n}\n',
        encoding="utf-8")
    commit_all(repo)
    [finding] = scan(repo).report.findings
    assert finding.state.value == "open" and finding.suppression is None


def test_worker_processes_find_exactly_what_one_process_finds(tmp_path: Path) -> None:
    from golive.scan.runner import PARALLEL_MIN_FILES

    tree = tmp_path / "big"
    for index in range(PARALLEL_MIN_FILES + 100):
        folder = tree / f"m{index % 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 300 == 0:
            text = f'class C{index} {{ String MD5_KEY = "Zq{index:04d}Lm8Nb3Vc6Xk1Jh"; }}\n'
        elif index % 300 == 1:
            text = "import requests\nrequests.get('https://queryapi.lianlianpay.com', verify=False)\n"
        else:
            text = f"class C{index} {{ int f() {{ return {index}; }} }}\n"
        (folder / f"C{index}.{'py' if index % 300 == 1 else 'java'}").write_text(text, encoding="utf-8")
    one = scan(tree, jobs=1)
    two = scan(tree, jobs=2)
    def key(outcome):
        return sorted((f.rule, f.file, f.line, f.hash) for f in outcome.report.findings)
    assert key(one) == key(two) and len(key(one)) == 14
    assert one.report.stats == two.report.stats
    assert one.secrets == two.secrets
