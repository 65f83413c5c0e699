"""Notebook hygiene checks QA120–QA124 on small repositories of real notebooks written with nbformat."""
from __future__ import annotations

import nbformat
from conftest import check_result
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from portcheck.analyzer.model import Status

TOLD = [new_markdown_cell("# Titanic survival\n\nWho survived the Titanic, and can a model tell from the passengers?")]
END = [new_markdown_cell("## Conclusion\n\nThe forest beats the majority baseline by twelve points of accuracy.")]


def book(*cells) -> str:
    return nbformat.writes(new_notebook(cells=list(cells)))


def code(source: str, count: int | None = None, outputs=()) -> nbformat.NotebookNode:
    return new_code_cell(source, execution_count=count, outputs=list(outputs))


def clean(*counts: int) -> str:
    """A told notebook whose code cells ran with `counts`, imports in the first cell."""
    cells = [code("import pandas as pd", counts[0])]
    cells += [code(f"x{i} = pd.Series([{i}])", c) for i, c in enumerate(counts[1:], start=1)]
    return book(*TOLD, *cells, *END)


def test_every_check_skips_a_repository_without_notebooks_with_quality_wording(tmp_path):
    for check_id in ("QA120", "QA121", "QA122", "QA123", "QA124"):
        result = check_result(tmp_path / check_id, {"train.py": "print(1)\n"}, check_id)
        assert (result.status, result.message) == (Status.SKIP, "the repository has no notebooks")


def test_hidden_executions_warn_with_the_cells_around_each_jump(tmp_path):
    result = check_result(tmp_path, {"eda.ipynb": clean(1, 2, 9, 10), "model.ipynb": clean(1, 2, 3)}, "QA120")
    assert result.status is Status.WARN
    assert result.message == "execution counts jump in 1 of 2 notebooks run in order: eda.ipynb (6 hidden executions)"
    (evidence,) = result.evidence
    assert (evidence.path, evidence.line) == ("eda.ipynb", 4)
    assert evidence.excerpt == "cell 3 ran as [2], then cell 4 as [9]: 6 executions between them are hidden"
    assert "Restart & Run All" in result.fix and "cell 4 ran as [9] right after [2]" in result.question


def test_notebooks_run_cleanly_pass_and_out_of_order_or_unrun_ones_are_left_to_qa102_and_qa103(tmp_path):
    passed = check_result(tmp_path / "a", {"eda.ipynb": clean(1, 2, 3)}, "QA120")
    assert passed.status is Status.PASS and passed.talking_point.startswith("eda.ipynb ran top to bottom")
    others = {"shuffled.ipynb": clean(1, 9, 2), "unrun.ipynb": book(code("x = 1"), code("y = 2"))}
    skipped = check_result(tmp_path / "b", others, "QA120")
    assert skipped.status is Status.SKIP and "QA102" in skipped.message


def test_late_imports_warn_with_their_cells_and_a_fix_naming_the_statement_and_the_target_cell(tmp_path):
    nb = book(*TOLD, code("import pandas as pd", 1), code("df = pd.read_csv('train.csv')", 2),
              code("df.describe()", 3), code("import seaborn as sns\nsns.histplot(df.age)", 4),
              code("import pandas as pd", 5), *END)
    result = check_result(tmp_path, {"eda.ipynb": nb}, "QA121")
    assert result.status is Status.WARN
    assert result.message == "imports below the top in 1 notebook: eda.ipynb (2 late imports)"
    assert [(e.line, e.excerpt) for e in result.evidence] == [
        (5, "cell 5: import seaborn as sns"), (6, "cell 6: import pandas as pd (imported again)")]
    assert "move `import seaborn as sns` (cell 5) into the first code cell (cell 2)" in result.fix
    assert "delete `import pandas as pd` (cell 6), imported already above" in result.fix


def test_imports_gathered_at_the_top_pass(tmp_path):
    result = check_result(tmp_path, {"eda.ipynb": clean(1, 2, 3)}, "QA121")
    assert result.status is Status.PASS


def test_a_training_log_of_thousands_of_lines_is_an_oversized_output_with_a_fix_for_logs(tmp_path):
    log = new_output("stream", name="stdout", text="".join(f"[{i}] rmse: 6.3\n" for i in range(2500)))
    nb = book(*TOLD, code("import xgboost as xgb", 1), code("booster = xgb.train(params, dtrain)", 2, [log]), *END)
    result = check_result(tmp_path, {"train.ipynb": nb}, "QA122")
    assert result.status is Status.WARN
    (evidence,) = result.evidence
    assert (evidence.line, evidence.excerpt) == (3, "cell 3: stream output of 2,500 lines, 40 KiB")
    assert result.fix.startswith("In train.ipynb, cell 3 (stream output of 2,500 lines, 40 KiB): print a summary")


def test_small_outputs_pass_citing_the_largest_and_no_outputs_skip(tmp_path):
    figure = new_output("display_data", data={"image/png": "iVBOR" * 2000, "text/plain": "<Figure>"})
    passed = check_result(tmp_path / "a", {"eda.ipynb": book(code("plot()", 1, [figure]))}, "QA122")
    assert passed.status is Status.PASS
    assert passed.message.endswith("largest: image/png output of 9 KiB (eda.ipynb, cell 1)")
    skipped = check_result(tmp_path / "b", {"eda.ipynb": book(code("plot()"))}, "QA122")
    assert (skipped.status, skipped.message) == (Status.SKIP, "no notebook was saved with outputs")


def test_a_notebook_of_bare_code_gets_a_title_from_its_name_and_the_missing_parts_to_paste(tmp_path):
    nb = book(code("import pandas as pd", 1), code("df = pd.read_csv('churn.csv')", 2), code("df.head()", 3))
    result = check_result(tmp_path, {"notebooks/02_customer-churn.ipynb": nb}, "QA123")
    assert result.status is Status.WARN
    assert result.message == ("1 notebook lacks part of its story: notebooks/02_customer-churn.ipynb "
                              "(no Markdown at all)")
    assert [e.line for e in result.evidence] == [1, 3]
    assert "start with a Markdown cell `# Customer churn`" in result.fix
    assert "end with a `## Conclusion` cell after cell 3" in result.fix
    assert result.question


def test_a_told_notebook_passes_with_a_talking_point_along_its_story(tmp_path):
    result = check_result(tmp_path, {"titanic.ipynb": clean(1, 2, 3)}, "QA123")
    assert result.status is Status.PASS
    assert result.talking_point == ("Present titanic.ipynb along its own story: \u201cTitanic survival\u201d, "
                                    "the introduction (cell 1), then the conclusion (cell 5).")


def test_snippet_notebooks_are_not_asked_for_a_story(tmp_path):
    result = check_result(tmp_path, {"scratch-plot.ipynb": book(code("plot()", 1))}, "QA123")
    assert result.status is Status.SKIP


def test_default_names_warn_with_a_rename_taken_from_the_title_and_copies_of_existing_notebooks_deleted(tmp_path):
    files = {"Untitled1.ipynb": clean(1, 2, 3), "eda.ipynb": clean(1, 2), "eda-Copy1.ipynb": clean(1, 2),
             ".ipynb_checkpoints/eda-checkpoint.ipynb": clean(1, 2)}
    result = check_result(tmp_path, files, "QA124")
    assert result.status is Status.WARN
    assert result.message == "2 of 3 notebooks named by default or as a copy: Untitled1.ipynb, eda-Copy1.ipynb"
    assert [e.excerpt for e in result.evidence] == ["Untitled1.ipynb: Jupyter's default name",
                                                     "eda-Copy1.ipynb: a copy's name"]
    assert result.fix.startswith('`git mv "Untitled1.ipynb" "titanic-survival.ipynb"` (after its title)')
    copy = check_result(tmp_path / "copy", {"eda.ipynb": clean(1), "eda - Copy.ipynb": clean(1)}, "QA124")
    assert copy.fix.startswith('`eda - Copy.ipynb` copies `eda.ipynb`: delete it')


def test_descriptive_names_pass(tmp_path):
    result = check_result(tmp_path, {"01-eda.ipynb": clean(1), "02-baseline.ipynb": clean(1)}, "QA124")
    assert (result.status, result.message) == (Status.PASS, "2 notebooks have descriptive names")


def test_a_course_of_many_notebooks_is_one_finding_with_evidence_spread_and_capped(tmp_path):
    files = {f"lesson{i:02d}.ipynb": book(code(f"a = {i}", 1), code("b = 2", 5), code("c = 3", 9), code("d = 4", 13),
                                          code("e = 5", 17))
             for i in range(40)}
    result = check_result(tmp_path, files, "QA120")
    assert result.status is Status.WARN
    assert result.message.startswith("execution counts jump in 40 notebooks run in order: lesson00.ipynb (12 hidden")
    assert result.message.endswith("and 37 more")
    assert len(result.evidence) == 25
    assert sorted({e.path for e in result.evidence}) == [f"lesson{i:02d}.ipynb" for i in range(9)]
