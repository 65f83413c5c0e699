"""`portcheck cohort`: scan many repositories (or read their JSON reports) into one dashboard."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional
from urllib.parse import quote

import typer

from .cli import _write_atomically, app, click_errors

if TYPE_CHECKING:
    from portcheck.reports.cohort import Member

    from .cohort import Outcome, Target

DEFAULT_OUTPUT = "portcheck-cohort"
DASHBOARD = "index.html"


@app.command("cohort")
def cohort(
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="PATH...", show_default=False, help=(
        "Repository folders to scan. They are only read, never changed."))] = None,
    list_file: Annotated[Optional[Path], typer.Option("--list", metavar="FILE", show_default=False, help=(
        "A file naming repository folders, one per line; blank lines and lines starting with # are "
        "skipped, relative paths are relative to the file's folder. Adds to any PATH given."))] = None,
    from_json: Annotated[Optional[Path], typer.Option("--from-json", metavar="DIR", show_default=False, help=(
        "Build the dashboard from the JSON reports (*.json) in DIR instead of scanning, e.g. reports "
        "each repository's CI made with 'portcheck scan --format json'. The dashboard links to an HTML "
        "report where one with the same name lies beside the JSON."))] = None,
    output: Annotated[Path, typer.Option("--output", "-o", metavar="DIR", help=(
        "The folder for the dashboard (index.html) and, when scanning, each repository's HTML and JSON "
        "report. Created if missing; never inside a scanned repository."))] = Path(DEFAULT_OUTPUT),
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", min=1, show_default=False, help=(
        "Scan N repositories at a time, each in its own process (default: the number of CPUs). "
        "1 scans one after another in this process."))] = None,
    timeout: Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=0, help=(
        "Give up on a repository whose scan takes longer (0: no limit); it becomes a failed row."))] = 600.0,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help=(
        "Print a line on standard error as each repository finishes: [3/20] name: score."))] = True,
) -> None:
    """Scan a cohort of repositories in parallel and write one dashboard.

    The dashboard ranks the repositories by overall score with their area scores and top fix, counts
    how many repositories fail or warn each check (what to teach next), links to each repository's
    own report, and lists the repositories that could not be scanned with the reason. One failure
    never stops the rest.

    \b
    Examples:
      portcheck cohort ~/bootcamp/*                   every folder, one process per CPU
      portcheck cohort --list repos.txt -o dashboard  folders listed in a file, output in ./dashboard
      portcheck cohort ~/bootcamp/* --jobs 4 --timeout 300
      portcheck cohort --from-json ci-reports/        merge JSON reports from each repository's CI
    """
    out_dir = output.expanduser()
    if from_json is not None:
        if paths or list_file is not None:
            raise click_errors.UsageError("--from-json reads reports instead of scanning: give no PATH or --list with it")
        members = _members_from_json(from_json.expanduser(), out_dir)
    else:
        given = list(paths or []) + (_read_list(list_file.expanduser()) if list_file is not None else [])
        if not given:
            raise click_errors.UsageError("give repository folders (PATH... or --list FILE), or --from-json DIR")
        members = _scan_members(given, out_dir, jobs=jobs, timeout=timeout or None, progress=progress)
    _write_dashboard(members, out_dir)


def _read_list(list_file: Path) -> list[str]:
    try:
        text = list_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click_errors.UsageError(f"--list {list_file}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    base = list_file.parent
    lines = (line.strip() for line in text.splitlines())
    return [str(base / Path(line).expanduser()) for line in lines if line and not line.startswith("#")]


def _prepare_output(out_dir: Path, repositories: list[str]) -> Path:
    """Create the output folder (its parent must exist); refuse one inside a scanned repository."""
    resolved = out_dir.resolve()
    for repository in repositories:
        root = Path(repository).expanduser().resolve()
        if root.is_dir() and resolved.is_relative_to(root):
            raise click_errors.UsageError(f"-o {out_dir}: is inside the scanned repository {repository}; "
                                          "choose a folder outside it")
    if out_dir.exists() and not out_dir.is_dir():
        raise click_errors.UsageError(f"-o {out_dir}: is a file; name a folder")
    if not out_dir.parent.is_dir():
        raise click_errors.UsageError(f"-o {out_dir}: folder {out_dir.parent} does not exist")
    out_dir.mkdir(exist_ok=True)
    return resolved


def _default_jobs() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def _scan_members(given: list[str], out_dir: Path, *, jobs: int | None, timeout: float | None,
                  progress: bool) -> list[Member]:
    from portcheck.reports import html
    from portcheck.reports.cohort import Member
    from portcheck.reports.json_report import ReportFormatError, report_from_document

    from . import cohort

    targets, duplicates = cohort.plan(given)
    for duplicate in duplicates:
        typer.echo(f"portcheck: note: {duplicate} is already in the cohort; scanned once", err=True)
    _prepare_output(out_dir, [t.path for t in targets])
    workers = min(jobs or _default_jobs(), len(targets))
    if progress:
        typer.echo(f"portcheck: scanning {len(targets)} repositories, {workers} at a time", err=True)
    members: dict[int, Member] = {}

    def done(target: Target, outcome: Outcome) -> None:
        report, error = None, outcome.error
        if outcome.document is not None:
            try:
                report = report_from_document(json.loads(outcome.document))
            except (ValueError, ReportFormatError) as exc:  # cannot happen for our own JSON; kept total anyway
                error = f"its JSON report could not be read back: {exc}"
        json_path, html_path = out_dir / f"{target.name}.json", out_dir / f"{target.name}.html"
        if report is not None:
            _write_atomically(json_path, outcome.document or "")
            _write_atomically(html_path, html.render(report))
        else:  # a report from an earlier run would contradict this one's dashboard
            json_path.unlink(missing_ok=True)
            html_path.unlink(missing_ok=True)
        members[target.index] = Member(label=target.path, report=report, error=error,
                                       report_href=quote(html_path.name) if report is not None else None)
        if progress:
            result = str(report.scores.overall) if report is not None else f"failed: {error}"
            typer.echo(f"[{len(members)}/{len(targets)}] {target.name}: {result}", err=True)

    cohort.run(targets, jobs=workers, timeout=timeout, on_done=done)
    return [members[t.index] for t in targets]


def _members_from_json(folder: Path, out_dir: Path) -> list[Member]:
    from portcheck.reports.cohort import Member
    from portcheck.reports.json_report import ReportFormatError, load_report

    if not folder.is_dir():
        raise click_errors.UsageError(f"--from-json {folder}: " + ("is not a folder" if folder.exists() else "no such folder"))
    files = sorted(p for p in folder.glob("*.json") if p.is_file())
    if not files:
        raise click_errors.UsageError(f"--from-json {folder}: holds no *.json reports")
    out_dir = _prepare_output(out_dir, [])
    members = []
    for path in files:
        try:
            report = load_report(path)
        except ReportFormatError as exc:
            reason = str(exc).removeprefix(f"{path}: ")
            members.append(Member(label=path.name, error=reason))
            continue
        page = path.with_suffix(".html")
        href = quote(Path(os.path.relpath(page.resolve(), out_dir)).as_posix()) if page.is_file() else None
        members.append(Member(label=path.name, report=report, report_href=href))
    return members


def _write_dashboard(members: list[Member], out_dir: Path) -> None:
    from portcheck.reports.cohort import build, render_html, summary_line

    dashboard = build(members)
    written = _write_atomically(out_dir / DASHBOARD, render_html(dashboard)).resolve()
    typer.echo(f"portcheck cohort: {summary_line(dashboard)}")
    for member in dashboard.failed:
        typer.echo(f"  not scanned: {member.label}: {member.error}")
    typer.echo(f"Dashboard: {written}")
