"""The per-file code pass (`codepass`): every file parsed once, read by every part, and let go; the same
summaries from one process and from several; a part that breaks, or a process that dies, costs only
what it must, with the file or the death named."""
from __future__ import annotations

import ast
import os
import signal
import weakref

import nbformat
import pytest
from gitutil import make_git_repo

from portcheck.analyzer.facts import codepass
from portcheck.analyzer.facts.codepass import PARTS, SourceFile, code_pass
from portcheck.analyzer.facts.pycode import nodes_of
from portcheck.analyzer.inputs import InputFailed
from portcheck.analyzer.pool import map_in_forks
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import MAX_AST_DEPTH, Sources


def _notebook(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


FILES = {
    "README.md": "# demo\n",
    "src/train.py": "import numpy as np\nnp.random.seed(0)\nmodel = fit()\n",
    "src/broken.py": "def (:\n",
    "src/deep.py": "x = " + "-" * 300 + "1\n",  # a syntax tree deeper than the bound
    "src/eval.py": "from sklearn.metrics import accuracy_score\nprint(accuracy_score(y, p))\n",
    "notebooks/explore.ipynb": _notebook("import pandas as pd", "%matplotlib inline\ndf = pd.read_csv('x.csv')", "def ("),
    "tests/test_train.py": "def test_fit():\n    assert True\n",
}


@pytest.fixture()
def repo(tmp_path) -> RepoView:
    make_git_repo(tmp_path / "proj", FILES)
    return RepoView(tmp_path / "proj")


def _summaries(summary: codepass.CodeSummaries) -> dict[str, list]:
    return {name: summary.of(name) for name in PARTS}


def test_each_file_is_read_once_in_listing_order_modules_then_notebooks(repo, monkeypatch):
    seen: list[tuple[str, list[int | None], bool]] = []
    monkeypatch.setitem(PARTS, "probe", lambda f: seen.append((f.path, [u.cell for u in f.units], f.module is None)))
    summary = code_pass(Sources(repo))
    assert seen == [
        ("src/broken.py", [], False),
        ("src/deep.py", [], False),
        ("src/eval.py", [None], False),
        ("src/train.py", [None], False),
        ("tests/test_train.py", [None], False),
        ("notebooks/explore.ipynb", [1, 2], True),  # the cell that does not parse is left out
    ]
    assert [m.path for m in summary.modules] == sorted(p for p in FILES if p.endswith(".py"))
    assert next(m for m in summary.modules if m.path == "src/broken.py").error.startswith("syntax error")


def test_no_syntax_tree_outlives_its_file(repo, monkeypatch):
    trees: list[weakref.ref] = []
    statements: list[weakref.ref] = []

    def keep_a_weak_reference(file: SourceFile) -> int:
        trees.extend(weakref.ref(u.tree) for u in file.units)
        statements.extend(weakref.ref(u.tree.body[-1]) for u in file.units if u.tree.body)
        if file.units:
            nodes_of(file.units[-1].tree, ast.Assign, ast.Call)  # the node index must not keep nodes alive
        return len(file.units)

    monkeypatch.setitem(PARTS, "probe", keep_a_weak_reference)
    summary = code_pass(Sources(repo))
    assert sum(summary.of("probe")) == len(trees) == 5  # 3 modules that parse and 2 notebook cells
    assert statements and all(ref() is None for ref in trees + statements)


@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_several_processes_give_the_summaries_of_one(repo, jobs):
    serial = code_pass(Sources(repo))
    parallel = code_pass(Sources(RepoView(repo.root)), jobs=jobs)
    assert parallel.modules == serial.modules
    assert _summaries(parallel) == _summaries(serial)


def test_a_part_that_breaks_fails_only_its_own_detector_naming_the_file(repo, monkeypatch):
    def breaks_on_eval(file: SourceFile) -> None:
        if file.path == "src/eval.py":
            raise ValueError("boom")

    monkeypatch.setitem(PARTS, "probe", breaks_on_eval)
    for jobs in (1, 2):
        summary = code_pass(Sources(RepoView(repo.root)), jobs=jobs)
        with pytest.raises(InputFailed, match=r"ValueError: boom .*\(reading src/eval\.py\)"):
            summary.of("probe")
        assert summary.of("seeds")  # every other part still has its summaries


def test_a_process_that_dies_fails_the_pass_with_how_it_ended(repo, monkeypatch):
    parent = os.getpid()

    def dies_in_a_forked_process(file: SourceFile) -> None:
        if os.getpid() != parent and file.path == "src/train.py":
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setitem(PARTS, "probe", dies_in_a_forked_process)
    with pytest.raises(InputFailed, match="a process reading part of the repository ended its process with SIGKILL"):
        code_pass(Sources(repo), jobs=2)


def test_notes_made_in_other_processes_reach_the_scans_view(repo):
    view = RepoView(repo.root)
    code_pass(Sources(view), jobs=3)
    refused = [n for n in view.notes if n.kind == "not-parsed"]
    assert [n.path for n in refused] == ["src/deep.py"]
    assert f"nests more than {MAX_AST_DEPTH} levels deep" in refused[0].message


def test_summaries_hold_no_syntax_nodes(repo):
    """Summaries cross process boundaries and outlive the trees: no part may keep a node."""
    import pickle

    summary = code_pass(Sources(repo))
    for name, values in _summaries(summary).items():
        pickled = pickle.dumps(values)
        assert b"_ast" not in pickled and b"ast\n" not in pickled, name
        assert not any(isinstance(v, ast.AST) for v in values), name


@pytest.mark.parametrize("jobs", [1, 2])
def test_progress_counts_the_files_read(repo, monkeypatch, jobs):
    monkeypatch.setattr(codepass._Teller, "EVERY", 0.0)
    said: list[str] = []
    code_pass(Sources(repo), jobs=jobs, progress=said.append)
    files = 6  # 5 modules (one too deep to parse, still read) and 1 notebook
    assert said[-1] == f"reading code: {files} of {files} files"
    counts = [int(line.split()[2]) for line in said]
    assert counts == sorted(counts) and len(counts) >= (files if jobs == 1 else 2)


def test_ranges_handed_out_to_processes_come_back_in_item_order(repo):
    def squares(start: int, end: int) -> list[tuple[int, int]]:
        return [(i * i, os.getpid()) for i in range(start, end)]

    done: list[int] = []
    results = map_in_forks(1000, squares, repo, 3, progress=done.append)
    assert [square for square, _ in results] == [i * i for i in range(1000)]
    workers = {pid for _, pid in results}
    assert len(workers) == 3 and os.getpid() not in workers
    assert done == sorted(done) and done[-1] == 1000 and len(done) == 48  # 16 ranges per process


def test_an_exception_in_a_range_fails_the_map_with_its_description(repo):
    def breaks_at_700(start: int, end: int) -> list[int]:
        if start <= 700 < end:
            raise ValueError("no such item")
        return list(range(start, end))

    with pytest.raises(InputFailed, match="ValueError: no such item"):
        map_in_forks(1000, breaks_at_700, repo, 2)
