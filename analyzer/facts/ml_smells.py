"""ML code smells (`ml_smells`): data leakage, the test set used for fitting or model selection,
unseeded and unstratified splits, hyperparameters tuned on one held-out split — each with its evidence
and the corrected code.

Read statically from Python modules and notebook code cells (test files left out; a notebook's cells
are one namespace in cell order), only in files that import scikit-learn, imbalanced-learn,
category_encoders, XGBoost, LightGBM or CatBoost (names resolved through the file's imports, so
`from sklearn.preprocessing import StandardScaler as SS` counts and a local `StandardScaler` does not).
The dataflow is `ml_dataflow`'s: statement order, each function body on its own, calls followed only
into module-level functions of the same file. Each file is walked and judged on its own in the per-file
code pass (`codepass`); what needs the whole project (whether a split should be stratified, the bounds)
is decided when the files' findings are merged in path order.

Smell kinds (`SMELL_KINDS`):

* `fit_before_split` — stateful preprocessing (scalers, imputers, feature selection, PCA-like
  projections, TF-IDF, target encoders, oversamplers such as SMOTE; `ml_vocabulary.LEAKY_TRANSFORMERS`)
  fitted on data that is *later* split by `train_test_split` or cross-validated (`cross_val_score`,
  a search's `.fit`, a CV splitter's `.split`), or fitted before the split and then applied to the
  split's test part. Not smells: a fit on a split's training part (for cross-validation also a fit
  on data named like a training part — the CV-fold leak inside a training set is left out on
  purpose), stateless steps (PolynomialFeatures, Normalizer, FunctionTransformer), encoders that only
  learn the set of categories (OneHotEncoder, OrdinalEncoder, LabelEncoder — on features or the target),
  a Pipeline passed to the cross-validation, preprocessing of the target alone, pandas statistics
  (`df.fillna(df.mean())`: not followed), and splits made by slicing.
* `test_set_fit` — a fit on the test part of a `train_test_split` (tracked by position: in
  `X_train, X_test, y_train, y_test = ...` the second and fourth names, and what is derived from them):
  a transformer or encoder refitted on it (`scaler.fit_transform(X_test)`; `transform` is right), a
  model fitted with `(X_test, y_test)`, a search fitted on it, the test part resampled. A held-out part
  named like a validation split (`X_val`, `X_valid`, `X_dev`) is not the test set.
* `test_set_selection` — a loop that fits a model varying with the loop (hyperparameters from the loop
  variable, or models taken from a collection of sklearn-style estimators), scores it on the test part
  and keeps the best score (`if acc > best: best = …`, or `max` / `argmax` / `idxmax` / `sort_values`
  over the scores, inside the loop or after it). Selection on a validation part is the right way.
* `split_without_random_state` — `train_test_split` with no `random_state` (or `None`) and
  `shuffle` not `False`; a call given `**kwargs` is not judged.
* `split_without_stratify` — only when the project is an imbalanced classification (`TaskFacts`):
  a split of `X, y` without `stratify`, in a file that shows classification (a classifier or
  classification metric) and no regression, near the imbalance evidence (the same folder, or a README
  above it).
* `tuning_without_cv` — a loop as for `test_set_selection` (hyperparameters only, not a comparison of
  models), scored on one held-out part (test or validation), in a file that cross-validates nowhere
  (no cross_val_score / cross_validate, search CV, KFold-like splitter, *CV estimator, xgboost/lightgbm
  `cv`). Deep-learning training loops are not judged: the fitted model must be sklearn-style.

Every smell carries `corrected`: the corrected code, one line of at most 120 characters, built from
the names the code itself uses.
"""
from __future__ import annotations

import ast
import copy
import posixpath
from dataclasses import dataclass, replace

from ..model import Evidence
from ..sources import Sources
from . import ml_vocabulary as vocab
from .codepass import SourceFile, code_pass, per_file
from .common import bounded
from .ml_dataflow import FileWalker
from .ml_flow import (
    FileFlow,
    FitEvent,
    Leak,
    Loop,
    SplitEvent,
    TestFit,
    library_origin,
    source_text,
)
from .pycode import CodeUnit, dotted_name, import_aliases, star_imports
from .task import TaskFacts
from .testing import is_test_path

SMELL_KINDS = ("fit_before_split", "test_set_fit", "test_set_selection", "split_without_random_state",
               "split_without_stratify", "tuning_without_cv")
MAX_PER_KIND = 50
MAX_ITEMS = 200     # splits, cross-validations and searches kept
MAX_CORRECTED = 120
SEED = 42


@dataclass(frozen=True, kw_only=True)
class MlSmell:
    """One smell: where it is, what happens there, and the corrected code."""

    kind: str                  # one of SMELL_KINDS
    subject: str               # what is wrong, in a word or two: "StandardScaler", "n_neighbors of KNN", "model"
    evidence: Evidence         # the line to change
    detail: str                # what happens, in a few words
    corrected: str             # the corrected code (one line, at most 120 characters)
    related: Evidence | None = None  # the other end: the split the leak reaches, where the best score is picked
    holdout: str | None = None       # for loops: the held-out part scored ("test" or "validation")


@dataclass(frozen=True, kw_only=True)
class SplitCall:
    """One `train_test_split` call and how it is configured."""

    evidence: Evidence
    random_state: bool
    stratified: bool
    shuffled: bool
    labelled: bool   # given features and a target (two or more arrays)
    stratify_expected: bool = False  # a split of an imbalanced classification's data (see `_StratifyRule`)


@dataclass(frozen=True, kw_only=True)
class MlSmellFacts:
    """The smells, and what the judgement needs to know about where they could have been."""

    smells: tuple[MlSmell, ...]
    splits: tuple[SplitCall, ...]            # every train_test_split call
    cross_validation: tuple[Evidence, ...]   # cross-validation calls (functions, searches, splitters)
    searches: tuple[Evidence, ...]           # hyperparameters tuned with cross-validation
    holdout_tuning: int                      # tuning loops scored on one held-out part (smell or not)
    model_files: tuple[str, ...]             # files with sklearn-style code

    def of_kind(self, kind: str) -> tuple[MlSmell, ...]:
        """The smells of one kind, in path and line order."""
        return tuple(s for s in self.smells if s.kind == kind)


@dataclass(frozen=True, kw_only=True)
class _FileSplit:
    """One split of a file, judged as far as the file alone allows."""

    call: SplitCall               # `stratify_expected` left False: the merge decides it from the task
    unseeded: MlSmell | None      # split_without_random_state
    unstratified: MlSmell | None  # split_without_stratify, should the project expect stratified splits here


@dataclass(frozen=True, kw_only=True)
class _FileSmells:
    """One file's part: the smells its walk shows, its splits, and what the merge needs to know of it."""

    path: str
    smells: tuple[MlSmell, ...]           # leaks, fits on the test part, tuning loops, in that order
    splits: tuple[_FileSplit, ...]
    cross_validation: tuple[Evidence, ...]
    searches: tuple[Evidence, ...]
    cv_loops: tuple[Evidence, ...]        # loops that cross-validate a model varying with the loop
    holdout_tuning: int
    sklearn: bool
    classification: bool                  # shows classification and no regression


@per_file("ml_smells")
def _ml_smells_in_file(file: SourceFile) -> _FileSmells | None:
    """The smells of one file that uses sklearn-style libraries (nothing for a test file or other code)."""
    if not file.units or is_test_path(file.path):
        return None
    flow = _walk(file.units)
    if flow is None:
        return None
    classification = flow.classification and not flow.regression
    return _FileSmells(
        path=file.path,
        smells=(*(_leak_smell(leak) for leak in flow.leaks), *(_test_fit_smell(fit) for fit in flow.test_fits),
                *_loop_smells(flow)),
        splits=tuple(_file_split(split, classification) for split in flow.splits),
        cross_validation=tuple(u.evidence(line) for u, line in flow.cv),
        searches=tuple(u.evidence(line) for u, line in flow.searches),
        cv_loops=tuple(_loop_evidence(loop) for loop in flow.loops if loop.tunes_with_cv),
        holdout_tuning=sum(1 for loop in flow.loops if loop.tunes_on_holdout),
        sklearn=flow.sklearn, classification=classification)


def detect_ml_smells(sources: Sources, task: TaskFacts) -> MlSmellFacts:
    """ML code smells in every file that uses sklearn-style libraries."""
    files = sorted(code_pass(sources).of("ml_smells"), key=lambda file: file.path)
    stratify = _StratifyRule(task)
    smells: list[MlSmell] = []
    splits: list[SplitCall] = []
    for file in files:
        smells.extend(file.smells)
        expected = stratify.expects(file)
        for split in file.splits:
            call, split_smells = _judged_split(split, expected)
            splits.append(call)
            smells.extend(split_smells)
    return MlSmellFacts(
        smells=_bounded(smells),
        splits=tuple(splits[:MAX_ITEMS]),
        cross_validation=tuple(e for f in files for e in f.cross_validation)[:MAX_ITEMS],
        searches=(*(e for f in files for e in f.searches), *(e for f in files for e in f.cv_loops))[:MAX_ITEMS],
        holdout_tuning=sum(f.holdout_tuning for f in files),
        model_files=tuple(f.path for f in files if f.sklearn),
    )


def _walk(group: list[CodeUnit]) -> FileFlow | None:
    trees = [u.tree for u in group]
    aliases = import_aliases(trees)
    stars = star_imports(trees)
    if not any(library_origin(origin) for origin in [*aliases.values(), *stars]):
        return None
    try:
        return FileWalker(group, aliases, stars).run()
    except RecursionError:  # an absurdly nested file: no judgement rather than a crash
        return None


def _bounded(smells: list[MlSmell]) -> tuple[MlSmell, ...]:
    ordered = sorted(smells, key=lambda s: (SMELL_KINDS.index(s.kind), s.evidence.path, s.evidence.line or 0,
                                             s.corrected))
    return bounded(ordered, key=lambda s: (s.kind, s.evidence.path, s.evidence.line, s.evidence.excerpt),
                   group=lambda s: s.kind, per_group=MAX_PER_KIND)


def _first_fitting(*candidates: str) -> str:
    """The first candidate of at most 120 characters (the last one cut if none fits)."""
    for text in candidates:
        if len(text) <= MAX_CORRECTED:
            return text
    return candidates[-1][: MAX_CORRECTED - 1] + "…"


def _role_name(cls: str) -> str:
    for pattern, name in vocab.ROLE_NAMES:
        if pattern.search(cls):
            return name
    return vocab.DEFAULT_ROLE_NAME


# ==== leakage ======================================================================================


def _leak_smell(leak: Leak) -> MlSmell:
    fit = leak.fit
    related = leak.unit.evidence(leak.node.lineno)
    if leak.consumer == "transform" and leak.split is not None:
        test = leak.split.part_name(2 * leak.array + 1, "the test split")
        detail = (f"{fit.obj.cls} fitted on {fit.data} before train_test_split at "
                  f"{leak.split.unit.evidence(leak.split.node.lineno).location()}, then applied to {test}")
    else:
        detail = f"{fit.obj.cls} fitted on {fit.data} before {leak.function} at {related.location()}"
    try:
        corrected = _leak_corrected(leak)
    except RecursionError:  # an absurdly nested call: the advice without the rewritten line
        corrected = "fit it on the training part after the split, or inside a Pipeline"
    return MlSmell(kind="fit_before_split", subject=fit.obj.cls, evidence=fit.unit.evidence(fit.node.lineno),
                   detail=detail, corrected=corrected, related=related)


def _leak_corrected(leak: Leak) -> str:
    fit = leak.fit
    name = fit.receiver or _role_name(fit.obj.cls)
    if leak.consumer == "cv":
        return _cv_corrected(leak)
    split = leak.split  # None: the split happens in a function called here
    train = split.part_name(2 * leak.array, "X_train") if split else "X_train"
    test = split.part_name(2 * leak.array + 1, "X_test") if split else "X_test"
    y_train = split.part_name(2 * (split.arrays - 1), "y_train") if split and split.arrays >= 2 else "y_train"
    if fit.obj.resampler:
        return _first_fitting(f"{train}, {y_train} = {fit.receiver or fit.obj.text}.fit_resample({train}, {y_train})",
                              f"{train}, {y_train} = {name}.fit_resample({train}, {y_train})")
    args = f"{train}, {y_train}" if fit.target else train
    columns = _columns(fit, split.node, leak.array) if split else None
    if columns and fit.receiver and not fit.target:  # `X[cols] = scaler.fit_transform(X[cols])`
        tr, te = f"{train}[{columns}]", f"{test}[{columns}]"
        return _first_fitting(f"{tr} = {name}.fit_transform({tr}); {te} = {name}.transform({te})",
                              f"{name}.fit({tr})")
    if fit.receiver:
        return _first_fitting(f"{train} = {name}.fit_transform({args}); {test} = {name}.transform({test})",
                              f"{name}.fit({args})")
    return _first_fitting(
        f"{name} = {fit.obj.text}; {train} = {name}.fit_transform({args}); {test} = {name}.transform({test})",
        f"{name} = {fit.obj.text}.fit({args})")


def _columns(fit: FitEvent, split: ast.Call, array: int) -> str | None:
    """The columns of a fit on some columns of the frame that is split (`X[num_cols]`, then `X` split)."""
    node = fit.data_node
    arrays = [a for a in split.args if not isinstance(a, ast.Starred)]
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and not isinstance(node.slice, ast.Slice)
            and array < len(arrays) and isinstance(arrays[array], ast.Name) and arrays[array].id == node.value.id):
        return source_text(node.slice, 50)
    return None


def _parse(text: str) -> ast.expr:
    try:
        return ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return ast.Name(id="preprocessor")


def _cv_corrected(leak: Leak) -> str:
    """The cross-validation with the preprocessing moved into a pipeline, on the data before preprocessing."""
    fit = leak.fit
    step = _parse(fit.receiver or fit.obj.text)
    raw = copy.deepcopy(fit.data_node) if fit.data_node is not None else ast.Name(id="X")
    step_text, raw_text = _code(step, "preprocessor"), _code(raw, "X")
    node = copy.deepcopy(leak.search if leak.search is not None else leak.node)
    if leak.function in vocab.CV_FUNCTIONS or leak.search is not None:
        estimator = _argument(node, 0, "estimator")
        model = estimator[1] if estimator else ast.Name(id="model")
        pipe = ast.Call(func=ast.Name(id="make_pipeline"), args=[step, model], keywords=[])
        _set_argument(node, estimator, pipe)
        if leak.search is None:
            _set_argument(node, _argument(node, 1, "X"), raw)
            return _first_fitting(source_text(node, 400) or "",
                                  f"{leak.function}(make_pipeline({step_text}, model), {raw_text}, y)")
        grid = _argument(node, 1, "param_grid") or _argument(node, 1, "param_distributions")
        if grid and isinstance(grid[1], ast.Dict) and isinstance(model, ast.Call):
            prefix = (dotted_name(model.func) or "model").rsplit(".", 1)[-1].lower() + "__"
            for key in grid[1].keys:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    key.value = prefix + key.value
        target = _argument(leak.node, 1, "y")
        data = f"{raw_text}, {_code(target[1], 'y')}" if target else raw_text
        cls = leak.function.removesuffix(".fit")
        return _first_fitting(f"{source_text(node, 400)}.fit({data})",
                              f"{cls}(make_pipeline({step_text}, model), param_grid).fit({data})")
    cv = source_text(leak.node.func.value, 30) if isinstance(leak.node.func, ast.Attribute) else None
    return _first_fitting(f"cross_val_score(make_pipeline({step_text}, model), {raw_text}, y, cv={cv or 'cv'})")


def _code(node: ast.expr, default: str) -> str:
    return source_text(node, 60) or default


def _argument(node: ast.Call, position: int, keyword: str) -> tuple[int | str, ast.expr] | None:
    """(position or keyword, value) of a call's argument."""
    positional = [a for a in node.args if not isinstance(a, ast.Starred)]
    if position < len(positional) and len(positional) == len(node.args):
        return position, node.args[position]
    for kw in node.keywords:
        if kw.arg == keyword:
            return keyword, kw.value
    return None


def _set_argument(node: ast.Call, where: tuple[int | str, ast.expr] | None, value: ast.expr) -> None:
    if where is None:
        return
    if isinstance(where[0], int):
        node.args[where[0]] = value
    else:
        for kw in node.keywords:
            if kw.arg == where[0]:
                kw.value = value


# ==== the test set used for fitting or selection ===================================================


class _Rename(ast.NodeTransformer):
    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_Name(self, node: ast.Name) -> ast.Name:
        new = self.renames.get(node.id) or (node.id.replace("test", "train") if "test" in node.id else node.id)
        return ast.copy_location(ast.Name(id=new, ctx=node.ctx), node)


def _test_fit_smell(fit: TestFit) -> MlSmell:
    func = fit.node.func
    refit = fit.what == "transformer" and isinstance(func, ast.Attribute) and func.attr == "fit_transform"
    if refit:
        detail = f"{fit.cls} refitted on the test split"
    else:
        detail = {"transformer": f"{fit.cls} fitted on the test split",
                  "resampler": f"{fit.cls} resamples the test split",
                  "search": f"{fit.cls} searches on the test split"}.get(
                      fit.what, f"{fit.cls or 'model'} fitted on the test split")
    try:
        corrected = _test_fit_corrected(fit, refit)
    except RecursionError:  # an absurdly nested call: the advice without the rewritten line
        corrected = None
    return MlSmell(kind="test_set_fit", subject=fit.cls or "model", evidence=fit.unit.evidence(fit.node.lineno),
                   detail=detail, corrected=corrected or "fit on the training split; only transform the test split")


def _test_fit_corrected(fit: TestFit, refit: bool) -> str | None:
    """`scaler.fit_transform(X_test)` -> `scaler.transform(X_test)`; otherwise the call on the training part."""
    node = copy.deepcopy(fit.node)
    assert isinstance(node.func, ast.Attribute)
    if refit:
        node.func.attr = "transform"
        node.args, node.keywords = node.args[:1], []
    else:
        rename = _Rename(dict(fit.renames))
        node.args = [rename.visit(a) for a in node.args]
        node.keywords = [rename.visit(k) for k in node.keywords]
    return source_text(node, MAX_CORRECTED)


def _loop_evidence(loop: Loop) -> Evidence:
    return loop.unit.evidence(loop.node.lineno)


def _loop_smells(flow: FileFlow) -> list[MlSmell]:
    smells = []
    for loop in flow.loops:
        if not (loop.variation and loop.fitted is not None):
            continue
        what = _tuned(loop)
        if "test" in loop.selected and "test" in loop.holdout:
            score = loop.score_unit.evidence(loop.score_line) if loop.score_unit and loop.score_line else None
            select = loop.select_unit.evidence(loop.select_line) if loop.select_unit and loop.select_line else None
            smells.append(MlSmell(kind="test_set_selection", subject=what, evidence=score or _loop_evidence(loop),
                                  holdout="test",
                                  detail=f"the best {what} is picked by its score on the test split",
                                  corrected=_loop_corrected(loop), related=select))
        if loop.tunes_on_holdout and "hyperparameter" in loop.variation and not flow.cv:
            part = "test" if "test" in loop.holdout else "validation"
            score = loop.score_unit.evidence(loop.score_line) if loop.score_unit and loop.score_line else None
            smells.append(MlSmell(kind="tuning_without_cv", subject=what, evidence=_loop_evidence(loop), holdout=part,
                                  detail=f"{what} tuned on one {part} split, no cross-validation in the file",
                                  corrected=_loop_corrected(loop), related=score))
    return smells


def _tuned(loop: Loop) -> str:
    if "hyperparameter" not in loop.variation:
        return "model"
    names = list(dict.fromkeys(kw for kw, _ in loop.params))
    subject = f" of {loop.cls}" if loop.cls and not loop.pipeline else ""
    return (", ".join(names) if names else "hyperparameters") + subject


def _loop_corrected(loop: Loop) -> str:
    data = loop.fitted or "X_train, y_train"
    if "hyperparameter" not in loop.variation:
        return _first_fitting(f"cross_val_score(model, {data}, cv=5).mean()  # per model; test set once, at the end")
    grid = _grid(loop)
    estimator = f"{loop.cls}()" if loop.cls and not loop.pipeline else "pipe"
    return _first_fitting(f"GridSearchCV({estimator}, {grid}, cv=5).fit({data})",
                          f"GridSearchCV({estimator}, param_grid, cv=5).fit({data})",
                          f"GridSearchCV({estimator}, param_grid, cv=5).fit(X_train, y_train)")


def _grid(loop: Loop) -> str:
    if loop.grid_var and loop.grid_var in loop.iterables:
        text = loop.iterables[loop.grid_var]
        inner = text.removeprefix("ParameterGrid(").removesuffix(")") if text.startswith("ParameterGrid(") else text
        return inner
    params = list(dict.fromkeys(loop.params))
    if not params or any(var not in loop.iterables for _, var in params):
        return "param_grid"
    return "{" + ", ".join(f"'{kw}': {loop.iterables[var]}" for kw, var in params) + "}"


# ==== split configuration ==========================================================================


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    for kw in node.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _is_none(node: ast.expr | None) -> bool:
    return node is None or (isinstance(node, ast.Constant) and node.value is None)


def _split_call(split: SplitEvent) -> SplitCall:
    """The split's configuration; `stratify_expected` is left to the merge."""
    node = split.node
    unknown = any(kw.arg is None for kw in node.keywords)  # **kwargs may set anything
    shuffle = _keyword(node, "shuffle")
    return SplitCall(evidence=split.unit.evidence(node.lineno),
                     random_state=unknown or not _is_none(_keyword(node, "random_state")),
                     stratified=unknown or not _is_none(_keyword(node, "stratify")),
                     shuffled=not (isinstance(shuffle, ast.Constant) and shuffle.value is False),
                     labelled=split.arrays >= 2)


def _file_split(split: SplitEvent, classification: bool) -> _FileSplit:
    """A split and its smells; the stratify smell only prepared in a file that shows classification alone."""
    call = _split_call(split)
    unseeded = unstratified = None
    if call.shuffled and not call.random_state:
        unseeded = MlSmell(kind="split_without_random_state", subject="train_test_split", evidence=call.evidence,
                           detail="train_test_split without random_state",
                           corrected=_with_keyword(split.node, "random_state", ast.Constant(SEED), str(SEED)))
    if classification and call.shuffled and call.labelled and not call.stratified:
        label = [a for a in split.node.args if not isinstance(a, ast.Starred)][-1]
        text = source_text(label, 40) or "y"
        unstratified = MlSmell(kind="split_without_stratify", subject="train_test_split", evidence=call.evidence,
                               detail=f"train_test_split without stratify={text}",
                               corrected=_with_keyword(split.node, "stratify", label, text))
    return _FileSplit(call=call, unseeded=unseeded, unstratified=unstratified)


def _judged_split(split: _FileSplit, expected: bool) -> tuple[SplitCall, list[MlSmell]]:
    """The split's call and smells once it is known whether the file's splits of `X, y` should be stratified."""
    call = replace(split.call, stratify_expected=expected and split.call.shuffled and split.call.labelled)
    smells = [split.unseeded] if split.unseeded is not None else []
    if call.stratify_expected and split.unstratified is not None:
        smells.append(split.unstratified)
    return call, smells


def _with_keyword(node: ast.Call, name: str, value: ast.expr, value_text: str) -> str:
    call = ast.Call(func=node.func, args=node.args,
                    keywords=[*(k for k in node.keywords if k.arg != name), ast.keyword(arg=name, value=value)])
    func = source_text(node.func, 40) or "train_test_split"
    arrays = ", ".join(t for t in (source_text(a, 40) for a in node.args) if t)
    return _first_fitting(source_text(call, 400) or "", f"{func}({arrays}, {name}={value_text})",
                          f"{func}(..., {name}={value_text})")


class _StratifyRule:
    """Whether a split should be stratified: the project is an imbalanced classification, and the evidence
    of imbalance is the split's own file, prose or a file name in its folder, or a README above it."""

    _PROSE = ("words", "domain")

    def __init__(self, task: TaskFacts) -> None:
        self.applies = task.task == "classification" and task.imbalanced
        self.places = [(s.kind, s.evidence.path) for s in task.imbalance if s.kind != "stratify"] \
            if self.applies else []

    def expects(self, file: _FileSmells) -> bool:
        """Whether this file's splits of `X, y` should be stratified."""
        return self.applies and file.classification and self.near(file.path)

    def near(self, path: str) -> bool:
        folder = posixpath.dirname(path)
        for kind, place in self.places:
            where = posixpath.dirname(place)
            if place == path or (kind in self._PROSE and where == folder):
                return True
            if posixpath.basename(place).lower().startswith("readme") and (
                    where == "" or folder == where or folder.startswith(where + "/")):
                return True
        return False
