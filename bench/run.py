"""Benchmark portcheck against the floor of reading each repository: cold scan, warm rescan, start-up, memory.

For every repository given, in this order and --repeat times (the medians are reported):

- floor: `bench/floor.py` in a fresh process (list tracked files, read each, parse .py and .ipynb);
  its own timer, so interpreter start-up is not part of it;
- cold:  `portcheck scan REPO --format json -o /dev/null --no-progress` with nothing cached
         (a fresh empty --cache-dir when portcheck has that option, else --no-cache when it has
         that, else a plain scan);
- warm:  the same scan again with the cache the cold scan left (without a cache: a second cold scan);
- peak:  the largest resident set of the cold and warm scan processes (wait4's ru_maxrss).

Before the first measurement the floor runs once untimed, so every figure is taken with the files in
the operating system's page cache. `portcheck --help` is timed once per run of this script.

Targets (issue 10): cold <= 1.5 x floor + 0.5 s, warm <= 0.2 x floor + 0.4 s, --help <= 0.25 s,
peak <= 500 MiB.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import pstats
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

FLOOR_SCRIPT = Path(__file__).resolve().parent / "floor.py"
COLD_FACTOR, COLD_CONSTANT = 1.5, 0.5
WARM_FACTOR, WARM_CONSTANT = 0.2, 0.4
HELP_TARGET = 0.25
MEMORY_TARGET_MIB = 500.0
CLI_MODULE = "portcheck.analyzer.cli"
OWN_CODE = r"(analyzer|checks|reports)[/\\]"  # pstats restriction: portcheck's packages
CALLERS_OF = 8
FLOOR_WORK = r"ast\.py:\d+\((parse|walk)\)|json[/\\]__init__\.py:\d+\(loads\)|tokenize\.py:\d+\(_tokenize\)"


@dataclass(frozen=True)
class Run:
    """One finished child process: wall seconds, peak resident set, exit status, the end of its stderr."""

    seconds: float
    cpu_s: float  # user + system time of the process and the children it waited for (git)
    peak_mib: float
    returncode: int
    stderr_tail: str
    crashed: bool  # a Python traceback on stderr

    @property
    def failed(self) -> bool:
        """Crashed, or an exit status other than 0 and 1 (1 is portcheck's "score below --fail-under")."""
        return self.crashed or self.returncode not in (0, 1)


@dataclass(frozen=True)
class RepoFigures:
    """The medians measured on one repository, its size, and the targets derived from its floor."""

    name: str
    path: str
    head: str | None
    commits: int
    files: int
    python_files: int
    notebooks: int
    notebook_mb: float
    floor_s: float
    cold_s: float
    warm_s: float
    floor_cpu_s: float
    cold_cpu_s: float
    warm_cpu_s: float
    peak_mib: float
    cold_ratio: float
    warm_ratio: float
    cold_target_s: float
    warm_target_s: float
    cold_ok: bool
    warm_ok: bool
    memory_ok: bool
    failures: list[str]


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd` (standard output discarded) and measure its wall time, CPU and peak RSS (its children included)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Run(seconds=seconds, cpu_s=usage.ru_utime + usage.ru_stime, peak_mib=usage.ru_maxrss / scale, returncode=proc.returncode,
               stderr_tail=stderr[-2000:], crashed="Traceback (most recent call last)" in stderr)


def portcheck_command(explicit: str | None) -> list[str]:
    """How to start portcheck: --portcheck, else the script beside this Python, else `python -m`."""
    if explicit:
        return shlex.split(explicit)
    beside = Path(sys.executable).with_name("portcheck")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("portcheck")
    return [found] if found else [sys.executable, "-m", CLI_MODULE]


def cache_mode(portcheck: list[str]) -> str:
    """'cache-dir', 'no-cache' or 'none': which cache options `portcheck scan --help` offers."""
    text = subprocess.run([*portcheck, "scan", "--help"], capture_output=True, text=True, check=False).stdout
    if "--cache-dir" in text:
        return "cache-dir"
    return "no-cache" if "--no-cache" in text else "none"


def _git(repo: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "LC_ALL": "C"}
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, env=env, check=False)
    return result.stdout.decode("utf-8", "surrogateescape") if result.returncode == 0 else None


def repo_size(repo: Path) -> dict[str, object]:
    """HEAD, commit count, tracked files, .py and .ipynb counts, and notebook megabytes."""
    listed = [p for p in (_git(repo, "ls-files", "-z") or "").split("\0") if p]
    notebooks = [p for p in listed if p.endswith(".ipynb")]
    notebook_bytes = 0
    for rel in notebooks:
        try:
            notebook_bytes += os.lstat(repo / rel).st_size
        except OSError:
            continue
    head = _git(repo, "rev-parse", "HEAD")
    count = _git(repo, "rev-list", "--count", "HEAD")
    return {"head": head.strip() if head else None, "commits": int(count) if count else 0, "files": len(listed),
            "python_files": sum(p.endswith(".py") for p in listed), "notebooks": len(notebooks),
            "notebook_mb": round(notebook_bytes / 1e6, 2)}


def measure_floor(repo: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one floor pass over `repo`, timed inside a fresh process."""
    out = subprocess.run([sys.executable, str(FLOOR_SCRIPT), str(repo), "--json"], capture_output=True,
                         text=True, check=True).stdout
    result = json.loads(out)
    return float(result["seconds"]), float(result["cpu_seconds"])


def scan_command(portcheck: list[str], repo: Path, extra: list[str]) -> list[str]:
    """The timed scan: the JSON report rendered and written to /dev/null, no progress display."""
    return [*portcheck, "scan", str(repo), "--format", "json", "-o", os.devnull, "--no-progress", *extra]


def measure_scans(portcheck: list[str], repo: Path, mode: str, extra: list[str]) -> tuple[Run, Run]:
    """One cold scan and the warm rescan after it, under the cache `mode`."""
    if mode == "cache-dir":
        with tempfile.TemporaryDirectory(prefix="portcheck-bench-cache-") as cache:
            cold = run_measured(scan_command(portcheck, repo, [*extra, "--cache-dir", cache]))
            warm = run_measured(scan_command(portcheck, repo, [*extra, "--cache-dir", cache]))
        return cold, warm
    if mode == "no-cache":
        cold = run_measured(scan_command(portcheck, repo, [*extra, "--no-cache"]))
        run_measured(scan_command(portcheck, repo, extra))  # fills the default cache
        return cold, run_measured(scan_command(portcheck, repo, extra))
    return run_measured(scan_command(portcheck, repo, extra)), run_measured(scan_command(portcheck, repo, extra))


def measure_repo(portcheck: list[str], repo: Path, *, repeat: int, mode: str, extra: list[str]) -> RepoFigures:
    """Floor, cold, warm and peak memory on `repo`: medians of `repeat` rounds."""
    measure_floor(repo)  # untimed: brings the files into the page cache
    floors: list[tuple[float, float]] = []
    colds: list[Run] = []
    warms: list[Run] = []
    for _ in range(repeat):
        floors.append(measure_floor(repo))
        cold, warm = measure_scans(portcheck, repo, mode, extra)
        colds.append(cold)
        warms.append(warm)
    failures = [f"exit {r.returncode}: {r.stderr_tail.strip()[-300:]}" for r in colds + warms if r.failed]
    # rounded first, so the ratios and targets in the output follow from the figures shown
    floor = round(statistics.median(f[0] for f in floors), 4)
    cold_s = round(statistics.median(r.seconds for r in colds), 3)
    warm_s = round(statistics.median(r.seconds for r in warms), 3)
    cold_target = COLD_FACTOR * floor + COLD_CONSTANT
    warm_target = WARM_FACTOR * floor + WARM_CONSTANT
    peak = statistics.median(max(c.peak_mib, w.peak_mib) for c, w in zip(colds, warms))
    return RepoFigures(
        name=repo.resolve().name, path=str(repo), **repo_size(repo),
        floor_s=floor, cold_s=cold_s, warm_s=warm_s,
        floor_cpu_s=round(statistics.median(f[1] for f in floors), 3),
        cold_cpu_s=round(statistics.median(r.cpu_s for r in colds), 3),
        warm_cpu_s=round(statistics.median(r.cpu_s for r in warms), 3),
        peak_mib=round(peak, 1),
        cold_ratio=round(cold_s / floor, 2) if floor else float("inf"),
        warm_ratio=round(warm_s / floor, 2) if floor else float("inf"),
        cold_target_s=round(cold_target, 3), warm_target_s=round(warm_target, 3),
        cold_ok=cold_s <= cold_target, warm_ok=warm_s <= warm_target, memory_ok=peak <= MEMORY_TARGET_MIB,
        failures=failures)


def measure_help(portcheck: list[str], repeat: int) -> float:
    """Median wall seconds of `portcheck --help` (after one untimed run)."""
    run_measured([*portcheck, "--help"])
    return statistics.median(run_measured([*portcheck, "--help"]).seconds for _ in range(repeat))


def profile_scan(repo: Path, out_dir: Path, *, top: int, mode: str, extra: list[str]) -> Path:
    """Profile one cold scan (python -m cProfile) into OUT_DIR/NAME.prof and its top functions into NAME.txt."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = repo.resolve().name
    target = out_dir / f"{name}.prof"
    with tempfile.TemporaryDirectory(prefix="portcheck-bench-cache-") as cache:
        mode_args = {"cache-dir": ["--cache-dir", cache], "no-cache": ["--no-cache"]}.get(mode, [])
        run = run_measured([sys.executable, "-m", "cProfile", "-o", str(target), "-m", CLI_MODULE,
                            *scan_command([], repo, [*extra, *mode_args])], env={**os.environ, "PORTCHECK_SANDBOX": "off"})
    if run.failed or not target.is_file():
        raise RuntimeError(f"profiling {repo} failed: {run.stderr_tail}")
    report_path = out_dir / f"{name}.txt"
    with report_path.open("w") as stream:
        stats = pstats.Stats(str(target), stream=stream)
        stream.write(f"# cProfile of a cold scan of {repo} ({run.seconds:.1f} s under the profiler)\n")
        stream.write(f"\n## portcheck's own functions: top {top} by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(OWN_CODE, top)
        for key in ("cumulative", "tottime"):
            stream.write(f"\n## all functions: top {top} by {key}\n")
            stats.sort_stats(key).print_stats(top)
        stream.write(f"\n## who calls portcheck's {CALLERS_OF} functions with the most internal time\n")
        stats.sort_stats("tottime").print_callers(OWN_CODE, CALLERS_OF)
        stream.write("\n## who parses (ast.parse, json.loads), tokenizes and walks trees (ast.walk)\n")
        stats.sort_stats("cumulative").print_callers(FLOOR_WORK)
    return report_path


def machine() -> dict[str, object]:
    """The machine and interpreter the figures were taken on."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def _row(f: RepoFigures) -> list[str]:
    per_file = 1000 * f.cold_s / f.files if f.files else 0.0
    return [f.name[:28], str(f.commits), str(f.files), str(f.python_files), str(f.notebooks), f"{f.notebook_mb:.1f}",
            f"{f.floor_s:.2f}", f"{f.cold_s:.2f}", f"{f.cold_ratio:.1f}", f"{f.cold_target_s:.2f}", _mark(f.cold_ok),
            f"{f.warm_s:.2f}", f"{f.warm_ratio:.1f}", f"{f.warm_target_s:.2f}", _mark(f.warm_ok),
            f"{f.floor_cpu_s:.2f}", f"{f.cold_cpu_s:.2f}", f"{f.peak_mib:.0f}", _mark(f.memory_ok), f"{per_file:.2f}"]


COLUMNS = ["repository", "commits", "files", ".py", ".ipynb", "nb MB", "floor s", "cold s", "x floor", "target", "",
           "warm s", "x floor", "target", "", "floor CPU", "cold CPU", "peak MiB", "", "cold ms/file"]


def render_table(figures: list[RepoFigures], help_s: float, mode: str, version: str) -> str:
    """A plain-text table: one row per repository, then start-up, the cache mode, the machine and the targets."""
    rows = [COLUMNS] + [_row(f) for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = [" ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    for f in figures:
        lines += [f"  ! {f.name}: {failure}" for failure in f.failures]
    cache_note = {"cache-dir": "fresh --cache-dir per round", "no-cache": "--no-cache for cold",
                  "none": "portcheck has no cache option: warm is a second cold scan"}[mode]
    lines += ["", f"portcheck --help: {help_s:.3f} s (target {HELP_TARGET} s) {_mark(help_s <= HELP_TARGET)}",
              f"{version}; cache: {cache_note}; machine: {json.dumps(machine())}",
              f"targets: cold <= {COLD_FACTOR} x floor + {COLD_CONSTANT} s, warm <= {WARM_FACTOR} x floor + "
              f"{WARM_CONSTANT} s, peak <= {MEMORY_TARGET_MIB:.0f} MiB; times are wall-clock medians, CPU is user+system"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: measure each repository and print a table (or JSON)."""
    parser = argparse.ArgumentParser(
        prog="run.py", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1]
        + "\nExample: python bench/run.py /tmp/bench/gen-1k /tmp/bench/keras --repeat 3 --json > figures.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repos", nargs="+", type=Path, metavar="REPO", help="git repositories with a work tree")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per repository; medians are reported (default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--portcheck", metavar="CMD", help="how to start portcheck (default: the portcheck "
                        "script beside this Python, else on PATH, else python -m portcheck.analyzer.cli)")
    parser.add_argument("--scan-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for every timed scan, repeatable (e.g. --scan-arg=--jobs=1)")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="also profile one cold scan per repository "
                        "with cProfile (python -m cProfile) into DIR/NAME.prof and DIR/NAME.txt; not timed")
    parser.add_argument("--profile-top", type=int, default=30, metavar="N",
                        help="functions listed per sort order in DIR/NAME.txt (default 30)")
    parser.add_argument("--profile-only", action="store_true", help="with --profile: profile, measure nothing")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.profile_only and not args.profile:
        parser.error("--profile-only needs --profile DIR")
    missing = [str(r) for r in args.repos if _git(r, "rev-parse", "--git-dir") is None]
    if missing:
        parser.error(f"not a git repository: {', '.join(missing)}")
    portcheck = portcheck_command(args.portcheck)
    mode = cache_mode(portcheck)
    if args.profile_only:
        for repo in args.repos:
            print(profile_scan(repo, args.profile, top=args.profile_top, mode=mode, extra=args.scan_arg))
        return 0
    version = subprocess.run([*portcheck, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    help_s = measure_help(portcheck, args.repeat)
    figures = []
    for repo in args.repos:
        figures.append(measure_repo(portcheck, repo, repeat=args.repeat, mode=mode, extra=args.scan_arg))
        if args.profile:
            profile_scan(repo, args.profile, top=args.profile_top, mode=mode, extra=args.scan_arg)
        print(f"measured {repo}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"machine": machine(), "portcheck": {"command": portcheck, "version": version, "cache": mode},
                          "repeat": args.repeat, "help_s": round(help_s, 3), "help_ok": help_s <= HELP_TARGET,
                          "repositories": [asdict(f) for f in figures]}, indent=2))
    else:
        print(render_table(figures, help_s, mode, version))
    return 1 if any(f.failures for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
