"""The questions a hiring panel is likely to ask about this repository, each chosen by a trigger in its
facts, with why it will come up here (the fact, cited) and what a strong answer covers.

A trigger is a condition on the scan's facts (`StoryFacts`); its question is asked exactly when the
condition holds, and the questions come in the fixed priority order of `QUESTION_TRIGGERS` (what costs
most in an interview first), at most `MAX_QUESTIONS` of them. Every question cites the evidence it
rests on: files with lines (a notebook's cell), run folders, or `.git` for the history.

Triggers (id → condition):

* `imbalanced-accuracy` — the classes are imbalanced (`TaskFacts.imbalanced`) and the reported metrics
  (README, notebook outputs, the results at a glance, tracked runs) include accuracy but no imbalance-aware metric (precision,
  recall, F1, PR-AUC, ROC-AUC, balanced accuracy, MCC, kappa).
* `leakage` — a leak from the test set in code: preprocessing fitted before the split, a fit on the
  test split, or a model chosen by its test score (`ml_smells`, checks QA150-QA151).
* `imbalanced-roc-auc` — imbalanced classes and ROC-AUC reported, but no precision, recall, F1, PR-AUC,
  balanced accuracy, MCC or kappa.
* `team-part` — the history is team work (`HistoryFacts.collaboration` is "team" or "community"; a
  shallow clone is not judged).
* `no-results` — the code builds a model but no metric value is reported anywhere.
* `no-baseline` — metric values are reported but no baseline (README, notebooks, code, runs, results).
* `complex-model` — the code builds a gradient-boosted model or a neural network.
* `look-ahead` — time-ordered data: a forecasting task or a split by time.
* `imputation` — missing values filled with the median or the mean.
* `monitoring` — a serving app (FastAPI, Flask, Streamlit, Gradio, BentoML …) or a Docker file.
* `no-tests` — no test function in the repository, while the code builds a model or fills missing values.
* `threshold` — an imbalanced classification handled with class weights or resampling in code.
* `many-runs` — at least `MANY_RUNS` tracked runs.
* `tuning` — hyperparameter search in code, or hyperparameters picked on one held-out split.
* `noise` — the results compare models on one metric (baseline and best, or the first two rows) with
  different values, and no variation is reported.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..facts.modelling import COMPLEX_FAMILIES, ModelUse
from ..facts.task import CodeMetric, canonical_metric
from ..model import Evidence, ResultRow, ResultsAtAGlance, TalkingPoint
from .drafting import LEAKAGE_SMELLS, difference
from .facts import StoryFacts
from .readme_text import without_cell_prefix
from .results import format_value, metric_label, metric_number

MAX_QUESTIONS = 8
MANY_RUNS = 10          # tracked runs from which choosing the best is itself a risk
MAX_EVIDENCE = 6        # evidence items cited per question

# Metrics that say how the minority class fares (besides accuracy).
_IMBALANCE_AWARE = frozenset({"precision", "recall", "f1", "pr_auc", "other:balanced_accuracy", "other:mcc",
                              "other:kappa"})
_RANKING = frozenset({"roc_auc", "auc"})
_IMBALANCE_ORDER = ("words", "class_weight", "resampling", "loss", "domain")
_IMBALANCE_SAYS = {
    "words": "the project says its classes are imbalanced",
    "class_weight": "the code weights the classes",
    "resampling": "the code resamples the classes",
    "loss": "the loss is built for a rare class",
    "domain": "the problem is a rare-event one",
}
_BOOSTING_NAMES = (("XGB", "XGBoost"), ("LGBM", "LightGBM"), ("lightgbm", "LightGBM"), ("xgboost", "XGBoost"),
                   ("CatBoost", "CatBoost"), ("catboost", "CatBoost"), ("HistGradientBoosting", "gradient boosting"),
                   ("GradientBoosting", "gradient boosting"), ("AdaBoost", "AdaBoost"), ("RUSBoost", "RUSBoost"))
_PERCENT = re.compile(r"(?<![\d.])(\d{1,2}(?:\.\d+)?)\s?%")
_SPLIT_WORDS = re.compile(r"\b(?:train\w*|test\w*|split\w*|held[- ]out|hold[- ]?out|validation|val)\b", re.IGNORECASE)
_TRIVIAL_MODELS = {
    "classification": "always the majority class: DummyClassifier with strategy='most_frequent'",
    "regression": "always the mean of the training target: DummyRegressor",
    "forecasting": "a naive forecast (the last value, or the value a season ago)",
}
# Words in a result label that name a model family ("XGBoost (tuned)", "ResNet-18", "BERT fine-tuned").
_FAMILY_WORDS = {
    "gradient_boosting": re.compile(r"boost|xgb|lgbm|lightgbm|catboost|gbm|gbdt|gbr|hgb|gradient", re.IGNORECASE),
    "neural_net": re.compile(r"net|cnn|rnn|lstm|gru|bert|transformer|mlp|neural|gpt|vit|deep|yolo|llama|t5",
                             re.IGNORECASE),
}
# Simpler models a complex one is compared with, the most usual comparison first (a dummy is a baseline,
# not an alternative).
_SIMPLE_NAMES = {"linear": "a linear model", "tree": "a decision tree", "naive_bayes": "naive Bayes",
                 "knn": "k-nearest neighbours"}


# ==== small helpers ================================================================================


def cite(evidence: Evidence) -> str:
    """`path:line ("excerpt")`, the excerpt without a notebook's "cell N:" prefix; the location alone
    when there is no excerpt."""
    text = evidence.excerpt or ""
    if evidence.in_notebook:
        text = without_cell_prefix(text)
    return f'{evidence.location()} ("{text}")' if text else evidence.location()


def _unique(evidence: Iterable[Evidence | None], limit: int = MAX_EVIDENCE) -> tuple[Evidence, ...]:
    kept: list[Evidence] = []
    for item in evidence:
        if item is not None and item not in kept:
            kept.append(item)
        if len(kept) == limit:
            break
    return tuple(kept)


def _more(count: int, what: str) -> str:
    """' (and 3 more places)' when count > 0."""
    return f" (and {count} more {what})" if count > 0 else ""


@dataclass(frozen=True)
class ReportedMetric:
    """A metric value the project reports: canonical name, value as written, where."""

    name: str
    value: str
    evidence: Evidence

    def said(self) -> str:
        return f"{metric_label(self.name, in_sentence=True)} {self.value} at {self.evidence.location()}"


def reported_metrics(story: StoryFacts) -> dict[str, ReportedMetric]:
    """The first reported value of each metric: README, notebook outputs, the results at a glance, runs."""
    found: dict[str, ReportedMetric] = {}
    if story.readme is not None:
        for m in story.readme.metrics:
            found.setdefault(m.name, ReportedMetric(m.name, m.value, m.evidence))
    if story.evaluation is not None:
        for m in story.evaluation.output_metrics:
            found.setdefault(m.name, ReportedMetric(m.name, m.value, m.evidence))
    if story.results is not None:
        for row in story.results.rows:
            for name, value in row.values:
                found.setdefault(name, ReportedMetric(name, value, row.evidence))
    if story.runs is not None:
        for run in story.runs.runs:
            for key, value in run.metrics:
                name = canonical_metric(key.split("/")[-1])
                if name and name not in found:
                    shown = f"{format_value(value)} (run {run.name or run.run_id[:8]})"
                    found[name] = ReportedMetric(name, shown, run.evidence)
    return found


def _imbalance_evidence(story: StoryFacts) -> list[tuple[str, Evidence]]:
    """(kind, evidence) of the imbalance signals, most telling kinds first."""
    if story.task is None:
        return []
    signals = [s for s in story.task.imbalance if s.kind in _IMBALANCE_ORDER]
    signals.sort(key=lambda s: _IMBALANCE_ORDER.index(s.kind))
    return [(s.kind, s.evidence) for s in signals]


def _imbalance_clause(story: StoryFacts) -> tuple[str, tuple[Evidence, ...]]:
    signals = _imbalance_evidence(story)
    if not signals:
        return "the classes look imbalanced", ()
    kind, evidence = signals[0]
    return f"{_IMBALANCE_SAYS[kind]}: {cite(evidence)}", tuple(e for _, e in signals[:2])


@dataclass(frozen=True)
class Gain:
    """Baseline against best on the results' primary metric."""

    metric: str
    baseline: ResultRow
    best: ResultRow
    baseline_value: str
    best_value: str
    difference: str | None   # "+0.106", "+2.1 points"; None when the values cannot be compared

    def said(self) -> str:
        change = f" ({self.difference})" if self.difference else ""
        return (f"{metric_label(self.metric, in_sentence=True)} {self.baseline_value} ({self.baseline.label}) → "
                f"{self.best_value} ({self.best.label}){change}")


def results_gain(results: ResultsAtAGlance | None) -> Gain | None:
    """The baseline and best rows of the results at a glance with their primary values, if both exist."""
    if results is None or results.primary is None or results.baseline is None or results.best is None:
        return None
    if results.baseline == results.best or not (0 <= results.baseline < len(results.rows)
                                                 and 0 <= results.best < len(results.rows)):
        return None
    base, best = results.rows[results.baseline], results.rows[results.best]
    base_value, best_value = base.value(results.primary), best.value(results.primary)
    if base_value is None or best_value is None:
        return None
    return Gain(results.primary, base, best, base_value, best_value, difference(base_value, best_value))


def _same_number(a: str, b: str) -> bool:
    """Whether two values state the same number, also when one is a percentage and the other not."""
    x, y = metric_number(a), metric_number(b)
    if x is None or y is None:
        return x is y
    return any(math.isclose(x * scale, y) or math.isclose(x, y * scale) for scale in (1, 100))


def _compared_rows(results: ResultsAtAGlance | None) -> list[ResultRow]:
    """The result rows that have a value for the primary metric."""
    if results is None or results.primary is None:
        return []
    return [row for row in results.rows if row.value(results.primary) is not None]


def _question(topic: str, title: str, text: str, answer: str,
              evidence: Iterable[Evidence | None]) -> TalkingPoint | None:
    """The question, or None when nothing in the repository can be cited for it."""
    cited = _unique(evidence)
    if not cited:
        return None
    return TalkingPoint(kind="question", topic=topic, title=title, text=text, answer=answer, evidence=cited)


def _boosting_name(model: ModelUse) -> str:
    return next((label for prefix, label in _BOOSTING_NAMES if model.name.startswith(prefix)), model.name)


def _boosting_rank(model: ModelUse) -> int:
    """The dedicated libraries (XGBoost, LightGBM, CatBoost) first: they are what a panel asks about."""
    return next((i for i, (prefix, _) in enumerate(_BOOSTING_NAMES) if model.name.startswith(prefix)),
                len(_BOOSTING_NAMES))


def _named_in(label: str, models: Iterable[ModelUse]) -> ModelUse | None:
    """The model whose name a result label contains ("ResNet-18 (3x3 stem)" names `resnet18`)."""
    folded = re.sub(r"[\W_]", "", label.lower())
    for model in models:
        name = re.sub(r"[\W_]", "", model.name.lower())
        if len(name) >= 3 and name in folded:
            return model
    return None


def _model_phrase(model: ModelUse) -> str:
    """How a title names a model: "XGBoost", "a neural network"."""
    return _boosting_name(model) if model.family == "gradient_boosting" else "a neural network"


# ==== triggers =====================================================================================


def _imbalanced_accuracy(story: StoryFacts) -> TalkingPoint | None:
    if story.task is None or not story.task.imbalanced:
        return None
    reported = reported_metrics(story)
    if "accuracy" not in reported or set(reported) & (_IMBALANCE_AWARE | _RANKING):
        return None
    accuracy = reported["accuracy"]
    why, imbalance = _imbalance_clause(story)
    rate = _positive_rate(story)
    trap = (f"with {rate:g}% positives, a model that never predicts the positive class scores "
            f"{100 - rate:g}% accuracy (you report {accuracy.value})" if rate is not None else
            "a model that always predicts the majority class already scores the majority share as accuracy")
    return _question(
        "imbalanced-accuracy", "Why accuracy, and not recall or PR-AUC?",
        f"Your classes are imbalanced — {why} — and the only classification metric you report is "
        f"{accuracy.said()}.",
        f"Say it before they do: {trap}, so accuracy alone cannot show that the model finds the rare class. "
        "Name which error costs more here (a missed positive or a false alarm), then report precision and "
        "recall at the threshold you use, F1 and PR-AUC (average_precision_score, whose chance level is the "
        "positive rate) beside accuracy and a majority-class baseline.",
        [*imbalance, accuracy.evidence])


def _positive_rate(story: StoryFacts) -> float | None:
    """A positive-class share under 50% that the project states in words ("only 2% of transactions")."""
    for kind, evidence in _imbalance_evidence(story):
        text = evidence.excerpt or ""
        match = _PERCENT.search(text) if kind == "words" and not _SPLIT_WORDS.search(text) else None
        if match is not None and 0 < float(match.group(1)) < 50:
            return float(match.group(1))
    return None


def _leakage(story: StoryFacts) -> TalkingPoint | None:
    if story.ml_smells is None:
        return None
    leaks = [s for kind in LEAKAGE_SMELLS for s in story.ml_smells.of_kind(kind)]
    if not leaks:
        return None
    first = leaks[0]
    return _question(
        "leakage", "How do you know nothing from the test set leaked into training?",
        f"At {cite(first.evidence)}: {first.detail}{_more(len(leaks) - 1, 'such places')}. A reviewer who "
        "reads the code will find it.",
        f"Name it yourself and show the fix: `{first.corrected}`. Fit every preprocessing step on the training "
        "split only (a Pipeline inside cross-validation does this for you), choose models and hyperparameters "
        "on a validation split or by cross-validation, and score the test set once, at the end. Re-run and "
        "report the corrected numbers; if they drop, say that the new ones are the honest estimate.",
        [first.evidence, first.related, *(s.evidence for s in leaks[1:])])


def _imbalanced_roc_auc(story: StoryFacts) -> TalkingPoint | None:
    if story.task is None or not story.task.imbalanced:
        return None
    reported = reported_metrics(story)
    ranking = [reported[n] for n in sorted(_RANKING) if n in reported]
    if not ranking or set(reported) & _IMBALANCE_AWARE:
        return None
    why, imbalance = _imbalance_clause(story)
    return _question(
        "imbalanced-roc-auc", "ROC-AUC can look good on imbalanced data: why not PR-AUC or recall?",
        f"Your classes are imbalanced — {why} — and you report {ranking[0].said()}, with no precision, "
        "recall, F1 or PR-AUC.",
        "ROC-AUC's false-positive rate divides by the many negatives, so it stays high while most alarms "
        "are false; PR-AUC measures how precise the model is on the rare class (its chance level is the "
        "positive rate, not 0.5). Report PR-AUC, and precision and recall at the threshold you would use, "
        "beside ROC-AUC.",
        [*imbalance, ranking[0].evidence])


def _team_part(story: StoryFacts) -> TalkingPoint | None:
    history = story.history
    if history is None or history.shallow or history.collaboration not in ("team", "community"):
        return None
    people = len(history.authors)
    top = history.authors[0]
    stated = _role_statement(story)
    share = f"the most active, {top.name}, wrote {top.commits} of {history.work_commits} ({history.top_share:.0%})"
    text = (f"{people} people committed to this repository (.git); {share}. "
            + (f"Your README says who did what ({cite(stated)})." if stated else
               "Nothing in the README says who did what."))
    if history.collaboration == "community":
        answer = ("Name your own pull requests or commits and what each changed, the design decisions you "
                  "argued for, and what you would do differently; keep the project's story and your part in it "
                  "apart.")
    else:
        answer = ("Name the parts you built yourself (e.g. the feature pipeline and the evaluation), the "
                  "decisions you made and why, what the others built, and one disagreement or hand-off and how "
                  "you resolved it. Keep it concrete: files or modules you can open and explain line by line.")
    return _question("team-part", "What was your part in this project?", text, answer,
                     [stated, *(a.evidence for a in history.authors[:3])])


def _role_statement(story: StoryFacts) -> Evidence | None:
    """The README heading or sentence that says who did what, as check QA141 found it."""
    result = story.check("QA141")
    if result is None:
        return None
    return next((e for e in result.evidence if e.path != ".git"), None)


def _no_results(story: StoryFacts) -> TalkingPoint | None:
    if story.modelling is None or not story.modelling.models or reported_metrics(story):
        return None
    if story.readme is None or story.evaluation is None:
        return None  # a detector that could not run is not evidence of silence
    models = story.modelling.leading
    computed = _computed_metrics(story)
    said = (f" Your code computes {', '.join(metric_label(m.name, in_sentence=True) for m in computed)} "
            f"({computed[0].evidence.location()}), but" if computed else "")
    return _question(
        "no-results", "What did your model achieve, and on which metric?",
        f"The code builds {models[0].name} ({cite(models[0].evidence)}){_more(len(models) - 1, 'models')}."
        f"{said or ' But'} no metric value appears in the README, in executed notebook outputs or in tracked runs.",
        "One number, on the metric that fits the problem, measured on held-out data and next to a simple "
        "baseline: for example \"PR-AUC 0.43 on a stratified 20% test split, against 0.21 for logistic "
        "regression\". Put it in a results table in the README before the interview, and know how it was "
        "validated.",
        [*(m.evidence for m in models[:2]), *(m.evidence for m in computed[:1])])


def _computed_metrics(story: StoryFacts, limit: int = 3) -> list[CodeMetric]:
    """The first code metric of each name (up to `limit` names), in the task facts' order."""
    seen: dict[str, CodeMetric] = {}
    for metric in story.task.code_metrics if story.task is not None else ():
        if metric.name not in seen and len(seen) < limit:
            seen[metric.name] = metric
    return list(seen.values())


def _has_baseline(story: StoryFacts) -> bool:
    if story.evaluation is None or story.evaluation.has_baseline:
        return True  # a detector that could not run proves nothing missing
    if story.runs is not None and story.runs.baseline_runs():
        return True
    if story.results is not None and story.results.baseline is not None:
        return True
    return bool(story.modelling is not None and story.modelling.of_family("baseline"))


def _no_baseline(story: StoryFacts) -> TalkingPoint | None:
    reported = reported_metrics(story)
    if not reported or _has_baseline(story):
        return None
    shown = sorted(reported.values(), key=lambda r: r.name == "loss")[:2]  # a loss says least about the model
    kind = story.task.task if story.task is not None else None
    trivial = _TRIVIAL_MODELS.get(kind or "", "the majority class, or the mean for regression")
    simple = sorted(story.modelling.of_family(*_SIMPLE_NAMES), key=lambda m: list(_SIMPLE_NAMES).index(m.family)) \
        if story.modelling is not None else []
    also = (f" Your code also builds {simple[0].name} ({simple[0].evidence.location()}): if that is your "
            "baseline, report its numbers beside the final model." if simple else "")
    return _question(
        "no-baseline", "What did you compare against?",
        f"You report {' and '.join(r.said() for r in shown)}, but nothing says what a simple baseline scores "
        f"on the same data and split.{also}",
        f"The score of a trivial model ({trivial}) and of a simple one (logistic or linear regression, a shallow "
        "tree), evaluated exactly like your final model, then what each "
        "step of added complexity gained over them. Without that, a reviewer cannot tell whether your number is "
        "good for this data.",
        [*(r.evidence for r in shown), *(m.evidence for m in simple[:1])])


def _complex_model(story: StoryFacts) -> TalkingPoint | None:
    if story.modelling is None:
        return None
    complex_models = [m for m in story.modelling.leading if m.family in COMPLEX_FAMILIES]
    if not complex_models:
        return None
    boosted = sorted(story.modelling.of_family("gradient_boosting"), key=_boosting_rank)
    model = (boosted or complex_models)[0]
    gain = results_gain(story.results)
    if gain is not None:  # the results speak of this model only when the best row names it or its kind
        named = _named_in(gain.best.label, complex_models)
        if named is not None:
            model = named
        elif not _FAMILY_WORDS[model.family].search(gain.best.label):
            gain = None
    simple = sorted(story.modelling.of_family(*_SIMPLE_NAMES), key=lambda m: list(_SIMPLE_NAMES).index(m.family))
    cost = "What does it cost in latency and interpretability?"
    if simple:
        title = f"Why {_model_phrase(model)} over {_SIMPLE_NAMES[simple[0].family]} like your {simple[0].name}? {cost}"
    elif gain is not None:
        title = f"Why {gain.best.label} over {gain.baseline.label}? {cost}"
    else:
        title = f"Why {_model_phrase(model)} rather than a simpler model? {cost}"
    parts = [f"You build {model.name} at {cite(model.evidence)}"]
    if simple:
        parts.append(f"and also {simple[0].name} at {simple[0].evidence.location()}")
    text = " ".join(parts) + "."
    if gain is not None:
        text += f" Your results show {gain.said()}."
    elif simple and len(_compared_rows(story.results)) < 2:
        text += " No result in the repository compares the two on one metric."
    measured = (f"Whether the gain over {gain.baseline.label} ({gain.difference}"
                f"{' of' if gain.difference.endswith('points') else ''} {metric_label(gain.metric, in_sentence=True)}) "
                "holds up under cross-validation or across seeds, with its spread" if gain is not None and gain.difference else
                "The measured gain over the simpler model on the same split (cross-validated, with its spread)")
    if model.family == "gradient_boosting":
        answer = (f"{measured}; what it costs: training time, prediction latency per row, model size; how you "
                  "explain a prediction (SHAP values, feature importances, partial dependence); and what you "
                  "would ship if every decision had to be explained (the linear model, if the gain is small).")
    else:
        answer = ("Why this data needs a network (images, text, sequences) where features plus a linear model or "
                  f"gradient boosting would not do; {measured[0].lower() + measured[1:]}; the cost: GPU or CPU "
                  "inference latency, model size, training time; how you inspect its errors (error analysis by "
                  "class, saliency or attention maps); and a smaller or distilled model if latency matters.")
    return _question("complex-model", title, text, answer,
                     [model.evidence, *(m.evidence for m in simple[:1]),
                      *((gain.baseline.evidence, gain.best.evidence) if gain else ())])


def _look_ahead(story: StoryFacts) -> TalkingPoint | None:
    time_splits = [v.evidence for v in story.evaluation.validation if v.kind == "time_split"] \
        if story.evaluation is not None else []
    forecasting = story.task is not None and story.task.task == "forecasting"
    if not (forecasting or time_splits):
        return None
    signals = time_splits or list(story.task.evidence_for("forecasting") if story.task else ())
    why = (f"You split by time at {cite(time_splits[0])}" if time_splits
           else f"The project forecasts ({cite(signals[0])})" if signals else "The project forecasts")
    risks: list[Evidence] = []
    shuffled = [s.evidence for s in story.ml_smells.splits if s.shuffled] if story.ml_smells is not None else []
    extra = ""
    if shuffled:
        extra += f" Yet train_test_split shuffles rows at {shuffled[0].location()}."
        risks.append(shuffled[0])
    backwards = [i for i in story.modelling.imputation if i.strategy in ("bfill", "interpolate")] \
        if story.modelling is not None else []
    if backwards:
        extra += (f" {backwards[0].evidence.location()} fills gaps with later values "
                  f"({backwards[0].strategy}).")
        risks.append(backwards[0].evidence)
    return _question(
        "look-ahead", "How do you make sure the model never sees the future?",
        f"{why}: on time-ordered data, panels probe look-ahead leakage.{extra}",
        "Train on the past and test on a later period (walk-forward or TimeSeriesSplit for cross-validation, "
        "never shuffled folds); build every feature only from data available at prediction time (lags and "
        "rolling windows shifted by one step); fit scalers and imputers on the training period only and never "
        "back-fill or interpolate across the split; leave a gap between training and test when labels arrive "
        "late; and compare with a naive forecast (last value, or last season).",
        [*signals[:2], *risks])


def _imputation(story: StoryFacts) -> TalkingPoint | None:
    if story.modelling is None:
        return None
    filled = [i for i in story.modelling.imputation if i.strategy in ("median", "mean")]
    if not filled:
        return None
    first = filled[0]
    strategy = first.strategy
    others = len(filled) - 1
    indicator = ("The same file keeps missing-value indicators: say what they showed." if first.indicator
                 else f"Nothing in {first.evidence.path} keeps a missing-value indicator.")
    whole_table = ("If the statistic comes from pandas on the whole table, as `.fillna` suggests, the test rows "
                   "shape it: compute it on the training split, or use SimpleImputer inside the pipeline. "
                   if "fillna" in (first.evidence.excerpt or "") else
                   "Fit the imputer on the training split only (inside the pipeline). ")
    return _question(
        "imputation", f"Why impute with the {strategy}, and did you add missing-value indicators?",
        f"You fill missing values with the {strategy} at {cite(first.evidence)}{_more(others, 'places')}. "
        f"{indicator}",
        ("Which columns have gaps and how many; why the median (robust to skewed columns and outliers, where "
         "the mean is pulled by the tail)" if strategy == "median" else
         "Which columns have gaps and how many; why the mean (fine for roughly symmetric columns, but pulled "
         "by outliers: the median is the robust choice for skewed ones)")
        + "; whether being missing predicts the target (then a missing-value indicator, e.g. "
        "SimpleImputer(add_indicator=True), lets the model use it); " + whole_table
        + "Back it with a sensitivity check: the metric with and without indicators, or with another imputer.",
        [i.evidence for i in filled[:3]])


def _monitoring(story: StoryFacts) -> TalkingPoint | None:
    serving = story.modelling.serving if story.modelling is not None else ()
    docker = tuple(e for e in story.docker or () if not e.path.startswith(".devcontainer/"))  # an editor's box
    if not serving and not docker:
        return None
    if serving:
        text = (f"You serve the model: {cite(serving[0])}{_more(len(serving) - 1, 'places')}. Once a model is "
                "deployed, panels ask what happens when the data changes.")
    else:
        text = (f"You package the project in a container ({cite(docker[0])}): a step towards deployment, which "
                "panels follow with what happens when the data changes.")
    metric = story.results.primary if story.results is not None and story.results.primary else None
    tracked = f"{metric_label(metric, in_sentence=True)} " if metric else "the metric "
    return _question(
        "monitoring", "How would you monitor this model in production, detect drift and decide when to retrain?",
        text,
        "What you log per request (inputs, prediction, latency, model version); input drift (each feature's "
        "distribution against the training data: PSI or a KS test) and prediction drift; "
        f"{tracked}on labelled samples once the delayed labels arrive; a retraining trigger (a schedule or a "
        "drift threshold) whose candidate is evaluated against the current model on recent data before it is "
        "promoted; and how you roll back.",
        [*serving[:2], *docker[:1]])


def _no_tests(story: StoryFacts) -> TalkingPoint | None:
    if story.tests is None or story.tests.present or story.modelling is None:
        return None
    models, filled = story.modelling.leading, story.modelling.imputation
    if not models and not filled:
        return None
    steps = []
    if models:
        steps.append(f"builds {models[0].name} at {cite(models[0].evidence)}")
    if filled:
        steps.append(f"fills missing values at {filled[0].evidence.location()}")
    return _question(
        "no-tests", "How do you know the pipeline is correct?",
        f"The repository has no test function, yet its pipeline {' and '.join(steps)}.",
        "What you checked by hand, and the tests you would write first: data loading (expected columns and "
        "types, no duplicate rows across train and test), preprocessing on a tiny frame with known answers "
        "(imputed values, an unseen category), the train-and-predict path end to end on a few rows, and your "
        "metric code against scikit-learn's. Then add them: a tests/ folder with pytest, run in CI.",
        [*(m.evidence for m in models[:1]), *(i.evidence for i in filled[:1])])


def _threshold(story: StoryFacts) -> TalkingPoint | None:
    task = story.task
    if task is None or task.task != "classification" or not task.imbalanced:
        return None
    handled = [s for s in task.imbalance if s.kind in ("class_weight", "resampling")]
    if not handled:
        return None
    how = "weight the classes" if handled[0].kind == "class_weight" else "resample the classes"
    return _question(
        "threshold", "How did you choose the decision threshold?",
        f"You {how} at {cite(handled[0].evidence)}, so the model's scores are no longer the real "
        "probabilities and the default 0.5 cut-off is an arbitrary choice.",
        "The threshold comes from the cost of a missed positive against a false alarm, or from a capacity "
        "(how many cases someone can review): read it off the precision-recall curve on validation data, not "
        "the test set, and report precision and recall at that point. Weighting or resampling shifts the scores, "
        "so calibrate them (CalibratedClassifierCV, a reliability curve) if anyone reads them as probabilities.",
        [s.evidence for s in handled[:2]])


def _many_runs(story: StoryFacts) -> TalkingPoint | None:
    if story.runs is None or len(story.runs.runs) < MANY_RUNS:
        return None
    runs = story.runs.runs
    stores = ", ".join(story.runs.stores[:2]) or runs[0].store
    text = f"Your run store ({stores}) holds {len(runs)} runs."
    best = None
    if story.results is not None and story.results.best is not None and story.results.primary:
        row = story.results.rows[story.results.best]
        if row.source == "runs" and row.value(story.results.primary) is not None:
            best = row
            text += (f" The best on {metric_label(story.results.primary, in_sentence=True)} is {row.label} "
                     f"({row.value(story.results.primary)}).")
    return _question(
        "many-runs", f"You tried {len(runs)} runs: how did you pick the best without overfitting the test set?",
        text,
        "Which data the runs were compared on (a validation split or cross-validation, never the test set), "
        "that the test set was scored once for the chosen run, how many configurations you tried in all, and "
        "whether the winner's lead is larger than the spread between seeds: with many runs the best one is "
        "partly luck.",
        [*((best.evidence,) if best else ()), *(r.evidence for r in runs[:2])])


def _tuning(story: StoryFacts) -> TalkingPoint | None:
    tuned = list(story.modelling.tuning) if story.modelling is not None else []
    holdout = list(story.ml_smells.of_kind("tuning_without_cv")) if story.ml_smells is not None else []
    if not tuned and not holdout:
        return None
    said = [f"You search hyperparameters at {cite(tuned[0])}{_more(len(tuned) - 1, 'places')}."] if tuned else []
    if holdout:
        said.append(f"At {holdout[0].evidence.location()}, {holdout[0].detail}.")
    return _question(
        "tuning", "What did you tune, on which data, and what did tuning gain?",
        " ".join(said),
        "The hyperparameters and the ranges you searched and why; that the search ran with cross-validation "
        "on the training data only (the test set untouched until the end, or nested cross-validation); that the "
        "metric you optimised is the one you report; and the gain over the default settings, with its spread.",
        [*tuned[:2], *(s.evidence for s in holdout[:1])])


def _noise(story: StoryFacts) -> TalkingPoint | None:
    results = story.results
    rows = _compared_rows(results)
    if results is None or results.primary is None or len(rows) < 2:
        return None
    if story.evaluation is None or story.evaluation.reports_uncertainty:
        return None
    gain = results_gain(results)
    metric = results.primary
    first, second = (gain.baseline, gain.best) if gain is not None else (rows[0], rows[1])
    if _same_number(first.value(metric) or "", second.value(metric) or ""):
        return None  # equal numbers: no difference to doubt
    compared = gain.said() if gain is not None else (
        f"{metric_label(metric, in_sentence=True)} {first.value(metric)} ({first.label}) and "
        f"{second.value(metric)} ({second.label})")
    evidence = [first.evidence, second.evidence]
    return _question(
        "noise", "Is the difference between your models bigger than the noise?",
        f"Your results compare {compared}, as single numbers: no ± spread, interval or repeated runs.",
        "The spread behind each number: mean ± standard deviation over cross-validation folds or three to five "
        "seeds, or a bootstrap confidence interval on the test set; a paired comparison on the same folds; and "
        "how many test cases (positives, for a rare class) the numbers rest on. A gain smaller than the spread "
        "is not a gain.",
        evidence)


# id -> builder, in priority order (the most costly question first)
_TRIGGERS: tuple[tuple[str, Callable[[StoryFacts], TalkingPoint | None]], ...] = (
    ("imbalanced-accuracy", _imbalanced_accuracy),
    ("leakage", _leakage),
    ("imbalanced-roc-auc", _imbalanced_roc_auc),
    ("team-part", _team_part),
    ("no-results", _no_results),
    ("no-baseline", _no_baseline),
    ("complex-model", _complex_model),
    ("look-ahead", _look_ahead),
    ("imputation", _imputation),
    ("monitoring", _monitoring),
    ("no-tests", _no_tests),
    ("threshold", _threshold),
    ("many-runs", _many_runs),
    ("tuning", _tuning),
    ("noise", _noise),
)
QUESTION_TRIGGERS: tuple[str, ...] = tuple(topic for topic, _ in _TRIGGERS)


def likely_questions(story: StoryFacts) -> list[TalkingPoint]:
    """The panel's likely questions for this repository: one per trigger present, in priority order,
    at most `MAX_QUESTIONS`."""
    questions: list[TalkingPoint] = []
    for _topic, build in _TRIGGERS:
        question = build(story)
        if question is not None:
            questions.append(question)
            if len(questions) == MAX_QUESTIONS:
                break
    return questions
