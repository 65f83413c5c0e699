"""ML code-smell checks: preprocessing fitted before the split, the test set used for fitting or model
selection, seeded and stratified splits, hyperparameters tuned with cross-validation."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.ml_smells import MlSmell, MlSmellFacts
from portcheck.analyzer.facts.task import TaskFacts
from portcheck.analyzer.model import Area, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap, names

QUALITY = Area.QUALITY
LIBRARIES = "scikit-learn, imbalanced-learn, XGBoost, LightGBM or CatBoost"


def _no_model_code(ml_smells: MlSmellFacts) -> Outcome | None:
    if not ml_smells.model_files:
        return Outcome.skipped(f"no code using {LIBRARIES} was found")
    return None


def _no_split(ml_smells: MlSmellFacts) -> Outcome | None:
    if (skip := _no_model_code(ml_smells)):
        return skip
    if not ml_smells.splits:
        return Outcome.skipped("no train_test_split call was found, so there is no test split to follow")
    return None


def _files(smells: tuple[MlSmell, ...]) -> str:
    return names(sorted({s.evidence.path for s in smells}))


def _example(smell: MlSmell) -> str:
    return f"At {smell.evidence.location()}: `{smell.corrected}`"


@check("QA150", area=QUALITY, title="No preprocessing fitted before the split", weight=3, severity=Severity.HIGH)
def preprocessing_after_split(ml_smells: MlSmellFacts) -> Outcome:
    """What it checks: stateful preprocessing — scalers, imputers, feature selection, PCA-like
    projections, TF-IDF, target encoders, oversampling such as SMOTE — is not fitted on data that is
    split by `train_test_split` or cross-validated afterwards, and a transformer fitted before the
    split is not what transforms the test part. Stateless steps (PolynomialFeatures, Normalizer) and
    encoders that only learn the categories (OneHotEncoder, LabelEncoder) are not findings, nor is a
    Pipeline handed to the cross-validation.

    Why a panel cares: this is data leakage. A scaler fitted on all rows has seen the test rows' means
    and variances; SMOTE before the split puts near-copies of training rows into the test set. The
    test score is then optimistic, and "did anything from the test set reach training?" is one of the
    first questions a panel asks about any score.

    How to fix: split first; fit the preprocessing on the training part only and use `transform` on
    the test part — or put preprocessing and model in one `Pipeline`, so each cross-validation fold
    refits it on its own training rows.

    Example: `X = scaler.fit_transform(X)` before `train_test_split(X, y)` → after the split,
    `X_train = scaler.fit_transform(X_train); X_test = scaler.transform(X_test)`; or
    `cross_val_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y)`.
    """
    if (skip := _no_model_code(ml_smells)):
        return skip
    if not ml_smells.splits and not ml_smells.cross_validation:
        return Outcome.skipped("no train_test_split or cross-validation was found, so there is no split to leak into")
    smells = ml_smells.of_kind("fit_before_split")
    if not smells:
        checked = " and ".join(plural(n, word) for n, word in ((len(ml_smells.splits), "split"),
                                                               (len(ml_smells.cross_validation), "cross-validation"))
                               if n)
        return Outcome.passed(
            f"no preprocessing is fitted before the data is split ({checked} checked)",
            talking_point="Preprocessing is fitted after the split (or inside a Pipeline), so you can say that no "
                          "statistic of the test rows reached training.")
    first = smells[0]
    return Outcome.failed(
        f"{plural(len(smells), 'preprocessing step')} fitted before the data is split: "
        f"{names(sorted({s.subject for s in smells}))} in {_files(smells)}",
        evidence=cap(s.evidence for s in smells),
        fix="Split first, fit the preprocessing on the training part only and only transform the test part "
            f"(or put it in a Pipeline). {_example(first)}",
        question=f"Your {first.subject} saw the test rows before the split — how much of your score is leakage?",
    )


@check("QA151", area=QUALITY, title="Test set never used for fitting or selection", weight=3,
       severity=Severity.HIGH)
def test_set_held_out(ml_smells: MlSmellFacts) -> Outcome:
    """What it checks: the test part of each `train_test_split` (in `X_train, X_test, y_train, y_test
    = ...`, the second and fourth names, and what is computed from them) is only evaluated on: no
    `fit` / `fit_transform` on it (`transform` is right), no model or search trained on it, and no
    loop that tries hyperparameters or models and keeps the one with the best test score. A held-out
    part named like a validation split (`X_val`) is the right place for that choice.

    Why a panel cares: a score measured on data that chose the model is not an estimate of
    performance on new data. Refitting a scaler or encoder on the test set also gives it a different
    scale or column layout than the model was trained on.

    How to fix: fit only on the training part; compare models and hyperparameters with
    cross-validation on the training part (or on a separate validation split), then score the chosen
    model on the test set once.

    Example: `for k in range(1, 30): ... acc = knn.score(X_test, y_test); if acc > best: ...` →
    `GridSearchCV(KNeighborsClassifier(), {'n_neighbors': range(1, 30)}, cv=5).fit(X_train, y_train)`,
    then one `score(X_test, y_test)`.
    """
    if (skip := _no_split(ml_smells)):
        return skip
    smells = ml_smells.of_kind("test_set_fit") + ml_smells.of_kind("test_set_selection")
    if not smells:
        return Outcome.passed(f"the test split is only evaluated on ({plural(len(ml_smells.splits), 'split')} "
                              "checked)")
    fitted = [s for s in smells if s.kind == "test_set_fit"]
    chosen = [s for s in smells if s.kind == "test_set_selection"]
    parts = [text for n, text in ((len(fitted), plural(len(fitted), "fit") + " on the test split"),
                                  (len(chosen), plural(len(chosen), "choice") + " by test score")) if n]
    return Outcome.failed(
        f"{' and '.join(parts)} in {_files(smells)}",
        evidence=cap(s.evidence for s in smells),
        fix="Fit only on the training part; choose models and hyperparameters by cross-validation on it (or on a "
            f"validation split), and score the final model on the test set once. {_example(smells[0])}",
        question="Your test set helped fit or pick the model — what is your real out-of-sample estimate?",
    )


@check("QA152", area=QUALITY, title="train_test_split has random_state", weight=1, severity=Severity.LOW)
def split_seeded(ml_smells: MlSmellFacts) -> Outcome:
    """What it checks: every shuffling `train_test_split` call passes `random_state` (a call with
    `shuffle=False` needs none, and one given `**kwargs` is not judged).

    Why a panel cares: without it each run draws a different test set, so your reported numbers cannot
    be reproduced, and a difference between two models may be nothing but a different split.

    How to fix: pass a fixed `random_state` (one project-wide constant).

    Example: `train_test_split(X, y, test_size=0.2)` → `train_test_split(X, y, test_size=0.2, random_state=42)`.
    """
    if (skip := _no_split(ml_smells)):
        return skip
    smells = ml_smells.of_kind("split_without_random_state")
    if not smells:
        return Outcome.passed(f"every train_test_split sets random_state ({plural(len(ml_smells.splits), 'call')})")
    return Outcome.failed(
        f"{plural(len(smells), 'train_test_split call')} without random_state in {_files(smells)}",
        evidence=cap(s.evidence for s in smells),
        fix=f"Pass a fixed random_state to each split. {_example(smells[0])}",
        question="If I rerun your code, do I get the same test set and the same numbers?",
    )


@check("QA153", area=QUALITY, title="Stratified split on imbalanced classification", weight=2)
def split_stratified(ml_smells: MlSmellFacts, task: TaskFacts) -> Outcome:
    """What it checks: when the project is an imbalanced classification (class weights, resampling or
    imbalance stated in its notebooks, comments or README), each `train_test_split` of features and
    labels passes `stratify=` with the labels. Splits in files that show regression, and splits far
    from the imbalance evidence (another folder's project), are not judged.

    Why a panel cares: with 3% positives, a random 20% test split can hold noticeably more or fewer
    positives than the data, and recall or PR-AUC on it swings with the draw.

    How to fix: stratify the split on the labels (and use StratifiedKFold for cross-validation).

    Example: `train_test_split(X, y, test_size=0.2, random_state=42)` →
    `train_test_split(X, y, test_size=0.2, random_state=42, stratify=y)`.
    """
    if (skip := _no_split(ml_smells)):
        return skip
    if task.task != "classification":
        return Outcome.skipped(f"the task is {task.task or 'not recognised'}, and stratifying applies to "
                               "classification")
    if not task.imbalanced:
        return Outcome.skipped("no sign of class imbalance was found")
    judged = [s for s in ml_smells.splits if s.stratify_expected or (s.labelled and s.stratified)]
    if not judged:
        return Outcome.skipped("no split of this imbalanced classification's features and labels was found")
    smells = ml_smells.of_kind("split_without_stratify")
    if not smells:
        return Outcome.passed(f"every split of the imbalanced labels is stratified ({plural(len(judged), 'split')})",
                              evidence=cap(s.evidence for s in judged),
                              talking_point="Your splits are stratified, so each test set keeps the class ratio — "
                                            "mention it when you present recall or PR-AUC.")
    return Outcome.failed(
        f"{plural(len(smells), 'split')} of imbalanced labels without stratify in {_files(smells)}",
        evidence=cap(s.evidence for s in smells),
        fix=f"Stratify each split on the labels. {_example(smells[0])}",
        question="With so few positives, how do you know your test split has the same class ratio as your data?",
    )


@check("QA154", area=QUALITY, title="Hyperparameters tuned with cross-validation", weight=2)
def tuned_with_cv(ml_smells: MlSmellFacts) -> Outcome:
    """What it checks: hyperparameters of scikit-learn, XGBoost, LightGBM or CatBoost models are not
    tuned by a loop that fits one model per value and scores it on a single held-out split, in a file
    that cross-validates nowhere. Searches with cross-validation (GridSearchCV, RandomizedSearchCV,
    *CV estimators, a loop over cross_val_score) pass. Deep-learning training loops with a validation
    set are not judged.

    Why a panel cares: a hyperparameter that wins on one split may have won by luck; on small tabular
    data the split-to-split variation often exceeds the gain. "How did you choose these values?" is a
    standard question.

    How to fix: search with cross-validation on the training part (GridSearchCV / RandomizedSearchCV
    or cross_val_score per value), then score the winner on the test set once.

    Example: `for depth in [3, 5, 8]: m = RandomForestClassifier(max_depth=depth).fit(X_train, y_train);
    print(m.score(X_val, y_val))` → `GridSearchCV(RandomForestClassifier(), {'max_depth': [3, 5, 8]},
    cv=5).fit(X_train, y_train)`.
    """
    if (skip := _no_model_code(ml_smells)):
        return skip
    smells = ml_smells.of_kind("tuning_without_cv")
    if not ml_smells.searches and not ml_smells.holdout_tuning:
        return Outcome.skipped("no hyperparameter tuning was found (no search and no loop over hyperparameter values)")
    if not smells:
        return Outcome.passed(
            "hyperparameters are tuned with cross-validation" if ml_smells.searches
            else "hyperparameter loops are in files that also cross-validate",
            evidence=cap(ml_smells.searches),
            talking_point="You tuned hyperparameters with cross-validation: be ready to say which grid you searched "
                          "and how large the gain over the defaults was.")
    make = Outcome.failed if any(s.holdout == "test" for s in smells) else Outcome.warned
    return make(
        f"{plural(len(smells), 'hyperparameter loop')} scored on one held-out split in {_files(smells)}: "
        f"{names(sorted({s.subject for s in smells}))}",
        evidence=cap(s.evidence for s in smells),
        fix=f"Tune with cross-validation on the training part, then score the winner once. {_example(smells[0])}",
        question="How do you know the hyperparameters you picked did not just fit this one split?",
    )
