"""The floor of a scan: the least work any tool that reads a repository must do, in one Python process.

List the tracked files with git, read each regular file (up to 10 MiB), `ast.parse` every .py and
`json.loads` every .ipynb. Each file is processed start to finish and dropped before the next one is
read, so no parsed tree is held (holding them all makes parsing several times slower through garbage
collection passes). portcheck's cold scan is measured against this figure (see bench/README.md).

    python bench/floor.py REPO            prints the seconds and what was read
    python bench/floor.py REPO --json     one JSON object on standard output

The time covers listing, reading and parsing; it excludes interpreter start-up, which the targets'
constant term (+0.5 s) absorbs.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import stat
import subprocess
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024  # the same bound as portcheck's Limits.max_file_bytes


@dataclass(frozen=True)
class FloorResult:
    """What one floor pass read and how long it took."""

    seconds: float      # wall time
    cpu_seconds: float  # this process's CPU time (git's listing excluded)
    files: int          # tracked paths git listed
    read: int           # regular files read
    bytes_read: int
    python_files: int   # .py files parsed (or attempted)
    notebooks: int      # .ipynb files decoded (or attempted)
    parse_failures: int  # .py or .ipynb that did not parse (syntax errors, bad JSON, too big)


def tracked_paths(root: Path) -> list[str]:
    """Repository-relative paths of the files in git's index (`git ls-files -z`)."""
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True,
                         env=_git_env()).stdout
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def _git_env() -> dict[str, str]:
    """The caller's environment without user or system git configuration (no hooks, no fsmonitor)."""
    return {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "LC_ALL": "C"}


def _read(path: str) -> bytes | None:
    """The bytes of a regular file no bigger than MAX_FILE_BYTES; None for links, folders, big files."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES)
    except OSError:
        return None


def _parses(path: str, data: bytes) -> bool:
    """Parse `data` as Python (.py) or notebook JSON (.ipynb); False when it does not parse."""
    try:
        if path.endswith(".py"):
            ast.parse(data, filename=path)
        else:
            json.loads(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def measure(root: Path) -> FloorResult:
    """Run the floor over the repository at `root` and return its time and counts."""
    warnings.simplefilter("ignore")  # invalid escape sequences and the like are not the floor's business
    start, cpu_start = time.perf_counter(), time.process_time()
    paths = tracked_paths(root)
    read = bytes_read = python_files = notebooks = failures = 0
    for rel in paths:
        full = os.path.join(root, rel)
        data = _read(full)
        parsed_kind = rel.endswith(".py") or rel.endswith(".ipynb")
        if data is None:
            failures += parsed_kind
            continue
        read += 1
        bytes_read += len(data)
        if parsed_kind:
            python_files += rel.endswith(".py")
            notebooks += rel.endswith(".ipynb")
            failures += not _parses(rel, data)
        del data
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return FloorResult(seconds=seconds, cpu_seconds=cpu_seconds, files=len(paths), read=read, bytes_read=bytes_read,
                       python_files=python_files, notebooks=notebooks, parse_failures=failures)


def main(argv: list[str] | None = None) -> int:
    """Command line: measure the floor of one repository and print it."""
    parser = argparse.ArgumentParser(
        prog="floor.py", description=__doc__.split("\n\n")[0],
        epilog="Example: python bench/floor.py /tmp/bench/keras --json")
    parser.add_argument("repo", type=Path, help="a git repository with a work tree")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a line of text")
    args = parser.parse_args(argv)
    try:
        result = measure(args.repo)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"floor.py: {args.repo}: cannot list tracked files: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print(f"{result.seconds:.3f} s ({result.cpu_seconds:.3f} s CPU)  {result.files} files, {result.bytes_read / 1e6:.1f} MB read, "
              f"{result.python_files} .py, {result.notebooks} .ipynb, {result.parse_failures} did not parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
