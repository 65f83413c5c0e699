"""Results at a glance, end to end: real temp repositories (README tables, MLflow stores written by
mlflow, notebooks written with nbformat) scanned with `scan`, and the number helpers on their own."""
from __future__ import annotations

import math
from pathlib import Path

import nbformat
import pytest
from conftest import copy_sample
from gitutil import write_files
from story_helpers import CHURN_RUNS, log_runs

from portcheck.analyzer.scan import scan
from portcheck.analyzer.story.results import format_value, higher_is_better, is_baseline_label, metric_number

v4 = nbformat.v4


def results_of(root: Path, files: dict[str, str]):
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    return scan(root).results


def labels(results) -> list[str]:
    return [row.label for row in results.rows]


CHURN_README = """# Churn prediction

We predict which customers cancel next month; only 8% of them churn, so the classes are imbalanced.

## Results

| Model | Accuracy | PR-AUC | Notes |
|---|---|---|---|
| Majority class | 0.92 | 0.08 | predicts "stays" |
| Logistic regression | 0.90 | 0.41 | |
| **XGBoost** | **0.93** | **0.57** | tuned |
"""


# ---- README tables --------------------------------------------------------------------------------

def test_readme_table_gives_rows_with_baseline_and_best_on_the_task_metric(tmp_path):
    results = results_of(tmp_path / "proj", {"README.md": CHURN_README})
    assert labels(results) == ["Majority class", "Logistic regression", "XGBoost"]
    assert results.primary == "pr_auc"            # imbalanced: PR-AUC before accuracy
    assert results.metrics == ("pr_auc", "accuracy")
    assert results.higher_is_better is True
    assert results.baseline == 0 and results.rows[0].baseline
    assert results.best == 2
    best = results.rows[2]
    assert best.values == (("pr_auc", "0.57"), ("accuracy", "0.93"))
    assert best.source == "readme" and best.run_id is None
    assert best.evidence.path == "README.md" and best.evidence.line == 11
    assert "XGBoost" in best.evidence.excerpt and "0.57" in best.evidence.excerpt
    assert results.runs_tried == 0


def test_lower_is_better_metric_makes_the_smallest_error_best(tmp_path):
    readme = """# House prices

Regression of sale prices.

| Model | RMSE | R² |
|---|---|---|
| Mean predictor (baseline) | 79,000 | 0.00 |
| Random forest | 31,500 | 0.84 |
| Ridge | 35,200 | 0.80 |
"""
    results = results_of(tmp_path / "proj", {"README.md": readme})
    assert results.primary == "rmse" and results.higher_is_better is False
    assert labels(results)[results.baseline] == "Mean predictor (baseline)"
    assert labels(results)[results.best] == "Random forest"


def test_percent_values_and_a_percent_header_compare_with_fractions(tmp_path):
    readme = """# Digits

| Model | Accuracy (%) | F1 |
|---|---|---|
| Random guess | 10.0 | 0.10 |
| CNN | 99.1 ± 0.1 | 0.99 |
| MLP | 97.9% | 0.98 |
"""
    results = results_of(tmp_path / "proj", {"README.md": readme})
    rows = {row.label: row for row in results.rows}
    assert rows["CNN"].value("accuracy") == "99.1 ± 0.1%"   # the header's unit is kept with the value
    assert rows["MLP"].value("accuracy") == "97.9%"
    assert rows["Random guess"].baseline
    assert labels(results)[results.best] == "CNN"


def test_table_of_metrics_by_model_columns_is_read_across(tmp_path):
    readme = """# Spam filter

## Results

| Metric | Logistic regression | Naive Bayes |
|---|---|---|
| Precision | 0.91 | 0.88 |
| Recall | 0.80 | 0.85 |
| F1 | 0.85 | 0.86 |
"""
    results = results_of(tmp_path / "proj", {"README.md": readme})
    assert labels(results) == ["Logistic regression", "Naive Bayes"]   # naive Bayes is no baseline
    assert results.primary == "f1" and results.baseline is None
    assert labels(results)[results.best] == "Naive Bayes"


def test_ragged_and_empty_tables_and_non_result_tables_are_total(tmp_path):
    readme = """# Odd tables

| Layer | Tooling |
|---|---|
| Backend | FastAPI |

| Fold | Accuracy |
|---|---|
| 1 | 0.81 |
| 2 | 0.83 |

| Model | F1 | AUC |
|---|---|---|
| A | | n/a |
| B | 0.7 |
| C | 0.75 | 0.9 | extra |
| | |
"""
    results = results_of(tmp_path / "proj", {"README.md": readme})
    assert labels(results) == ["B", "C"]   # no number for A; folds are not models
    assert results.best == 1


def test_readme_without_numbers_gives_no_results(tmp_path):
    assert results_of(tmp_path / "proj", {"README.md": "# Demo\n\nA model that predicts things.\n",
                                          "train.py": "print('hi')\n"}) is None


def test_rows_are_capped_and_keep_the_baseline_and_the_best(tmp_path):
    body = "".join(f"| model-{i:02d} | 0.{50 + i} |\n" for i in range(20))
    readme = f"# Many\n\n| Model | F1 |\n|---|---|\n| dummy | 0.10 |\n{body}"
    results = results_of(tmp_path / "proj", {"README.md": readme})
    assert len(results.rows) == 12
    assert results.rows[results.baseline].label == "dummy"
    assert results.rows[results.best].label == "model-19"
    assert labels(results)[1:] == [f"model-{i:02d}" for i in range(9, 20)]   # the best eleven, in README order


# ---- tracked runs ---------------------------------------------------------------------------------

def test_tracked_runs_become_rows_with_run_ids_and_compact_values(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    root.mkdir()
    ids = log_runs(monkeypatch, root, CHURN_RUNS)
    results = results_of(root, {"README.md": "# Churn\n\nBinary classification of churners.\n"})
    assert results.runs_tried == 4
    assert all(row.source == "runs" for row in results.rows)
    by_label = {row.label: row for row in results.rows}
    assert by_label["dummy-baseline"].baseline and by_label["dummy-baseline"].run_id == ids[0]
    assert by_label["dummy-baseline"].value("f1") == "0.2"          # test_f1 before val_f1
    assert by_label["logreg"].value("f1") == "0.6123"               # four significant digits
    assert len(results.rows) == 3 and ids[3] not in {row.run_id for row in results.rows}  # NaN: nothing to show
    assert results.primary == "f1"
    assert results.rows[results.best].label == "xgboost" and results.rows[results.best].run_id == ids[2]
    assert results.rows[results.baseline].label == "dummy-baseline"
    best = results.rows[results.best]
    assert best.evidence.path.startswith("mlruns/") and best.evidence.path.endswith("/meta.yaml")
    assert results.metrics == ("f1", "roc_auc")   # no epoch, and training scores are no results


def test_a_run_named_like_a_readme_row_adds_its_run_id_to_that_row(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    root.mkdir()
    ids = log_runs(monkeypatch, root, CHURN_RUNS[:3])
    readme = "# Churn\n\n| Run | F1 |\n|---|---|\n| dummy-baseline | 0.20 |\n| logreg | 0.61 |\n| xgboost | 0.66 |\n"
    results = results_of(root, {"README.md": readme})
    assert labels(results) == ["dummy-baseline", "logreg", "xgboost"]   # no duplicate rows
    assert [row.source for row in results.rows] == ["readme"] * 3
    assert [row.run_id for row in results.rows] == ids
    assert results.runs_tried == 3


def test_polished_sample_compares_the_logistic_baseline_with_the_best_boosted_model(tmp_path):
    root = copy_sample("polished", tmp_path, with_git=False)
    results = scan(root).results
    assert results.primary == "pr_auc" and results.higher_is_better
    assert results.rows[results.baseline].label == "baseline-logreg"
    assert results.rows[results.best].label == "hgb-depth2"
    assert results.rows[results.best].value("pr_auc") == "0.593"
    assert results.runs_tried == 5 and all(row.run_id for row in results.rows)
    assert results.metrics[0] == "pr_auc" and len(results.metrics) <= 6


# ---- notebooks ------------------------------------------------------------------------------------

def notebook(*printed: tuple[str, str]) -> str:
    cells = [v4.new_markdown_cell("# Models")]
    for number, (source, text) in enumerate(printed, start=1):
        cells.append(v4.new_code_cell(source, execution_count=number,
                                      outputs=[v4.new_output("stream", name="stdout", text=text)]))
    return nbformat.writes(v4.new_notebook(cells=cells))


def test_printed_notebook_metrics_become_rows_named_after_the_model(tmp_path):
    book = notebook(
        ("print('Dummy F1:', f1_score(y, dummy.predict(X)))\nprint('Dummy accuracy:', acc)",
         "Dummy F1: 0.1234567891\nDummy accuracy: 0.90\n"),
        ("print('Random Forest F1:', f1_score(y, rf.predict(X)))\nprint('Random Forest accuracy:', acc)",
         "Random Forest F1: 0.8123456\nRandom Forest accuracy: 0.95\n"),
    )
    results = results_of(tmp_path / "proj", {"README.md": "# Fraud\n", "model.ipynb": book})
    assert labels(results) == ["Dummy", "Random Forest"]
    assert [row.source for row in results.rows] == ["notebook"] * 2
    assert results.rows[1].values == (("f1", "0.8123"), ("accuracy", "0.95"))   # printed float noise cut
    assert results.rows[1].evidence.path == "model.ipynb" and results.rows[1].evidence.line == 3
    assert results.rows[results.baseline].label == "Dummy"
    assert results.rows[results.best].label == "Random Forest"


def test_notebook_rows_are_not_added_when_the_readme_table_already_compares(tmp_path):
    book = notebook(("print('Random Forest F1:', f1)", "Random Forest F1: 0.81\n"),
                    ("print('SVM F1:', f1)", "SVM F1: 0.79\n"))
    results = results_of(tmp_path / "proj", {"README.md": CHURN_README, "model.ipynb": book})
    assert {row.source for row in results.rows} == {"readme"}


def test_same_repository_gives_the_same_results(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    root.mkdir()
    log_runs(monkeypatch, root, CHURN_RUNS)
    write_files(root, {"README.md": CHURN_README})
    assert scan(root).results == scan(root).results


# ---- helpers --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "number"), [
    ("0.91", 0.91), ("91.2%", 0.912), ("0.91 ± 0.02", 0.91), ("**0.85**", 0.85), ("`0.1420`", 0.142),
    ("0,91", 0.91), ("1,234.5", 1234.5), ("31,500", 31500.0), ("-0.5", -0.5), (".85", 0.85), ("1e-3", 0.001),
    ("0.853 (std 0.02)", 0.853), ("~2500", 2500.0),
])
def test_metric_number_reads_the_value_a_repository_writes(value, number):
    assert metric_number(value) == pytest.approx(number)


@pytest.mark.parametrize("value", ["", "--", "n/a", "NaN", "inf", "1.23s", "124M", "model", "± 0.02"])
def test_metric_number_refuses_what_is_not_a_metric_value(value):
    assert metric_number(value) is None


@pytest.mark.parametrize(("metric", "higher"), [
    ("accuracy", True), ("pr_auc", True), ("r2", True), ("other:mcc", True), ("rmse", False), ("mae", False),
    ("log_loss", False), ("loss", False), ("val_loss", False), ("other:rmsle", False), ("wer", False),
    ("perplexity", False), ("other:top1_error", False), ("fid", False),
])
def test_higher_is_better_knows_errors_and_losses(metric, higher):
    assert higher_is_better(metric) is higher


@pytest.mark.parametrize(("value", "text"), [
    (0.4871193780674878, "0.4871"), (0.88, "0.88"), (3.0, "3"), (1234.5678, "1235"), (12345678.9, "12345679"),
    (0.999999535542333, "0.9999995"),
])
def test_format_value_is_compact_without_float_noise(value, text):
    assert format_value(value) == text
    assert not math.isnan(float(text))


@pytest.mark.parametrize(("label", "baseline"), [
    ("baseline-logreg", True), ("LR (baseline)", True), ("DummyClassifier", True), ("Majority class", True),
    ("most_frequent", True), ("Random guess", True), ("naive forecast", True),
    ("Naive Bayes", False), ("Random Forest", False), ("XGBoost", False),
])
def test_baseline_labels(label, baseline):
    assert is_baseline_label(label) is baseline
