"""ML-smell facts: leakage before the split, the test set used for fitting or selection, unseeded and
unstratified splits, tuning without cross-validation — on modules and notebooks written for the purpose."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat
from conftest import detect_in

from portcheck.analyzer.facts.ml_dataflow import _SelfCalls
from portcheck.analyzer.facts.ml_smells import MAX_CORRECTED, detect_ml_smells
from portcheck.analyzer.facts.pycode import code_unit, nodes_of
from portcheck.analyzer.facts.readme import load_readme
from portcheck.analyzer.facts.task import detect_task

IMPORTS = """import pandas as pd
from sklearn.model_selection import train_test_split, cross_val_score, GridSearchCV
from sklearn.preprocessing import StandardScaler, LabelEncoder, PolynomialFeatures, OneHotEncoder
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
"""


def smells(root: Path, files: dict[str, str], kind: str | None = None):
    facts = detect_in(root, files,
                      lambda repo, sources: detect_ml_smells(sources, detect_task(sources, load_readme(repo))))
    return facts if kind is None else facts.of_kind(kind)


def notebook(*cells: str) -> str:
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]))


# ==== preprocessing fitted before the split =========================================================


def test_scaler_fitted_before_the_split_is_a_leak_with_the_corrected_code(tmp_path):
    found = smells(tmp_path, {"train.py": IMPORTS + (
        "df = pd.read_csv('d.csv')\n"
        "X = df.drop(columns='y')\n"
        "scaler = StandardScaler()\n"
        "X_scaled = scaler.fit_transform(X)\n"
        "X_train, X_test, y_train, y_test = train_test_split(X_scaled, df.y, random_state=0)\n")},
        "fit_before_split")
    assert len(found) == 1
    smell = found[0]
    assert (smell.evidence.path, smell.evidence.line) == ("train.py", 10)
    assert smell.evidence.excerpt == "X_scaled = scaler.fit_transform(X)"
    assert smell.related.line == 11 and smell.subject == "StandardScaler"
    assert smell.corrected == "X_train = scaler.fit_transform(X_train); X_test = scaler.transform(X_test)"


def test_a_notebook_is_one_namespace_across_cells_and_an_aliased_import_counts(tmp_path):
    book = notebook("from sklearn.preprocessing import StandardScaler as SS\n"
                    "from sklearn.model_selection import train_test_split as tts",
                    "X[num_cols] = SS().fit_transform(X[num_cols])",
                    "print(X.shape)",
                    "X_tr, X_te, y_tr, y_te = tts(X, y, test_size=0.2, random_state=1)")
    found = smells(tmp_path, {"eda.ipynb": book}, "fit_before_split")
    assert len(found) == 1
    assert found[0].evidence.line == 2 and found[0].evidence.excerpt.startswith("cell 2: X[num_cols] =")
    assert found[0].related.line == 4
    assert found[0].corrected == "scaler = SS(); X_tr = scaler.fit_transform(X_tr); X_te = scaler.transform(X_te)"


def test_columns_scaled_in_place_get_a_column_wise_correction(tmp_path):
    found = smells(tmp_path, {"m.py": IMPORTS + "sc = StandardScaler()\nX[cols] = sc.fit_transform(X[cols])\n"
                                                "a, b, c, d = train_test_split(X, y, random_state=0)\n"},
                   "fit_before_split")
    assert found[0].corrected == "a[cols] = sc.fit_transform(a[cols]); b[cols] = sc.transform(b[cols])"


def test_a_local_class_named_like_a_scaler_is_not_sklearn(tmp_path):
    code = ("from sklearn.model_selection import train_test_split\n"
            "class StandardScaler:\n    def fit_transform(self, X):\n        return X\n"
            "X = StandardScaler().fit_transform(X)\n"
            "a, b, c, d = train_test_split(X, y, random_state=0)\n")
    assert smells(tmp_path, {"m.py": code}, "fit_before_split") == ()


def test_what_is_not_leakage(tmp_path):
    cases = {
        "pipeline_in_cv.py": "print(cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y))\n",
        "fit_on_train.py": ("X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
                            "sc = StandardScaler()\nX_train = sc.fit_transform(X_train)\n"
                            "X_test = sc.transform(X_test)\n"),
        "label_encoder_on_y.py": ("y = LabelEncoder().fit_transform(df['target'])\n"
                                  "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"),
        "stateless.py": ("X = PolynomialFeatures(degree=2).fit_transform(X)\n"
                         "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"),
        "encoder.py": ("X = OneHotEncoder().fit_transform(X)\n"
                       "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"),
        "target_only.py": ("y = StandardScaler().fit_transform(y.reshape(-1, 1))\n"
                           "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"),
        "cv_inside_train.py": ("X_train_s = StandardScaler().fit_transform(X_train)\n"
                               "print(cross_val_score(LogisticRegression(), X_train_s, y_train))\n"),
        "after_the_split.py": ("X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
                               "X = StandardScaler().fit_transform(X)\n"),
    }
    for name, code in cases.items():
        assert smells(tmp_path / name, {name: IMPORTS + code}, "fit_before_split") == (), name


def test_names_reused_in_unrelated_functions_do_not_connect(tmp_path):
    code = IMPORTS + ("def explore(X):\n    X = StandardScaler().fit_transform(X)\n    print(X.mean())\n\n"
                      "def evaluate(X, y):\n    return train_test_split(X, y, random_state=0)\n\n"
                      "X = StandardScaler().fit_transform(raw)\n"
                      "def unrelated(X, y):\n"
                      "    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n")
    assert smells(tmp_path, {"m.py": code}, "fit_before_split") == ()


def test_a_leak_through_the_module_own_functions_is_followed(tmp_path):
    code = IMPORTS + ("def features(df):\n    X = df.drop(columns='y')\n"
                      "    return StandardScaler().fit_transform(X), df.y\n\n"
                      "def split(X, y):\n    return train_test_split(X, y, test_size=0.2, random_state=0)\n\n"
                      "def main():\n    X, y = features(pd.read_csv('d.csv'))\n    parts = split(X, y)\n")
    found = smells(tmp_path, {"pipeline.py": code}, "fit_before_split")
    assert [(s.evidence.line, s.related.line) for s in found] == [(9, 16)]
    assert "split()" in found[0].detail


def test_a_transformer_kept_on_self_is_known_in_every_method(tmp_path):
    code = IMPORTS + ("class Trainer:\n"
                      "    def __init__(self):\n        self.scaler = StandardScaler()\n"
                      "    def fit(self, df):\n"
                      "        df[cols] = self.scaler.fit_transform(df[cols])\n"
                      "        return train_test_split(df.values, df.y, random_state=0)\n")
    found = smells(tmp_path, {"trainer.py": code}, "fit_before_split")
    assert [s.evidence.line for s in found] == [11]


def test_cross_validation_after_preprocessing_suggests_a_pipeline(tmp_path):
    code = IMPORTS + ("X_s = StandardScaler().fit_transform(X)\n"
                      "print(cross_val_score(LogisticRegression(C=2), X_s, y, cv=5))\n"
                      "X2 = StandardScaler().fit_transform(Z)\n"
                      "GridSearchCV(SVC(), {'C': [1, 10]}, cv=5).fit(X2, y)\n")
    found = smells(tmp_path, {"cv.py": "from sklearn.svm import SVC\n" + code}, "fit_before_split")
    assert [s.corrected for s in found] == [
        "cross_val_score(make_pipeline(StandardScaler(), LogisticRegression(C=2)), X, y, cv=5)",
        "GridSearchCV(make_pipeline(StandardScaler(), SVC()), {'svc__C': [1, 10]}, cv=5).fit(Z, y)"]


def test_a_scaler_fitted_before_the_split_and_applied_to_the_test_part(tmp_path):
    code = IMPORTS + ("sc = StandardScaler()\nsc.fit(X)\n"
                      "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"
                      "X_train = sc.transform(X_train)\nX_test = sc.transform(X_test)\n")
    found = smells(tmp_path, {"m.py": code}, "fit_before_split")
    assert [(s.evidence.line, s.related.line) for s in found] == [(8, 11)]
    assert "then applied to X_test" in found[0].detail


def test_oversampling_and_feature_selection_before_the_split(tmp_path):
    code = ("from imblearn.over_sampling import SMOTE\n"
            "from sklearn.feature_selection import SelectKBest, chi2\n"
            "from sklearn.model_selection import train_test_split\n"
            "X_new = SelectKBest(chi2, k=5).fit_transform(X, y)\n"
            "X_res, y_res = SMOTE().fit_resample(X_new, y)\n"
            "X_train, X_test, y_train, y_test = train_test_split(X_res, y_res, random_state=0)\n")
    found = smells(tmp_path, {"m.py": code}, "fit_before_split")
    assert [s.subject for s in found] == ["SelectKBest", "SMOTE"]
    assert found[0].corrected == "selector = SelectKBest(chi2, k=5).fit(X_train, y_train)"  # the full line is too long
    assert found[1].corrected == "X_train, y_train = SMOTE().fit_resample(X_train, y_train)"


# ==== the test set used for fitting or selection ====================================================

SPLIT = "X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n"


def test_fits_on_the_test_part_are_smells_and_transform_is_not(tmp_path):
    code = IMPORTS + SPLIT + ("sc = StandardScaler()\nX_train = sc.fit_transform(X_train)\n"
                              "X_test = sc.fit_transform(X_test)\n"
                              "ok = sc.transform(X_test)\n"
                              "model = LogisticRegression().fit(X_train, y_train)\n"
                              "model.fit(X_test.values, y_test)\n")
    found = smells(tmp_path, {"m.py": code}, "test_set_fit")
    assert [(s.evidence.line, s.corrected) for s in found] == [
        (10, "sc.transform(X_test)"), (13, "model.fit(X_train.values, y_train)")]


def test_a_validation_part_may_be_fitted_on(tmp_path):
    code = IMPORTS + ("X_train, X_val, y_train, y_val = train_test_split(X, y, random_state=0)\n"
                      "calibrated = LogisticRegression().fit(X_val, y_val)\n")
    assert smells(tmp_path, {"m.py": code}, "test_set_fit") == ()


KNN_LOOP = SPLIT + ("best, best_k = 0, None\n"
                    "for k in range(1, 30):\n"
                    "    knn = KNeighborsClassifier(n_neighbors=k)\n"
                    "    knn.fit(X_train, y_train)\n"
                    "    acc = knn.score(X_test, y_test)\n"
                    "    if acc > best:\n"
                    "        best, best_k = acc, k\n")


def test_picking_the_best_hyperparameter_by_test_score(tmp_path):
    found = smells(tmp_path, {"knn.py": IMPORTS + KNN_LOOP})
    chosen = found.of_kind("test_set_selection")
    assert [(s.evidence.line, s.related.line) for s in chosen] == [(12, 13)]
    assert chosen[0].subject == "n_neighbors of KNeighborsClassifier"
    assert chosen[0].corrected == ("GridSearchCV(KNeighborsClassifier(), {'n_neighbors': range(1, 30)}, cv=5)"
                                   ".fit(X_train, y_train)")
    tuned = found.of_kind("tuning_without_cv")
    assert [(s.evidence.line, s.holdout) for s in tuned] == [(9, "test")]


def test_picking_the_best_model_by_test_score_after_the_loop(tmp_path):
    code = IMPORTS + SPLIT + ("models = {'lr': LogisticRegression(), 'knn': KNeighborsClassifier()}\nresults = {}\n"
                              "for name, model in models.items():\n"
                              "    model.fit(X_train, y_train)\n"
                              "    results[name] = model.score(X_test, y_test)\n"
                              "best = max(results, key=results.get)\n")
    found = smells(tmp_path, {"models.py": code})
    assert [s.evidence.line for s in found.of_kind("test_set_selection")] == [12]
    assert found.of_kind("test_set_selection")[0].corrected.startswith("cross_val_score(model, X_train, y_train, cv=5)")
    assert found.of_kind("tuning_without_cv") == ()  # comparing models is not tuning hyperparameters


def test_what_is_not_selection_on_the_test_set(tmp_path):
    cases = {
        "validation.py": KNN_LOOP.replace("X_test", "X_val").replace("y_test", "y_val"),
        "seeds.py": SPLIT + ("for seed in range(5):\n"
                             "    m = LogisticRegression(random_state=seed).fit(X_train, y_train)\n"
                             "    acc = m.score(X_test, y_test)\n    if acc > best:\n        best = acc\n"),
        "plot_only.py": SPLIT + ("scores = []\nfor k in range(1, 30):\n"
                                 "    knn = KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train)\n"
                                 "    scores.append(knn.score(X_test, y_test))\n"
                                 "plt.plot(scores)\n"),
    }
    for name, code in cases.items():
        assert smells(tmp_path / name, {name: IMPORTS + code}, "test_set_selection") == (), name


def test_tuning_without_cross_validation(tmp_path):
    val_loop = KNN_LOOP.replace("X_test", "X_val").replace("y_test", "y_val")
    tuned = smells(tmp_path / "v", {"v.py": IMPORTS + val_loop}, "tuning_without_cv")
    assert [(s.evidence.line, s.holdout) for s in tuned] == [(9, "validation")]
    with_cv = IMPORTS + val_loop + "print(cross_val_score(LogisticRegression(), X, y))\n"
    assert smells(tmp_path / "cv", {"cv.py": with_cv}, "tuning_without_cv") == ()
    torch_loop = ("import torch\nfrom sklearn.model_selection import train_test_split\n" + SPLIT +
                  "for lr in [0.1, 0.01]:\n    net = torch.nn.Linear(3, 1)\n"
                  "    opt = torch.optim.SGD(net.parameters(), lr=lr)\n"
                  "    loss = ((net(X_test) - y_test) ** 2).mean()\n")
    assert smells(tmp_path / "t", {"t.py": torch_loop}, "tuning_without_cv") == ()
    search = "GridSearchCV(LogisticRegression(), {'C': [1, 10]}).fit(X, y)\n"
    searched = smells(tmp_path / "s", {"s.py": IMPORTS + search})
    assert [e.line for e in searched.searches] == [7] and searched.holdout_tuning == 0


# ==== split configuration ===========================================================================


def test_split_without_random_state_and_its_corrected_call(tmp_path):
    code = IMPORTS + ("a = train_test_split(X, y, test_size=0.2)\n"
                      "b = train_test_split(X, y, random_state=None)\n"
                      "c = train_test_split(X, y, random_state=7)\n"
                      "d = train_test_split(X, y, shuffle=False)\n"
                      "e = train_test_split(X, y, **options)\n")
    found = smells(tmp_path, {"m.py": code})
    assert [(s.evidence.line, s.corrected) for s in found.of_kind("split_without_random_state")] == [
        (7, "train_test_split(X, y, test_size=0.2, random_state=42)"),
        (8, "train_test_split(X, y, random_state=42)")]
    assert [(s.evidence.line, s.random_state, s.shuffled) for s in found.splits] == [
        (7, False, True), (8, False, True), (9, True, True), (10, False, False), (11, True, True)]


def test_a_long_split_call_is_corrected_within_the_line_limit(tmp_path):
    arrays = ", ".join(f"feature_matrix_number_{i}" for i in range(8))
    found = smells(tmp_path, {"m.py": IMPORTS + f"parts = train_test_split({arrays}, test_size=0.25)\n"},
                   "split_without_random_state")
    assert len(found[0].corrected) <= MAX_CORRECTED and found[0].corrected.endswith("random_state=42)")


IMBALANCED = ("from sklearn.ensemble import RandomForestClassifier\n"
              "from sklearn.model_selection import train_test_split\n"
              "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)\n"
              "model = RandomForestClassifier(class_weight='balanced').fit(X_train, y_train)\n")


def test_unstratified_split_of_an_imbalanced_classification(tmp_path):
    found = smells(tmp_path, {"fraud.py": IMBALANCED})
    assert [(s.evidence.line, s.corrected) for s in found.of_kind("split_without_stratify")] == [
        (3, "train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)")]
    assert found.splits[0].stratify_expected


def test_stratify_is_not_asked_for_elsewhere(tmp_path):
    cases = {
        "stratified": {"fraud.py": IMBALANCED.replace("random_state=0)", "random_state=0, stratify=y)")},
        "balanced": {"m.py": IMBALANCED.replace("class_weight='balanced'", "n_estimators=50")},
        "regression": {"m.py": IMBALANCED.replace("RandomForestClassifier", "RandomForestRegressor"),
                       "clf.py": "from sklearn.svm import SVC\nm = SVC(class_weight='balanced')\n"},
        "other_folder": {"fraud/model.py": IMBALANCED.replace("train_test_split(X", "train_test_split(A"),
                         "iris/split.py": ("from sklearn.model_selection import train_test_split\n"
                                           "from sklearn.svm import SVC\n"
                                           "a, b, c, d = train_test_split(X, y, random_state=0)\nSVC().fit(a, c)\n")},
    }
    for name, files in cases.items():
        found = smells(tmp_path / name, files)
        unstratified = [s for s in found.of_kind("split_without_stratify") if not s.evidence.path.startswith("fraud/")]
        assert unstratified == [], name


# ==== totality and scope ============================================================================


def test_test_files_malformed_code_and_files_without_ml_libraries_are_quiet(tmp_path):
    deep = "train_test_split(X, y)\nx = " + " + ".join(["a"] * 5000) + "\n"  # parses, but too deep to walk
    found = smells(tmp_path, {
        "tests/test_split.py": IMPORTS + "train_test_split(X, y)\n",
        "broken.py": IMPORTS + "train_test_split(X, y\n",
        "deep.py": IMPORTS + deep,
        "plain.py": "def train_test_split(*a):\n    return a\nX_train, X_test = train_test_split(X)\n",
        "bad.ipynb": "{ not a notebook",
        "good.py": IMPORTS + "train_test_split(X, y)\n",
    })
    assert [(s.kind, s.evidence.path) for s in found.smells] == [("split_without_random_state", "good.py")]
    assert found.model_files == ("good.py",)


def test_the_facts_are_deterministic(tmp_path):
    files = {"a.py": IMPORTS + KNN_LOOP, "b.ipynb": notebook(IMPORTS, "X = StandardScaler().fit_transform(X)",
                                                             "train_test_split(X, y)")}
    assert smells(tmp_path / "one", files) == smells(tmp_path / "two", files)


def test_a_methods_self_assignments_are_found_by_position_and_given_in_walk_order():
    text = ("class A:\n    def f(self):\n        if x:\n            self.a = B()\n        self.b = C()\n"
            "        def inner():\n            self.c = D()\n    def g(self):\n        self.d = E()\n")
    tree = ast.parse(text)
    calls = _SelfCalls(code_unit("m.py", None, tree, text), nodes_of(tree, ast.Assign))
    for method in tree.body[0].body:
        walked = [n.targets[0].attr for n in ast.walk(method) if isinstance(n, ast.Assign)]
        assert [s.targets[0].attr for s in calls.within(method)] == walked  # f: b, a, c (not by line)
