"""Task facts: which kind of ML problem a project solves, whether its classes are imbalanced, and
which metrics its code computes — so a check can judge whether the reported metric fits the problem.

Read without running anything:

* Python modules and notebook code cells (test files left out), through their syntax trees, read file by
  file in the code pass (`codepass`; the part `task`):
  estimators (`RandomForestClassifier`, `XGBRegressor`, `KMeans`, `Prophet` …), losses
  (`CrossEntropyLoss`, `MSELoss`, keras `loss='binary_crossentropy'`, boosting `objective=`),
  metric calls (`f1_score`, torchmetrics, keras `metrics=[...]`, `evaluate.load("bleu")`, custom
  `accuracy(...)` / `recall_at_k(...)`, `correct / total`, metric names logged or printed), datasets
  (`CIFAR10`, `load_iris` …), detection / segmentation / generation / ranking / recommendation
  frameworks (torchvision detection models, COCO evaluation, ultralytics, transformers heads and
  pipelines, `model.generate(...)`, BM25, surprise …).
* The README's title, opening paragraphs, headings and problem-like sections ("predict whether",
  "churn prediction", "predict the price", "object detection", …), through the parsed `Document`.
* For imbalance also notebook markdown cells (parsed as Markdown), code comments and string literals
  (imbalance words and a stated small positive rate), and the names of code files (domain words such
  as fraud or churn).

Every signal carries evidence (file and line; in a notebook the cell number). Code signals are kept
once per (kind, reason, file) and at most `MAX_SIGNALS_PER_KIND` per kind, so a huge repository stays
bounded; all orders are deterministic.
"""
from __future__ import annotations

import ast
import functools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..model import Evidence
from ..sources import Sources
from . import task_vocabulary as vocab
from .codepass import SourceFile, code_pass, per_file
from .comments import comments
from .common import cell_evidence, excerpt
from .metric_mentions import METRIC_PATTERN, canonical_name
from .pycode import CodeUnit, called_name, dotted_name, import_aliases, nodes_of, qualified_name
from .readme import ReadmeSource
from .readme_document import (
    Block,
    Document,
    LineIndex,
    parse_markdown_cell,
)
from .testing import is_test_path

TASK_KINDS = ("classification", "regression", "ranking", "generation", "detection", "segmentation",
              "clustering", "forecasting", "recommendation")
IMBALANCE_KINDS = ("class_weight", "resampling", "stratify", "words", "domain", "loss")
MAX_SIGNALS_PER_KIND = 25
MAX_METRICS_PER_NAME = 10
README_WEIGHT = 3       # a task the README names counts as this many code signals
MAX_TEXT_CHARS = 20_000  # longest comment, string or markdown cell searched for imbalance words
_INTRO_BLOCKS = 3        # prose blocks at the top of the README read for the task


# ==== facts ========================================================================================


@dataclass(frozen=True, kw_only=True)
class TaskSignal:
    """One piece of evidence for a kind of task (see `TASK_KINDS`), with a short reason."""

    kind: str
    reason: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class ImbalanceSignal:
    """One piece of evidence that the classes are imbalanced (see `IMBALANCE_KINDS`)."""

    kind: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class CodeMetric:
    """A metric the code computes, logs or prints, by canonical name (the README metrics' vocabulary)."""

    name: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class TaskFacts:
    """The task signals, imbalance signals and code metrics of a repository.

    `task` is the kind with the highest score: one point per signal found (`totals`, counted before
    the cap that bounds `signals`), `README_WEIGHT` for a signal from the root README (the author's
    own statement of the problem); ties go to the kind with more distinct reasons, then to the
    earlier kind in `TASK_KINDS`.

    `imbalanced` needs real evidence: resampling or class weights in code, or imbalance words or a
    stated small positive rate in prose, comments or strings; an imbalance loss (focal loss,
    `pos_weight=`) or an imbalance-prone domain (fraud, churn, anomaly …) counts only together with a
    classification task (detection code uses focal loss and `pos_weight` for its own reasons), and
    the domain only when it is the project's (see `_project_domain`).
    `stratify` alone never makes it true.
    """

    signals: tuple[TaskSignal, ...]
    imbalance: tuple[ImbalanceSignal, ...]
    code_metrics: tuple[CodeMetric, ...]
    totals: tuple[tuple[str, int], ...] = ()  # (kind, signals found before the cap); empty: count `signals`

    @property
    def task(self) -> str | None:
        scores = dict(self.totals)
        if not scores:
            for s in self.signals:
                scores[s.kind] = scores.get(s.kind, 0) + 1
        reasons: dict[str, set[str]] = {}
        for s in self.signals:
            if _is_readme(s.evidence.path):
                scores[s.kind] = scores.get(s.kind, 0) + README_WEIGHT - 1
            reasons.setdefault(s.kind, set()).add(s.reason)
        if not scores:
            return None
        return min(scores, key=lambda k: (-scores[k], -len(reasons.get(k, ())), _kind_rank(k)))

    @property
    def imbalanced(self) -> bool:
        kinds = {s.kind for s in self.imbalance}
        if kinds & {"class_weight", "resampling", "words"}:
            return True
        if self.task != "classification":
            return False
        return "loss" in kinds or _project_domain(self.evidence_for("domain"))

    def evidence_for(self, kind: str) -> tuple[Evidence, ...]:
        """Evidence of the task signals or imbalance signals of `kind` (a task or imbalance kind)."""
        return tuple(s.evidence for s in (*self.signals, *self.imbalance) if s.kind == kind)


def _project_domain(evidence: tuple[Evidence, ...]) -> bool:
    """Whether domain words describe the project, not one passage of it: the README says them, a code
    file is named after them, or they occur in at least two files."""
    return any(_is_readme(e.path) or e.line is None for e in evidence) or len({e.path for e in evidence}) >= 2


def _kind_rank(kind: str) -> int:
    return TASK_KINDS.index(kind) if kind in TASK_KINDS else len(TASK_KINDS)


def _is_readme(path: str) -> bool:
    return "/" not in path and path.lower().startswith("readme")


# ==== collecting, bounded ==========================================================================


Finding = TaskSignal | ImbalanceSignal | CodeMetric


def _identity(finding: Finding) -> tuple:
    """What makes a finding the same as one found before: a task signal once per (kind, reason, file),
    an imbalance signal once per (kind, place), a metric once per (name, place)."""
    where = finding.evidence
    if isinstance(finding, TaskSignal):
        return "task", finding.kind, finding.reason, where.path
    if isinstance(finding, ImbalanceSignal):
        return "imbalance", finding.kind, where.path, where.line
    return "metric", finding.name, where.path, where.line


class _Findings:
    """Signals and metrics as they are reported, each passed on once (see `_identity`) to `_keep`."""

    def __init__(self) -> None:
        self._seen: set[tuple] = set()

    def task(self, kind: str, reason: str, evidence: Evidence) -> None:
        self.add(TaskSignal(kind=kind, reason=reason, evidence=evidence))

    def imbalanced(self, kind: str, evidence: Evidence) -> None:
        self.add(ImbalanceSignal(kind=kind, evidence=evidence))

    def metric(self, name: str, reason: str, evidence: Evidence, *, kind: str | None = None) -> None:
        """A metric the code computes; it is also a signal for the task that metric belongs to."""
        self.add(CodeMetric(name=name, evidence=evidence))
        task = kind or vocab.METRIC_KINDS.get(name)
        if task:
            self.task(task, reason, evidence)

    def add(self, finding: Finding) -> None:
        """`finding` kept unless the same one was reported before."""
        key = _identity(finding)
        if key not in self._seen:
            self._seen.add(key)
            self._keep(finding)

    def _keep(self, finding: Finding) -> None:
        raise NotImplementedError


class _FileFindings(_Findings):
    """One file's findings, each once, in the order found (the code pass's summary of a file)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Finding] = []

    def _keep(self, finding: Finding) -> None:
        self.found.append(finding)


class _Collector(_Findings):
    """Signals and metrics of the whole repository: each kept once, at most a capped number per kind /
    name; task signals are also counted past the cap (`totals`), so the dominant task is still known."""

    def __init__(self) -> None:
        super().__init__()
        self.signals: list[TaskSignal] = []
        self.imbalance: list[ImbalanceSignal] = []
        self.metrics: list[CodeMetric] = []
        self.totals: dict[str, int] = {}
        self._kept: dict[tuple[str, str], int] = {}

    def _room(self, group: tuple[str, str], cap: int) -> bool:
        if self._kept.get(group, 0) >= cap:
            return False
        self._kept[group] = self._kept.get(group, 0) + 1
        return True

    def _keep(self, finding: Finding) -> None:
        if isinstance(finding, TaskSignal):
            self.totals[finding.kind] = self.totals.get(finding.kind, 0) + 1
            if self._room(("task", finding.kind), MAX_SIGNALS_PER_KIND):
                self.signals.append(finding)
        elif isinstance(finding, ImbalanceSignal):
            if self._room(("imbalance", finding.kind), MAX_SIGNALS_PER_KIND):
                self.imbalance.append(finding)
        elif self._room(("metric", finding.name), MAX_METRICS_PER_NAME):
            self.metrics.append(finding)

    def facts(self) -> TaskFacts:
        return TaskFacts(
            signals=tuple(sorted(self.signals, key=lambda s: _kind_rank(s.kind))),
            imbalance=tuple(sorted(self.imbalance, key=lambda s: IMBALANCE_KINDS.index(s.kind))),
            code_metrics=tuple(self.metrics),
            totals=tuple(sorted(self.totals.items(), key=lambda item: _kind_rank(item[0]))),
        )


def detect_task(sources: Sources, readme_source: ReadmeSource | None) -> TaskFacts:
    """Task, imbalance and code-metric signals from the README, notebooks and code."""
    found = _Collector()
    if readme_source is not None and readme_source.document is not None:
        _scan_readme(readme_source.document, readme_source.path, found)
    for nb in sources.notebooks:
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                _scan_markdown_cell(nb.path, cell.number, cell.source[:MAX_TEXT_CHARS], found)
    code = code_pass(sources)
    for file_findings in code.of("task"):
        for finding in file_findings:
            found.add(finding)
    for path in sorted({*(m.path for m in code.modules), *(nb.path for nb in sources.notebooks)}):
        if not is_test_path(path) and vocab.DOMAIN.search(_spaced(posixpath.basename(path))):
            found.imbalanced("domain", Evidence(path=path))
    return found.facts()


@per_file("task")
def _task_in_file(file: SourceFile) -> tuple[Finding, ...] | None:
    """The signals and metrics of one file's code (its cells share their imports), each once, in the order
    found; the collector bounds them across files. Nothing for a test file."""
    if not file.units or is_test_path(file.path):
        return None
    aliases = import_aliases([u.tree for u in file.units])
    found = _FileFindings()
    for unit in file.units:
        _CodeScan(unit, aliases, found).run()
    return tuple(found.found) or None


def _spaced(name: str) -> str:
    """An identifier or file name with `_`, `-` and `.` as spaces, so word boundaries apply."""
    return re.sub(r"[_\-.]+", " ", name)


# ==== README and prose =============================================================================


def _readme_blocks(doc: Document) -> Iterator[Block]:
    """The blocks that state the task: headings, the first prose blocks, and prose under a heading
    such as Problem, Overview, About or Goal."""
    intro = 0
    purpose_section = False
    for block in doc.blocks:
        if block.kind == "heading":
            purpose_section = bool(vocab.PURPOSE_HEADING.search(block.text))
            yield block
        elif block.kind == "text":
            intro += 1
            if intro <= _INTRO_BLOCKS or purpose_section:
                yield block


def _scan_readme(doc: Document, path: str, found: _Collector) -> None:
    for block in _readme_blocks(doc):
        text = block.words
        lines = LineIndex(text, block.line)
        for kind, pattern in vocab.README_TASKS:
            for m in pattern.finditer(text):
                line = lines.line(m.start())
                found.task(kind, " ".join(m.group(0).lower().split()),
                           Evidence(path=path, line=line, excerpt=excerpt(doc.line_text(line) or text)))
    for block in doc.blocks:
        if block.kind in ("heading", "text"):
            lines = LineIndex(block.words, block.line)
            _scan_prose(block.words[:MAX_TEXT_CHARS], found, lambda offset, text, li=lines: Evidence(
                path=path, line=li.line(offset), excerpt=excerpt(doc.line_text(li.line(offset)) or text)),
                domain=True)


def _scan_markdown_cell(path: str, number: int, source: str, found: _Collector) -> None:
    """A notebook markdown cell's prose (headings and paragraphs; code blocks and link targets left
    out), parsed only when a word of interest occurs in it at all."""
    if not _may_hold(source, _PROSE_WORDS_AND_DOMAIN) or not (
            vocab.IMBALANCE_WORDS.search(source) or vocab.DOMAIN.search(source) or vocab.PERCENT.search(source)):
        return  # the needles first: a substring test is far cheaper than the three patterns
    try:
        prose = [b.words for b in parse_markdown_cell(source).blocks if b.kind in ("heading", "text")]
    except Exception:  # noqa: BLE001 - a parser failure on a pathological cell: read it as plain text
        prose = [source]
    for text in prose:
        _scan_prose(text, found, lambda _offset, sentence: cell_evidence(path, number, sentence), domain=True)


def _scan_prose(text: str, found: _Findings, where, *, domain: bool) -> None:
    """Imbalance words, a stated small positive rate and (when `domain`) domain words in prose;
    `where(offset, sentence)` makes the evidence."""
    if not _may_hold(text, _PROSE_WORDS_AND_DOMAIN if domain else _PROSE_WORDS):
        return
    for offset, sentence in _sentences(text):
        if _imbalance_words(sentence) or _small_positive_rate(sentence):
            found.imbalanced("words", where(offset, sentence))
        if domain and vocab.DOMAIN.search(sentence):
            found.imbalanced("domain", where(offset, sentence))


# Cheap prefilters: nearly every string and comment in code holds none of the words `_scan_prose` looks
# for, and the patterns (case-insensitive, word bounded) cost far more per character than a substring test. Each
# alternative of a pattern contains one of its needles, so a text none of whose needles occurs in its
# lower case cannot match. That holds for ASCII text only: there `lower()` is exactly the case folding
# `re.IGNORECASE` applies, while elsewhere the pattern also equates letters such as "ſ" and "s" or
# "İ" and "i"; so any other text is searched in full. A sentence is a part of its text and a domain
# word in `_spaced(text)` lies in a run of characters `_spaced` left alone, so the test on the whole
# text covers them too.
_DOMAIN_NEEDLES = vocab.DOMAIN_NEEDLES  # kept next to each pattern in the vocabulary
_PROSE_WORDS = vocab.IMBALANCE_NEEDLES + vocab.PERCENT_NEEDLES
_PROSE_WORDS_AND_DOMAIN = _PROSE_WORDS + _DOMAIN_NEEDLES


def _may_hold(text: str, needles: tuple[str, ...]) -> bool:
    """False only when no pattern the `needles` stand for can match `text` (see above)."""
    if not text.isascii():
        return True
    lower = text.lower()
    for needle in needles:
        if needle in lower:
            return True
    return False


def _sentences(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for m in vocab.SENTENCE_END.finditer(text):
        if text[start:m.start()].strip():
            yield start, text[start:m.start()]
        start = m.end()
    if text[start:].strip():
        yield start, text[start:]


def _imbalance_words(sentence: str) -> bool:
    for m in vocab.IMBALANCE_WORDS.finditer(sentence):
        word = m.group(0).lower()
        if word.startswith("unbalanced") and not vocab.UNBALANCED_OK.match(sentence, m.start()):
            continue
        if not vocab.NEGATION.search(sentence[max(0, m.start() - 50):m.start()]):
            return True
    return False


def _small_positive_rate(sentence: str) -> bool:
    """"only 0.17% of transactions are fraud", "5% positive", "fraud rate of 1.2%": a rate of at most
    `vocab.MAX_POSITIVE_RATE` percent with a positive-class word close to it, in a sentence about no metric."""
    if vocab.NOT_A_RATE.search(sentence):
        return False
    for m in vocab.PERCENT.finditer(sentence):
        near = sentence[max(0, m.start() - vocab.RATE_WINDOW):m.end() + vocab.RATE_WINDOW]
        if float(m.group(1)) <= vocab.MAX_POSITIVE_RATE and vocab.POSITIVE_WORDS.search(near):
            return True
    return False


# ==== code =========================================================================================


class _CodeScan:
    """One code unit's signals: calls, keywords, dictionaries, definitions, comments and strings."""

    def __init__(self, unit: CodeUnit, aliases: dict[str, str], found: _Findings) -> None:
        self.unit = unit
        self.aliases = aliases
        self.found = found
        self.square_rooted: set[int] = set()  # calls inside `sqrt(...)`: `np.sqrt(mean_squared_error(...))`

    def run(self) -> None:
        try:
            for node in nodes_of(self.unit.tree, *_READERS):
                _READERS[node.__class__](self, node)
            # each comment is a part of a line holding `#`: when none of those lines may hold a word, no
            # comment does, and finding the comments (`comments`) is skipped
            if _may_hold(_commented_lines(self.unit), _PROSE_WORDS):
                for line, comment in comments(self.unit):
                    _scan_prose(comment[:MAX_TEXT_CHARS], self.found, lambda _o, _t, n=line: self.unit.evidence(n),
                                domain=False)
        except RecursionError:  # an absurdly nested expression: keep what was found before it
            return

    def at(self, node: ast.AST) -> Evidence:
        return self.unit.evidence(getattr(node, "lineno", None))

    # ---- calls ----

    # A call's evidence is made only when the call signals something: most calls signal nothing, and
    # evidence (an excerpt of the line) costs more than the rest of looking at a call.

    def call(self, call: ast.Call) -> None:
        qualified = qualified_name(call.func, self.aliases) or dotted_name(call.func) or ""
        callee = _callee(qualified)
        if callee.last == "sqrt" and call.args and isinstance(call.args[0], ast.Call):
            self.square_rooted.add(id(call.args[0]))
        if callee.kind:
            self.found.task(callee.kind, callee.reason, self.at(call))
        self.metric_call(call, qualified, callee.name)
        self.special_call(call, callee.last)
        self.imbalance_call(call, callee)
        for keyword in call.keywords:
            if keyword.arg is not None:
                self.setting(keyword.arg, keyword.value, callee.name)

    def metric_call(self, call: ast.Call, qualified: str, name: str) -> None:
        if name in vocab.METRIC_FUNCTIONS:
            metrics = vocab.METRIC_FUNCTIONS[name]
            if name == "mean_squared_error" and (id(call) in self.square_rooted or any(
                    k.arg == "squared" and _is_false(k.value) for k in call.keywords)):
                metrics = ("rmse",)
            if name == "AUC" and any(k.arg == "curve" and (_string(k.value) or "").upper() == "PR"
                                     for k in call.keywords):
                metrics = ("pr_auc",)
            kind = "ranking" if name in vocab.RETRIEVAL_METRIC_CLASSES else None
            for metric in metrics:
                self.found.metric(metric, name, self.at(call), kind=kind)
            return
        if name in ("load", "load_metric") and (qualified.startswith("evaluate.") or name == "load_metric"):
            metric = canonical_metric(_first_string(call) or "")
            if metric:
                self.found.metric(metric, f"{name}({metric})", self.at(call))
            return
        if isinstance(call.func, (ast.Name, ast.Attribute)) and name not in vocab.NAME_KINDS:
            custom = _custom_metric(name)
            if custom:
                metric, kind = custom
                self.found.metric(metric, name, self.at(call), kind=kind)

    def special_call(self, call: ast.Call, last: str) -> None:
        """HF pipelines, `.generate(...)`, logged and printed metric names."""
        if last == "pipeline":
            task = _first_string(call) or next((_string(k.value) for k in call.keywords if k.arg == "task"), None)
            kind = vocab.PIPELINE_TASKS.get((task or "").lower()) or (
                "generation" if (task or "").lower().startswith("translation") else None)
            if kind:
                self.found.task(kind, f"pipeline({task})", self.at(call))
        elif last == "generate" and isinstance(call.func, ast.Attribute):
            receiver = dotted_name(call.func.value) or ""
            if any(k.arg in vocab.GENERATE_ARGS for k in call.keywords) or vocab.GENERATOR_RECEIVER.search(receiver):
                self.found.task("generation", "generate()", self.at(call))
        elif last in vocab.LOG_CALLS:
            for key in _logged_keys(call):
                metric = _logged_metric(key)
                if metric:
                    self.found.metric(metric, f"{last}({metric})", self.at(call))
        elif last == "print" and isinstance(call.func, ast.Name) and call.args:
            for metric in _printed_metrics(_literal_text(call.args[0])):
                self.found.metric(metric, "print", self.at(call))

    def imbalance_call(self, call: ast.Call, callee: _Callee) -> None:
        upsampling = callee.may_upsample and bool(vocab.BALANCING_WORDS.search(self.source_of(call)))
        kind = "resampling" if upsampling else callee.imbalance
        if kind:
            self.found.imbalanced(kind, self.at(call))

    def setting(self, key: str, value: ast.AST, callee: str | None = None) -> None:
        """One keyword argument of a call to `callee`, or one entry of a parameter dictionary
        (`{"objective": "binary:logistic", "scale_pos_weight": 9}`)."""
        if key not in _SETTING_KEYS or _is_none(value):
            return
        where = self.at(value)
        text = _string(value)
        if key in vocab.OBJECTIVE_KEYS and text:
            kind = _objective_kind(text)
            if kind:
                self.found.task(kind, f"{key}={text!r}", where)
            if vocab.FOCAL.search(text):
                self.found.imbalanced("loss", where)
        elif key in vocab.METRIC_KEYS:
            for item in _strings(value):
                metric = canonical_metric(item)
                metric = "roc_auc" if metric == "auc" else metric  # keras, XGBoost, LightGBM: "auc" is ROC-AUC
                if metric:
                    self.found.metric(metric, f"{key}={item!r}", where)
        elif key in vocab.CLASS_WEIGHT_KEYS:
            if not (key == "is_unbalance" and not _is_true(value)) and not (
                    key == "scale_pos_weight" and _is_one(value)):
                self.found.imbalanced("class_weight", where)
        elif key == "pos_weight":
            self.found.imbalanced("loss", where)
        elif key == "stratify":
            self.found.imbalanced("stratify", where)
        elif key in ("weight", "weights", "sampler") and (
                (key == "weight" and callee in vocab.WEIGHTED_LOSSES) or vocab.CLASS_WEIGHT_VALUE.search(self.source_of(value))):
            self.found.imbalanced("class_weight", where)

    # ---- other nodes ----

    def params(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            name = _string(key) if key is not None else None
            if name is not None:
                self.setting(name, value)

    def definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        if isinstance(node, ast.ClassDef):
            for pattern, kind in vocab.CLASS_DEF_KINDS:
                if pattern.match(node.name):
                    self.found.task(kind, f"class {node.name}", self.at(node))
        elif node.name == "generate":
            params = {a.arg for a in (*node.args.args, *node.args.kwonlyargs)}
            if params & vocab.GENERATE_ARGS:
                self.found.task("generation", "def generate", self.at(node))

    def assignment(self, node: ast.Assign | ast.AugAssign | ast.AnnAssign) -> None:
        """A value computed under a metric's name: `acc = correct / total`, `val_rmse = np.sqrt(mse)`,
        `results["f1"] = 2 * p * r / (p + r)`, `accuracy_knn = knn.score(X, y)`; not a value read
        back (`f1 = metrics.get("f1")`) nor a threshold (`min_f1 = 0.6`)."""
        if not _computes_number(node.value):
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            name = dotted_name(target) if not isinstance(target, ast.Subscript) else _string(target.slice)
            last = (name or "").rsplit(".", 1)[-1]
            metric = None if vocab.THRESHOLD_NAME.search(last) else _named_metric(last)
            if metric:
                self.found.metric(metric, last, self.at(node))
                return

    def ratio(self, node: ast.BinOp) -> None:
        """`correct / total`: a hand-computed accuracy."""
        if not isinstance(node.op, ast.Div):
            return
        for sub in ast.walk(node.left):
            name = sub.id if isinstance(sub, ast.Name) else sub.attr if isinstance(sub, ast.Attribute) else ""
            if name.lower() in ("correct", "n_correct", "num_correct", "total_correct", "correct_count",
                                "correct_predictions", "num_correct_predictions"):
                self.found.metric("accuracy", f"{name} / …", self.at(node))
                return

    def string(self, node: ast.Constant) -> None:
        """Imbalance words and rates in a string (docstrings too); domain words in a short string
        without spaces (a column, file or label name such as "Churn" or "is_fraud")."""
        if not isinstance(node.value, str) or not node.value.strip():
            return
        text = node.value[:MAX_TEXT_CHARS]
        _scan_prose(text, self.found, lambda offset, _s: self.unit.evidence(node.lineno + text.count("\n", 0, offset)),
                    domain=False)
        if _domain_name(text):
            self.found.imbalanced("domain", self.at(node))

    def source_of(self, node: ast.AST) -> str:
        try:
            return ast.unparse(node)[:2000]
        except (RecursionError, ValueError, AttributeError):
            return ""


# each node class `_CodeScan.run` looks at -> the method that reads it (`nodes_of` gives exact classes)
_READERS = {ast.Call: _CodeScan.call, ast.Dict: _CodeScan.params, ast.FunctionDef: _CodeScan.definition,
            ast.AsyncFunctionDef: _CodeScan.definition, ast.ClassDef: _CodeScan.definition,
            ast.Assign: _CodeScan.assignment, ast.AugAssign: _CodeScan.assignment,
            ast.AnnAssign: _CodeScan.assignment, ast.BinOp: _CodeScan.ratio, ast.Constant: _CodeScan.string}


def _domain_name(text: str) -> bool:
    """Whether a short string without spaces (a column, file or label name) holds a domain word."""
    return (len(text) <= 100 and _may_hold(text, _DOMAIN_NEEDLES) and not any(c.isspace() for c in text)
            and bool(vocab.DOMAIN.search(_spaced(text))))


def _commented_lines(unit: CodeUnit) -> str:
    """The unit's lines that hold a `#`: every comment (`comments`) is the end of one of them."""
    return "\n".join(line for line in unit.lines if "#" in line)


# ---- helpers for code ------------------------------------------------------------------------------


# the keys `_CodeScan.setting` reads (each branch tests one of these): any other is passed over at once
_SETTING_KEYS = (vocab.OBJECTIVE_KEYS | vocab.METRIC_KEYS | vocab.CLASS_WEIGHT_KEYS
                 | {"pos_weight", "stratify", "weight", "weights", "sampler"})


class _Callee(NamedTuple):
    """What the qualified name of a called function says, whatever the call's arguments."""

    last: str               # the name's last part
    name: str               # the class a factory method (`from_pretrained`) is called on, else `last`
    kind: str | None        # the task kind the name signals
    reason: str             # the signal's reason
    imbalance: str | None   # the imbalance kind a call of it signals
    may_upsample: bool      # sklearn's `resample`: upsampling when its arguments say so (no `imbalance` then)


@functools.lru_cache(maxsize=16384)  # called for every call; the same names are called over and over
def _callee(qualified: str) -> _Callee:
    parts = qualified.replace("()", "").split(".")
    last = parts[-1]
    name = parts[-2] if last in vocab.FACTORY_METHODS and len(parts) > 1 else last
    kind, reason = _kind_of_name(name), name
    if last == "load_data" and len(parts) > 1 and parts[-2] in vocab.KERAS_DATASETS:
        kind, reason = vocab.KERAS_DATASETS[parts[-2]], f"{parts[-2]}.load_data"
    if kind is None:
        kind, reason = _module_of(qualified) or (None, name)
    if kind is None and vocab.GENERATION_CALL.search(qualified.replace("()", "")):
        kind, reason = "generation", ".".join(parts[-2:])
    resampler = name in vocab.RESAMPLERS or (qualified.startswith("imblearn.") and name[:1].isupper())
    may_upsample = not resampler and name == "resample" and qualified in ("sklearn.utils.resample", "resample")
    return _Callee(last, name, kind, reason, "resampling" if resampler else _call_imbalance(name), may_upsample)


def _call_imbalance(name: str) -> str | None:
    """The imbalance kind a call of `name` signals, resamplers aside (none for `resample` itself)."""
    if name in vocab.CLASS_WEIGHT_CALLS:
        return "class_weight"
    if name in vocab.STRATIFIED:
        return "stratify"
    return "loss" if vocab.FOCAL.search(name) else None


def _kind_of_name(name: str) -> str | None:
    if name in vocab.NAME_KINDS:
        return vocab.NAME_KINDS[name]
    for pattern, kind in vocab.NAME_PATTERNS:
        if pattern.search(name):
            return kind
    return None


def _module_of(qualified: str) -> tuple[str, str] | None:
    """(task kind, library) when a qualified name belongs to a task-specific library."""
    clean = qualified.replace("()", "") + "."
    return next(((kind, prefix.rstrip(".")) for prefix, kind in vocab.MODULE_KINDS if clean.startswith(prefix)), None)


def _objective_kind(text: str) -> str | None:
    value = text.strip().lower()
    for prefix, kind in vocab.OBJECTIVE_PREFIXES:
        if value.startswith(prefix):
            return kind
    return vocab.LOSS_STRINGS.get(value)


_SPLIT_PREFIX = re.compile(r"^(?:eval|val|valid|validation|test|dev|train|training)[_/ .-](?=\w)")


@functools.lru_cache(maxsize=8192)  # called for every call's name; names repeat
def canonical_metric(text: str) -> str | None:
    """The canonical metric name of a metric identifier in code ("accuracy", "neg_mean_squared_error",
    "roc_auc_ovr", "f1_macro", "val/acc" …), in the README metrics' vocabulary; None if it names none."""
    value = text.strip().lower()
    if not value or len(value) > 60:
        return None
    value = re.sub(r"^neg(?:ative)?_", "", value)
    value = _SPLIT_PREFIX.sub("", value)  # "eval_f1", "val/f1": the split the metric was computed on
    value = re.sub(r"^(?:binary|categorical|sparse_categorical|multiclass|multilabel|(?:sparse_)?top_k_categorical)_"
                   r"(?=acc)", "", value)
    value = vocab.METRIC_SUFFIX.sub("", value).replace("_at_", "@").replace("_", " ")
    m = METRIC_PATTERN.fullmatch(value)
    return canonical_name(m) if m else None


@functools.lru_cache(maxsize=8192)  # called for every call's name; names repeat
def _custom_metric(name: str) -> tuple[str, str | None] | None:
    """(metric, task kind override) for a call of a metric-named function (`accuracy`, `compute_rmse`,
    `recall_at_k` — the last a ranking metric); never plain `loss`."""
    base = vocab.CUSTOM_METRIC_PREFIX.sub("", name)
    metric = canonical_metric(base)
    if metric is None or metric == "loss":
        return None
    ranking = "@" in base or "_at_" in base.lower()
    return metric, ("ranking" if ranking else None)


def _computes_number(value: ast.AST | None) -> bool:
    """Arithmetic, or a call of a metric function or of a numeric reducer / evaluation function."""
    if isinstance(value, ast.BinOp):
        return True
    if not isinstance(value, ast.Call) or (value.args and all(isinstance(a, ast.Constant) for a in value.args)):
        return False  # `float("nan")`: a constant, not a computation
    return _numeric_function(called_name(value.func) or "")


@functools.lru_cache(maxsize=8192)  # called for every assignment of a call's value; names repeat
def _numeric_function(name: str) -> bool:
    """Whether a function of this name returns a number: a numeric reducer, an evaluation, a metric."""
    return bool(vocab.NUMERIC_CALL.match(name)) or name in vocab.METRIC_FUNCTIONS or _custom_metric(name) is not None


def _named_metric(name: str) -> str | None:
    """The metric a variable name ends or starts with (`acc`, `val_accuracy`, `lin_rmse`, `acc_log_reg`);
    never a loss (`mse_loss` is a training loss, not an evaluation)."""
    if "loss" in name.lower():
        return None
    pieces = name.split("_")
    candidates = ["_".join(pieces[i:]) for i in range(len(pieces))] + pieces[:1]
    return next((m for m in map(canonical_metric, candidates) if m), None)


def _logged_keys(call: ast.Call) -> list[str]:
    """The metric names a logging call records: its first string argument, or the string keys of a
    dictionary argument."""
    if not call.args:
        return []
    first = call.args[0]
    if isinstance(first, ast.Dict):
        return [k for k in (_string(key) for key in first.keys if key is not None) if k]
    text = _string(first)
    return [text] if text and len(text) <= 60 and " " not in text else []


def _logged_metric(key: str) -> str | None:
    """The metric a logged key names ("val/acc", "train_loss", "test/f1_best")."""
    for piece in (key, *re.split(r"[/.]", key)):
        metric = canonical_metric(piece)
        if metric:
            return metric
    m = METRIC_PATTERN.search(_spaced(key.replace("/", " ")))
    return canonical_name(m) if m and canonical_name(m) != "ap" else None


def _printed_metrics(text: str) -> Iterator[str]:
    """Metric names followed by `:` or `=` in a printed literal ("Accuracy: {acc:.3f}")."""
    for m in METRIC_PATTERN.finditer(text[:500]):
        rest = text[m.end():m.end() + 3].lstrip(" ")
        if rest[:1] in (":", "=") and canonical_name(m) != "ap":  # AP alone: mAP or PR-AUC, the code does not say
            yield canonical_name(m)


def _literal_text(node: ast.AST) -> str:
    """The literal text of a string, f-string, `"...".format(...)` or `"..." % x`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else " {} "
                       for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal_text(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _literal_text(node.left)
    return ""


def _string(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _strings(node: ast.AST) -> list[str]:
    """A string, or the strings of a list / tuple / set (keras `metrics=["accuracy", "AUC"]`)."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [s for s in (_string(e) for e in node.elts) if s]
    text = _string(node)
    return [text] if text else []


def _first_string(call: ast.Call) -> str | None:
    return _string(call.args[0]) if call.args else None


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_true(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_false(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_one(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and not isinstance(node.value, bool) and node.value == 1
