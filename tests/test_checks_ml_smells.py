"""ML code-smell checks QA150–QA154 on small projects written for the purpose."""
from __future__ import annotations

import nbformat
from conftest import check_result

from portcheck.analyzer.model import Severity, Status

HEADER = """import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

df = pd.read_csv("data/churn.csv")
X, y = df.drop(columns="churn"), df.churn
"""
CLEAN = HEADER + """X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=4, stratify=y)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
search = GridSearchCV(LogisticRegression(class_weight="balanced"), {"C": [0.1, 1, 10]}, cv=5)
search.fit(X_train, y_train)
print(search.score(X_test, y_test))
"""
NO_ML = {"train.py": "import torch\nmodel = torch.nn.Linear(3, 1)\n"}


def notebook(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


def test_qa150_fails_on_a_scaler_fitted_before_the_split_in_a_notebook(tmp_path):
    book = notebook(HEADER, "X = StandardScaler().fit_transform(X)",
                    "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)")
    result = check_result(tmp_path, {"model.ipynb": book}, "QA150")
    assert result.status is Status.FAIL and result.severity is Severity.HIGH and result.weight == 3
    assert "StandardScaler" in result.message
    assert [(e.path, e.line) for e in result.evidence] == [("model.ipynb", 2)]
    assert "scaler = StandardScaler(); X_train = scaler.fit_transform(X_train)" in result.fix
    assert result.question == ("Your StandardScaler saw the test rows before the split — how much of your score is "
                               "leakage?")


def test_qa150_passes_when_preprocessing_follows_the_split(tmp_path):
    result = check_result(tmp_path, {"train.py": CLEAN}, "QA150")
    assert result.status is Status.PASS and result.talking_point
    assert "1 split and 1 cross-validation" in result.message


def test_qa150_skips_without_sklearn_code_or_without_a_split(tmp_path):
    assert check_result(tmp_path / "a", NO_ML, "QA150").status is Status.SKIP
    no_split = check_result(tmp_path / "b", {"m.py": HEADER + "X = StandardScaler().fit_transform(X)\n"}, "QA150")
    assert no_split.status is Status.SKIP and "no train_test_split or cross-validation" in no_split.message


def test_qa151_fails_on_a_scaler_refitted_on_the_test_split_and_a_choice_by_test_score(tmp_path):
    code = HEADER + """X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
sc = StandardScaler()
X_train = sc.fit_transform(X_train)
X_test = sc.fit_transform(X_test)
best = 0
for depth in [3, 5, 8]:
    model = RandomForestClassifier(max_depth=depth).fit(X_train, y_train)
    acc = model.score(X_test, y_test)
    if acc > best:
        best = acc
"""
    result = check_result(tmp_path, {"train.py": code}, "QA151")
    assert result.status is Status.FAIL and result.severity is Severity.HIGH
    assert result.message == "1 fit on the test split and 1 choice by test score in train.py"
    assert [e.line for e in result.evidence] == [12, 16]
    assert "`sc.transform(X_test)`" in result.fix and result.question


def test_qa151_passes_when_the_test_split_is_only_evaluated_and_skips_without_a_split(tmp_path):
    assert check_result(tmp_path / "a", {"train.py": CLEAN}, "QA151").status is Status.PASS
    skipped = check_result(tmp_path / "b", {"m.py": HEADER + "LogisticRegression().fit(X, y)\n"}, "QA151")
    assert skipped.status is Status.SKIP and "train_test_split" in skipped.message


def test_qa152_fails_on_an_unseeded_split_with_the_corrected_call(tmp_path):
    result = check_result(tmp_path, {"split.py": HEADER + "parts = train_test_split(X, y, test_size=0.25)\n"}, "QA152")
    assert result.status is Status.FAIL and result.severity is Severity.LOW and result.weight == 1
    assert "`train_test_split(X, y, test_size=0.25, random_state=42)`" in result.fix
    assert check_result(tmp_path / "ok", {"train.py": CLEAN}, "QA152").status is Status.PASS
    assert check_result(tmp_path / "none", NO_ML, "QA152").status is Status.SKIP


IMBALANCED_README = "# Churn\n\nPredict churn. The classes are highly imbalanced: 7% of customers churn.\n"


def test_qa153_fails_on_an_unstratified_split_of_an_imbalanced_classification(tmp_path):
    code = HEADER + ("X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
                     "RandomForestClassifier().fit(X_train, y_train)\n")
    result = check_result(tmp_path, {"README.md": IMBALANCED_README, "train.py": code}, "QA153")
    assert result.status is Status.FAIL and result.severity is Severity.MEDIUM
    assert "`train_test_split(X, y, random_state=0, stratify=y)`" in result.fix
    assert [e.line for e in result.evidence] == [9]


def test_qa153_passes_when_stratified_and_skips_when_it_does_not_apply(tmp_path):
    passed = check_result(tmp_path / "a", {"README.md": IMBALANCED_README, "train.py": CLEAN}, "QA153")
    assert passed.status is Status.PASS
    balanced = check_result(tmp_path / "b", {"train.py": CLEAN.replace('class_weight="balanced"', "")}, "QA153")
    assert balanced.status is Status.SKIP and "imbalance" in balanced.message
    regression = HEADER.replace("RandomForestClassifier", "RandomForestRegressor") + (
        "a, b, c, d = train_test_split(X, y, random_state=0)\nRandomForestRegressor().fit(a, c)\n")
    skipped = check_result(tmp_path / "c", {"train.py": regression}, "QA153")
    assert skipped.status is Status.SKIP and "regression" in skipped.message


def test_qa154_fails_on_a_test_split_loop_and_warns_on_a_validation_loop(tmp_path):
    loop = HEADER + """X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
for C in [0.1, 1, 10]:
    model = LogisticRegression(C=C).fit(X_train, y_train)
    print(C, model.score(X_test, y_test))
"""
    failed = check_result(tmp_path / "a", {"tune.py": loop}, "QA154")
    assert failed.status is Status.FAIL and [e.line for e in failed.evidence] == [10]
    assert "`GridSearchCV(LogisticRegression(), {'C': [0.1, 1, 10]}, cv=5).fit(X_train, y_train)`" in failed.fix
    validation = loop.replace("X_test", "X_val").replace("y_test", "y_val")
    assert check_result(tmp_path / "b", {"tune.py": validation}, "QA154").status is Status.WARN


def test_qa154_passes_with_a_cross_validated_search_and_skips_without_tuning(tmp_path):
    passed = check_result(tmp_path / "a", {"train.py": CLEAN}, "QA154")
    assert passed.status is Status.PASS and [e.line for e in passed.evidence] == [13]
    untuned = check_result(tmp_path / "b", {"m.py": HEADER + "LogisticRegression().fit(X, y)\n"}, "QA154")
    assert untuned.status is Status.SKIP and "no hyperparameter tuning" in untuned.message


def test_qa153_counts_a_stratified_split_in_a_data_module_without_a_model(tmp_path):
    files = {"README.md": IMBALANCED_README, "train.py": "from sklearn.svm import SVC\nSVC(class_weight='balanced')\n",
             "data.py": ("from sklearn.model_selection import train_test_split\n"
                         "def split(X, y):\n    return train_test_split(X, y, stratify=y, random_state=0)\n")}
    result = check_result(tmp_path, files, "QA153")
    assert result.status is Status.PASS and [e.path for e in result.evidence] == ["data.py"]
