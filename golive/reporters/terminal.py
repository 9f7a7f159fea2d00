"""The text report in colour, for a terminal (rich). Same content and order as
golive.reporters.text -- checks by go-live item, the failed and errored checks again with their
one-line fixes, counts, the verdict -- plus the verdict at the top, so it is the first thing seen
and the last.

Used only when standard output is a terminal and colour is not turned off (``--no-color``,
``NO_COLOR``); piped output, CI logs and files get the plain text. rich is imported here, when a
report is drawn, never at start-up.

Every value from the result is escaped (golive.controls) and handed to rich as a `rich.text.Text`,
never as markup: a merchant name like ``[bold red]`` or ``:warning:`` is shown as written.
"""

from __future__ import annotations

from typing import Any, TextIO

from golive.reporters.text import MAX_FINDINGS, to_fix, verdict_words
from golive.reporters.view import STATUS_MARK, environment_label, first_sentence, t
from golive.result import Result, map_strings

STATUS_STYLE = {"pass": "green", "fail": "bold red", "error": "bold magenta", "manual": "yellow", "waived": "cyan",
                "not_applicable": "dim", "skipped": "dim"}
SEVERITY_STYLE = {"blocker": "red", "high": "red", "medium": "yellow", "low": "blue", "info": "dim"}
VERDICT_STYLE = {"ready": "bold white on green", "not_ready": "bold white on red", "incomplete": "bold black on yellow"}


def _severity_style(status: str, severity: str) -> str:
    # A passing (or not applicable, waived ...) check's severity is grey: red tags are for what failed.
    return SEVERITY_STYLE.get(severity, "") if status in ("fail", "error", "manual") else "dim"


def console_for(stream: TextIO, *, force: bool = False) -> Any:
    from rich.console import Console

    return Console(file=stream, force_terminal=force or None, highlight=False, markup=False, emoji=False,
                   soft_wrap=False)


def print_report(result: Result, lang: str, console: Any) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from golive.controls import visible

    result = map_strings(result, visible)
    zh = lang != "en"
    merchant = result.merchant
    words = verdict_words(result, lang)

    def verdict_banner() -> Text:
        banner = Text()
        banner.append(f" {'结论' if zh else 'Verdict'}: {words} ", style=VERDICT_STYLE.get(result.verdict, "bold"))
        banner.append(f"  --fail-on {result.summary.fail_on}", style="dim")
        return banner

    head = Text()
    head.append(f"golive {result.tool.version}", style="dim")
    head.append(" — ")
    head.append(merchant.name or "", style="bold")
    head.append(f" {merchant.oid_partner or ''}")
    head.append(f" ({environment_label(merchant.environment, lang) if merchant.environment else None}, "
                f"{'画像' if zh else 'profile'} {result.profile.name or None})",
                style="dim")
    if result.provenance.run_id:
        head.append(f" · {'运行编号' if zh else 'run'} {result.provenance.run_id}", style="dim")
    console.print(head)
    console.print(verdict_banner())
    console.print()

    def check_row(table: Any, check: Any) -> None:
        style = STATUS_STYLE.get(check.status, "")
        table.add_row(Text(STATUS_MARK.get(check.status, "?"), style=style), Text(check.id, style="bold"),
                      Text(check.status, style=style), Text(check.severity, style=_severity_style(check.status, check.severity)),
                      Text(t(check.title, lang)))

    for _, item, checks in result.checks_by_item():
        console.print(Text(item.title.get(lang), style="bold underline"))
        for check in checks:
            table = Table.grid(padding=(0, 1))
            table.add_column(width=1, no_wrap=True)
            table.add_column(width=11, no_wrap=True)
            table.add_column(width=14, no_wrap=True)
            table.add_column(width=7, no_wrap=True)
            table.add_column(ratio=1, overflow="fold")
            check_row(table, check)
            console.print(Padding(table, (0, 0, 0, 2)))
            notes: list[Text] = []
            if check.reason and check.status != "pass":
                notes.append(Text(t(check.reason, lang), style="italic"))
            for finding in check.findings[:MAX_FINDINGS]:
                line = Text("- ")
                where = finding.location.text if finding.location else ""
                if where:
                    line.append(where, style="cyan")
                    line.append(": ")
                line.append(t(finding.message, lang))
                notes.append(line)
            extra = len(check.findings) - MAX_FINDINGS
            if extra > 0:
                notes.append(Text(f"… {extra} {'条更多' if zh else 'more'}", style="dim"))
            if check.waiver:
                waiver = check.waiver
                notes.append(Text(f"{'豁免' if zh else 'waived'}: {waiver.approver} → {waiver.expires}: "
                                  f"{waiver.justification}", style="cyan"))
            for note in notes:
                console.print(Padding(note, (0, 0, 0, 6)))
        console.print()

    fixes = to_fix(result)
    if fixes:
        console.print(Text(f"{'需要修复' if zh else 'To fix'} ({len(fixes)})", style="bold red"))
        for check in fixes:
            table = Table.grid(padding=(0, 1))
            table.add_column(width=1, no_wrap=True)
            table.add_column(width=11, no_wrap=True)
            table.add_column(width=7, no_wrap=True)
            table.add_column(ratio=1, overflow="fold")
            style = STATUS_STYLE.get(check.status, "")
            table.add_row(Text(STATUS_MARK.get(check.status, "?"), style=style), Text(check.id, style="bold"),
                          Text(check.severity, style=_severity_style(check.status, check.severity)),
                          Text(t(check.title, lang)))
            console.print(Padding(table, (0, 0, 0, 2)))
            fix = first_sentence(t(check.remediation, lang))
            if fix:
                line = Text(f"{'修复' if zh else 'fix'}: ", style="bold green")
                line.append(fix, style="")
                console.print(Padding(line, (0, 0, 0, 6)))
            if check.status == "error" and check.reason:
                line = Text(f"{'无法判定' if zh else 'not judged'}: ", style="bold magenta")
                line.append(t(check.reason, lang))
                console.print(Padding(line, (0, 0, 0, 6)))
        console.print()

    counts = Text()
    for status, number in result.summary.counts.items():
        if number:
            counts.append(f"{status} {number}", style=STATUS_STYLE.get(status, ""))
            counts.append("  ")
    console.print(counts)
    provenance = result.provenance
    for entry in provenance.inputs:
        if entry.unreadable:
            console.print(Text((f"无法读取的行：{entry.file} 共 {entry.records} 行中 {entry.unreadable} 行已跳过"
                                f"（首个：{entry.first_unreadable}）") if zh else
                               (f"unreadable lines: {entry.unreadable} of {entry.records} in {entry.file} "
                                f"skipped (first: {entry.first_unreadable})"), style="yellow"))
    selection = provenance.selection
    if selection:
        chosen = (f"--select {','.join(selection.select)} " if selection.select else "") + (
            f"--skip {','.join(selection.skip)}" if selection.skip else "")
        console.print(Text((f"选择了部分检查：{chosen.strip() or '（画像关闭）'}，跳过 {len(selection.skipped_checks)} 项")
                           if zh else f"checks selected: {chosen.strip() or '(turned off by the profile)'}, "
                           f"{len(selection.skipped_checks)} skipped", style="yellow"))
    for reason in result.summary.reasons:
        if reason.kind == "uncovered":
            console.print(Text(("未能判定：" if zh else "not judged: ") + t(reason.title, lang), style="yellow"))
        elif reason.kind == "deselected":
            console.print(Text(("未判定（检查被 --select/--skip 排除）：" if zh else "not judged (its checks were deselected): ")
                               + t(reason.title, lang), style="yellow"))
    console.print(verdict_banner())


def render(result: Result, *, lang: str = "zh", width: int = 100) -> str:
    """The coloured report as text with ANSI codes (for tests and `--color` into a file)."""
    import io

    stream = io.StringIO()
    console = console_for(stream, force=True)
    console.width = width
    print_report(result, lang, console)
    return stream.getvalue()
