"""What the code models with (`modelling`): the models it builds and their families, how it fills
missing values, whether it serves the model, and whether it tunes hyperparameters.

Read statically from Python modules and notebook code cells (test files left out; a notebook's cells
share one namespace), each unit's nodes read from its node index in the per-file code pass (`codepass`), names
resolved through the file's imports (so `import xgboost as xgb; xgb.XGBClassifier()` counts, and a local
class that happens to be called `XGBClassifier` does not):

* **models** — scikit-learn, imbalanced-learn, XGBoost, LightGBM, CatBoost and statsmodels estimators
  (family by class, see `MODEL_FAMILIES`); neural networks: `nn.Module` / `LightningModule` / keras
  `Model` subclasses, keras `Sequential` / `Model(...)`, keras applications, torchvision and timm
  models, transformers `Auto*` / `*For*` models and pipelines, `nn.Sequential`, ultralytics `YOLO`,
  sentence-transformers.
* **imputation** — `SimpleImputer(strategy=…)` (`add_indicator=True` kept), `KNNImputer`,
  `IterativeImputer`; pandas `.fillna(x.median())` / `.fillna(df[c].mean())` / `.fillna(mode)` /
  `.fillna(0)` (a name assigned a median earlier in the file counts as the median), `.fillna(method=…)`,
  `.ffill()`, `.bfill()`, `.interpolate()`. `indicator` is true when the imputer adds indicators or the
  same file builds them: a `MissingIndicator`, or a column assigned from `isna()` / `isnull()`.
* **serving** — a FastAPI or Flask app, a Gradio interface, a Streamlit script, a BentoML service or a
  LitServe server in code; a Dockerfile whose `CMD` / `ENTRYPOINT` starts a server (uvicorn, gunicorn,
  `streamlit run`, `bentoml serve`, `mlflow models serve`, …) or runs a serving file found in code.
* **tuning** — `GridSearchCV`, `RandomizedSearchCV`, the halving searches, `BayesSearchCV`,
  `ParameterGrid` / `ParameterSampler`, optuna studies, hyperopt `fmin`, Ray Tune, keras-tuner tuners,
  scikit-optimize minimisers, W&B sweeps.

Every item carries evidence (path and line with the source line; in a notebook the line is the cell
number). A network class that another network class calls (a layer, a block), or a network built inside
a network class (a backbone), is marked `component`: `ModellingFacts.leading` puts whole models first,
and when the bound bites whole models are kept before components.
Lists are in reading order (path, cell, line) and bounded (`MAX_PER_FAMILY` models per family,
`MAX_ITEMS` per list); a model class is listed once per file. Never raises on odd code: a unit too
deeply nested to walk is skipped.
"""
from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import Evidence
from ..repo import RepoView
from ..sources import Sources
from . import ml_vocabulary as vocab
from .codepass import SourceFile, code_pass, per_file
from .common import bounded, excerpt
from .files import is_docker_file
from .pycode import CodeUnit, dotted_name, import_aliases, nodes_of, qualified_name, star_imports
from .testing import is_test_path

# Model families, simplest first.
MODEL_FAMILIES = ("baseline", "linear", "naive_bayes", "knn", "tree", "svm", "forest", "gradient_boosting",
                  "neural_net")
SIMPLE_FAMILIES = ("baseline", "linear", "naive_bayes", "knn", "tree")
COMPLEX_FAMILIES = ("gradient_boosting", "neural_net")
IMPUTATION_STRATEGIES = ("median", "mean", "most_frequent", "constant", "knn", "iterative", "ffill", "bfill",
                         "interpolate")

MAX_PER_FAMILY = 10
MAX_ITEMS = 40
MAX_DOCKERFILE_BYTES = 256 * 1024


@dataclass(frozen=True, kw_only=True)
class ModelUse:
    """A model the code builds: the class as written, its family (see `MODEL_FAMILIES`), where."""

    name: str
    family: str
    evidence: Evidence
    component: bool = False  # a network used inside another one (a layer, a block, a backbone), not a model alone


@dataclass(frozen=True, kw_only=True)
class Imputation:
    """Missing values filled in code: the strategy, whether missing-value indicators are kept, where."""

    strategy: str        # "median" | "mean" | "most_frequent" | "constant" | "knn" | "iterative" | "ffill" | "bfill" | "interpolate"
    indicator: bool      # add_indicator=True, a MissingIndicator, or an isna() flag column in the same file
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class ModellingFacts:
    """Models built, imputation, serving apps and hyperparameter tuning found in code and notebooks."""

    models: tuple[ModelUse, ...] = ()
    imputation: tuple[Imputation, ...] = ()
    serving: tuple[Evidence, ...] = ()
    tuning: tuple[Evidence, ...] = ()

    @property
    def families(self) -> list[str]:
        """The model families found, in `MODEL_FAMILIES` order."""
        found = {m.family for m in self.models}
        return [f for f in MODEL_FAMILIES if f in found]

    def of_family(self, *families: str) -> tuple[ModelUse, ...]:
        """The models of the given families, in reading order."""
        return tuple(m for m in self.models if m.family in families)

    @property
    def leading(self) -> tuple[ModelUse, ...]:
        """The models in reading order, whole models before components (layers, blocks, backbones)."""
        return tuple(sorted(self.models, key=lambda m: m.component))


# ==== vocabulary ===================================================================================


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Estimator classes by family; matched by the last part of the name once its import origin is one of
# `_ESTIMATOR_PACKAGES`.
_CLASS_FAMILIES: dict[str, frozenset[str]] = {
    "baseline": _words("DummyClassifier DummyRegressor"),
    "linear": _words("""
        LogisticRegression LogisticRegressionCV LinearRegression Ridge RidgeCV RidgeClassifier RidgeClassifierCV
        Lasso LassoCV ElasticNet ElasticNetCV SGDClassifier SGDRegressor Perceptron PassiveAggressiveClassifier
        PassiveAggressiveRegressor HuberRegressor BayesianRidge ARDRegression Lars LarsCV LassoLars LassoLarsCV
        LassoLarsIC OrthogonalMatchingPursuit TheilSenRegressor RANSACRegressor PoissonRegressor GammaRegressor
        TweedieRegressor QuantileRegressor
        OLS WLS GLS GLSAR GLM Logit Probit MNLogit QuantReg ols wls gls glm logit probit mnlogit quantreg
    """),
    "naive_bayes": _words("GaussianNB MultinomialNB BernoulliNB ComplementNB CategoricalNB"),
    "knn": _words("KNeighborsClassifier KNeighborsRegressor RadiusNeighborsClassifier RadiusNeighborsRegressor"),
    "tree": _words("DecisionTreeClassifier DecisionTreeRegressor ExtraTreeClassifier ExtraTreeRegressor"),
    "svm": _words("SVC SVR LinearSVC LinearSVR NuSVC NuSVR OneClassSVM"),
    "forest": _words("""
        RandomForestClassifier RandomForestRegressor ExtraTreesClassifier ExtraTreesRegressor BaggingClassifier
        BaggingRegressor IsolationForest XGBRFClassifier XGBRFRegressor BalancedRandomForestClassifier
        BalancedBaggingClassifier
    """),
    # AdaBoost is boosting with the exponential loss: the same "why boosting over a simpler model" story.
    "gradient_boosting": _words("""
        GradientBoostingClassifier GradientBoostingRegressor HistGradientBoostingClassifier
        HistGradientBoostingRegressor AdaBoostClassifier AdaBoostRegressor RUSBoostClassifier
        XGBClassifier XGBRegressor XGBRanker LGBMClassifier LGBMRegressor LGBMRanker
        CatBoostClassifier CatBoostRegressor CatBoostRanker
    """),
    "neural_net": _words("MLPClassifier MLPRegressor"),
}
_FAMILY_OF = {name: family for family, names in _CLASS_FAMILIES.items() for name in names}
_ESTIMATOR_PACKAGES = ("sklearn.", "imblearn.", "xgboost.", "lightgbm.", "catboost.", "statsmodels.")
_BOOSTING_FUNCTIONS = {"xgboost.train": "xgboost.train", "lightgbm.train": "lightgbm.train",
                       "catboost.train": "catboost.train"}

_KERAS_MODEL = re.compile(r"^(?:tensorflow\.(?:python\.)?keras|keras|tf_keras)\.(?:models\.)?(Sequential|Model)$")
_KERAS_APPLICATION = re.compile(r"^(?:tensorflow\.)?keras\.applications\.(?:\w+\.)?([A-Z]\w*)$")
_TORCHVISION = re.compile(r"^torchvision\.models\.(?:\w+\.)?([A-Za-z]\w*)$")
_NOT_TORCHVISION_MODEL = re.compile(r"_Weights$|^(?:get_weight|get_model_weights|list_models|get_model_builder|"
                                    r"create_feature_extractor|get_graph_node_names)$")
_TRANSFORMERS = re.compile(r"^transformers\.(\w+)(?:\.(?:from_pretrained|from_config))?$")
_TRANSFORMERS_MODEL = re.compile(r"Model|For[A-Z]")
_NOT_TRANSFORMERS_MODEL = re.compile(r"Tokenizer|Config|Processor|FeatureExtractor|Output|Arg|Trainer|Collator|"
                                     r"Pipeline|Callback")
_OTHER_NETWORKS = {
    "torch.nn.Sequential": "nn.Sequential",
    "ultralytics.YOLO": "YOLO",
    "ultralytics.RTDETR": "RTDETR",
    "sentence_transformers.SentenceTransformer": "SentenceTransformer",
    "transformers.pipeline": "transformers.pipeline",
}
_TIMM = frozenset({"timm.create_model", "timm.models.create_model"})
_NETWORK_BASES = frozenset({
    "torch.nn.Module", "torch.nn.modules.module.Module",
    "pytorch_lightning.LightningModule", "pytorch_lightning.core.LightningModule",
    "pytorch_lightning.core.module.LightningModule",
    "lightning.LightningModule", "lightning.pytorch.LightningModule", "lightning.pytorch.core.LightningModule",
    "tensorflow.keras.Model", "tensorflow.keras.models.Model", "keras.Model", "keras.models.Model",
    "tf_keras.Model", "flax.linen.Module", "transformers.PreTrainedModel",
})

# imputation
_IMPUTERS = {"SimpleImputer": None, "KNNImputer": "knn", "IterativeImputer": "iterative"}
_SIMPLE_STRATEGIES = frozenset({"mean", "median", "most_frequent", "constant"})
_STATISTICS = {"median": "median", "nanmedian": "median", "mean": "mean", "nanmean": "mean", "mode": "most_frequent"}
_FILL_METHODS = {"ffill": "ffill", "pad": "ffill", "bfill": "bfill", "backfill": "bfill"}  # fillna(method=…)
_FILL_CALLS = {"ffill": "ffill", "bfill": "bfill", "interpolate": "interpolate"}  # `.pad()` is also a tokenizer's
_MISSING_CHECKS = _words("isna isnull notna notnull")
_AGGREGATIONS = _words("sum mean any all count max min value_counts describe to_frame sort_values")

# serving
_SERVING_CALLS = {
    "fastapi.FastAPI": "FastAPI", "flask.Flask": "Flask", "gradio.Interface": "Gradio",
    "gradio.Blocks": "Gradio", "gradio.ChatInterface": "Gradio", "gradio.TabbedInterface": "Gradio",
    "bentoml.Service": "BentoML", "litserve.LitServer": "LitServe",
}
_SERVING_DECORATORS = {"bentoml.service": "BentoML", "ray.serve.deployment": "Ray Serve"}
_SERVE_COMMAND = re.compile(
    r"\b(?:uvicorn|gunicorn|hypercorn|daphne|waitress-serve|streamlit\s+run|flask\s+run|fastapi\s+(?:run|dev)|"
    r"gradio|bentoml\s+serve|mlflow\s+models\s+serve|torchserve|tensorflow_model_server|tritonserver|"
    r"serve\s+run|litserve)\b", re.IGNORECASE)
_PYTHON_FILE = re.compile(r"\bpython[\d.]*\W+(?:-\w+\W+)*([\w./-]+\.py)\b")
_PYTHON_MODULE = re.compile(r"\bpython[\d.]*\W+(?:-\w+\W+)*-m\W+([\w.]+)")
_INSTRUCTION = re.compile(r"^\s*(CMD|ENTRYPOINT)\b(.*)$", re.IGNORECASE)

# tuning
_SEARCHES = vocab.SEARCHES | _words("OptunaSearchCV ParameterGrid ParameterSampler")
_SEARCH_PACKAGES = ("sklearn.", "skopt.", "tune_sklearn.", "optuna.")
_TUNING_CALLS = frozenset({
    "optuna.create_study", "optuna.load_study", "hyperopt.fmin", "ray.tune.run", "ray.tune.Tuner",
    "ray.tune.tuner.Tuner", "skopt.gp_minimize", "skopt.forest_minimize", "skopt.gbrt_minimize",
    "skopt.dummy_minimize", "wandb.sweep", "flaml.AutoML", "sklearn.model_selection.ParameterGrid",
})
_KERAS_TUNERS = re.compile(r"^(?:keras_tuner|kerastuner)\.(?:tuners\.)?(RandomSearch|Hyperband|BayesianOptimization|"
                           r"GridSearch|SklearnTuner)$")


# ==== the walk =====================================================================================


@dataclass(order=True, frozen=True)
class _Place:
    """Reading order of a finding: file, cell (0 for a module), line, column."""

    path: str
    cell: int
    line: int
    column: int


@dataclass
class _Found:
    """What the walk of one file found, with reading-order places."""

    models: list[tuple[_Place, ModelUse]] = field(default_factory=list)
    networks: list[tuple[_Place, int]] = field(default_factory=list)   # network classes: start and last line
    used_in_networks: set[str] = field(default_factory=set)           # names a network class calls (not its own)
    imputers: list[tuple[_Place, str, bool, Evidence]] = field(default_factory=list)
    pending_fills: list[tuple[_Place, str, Evidence]] = field(default_factory=list)  # fillna(name)
    serving: list[tuple[_Place, str, Evidence]] = field(default_factory=list)
    tuning: list[tuple[_Place, Evidence]] = field(default_factory=list)
    statistics: dict[str, str] = field(default_factory=dict)   # name -> strategy of its assigned value
    constants: dict[str, str] = field(default_factory=dict)    # name -> string constant assigned
    indicator: bool = False


# the node classes `_visit` acts on
_VISITED_NODES = (ast.Call, ast.ClassDef, ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)


class _FileWalk:
    """One walk over every unit of one file (a notebook's cells in order)."""

    def __init__(self, group: list[CodeUnit]) -> None:
        self.group = group
        trees = [u.tree for u in group]
        self.aliases = import_aliases(trees)
        self.stars = star_imports(trees)
        self.found = _Found()
        self.called: frozenset[str] = frozenset()  # `_called_attributes` of the unit being walked

    def run(self) -> _Found:
        for unit in self.group:
            self.called = _called_attributes(unit)
            try:
                for node in nodes_of(unit.tree, *_VISITED_NODES):
                    self._visit(unit, node)
            except RecursionError:  # an absurdly nested unit: what was found before it stands
                continue
        return self.found

    def _place(self, unit: CodeUnit, node: ast.AST) -> _Place:
        return _Place(unit.path, unit.cell or 0, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))

    def _qualified(self, node: ast.AST) -> str | None:
        name = qualified_name(node, self.aliases)
        if name is None and isinstance(node, ast.Name) and (
                node.id in _FAMILY_OF or node.id in _SEARCHES or node.id in _IMPUTERS):
            for module in self.stars:  # `from sklearn.ensemble import *`: the package tells the origin
                if f"{module}.".startswith(_ESTIMATOR_PACKAGES + _SEARCH_PACKAGES):
                    return f"{module}.{node.id}"
        return name

    def _visit(self, unit: CodeUnit, node: ast.AST) -> None:  # one of `_VISITED_NODES`
        if isinstance(node, ast.Call):
            self._call(unit, node)
        elif isinstance(node, ast.ClassDef):
            self._class(unit, node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(unit, node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            self._assignment(node)

    # ---- calls

    def _call(self, unit: CodeUnit, call: ast.Call) -> None:
        qualified = self._qualified(call.func)
        if qualified is not None:
            model = _model_name(qualified, call)
            tuning = _is_tuning(qualified)
            framework = _SERVING_CALLS.get(qualified)
            if model is not None or tuning or framework is not None:
                where = self._place(unit, call)
                if model is not None:
                    self.found.models.append((where, ModelUse(name=model[0], family=model[1],
                                                              evidence=unit.evidence(call.lineno))))
                if tuning:
                    self.found.tuning.append((where, unit.evidence(call.lineno)))
                if framework is not None:
                    self.found.serving.append((where, framework, unit.evidence(call.lineno)))
            self._imputer(unit, call, qualified)
        self._pandas_fill(unit, call, qualified)

    def _imputer(self, unit: CodeUnit, call: ast.Call, qualified: str) -> None:
        last = qualified.rsplit(".", 1)[-1]
        if not qualified.startswith("sklearn."):
            return
        if last == "MissingIndicator":
            self.found.indicator = True
            return
        if last not in _IMPUTERS:
            return
        strategy = _IMPUTERS[last]
        if strategy is None:
            strategy = self._simple_strategy(call)
        if strategy is None:
            return
        added = any(kw.arg == "add_indicator" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                    for kw in call.keywords)
        self.found.imputers.append((self._place(unit, call), strategy, added, unit.evidence(call.lineno)))

    def _simple_strategy(self, call: ast.Call) -> str | None:
        value = _argument(call, 1, "strategy")
        if value is None:
            return "mean" if not any(kw.arg is None for kw in call.keywords) else None  # sklearn's default
        if isinstance(value, ast.Constant) and value.value in _SIMPLE_STRATEGIES:
            return value.value
        if isinstance(value, ast.Name) and self.found.constants.get(value.id) in _SIMPLE_STRATEGIES:
            return self.found.constants[value.id]
        return None

    def _pandas_fill(self, unit: CodeUnit, call: ast.Call, qualified: str | None) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or (qualified is not None and not qualified.startswith("pandas")):
            return  # `F.interpolate(...)` is torch's, `np.interp` numpy's: only frames and series fill
        method = func.attr
        if method not in _FILL_CALLS and method not in ("fillna", "assign"):
            return
        where = self._place(unit, call)
        evidence = unit.evidence(func.end_lineno or call.lineno)  # a chained call: the line of `.fillna`
        if method in _FILL_CALLS:
            self.found.imputers.append((where, _FILL_CALLS[method], False, evidence))
        elif method == "fillna":
            strategy = _fill_strategy(call)
            if strategy is not None:
                self.found.imputers.append((where, strategy, False, evidence))
            else:
                value = _argument(call, 0, "value")
                if isinstance(value, ast.Name):
                    self.found.pending_fills.append((where, value.id, evidence))
        elif method == "assign" and any(_is_missing_flag(kw.value) for kw in call.keywords if kw.arg):
            self.found.indicator = True

    # ---- definitions, imports, assignments

    def _class(self, unit: CodeUnit, node: ast.ClassDef) -> None:
        where = self._place(unit, node)
        if any(self._qualified(base) in _NETWORK_BASES for base in node.bases):
            self.found.models.append((where, ModelUse(name=node.name, family="neural_net",
                                                      evidence=unit.evidence(node.lineno))))
            self.found.networks.append((where, node.end_lineno or node.lineno))
            for sub in ast.walk(node):
                called = dotted_name(sub.func) if isinstance(sub, ast.Call) else None
                if called and called.rsplit(".", 1)[-1] != node.name:
                    self.found.used_in_networks.add(called.rsplit(".", 1)[-1])
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            framework = _SERVING_DECORATORS.get(self._qualified(target) or "")
            if framework is not None:
                self.found.serving.append((where, framework, unit.evidence(decorator.lineno)))

    def _import(self, unit: CodeUnit, node: ast.Import | ast.ImportFrom) -> None:
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if isinstance(node, ast.ImportFrom) and node.level:
            return
        if any(m == "streamlit" or m.startswith("streamlit.") for m in modules):
            self.found.serving.append((self._place(unit, node), "Streamlit", unit.evidence(node.lineno)))

    def _assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        if value is None:
            return
        if (any(isinstance(t, ast.Subscript) for t in targets) and not self.called.isdisjoint(_MISSING_CHECKS)
                and _is_missing_flag(value)):
            self.found.indicator = True
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            name = targets[0].id
            statistic = _statistic(value) if not self.called.isdisjoint(_STATISTICS) else None
            if statistic is not None:
                self.found.statistics[name] = statistic
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                self.found.constants[name] = value.value


def _called_attributes(unit: CodeUnit) -> frozenset[str]:
    """The attribute names the unit calls (`median` of `df.Age.median()`). `_statistic` and `_is_missing_flag`
    look in an expression for a call of such a name: where the unit calls none, they find nothing, and
    most units call no statistic and no `isna`."""
    return frozenset(call.func.attr for call in nodes_of(unit.tree, ast.Call) if call.func.__class__ is ast.Attribute)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if position < len(positional) and len(positional) == len(call.args):
        return call.args[position]
    return None


def _model_name(qualified: str, call: ast.Call) -> tuple[str, str] | None:
    """(name, family) of a model built by a call to `qualified`, or None."""
    if qualified in _TIMM:  # the one name whose model depends on the call (no other test below takes it)
        first = call.args[0] if call.args else _argument(call, 0, "model_name")
        named = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        return (f"timm {named}" if named else "timm.create_model"), "neural_net"
    return _model_named(qualified)


@lru_cache(maxsize=4096)
def _model_named(qualified: str) -> tuple[str, str] | None:
    """(name, family) of a model built by a call to `qualified` (not a timm model), or None; remembered, as
    a file calls the same names over and over."""
    last = qualified.rsplit(".", 1)[-1]
    if qualified.startswith(_ESTIMATOR_PACKAGES) and last in _FAMILY_OF:
        return last, _FAMILY_OF[last]
    if qualified in _BOOSTING_FUNCTIONS:
        return _BOOSTING_FUNCTIONS[qualified], "gradient_boosting"
    if qualified in _OTHER_NETWORKS:
        return _OTHER_NETWORKS[qualified], "neural_net"
    for pattern in (_KERAS_MODEL, _KERAS_APPLICATION):
        match = pattern.match(qualified)
        if match:
            return match.group(1), "neural_net"
    match = _TORCHVISION.match(qualified)
    if match and not _NOT_TORCHVISION_MODEL.search(match.group(1)):
        return match.group(1), "neural_net"
    match = _TRANSFORMERS.match(qualified)
    if match and _TRANSFORMERS_MODEL.search(match.group(1)) and not _NOT_TRANSFORMERS_MODEL.search(match.group(1)):
        return match.group(1), "neural_net"
    return None


@lru_cache(maxsize=4096)
def _is_tuning(qualified: str) -> bool:
    last = qualified.rsplit(".", 1)[-1]
    if last in _SEARCHES and qualified.startswith(_SEARCH_PACKAGES):
        return True
    return qualified in _TUNING_CALLS or bool(_KERAS_TUNERS.match(qualified))


def _statistic(node: ast.AST) -> str | None:
    """The strategy of the first median / mean / mode computed in an expression (`df.Age.median()`)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in _STATISTICS:
            return _STATISTICS[sub.func.attr]
    return None


def _is_constant(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    return isinstance(node, ast.Constant) and node.value is not None


def _fill_strategy(call: ast.Call) -> str | None:
    """The strategy of a `fillna` call, None when its value is a bare name or unknown."""
    method = next((kw.value for kw in call.keywords if kw.arg == "method"), None)
    if isinstance(method, ast.Constant) and method.value in _FILL_METHODS:
        return _FILL_METHODS[method.value]
    value = _argument(call, 0, "value")
    if value is None:
        return None
    statistic = _statistic(value)
    if statistic is not None:
        return statistic
    if _is_constant(value) or (isinstance(value, ast.Dict) and value.values
                               and all(_is_constant(v) for v in value.values)):
        return "constant"
    return None


def _per_row(call: ast.Call) -> bool:
    """An aggregation that keeps one value per row (`axis=1`)."""
    return any(kw.arg == "axis" and isinstance(kw.value, ast.Constant) and kw.value.value in (1, "columns")
               for kw in call.keywords)


def _is_missing_flag(value: ast.AST) -> bool:
    """A value built from `isna()` / `isnull()` row by row (a flag column): not a summary of the column
    (`.isna().sum()`, `.isna().all()`), a condition (`… if x.isna().any() else …`) or a row filter."""
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(value):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(value):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _MISSING_CHECKS):
            continue
        child, parent = node, parents.get(id(node))
        flag = True
        while parent is not None and flag:
            if isinstance(parent, ast.Attribute) and parent.attr in _AGGREGATIONS:
                call = parents.get(id(parent))
                flag = isinstance(call, ast.Call) and _per_row(call)
            elif isinstance(parent, (ast.IfExp, ast.If)) and child is parent.test:
                flag = False
            elif isinstance(parent, ast.Subscript) and child is parent.slice:
                flag = False
            child, parent = parent, parents.get(id(parent))
        if flag:
            return True
    return False


# ==== Dockerfiles ==================================================================================


def _instructions(text: str) -> Iterator[tuple[int, str, str]]:
    """(first line, keyword, arguments) of each CMD / ENTRYPOINT, continuation lines joined."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        start = index
        logical = lines[index]
        while logical.rstrip().endswith("\\") and index + 1 < len(lines):
            index += 1
            logical = logical.rstrip()[:-1] + " " + lines[index]
        index += 1
        match = _INSTRUCTION.match(logical)
        if match:
            yield start + 1, match.group(1).upper(), match.group(2)


def _runs_serving_file(command: str, serving_files: set[str]) -> bool:
    """The command runs `python app.py` or `python -m app` where that file serves (found in code)."""
    names = {posixpath.basename(p) for p in serving_files}
    for match in _PYTHON_FILE.finditer(command):
        if match.group(1).lstrip("./") in serving_files or posixpath.basename(match.group(1)) in names:
            return True
    modules = {p.removesuffix(".py").replace("/", ".") for p in serving_files if p.endswith(".py")}
    for match in _PYTHON_MODULE.finditer(command):
        module = match.group(1)
        if any(m == module or m.endswith("." + module) for m in modules):
            return True
    return False


def _dockerfile_serving(repo: RepoView, docker: tuple[Evidence, ...], serving_files: set[str]) -> list[Evidence]:
    found = []
    for path in sorted({e.path for e in docker if is_docker_file(e.path)}):
        if path.lower().endswith((".yml", ".yaml")):
            continue  # a compose file starts services; its commands are not read here
        text = repo.read_text(path, max_bytes=MAX_DOCKERFILE_BYTES)
        if text is None:
            continue
        for line, _keyword, command in _instructions(text):
            if _SERVE_COMMAND.search(command) or _runs_serving_file(command, serving_files):
                found.append(Evidence(path=path, line=line, excerpt=excerpt(text.splitlines()[line - 1])))
    return found


# ==== assembling ===================================================================================


@dataclass(frozen=True, kw_only=True)
class _FileModelling:
    """One file's part: what its walk found, imputations resolved, with reading-order places."""

    path: str
    models: tuple[tuple[_Place, ModelUse], ...]
    networks: tuple[tuple[_Place, int], ...]   # network classes: start and last line
    used_in_networks: frozenset[str]           # names a network class calls (not its own)
    imputations: tuple[tuple[_Place, Imputation], ...]
    serving: tuple[tuple[_Place, str, Evidence], ...]
    tuning: tuple[tuple[_Place, Evidence], ...]


@per_file("modelling")
def _modelling_in_file(file: SourceFile) -> _FileModelling | None:
    """The models, imputations, serving and tuning one file's code shows (nothing for a test file, or when
    it shows none)."""
    if not file.units or is_test_path(file.path):
        return None
    found = _FileWalk(file.units).run()
    if not (found.models or found.imputers or found.pending_fills or found.serving or found.tuning):
        return None
    return _FileModelling(path=file.path, models=tuple(found.models), networks=tuple(found.networks),
                          used_in_networks=frozenset(found.used_in_networks),
                          imputations=tuple(_imputations(found)), serving=tuple(found.serving),
                          tuning=tuple(found.tuning))


def _imputations(found: _Found) -> list[tuple[_Place, Imputation]]:
    """The file's imputations, a `fillna(name)` resolved to the statistic assigned to the name."""
    imputations = [(place, Imputation(strategy=strategy, indicator=added or found.indicator, evidence=evidence))
                   for place, strategy, added, evidence in found.imputers]
    for place, name, evidence in found.pending_fills:
        if name in found.statistics:
            imputations.append((place, Imputation(strategy=found.statistics[name], indicator=found.indicator,
                                                   evidence=evidence)))
    return imputations


def _components(found: list[_FileModelling]) -> list[tuple[_Place, ModelUse]]:
    """Every model, marked as a component when it is a network class another network class calls, or a
    network built inside a network class."""
    used = set().union(*(f.used_in_networks for f in found))
    marked = []
    for file in found:
        for place, model in file.models:
            inside = any(start.path == place.path and start.cell == place.cell and start.line < place.line <= end
                         for start, end in file.networks)
            if model.family == "neural_net" and (inside or (place in dict(file.networks) and model.name in used)):
                model = replace(model, component=True)
            marked.append((place, model))
    return marked


def detect_modelling(repo: RepoView, sources: Sources, docker: tuple[Evidence, ...] = ()) -> ModellingFacts:
    """Models, imputation, serving and tuning in the repository's code, notebooks and Dockerfiles."""
    walked = sorted(code_pass(sources).of("modelling"), key=lambda found: found.path)
    imputations = [item for found in walked for item in found.imputations]
    serving = [item for found in walked for item in found.serving]
    tuning = [item for found in walked for item in found.tuning]
    # whole models are kept before components when the bound bites, then listed in reading order
    models = sorted(_components(walked), key=lambda item: (item[1].component, item[0]))
    kept = bounded(models, key=lambda item: (item[1].evidence.path, item[1].name), group=lambda item: item[1].family,
                   per_group=MAX_PER_FAMILY, limit=MAX_ITEMS * 2)
    imputations.sort(key=lambda item: item[0])
    serving.sort(key=lambda item: item[0])
    tuning.sort(key=lambda item: item[0])
    served = [e for _, _, e in bounded(serving, key=lambda s: (s[0].path, s[1]), group=lambda s: 0,
                                       per_group=MAX_ITEMS)]
    served += _dockerfile_serving(repo, docker, {s[0].path for s in serving})
    return ModellingFacts(
        models=tuple(m for _, m in sorted(kept, key=lambda item: item[0])),
        imputation=bounded((i for _, i in imputations), key=lambda i: (i.evidence.path, i.evidence.line, i.strategy),
                           group=lambda i: 0, per_group=MAX_ITEMS),
        serving=tuple(served[:MAX_ITEMS]),
        tuning=bounded((e for _, e in tuning), key=lambda e: (e.path, e.line), group=lambda e: 0,
                       per_group=MAX_ITEMS),
    )
