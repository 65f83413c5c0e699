"""Statement-order dataflow over one file, for the ML-smell detector (`ml_smells`).

One walk over the file's statements in the order they run: a module top to bottom, a notebook's code
cells in cell order as one namespace. Every function or class body is a namespace of its own, walked
separately with nothing inherited from the module level (a name reused in an unrelated function
never carries the module's state: missing a smell is better than inventing one). Branches are
walked one after the other and a loop body once. Two narrow bridges between namespaces:

* a module-level function of the same file is summarised before its callers are walked (the
  preprocessing fitted inside whose output it returns, the parameters it splits or cross-validates),
  so `X = features(df)` then `split_data(X, y)` is followed; calls into other files are not;
* a library object a class stores on `self` (`self.scaler = StandardScaler()` in `__init__`) is known,
  as an object and never as data, in all of the class's methods.

Each value a name holds is summarised by a `Flow`:

* `fits` — preprocessing fitted before any split (`FitEvent`) whose output or fitted state flowed
  into the value (`X_s = scaler.fit_transform(X)`, `scaler.fit(X)`, `X = scaler.transform(X)`);
* `roles` — which part of which `train_test_split` the value comes from (`X_test` is the test part of
  the split's first array; a held-out part named like `X_val` is a validation part);
* `metric` / `loops` — a score of a model (`.score(...)`, a `sklearn.metrics` function) and the
  tuning loops whose varying model it scores;
* `loopvar` — derived from the variable of the enclosing loop;
* `estimators` — holds sklearn-style estimators (classes imported from `PACKAGES`);
* `train_named` — derived from a name like a training part (`X_train`, `strat_train_set`): a fit on it
  is not reported when cross-validated (the fold leak inside a training set is left out on purpose);
* `params` — while a function is summarised, the parameters the value derives from;
* identity (not passed on by derivation): `obj`, the library object a name holds (transformer,
  pipeline, search, CV splitter, estimator), `varies` (tuning loops that construct it from their
  variable) and `split` (the call result of `train_test_split`, until it is unpacked).

What the walk reports (`FileFlow`): every split call, leaks (a pre-split fit reaching a split, a
cross-validation, or a transform of the split's test part), fits on a test part, tuning loops and
whether the file cross-validates. Judgement (which of these is a smell, the corrected code) lives in
`ml_smells`.
"""
from __future__ import annotations

import ast
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from ..node_index import add_children
from . import ml_vocabulary as vocab
from .ml_flow import (
    EMPTY,
    FileFlow,
    FitEvent,
    Flow,
    Leak,
    Loop,
    Obj,
    Role,
    SplitEvent,
    TestFit,
    library_origin,
    source_text,
    union,
)
from .pycode import CodeUnit, dotted_name, nodes_of, qualified_name
from .task_vocabulary import NAME_KINDS, NAME_PATTERNS

# ==== helpers ======================================================================================


def _store_names(target: ast.AST) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for elt in target.elts for n in _store_names(elt)]
    if isinstance(target, ast.Starred):
        return _store_names(target.value)
    return []


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _task_kind(name: str) -> str | None:
    kind = NAME_KINDS.get(name)
    if kind:
        return kind
    for pattern, pattern_kind in NAME_PATTERNS:
        if pattern.search(name):
            return pattern_kind
    return None


_ORDERING = (ast.Gt, ast.GtE, ast.Lt, ast.LtE)
_FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample"})
_KNOWN = (vocab.SPLIT_FUNCTIONS | vocab.LEAKY_TRANSFORMERS | vocab.RESAMPLERS | vocab.ENCODERS | vocab.COMPOSITES
          | vocab.PIPELINES | vocab.SEARCHES | vocab.SPLITTERS | vocab.CV_FUNCTIONS | vocab.CLASSIFICATION_METRICS
          | vocab.REGRESSION_METRICS)


# ==== the walk =====================================================================================


@dataclass
class _Summary:
    """What a module-level function does with its parameters, for its callers in the same file: the
    preprocessing fitted inside whose output it returns, and the parameters it splits or cross-validates."""

    params: list[str]
    returns: set[int] = field(default_factory=set)                # FitEvent ids
    consumes: dict[int, str] = field(default_factory=dict)        # parameter index -> "split" | "cv"


class _Scope:
    """One namespace: its names' flows and the loop being walked. `seeds` are the library objects a class
    keeps in attributes (`self.scaler = StandardScaler()` in `__init__`), known in each of its methods."""

    def __init__(self, seeds: dict[str, Flow] | None = None, summary: _Summary | None = None) -> None:
        self.seeds = seeds or {}
        self.env: dict[str, Flow] = dict(self.seeds)
        self.loop: Loop | None = None
        self.summary = summary
        if summary is not None:
            for index, name in enumerate(summary.params):
                self.env[name] = Flow(params=frozenset({index}))


class _SelfCalls:
    """A unit's `self.<name> = f(...)` statements, in walk order, and a method's among them: those within
    its span (statements nest), found by bisection, in the order `ast.walk(method)` meets them (the
    tree's walk order restricted to a subtree is the subtree's own)."""

    def __init__(self, unit: CodeUnit | None, statements: list[ast.Assign]) -> None:
        self.unit = unit
        self._by_place = sorted(((s.lineno, s.col_offset), rank, s) for rank, s in enumerate(statements))
        self._places = [place for place, _, _ in self._by_place]

    def within(self, node: ast.AST) -> list[ast.Assign]:
        low = bisect_left(self._places, (node.lineno, node.col_offset))
        high = bisect_right(self._places, (node.end_lineno, node.end_col_offset))
        return [s for _, _, s in sorted(self._by_place[low:high], key=lambda item: item[1])]


class FileWalker:
    """Walks one file's units (a module, or a notebook's code cells in order) and collects a `FileFlow`."""

    def __init__(self, units: list[CodeUnit], aliases: dict[str, str], stars: list[str]) -> None:
        self.units = units
        self.aliases = aliases
        self.stars = [m for m in stars if library_origin(m + ".")]
        self.order = 0
        self.unit = units[0]
        self.splits: list[SplitEvent] = []
        self.fits: list[FitEvent] = []
        self.leaks: list[Leak] = []
        self.leaked: set[int] = set()
        self.test_fits: list[TestFit] = []
        self.loops: list[Loop] = []
        self.cv: list[tuple[CodeUnit, int]] = []
        self.searches: list[tuple[CodeUnit, int]] = []
        self.sklearn = False
        self.kinds: set[str] = set()
        self._compares: list[Flow] = []
        self._pending: list[tuple[CodeUnit, list[ast.stmt], dict[str, Flow]]] = []
        self.summaries: dict[str, _Summary] = {}
        self._summarised: set[int] = set()  # ids of the function nodes walked as summaries
        self._self_calls = _SelfCalls(None, [])  # see _self_call_assignments

    # ---- driver ----------------------------------------------------------------------------------

    def run(self) -> FileFlow:
        for unit in self.units:  # module-level functions first, in order, so their callers know them
            self.unit = unit
            for stmt in unit.tree.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self._summarise(stmt)
        top = _Scope()
        for unit in self.units:
            self.unit = unit
            self._block(unit.tree.body, top)
        while self._pending:
            unit, body, seeds = self._pending.pop(0)
            self.unit = unit
            self._block(body, _Scope(seeds))
        return FileFlow(
            path=self.units[0].path, splits=tuple(self.splits), leaks=tuple(self.leaks),
            test_fits=tuple(self.test_fits), loops=tuple(self.loops), cv=tuple(self.cv),
            searches=tuple(self.searches), sklearn=self.sklearn,
            classification="classification" in self.kinds, regression="regression" in self.kinds)

    # ---- statements ------------------------------------------------------------------------------

    def _block(self, body: list[ast.stmt], scope: _Scope) -> None:
        for stmt in body:
            self._stmt(stmt, scope)

    def _stmt(self, node: ast.stmt, scope: _Scope) -> None:
        self.order += 1
        self._compares.clear()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if id(node) not in self._summarised:
                self._pending.append((self.unit, node.body, scope.seeds))
        elif isinstance(node, ast.Return) and node.value is not None:
            flow = self._expr(node.value, scope)
            if scope.summary is not None:
                scope.summary.returns.update(flow.fits)
        elif isinstance(node, ast.ClassDef):
            self._pending.append((self.unit, node.body, self._class_seeds(node)))
        elif isinstance(node, ast.Assign):
            self._assign(node.targets, node.value, scope)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self._assign([node.target], node.value, scope)
        elif isinstance(node, ast.AugAssign):
            self._augment(node.target, self._expr(node.value, scope), scope)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self._loop(node, scope)
        elif isinstance(node, ast.If):
            self._if(node, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                flow = self._expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, flow.data(), scope)
            self._block(node.body, scope)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self._block(node.body, scope)
            for handler in node.handlers:
                self._block(handler.body, scope)
            self._block(node.orelse, scope)
            self._block(node.finalbody, scope)
        elif isinstance(node, ast.While):
            self._expr(node.test, scope)
            self._block(node.body, scope)
            self._block(node.orelse, scope)
        elif isinstance(node, ast.Match):
            self._expr(node.subject, scope)
            for case in node.cases:
                self._block(case.body, scope)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self._expr(child, scope)

    def _summarise(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._summarised.add(id(node))
        params = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
        summary = _Summary(params=params)
        self._block(node.body, _Scope(summary=summary))
        self.summaries[node.name] = summary

    def _apply_summary(self, node: ast.Call, summary: _Summary, args: list[Flow], keywords: dict[str | None, Flow],
                       generic: Flow) -> Flow:
        """A call of a summarised function: leaks through the parameters it splits, and the fits it returns
        (not when it is given a split's part: then its preprocessing is fitted after the split)."""
        for index, kind in sorted(summary.consumes.items()):
            flow = args[index] if index < len(args) else keywords.get(summary.params[index], EMPTY)
            self._consume(flow, kind, node, f"{dotted_name(node.func)}()")
        given = union([*args, *keywords.values()])
        if summary.returns and not given.roles and not given.train_named:
            return replace(generic, fits=generic.fits | frozenset(summary.returns))
        return generic

    def _self_call_assignments(self) -> _SelfCalls:
        """The current unit's `self.<name> = <name or attribute>(...)` statements (found once per unit)."""
        if self._self_calls.unit is not self.unit:
            self._self_calls = _SelfCalls(self.unit, [
                stmt for stmt in nodes_of(self.unit.tree, ast.Assign)
                if len(stmt.targets) == 1 and isinstance(stmt.value, ast.Call)
                and isinstance(stmt.value.func, (ast.Name, ast.Attribute)) and isinstance(stmt.targets[0], ast.Attribute)
                and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == "self"])
        return self._self_calls

    def _class_seeds(self, node: ast.ClassDef) -> dict[str, Flow]:
        """`self.<name>` -> the library object every method of the class assigns to it (one kind only)."""
        found: dict[str, Obj | None] = {}
        assignments = self._self_call_assignments()
        for method in node.body:
            if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for stmt in assignments.within(method):
                target, call = stmt.targets[0], stmt.value
                origin = self._qualify(call.func)
                if not (origin and library_origin(origin)):
                    continue  # `self.scaler = joblib.load(path)` says nothing new about the kind
                obj = self._object(call, origin.rsplit(".", 1)[-1])
                key = f"self.{target.attr}"
                known = found.get(key, obj)
                found[key] = obj if known is not None and obj is not None and known.cls == obj.cls else None
        return {key: Flow(obj=obj, estimators=True) for key, obj in found.items() if obj is not None}

    def _assign(self, targets: list[ast.expr], value: ast.expr, scope: _Scope) -> None:
        pairwise = (isinstance(value, (ast.Tuple, ast.List))
                    and not any(isinstance(e, ast.Starred) for e in value.elts)
                    and all(isinstance(t, (ast.Tuple, ast.List)) and len(t.elts) == len(value.elts)
                            for t in targets))
        if pairwise:
            flows = [self._expr(e, scope) for e in value.elts]  # type: ignore[attr-defined]
            for target in targets:
                for elt, flow in zip(target.elts, flows):  # type: ignore[attr-defined]
                    self._bind(elt, flow, scope)
            return
        flow = self._expr(value, scope)
        for target in targets:
            self._bind(target, flow, scope)

    def _bind(self, target: ast.expr, flow: Flow, scope: _Scope) -> None:
        if flow.split is not None and isinstance(target, (ast.Tuple, ast.List)):
            self._unpack_split(target, flow, scope)
        elif isinstance(target, ast.Name):
            scope.env[target.id] = self._split_whole(flow)
        elif isinstance(target, ast.Attribute):
            key = dotted_name(target)
            if key:
                scope.env[key] = self._split_whole(flow)
        elif isinstance(target, ast.Subscript):
            self._augment(target, flow, scope)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._bind(elt, flow.data(), scope)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, flow, scope)

    def _split_whole(self, flow: Flow) -> Flow:
        """A split result kept whole (`parts = train_test_split(...)`): its parts are unknown."""
        if flow.split is None:
            return flow
        return Flow(roles=frozenset({Role(split=flow.split, part="unknown", label=False)}), loopvar=flow.loopvar)

    def _unpack_split(self, target: ast.Tuple | ast.List, flow: Flow, scope: _Scope) -> None:
        split = self.splits[flow.split]  # type: ignore[index]
        names = tuple(source_text(elt, 40) if isinstance(elt, (ast.Name, ast.Attribute)) else None
                      for elt in target.elts)
        split.targets = names
        known = len(target.elts) == 2 * split.arrays
        for index, elt in enumerate(target.elts):
            if not known:
                part = "unknown"
            elif index % 2 == 0:
                part = "train"
            else:
                part = "validation" if vocab.VALIDATION_NAME.search(names[index] or "") else "test"
            label = known and split.arrays >= 2 and index // 2 == split.arrays - 1
            role = Role(split=split.id, part=part, label=label, index=index, name=names[index])
            self._bind(elt, Flow(roles=frozenset({role}), loopvar=flow.loopvar), scope)

    def _augment(self, target: ast.expr, flow: Flow, scope: _Scope) -> None:
        """`df[cols] = ...`, `x += ...`, `scores.append(...)`: the container keeps its identity and gains the flow."""
        key = dotted_name(target) if isinstance(target, (ast.Name, ast.Attribute)) else _root_name(target)
        if key is None:
            return
        old = scope.env.get(key, EMPTY)
        scope.env[key] = replace(old | flow, obj=old.obj, varies=old.varies)

    def _if(self, node: ast.If, scope: _Scope) -> None:
        self._compares.clear()
        self._expr(node.test, scope)
        compared = list(self._compares)
        if any(isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign)) for s in node.body):
            for flow in compared:  # `if acc > best: best = acc` keeps the best score
                self._select(flow, node.lineno)
        self._block(node.body, scope)
        self._block(node.orelse, scope)

    def _loop(self, node: ast.For | ast.AsyncFor, scope: _Scope) -> None:
        items = self._expr(node.iter, scope)
        outer = scope.loop is None
        if outer:
            scope.loop = Loop(id=len(self.loops), unit=self.unit, node=node)
            self.loops.append(scope.loop)
        loop = scope.loop
        assert loop is not None
        loop.targets.update(_store_names(node.target))
        loop.iterables.update(_iterables(node.target, node.iter))
        self._bind(node.target, replace(items.data(), loopvar=items.loopvar | {loop.id}), scope)
        self._block(node.body, scope)
        self._block(node.orelse, scope)
        if outer:
            scope.loop = None

    # ---- expressions -----------------------------------------------------------------------------

    def _expr(self, node: ast.AST, scope: _Scope) -> Flow:
        if isinstance(node, ast.Name):
            flow = scope.env.get(node.id, EMPTY)
            if not flow.train_named and vocab.TRAIN_NAME.search(node.id):
                flow = replace(flow, train_named=True)
            return flow
        if isinstance(node, ast.Attribute):
            key = dotted_name(node)
            if key and key in scope.env:
                return scope.env[key]
            return self._expr(node.value, scope).data()
        if isinstance(node, ast.Call):
            return self._call(node, scope)
        if isinstance(node, ast.Constant):
            return EMPTY
        if isinstance(node, ast.NamedExpr):
            flow = self._expr(node.value, scope)
            self._bind(node.target, flow, scope)
            return flow
        if isinstance(node, ast.Lambda):
            return EMPTY
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node, scope)
        children: list[ast.AST] = []
        add_children((node,), children.append)  # `ast.iter_child_nodes` without its generators
        flows = [self._expr(child, scope).data() for child in children if isinstance(child, ast.expr)]
        flow = union(flows)
        if isinstance(node, ast.Compare) and any(isinstance(op, _ORDERING) for op in node.ops):
            self._compares.append(flow)
        return flow

    def _comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
                       scope: _Scope) -> Flow:
        saved: dict[str, Flow | None] = {}
        flows = []
        for gen in node.generators:
            items = self._expr(gen.iter, scope).data()
            for name in _store_names(gen.target):
                saved.setdefault(name, scope.env.get(name))
            self._bind(gen.target, items, scope)
            flows.extend(self._expr(cond, scope) for cond in gen.ifs)
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        flows.extend(self._expr(p, scope).data() for p in parts)
        for name, old in saved.items():  # comprehension variables do not leak out
            if old is None:
                scope.env.pop(name, None)
            else:
                scope.env[name] = old
        return union(flows)

    def _qualify(self, node: ast.expr) -> str | None:
        name = qualified_name(node, self.aliases)
        if name is None and isinstance(node, ast.Name) and self.stars and (
                node.id in _KNOWN or _task_kind(node.id)):
            return f"{self.stars[0]}.{node.id}"
        return name

    def _call(self, node: ast.Call, scope: _Scope) -> Flow:
        func = node.func
        receiver = self._expr(func.value, scope) if isinstance(func, ast.Attribute) else None
        args = [self._expr(a.value if isinstance(a, ast.Starred) else a, scope) for a in node.args]
        kwlist = [(kw, self._expr(kw.value, scope)) for kw in node.keywords]
        keywords = {kw.arg: flow for kw, flow in kwlist}
        generic = union([receiver.data() if receiver else EMPTY, *(a.data() for a in args),
                         *(k.data() for k in keywords.values())])
        origin = self._qualify(func) if isinstance(func, (ast.Name, ast.Attribute)) else None
        if origin and "(" in origin:  # a method of a call's result: `StandardScaler().fit_transform`
            origin = None
        if origin and library_origin(origin):
            return self._library_call(node, origin, args, kwlist, generic, scope)
        if isinstance(func, ast.Name) and origin is None and func.id in self.summaries:
            return self._apply_summary(node, self.summaries[func.id], args, keywords, generic)
        if origin in vocab.BOOSTING_CV:
            self.cv.append((self.unit, node.lineno))
            return generic
        name = func.id if isinstance(func, ast.Name) else (origin or "").rsplit(".", 1)[-1]
        if receiver is None or origin:
            clamp = len(node.args) > 1 and any(isinstance(a, ast.Constant) for a in node.args)  # max(v, 0.01)
            if name in vocab.SELECTION_FUNCTIONS and not clamp:
                for flow in args:
                    self._select(flow, node.lineno)
            return generic
        assert isinstance(func, ast.Attribute)
        return self._method(node, func, receiver, args, kwlist, generic, scope)

    def _library_call(self, node: ast.Call, origin: str, args: list[Flow], kwlist: list[tuple[ast.keyword, Flow]],
                      generic: Flow, scope: _Scope) -> Flow:
        self.sklearn = True
        keywords = {kw.arg: flow for kw, flow in kwlist}
        last = origin.rsplit(".", 1)[-1]
        if last in vocab.SPLIT_FUNCTIONS:
            return self._split(node, args, generic, scope)
        if last in vocab.CV_FUNCTIONS:
            self.cv.append((self.unit, node.lineno))
            data = args[1] if len(args) > 1 else keywords.get("X", EMPTY)
            self._consume(data, "cv", node, last, scope=scope)
            if scope.loop is not None and scope.loop.id in generic.loopvar:
                scope.loop.cross_validated = True
            return replace(generic, metric=True)
        if ".metrics." in origin and last not in vocab.NOT_SCORES and last[:1].islower():
            self.kinds.update(k for k, names in (("classification", vocab.CLASSIFICATION_METRICS),
                                                  ("regression", vocab.REGRESSION_METRICS)) if last in names)
            return self._score(generic, node, scope)
        if last[:1].isupper() or last in vocab.COMPOSITES or last in vocab.PIPELINES:
            return self._construct(node, last, args, kwlist, generic, scope)
        return generic

    def _method(self, node: ast.Call, func: ast.Attribute, receiver: Flow, args: list[Flow],
                kwlist: list[tuple[ast.keyword, Flow]], generic: Flow, scope: _Scope) -> Flow:
        method = func.attr
        keywords = {kw.arg: flow for kw, flow in kwlist}
        obj = receiver.obj
        data = args[0] if args else keywords.get("X", EMPTY)
        if method in _FIT_METHODS or method == "partial_fit":
            return self._fit(node, func, method, receiver, args, keywords, generic, scope)
        if method == "transform" and receiver.fits:
            self._transform_after_split(receiver, data, node, func)
        elif method == "split" and obj is not None and obj.kind == "splitter":
            self._consume(data, "cv", node, f"{obj.cls}.split", scope=scope)
        elif method in vocab.SCORE_METHODS and (receiver.estimators or obj is not None):
            return self._score(generic, node, scope)
        elif method == "set_params" and scope.loop is not None:
            loop = scope.loop
            varying = [f for kw, f in kwlist if kw.arg not in vocab.NOT_HYPERPARAMETERS and loop.id in f.loopvar]
            key = dotted_name(func.value)
            if varying and key and key in scope.env:
                self._vary(loop, kwlist, estimator_args=any(f.estimators for f in varying))
                loop.cls = loop.cls or (obj.cls if obj is not None else None)
                scope.env[key] = replace(scope.env[key], varies=scope.env[key].varies | {loop.id})
        elif method in vocab.MUTATORS:
            self._augment(func.value, union([*args, *keywords.values()]).data(), scope)
        elif method in vocab.SELECTION_METHODS:
            self._select(receiver, node.lineno)
        return generic

    # ---- library semantics -----------------------------------------------------------------------

    def _construct(self, node: ast.Call, last: str, args: list[Flow], kwlist: list[tuple[ast.keyword, Flow]],
                   generic: Flow, scope: _Scope) -> Flow:
        kind = _task_kind(last)
        if kind in ("classification", "regression"):
            self.kinds.add(kind)
        obj = self._object(node, last)
        if obj is None:
            return generic
        if obj.kind in ("search", "splitter") or vocab.CV_ESTIMATOR.match(last):
            self.cv.append((self.unit, node.lineno))
            if obj.kind in ("search", "estimator"):
                self.searches.append((self.unit, node.lineno))
        varies: frozenset[int] = frozenset()
        loop = scope.loop
        if loop is not None:
            varying = [f for kw, f in kwlist if kw.arg not in vocab.NOT_HYPERPARAMETERS and loop.id in f.loopvar]
            varying += [f for f in args if loop.id in f.loopvar]
            if varying:
                varies = frozenset({loop.id})
                loop.cross_validated = loop.cross_validated or obj.kind == "search"
                loop.cls = last
                loop.pipeline = obj.kind in ("pipeline", "search") or last in vocab.COMPOSITES
                self._vary(loop, kwlist, estimator_args=any(f.estimators for f in varying))
        return replace(generic, estimators=True, obj=obj, varies=varies)

    def _vary(self, loop: Loop, kwlist: list[tuple[ast.keyword, Flow]], *, estimator_args: bool) -> None:
        loop.variation.add("model" if estimator_args else "hyperparameter")
        for kw, flow in kwlist:
            if loop.id not in flow.loopvar or kw.arg in vocab.NOT_HYPERPARAMETERS:
                continue
            if kw.arg is None and isinstance(kw.value, ast.Name):
                loop.grid_var = kw.value.id
            elif kw.arg and isinstance(kw.value, ast.Name) and kw.value.id in loop.targets:
                loop.params.append((kw.arg, kw.value.id))

    def _object(self, node: ast.Call, last: str) -> Obj | None:
        text = source_text(node) or f"{last}()"
        if last in vocab.SEARCHES:
            return Obj(kind="search", cls=last, text=text, ctor=node)
        if last in vocab.SPLITTERS:
            return Obj(kind="splitter", cls=last, text=text)
        if last in vocab.COMPOSITES or last in vocab.PIPELINES:
            leaky, encoder = self._holds(node)
            kind = "pipeline" if last in vocab.PIPELINES else "transformer"
            return Obj(kind=kind, cls=last, text=text, leaky=leaky, refit_wrong=leaky or encoder)
        frequency_vocabulary = (last == vocab.VOCABULARY_BY_FREQUENCY[0] and any(
            kw.arg in vocab.VOCABULARY_BY_FREQUENCY[1] for kw in node.keywords))
        if last in vocab.LEAKY_TRANSFORMERS or last in vocab.RESAMPLERS or frequency_vocabulary:
            return Obj(kind="transformer", cls=last, text=text, leaky=True, refit_wrong=True,
                       resampler=last in vocab.RESAMPLERS)
        if last in vocab.ENCODERS:
            return Obj(kind="transformer", cls=last, text=text, refit_wrong=True)
        if last[:1].isupper() and last not in vocab.NOT_ESTIMATORS:
            return Obj(kind="estimator", cls=last, text=text)
        return None

    def _holds(self, node: ast.Call) -> tuple[bool, bool]:
        """Whether a composite's steps include leaky preprocessing, and an encoder."""
        leaky = encoder = False
        for arg in [*node.args, *(kw.value for kw in node.keywords)]:
            for sub in ast.walk(arg):
                cls = None
                if isinstance(sub, ast.Call) and isinstance(sub.func, (ast.Name, ast.Attribute)):
                    origin = self._qualify(sub.func)
                    cls = origin.rsplit(".", 1)[-1] if origin and library_origin(origin) else None
                    if cls == vocab.VOCABULARY_BY_FREQUENCY[0] and any(
                            kw.arg in vocab.VOCABULARY_BY_FREQUENCY[1] for kw in sub.keywords):
                        leaky = True
                if cls:
                    leaky = leaky or cls in vocab.LEAKY_TRANSFORMERS or cls in vocab.RESAMPLERS
                    encoder = encoder or cls in vocab.ENCODERS
        return leaky, encoder

    def _split(self, node: ast.Call, args: list[Flow], generic: Flow, scope: _Scope) -> Flow:
        arrays = sum(1 for a in node.args if not isinstance(a, ast.Starred))
        split = SplitEvent(id=len(self.splits), unit=self.unit, node=node, order=self.order, arrays=arrays)
        self.splits.append(split)
        features = range(max(arrays - 1, 1)) if arrays >= 1 else range(0)
        for index in features:
            if index < len(args):
                self._consume(args[index], "split", node, "train_test_split", split=split, array=index, scope=scope)
        return Flow(loopvar=generic.loopvar, split=split.id)

    def _fit(self, node: ast.Call, func: ast.Attribute, method: str, receiver: Flow, args: list[Flow],
             keywords: dict[str | None, Flow], generic: Flow, scope: _Scope) -> Flow:
        """A fit: preprocessing before the split, a fit on the test part, the fit of a tuning loop."""
        obj = receiver.obj
        data = args[0] if args else keywords.get("X", EMPTY)
        transformer = obj is not None and obj.kind in ("transformer", "pipeline")
        as_preprocessing = transformer and not (obj.kind == "pipeline" and method == "fit")  # type: ignore[union-attr]
        if obj is not None and obj.kind == "search" and method == "fit":
            self._consume(data, "cv", node, f"{obj.cls}.fit", search=obj.ctor, scope=scope)
        self._fit_on_test(node, method, obj, data, args, keywords, as_preprocessing)
        loop = scope.loop
        from_loop = loop is not None and loop.id in receiver.loopvar and receiver.estimators and receiver.obj is None
        if loop is not None and (loop.id in receiver.varies or from_loop):  # `for name, model in models.items()`
            if loop.id not in receiver.varies:
                loop.variation.add("model")
            loop.fitted = ", ".join(t for t in (source_text(a, 40) for a in node.args) if t) or "X_train, y_train"
        event = None
        if as_preprocessing and obj is not None and obj.leaky and not data.roles and method in _FIT_METHODS:
            event = self._fit_event(node, func, obj, data)
            key = dotted_name(func.value)
            if key and key in scope.env:
                scope.env[key] = replace(scope.env[key], fits=scope.env[key].fits | {event.id})
        fits = frozenset({event.id}) if event else frozenset()
        if method in ("fit", "partial_fit"):
            return replace(receiver, fits=receiver.fits | fits)
        return replace(generic, fits=generic.fits | fits)

    def _fit_event(self, node: ast.Call, func: ast.Attribute, obj: Obj, data: Flow) -> FitEvent:
        data_node = node.args[0] if node.args else None
        data_text = source_text(data_node, 40) if data_node is not None else None
        if data_text is None and data_node is not None:  # a long column list: `df[[...]]` -> `df[…]`
            root = _root_name(data_node)
            data_text = f"{root}[…]" if root and isinstance(data_node, ast.Subscript) else root
        receiver = source_text(func.value, 30) if isinstance(func.value, (ast.Name, ast.Attribute)) else None
        event = FitEvent(
            id=len(self.fits), unit=self.unit, node=node, obj=obj, receiver=receiver, data=data_text or "X",
            data_node=data_node,
            target=source_text(node.args[1], 40) if len(node.args) > 1 else None,
            trainish=data.train_named,
            order=self.order)
        self.fits.append(event)
        return event

    def _fit_on_test(self, node: ast.Call, method: str, obj: Obj | None, data: Flow, args: list[Flow],
                     keywords: dict[str | None, Flow], as_preprocessing: bool) -> None:
        if not data.roles or any(r.part != "test" or r.label for r in data.roles):
            return
        if as_preprocessing and obj is not None and obj.refit_wrong:
            what = "resampler" if obj.resampler else "transformer"
        elif obj is not None and obj.kind == "search":
            what = "search"
        elif method in ("fit", "partial_fit") and (len(args) >= 2 or "y" in keywords) and not (
                obj is not None and obj.cls.startswith("Calibrated")):
            what = "model"
        else:
            return
        renames = []
        for flow in (data, *(args[1:2] or [keywords.get("y", EMPTY)])):
            for role in flow.roles:
                split = self.splits[role.split]
                train = split.part_name(role.index - 1, "") if role.part == "test" else ""
                if role.name and train:
                    renames.append((role.name, train))
        self.test_fits.append(TestFit(unit=self.unit, node=node, what=what, cls=obj.cls if obj else None,
                                      renames=tuple(sorted(set(renames)))))

    def _transform_after_split(self, receiver: Flow, data: Flow, node: ast.Call, func: ast.Attribute) -> None:
        """`scaler.transform(X_test)` where the scaler was fitted before the split that made X_test."""
        for role in sorted(data.roles, key=lambda r: (r.split, r.index)):
            if role.part not in ("test", "validation") or role.label:
                continue
            split = self.splits[role.split]
            for fid in sorted(receiver.fits):
                fit = self.fits[fid]
                if fid not in self.leaked and split.order > fit.order:
                    self.leaked.add(fid)
                    self.leaks.append(Leak(fit=fit, consumer="transform", unit=self.unit, node=node,
                                           function=f"{source_text(func.value, 30) or fit.obj.cls}.transform",
                                           split=split, array=max(role.index, 0) // 2))

    def _consume(self, data: Flow, consumer: str, node: ast.Call, function: str, *, split: SplitEvent | None = None,
                 array: int = 0, search: ast.Call | None = None, scope: _Scope | None = None) -> None:
        if scope is not None and scope.summary is not None:
            for index in data.params:
                scope.summary.consumes.setdefault(index, consumer)
        for fid in sorted(data.fits):
            fit = self.fits[fid]
            if fid in self.leaked or (consumer == "cv" and fit.trainish):
                continue
            self.leaked.add(fid)
            self.leaks.append(Leak(fit=fit, consumer=consumer, unit=self.unit, node=node, function=function,
                                   split=split, array=array, search=search))

    def _score(self, generic: Flow, node: ast.Call, scope: _Scope) -> Flow:
        flow = replace(generic, metric=True)
        loop = scope.loop
        parts = generic.holdout_parts()
        if loop is not None and loop.id in generic.loopvar and parts:
            loop.holdout.update(parts)
            if loop.score_line is None:
                loop.score_line, loop.score_unit = node.lineno, self.unit
            flow = replace(flow, loops=flow.loops | {loop.id})
        return flow

    def _select(self, flow: Flow, line: int) -> None:
        """A choice of the best among scores: mark the tuning loops those scores came from."""
        if not (flow.metric and flow.loops):
            return
        parts = flow.holdout_parts()
        for lid in flow.loops:
            loop = self.loops[lid]
            loop.selected.update(parts)
            if loop.select_line is None:
                loop.select_line, loop.select_unit = line, self.unit


def _iterables(target: ast.expr, iterable: ast.expr) -> dict[str, str]:
    """Loop variable -> the values it takes, as written: `k` in `range(1, 30)`, `(a, b)` in `product(A, B)`,
    `(i, k)` in `enumerate(ks)`."""
    if isinstance(target, ast.Name):
        text = source_text(iterable, 60)
        return {target.id: text} if text else {}
    if not isinstance(target, (ast.Tuple, ast.List)) or not isinstance(iterable, ast.Call):
        return {}
    name = dotted_name(iterable.func) or ""
    last = name.rsplit(".", 1)[-1]
    if last in ("product", "zip") and len(iterable.args) == len(target.elts):
        pairs = zip(target.elts, iterable.args)
    elif last == "enumerate" and iterable.args and len(target.elts) == 2:
        pairs = zip(target.elts[1:], iterable.args[:1])
    else:
        return {}
    out = {}
    for elt, arg in pairs:
        text = source_text(arg, 60)
        if isinstance(elt, ast.Name) and text:
            out[elt.id] = text
    return out
