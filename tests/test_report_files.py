"""Report files of one run: written as a whole or not at all, never mixed with another run's.

Real `golive check` / `golive report` runs on real directories. A directory that cannot be written
is made real even for root, who ignores permission bits: a path below a regular file, a kernel
file system that refuses new files (/sys), and a file size limit (RLIMIT_FSIZE) that makes a write
fail half way, as a full disk does.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_MD5_KEY

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
ALL = "text,json,junit,sarif,markdown,html"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from golive.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_id_of(folder: Path) -> str:
    return str(json.loads((folder / "result.json").read_text(encoding="utf-8"))["provenance"]["run_id"])


@pytest.fixture
def config(config_factory, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOLIVE_TEST_MD5", TEST_MD5_KEY)
    return config_factory()


def test_report_names_are_the_reporters_file_names() -> None:
    from golive.report_files import REPORT_NAMES
    from golive.reporters import FORMATS

    assert set(REPORT_NAMES) == {name for _, name in FORMATS.values() if name}


def test_every_format_names_the_run(tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run(["check", str(config), "--format", ALL, "--output-dir", str(out), "--no-progress"], capsys)
    assert code in (0, 1, 3)
    run_id = run_id_of(out)
    assert re.fullmatch(r"[0-9a-f]{16}", run_id)
    assert run_id in stdout
    for name in ("junit.xml", "golive.sarif", "summary.md", "report.html"):
        assert run_id in (out / name).read_text(encoding="utf-8"), name
    sarif = json.loads((out / "golive.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"].endswith("/" + run_id)
    # Two runs, two ids.
    run(["check", str(config), "--format", "json", "--output-dir", str(tmp_path / "again"), "--no-progress"], capsys)
    assert run_id_of(tmp_path / "again") != run_id


def test_a_second_run_with_fewer_formats_leaves_no_file_of_the_first(tmp_path: Path, config: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    run(["check", str(config), "--format", "json,html,markdown,junit", "--output-dir", str(out), "--no-progress"], capsys)
    first = run_id_of(out)
    code, _, err = run(["check", str(config), "--format", "json", "--output-dir", str(out), "--no-progress"], capsys)
    assert code in (0, 1, 3)
    second = run_id_of(out)
    assert second != first
    assert sorted(p.name for p in out.iterdir()) == ["result.json"], "reports of the first run are still there"
    assert "report.html removed: a report of another run" in err


def test_re_rendering_a_run_into_its_own_directory_keeps_its_files(tmp_path: Path, config: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    run(["check", str(config), "--format", "json,markdown", "--output-dir", str(out), "--no-progress"], capsys)
    before = (out / "result.json").read_bytes()
    code, _, err = run(["report", "--from", str(out / "result.json"), "--format", "html", "--lang", "en",
                        "--output-dir", str(out)], capsys)
    assert code == 0, err
    # Same run: the result it read and the summary stay; the English HTML joins them.
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "result.json", "summary.md"]
    assert (out / "result.json").read_bytes() == before
    assert "removed" not in err


def test_a_file_golive_did_not_write_is_left_alone(tmp_path: Path, config: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("# Our release notes\n", encoding="utf-8")
    run(["check", str(config), "--format", "json", "--output-dir", str(out), "--no-progress"], capsys)
    assert (out / "summary.md").read_text(encoding="utf-8") == "# Our release notes\n"


def test_temporary_files_of_a_killed_run_are_cleaned_up(tmp_path: Path, config: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    leftover = out / ".report.html.0123456789ab.tmp"
    leftover.write_text("<html>half a rep", encoding="utf-8")
    run(["check", str(config), "--format", "html", "--output-dir", str(out), "--no-progress"], capsys)
    assert sorted(p.name for p in out.iterdir()) == ["report.html"]


def _one_line_naming(err: str, directory: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("golive: error: "), err
    assert directory in lines[0] and "--output-dir" in lines[0], err
    assert "Traceback" not in err


def test_an_output_dir_below_a_regular_file_is_exit_2(tmp_path: Path, config: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a directory", encoding="utf-8")
    target = blocker / "reports"
    code, _, err = run(["check", str(config), "--format", "json,html", "--output-dir", str(target),
                        "--no-progress"], capsys)
    assert code == 2
    _one_line_naming(err, str(target))
    code, _, err = run(["report", "--from", str(FIXTURE), "--format", "json", "--output-dir", str(target)], capsys)
    assert code == 2
    _one_line_naming(err, str(target))


def _unwritable_existing_directory() -> Path:
    """A directory that exists and refuses new files even for root (sysfs)."""
    for candidate in (Path("/sys/kernel"), Path("/sys/fs")):
        if candidate.is_dir():
            try:
                fd = os.open(candidate / ".golive-probe", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError:
                return candidate
            os.close(fd)
            os.unlink(candidate / ".golive-probe")
    pytest.skip("no directory here refuses new files")


def test_an_existing_read_only_directory_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _unwritable_existing_directory()
    code, _, err = run(["report", "--from", str(FIXTURE), "--format", "json,html", "--output-dir", str(target)], capsys)
    assert code == 2
    _one_line_naming(err, str(target))
    assert not any(p.name.endswith(".tmp") for p in target.iterdir())


def _golive_with_file_size_limit(argv: list[str], limit: int) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process whose writes fail past `limit` bytes (EFBIG), as on a full disk.
    Python ignores SIGXFSZ, so the write raises instead of killing the process."""
    import resource

    def limit_writes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    # cwd away from the checkout: `python -m` must import the installed golive (README).
    return subprocess.run([sys.executable, "-m", "golive", *argv], capture_output=True, text=True, timeout=120,
                          preexec_fn=limit_writes, check=False, cwd=Path(argv[-1]).parent)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs RLIMIT_FSIZE")
def test_a_write_that_fails_half_way_leaves_no_truncated_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    fresh = _golive_with_file_size_limit(["report", "--from", str(FIXTURE), "--format", "json,html",
                                          "--output-dir", str(out)], limit=8192)
    assert fresh.returncode == 2, fresh.stderr
    _one_line_naming(fresh.stderr, str(out))
    assert "File too large" in fresh.stderr
    assert list(out.iterdir()) == [], "a truncated or temporary file was left behind"
    # With reports of an earlier run there, they stay whole.
    assert run(["report", "--from", str(FIXTURE), "--format", "markdown,json", "--output-dir", str(out)], capsys)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = _golive_with_file_size_limit(["report", "--from", str(FIXTURE), "--format", "json,html,markdown",
                                          "--lang", "en", "--output-dir", str(out)], limit=8192)
    assert again.returncode == 2, again.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_two_runs_writing_at_once_leave_one_runs_set(tmp_path: Path, config: Path) -> None:
    """Concurrent runs into one directory: whichever finishes last, the directory holds its set
    only, every file of it naming the same run."""
    out = tmp_path / "out"
    env = {**os.environ, "GOLIVE_TEST_MD5": TEST_MD5_KEY}
    for _ in range(2):
        runs = [subprocess.Popen([sys.executable, "-m", "golive", "check", str(config), "--format", formats,
                                  "--output-dir", str(out), "--no-progress", "--quiet"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
                for formats in ("json,html,markdown", "json,junit,sarif")]
        for process in runs:
            _, err = process.communicate(timeout=120)
            assert process.returncode in (0, 1, 3), err
        names = sorted(p.name for p in out.iterdir())
        assert names in (["report.html", "result.json", "summary.md"], ["golive.sarif", "junit.xml", "result.json"]), names
        run_id = run_id_of(out)
        for path in out.iterdir():
            assert run_id in path.read_text(encoding="utf-8"), path.name
