"""Metric-reporting checks on small projects written for the purpose."""
import nbformat
from conftest import check_result

from portcheck.analyzer.model import Status

FRAUD_CODE = """import pandas as pd
from imblearn.over_sampling import SMOTE
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

df = pd.read_csv("data/transactions.csv")
X_train, X_test, y_train, y_test = train_test_split(df.drop(columns="fraud"), df.fraud, stratify=df.fraud)
X_res, y_res = SMOTE().fit_resample(X_train, y_train)
model = RandomForestClassifier().fit(X_res, y_res)
print(accuracy_score(y_test, model.predict(X_test)))
"""

FRAUD_README = """# Fraud detection

Flags fraudulent card transactions; only 0.2% of transactions are fraud.

## Results

The random forest reaches an accuracy of 0.998 on the test set.
"""

REGRESSION_CODE = """from sklearn.linear_model import LinearRegression
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import KFold, cross_val_score

model = GradientBoostingRegressor()
scores = cross_val_score(model, X, y, cv=KFold(5), scoring="neg_root_mean_squared_error")
"""

REGRESSION_README = """# House prices

Predicts the sale price of a house from its features so agents can price listings faster.

## Results

| model | RMSE |
|---|---|
| linear regression (baseline) | 41,200 |
| gradient boosting | 29,800 ± 900 |

Pricing a listing now takes agents about 10 minutes instead of an hour.
"""


def test_accuracy_alone_on_imbalanced_fraud_data_fails_with_the_reason_and_a_question(tmp_path):
    result = check_result(tmp_path, {"README.md": FRAUD_README, "train.py": FRAUD_CODE}, "MT102")
    assert result.status is Status.FAIL
    assert "imbalanced" in result.message and "recall" in result.fix.lower()
    assert result.question and "PR-AUC" in result.question
    assert any(e.path == "train.py" for e in result.evidence)


def test_imbalanced_problem_with_recall_and_pr_auc_passes(tmp_path):
    readme = FRAUD_README.replace("an accuracy of 0.998", "recall 0.81, precision 0.64 and PR-AUC 0.72")
    result = check_result(tmp_path, {"README.md": readme, "train.py": FRAUD_CODE}, "MT102")
    assert result.status is Status.PASS


def test_regression_with_rmse_fits_and_has_baseline_protocol_variation_and_impact(tmp_path):
    files = {"README.md": REGRESSION_README, "train.py": REGRESSION_CODE}
    for check_id in ("MT101", "MT102", "MT103", "MT104", "MT105", "MT106"):
        result = check_result(tmp_path / check_id, files, check_id)
        assert result.status is Status.PASS, (check_id, result.message)


def test_no_baseline_no_variation_no_impact_are_findings(tmp_path):
    files = {"README.md": FRAUD_README, "train.py": FRAUD_CODE}
    assert check_result(tmp_path / "b", files, "MT103").status is Status.FAIL
    assert check_result(tmp_path / "v", files, "MT105").status is Status.WARN
    assert check_result(tmp_path / "i", files, "MT106").status is Status.WARN


def test_no_validation_protocol_fails_when_a_model_is_trained(tmp_path):
    code = "from sklearn.linear_model import LogisticRegression\nLogisticRegression().fit(X, y)\n"
    readme = FRAUD_README.replace(" on the test set", "")
    result = check_result(tmp_path, {"README.md": readme, "train.py": code}, "MT104")
    assert result.status is Status.FAIL and result.question


def test_results_only_printed_in_a_notebook_warn_and_point_at_the_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('F1:', f1)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="F1: 0.87\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Model"), cell]
    files = {"README.md": "# Churn\n\nPredicts which customers leave next month.\n",
             "model.ipynb": nbformat.writes(nb)}
    result = check_result(tmp_path, files, "MT101")
    assert result.status is Status.WARN
    assert result.evidence[0].path == "model.ipynb" and result.evidence[0].line == 2


def test_results_only_in_a_committed_mlflow_store_warn_and_its_baseline_run_counts(tmp_path):
    import shutil

    from conftest import SAMPLES

    root = tmp_path / "proj"
    root.mkdir()
    shutil.copytree(SAMPLES / "polished" / "mlruns", root / "mlruns")
    files = {"README.md": "# Churn\n\nPredicts which customers cancel next month.\n"}
    result = check_result(root, files, "MT101")
    assert result.status is Status.WARN and "run store" in result.message
    assert result.evidence[0].path.startswith("mlruns/")
    assert check_result(root, files, "MT103").status is Status.PASS
