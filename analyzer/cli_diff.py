"""`portcheck diff`: compare two reports — two saved JSON reports, or a past commit against the work tree."""
from __future__ import annotations

import enum
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .cli import _ProgressDisplay, _write_atomically, app, click_errors

if TYPE_CHECKING:
    from portcheck.reports.diff import ReportDiff

    from .model import Report

EXIT_REGRESSION = 1
WORK_TREE_LABEL = "work tree"


class DiffFormat(str, enum.Enum):
    terminal = "terminal"
    html = "html"
    json = "json"


_SUFFIX_FORMATS = {".html": DiffFormat.html, ".htm": DiffFormat.html, ".json": DiffFormat.json}


@app.command("diff")
def diff(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="OLD.json NEW.json | PATH", show_default=False, help=(
        "Two JSON reports written by 'portcheck scan --format json'; with --since, the repository "
        "folder (default: the current folder)."))] = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="REV", show_default=False, help=(
        "Compare the commit REV (a branch, tag, commit id, HEAD~3, ...) of PATH with its current work "
        "tree. The commit is read from git's object store into a temporary folder; the repository "
        "and its work tree are never changed."))] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", show_default=False, help=(
        "Write the comparison to FILE (atomically); its format follows the name (.html, .json) unless "
        "--format says otherwise. '-' or no -o is standard output."))] = None,
    format: Annotated[Optional[DiffFormat], typer.Option("--format", "-f", show_default=False, help=(
        "terminal (the default), html (a self-contained page) or json."))] = None,
    fail_on_regression: Annotated[bool, typer.Option("--fail-on-regression", help=(
        "Exit with status 1 when a check regressed (pass to finding, a new finding, warning to "
        "failure) or the overall score fell. Useful in CI."))] = False,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help=(
        "Show progress on the terminal (standard error) while the --since scans take more than a moment."))] = True,
) -> None:
    """Compare two runs: score change overall and per area, checks fixed, regressed and new.

    \b
    Examples:
      portcheck diff before.json after.json              two saved JSON reports, in the terminal
      portcheck diff --since v1.0                        tag v1.0 of this folder against its work tree
      portcheck diff --since HEAD~5 ./my-project -o diff.html
      portcheck diff old.json new.json --format json     machine-readable
      portcheck diff --since origin/main --fail-on-regression   exit 1 if anything got worse (CI)

    With --since, history-based checks (those reading git history) are left out of both scans: the
    past commit is scanned from a snapshot of its files, which has no history.
    """
    from portcheck.reports.diff import compare

    if since is None:
        if len(paths or []) != 2:
            raise click_errors.UsageError("give two JSON reports (OLD.json NEW.json), or --since REV [PATH]")
        old_path, new_path = paths or []
        old, new = _load(old_path), _load(new_path)
        result = compare(old, new, old_label=str(old_path), new_label=str(new_path))
        root = None
    else:
        if len(paths or []) > 1:
            raise click_errors.UsageError("with --since, give at most one repository folder")
        root = (paths or [Path(".")])[0].expanduser()
        if not root.is_dir():
            raise click_errors.UsageError(f"{root}: no such folder" if not root.exists() else
                                          f"{root}: is a file; give the repository's folder")
        old, new, notes = _scan_since(root, since, progress=progress)
        result = compare(old, new, old_label=since, new_label=WORK_TREE_LABEL, notes=notes)
    _emit(result, output, format, root)
    if fail_on_regression and result.has_regression:
        typer.echo(f"portcheck: regression: {_regression_reason(result)}", err=True)
        raise typer.Exit(EXIT_REGRESSION)


def _load(path: Path) -> Report:
    from portcheck.reports.json_report import ReportFormatError, load_report

    try:
        return load_report(path.expanduser())
    except ReportFormatError as exc:
        raise click_errors.UsageError(str(exc)) from None


def _scan_since(root: Path, rev: str, *, progress: bool) -> tuple[Report, Report, tuple[str, ...]]:
    """Scan REV of `root` from a snapshot and its work tree, both without the history-based checks."""
    from .gitsafe import GitUnavailable
    from .registry import load_registry
    from .scan import scan
    from .snapshot import history_checks, scan_revision

    registry = load_registry()
    left_out = history_checks(registry)
    with _ProgressDisplay(enabled=progress and sys.stderr.isatty()) as display:
        try:
            old = scan_revision(root, rev, ignore=left_out, registry=registry,
                                progress=lambda message: display.update(f"{rev}: {message}"))
        except GitUnavailable as exc:
            raise click_errors.UsageError(f"--since {rev}: {exc}") from None
        new = scan(root, ignore=left_out, registry=registry,
                   progress=lambda message: display.update(f"{WORK_TREE_LABEL}: {message}"))
    notes = (f"{rev} ({old.commit[:7] if old.commit else '?'}) was scanned from a snapshot of its committed "
             f"files, without git history; the work tree of {root} was scanned as it is now",)
    notes += tuple(f"{rev}: {note.message}" for note in old.scan_notes if note.kind.startswith("snapshot-"))
    if left_out:
        notes += (f"history-based checks were left out of both scans: {', '.join(left_out)}",)
    return old, new, notes


def _emit(result: ReportDiff, output: str | None, format: DiffFormat | None, root: Path | None) -> None:
    from portcheck.reports.diff import render_html, render_json, render_terminal, summary_line

    to_stdout = output is None or output == "-"
    chosen = format or (DiffFormat.terminal if to_stdout else
                        _SUFFIX_FORMATS.get(Path(output or "").suffix.lower(), DiffFormat.terminal))
    if chosen is DiffFormat.html:
        text = render_html(result)
    elif chosen is DiffFormat.json:
        text = render_json(result)
    else:
        color = to_stdout and sys.stdout.isatty() and "NO_COLOR" not in os.environ
        text = render_terminal(result, color=color)
    if to_stdout:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    written = _write_atomically(Path(output or ""), text).resolve()
    typer.echo(f"portcheck diff: {summary_line(result)}")
    typer.echo(f"Comparison: {written}")
    if root is not None and written.is_relative_to(root.resolve()):
        typer.echo(f"note: the comparison was written inside the scanned repository ({written.name})", err=True)


def _regression_reason(result: ReportDiff) -> str:
    parts = []
    if result.regressions:
        ids = ", ".join(c.id for c in result.regressions)
        parts.append(f"{len(result.regressions)} check(s) got worse ({ids})")
    delta = result.overall.delta or 0
    if delta < 0:
        parts.append(f"the overall score fell {result.overall.old} → {result.overall.new}")
    return "; ".join(parts)
