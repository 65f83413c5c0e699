"""The `portcheck` command line: scan a repository, list checks, explain one.

Kept thin: parsing options, choosing where output goes, and exit codes. Scanning lives in
`scan.py`, rendering in `portcheck.reports`.
"""
from __future__ import annotations

import contextlib
import enum
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

try:  # typer >= 0.20 carries its own copy of click; its commands raise that copy's exceptions
    from typer._click import exceptions as click_errors
except ImportError:  # older typer uses click itself
    from click import exceptions as click_errors  # type: ignore[no-redef]

from . import __version__
from .sandbox import ScanError, available_cpus

app = typer.Typer(
    name="portcheck",
    add_completion=False,
    no_args_is_help=False,
    rich_markup_mode=None,
    help=(
        "How ready is your ML project repository to be shown to a hiring panel?\n\n"
        "portcheck reads a repository (it never runs, imports or changes it), checks README clarity, "
        "reproducibility, metric reporting and code quality, and writes a readiness report with "
        "evidence, fixes and interview talking points. `portcheck PATH` is short for "
        "`portcheck scan PATH`; `portcheck scan --help` lists the scan options.\n\n"
        "\b\nExamples:\n"
        "  portcheck ./my-project                     writes portcheck-report.html here\n"
        "  portcheck ./my-project --format json       the JSON report on standard output\n"
        "  portcheck . --fail-under 70                exit 1 when the score is below 70 (CI)\n"
        "  portcheck checks                           every check: id, area, title\n"
        "  portcheck explain RD101                    what a check looks for, how to fix it\n"
        "  portcheck badge . -o badge.svg             an SVG badge of the score\n"
        "  portcheck diff --since HEAD~10 .           what changed since an earlier commit\n"
        "  portcheck diff old.json new.json           what changed between two saved reports\n"
        "  portcheck cohort repos/* -j 4              one dashboard for many repositories"
    ),
)

COMMANDS = {"scan", "checks", "explain", "badge", "diff", "cohort"}
DEFAULT_HTML = "portcheck-report.html"
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2
SANDBOX_SWITCH = "PORTCHECK_SANDBOX"  # "off" runs the scan in this process, for a profiler (bench/run.py --profile)


class Format(str, enum.Enum):
    html = "html"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"portcheck {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """How ready is your ML project repository to be shown to a hiring panel?"""


def _split(values: list[str] | None) -> list[str]:
    return [v for item in values or [] for v in item.split(",") if v.strip()]


@app.command()
def scan(
    path: Annotated[Path, typer.Argument(metavar="PATH", help="The repository folder to scan. It is only read, never changed.",
                                         show_default=False)],
    format: Annotated[Format, typer.Option("--format", "-f", help=(
        "Report format. html writes portcheck-report.html in the current folder; json, markdown and "
        "sarif go to standard output unless -o names a file."))] = Format.html,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help=(
        "Where to write the report; '-' is standard output."), show_default=False)] = None,
    fail_under: Annotated[Optional[int], typer.Option("--fail-under", metavar="N", min=0, max=100, help=(
        "Exit with status 1 when the overall score is below N (0-100). Also read from "
        "[tool.portcheck] fail-under."), show_default=False)] = None,
    fail_under_area: Annotated[Optional[list[str]], typer.Option("--fail-under-area", metavar="AREA=N", help=(
        "Exit with status 1 when an area's score is below N, e.g. readme=70; comma-separated or repeated. "
        "Areas: readme, reproducibility, metrics, quality. Also read from [tool.portcheck] fail-under-area."),
        show_default=False)] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", metavar="IDS", help=(
        "Run only these checks: ids or prefixes, comma-separated or repeated (e.g. RD,RP101)."),
        show_default=False)] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", metavar="IDS", help=(
        "Do not run these checks: ids or prefixes, comma-separated or repeated."), show_default=False)] = None,
    also: Annotated[Optional[list[str]], typer.Option("--also", metavar="FORMAT=FILE", help=(
        "Also write the same report in another format, without scanning again (repeatable), e.g. "
        "--also markdown=summary.md --also sarif=portcheck.sarif."), show_default=False)] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help=(
        "Show progress on the terminal (standard error) while a scan takes more than a moment."))] = True,
    time_budget: Annotated[float, typer.Option("--time-budget", metavar="SECONDS", min=1, help=(
        "Stop the scan's work after this long; what was not finished becomes an error result and a scan "
        "note, and the report is still written."))] = 600.0,
    step_budget: Annotated[float, typer.Option("--step-budget", metavar="SECONDS", min=0.1, help=(
        "Stop any one detector or check that runs longer than this; it becomes an error result and the "
        "scan goes on."))] = 180.0,
    cache_dir: Annotated[Optional[Path], typer.Option("--cache-dir", metavar="DIR", help=(
        "Where to keep reports for fast rescans (default: your cache folder, ~/.cache/portcheck). A rescan "
        "of an unchanged repository returns the earlier report after re-reading only the files it read; "
        "any changed file, option or portcheck version means a full scan. Never inside the scanned "
        "repository."), show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help=(
        "Neither use nor store cached reports: always a full scan."))] = False,
    memory_limit: Annotated[int, typer.Option("--memory-limit", metavar="MIB", min=256, help=(
        "Address-space limit, in MiB, of the process that reads and parses the repository (and of each "
        "worker process); a detector that needs more fails on its own and the scan goes on."))] = 6144,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", metavar="N", min=1, help=(
        "Processes that parse the code (each file once) and then run the detectors (default: one per CPU "
        "this process may use). The report is the same for any N; --jobs 1 does it all in one process."),
        show_default=False)] = None,
) -> None:
    """Scan a repository and write its readiness report.

    The repository is untrusted input: portcheck runs nothing from it, reads nothing outside it and
    writes nothing into it. Its files are read and parsed in a separate process with limits on time
    and memory (--time-budget, --step-budget, --memory-limit); see SECURITY.md.
    """
    from .cache import ReportCache, default_cache_dir
    from .config import parse_area_thresholds, threshold_failures, unscored_area_thresholds
    from .sandbox import Budget
    from .scan import scan as run_scan

    root = path.expanduser()
    if not root.exists():
        raise click_errors.UsageError(f"{path}: no such folder")
    if not root.is_dir():
        raise click_errors.UsageError(f"{path}: is a file; give the repository's folder")
    try:
        area_thresholds = parse_area_thresholds(_split(fail_under_area))
    except ValueError as exc:
        raise click_errors.UsageError(f"--fail-under-area: {exc}") from None
    extra_outputs = _extra_outputs(also)
    destination = output if output is not None else (DEFAULT_HTML if format is Format.html else "-")
    with _ProgressDisplay(enabled=progress and sys.stderr.isatty()) as display, _naming(path):
        report = run_scan(root, select=_split(select), ignore=_split(ignore), fail_under=fail_under,
                          fail_under_area=area_thresholds, progress=display.update,
                          budget=Budget(total_seconds=time_budget, step_seconds=step_budget,
                                        memory_bytes=memory_limit * 1024 * 1024,
                                        isolate=os.environ.get(SANDBOX_SWITCH, "on") != "off"),
                          cache=None if no_cache else ReportCache((cache_dir or default_cache_dir()).expanduser()),
                          jobs=jobs or available_cpus())
    text = _render(report, format)
    if destination == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        written = _write_atomically(Path(destination), text)
        _print_summary(report, written, root)
    for extra_format, target in extra_outputs:
        _write_atomically(target, _render(report, extra_format))
    for note in unscored_area_thresholds(report):
        typer.echo(f"portcheck: note: {note}", err=True)
    failures = threshold_failures(report)
    for failure in failures:
        typer.echo(f"portcheck: {failure}", err=True)
    if failures:
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """Name the repository in a ScanError's one line."""
    try:
        yield
    except ScanError as exc:
        raise ScanError(f"cannot scan {path}: {exc}", out_of_time=exc.out_of_time) from None


def _extra_outputs(values: list[str] | None) -> list[tuple[Format, Path]]:
    """`--also FORMAT=FILE` items, checked before the scan starts."""
    outputs = []
    for item in _split(values):
        name, sep, target = item.partition("=")
        if not sep or not target:
            raise click_errors.UsageError(f"--also {item}: write FORMAT=FILE, e.g. markdown=summary.md")
        try:
            outputs.append((Format(name.strip().lower()), Path(target).expanduser()))
        except ValueError:
            raise click_errors.UsageError(f"--also {item}: unknown format {name!r}; "
                                          f"use one of {', '.join(f.value for f in Format)}") from None
    return outputs


def _render(report, format: Format) -> str:
    if format is Format.json:
        from portcheck.reports import json_report as renderer
    elif format is Format.markdown:
        from portcheck.reports import markdown as renderer
    elif format is Format.sarif:
        from portcheck.reports import sarif as renderer
    else:
        from portcheck.reports import html as renderer
    return renderer.render(report)


def _write_atomically(target: Path, text: str) -> Path:
    target = target.expanduser()
    if target.is_dir():
        raise click_errors.UsageError(f"-o {target}: is a folder; name a file")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise click_errors.UsageError(f"-o {target}: folder {parent} does not exist")
    if target.is_symlink() or (target.exists() and not target.is_file()):
        # a device, FIFO or /dev/stdout-style link: write through it, never replace it with a file
        with target.open("w", encoding="utf-8") as fh:
            fh.write(text)
        return target
    fd, tmp = tempfile.mkstemp(prefix=".portcheck-", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _print_summary(report, written: Path, root: Path) -> None:
    from portcheck.reports.terminal import render_summary

    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    shown = written.resolve()
    typer.echo(render_summary(report, report_path=str(shown), color=color))
    if shown.is_relative_to(root.resolve()):
        typer.echo(f"note: the report was written inside the scanned repository ({shown.name}); "
                   "use -o to write it elsewhere", err=True)


@app.command("checks")
def list_checks() -> None:
    """List every available check: id, area, weight and title (plugins included)."""
    from .registry import load_registry

    registry = load_registry()
    for note in registry.notes:
        typer.echo(f"warning: {note.message}", err=True)
    rows = registry.sorted()
    width = max((len(c.area.value) for c in rows), default=6)
    for c in rows:
        origin = "" if c.origin == "builtin" else f"  [{c.origin}]"
        typer.echo(f"{c.id}  {c.area.value:<{width}}  w{c.weight}  {c.title}{origin}")


@app.command()
def explain(check_id: Annotated[str, typer.Argument(metavar="ID", help="A check id, e.g. RD101.")]) -> None:
    """Print a check's documentation: what it checks, why a panel cares, how to fix it."""
    from .registry import load_registry

    chk = load_registry().checks.get(check_id.strip().upper())
    if chk is None:
        raise click_errors.UsageError(f"unknown check id {check_id!r}; 'portcheck checks' lists them")
    typer.echo(f"{chk.id}: {chk.title}")
    typer.echo(f"area: {chk.area.value}   weight: {chk.weight}   severity: {chk.severity.value}"
               + ("" if chk.origin == "builtin" else f"   from: {chk.origin}"))
    typer.echo("")
    typer.echo(chk.doc)


class _ProgressDisplay:
    """A transient status line on standard error, shown only once a scan has taken a moment."""

    DELAY_SECONDS = 0.4

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.message = "starting"
        self._status = None
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> "_ProgressDisplay":
        if self.enabled:
            self._timer = threading.Timer(self.DELAY_SECONDS, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def _show(self) -> None:
        from rich.console import Console

        with self._lock:
            self._status = Console(stderr=True).status(f"portcheck: {self.message}")
            self._status.start()

    def update(self, message: str) -> None:
        self.message = message
        with self._lock:
            if self._status is not None:
                self._status.update(f"portcheck: {message}")

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._status is not None:
                self._status.stop()


from . import cli_badge  # noqa: E402,F401,I001  registers `portcheck badge` (I001: one import per command module)
from . import cli_diff  # noqa: E402,F401  registers `portcheck diff`
from . import cli_cohort  # noqa: E402,F401  registers `portcheck cohort`


def main(argv: list[str] | None = None) -> int:
    """Console entry point: `portcheck PATH` means `portcheck scan PATH`; usage errors exit 2 in one line."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("--help", "-h", "--version")):
        args.insert(0, "scan")
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="portcheck", standalone_mode=False)
    except click_errors.UsageError as exc:
        typer.echo(f"portcheck: error: {exc.format_message()} (see 'portcheck --help')", err=True)
        return EXIT_USAGE
    except typer.Exit as exc:
        return exc.exit_code
    except ScanError as exc:
        typer.echo(f"portcheck: error: {exc}", err=True)
        return EXIT_USAGE
    except typer.Abort:
        typer.echo("portcheck: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        typer.echo("portcheck: interrupted", err=True)
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    # `python -m portcheck.analyzer.cli` runs this file as __main__, a second copy of the module; the
    # command modules register on the importable module's `app`, so run that module's main.
    from portcheck.analyzer.cli import main as registered_main
    sys.exit(registered_main())
