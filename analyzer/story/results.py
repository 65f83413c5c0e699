"""Results at a glance: the metrics the project reports, per model or run, and baseline against best.

Rows come from the README's results tables (a table with a metric column; or a table whose rows are
metrics and whose columns are models), from tracked runs (one row per run; a run named like a README
row adds its run id to that row) and, when those give nothing to compare, from the metrics notebooks
print. Values stay as the repository writes them; only the comparison parses them (`metric_number`).

The primary metric is one with a number in at least two rows, the one that suits the task first
(PR-AUC before F1, recall, ROC-AUC and accuracy on an imbalanced classification; RMSE, MAE, R² on a
regression …); the best row is the best of the rows that are not baselines on it.
"""
from __future__ import annotations

import math
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..facts.common import excerpt
from ..facts.metric_mentions import METRIC_PATTERN, header_metric
from ..facts.readme_document import Cell, Document
from ..facts.runstore import TrackedRun
from ..model import Evidence, ResultRow, ResultsAtAGlance
from .facts import StoryFacts
from .readme_text import without_cell_prefix

MAX_ROWS = 12          # rows kept; the baseline and the best row always among them
MAX_METRICS = 6        # metric columns kept, the primary first
MAX_LABEL = 60         # characters of a row label

SOURCE_README, SOURCE_RUNS, SOURCE_NOTEBOOK = "readme", "runs", "notebook"

# ==== public helpers ===============================================================================

_LOWER_IS_BETTER_WORDS = frozenset("""
loss logloss error err errors rmse mae mse mape rmsle smape msle perplexity ppl wer cer fid brier eer lpips
latency time runtime distance
""".split())
_NUMBER = re.compile(r"(?P<sign>[-+−]?)\s*(?P<digits>\d[\d,]*(?:\.\d+)?|\.\d+)(?P<exp>[eE][-+]?\d+)?")
_UNIT_AFTER = re.compile(r"^\s*(?:s|ms|sec|secs|seconds?|mins?|minutes?|h|hrs?|hours?|[kmbgt]b?|gib|mib|"
                         r"params?|parameters?|epochs?|steps?|x)\b", re.IGNORECASE)
_MARKUP = "*_`~\"' \t([{"


def metric_number(value: str) -> float | None:
    """The number a metric value states, or None: the first number of "0.91", "**0.85**", "0.91 ± 0.02",
    "`0.1420`", "0,91" or "1,234.5". A percentage is returned as a fraction ("91.2%" → 0.912), so
    "85%" and "0.85" compare; a number with a unit ("1.23s", "124M") is not a metric value."""
    if not isinstance(value, str):
        return None
    text = value.strip().lstrip(_MARKUP + "~≈<>≤≥")
    match = _NUMBER.match(text)
    if match is None:
        return None
    number_text = _plain_digits(match.group("digits"))
    rest = text[match.end():]
    if rest[:1].isalpha() or _UNIT_AFTER.match(rest):
        return None
    try:
        number = float(number_text + (match.group("exp") or ""))
    except ValueError:
        return None
    if match.group("sign") in ("-", "−"):
        number = -number
    if not math.isfinite(number):
        return None
    return number / 100 if rest.lstrip().startswith("%") else number


def _plain_digits(digits: str) -> str:
    """Digits with separators as Python reads them: "1,234.5" → 1234.5, "0,91" → 0.91, "1,234" → 1234."""
    if "," not in digits:
        return digits
    if "." in digits:
        return digits.replace(",", "")
    head, *groups = digits.split(",")
    if len(groups) == 1 and (head == "0" or len(groups[0]) != 3):
        return f"{head}.{groups[0]}" if groups[0] else head  # a decimal comma ("0,91"), or "12," ending a list
    if all(len(g) == 3 for g in groups):
        return head + "".join(groups)
    return head  # "1,2,3": a list, read its first number


_METRIC_LABELS = {
    "accuracy": "Accuracy", "roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "auc": "AUC", "f1": "F1",
    "precision": "Precision", "recall": "Recall", "log_loss": "Log loss", "loss": "Loss",
    "rmse": "RMSE", "mse": "MSE", "mae": "MAE", "mape": "MAPE", "r2": "R²", "map": "mAP", "ap": "AP",
    "top1": "Top-1 accuracy", "top5": "Top-5 accuracy", "perplexity": "Perplexity", "bleu": "BLEU",
    "rouge": "ROUGE", "meteor": "METEOR", "wer": "WER", "cer": "CER", "iou": "IoU", "dice": "Dice",
    "psnr": "PSNR", "ssim": "SSIM", "fid": "FID", "ndcg": "NDCG", "other:rmsle": "RMSLE", "other:smape": "sMAPE",
    "other:mcc": "MCC", "other:pq": "PQ", "other:mrr": "MRR", "other:balanced_accuracy": "Balanced accuracy",
}


# labels that are ordinary words, lower-cased inside a sentence; abbreviations and names (ROC-AUC, IoU, Dice) are not
_WORD_LABELS = frozenset({"accuracy", "precision", "recall", "log_loss", "loss", "perplexity", "top1", "top5",
                          "other:balanced_accuracy"})


def metric_label(name: str, *, in_sentence: bool = False) -> str:
    """A canonical metric name as people write it: `roc_auc` → ROC-AUC, `other:mcc` → MCC, `other:brier` → brier;
    `in_sentence`: as it reads inside a sentence, ordinary words lower-cased (`accuracy`, `top-1 accuracy`)."""
    label = _METRIC_LABELS.get(name) or name.removeprefix("other:").replace("_", " ")
    return label[:1].lower() + label[1:] if in_sentence and name in _WORD_LABELS else label


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of `metric` is better: False for errors and losses (rmse, mae, mse, mape,
    loss, log_loss, perplexity, wer, cer, fid, error rates, …), canonical names or names as logged."""
    tokens = re.split(r"[^a-z0-9]+", metric.lower())
    return not any(token in _LOWER_IS_BETTER_WORDS for token in tokens)


# ==== rows under construction ======================================================================


# metrics between 0 and 1 that are also written as percentages
_BOUNDED = frozenset({"accuracy", "top1", "top5", "f1", "precision", "recall", "roc_auc", "pr_auc", "auc", "map",
                      "iou", "dice", "ndcg", "bleu", "rouge", "meteor", "other:balanced_accuracy", "other:mrr",
                      "other:hit_rate", "other:exact_match", "other:specificity", "other:success_rate"})


@dataclass
class _Row:
    """A result row while it is assembled: values by canonical metric, as written."""

    label: str
    source: str
    evidence: Evidence
    values: dict[str, str] = field(default_factory=dict)
    run_id: str | None = None
    baseline: bool = False

    def number(self, metric: str | None) -> float | None:
        """The value of `metric` as a number on one scale: a bounded metric written as a percentage
        without its sign ("91.38" beside "0.9138") is read as a fraction."""
        if metric not in self.values:
            return None
        number = metric_number(self.values[metric])
        if number is not None and metric in _BOUNDED and 1 < number <= 100:
            return number / 100
        return number


_BASELINE_LABEL = re.compile(
    r"(?<![a-z])(?:baselines?|dummy|majority|most[ _-]?frequent|zero[ _-]?r(?:ule)?(?![a-z])|"
    r"naive(?![ _-]*bayes)|persistence|(?:constant|mean|median)[ _-]?(?:predictor|model|baseline|guess))",
    re.IGNORECASE)
_CHANCE_LABEL = re.compile(r"^\W*(?:random|chance)(?:[\s_-]+(?:guess\w*|classifier|chance|level|predictions?|"
                           r"predictor|model))?\W*$", re.IGNORECASE)
# a parameter value naming a majority-class strategy (`TrackedRun.is_baseline` covers baseline and dummy)
_BASELINE_PARAM = re.compile(r"(?<![a-z])(?:most[ _-]?frequent|majority)", re.IGNORECASE)


def is_baseline_label(label: str) -> bool:
    """Whether a model or run name says it is a baseline: baseline, dummy, majority class, most frequent,
    ZeroR, a naive forecast (not naive Bayes), random guessing or chance, a constant or mean predictor."""
    return bool(_BASELINE_LABEL.search(label) or _CHANCE_LABEL.match(label))


def _clip(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= MAX_LABEL else label[:MAX_LABEL - 1] + "…"


def _norm(label: str) -> str:
    return re.sub(r"[\W_]+", " ", label.lower()).strip()


# ---- metric names ---------------------------------------------------------------------------------

_SPLIT_RANK = (("test", "testing", "holdout", "eval", "evaluation", "oof"), (), ("val", "valid", "validation", "dev"),
               ("train", "training"))
_DETECTION_TASKS = frozenset({"detection", "segmentation"})


def _split_rank(header: str) -> int:
    """Which split a metric header or key speaks of: test 0, none 1, validation 2, training 3."""
    tokens = set(re.split(r"[^a-z]+", header.lower()))
    for rank, words in enumerate(_SPLIT_RANK):
        if tokens & set(words):
            return rank
    return 1


def _resolved(name: str, task: str | None) -> str:
    """A canonical metric name with "ap" read for the task: detection mAP, else PR-AUC."""
    if name == "ap":
        return "map" if task in _DETECTION_TASKS else "pr_auc"
    return name


def _canonical(header: str, task: str | None) -> str | None:
    """The canonical metric a header or logged key names ("ap": see `_resolved`), or None."""
    name = header_metric(header)
    return _resolved(name, task) if name is not None else None


def _preferred(columns: Iterable[tuple[str, str, int]]) -> dict[str, tuple[str, int]]:
    """(canonical, header, position) → per canonical name the column to read: test before plain before
    validation before training, then the first column, then the shortest header."""
    chosen: dict[str, tuple[str, int]] = {}
    for name, header, position in sorted(columns, key=lambda c: (c[0], _split_rank(c[1]), c[2], len(c[1]), c[1])):
        chosen.setdefault(name, (header, position))
    return dict(sorted(chosen.items(), key=lambda item: (item[1][1], item[0])))  # in column order


# ==== README tables ================================================================================

_PERCENT_HEADER = re.compile(r"[(\[]\s*%\s*[)\]]|\s%\s*$|^%$")
# rows that are not models: classes, folds, epochs, data sets (one model's scores per row)
_NOT_MODELS_HEADER = re.compile(r"^\W*(?:class(?:es)?|labels?|categor(?:y|ies)|clases?|classes?|target|folds?|"
                                r"epochs?|steps?|seeds?|iterations?|iter|splits?|datasets?|data|data ?set|"
                                r"languages?|tasks?|subsets?)\W*$", re.IGNORECASE)
_SUMMARY_LABEL = re.compile(r"^\W*(?:(?:macro|micro|weighted|samples)[ _-]?avg|avg ?/ ?total|accuracy|support|"
                            r"mean|average|total)\W*$", re.IGNORECASE)
_GENERIC_COLUMN = re.compile(r"^\W*+(?:value|values|score|scores|result|results|metric|metrics|measure|number|"
                             r"#|model performance|performance)?\W*$", re.IGNORECASE)


@dataclass
class _Table:
    """Result rows that belong together (one README table, one notebook) and the metrics they report."""

    rows: list[_Row]
    metrics: set[str]

    @property
    def size(self) -> tuple[int, int]:
        """Models compared, then values given."""
        return len(self.rows), sum(len(r.values) for r in self.rows)


def _combined(tables: Sequence[_Table]) -> list[_Row]:
    """The rows of the main table (the one comparing most models), plus those of other tables that
    report one of its metrics for other models: a table of baselines, or any while the rows fit in
    MAX_ROWS. Tables of the same models on another data set, or of other metrics, are left out."""
    if not tables:
        return []
    main = max(tables, key=lambda t: t.size)  # max keeps the first of equal sizes
    labels = {_norm(r.label) for r in main.rows}
    kept: list[_Row] = []
    for table in tables:
        names = {_norm(r.label) for r in table.rows}
        fits = len(labels) + len(names) <= MAX_ROWS or any(r.baseline for r in table.rows)
        if table is main:
            kept += table.rows
        elif table.metrics & main.metrics and not labels & names and fits:
            kept += table.rows
            labels |= names
    return kept


def _readme_rows(story: StoryFacts) -> list[_Row]:
    """The rows of the README's results tables (see `_combined`)."""
    source = story.readme_source
    if source is None or source.document is None:
        return []
    doc = source.document
    task = story.task.task if story.task is not None else None
    baseline_lines = {e.line for e in (story.evaluation.baseline if story.evaluation else ())
                      if e.path == source.path and e.line}
    tables: list[_Table] = []
    heading: str | None = None
    for block in doc.blocks:
        if block.kind == "heading":
            heading = block.text
        elif block.kind == "table" and block.rows:
            table = _read_table(block.rows, _TableContext(doc, source.path, heading, task, baseline_lines))
            if table is not None:
                tables.append(table)
    return _combined(tables)


@dataclass(frozen=True)
class _TableContext:
    doc: Document
    path: str
    heading: str | None
    task: str | None
    baseline_lines: set[int]

    def evidence(self, line: int, fallback: str) -> Evidence:
        return Evidence(path=self.path, line=line or None, excerpt=excerpt(self.doc.line_text(line) or fallback))

    def row(self, label: str, line: int, values: dict[str, str], fallback: str) -> _Row:
        label = _clip(label) or _clip(self.heading or "") or "README"
        return _Row(label=label, source=SOURCE_README, evidence=self.evidence(line, fallback), values=values,
                    baseline=is_baseline_label(label) or line in self.baseline_lines)


def _cell(row: Sequence[Cell], col: int) -> str:
    return row[col][0].strip() if 0 <= col < len(row) else ""


def _value(text: str, percent: bool) -> str | None:
    """A cell as a metric value (as written; "%" added when the header gives the unit; the first of
    several numbers stacked in one cell), or None."""
    if metric_number(text) is None:
        return None
    tokens = text.split()
    if len(tokens) > 1 and all(metric_number(t) is not None for t in tokens):
        tokens = tokens[:1]
    text = " ".join(tokens)
    return f"{text}%" if percent and "%" not in text else text


def _read_table(rows: tuple[tuple[Cell, ...], ...], ctx: _TableContext) -> _Table | None:
    header, body = rows[0], rows[1:]
    columns = [(name, title, col) for col, (title, _) in enumerate(header)
               if (name := _canonical(title, ctx.task)) is not None]
    if not columns:
        return _read_transposed(rows, ctx)
    metric_cols = {col for _, _, col in columns}
    label_cols = [col for col in range(len(header)) if col not in metric_cols and _is_label_column(body, col)]
    if any(_NOT_MODELS_HEADER.match(_cell(header, col)) for col in label_cols[:1] + [0]):
        return None
    chosen = _preferred(columns)
    found: list[tuple[list[str], int, dict[str, str], str]] = []
    for row in body:
        values = {name: value for name, (title, col) in chosen.items()
                  if (value := _value(_cell(row, col), bool(_PERCENT_HEADER.search(title)))) is not None}
        labels = [_cell(row, col) for col in label_cols]
        if not values or (labels and _SUMMARY_LABEL.match(labels[0])):
            continue
        found.append((labels, row[0][1] if row else 0, values, " | ".join(c[0] for c in row)))
    if not found:
        return None
    texts = _distinct_labels([labels for labels, _, _, _ in found])
    table_rows = [ctx.row(text, line, values, fallback) for text, (_, line, values, fallback) in zip(texts, found)]
    return _Table(rows=table_rows, metrics=set(chosen))


def _is_label_column(body: Sequence[Sequence[Cell]], col: int) -> bool:
    """Most filled cells of the column hold words, not numbers."""
    cells = [_cell(row, col) for row in body]
    filled = [c for c in cells if c]
    worded = [c for c in filled if re.search(r"[^\W\d_]", c) and metric_number(c) is None]
    return bool(filled) and 2 * len(worded) >= len(filled)


def _distinct_labels(labels: list[list[str]]) -> list[str]:
    """Each row's first label cell, extended with the next label cells while rows share a label."""
    width = max((len(cells) for cells in labels), default=0)
    for used in range(1, width + 1):
        texts = [" ".join(c for c in cells[:used] if c) for cells in labels]
        if len(set(texts)) == len(texts):
            return texts
    return [" ".join(c for c in cells[:1] if c) for cells in labels]


def _read_transposed(rows: tuple[tuple[Cell, ...], ...], ctx: _TableContext) -> _Table | None:
    """A table whose rows are metrics ("| Metric | Logistic regression | XGBoost |"): one result row per
    column; columns named after splits (train / test) give one row, from the test column first."""
    header = rows[0]
    metric_rows = [(name, row) for row in rows[1:] if len(row) > 1
                   and (name := _canonical(row[0][0], ctx.task)) is not None]
    if not metric_rows:
        return None
    chosen = _preferred((name, row[0][0], index) for index, (name, row) in enumerate(metric_rows))
    by_name = {name: metric_rows[index][1] for name, (_, index) in chosen.items()}
    columns = range(1, max(len(r) for _, r in metric_rows))
    titles = {col: _cell(header, col) for col in columns}
    if titles and all(_split_rank(t) != 1 for t in titles.values()):  # "| Metric | Train | Test |"
        columns = [min(columns, key=lambda c: (_split_rank(titles[c]), c))]
    found: list[_Row] = []
    for col in columns:
        title = titles[col]
        percent = bool(_PERCENT_HEADER.search(title))
        values = {name: value for name, row in by_name.items()
                  if (value := _value(_cell(row, col), percent or bool(_PERCENT_HEADER.search(row[0][0]))))
                  is not None}
        if not values:
            continue
        label = "" if _GENERIC_COLUMN.match(title) or _split_rank(title) != 1 else title
        line = header[col][1] if col < len(header) else rows[0][0][1]
        found.append(ctx.row(label, line, values, " | ".join(c[0] for c in header)))
    return _Table(rows=found, metrics=set(by_name)) if found else None


# ==== tracked runs =================================================================================

_POWER_OF_TEN = re.compile(r"10*")
_NEGATED_KEY = re.compile(r"neg(?:ative)?[\W_]", re.IGNORECASE)
_TRAINING_RANK = 3
_PER_CLASS_KEY = re.compile(r"(?:^|[^a-z])(?:class|label|cls)(?:[^a-z]|$)", re.IGNORECASE)


def _key_metric(key: str, task: str | None) -> str | None:
    """The canonical metric a logged key names ("val_accuracy" → accuracy), skipping negated scorers
    ("neg_mean_squared_error"), per-class keys and scores on the training data (MLflow's autologged
    "training_accuracy_score" is no result)."""
    if _NEGATED_KEY.match(key) or _PER_CLASS_KEY.search(key) or _split_rank(key) == _TRAINING_RANK:
        return None
    return _canonical(re.sub(r"[_./:\-]+", " ", key).strip(), task)


def format_value(value: float) -> str:
    """A logged float, compactly: four significant digits (more when four would round it to 1, 10 or
    100: 0.9999995 is not a perfect score), no float noise, no exponent between 10⁻⁴ and 10¹⁵."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    if abs(value) >= 1e4:
        return f"{value:.0f}" if abs(value) < 1e15 else f"{value:.3e}"
    if abs(value) < 1e-4:
        return f"{value:.3e}"
    for digits in range(4, 10):
        text = f"{value:.{digits}g}"
        if float(text) == value or not _POWER_OF_TEN.fullmatch(text.lstrip("-")):
            return text
    return repr(value)


def _run_is_baseline(run: TrackedRun) -> bool:
    return (run.is_baseline or is_baseline_label(run.name or "")
            or any(_BASELINE_PARAM.search(value) for _, value in run.params))


def _run_rows(story: StoryFacts) -> list[_Row]:
    """One row per tracked run with a final value for a known metric."""
    runs = story.runs.runs if story.runs is not None else ()
    task = story.task.task if story.task is not None else None
    keys = {key for run in runs for key, _ in run.metrics}
    chosen = _preferred((name, key, 0) for key in keys if (name := _key_metric(key, task)) is not None)
    rows: list[_Row] = []
    seen: set[tuple[tuple[str, str], ...]] = set()
    for run in runs:
        values = {}
        for name, (key, _) in chosen.items():
            number = run.metric(key)
            if isinstance(number, (int, float)) and math.isfinite(number):
                values[name] = format_value(float(number))
        if len(values) > 1 and tuple(values.items()) in seen:
            continue  # a nested run logging its parent's numbers again
        if values:
            seen.add(tuple(values.items()))
            rows.append(_Row(label=_clip(run.name or run.run_id[:8]), source=SOURCE_RUNS, evidence=run.evidence,
                             values=values, run_id=run.run_id, baseline=_run_is_baseline(run)))
    return rows


def _fold_runs(readme: list[_Row], runs: list[_Row]) -> list[_Row]:
    """Run rows not already in the README table; a README row named like a run takes its run id."""
    by_label: dict[str, _Row] = {}
    for row in readme:
        by_label.setdefault(_norm(row.label), row)
    rest = []
    for run in runs:
        row = by_label.get(_norm(run.label))
        if row is not None and row.run_id is None:
            row.run_id = run.run_id
            row.baseline = row.baseline or run.baseline
        else:
            rest.append(run)
    return rest


# ==== notebook outputs =============================================================================

_LONG_FLOAT = re.compile(r"[-+]?\d+\.\d{6,}")
_GENERIC_WORDS = frozenset("""
test testing train training val valid validation cv cross cross-validation cross-validated mean avg average macro
micro weighted final best model models score scores result results set on the of for with and is are eval
evaluation metric metrics overall holdout hold-out dev data print fold folds report classification summary
performance value values our my using after before tuned tuning
""".split())


def _printed_label(text: str) -> str | None:
    """The model a printed metric line names before its metric or number ("XGBoost AUC-PR: 0.97")."""
    text = without_cell_prefix(text)
    cut = len(text)
    if (metric := METRIC_PATTERN.search(text)) is not None:
        cut = metric.start()
    if (digit := re.search(r"\d", text)) is not None:
        cut = min(cut, digit.start())
    tokens = [t for t in re.findall(r"[^\W\d_][\w+.-]*", text[:cut]) if t.lower().strip(".-") not in _GENERIC_WORDS]
    if not tokens or len(tokens) > 5:
        return None
    return _clip(" ".join(tokens))


def _notebook_rows(story: StoryFacts) -> list[_Row]:
    """Printed metrics grouped by notebook, cell and the model the line names (a metric printed again
    in the same group starts a new row); the notebooks are combined like README tables."""
    metrics = story.evaluation.output_metrics if story.evaluation is not None else ()
    task = story.task.task if story.task is not None else None
    books: dict[str, _Table] = {}
    open_rows: dict[tuple[str, int | None, str | None], _Row] = {}
    for metric in metrics:
        name = _resolved(metric.name, task)
        if metric_number(metric.value) is None:
            continue
        where = metric.evidence
        label = _printed_label(where.excerpt or "")
        key = (where.path, where.line, label)
        row = open_rows.get(key)
        if row is None or name in row.values:
            cell = f", cell {where.line}" if where.line else ""
            row = _Row(label=label or f"{posixpath.basename(where.path)}{cell}", source=SOURCE_NOTEBOOK,
                       evidence=Evidence(path=where.path, line=where.line, excerpt=where.excerpt))
            row.baseline = is_baseline_label(row.label)
            open_rows[key] = row
            books.setdefault(where.path, _Table(rows=[], metrics=set())).rows.append(row)
        row.values[name] = _printed_value(metric.value)
        books[where.path].metrics.add(name)
    return _combined(list(books.values()))


def _printed_value(value: str) -> str:
    """A printed value, with a float's noise cut to four significant digits ("0.9604938554008616")."""
    value = " ".join(value.split())
    if _LONG_FLOAT.fullmatch(value) and (number := metric_number(value)) is not None:
        return format_value(number)
    return value


# ==== choosing the comparison =======================================================================

_IMBALANCED = ("pr_auc", "f1", "recall", "roc_auc", "other:balanced_accuracy", "other:mcc", "precision", "auc",
               "accuracy")
_PREFERENCES: dict[str, tuple[str, ...]] = {
    "classification": ("f1", "roc_auc", "accuracy", "auc", "pr_auc", "other:balanced_accuracy", "top1",
                       "precision", "recall", "log_loss", "top5"),
    "regression": ("rmse", "mae", "r2", "other:rmsle", "mse", "mape", "other:smape"),
    "forecasting": ("mape", "other:smape", "rmse", "mae", "mse", "other:rmsle", "r2"),
    "detection": ("map", "iou", "f1", "recall", "precision"),
    "segmentation": ("iou", "dice", "map", "other:pq", "accuracy"),
    "generation": ("bleu", "rouge", "other:chrf", "meteor", "other:bertscore", "other:exact_match", "f1",
                   "perplexity", "wer", "cer", "fid", "accuracy", "loss"),
    "ranking": ("ndcg", "map", "other:mrr", "other:hit_rate", "recall", "precision", "pr_auc", "roc_auc"),
    "recommendation": ("ndcg", "map", "other:mrr", "other:hit_rate", "recall", "precision", "rmse", "mae"),
}
_GENERAL = ("f1", "accuracy", "roc_auc", "auc", "pr_auc", "top1", "map", "iou", "dice", "rmse", "mae", "r2",
            "bleu", "rouge", "ndcg", "wer", "perplexity")


def _preference(story: StoryFacts) -> tuple[str, ...]:
    task = story.task.task if story.task is not None else None
    imbalanced = story.task is not None and story.task.imbalanced
    if imbalanced and task in (None, "classification"):
        return _IMBALANCED
    return _PREFERENCES.get(task or "", ())


def _appearance(rows: Sequence[_Row]) -> dict[str, int]:
    order: dict[str, int] = {}
    for row in rows:
        for name in row.values:
            order.setdefault(name, len(order))
    return order


def _coverage(rows: Sequence[_Row]) -> Counter[str]:
    return Counter(name for row in rows for name in row.values if row.number(name) is not None)


def _primary(rows: Sequence[_Row], story: StoryFacts) -> str | None:
    """A metric with a number in two rows or more, the task's preferred first, else the most common."""
    counts, order = _coverage(rows), _appearance(rows)
    candidates = [name for name in order if counts[name] >= 2]
    if not candidates:
        return None
    for name in _preference(story):
        if name in candidates:
            return name
    general = {name: rank for rank, name in enumerate(_GENERAL)}
    return min(candidates, key=lambda n: (-counts[n], general.get(n, len(general)), order[n]))


def _better(a: float, b: float, higher: bool) -> bool:
    return a > b if higher else a < b


def _best(rows: Sequence[_Row], primary: str | None, higher: bool) -> int | None:
    best: int | None = None
    for index, row in enumerate(rows):
        number = row.number(primary)
        if row.baseline or number is None:
            continue
        if best is None or _better(number, rows[best].number(primary) or 0.0, higher):
            best = index
    return best


def _baseline(rows: Sequence[_Row], primary: str | None) -> int | None:
    flagged = [i for i, row in enumerate(rows) if row.baseline]
    with_number = [i for i in flagged if rows[i].number(primary) is not None]
    return (with_number or flagged or [None])[0]


def _cap(rows: list[_Row], keep: set[int], primary: str | None, higher: bool) -> list[_Row]:
    """At most MAX_ROWS rows in their order: `keep`, then the best on the primary metric, then the first."""
    if len(rows) <= MAX_ROWS:
        return rows

    def rank(index: int) -> tuple:
        number = rows[index].number(primary)
        if number is None:
            return (1, 0.0, index)
        return (0, -number if higher else number, index)

    ranked = sorted((i for i in range(len(rows)) if i not in keep), key=rank)
    chosen = keep | set(ranked[:MAX_ROWS - len(keep)])
    return [row for i, row in enumerate(rows) if i in chosen]


def _metric_columns(rows: Sequence[_Row], primary: str | None) -> tuple[str, ...]:
    counts, order = _coverage(rows), _appearance(rows)
    others = sorted((n for n in order if n != primary and counts[n]), key=lambda n: (-counts[n], order[n]))
    kept = set(others[:MAX_METRICS - (1 if primary else 0)])
    return ((primary,) if primary else ()) + tuple(n for n in order if n in kept)


def _unique_labels(rows: Sequence[_Row]) -> None:
    """Rows sharing a label get their run id or location added."""
    counts = Counter(row.label for row in rows)
    for row in rows:
        where = row.run_id[:8] if row.run_id and row.source == SOURCE_RUNS else _short_location(row.evidence)
        if counts[row.label] > 1 and where not in row.label:
            row.label = f"{row.label} ({where})"
    seen: Counter[str] = Counter()
    for row in rows:
        seen[row.label] += 1
        if seen[row.label] > 1:
            row.label = f"{row.label} #{seen[row.label]}"


def _short_location(evidence: Evidence) -> str:
    name = posixpath.basename(evidence.path)
    if not evidence.line:
        return name
    return f"{name}, cell {evidence.line}" if evidence.in_notebook else f"{name}:{evidence.line}"


# ==== the results ==================================================================================


def _gather(story: StoryFacts) -> list[_Row]:
    readme = _readme_rows(story)
    rows = readme + _fold_runs(readme, _run_rows(story))
    if not any(count >= 2 for count in _coverage(rows).values()):
        rows += _notebook_rows(story)
    return rows


def build_results(story: StoryFacts) -> ResultsAtAGlance | None:
    """The results at a glance from the README's tables, the tracked runs and the notebooks' printed
    metrics; None when the repository reports no metric value."""
    rows = _gather(story)
    if not rows:
        return None
    primary = _primary(rows, story)
    higher = higher_is_better(primary) if primary else True
    keep = {i for i in (_baseline(rows, primary), _best(rows, primary, higher)) if i is not None}
    rows = _cap(rows, keep, primary, higher)
    metrics = _metric_columns(rows, primary)
    rows = [row for row in rows if any(name in row.values for name in metrics)]
    if not rows:
        return None
    _unique_labels(rows)
    return ResultsAtAGlance(
        metrics=metrics,
        rows=tuple(ResultRow(label=row.label, source=row.source, evidence=row.evidence, run_id=row.run_id,
                             baseline=row.baseline,
                             values=tuple((name, row.values[name]) for name in metrics if name in row.values))
                   for row in rows),
        primary=primary,
        higher_is_better=higher,
        baseline=_baseline(rows, primary),
        best=_best(rows, primary, higher),
        runs_tried=len(story.runs.runs) if story.runs is not None else 0,
    )


__all__ = ["build_results", "format_value", "higher_is_better", "is_baseline_label", "metric_label", "metric_number"]
