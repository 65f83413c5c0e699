"""Notebook facts: real notebooks written with nbformat, real git repositories for what is tracked."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from gitutil import make_git_repo
from nbformat import v3
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from portcheck.analyzer.facts.notebooks import (
    HEAVY_NOTEBOOK_BYTES,
    HUGE_OUTPUT_BYTES,
    detect_notebooks,
    human_size,
    inspect_notebook,
    name_problem,
)
from portcheck.analyzer.gitsafe import SafeGit
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Notebook, NotebookCell, Sources, parse_notebook


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


# ==== hygiene facts: hidden state, late imports, output sizes, narrative, names ===================

def book(*cells) -> str:
    """A v4 notebook of the given nbformat cells."""
    return nbformat.writes(new_notebook(cells=list(cells)))


def code(source: str, count: int | None = None, outputs=()) -> nbformat.NotebookNode:
    return new_code_cell(source, execution_count=count, outputs=list(outputs))


def report_of(cells: list, path: str = "nb.ipynb"):
    """The report of one notebook parsed from text (cells parsed inside `inspect_notebook`)."""
    return inspect_notebook(parse_notebook(path, book(*cells)))


def test_jumps_in_consecutive_counts_are_gaps_with_the_hidden_runs_counted() -> None:
    report = report_of([code("a = 1", 1), new_markdown_cell("text"), code("b = 2", 2), code("c = 3", 6),
                        code("d = 4", 7)])
    (gap,) = report.gaps
    assert (gap.previous_cell, gap.previous_count, gap.cell, gap.count, gap.hidden) == (3, 2, 4, 6, 3)
    (evidence,) = report.gap_evidence()
    assert evidence.line == 4
    assert evidence.excerpt == "cell 3 ran as [2], then cell 4 as [6]: 3 executions between them are hidden"


def test_a_first_count_above_one_hides_the_runs_before_it() -> None:
    report = report_of([code("a = 1", 5), code("b = 2", 6)])
    assert [(g.previous_cell, g.cell, g.hidden) for g in report.gaps] == [(None, 1, 4)]
    assert report.gap_evidence()[0].excerpt == "cell 1 is the first to run, as [5]: 4 executions before it are hidden"


def test_a_notebook_run_once_top_to_bottom_has_no_gap() -> None:
    report = report_of([code("a = 1", 1), code("", None), code("b = 2", 2), code("c = 3", 3)])
    assert report.gaps == () and report.hidden_executions == 0


def test_unexecuted_code_cells_in_a_jump_account_for_it_but_blank_ones_do_not() -> None:
    cleared = report_of([code("a = 1", 1), code("b = 2", None), code("c = 3", 3)])
    assert cleared.gaps == ()
    blank = report_of([code("a = 1", 1), code("  \n", None), code("c = 3", 3)])
    assert [(g.cell, g.hidden) for g in blank.gaps] == [(3, 1)]


def test_falling_counts_are_an_order_break_not_a_gap() -> None:
    report = report_of([code("a = 1", 4), code("b = 2", 2), code("c = 3", 3)])
    assert report.out_of_order
    assert [(g.cell, g.hidden) for g in report.gaps] == [(1, 3)]  # only the jump before [4]


SETUP = ("import warnings\nimport pandas as pd\nwarnings.filterwarnings('ignore')\n"
         "pd.set_option('display.max_columns', 50)\nSEED = 42\n")


def test_imports_after_the_first_working_cell_are_late_with_their_cell() -> None:
    report = report_of([
        code("%matplotlib inline"),
        code(SETUP, 1),
        code("import numpy as np\ndf = pd.read_csv('train.csv')", 2),
        code("import seaborn as sns\nsns.histplot(df.age)", 3),
        code("def plot():\n    import matplotlib.pyplot as plt\n    return plt", 4),
        code("try:\n    import xgboost as xgb\nexcept ImportError:\n    xgb = None", 5),
        code("import pandas as pd", 6),
    ])
    assert (report.first_work_cell, report.import_cell) == (3, 2)
    assert [(i.cell, i.statement, i.repeated) for i in report.late_imports] == [
        (4, "import seaborn as sns", False), (6, "import xgboost as xgb", False), (7, "import pandas as pd", True)]
    assert [e.excerpt for e in report.import_evidence()][-1] == "cell 7: import pandas as pd (imported again)"


def test_setup_cells_do_not_end_the_top_and_the_first_two_python_cells_may_import() -> None:
    report = report_of([
        code("import os\nimport sys\nsys.path.append('..')\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '2'"),
        code("import numpy as np\nnp.random.seed(0)"),
        code("import torch\nprint(torch.cuda.is_available())"),
        code("from torch import nn\nmodel = nn.Linear(2, 1)"),
    ])
    assert report.first_work_cell == 3
    assert [(i.cell, i.statement) for i in report.late_imports] == [(4, "from torch import nn")]
    grace = report_of([code("print('start')"), code("import pandas as pd\ndf = pd.DataFrame()")])
    assert grace.first_work_cell == 1 and grace.late_imports == ()


def test_cells_that_do_not_parse_are_left_out_of_the_import_judgement() -> None:
    report = report_of([code("import pandas as pd"), code("print 'python 2'"), code("x = 1"),
                        code("df = pd.DataFrame()"), code("import seaborn as sns")])
    assert report.first_work_cell == 3
    assert [i.cell for i in report.late_imports] == [5]


def test_output_sizes_flag_huge_payloads_and_long_text_with_their_cell() -> None:
    image = new_output("display_data", data={"image/png": "A" * (HUGE_OUTPUT_BYTES + 10), "text/plain": "<Figure>"})
    log = new_output("stream", name="stdout", text="epoch\n" * 1200)
    small = new_output("execute_result", data={"text/plain": "0.93"}, execution_count=3)
    report = report_of([code("plot()", 1, [image]), code("train()", 2, [log]), code("score", 3, [small])])
    assert [(o.cell, o.kind) for o in report.oversized_outputs] == [(1, "image/png"), (2, "stream")]
    assert report.largest_output.cell == 1 and not report.heavy
    excerpts = [e.excerpt for e in report.output_evidence()]
    assert excerpts == ["cell 1: image/png output of 1 MiB", "cell 2: stream output of 1,200 lines, 7 KiB"]


def test_many_moderate_outputs_make_a_heavy_notebook_cited_at_its_largest_output() -> None:
    part = HEAVY_NOTEBOOK_BYTES // 6 + 1
    cells = [code(f"plot({i})", i + 1, [new_output("display_data", data={"image/png": "B" * (part + i)})])
             for i in range(6)]
    report = report_of(cells)
    assert report.heavy and report.oversized_outputs == ()
    (evidence,) = report.output_evidence()
    assert evidence.line == 6 and evidence.excerpt.endswith(f"; outputs total {human_size(report.output_bytes)}")


def test_output_size_counts_utf8_bytes_not_characters() -> None:
    report = report_of([code("print(s)", 1, [new_output("stream", name="stdout", text="é" * 1000)])])
    assert report.output_bytes == 2000


def test_narrative_finds_title_introduction_and_conclusion_cells() -> None:
    report = report_of([
        new_markdown_cell('[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://x)'),
        new_markdown_cell("# Churn prediction\n\nWhich telecom customers will leave next month, and why?"),
        code("import pandas as pd", 1),
        code("df = pd.read_csv('churn.csv')", 2),
        new_markdown_cell("## Conclusion\n\nGradient boosting beats the baseline by 14 points of PR-AUC."),
    ])
    story = report.narrative
    assert (story.title, story.title_cell, story.intro_cell, story.conclusion_cell) == ("Churn prediction", 2, 2, 5)
    assert story.missing == () and report.narrative_evidence() == ()
    assert story.markdown_share == pytest.approx(3 / 5)


def test_a_bold_html_styled_first_line_is_a_title_but_a_setup_heading_or_a_section_is_not() -> None:
    bold = report_of([new_markdown_cell('**<center><span style="color:red">TITANIC SURVIVAL</span></center>**'),
                      code("x = 1", 1)])
    assert bold.narrative.title == "TITANIC SURVIVAL"
    setup = report_of([new_markdown_cell("# Setup"), code("x = 1", 1)])
    assert setup.narrative.title is None
    section = report_of([new_markdown_cell("Some words first to set the scene here."), code("import os", 1),
                         new_markdown_cell("## Q1. Downloading the data"), code("x = 1", 2)])
    assert section.narrative.title is None and section.narrative.intro_cell == 1


def test_a_conclusion_heading_in_the_second_half_counts_even_with_code_after_it() -> None:
    cells = [code(f"x{i} = {i}", i + 1) for i in range(4)]
    cells += [new_markdown_cell("### 5. Results and next steps"), code("save(model)", 5)]
    assert report_of(cells).narrative.conclusion_cell == 5
    early = [new_markdown_cell("## Summary"), *cells[:4], code("save(model)", 5)]
    assert report_of(early).narrative.conclusion_cell is None


def test_a_notebook_of_bare_code_misses_every_part_and_says_where() -> None:
    report = report_of([code("a = 1", 1), code("b = 2", 2), code("c = 3", 3), code("", None)])
    assert report.narrative.missing == ("title", "introduction", "conclusion")
    assert [(e.line, e.excerpt) for e in report.narrative_evidence()] == [
        (1, "cell 1: first code cell, no title or introduction above it (no Markdown cell at all)"),
        (3, "cell 3: last code cell, no conclusion after it")]


def test_a_notebook_without_code_has_no_narrative_to_judge() -> None:
    assert report_of([new_markdown_cell("# Notes")]).narrative is None


@pytest.mark.parametrize(("path", "problem"), [
    ("Untitled.ipynb", "Jupyter's default name"),
    ("notebooks/Untitled12.ipynb", "Jupyter's default name"),
    ("Copy of EDA.ipynb", "Colab's name for a copy"),
    ("EDA-Copy1.ipynb", "a copy's name"),
    ("EDA - Copy (2).ipynb", "a copy's name"),
    ("EDA (1).ipynb", "a duplicate download's name"),
    ("notebook2.ipynb", "a placeholder name"),
    ("scratch.ipynb", "a placeholder name"),
    ("01-eda.ipynb", None),
    ("copy_number_variation.ipynb", None),
    ("testing_models.ipynb", None),
    ("untitled_project/eda.ipynb", None),
    (".ipynb_checkpoints/Untitled-checkpoint.ipynb", None),
])
def test_default_copy_and_placeholder_names_are_recognised(path: str, problem: str | None) -> None:
    assert name_problem(path) == problem


def test_detector_reuses_parsed_cells_and_judges_committed_autosaves_it_reads_itself(tmp_path: Path) -> None:
    late = book(code("import os", 1), code("x = os.getcwd()", 2), code("y = 1", 3), code("import json", 4))
    make_git_repo(tmp_path, {"Untitled.ipynb": late, ".ipynb_checkpoints/Untitled-checkpoint.ipynb": late})
    with SafeGit.open(tmp_path) as git:
        tree = git.tree()
    facts = facts_for(tmp_path, tree)
    assert [(n.path, n.autosave, [i.cell for i in n.late_imports]) for n in facts.notebooks] == [
        (".ipynb_checkpoints/Untitled-checkpoint.ipynb", True, [4]), ("Untitled.ipynb", False, [4])]
    assert facts.notebooks[1].name_evidence().excerpt == "Untitled.ipynb: Jupyter's default name"
    assert facts.to_schema() == {"count": 2, "with_errors": 0, "out_of_order": 0, "unexecuted": 0}


def test_odd_output_payloads_are_sized_without_raising() -> None:
    outputs = ({"output_type": "display_data", "data": {"application/json": {"a": [1, 2]}}},
               {"output_type": "display_data", "data": "not a bundle"},
               {"output_type": "stream", "text": None},
               {"output_type": "error", "traceback": ["Traceback", 7, "KeyError"]})
    cell = NotebookCell(number=1, cell_type="code", source="show()", execution_count=1, outputs=outputs)
    report = inspect_notebook(Notebook(path="odd.ipynb", cells=(cell,)))
    assert [(o.kind, o.size) for o in report.oversized_outputs] == []
    assert report.largest_output.kind == "error"
    assert report.output_bytes == len("{'a': [1, 2]}") + len("TracebackKeyError")
