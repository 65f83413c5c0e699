"""`portcheck badge`: an SVG badge of a repository's score, from a scan or from a saved JSON report."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .cli import _ProgressDisplay, _write_atomically, app, click_errors


@app.command()
def badge(
    source: Annotated[Path, typer.Argument(metavar="PATH_OR_REPORT", show_default=False, help=(
        "A repository folder to scan (read only), or a JSON report written by "
        "'portcheck scan --format json'."))],
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", show_default=False, help=(
        "Where to write the SVG; '-' (the default) is standard output."))] = None,
    label: Annotated[str, typer.Option("--label", metavar="TEXT", help="The badge's left-hand text.")] = "portcheck",
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help=(
        "Show progress on the terminal (standard error) while a scan takes more than a moment."))] = True,
) -> None:
    """Write an SVG badge of the overall score, coloured by readiness level (drawn locally, no network).

    \b
    Examples:
      portcheck badge . -o portcheck.svg                  scan here, write the badge
      portcheck badge report.json -o portcheck.svg        from a saved JSON report (no new scan)
      portcheck badge . --label "interview ready" > b.svg
    Then show it in the README:  ![portcheck score](portcheck.svg)
    """
    from portcheck.reports.badge import score_badge

    report = _report_of(source.expanduser(), progress=progress)
    text = score_badge(report.scores.overall, label=label)
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    written = _write_atomically(Path(output), text)
    typer.echo(f"portcheck: badge for score {report.scores.overall} written to {written}")


def _report_of(source: Path, *, progress: bool):
    """The report behind a badge: the JSON report at `source`, or a fresh scan of the folder."""
    if source.is_dir():
        from .scan import scan

        with _ProgressDisplay(enabled=progress and sys.stderr.isatty()) as display:
            return scan(source, progress=display.update)
    if not source.exists():
        raise click_errors.UsageError(f"{source}: no such folder or file")
    from portcheck.reports.json_report import ReportFormatError, load_report

    try:
        return load_report(source)
    except ReportFormatError as exc:
        raise click_errors.UsageError(f"{exc} (give a repository folder or a JSON report)") from None
