"""Notebook facts: real notebooks written with nbformat, real git repositories for what is tracked."""
from __future__ import annotations

from pathlib import Path

import nbformat
from gitutil import make_git_repo
from nbformat import v3
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from portcheck.analyzer.facts.notebooks import detect_notebooks
from portcheck.analyzer.gitsafe import SafeGit
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources


def notebook(*counts: int | None, error_in: int | None = None, markdown_first: bool = False) -> str:
    """A v4 notebook with one code cell per count; `error_in` gives that code cell an error output."""
    cells = [new_markdown_cell("# Analysis")] if markdown_first else []
    for i, count in enumerate(counts):
        outputs = []
        if i == error_in:
            outputs.append(new_output("error", ename="KeyError", evalue="\x1b[31m'Age'\x1b[0m " + "x" * 200,
                                      traceback=["..."]))
        cells.append(new_code_cell(f"x = {i}", execution_count=count, outputs=outputs))
    return nbformat.writes(new_notebook(cells=cells))


def facts_for(root: Path, tree=None):
    return detect_notebooks(Sources(RepoView(root, tracked={e.path: e.size for e in tree} if tree else None)), tree)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_clean_in_order_notebook_counts_and_raises_no_flag(tmp_path: Path) -> None:
    write(tmp_path, {"eda.ipynb": notebook(None, 1, 2, 3, markdown_first=True)})
    facts = facts_for(tmp_path)
    assert facts.to_schema() == {"count": 1, "with_errors": 0, "out_of_order": 0, "unexecuted": 0}


def test_error_output_is_reported_with_cell_number_and_short_clean_message(tmp_path: Path) -> None:
    write(tmp_path, {"nb.ipynb": notebook(1, 2, 3, error_in=1, markdown_first=True)})
    facts = facts_for(tmp_path)
    assert facts.to_schema()["with_errors"] == 1
    (report,) = facts.notebooks
    (error,) = report.errors
    assert (error.cell, error.ename) == (3, "KeyError")
    assert error.evalue.startswith("'Age' x") and len(error.evalue) <= 80 and "\x1b" not in error.evalue
    (evidence,) = report.error_evidence()
    assert evidence.path == "nb.ipynb" and evidence.line == 3 and evidence.excerpt.startswith("cell 3: KeyError:")


def test_counts_that_do_not_strictly_increase_are_out_of_order_with_the_first_break(tmp_path: Path) -> None:
    write(tmp_path, {"a.ipynb": notebook(1, 5, None, 5, 3), "b.ipynb": notebook(2, 7, 9)})
    facts = facts_for(tmp_path)
    assert facts.to_schema()["out_of_order"] == 1
    broken = next(n for n in facts.notebooks if n.path == "a.ipynb")
    b = broken.order_break
    assert (b.first_cell, b.first_count, b.second_cell, b.second_count) == (2, 5, 4, 5)
    assert broken.order_evidence().line == 4


def test_notebook_with_code_cells_all_unrun_is_unexecuted_but_markdown_only_is_not(tmp_path: Path) -> None:
    write(tmp_path, {
        "unrun.ipynb": notebook(None, None),
        "notes.ipynb": nbformat.writes(new_notebook(cells=[new_markdown_cell("just text")])),
        "partly.ipynb": notebook(None, 1, None),
    })
    facts = facts_for(tmp_path)
    assert facts.to_schema() == {"count": 3, "with_errors": 0, "out_of_order": 0, "unexecuted": 1}
    assert [n.path for n in facts.notebooks if n.unexecuted] == ["unrun.ipynb"]


def test_unreadable_notebook_counts_and_records_why_but_flags_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"broken.ipynb": '{"cells": [', "empty.ipynb": "", "ok.ipynb": notebook(1)})
    facts = facts_for(tmp_path)
    assert facts.to_schema() == {"count": 3, "with_errors": 0, "out_of_order": 0, "unexecuted": 0}
    assert sorted(n.path for n in facts.unreadable) == ["broken.ipynb", "empty.ipynb"]
    assert all(n.error for n in facts.unreadable)


def test_version_3_notebook_is_upgraded_and_its_prompt_numbers_read(tmp_path: Path) -> None:
    old = v3.new_notebook()
    sheet = v3.new_worksheet()
    sheet.cells.extend([v3.new_code_cell(input="a = 1", prompt_number=4),
                        v3.new_code_cell(input="b = 2", prompt_number=2)])
    old.worksheets.append(sheet)
    write(tmp_path, {"old.ipynb": nbformat.writes(old, version=3)})
    assert facts_for(tmp_path).to_schema()["out_of_order"] == 1


def test_with_git_only_tracked_notebooks_count(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"tracked.ipynb": notebook(1)})
    write(tmp_path, {"scratch.ipynb": notebook(None)})
    with SafeGit.open(tmp_path) as git:
        tree = git.tree()
    assert [n.path for n in facts_for(tmp_path, tree).notebooks] == ["tracked.ipynb"]
    view = RepoView(tmp_path, tracked={e.path: e.size for e in tree})
    assert [n.path for n in detect_notebooks(Sources(view)).notebooks] == ["tracked.ipynb"]


def test_committed_checkpoint_notebooks_count_when_the_tree_is_given(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"t.ipynb": notebook(1, 3, 2), ".ipynb_checkpoints/t-checkpoint.ipynb": notebook(1, 3, 2)})
    with SafeGit.open(tmp_path) as git:
        tree = git.tree()
    facts = facts_for(tmp_path, tree)
    assert [n.path for n in facts.notebooks] == [".ipynb_checkpoints/t-checkpoint.ipynb", "t.ipynb"]
    assert facts.to_schema()["out_of_order"] == 2


def test_tracked_notebook_missing_from_the_work_tree_counts_as_unreadable(tmp_path: Path) -> None:
    make_git_repo(tmp_path, {"gone.ipynb": notebook(1)})
    (tmp_path / "gone.ipynb").unlink()
    with SafeGit.open(tmp_path) as git:
        tree = git.tree()
    facts = facts_for(tmp_path, tree)
    assert facts.to_schema()["count"] == 1 and facts.unreadable[0].path == "gone.ipynb"


def test_no_notebooks_gives_zero_counts(tmp_path: Path) -> None:
    write(tmp_path, {"train.py": "print(1)\n"})
    assert facts_for(tmp_path).to_schema() == {"count": 0, "with_errors": 0, "out_of_order": 0, "unexecuted": 0}
