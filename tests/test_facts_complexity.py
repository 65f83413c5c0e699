"""Code metrics and code layout facts: real files and nbformat notebooks in temp folders, radon as oracle."""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from conftest import detect_in
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from radon.complexity import cc_visit
from radon.metrics import mi_rank, mi_visit

from portcheck.analyzer.facts.code_layout import detect_code_layout, import_name
from portcheck.analyzer.facts.complexity import detect_code_metrics, excluded_reason


def code_metrics(root: Path, files: dict):
    return detect_in(root, files, lambda repo, sources: detect_code_metrics(sources))


def code_layout(root: Path, files: dict):
    return detect_in(root, files, lambda repo, sources: detect_code_layout(sources))


def notebook(*cells: str) -> str:
    """A notebook with a markdown title and one code cell per source (cell numbers start at 2)."""
    return nbformat.writes(new_notebook(cells=[new_markdown_cell("# Notes"), *(new_code_cell(c) for c in cells)]))


BRANCHY = textwrap.dedent('''\
    """Training helpers."""
    import os


    def pick(kind, x):
        """Pick a transform."""
        # one branch per kind
        if kind == "a":
            return x + 1

        elif kind == "b" and x > 0:
            return x - 1
        for i in range(3):
            if i % 2:
                x += i
        try:
            x = int(x)
        except ValueError:
            x = 0
        return [y for y in range(x) if y]


    class Trainer:
        def fit(self, data):
            while data:
                data = data[1:]
            return data

        def _reset(self):
            pass


    if __name__ == "__main__":
        def main():
            return pick("a", 1) if os.environ.get("X") else 0
    ''')


def test_function_and_method_complexity_match_radon_with_qualified_names_and_lines(tmp_path: Path) -> None:
    metrics = code_metrics(tmp_path, {"src/train.py": BRANCHY})
    by_name = {f.name: f for f in metrics.functions}
    expected = {(b.fullname, b.lineno): b.complexity for b in cc_visit(BRANCHY) if b.letter != "C"}
    assert {(f.name, f.line): f.complexity for f in metrics.functions} == expected
    assert by_name["pick"].rank == "B" and by_name["pick"].complexity == 9
    assert by_name["Trainer.fit"].kind == "method" and by_name["main"].kind == "function"
    assert by_name["pick"].location == "src/train.py:5"
    assert by_name["pick"].evidence.line == 5 and "def pick(kind, x):" in by_name["pick"].evidence.excerpt
    assert metrics.functions[0].name == "pick"  # worst first


def test_function_length_counts_code_lines_without_docstring_comments_or_blanks(tmp_path: Path) -> None:
    metrics = code_metrics(tmp_path, {"train.py": BRANCHY})
    pick = next(f for f in metrics.functions if f.name == "pick")
    assert pick.length == 13  # def line + 12 statements/clauses; docstring, comment and blank line not counted


def test_module_line_counts_and_maintainability_follow_radon(tmp_path: Path) -> None:
    metrics = code_metrics(tmp_path, {"train.py": BRANCHY})
    (module,) = metrics.modules
    assert (module.loc, module.blank, module.comments, module.docstring_lines) == (35, 8, 1, 2)
    assert module.sloc == 35 - 8 - 1 - 2
    radon_mi = mi_visit(BRANCHY, True)
    assert abs(module.mi - radon_mi) < 3 and module.rank == mi_rank(radon_mi) == "A"
    assert "maintainability index" in module.evidence.excerpt


def test_huge_branchy_module_gets_rank_c(tmp_path: Path) -> None:
    body = "\n".join(f"    if x == {i} and y > {i} or z:\n        total += {i} * x / (y + {i})" for i in range(300))
    text = f"def judge(x, y, z):\n    total = 0\n{body}\n    return total\n"
    metrics = code_metrics(tmp_path, {"big.py": text})
    assert metrics.modules[0].rank == mi_rank(mi_visit(text, True)) == "C"
    assert metrics.functions[0].rank == "F" and metrics.functions[0].complexity == 901


def test_notebook_cells_are_blocks_with_cell_numbers_and_magics_do_not_break_parsing(tmp_path: Path) -> None:
    nb = notebook(
        "%matplotlib inline\n!pip install pandas\nimport pandas as pd",
        "for i in range(3):\n    if i:\n        print(i)\n    elif i > 5:\n        pass",
        "def helper(x):\n    '''Help.'''\n    return x if x else 0",
    )
    metrics = code_metrics(tmp_path, {"eda.ipynb": nb})
    cells = {c.cell: c for c in metrics.cells}
    assert sorted(cells) == [2, 3, 4]
    assert cells[3].complexity == 4 and cells[3].name == "cell 3" and cells[3].length == 5
    assert cells[3].evidence.line == 3 and cells[3].evidence.excerpt.startswith("cell 3: complexity 4")
    (helper,) = metrics.functions
    assert (helper.cell, helper.line, helper.complexity) == (4, 1, 2)
    assert helper.location == "eda.ipynb, cell 4 line 1" and helper.evidence.line == 4
    assert metrics.modules == ()  # notebooks have no maintainability index


def test_tests_vendored_and_generated_files_are_not_judged(tmp_path: Path) -> None:
    branchy = "def f(a):\n    if a:\n        return 1\n    return 2\n"
    metrics = code_metrics(tmp_path, {
        "tests/test_model.py": branchy, "src/test_utils.py": branchy, "conftest.py": branchy,
        "third_party/lib.py": branchy, "proto/model_pb2.py": branchy,
        "api/schema.py": "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n" + branchy,
        "app/migrations/0001_initial.py": branchy, "src/model.py": branchy,
    })
    assert [m.path for m in metrics.modules] == ["src/model.py"]
    assert dict(metrics.excluded) == {
        "tests/test_model.py": "test", "src/test_utils.py": "test", "conftest.py": "test",
        "third_party/lib.py": "vendored", "proto/model_pb2.py": "generated", "api/schema.py": "generated",
        "app/migrations/0001_initial.py": "generated",
    }
    assert excluded_reason("src/generated_features.py", ["import x"]) is None  # the name alone is not a header


def test_docstring_coverage_counts_public_unnested_definitions_only(tmp_path: Path) -> None:
    module = textwrap.dedent('''\
        import typing


        def documented():
            """Yes."""


        def undocumented():
            def nested():
                pass
            return nested


        def _private():
            pass


        class Model:
            """A model."""

            def fit(self):
                pass

            def __init__(self):
                pass

            @property
            def size(self):
                """Size."""
                return 1

            @size.setter
            def size(self, value):
                pass


        class _Hidden:
            def visible_name(self):
                pass


        @typing.overload
        def load(x: int) -> int: ...
        def load(x):
            """Load."""
            return x
        ''')
    metrics = code_metrics(tmp_path, {
        "pkg/core.py": module, "pkg/_internal.py": "def public_here():\n    pass\n",
        "setup.py": "def helper():\n    pass\n", "docs/conf.py": "def setup(app):\n    pass\n",
        "tests/test_core.py": "def test_x():\n    pass\n",
    })
    coverage = metrics.docstrings
    assert [(d.name, d.documented) for d in coverage.definitions] == [
        ("documented", True), ("undocumented", False), ("Model", True), ("Model.fit", False),
        ("Model.size", True), ("load", True)]
    assert (coverage.documented, coverage.total, round(coverage.percent)) == (4, 6, 67)
    assert [(d.evidence.path, d.evidence.line) for d in coverage.undocumented] == [("pkg/core.py", 8),
                                                                                  ("pkg/core.py", 21)]


def test_unparsable_and_absurdly_nested_files_are_left_out_before_measuring(tmp_path: Path) -> None:
    deep = "def f(x):\n    return " + "+".join(["x"] * 2000) + "\n"  # parses, but is deeper than radon recurses
    metrics = code_metrics(tmp_path, {"broken.py": "def f(:\n", "deep.py": deep, "ok.py": "def g():\n    return 1\n"})
    assert [m.path for m in metrics.modules] == ["ok.py"]  # deep.py nests past the parse bound: refused, and noted


def test_repository_without_python_has_no_code(tmp_path: Path) -> None:
    metrics = code_metrics(tmp_path, {"README.md": "# hi\n"})
    assert not metrics.has_code and metrics.blocks == () and metrics.docstrings.percent is None


# ----- code layout --------------------------------------------------------------------------------


def test_notebooks_only_project_is_recognised_with_definitions_by_cell(tmp_path: Path) -> None:
    layout = code_layout(tmp_path, {
        "eda.ipynb": notebook("import pandas as pd", "def clean(df):\n    return df.dropna()", "class Model:\n    pass"),
        "setup.py": "def helper():\n    pass\n", "tests/test_x.py": "def test_a():\n    pass\n",
    })
    assert layout.notebooks_only and layout.module_definitions == 0
    (nb,) = layout.notebooks
    assert [(d.name, d.evidence.line) for d in nb.definitions] == [("clean", 3), ("Model", 4)]
    assert not nb.uses_project_code


def test_notebook_importing_or_running_project_code_uses_it(tmp_path: Path) -> None:
    layout = code_layout(tmp_path, {
        "src/churn/features.py": "def build(df):\n    return df\n",
        "train.py": "def main():\n    pass\n",
        "notebooks/a.ipynb": notebook("import sys\nsys.path.append('../src')", "from churn.features import build"),
        "notebooks/b.ipynb": notebook("%run ../train.py", "x = 1"),
        "notebooks/c.ipynb": notebook("import numpy as np"),
    })
    uses = {n.path: [(e.line, e.excerpt) for e in n.uses_modules] for n in layout.notebooks}
    assert uses["notebooks/a.ipynb"] == [(3, "cell 3: from churn.features import build")]
    assert uses["notebooks/b.ipynb"] == [(2, "cell 2: %run ../train.py")]
    assert uses["notebooks/c.ipynb"] == []
    assert layout.module_definitions == 2 and layout.modules == ("src/churn/features.py", "train.py")


def test_notebook_copy_of_a_module_function_is_a_duplicate_but_unrelated_namesakes_are_not(tmp_path: Path) -> None:
    layout = code_layout(tmp_path, {
        "src/proj/data.py": "def preprocess(df, target):\n    return df\n\ndef evaluate(model, loader):\n    pass\n",
        "src/proj/model.py": "class Net:\n    pass\n",
        "notebooks/work.ipynb": notebook("def preprocess(df, target='y'):\n    return df",
                                         "def evaluate(responses, judge):\n    pass", "class Net:\n    pass"),
        "course/week1/analysis.ipynb": notebook("def preprocess(df, target):\n    return df"),
    })
    duplicates = [(d.name, d.evidence.location(), d.also_in.location()) for d in layout.duplicates]
    assert duplicates == [("preprocess", "notebooks/work.ipynb, cell 2", "src/proj/data.py:1"),
                          ("Net", "notebooks/work.ipynb, cell 4", "src/proj/model.py:1")]


def test_self_contained_notebooks_define_many_functions_without_importing_the_project(tmp_path: Path) -> None:
    defs = [f"def step{i}(x):\n    return x" for i in range(5)]
    layout = code_layout(tmp_path, {"lib.py": "def util():\n    pass\n", "big.ipynb": notebook(*defs),
                                    "small.ipynb": notebook(defs[0])})
    assert [n.path for n in layout.self_contained(5)] == ["big.ipynb"]
    assert layout.notebook_definitions == 6 and not layout.notebooks_only


def test_import_name_is_relative_to_the_notebook_project_and_valid_python() -> None:
    assert import_name("notebooks/a.ipynb", "src/churn/data.py") == "churn.data"
    assert import_name("04-deploy/batch/score.ipynb", "04-deploy/batch/score.py") == "score"
    assert import_name("a.ipynb", "pkg/__init__.py") == "pkg"
    assert import_name("a.ipynb", "my-scripts/run.py") is None
