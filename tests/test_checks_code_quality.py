"""Code quality checks QA109–QA114, each through a real scan of files written to a temp folder."""
from __future__ import annotations

from pathlib import Path

import nbformat
from conftest import check_result
from nbformat.v4 import new_code_cell, new_notebook

from portcheck.analyzer.model import Status


def branchy(name: str, complexity: int, doc: bool = False) -> str:
    """A function of exactly `complexity` (one `if` per extra point)."""
    body = "".join(f"    if x == {i}:\n        x += {i}\n" for i in range(complexity - 1))
    docstring = f'    """Do {name}."""\n' if doc else ""
    return f"def {name}(x):\n{docstring}{body}    return x\n\n\n"


def long_function(name: str, lines: int) -> str:
    return f"def {name}(x):\n" + "".join(f"    x = x + {i}\n" for i in range(lines - 2)) + "    return x\n\n\n"


def notebook(*cells: str) -> str:
    return nbformat.writes(new_notebook(cells=[new_code_cell(c) for c in cells]))


SIMPLE = "".join(branchy(f"step{i}", 3, doc=True) for i in range(5))


# ----- QA109 complexity ---------------------------------------------------------------------------


def test_qa109_skips_without_python_code(tmp_path: Path) -> None:
    result = check_result(tmp_path, {"README.md": "# hi\n"}, "QA109")
    assert result.status is Status.SKIP and "no Python code" in result.message


def test_qa109_passes_simple_code_with_a_talking_point(tmp_path: Path) -> None:
    result = check_result(tmp_path, {"src/steps.py": SIMPLE}, "QA109")
    assert result.status is Status.PASS
    assert "nothing ranks worse than A among 5 functions" in result.message
    assert "complexity 3, radon rank A" in result.talking_point


def test_qa109_warns_for_one_rank_d_function_listing_file_line_value_and_rank(tmp_path: Path) -> None:
    result = check_result(tmp_path, {"src/steps.py": SIMPLE + branchy("route", 24)}, "QA109")
    assert result.status is Status.WARN
    assert "1 rank D" in result.message and "route (src/steps.py:46, complexity 24, rank D)" in result.message
    assert (result.evidence[0].path, result.evidence[0].line) == ("src/steps.py", 46)
    assert result.fix.startswith("Split route (src/steps.py:46, complexity 24)")


def test_qa109_fails_for_rank_e_or_three_rank_d_but_ignores_tests(tmp_path: Path) -> None:
    severe = check_result(tmp_path / "e", {"train.py": branchy("train", 35)}, "QA109")
    assert severe.status is Status.FAIL and "1 rank E" in severe.message
    assert "complexity of 35" in severe.question
    three_d = check_result(tmp_path / "d", {"a.py": "".join(branchy(f"f{i}", 22) for i in range(3))}, "QA109")
    assert three_d.status is Status.FAIL and "3 rank D" in three_d.message
    tests_only = check_result(tmp_path / "t", {"a.py": SIMPLE, "tests/test_a.py": branchy("test_big", 45)}, "QA109")
    assert tests_only.status is Status.PASS


def test_qa109_rank_c_warns_only_as_a_pattern(tmp_path: Path) -> None:
    five_c = "".join(branchy(f"c{i}", 12) for i in range(5))
    pattern = check_result(tmp_path / "p", {"a.py": five_c + SIMPLE}, "QA109")
    assert pattern.status is Status.WARN and "5 rank C" in pattern.message
    many_simple = "".join(branchy(f"s{i}", 2) for i in range(60))
    diluted = check_result(tmp_path / "d", {"a.py": five_c + many_simple}, "QA109")
    assert diluted.status is Status.PASS and "nothing ranks worse than C" in diluted.message


def test_qa109_reports_a_complex_notebook_cell_by_number(tmp_path: Path) -> None:
    loop = "for x in range(9):\n" + "".join(f"    if x == {i}:\n        print(x)\n" for i in range(22))
    result = check_result(tmp_path, {"eda.ipynb": notebook("%matplotlib inline\nimport numpy as np", loop)}, "QA109")
    assert result.status is Status.WARN and "eda.ipynb, cell 2 (complexity 24, rank D)" in result.message
    assert result.evidence[0].line == 2 and result.fix.startswith("Move the logic of eda.ipynb, cell 2")


# ----- QA110 maintainability ----------------------------------------------------------------------


def test_qa110_warns_for_rank_c_module_and_passes_otherwise(tmp_path: Path) -> None:
    body = "\n".join(f"    if x == {i} and y > {i} or z:\n        total += {i} * x / (y + {i})" for i in range(300))
    big = f"def judge(x, y, z):\n    total = 0\n{body}\n    return total\n"
    low = check_result(tmp_path / "c", {"big.py": big, "ok.py": SIMPLE}, "QA110")
    assert low.status is Status.WARN and low.message.startswith("1 module rank C")
    assert [e.path for e in low.evidence] == ["big.py"] and "starting with judge (complexity 901)" in low.fix
    fine = check_result(tmp_path / "a", {"ok.py": SIMPLE}, "QA110")
    assert fine.status is Status.PASS and fine.message.startswith("the only module ranks A or B")


def test_qa110_skips_when_code_lives_only_in_notebooks(tmp_path: Path) -> None:
    result = check_result(tmp_path, {"eda.ipynb": notebook("x = 1")}, "QA110")
    assert result.status is Status.SKIP and "only in notebooks" in result.message


# ----- QA111 length -------------------------------------------------------------------------------


def test_qa111_passes_short_code_warns_long_and_fails_very_long_functions(tmp_path: Path) -> None:
    short = check_result(tmp_path / "s", {"a.py": SIMPLE}, "QA111")
    assert short.status is Status.PASS and "no function or cell over 100 code lines" in short.message
    long = check_result(tmp_path / "l", {"a.py": long_function("fit", 120)}, "QA111")
    assert long.status is Status.WARN and "fit (a.py:1, 120 code lines)" in long.message
    assert long.fix.startswith("Break fit (a.py:1, 120 code lines) into named steps")
    very = check_result(tmp_path / "v", {"a.py": long_function("fit", 230)}, "QA111")
    assert very.status is Status.FAIL and "230 lines long" in very.question


def test_qa111_warns_for_long_modules_and_cells(tmp_path: Path) -> None:
    module = "".join(long_function(f"f{i}", 60) for i in range(18))
    cell = "\n".join(f"y{i} = {i}" for i in range(130))
    result = check_result(tmp_path, {"big.py": module, "eda.ipynb": notebook(cell)}, "QA111")
    assert result.status is Status.WARN
    assert "eda.ipynb, cell 1 (130 code lines)" in result.message
    assert "1 module over 1000 code lines: big.py (1080)" in result.message


# ----- QA112 docstrings ---------------------------------------------------------------------------


def test_qa112_warns_under_half_documented_and_lists_the_undocumented(tmp_path: Path) -> None:
    files = {"src/pipe.py": branchy("load", 1, doc=True) + branchy("clean", 1) + branchy("fit", 1)
             + "class Model:\n    def predict(self):\n        pass\n"}
    result = check_result(tmp_path, files, "QA112")
    assert result.status is Status.WARN and result.message.startswith("20% of public functions and classes")
    assert "clean (src/pipe.py:6)" in result.message
    assert [e.line for e in result.evidence] == [6, 10, 14, 15]
    assert "starting with clean (src/pipe.py:6)" in result.fix


def test_qa112_passes_documented_code_and_skips_tiny_projects(tmp_path: Path) -> None:
    documented = check_result(tmp_path / "d", {"a.py": SIMPLE}, "QA112")
    assert documented.status is Status.PASS and documented.message.startswith("100% of public")
    assert documented.talking_point
    tiny = check_result(tmp_path / "t", {"a.py": branchy("one", 1) + "def _two():\n    pass\n"}, "QA112")
    assert tiny.status is Status.SKIP


# ----- QA113 linting ------------------------------------------------------------------------------


def test_qa113_passes_with_ruff_in_pre_commit_and_says_so(tmp_path: Path) -> None:
    pre_commit = ("repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.9\n"
                  "    hooks:\n      - id: ruff\n      - id: ruff-format\n")
    files = {"a.py": SIMPLE, "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
             ".pre-commit-config.yaml": pre_commit}
    result = check_result(tmp_path, files, "QA113")
    assert result.status is Status.PASS
    assert result.message == "ruff (pyproject.toml, pre-commit) configured; ruff runs in pre-commit"
    assert result.talking_point.startswith("Ruff runs in pre-commit")


def test_qa113_warns_for_a_declared_only_tool_and_fails_without_any(tmp_path: Path) -> None:
    declared = check_result(tmp_path / "d", {"a.py": SIMPLE, "requirements.txt": "black==24.4.2\n"}, "QA113")
    assert declared.status is Status.WARN and declared.message.startswith("black listed as a dependency")
    none = check_result(tmp_path / "n", {"a.py": SIMPLE}, "QA113")
    assert none.status is Status.FAIL and "[tool.ruff]" in none.fix and "ruff-pre-commit" in none.fix
    no_code = check_result(tmp_path / "x", {"notes.md": "hi\n"}, "QA113")
    assert no_code.status is Status.SKIP


# ----- QA114 notebooks versus modules -------------------------------------------------------------


def test_qa114_skips_without_notebooks_and_warns_for_notebook_only_projects(tmp_path: Path) -> None:
    assert check_result(tmp_path / "s", {"a.py": SIMPLE}, "QA114").status is Status.SKIP
    only = check_result(tmp_path / "o", {"eda.ipynb": notebook("import pandas as pd", "def clean(df):\n    return df")},
                        "QA114")
    assert only.status is Status.WARN and only.message.startswith("all the code lives in 1 notebook")
    assert [(e.path, e.line) for e in only.evidence] == [("eda.ipynb", 2)]


def test_qa114_warns_for_a_notebook_copy_of_module_code_with_the_import_to_use(tmp_path: Path) -> None:
    files = {"src/churn/data.py": "def preprocess(df):\n    return df\n",
             "notebooks/eda.ipynb": notebook("import pandas as pd", "def preprocess(df):\n    return df.dropna()")}
    result = check_result(tmp_path, files, "QA114")
    assert result.status is Status.WARN
    assert "preprocess (notebooks/eda.ipynb, cell 2 and src/churn/data.py:1)" in result.message
    assert "`from churn.data import preprocess`" in result.fix


def test_qa114_passes_when_notebooks_import_the_project(tmp_path: Path) -> None:
    files = {"src/churn/data.py": "def preprocess(df):\n    return df\n",
             "notebooks/eda.ipynb": notebook("from churn.data import preprocess", "df = preprocess(None)")}
    result = check_result(tmp_path, files, "QA114")
    assert result.status is Status.PASS and "1 notebook of 1 use the project's modules" in result.message
    assert result.talking_point and result.evidence[0].line == 1
