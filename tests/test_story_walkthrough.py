"""The interview walkthrough, end to end: real temporary repositories (README text, code files, nbformat
notebooks, MLflow stores written by mlflow) and the sample projects are scanned, and the nine steps
are read back from the report."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from conftest import copy_sample
from gitutil import write_files
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from story_helpers import log_runs

from portcheck.analyzer.model import WALKTHROUGH_STEPS, Report, TalkingPoint, to_plain
from portcheck.analyzer.scan import scan

STEPS = list(WALKTHROUGH_STEPS)

LOAN_README = """\
# Loan default prediction

This project predicts which loan applicants will default within a year, so that the credit team can
review the riskiest applications before approval.

## Data

The data set has 32,581 loan applications from the Kaggle credit risk dataset
(https://www.kaggle.com/datasets/laotse/credit-risk-dataset). Only 8% of applicants default.

## Limitations

The data covers a single lender and a single year. Next steps: calibrate the scores and review fairness.
"""

TRAIN = """\
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import train_test_split


def main(X, y):
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=1)
    model = LogisticRegression(class_weight="balanced").fit(X_train, y_train)
    print("f1", f1_score(y_test, model.predict(X_test)))
"""


# ---- helpers ---------------------------------------------------------------------------------------

def scan_files(root: Path, files: dict[str, str | bytes]) -> Report:
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    return scan(root)


def steps_of(report: Report) -> list[TalkingPoint]:
    return [p for p in report.talking_points if p.kind == "walkthrough"]


def step(report: Report, topic: str) -> TalkingPoint:
    return next(p for p in steps_of(report) if p.topic == topic)


def line_of(root: Path, path: str, text: str) -> int:
    return next(i for i, line in enumerate((root / path).read_text().splitlines(), start=1) if text in line)


def assert_evidence_exists(root: Path, points: list[TalkingPoint]) -> None:
    """Every evidence path is a file or folder inside `root`; a line is within the file (a cell number
    within the notebook)."""
    for point in points:
        for e in point.evidence:
            target = root / e.path
            assert e.path and target.exists() and target.resolve().is_relative_to(root.resolve()), (point.topic, e)
            if e.line is None:
                continue
            assert target.is_file(), (point.topic, e)
            if e.in_notebook:
                count = len(json.loads(target.read_text())["cells"])
            else:
                count = len(target.read_text(errors="replace").splitlines())
            assert 1 <= e.line <= count, (point.topic, e, count)


def notebook(*cells) -> str:
    return nbformat.writes(new_notebook(cells=list(cells)))


@pytest.fixture(scope="module")
def polished(tmp_path_factory) -> tuple[Path, Report]:
    root = copy_sample("polished", tmp_path_factory.mktemp("walk"))
    return root, scan(root)


@pytest.fixture(scope="module")
def weak(tmp_path_factory) -> tuple[Path, Report]:
    root = copy_sample("weak", tmp_path_factory.mktemp("walk"))
    return root, scan(root)


# ---- shape -----------------------------------------------------------------------------------------

def test_empty_repository_gives_nine_unshown_steps_in_order_each_with_a_fix(tmp_path):
    report = scan(tmp_path)
    steps = steps_of(report)
    assert [p.topic for p in steps] == STEPS
    assert [p.title for p in steps] == list(WALKTHROUGH_STEPS.values())
    assert all(p.shown is False and p.fix and p.text for p in steps)
    assert 12 <= sum(p.minutes for p in steps) <= 15
    assert all(e.path for p in steps for e in p.evidence)  # nothing points at a file that is not there
    assert "README.md" in step(report, "problem").fix


@pytest.mark.parametrize("sample", ["polished", "weak", "average", "average-dl", "malformed"])
def test_every_sample_gives_nine_steps_in_order_with_minutes_between_12_and_15(sample, tmp_path):
    root = copy_sample(sample, tmp_path, with_git=False)
    steps = steps_of(scan(root))
    assert [p.topic for p in steps] == STEPS
    assert all(p.kind == "walkthrough" and isinstance(p.minutes, int) and p.minutes >= 1 for p in steps)
    assert 12 <= sum(p.minutes for p in steps) <= 15
    assert all(p.fix for p in steps if p.shown is False)
    assert_evidence_exists(root, steps)


def test_walkthrough_is_deterministic(tmp_path):
    root = tmp_path / "loan"
    first = scan_files(root, {"README.md": LOAN_README, "train.py": TRAIN})
    second = scan(root)
    assert to_plain(steps_of(first)) == to_plain(steps_of(second))


# ---- filled from the README --------------------------------------------------------------------------

def test_readme_problem_data_and_limitations_fill_their_steps_with_the_stated_lines(tmp_path):
    root = tmp_path / "loan"
    report = scan_files(root, {"README.md": LOAN_README, "train.py": TRAIN})

    problem = step(report, "problem")
    assert problem.shown is True and problem.fix is None  # "so that the credit team can …" says why
    assert "This project predicts which loan applicants will default within a year" in problem.text
    assert ("README.md", line_of(root, "README.md", "This project predicts")) in {(e.path, e.line) for e in problem.evidence}

    data = step(report, "data")
    assert data.shown is True
    assert "32,581 loan applications" in data.text and "Only 8% of applicants default" in data.text
    assert ("README.md", line_of(root, "README.md", "32,581")) in {(e.path, e.line) for e in data.evidence}
    assert ("README.md", line_of(root, "README.md", "Only 8%")) in {(e.path, e.line) for e in data.evidence}
    assert "Gap" not in data.text  # source and size are both stated

    limits = step(report, "limitations")
    assert limits.shown is True and "single lender" in limits.text
    assert [(e.path, e.line) for e in limits.evidence] == [("README.md", line_of(root, "README.md", "single lender"))]
    assert_evidence_exists(root, steps_of(report))


def test_absent_story_parts_are_not_shown_and_say_what_to_paste_where(tmp_path):
    root = tmp_path / "bare"
    report = scan_files(root, {"README.md": "# credit\n\nSome code I wrote for a course.\n", "train.py": TRAIN})
    for topic in ("problem", "data", "baseline", "impact", "limitations"):
        point = step(report, topic)
        assert point.shown is False, topic
        assert "README.md" in point.fix and "“" in point.fix, (topic, point.fix)  # a sentence to paste, and where
    assert "“credit”" in step(report, "problem").text  # the title it has is quoted
    # what the code shows is offered: the stratified split and its ratio, the simple model as a baseline
    assert "test_size=0.25" in step(report, "data").text and "75/25" in step(report, "data").fix
    assert "LogisticRegression" in step(report, "models").text
    validation = step(report, "validation")
    assert validation.shown is True and "stratified" in validation.text and validation.fix  # README says nothing
    assert ("train.py", line_of(root, "train.py", "train_test_split(X, y")) in {(e.path, e.line) for e in validation.evidence}


def test_a_problem_statement_without_a_reason_is_shown_with_a_gap(tmp_path):
    report = scan_files(tmp_path / "p", {
        "README.md": "# Spam filter\n\nThis project classifies SMS messages as spam or ham with a naive Bayes model.\n",
        "train.py": TRAIN,
    })
    problem = step(report, "problem")
    assert problem.shown is True and "classifies SMS messages" in problem.text
    assert "Gap: " in problem.text and "so that" in problem.fix


# ---- results, baseline and runs ------------------------------------------------------------------------

def test_readme_results_table_gives_best_against_baseline_with_the_difference(tmp_path):
    root = tmp_path / "table"
    report = scan_files(root, {
        "README.md": LOAN_README + "\n## Results\n\n| Model | F1 | ROC-AUC |\n|---|---|---|\n"
                     "| Logistic regression (baseline) | 0.61 | 0.80 |\n| XGBoost | 0.72 | 0.88 |\n",
        "train.py": TRAIN,
    })
    assert report.results is not None and report.results.primary in ("f1", "roc_auc")
    expected = {"f1": "F1 0.61 → 0.72 over the baseline (+0.11)",
                "roc_auc": "ROC-AUC 0.80 → 0.88 over the baseline (+0.08)"}[report.results.primary]
    results = step(report, "results")
    assert results.shown is True and expected in results.text and results.fix is None
    lines = {e.line for e in results.evidence if e.path == "README.md"}
    assert {line_of(root, "README.md", "| XGBoost"), line_of(root, "README.md", "| Logistic regression")} <= lines
    baseline = step(report, "baseline")
    assert baseline.shown is True and "Logistic regression (baseline)" in baseline.text and baseline.fix is None


def test_run_store_gives_runs_tried_the_best_run_and_a_baseline_run(tmp_path, monkeypatch):
    root = tmp_path / "runs"
    root.mkdir()
    ids = log_runs(monkeypatch, root, [
        ("dummy-baseline", {"model": "dummy"}, {"f1": 0.10}),
        ("logreg-c1", {"model": "logreg", "C": "1.0"}, {"f1": 0.55}),
        ("forest-300", {"model": "forest", "n_estimators": "300", "max_depth": "8"}, {"f1": 0.64}),
        ("forest-100", {"model": "forest", "n_estimators": "100", "max_depth": "4"}, {"f1": 0.60}),
    ], experiment="default-risk")
    report = scan_files(root, {"README.md": LOAN_README, "train.py": TRAIN})
    models = step(report, "models")
    assert "4 tracked runs in mlruns by `model`: forest (2), dummy (1), logreg (1)" in models.text
    assert f"Best: forest-300 (`{ids[2][:8]}…`): max_depth=8, n_estimators=300." in models.text
    results = step(report, "results")
    assert "4 tracked runs were tried" in results.text and "→" in results.text and ids[2][:8] in results.text
    assert step(report, "baseline").shown is True and ids[0][:8] in step(report, "baseline").text
    assert any(ids[2] in (e.excerpt or "") and e.path.endswith("meta.yaml") for e in models.evidence)
    assert_evidence_exists(root, steps_of(report))


def test_numbers_printed_only_in_a_notebook_are_shown_with_a_gap_citing_the_cell(tmp_path):
    root = tmp_path / "nb"
    report = scan_files(root, {
        "README.md": LOAN_README,
        "model.ipynb": notebook(
            new_markdown_cell("# Default model"),
            new_code_cell("from sklearn.ensemble import RandomForestClassifier\n"
                          "from sklearn.metrics import recall_score", execution_count=1),
            new_code_cell("print('Recall:', recall_score(y_test, model.predict(X_test)))", execution_count=2,
                          outputs=[new_output("stream", name="stdout", text="Recall: 0.74\n")]),
        ),
    })
    results = step(report, "results")
    assert results.shown is True and "0.74" in results.text and "Gap: the numbers are not in the README" in results.text
    assert ("model.ipynb", 3) in {(e.path, e.line) for e in results.evidence}
    assert "README.md" in results.fix
    assert_evidence_exists(root, steps_of(report))


def test_no_number_anywhere_is_a_results_gap_naming_the_metric_the_code_computes(tmp_path):
    report = scan_files(tmp_path / "r", {"README.md": LOAN_README, "train.py": TRAIN})
    results = step(report, "results")
    assert results.shown is False and "F1" in results.text and "| Model | F1 |" in results.fix


# ---- the sample projects ---------------------------------------------------------------------------------

def test_polished_sample_reads_like_the_example(polished):
    root, report = polished
    steps = {p.topic: p for p in steps_of(report)}
    assert all(p.shown for p in steps.values())
    assert "This project predicts which customers of a subscription service will cancel" in steps["problem"].text
    assert "1,000 synthetic customers" in steps["data"].text and "Only about 12% of customers churn" in steps["data"].text
    assert "baseline-logreg" in steps["baseline"].text
    assert "HistGradientBoostingClassifier" in steps["models"].text and "5 tracked runs" in steps["models"].text
    assert "stratified" in steps["validation"].text and "median imputation with missing-value indicators" in steps["validation"].text
    assert "PR-AUC 0.487 → 0.593 over the baseline (+0.106)" in steps["results"].text
    assert "5 tracked runs were tried" in steps["results"].text
    assert "SHAP" in steps["trade_offs"].text and "latency" in steps["trade_offs"].text and steps["trade_offs"].fix
    assert "One small test split" in steps["limitations"].text
    assert_evidence_exists(root, list(steps.values()))


def test_weak_sample_shows_its_gaps_with_the_fixes_to_paste(weak):
    root, report = weak
    steps = {p.topic: p for p in steps_of(report)}
    assert [t for t, p in steps.items() if not p.shown] == ["problem", "data", "baseline", "trade_offs", "impact",
                                                              "limitations"]
    assert "fraud_detection" in steps["problem"].fix
    assert "80/20" in steps["data"].fix
    assert "RandomForestClassifier" in steps["models"].text
    assert "accuracy 0.999" in steps["results"].text and "Copy of model.ipynb, cell 10" in steps["results"].text
    assert "not stratified" in steps["validation"].text
    assert_evidence_exists(root, list(steps.values()))
