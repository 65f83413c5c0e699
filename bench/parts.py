"""Where the code pass spends its time: CPU seconds of each detector's per-file part, and of reading and
parsing, over one repository, in one process (no sandbox, no workers).

    python bench/parts.py REPO            one line per part, costliest first
    python bench/parts.py REPO --json     one JSON object on standard output

The first part to ask for a tree's node index (`pycode.nodes_of`) pays for building it, so a part's
figure can move when the parts' order changes. The pass's total is CPU time of the whole pass; the
parts and reading add up to a little less (the rest is bookkeeping).
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def measure(root: Path) -> dict[str, float]:
    """CPU seconds per part, plus "reading and parsing" and "the whole pass", for the repository at `root`."""
    from portcheck.analyzer import facts  # noqa: F401 - registers every part
    from portcheck.analyzer.facts import codepass, pycode
    from portcheck.analyzer.probe import open_history
    from portcheck.analyzer.repo import RepoView
    from portcheck.analyzer.sources import Sources

    _, tree, _ = open_history(root, [])
    repo = RepoView(root, tracked={e.path: e.size for e in tree} if tree is not None else None)
    spent: dict[str, float] = {}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - start
        return run

    parts = dict(codepass.PARTS)
    reads = (Sources.parse_module, pycode.parse_python)
    try:
        for name, part in parts.items():
            codepass.PARTS[name] = timed(name, part)
        Sources.parse_module = timed("reading and parsing", Sources.parse_module)
        pycode.parse_python = timed("reading and parsing", pycode.parse_python)  # notebook cells
        sources = Sources(repo)
        sources.notebooks  # noqa: B018 - decoded before the clock starts, as in a scan
        gc.set_threshold(100_000, 50, 1000)  # as `gcpolicy.rare_collections` during a scan
        start = time.process_time()
        codepass.code_pass(sources)
        spent["the whole pass"] = time.process_time() - start
    finally:
        codepass.PARTS.update(parts)
        Sources.parse_module, pycode.parse_python = reads
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="a repository (a git work tree or a plain folder)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if not args.repo.is_dir():
        parser.error(f"{args.repo} is not a folder")
    figures = measure(args.repo.resolve())
    if args.json:
        print(json.dumps({name: round(seconds, 3) for name, seconds in figures.items()}))
    else:
        for name, seconds in figures.items():
            print(f"{seconds:8.2f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
