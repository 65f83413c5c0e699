"""Hostile inputs at full size: how long a scan of each takes, how much memory, and what it reports.

Issue 9's resource-exhaustion cases (a 60 MB Python file, a 30 MB one-line README, a 2 GiB sparse file,
nesting that overflows `ast`, deeply nested and oversized notebook JSON, megabytes of outputs, YAML alias
bombs, 30,000 files, 200 levels of folders), plus the largest inputs each bound still accepts. Each case
is built in a folder of its own inside a temporary folder outside any repository (plain folders, no
git: every listed file counts), then scanned by

    portcheck scan CASE --format json -o REPORT --no-progress --no-cache

in a subprocess. A row gives the wall seconds, the peak resident set (`os.wait4`'s ru_maxrss: the largest
of portcheck and the children it waited for, its sandboxed scan included), the exit status, and the scan
note or finding that names the input ("-" when none does; cases marked "accepted" are inputs just inside
a bound, expected to be read and analysed). Inputs are deterministic: no randomness, no clock.

    python bench/hostile.py                        every case, a table
    python bench/hostile.py --json                 one JSON object
    python bench/hostile.py --case py-60mb --case folders-200
    python bench/hostile.py --list                 the cases and what each holds
    python bench/hostile.py --keep /tmp/hostile    build there and keep the folders

tests/test_hostile_exhaustion.py builds the same cases at test scale (just past each bound) and scans them.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

MIB = 1024 * 1024
READ_CAP = 10 * MIB        # portcheck's Limits.max_file_bytes
PARSE_BOUND = 1 * MIB      # sources.MAX_PYTHON_CHARS
DEPTH_CAP = 40             # Limits.max_depth
DENSE_LINE = "x = 1\n"     # the densest ordinary Python: one assignment per 6 bytes


@dataclass(frozen=True)
class Case:
    """One hostile input: its name, what it holds, the path a scan must name, and how to write it.

    `build(root, full)` writes the input under `root`: at the issue's size when `full`, else at the
    smallest size that still crosses the same bound. A scan names `path` in a scan note, unless `finding`
    is set: then that check's finding names it (the input is read, and judged). `accepted`: the input
    is inside every bound, read and analysed; no note names it."""

    name: str
    what: str
    path: str
    build: Callable[[Path, bool], None]
    finding: str | None = None
    accepted: bool = False


def write(root: Path, rel: str, data: str | bytes) -> None:
    """Write `data` to `root/rel`, creating folders."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def repeated(unit: str, size: int) -> str:
    """`unit` repeated until the text is at least `size` characters long."""
    return unit * -(-size // len(unit))


def sparse(root: Path, rel: str, size: int) -> None:
    """A sparse file of `size` bytes (no disk blocks written)."""
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as handle:
        handle.truncate(size)


def notebook(cells: list[dict], *, nbformat: int = 4) -> str:
    """A notebook document as JSON text (fixed cell ids, so the bytes are the same on every run)."""
    for number, cell in enumerate(cells, start=1):
        cell.setdefault("id", f"cell-{number}")
        cell.setdefault("metadata", {})
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": nbformat, "nbformat_minor": 5})


def code_cell(source: str, outputs: list[dict], count: int = 1) -> dict:
    """A v4 code cell that ran as [count] with `outputs`."""
    return {"cell_type": "code", "execution_count": count, "source": source, "outputs": outputs}


def json_output(payload: str) -> dict:
    """An `execute_result` whose application/json data is `payload` (raw JSON text, spliced in later)."""
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"application/json": payload}}


def notebook_with_json(payload: str) -> str:
    """A one-cell notebook whose output holds the raw JSON text `payload` (which may nest without end)."""
    marker = "\u0000PAYLOAD\u0000"
    return notebook([code_cell("result", [json_output(marker)])]).replace(json.dumps(marker), payload)


def alias_bomb(prefix: str) -> str:
    """YAML whose nine levels of aliases expand to a billion strings (`prefix` goes first)."""
    lines = [prefix, 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        below = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{below}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def yaml_list(size: int) -> str:
    """A CI file that is one long list of small mappings, at least `size` characters."""
    return "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n" + repeated("      - {run: pytest}\n", size)


def dense_modules(root: Path, count: int) -> None:
    """`count` modules `dense_ok_N.py` of assignments, each just inside the parsing bound."""
    for number in range(1, count + 1):
        write(root, f"dense_ok_{number}.py", DENSE_LINE * (PARSE_BOUND // len(DENSE_LINE)))


def deep_folders(root: Path, levels: int) -> None:
    """`levels` nested folders `d/d/…`, a module at the bottom."""
    write(root, "/".join(["d"] * levels) + "/bottom.py", "print('deep')\n")


def many_files(root: Path, count: int) -> None:
    """`count` small text files, 1,000 per folder."""
    for number in range(count):
        write(root, f"files/{number // 1000:03d}/f{number:05d}.txt", f"{number}\n")


def _over_cap(full_size: int, cap: int) -> Callable[[bool], int]:
    return lambda full: full_size if full else cap + 1


_READ_CAP_PY = _over_cap(60_000_000, READ_CAP)
_README_SIZE = _over_cap(30_000_000, READ_CAP)

CASES: tuple[Case, ...] = (
    Case("py-60mb", "a 60 MB Python file of assignments", "huge_module.py",
         lambda root, full: write(root, "huge_module.py", repeated(DENSE_LINE, _READ_CAP_PY(full)))),
    Case("py-over-parse-bound", "dense Python just past the 1 MiB parsing bound", "dense_module.py",
         lambda root, full: write(root, "dense_module.py", repeated(DENSE_LINE, PARSE_BOUND + 1))),
    Case("py-at-parse-bound", "dense Python just inside the 1 MiB parsing bound (accepted)", "dense_ok_1.py",
         lambda root, full: dense_modules(root, 1), finding="QA111", accepted=True),
    Case("py-8-at-parse-bound", "eight such modules: what holding every tree costs (accepted)", "dense_ok_1.py",
         lambda root, full: dense_modules(root, 8), finding="QA111", accepted=True),
    Case("readme-30mb-one-line", "a 30 MB README.md on one line", "README.md",
         lambda root, full: write(root, "README.md", repeated("results ", _README_SIZE(full)))),
    Case("readme-at-read-cap", "a README.md of one 10 MiB line, just inside the read cap (accepted)", "README.md",
         lambda root, full: write(root, "README.md", repeated("results ", READ_CAP)[:READ_CAP]), accepted=True),
    Case("sparse-2gib", "a 2 GiB sparse file with a code extension (just over the read cap at test scale)", "checkpoint.py",
         lambda root, full: sparse(root, "checkpoint.py", 2 * 1024 * MIB if full else READ_CAP + 1)),
    Case("deep-parens", '"(" * 200000 in a .py', "deep_parens.py",
         lambda root, full: write(root, "deep_parens.py", "(" * 200_000)),
    Case("deep-unary", '"-" * 100000 + "1" in a .py', "deep_unary.py",
         lambda root, full: write(root, "deep_unary.py", "x = " + "-" * 100_000 + "1\n")),
    Case("deep-list", "100,000 nested lists in a .py", "deep_list.py",
         lambda root, full: write(root, "deep_list.py", "x = " + "[" * 100_000 + "]" * 100_000 + "\n")),
    Case("deep-attributes", "an attribute chain of 100,000 (RecursionError building the tree)", "deep_attributes.py",
         lambda root, full: write(root, "deep_attributes.py", "x = a" + ".b" * 100_000 + "\n")),
    Case("deep-fstring", "an f-string holding a chain of 100,000 additions (300 at test scale)", "deep_fstring.py",
         lambda root, full: write(root, "deep_fstring.py", 'x = f"{' + "a + " * (100_000 if full else 300) + 'a}"\n')),
    Case("long-chain", "a chain of 250 additions: parses, but 250 levels deep", "long_chain.py",
         lambda root, full: write(root, "long_chain.py", "x = 1" + " + 1" * 250 + "\n")),
    Case("nb-deep-json", "100,000 nested lists inside a notebook output", "deep_json.ipynb",
         lambda root, full: write(root, "deep_json.ipynb", notebook_with_json("[" * 100_000 + "]" * 100_000))),
    Case("nb-many-objects", "9 MB of empty objects in one notebook output (100,001 at test scale)", "many_objects.ipynb",
         lambda root, full: write(root, "many_objects.ipynb",
                                  notebook_with_json("[" + ",".join(["{}"] * (3_000_000 if full else 100_001)) + "]"))),
    Case("nb-megabytes-of-outputs", "a notebook with 9.4 MB of printed output (1.1 MB at test scale)", "heavy_outputs.ipynb",
         lambda root, full: write(root, "heavy_outputs.ipynb", notebook([
             code_cell(f"train(epoch={n})", [{"output_type": "stream", "name": "stdout",
                                              "text": repeated("epoch loss 0.123\n", (MIB * 9 // 10) if full else MIB + MIB // 10)}],
                       count=n)
             for n in range(1, 11 if full else 2)])), finding="QA122"),
    Case("nb-over-read-cap", "a notebook just over the 10 MiB read cap", "oversized.ipynb",
         lambda root, full: write(root, "oversized.ipynb", notebook([code_cell("x", [{
             "output_type": "stream", "name": "stdout", "text": repeated("y", READ_CAP)}])]))),
    Case("nb-slow-to-validate", "20,000 invalid error outputs (nbformat's validator takes ~14 s; accepted)", "invalid_outputs.ipynb",
         lambda root, full: write(root, "invalid_outputs.ipynb", notebook([code_cell("raise", [
             {"output_type": "error", "ename": "E", "evalue": "v", "traceback": [1]} for _ in range(20_000)])])),
         finding="QA101", accepted=True),
    Case("yaml-bomb-env", "a billion-laughs alias bomb in environment.yml", "environment.yml",
         lambda root, full: write(root, "environment.yml", alias_bomb("name: bomb\ndependencies:\n  - numpy"))),
    Case("yaml-bomb-ci", "a billion-laughs alias bomb in a GitHub workflow", ".github/workflows/bomb.yml",
         lambda root, full: write(root, ".github/workflows/bomb.yml", alias_bomb("on: push"))),
    Case("yaml-2mib-list", "a GitHub workflow that is a 2 MB list (150,000 nodes at test scale)", ".github/workflows/long.yml",
         lambda root, full: write(root, ".github/workflows/long.yml", yaml_list(2 * MIB - 4096 if full else 1_100_000))),
    Case("files-30k", "30,000 files (accepted: under the 50,000-file cap)", "files",
         lambda root, full: many_files(root, 30_000 if full else 300), accepted=True),
    Case("folders-200", "200 levels of nested folders (45 at test scale)", "/".join(["d"] * (DEPTH_CAP + 1)),
         lambda root, full: deep_folders(root, 200 if full else DEPTH_CAP + 5)),
)


@dataclass(frozen=True)
class Row:
    """One measured case."""

    case: str
    what: str
    seconds: float
    peak_mib: float
    exit_status: int
    crashed: bool
    note: str


def naming(doc: dict, case: Case) -> str:
    """The scan note naming the case's path, or the finding of `case.finding` that names it ("-": none)."""
    for note in doc.get("scan_notes", []):
        if note.get("path") == case.path:
            return f"{note.get('kind')}: {note.get('message')}"
    for result in doc.get("checks", []):
        if result.get("id") == case.finding and any(e.get("path") == case.path for e in result.get("evidence", [])):
            return f"{result['id']} {result.get('status')}: {result.get('message')}"
    return "-"


def measure(case: Case, work: Path, portcheck: list[str]) -> Row:
    """Build `case` at full size under `work`, scan it, and measure the scan."""
    from run import run_measured  # beside this script; imported here so that tests can load the cases alone

    root = work / case.name
    root.mkdir()
    case.build(root, True)
    report = work / f"{case.name}.json"
    run = run_measured([*portcheck, "scan", str(root), "--format", "json", "-o", str(report), "--no-progress",
                        "--no-cache"])
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        doc = {}
    note = naming(doc, case) if doc else f"no report: {run.stderr_tail.strip()[-200:]}"
    if case.accepted and note == "-":
        note = "(accepted: read; no note names it)"
    return Row(case=case.name, what=case.what, seconds=round(run.seconds, 2), peak_mib=round(run.peak_mib, 1),
               exit_status=run.returncode, crashed=run.crashed, note=note)


def render_table(rows: list[Row], width: int) -> str:
    """A plain-text table, notes cut to `width` characters."""
    header = ["case", "wall s", "peak MiB", "exit", "note or finding naming the input"]
    body = [[r.case, f"{r.seconds:.2f}", f"{r.peak_mib:.0f}", str(r.exit_status) + (" TRACEBACK" if r.crashed else ""),
             r.note if len(r.note) <= width else r.note[: width - 1] + "…"] for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [" ".join(cell.ljust(w) if i in (0, 4) else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
             for line in [header, *body]]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: build and scan every case (or the ones named), print a table or JSON."""
    parser = argparse.ArgumentParser(prog="hostile.py", description=__doc__.split("\n\n")[0],
                                     epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", default=[], metavar="NAME", help="run this case (repeatable; default all)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build the cases in DIR (must not exist) and keep them")
    parser.add_argument("--portcheck", metavar="CMD", help="how to start portcheck (default: the portcheck script "
                        "beside this Python, else on PATH, else python -m portcheck.analyzer.cli)")
    parser.add_argument("--width", type=int, default=110, metavar="N", help="cut notes in the table to N characters")
    args = parser.parse_args(argv)
    if args.list:
        for case in CASES:
            print(f"{case.name:24} {case.what}")
        return 0
    known = {case.name: case for case in CASES}
    unknown = [name for name in args.case if name not in known]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}; see --list")
    chosen = [known[name] for name in args.case] if args.case else list(CASES)
    from run import machine, portcheck_command

    portcheck = portcheck_command(args.portcheck)
    version = subprocess.run([*portcheck, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    work = args.keep or Path(tempfile.mkdtemp(prefix="portcheck-hostile-"))
    if args.keep:
        work.mkdir(parents=True)
    rows = []
    try:
        for case in chosen:
            rows.append(measure(case, work, portcheck))
            print(f"measured {case.name}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps({"machine": machine(), "portcheck": {"command": portcheck, "version": version},
                          "cases": [asdict(row) for row in rows]}, indent=2))
    else:
        print(render_table(rows, args.width))
        print(f"\n{version}; machine: {json.dumps(machine())}; peak = ru_maxrss of portcheck and its waited children")
    return 1 if any(row.crashed or row.exit_status not in (0, 1) for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
