"""What the ML-smell dataflow (`ml_dataflow`) knows about values and reports about a file: `Flow`
summaries of values, the library objects names hold, and the events of one file's walk (splits,
pre-split fits, leaks, fits on a test part, tuning loops). Data, with the two small helpers both
sides share.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from . import ml_vocabulary as vocab
from .pycode import CodeUnit

MAX_TEXT = 80  # longest source text kept for corrected code


# ==== values =======================================================================================


@dataclass(frozen=True)
class Role:
    """A part of a split: `part` is "train", "test", "validation" or "unknown" (not unpacked)."""

    split: int
    part: str
    label: bool        # the split's last array of two or more: the target
    index: int = -1    # position among the assignment targets
    name: str | None = None


@dataclass(frozen=True)
class Obj:
    """A library object held by a name: what it is and how it was built."""

    kind: str          # "transformer" | "pipeline" | "search" | "splitter" | "estimator"
    cls: str
    text: str          # its constructor call, as written (shortened)
    leaky: bool = False         # fitting it before the split leaks statistics of the test rows
    refit_wrong: bool = False   # fitting it on the test part is wrong (leaky, or an encoder)
    resampler: bool = False
    ctor: ast.Call | None = field(default=None, compare=False)  # a search's constructor call


@dataclass(frozen=True)
class Flow:
    """What is known about a value (see the module docstring)."""

    fits: frozenset[int] = frozenset()
    roles: frozenset[Role] = frozenset()
    metric: bool = False
    loops: frozenset[int] = frozenset()
    loopvar: frozenset[int] = frozenset()
    estimators: bool = False
    train_named: bool = False  # derived from a name like a training part (`strat_train_set`, `X_tr`)
    params: frozenset[int] = frozenset()  # in a function being summarised: the parameters it derives from
    obj: Obj | None = None
    varies: frozenset[int] = frozenset()
    split: int | None = None

    def data(self) -> Flow:
        """The value without its identity: what a value derived from it inherits."""
        if self.obj is None and not self.varies and self.split is None:
            return self
        return Flow(fits=self.fits, roles=self.roles, metric=self.metric, loops=self.loops,
                    loopvar=self.loopvar, estimators=self.estimators, train_named=self.train_named,
                    params=self.params)

    def __or__(self, other: Flow) -> Flow:
        return Flow(fits=self.fits | other.fits, roles=self.roles | other.roles,
                    metric=self.metric or other.metric, loops=self.loops | other.loops,
                    loopvar=self.loopvar | other.loopvar, estimators=self.estimators or other.estimators,
                    train_named=self.train_named or other.train_named, params=self.params | other.params)

    def holdout_parts(self) -> frozenset[str]:
        return frozenset(r.part for r in self.roles if r.part in ("test", "validation"))


EMPTY = Flow()


def union(flows: list[Flow]) -> Flow:
    out = EMPTY
    for f in flows:
        out = out | f
    return out


# ==== what the walk reports ========================================================================


@dataclass
class SplitEvent:
    """One `train_test_split` call; `targets` are the names it is unpacked into (filled at the assignment)."""

    id: int
    unit: CodeUnit
    node: ast.Call
    order: int
    arrays: int
    targets: tuple[str | None, ...] = ()

    def part_name(self, index: int, default: str) -> str:
        """The name bound to target `index` when the split was unpacked into one name per part."""
        if len(self.targets) == 2 * self.arrays and 0 <= index < len(self.targets) and self.targets[index]:
            return self.targets[index]  # type: ignore[return-value]
        return default


@dataclass(frozen=True)
class FitEvent:
    """Leaky preprocessing fitted on data that comes from no split (yet)."""

    id: int
    unit: CodeUnit
    node: ast.Call
    obj: Obj
    receiver: str | None   # the name holding the transformer; None for `StandardScaler().fit_transform(X)`
    data: str              # the data argument, as written
    data_node: ast.expr | None
    target: str | None     # the second argument (y), as written
    trainish: bool         # the data is named like a training part (`X_train`, `train_df`)
    order: int


@dataclass(frozen=True)
class Leak:
    """A pre-split fit reaching a split, a cross-validation, or a transform of a later split's test part."""

    fit: FitEvent
    consumer: str               # "split" | "cv" | "transform"
    unit: CodeUnit
    node: ast.Call              # the consuming call
    function: str               # "train_test_split", "cross_val_score", "GridSearchCV.fit", "scaler.transform"
    split: SplitEvent | None = None
    array: int = 0              # the split's array that carries the leak
    search: ast.Call | None = None  # the constructor of the search whose fit consumes the data


@dataclass(frozen=True)
class TestFit:
    """A fit on a split's test part: a transformer refitted, a model or a search trained on it."""

    unit: CodeUnit
    node: ast.Call
    what: str                  # "transformer" | "resampler" | "model" | "search"
    cls: str | None
    renames: tuple[tuple[str, str], ...]  # test-part name -> training-part name, for the corrected call


@dataclass
class Loop:
    """A top-level `for` loop of a namespace (nested loops merge into it) and what its body does."""

    id: int
    unit: CodeUnit
    node: ast.For | ast.AsyncFor
    targets: set[str] = field(default_factory=set)
    iterables: dict[str, str] = field(default_factory=dict)  # loop variable -> its iterable, as written
    variation: set[str] = field(default_factory=set)         # "hyperparameter" | "model"
    cls: str | None = None
    pipeline: bool = False
    params: list[tuple[str, str]] = field(default_factory=list)  # (keyword, loop variable)
    grid_var: str | None = None                                  # `**params` from the loop variable
    fitted: str | None = None          # the fit's arguments, as written
    holdout: set[str] = field(default_factory=set)   # held-out parts its scores use
    score_line: int | None = None
    score_unit: CodeUnit | None = None
    selected: set[str] = field(default_factory=set)  # held-out parts whose scores pick the best
    select_line: int | None = None
    select_unit: CodeUnit | None = None
    cross_validated: bool = False

    @property
    def tunes_on_holdout(self) -> bool:
        """It fits a model that varies with the loop and scores it on one held-out part, not by cross-validation."""
        return bool(self.variation and self.fitted is not None and self.holdout and not self.cross_validated)

    @property
    def tunes_with_cv(self) -> bool:
        """It cross-validates a model that varies with the loop (`cross_val_score(KNN(n_neighbors=k), X, y)`)."""
        return bool(self.variation and self.cross_validated)


@dataclass(frozen=True)
class FileFlow:
    """Everything one file's walk found."""

    path: str
    splits: tuple[SplitEvent, ...]
    leaks: tuple[Leak, ...]
    test_fits: tuple[TestFit, ...]
    loops: tuple[Loop, ...]
    cv: tuple[tuple[CodeUnit, int], ...]        # cross-validation calls (unit, line)
    searches: tuple[tuple[CodeUnit, int], ...]  # hyperparameter searches that cross-validate
    sklearn: bool
    classification: bool
    regression: bool


# ==== helpers ======================================================================================


def source_text(node: ast.AST, limit: int = MAX_TEXT) -> str | None:
    """`node` as code on one line, or None when it is too long or cannot be written back."""
    if getattr(node, "end_lineno", 0) and node.end_lineno - node.lineno > 12:  # type: ignore[attr-defined]
        return None
    try:
        text = ast.unparse(node)
    except (RecursionError, ValueError, AttributeError, TypeError):
        return None
    text = " ".join(text.split())
    return text if len(text) <= limit else None



def library_origin(origin: str) -> bool:
    """Whether a dotted import origin belongs to one of the sklearn-style `PACKAGES`."""
    return any(origin.startswith(p) or origin == p[:-1] for p in vocab.PACKAGES)
