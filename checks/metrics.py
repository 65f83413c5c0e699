"""Metric reporting checks: numbers a panel can probe, on the right metric, against a baseline."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.evaluation import EvaluationFacts
from portcheck.analyzer.facts.readme import ReadmeFacts
from portcheck.analyzer.facts.runstore import RunStoreFacts
from portcheck.analyzer.facts.task import TaskFacts, canonical_metric
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap, without_training_code

METRICS = Area.METRICS

IMBALANCE_AWARE = {"precision", "recall", "f1", "pr_auc"}
CLASSIFICATION = IMBALANCE_AWARE | {"accuracy", "roc_auc", "auc", "log_loss", "top1", "top5"}
REGRESSION = {"mae", "mse", "rmse", "r2", "mape"}
FITTING = {
    "classification": CLASSIFICATION,
    "regression": REGRESSION,
    "forecasting": REGRESSION,
    "detection": {"map", "iou", "precision", "recall", "f1"},
    "segmentation": {"iou", "dice", "map", "accuracy"},
    "generation": {"bleu", "rouge", "meteor", "perplexity", "loss", "wer", "cer", "fid"},
    "ranking": {"ndcg", "map", "recall", "precision", "auc", "roc_auc"},
    "recommendation": {"ndcg", "map", "recall", "precision", "auc", "roc_auc"},
}


def run_metrics(runs: RunStoreFacts) -> dict[str, Evidence]:
    """Canonical metric names logged in committed run stores, with the first run that logged each."""
    found: dict[str, Evidence] = {}
    for run in runs.runs:
        for key, _value in run.metrics:
            name = canonical_metric(key.split("/")[-1])
            if name:
                found.setdefault(name, run.evidence)
    return found


def reported_metrics(readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> dict[str, Evidence]:
    """Metric names reported with a value (README, then notebook outputs, then run stores), with where."""
    found: dict[str, Evidence] = {}
    for m in readme.metrics:
        found.setdefault(m.name, m.evidence)
    for m in evaluation.output_metrics:
        found.setdefault(m.name, m.evidence)
    for name, evidence in run_metrics(runs).items():
        found.setdefault(name, evidence)
    return found


def first_values(mentions, limit: int = 4) -> str:
    """'roc_auc 0.86, pr_auc 0.43': the first value of each metric name, in order of mention."""
    seen: dict[str, str] = {}
    for m in mentions:
        seen.setdefault(m.name, m.value)
    return ", ".join(f"{name} {value}" for name, value in list(seen.items())[:limit])


def _no_results(readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> Outcome | None:
    if not reported_metrics(readme, evaluation, runs):
        return Outcome.skipped("no metric values are reported (see MT101)")
    return None


@check("MT101", area=METRICS, title="Results reported with numbers", weight=3, severity=Severity.HIGH)
def results_reported(readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: the project states metric values it obtained — in the README (a results table,
    "accuracy 0.93", "val loss 1.47") or, second best, printed in executed notebook outputs. Dataset
    sizes, parameter counts and hardware do not count. Metrics logged only in a committed run store
    (MLflow, DVC, wandb) count as a warning too.

    Why a panel cares: "what did it achieve?" is the question every walkthrough reaches. A number with
    its metric, next to a baseline, is what the panel remembers and probes. Numbers buried in a
    notebook's outputs are numbers most reviewers never see.

    How to fix: add a Results section to the README with a small table: model, metric(s), value, and
    a baseline row.

    Example: | model | ROC-AUC | PR-AUC |\\n| logistic regression (baseline) | 0.78 | 0.21 |\\n| XGBoost | 0.86 | 0.43 |
    """
    if readme.metrics:
        shown = first_values(readme.metrics)
        return Outcome.passed(
            f"the README reports {shown}", evidence=cap(m.evidence for m in readme.metrics),
            talking_point=f"Quote your measured results with their metric: {shown} (from {readme.path}).",
        )
    if evaluation.output_metrics:
        shown = first_values(evaluation.output_metrics)
        return Outcome.warned(
            f"results appear only in notebook outputs ({shown}), not in the README",
            evidence=cap(m.evidence for m in evaluation.output_metrics),
            fix="Copy the final numbers into a Results table in the README, next to a baseline row.",
            talking_point=f"Your notebooks print {shown}: say which is the final result and why.",
        )
    logged = run_metrics(runs)
    if logged:
        return Outcome.warned(
            f"results are only in the committed run store ({plural(len(runs.runs), 'run')}: "
            f"{', '.join(sorted(logged)[:4])}), not in the README",
            evidence=cap(logged.values(), 5),
            fix="Put the best run and the baseline run in a Results table in the README, with their metrics.",
            talking_point=f"You tracked {plural(len(runs.runs), 'run')}: say which is the best and what it beat.",
        )
    return Outcome.failed(
        "no metric values reported in the README, notebook outputs or committed runs",
        evidence=[Evidence(path=readme.path)] if readme.path else [],
        fix="Add a Results section: a table of model, metric and value, including a simple baseline row.",
        question="What results did you get, on which metric, and compared with what baseline?",
    )


@check("MT102", area=METRICS, title="The metric fits the problem", weight=3, severity=Severity.HIGH)
def metric_fits(task: TaskFacts, readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: the metrics reported suit the task portcheck infers from the code (estimators,
    losses, metric calls) and the README — and, for a classification problem with signs of class
    imbalance (imbalance words, class_weight, SMOTE / imbalanced-learn, a rare-event domain such as
    fraud or churn), that precision, recall, F1 or PR-AUC are reported, not accuracy alone.

    Why a panel cares: "why this metric?" is a core ML question. On a problem with 2% positives, a
    model that always predicts "no" scores 98% accuracy; panels expect you to say so and to report
    recall and PR-AUC. A regression scored with accuracy, or a detector without mAP, raises the same
    doubt.

    How to fix: report the metric that matches what the business cares about — for imbalanced
    classification, precision and recall at your operating threshold, F1 and PR-AUC, beside accuracy.

    Example: "accuracy 0.98" → | model | accuracy | recall | precision | PR-AUC | with a majority-class baseline row.
    """
    if task.task is None:
        return Outcome.skipped("the task (classification, regression, …) could not be inferred from the code or README")
    reported = reported_metrics(readme, evaluation, runs)
    if not reported:
        return Outcome.skipped("no metric values are reported (see MT101)")
    names = set(reported)
    task_evidence = list(task.evidence_for(task.task)[:2])
    shown = ", ".join(sorted(names))
    if task.task == "classification" and task.imbalanced:
        imbalance = [s.evidence for s in task.imbalance][:3]
        if names & IMBALANCE_AWARE:
            return Outcome.passed(
                f"imbalanced classification reported with {shown}",
                evidence=cap([*imbalance, *(reported[n] for n in sorted(names & IMBALANCE_AWARE))]),
                talking_point="Explain why you report " + ", ".join(sorted(names & IMBALANCE_AWARE))
                              + " rather than accuracy: the classes are imbalanced.",
            )
        why = "ROC-AUC can look strong while the minority class is mostly missed" if names & {"roc_auc", "auc"} \
            else "a model that always predicts the majority class already scores high accuracy"
        return Outcome.failed(
            f"the classes look imbalanced but only {shown} is reported; {why}",
            evidence=cap([*imbalance, *(reported[n] for n in sorted(names))]),
            fix="Report precision and recall at your threshold, F1 and PR-AUC (average_precision_score) "
                "next to accuracy, with a majority-class baseline.",
            talking_point="Say that the positive class is rare, so accuracy is misleading, and that you "
                          "judge the model on recall and PR-AUC.",
            question="Your classes are imbalanced: why accuracy, and not recall or PR-AUC?",
        )
    fitting = FITTING.get(task.task, set())
    if not fitting or names & fitting or names <= {"loss"}:
        return Outcome.passed(f"{task.task} task reported with {shown}", evidence=cap([*task_evidence,
                              *(reported[n] for n in sorted(names))]))
    return Outcome.warned(
        f"the code looks like {task.task}, but the metrics reported ({shown}) are not the usual ones for it",
        evidence=cap([*task_evidence, *(reported[n] for n in sorted(names))]),
        fix=f"Report a {task.task} metric such as " + ", ".join(sorted(fitting)[:4]) + ".",
        question=f"Why did you evaluate this {task.task} model with {shown}?",
    )


@check("MT103", area=METRICS, title="A baseline is reported", weight=2)
def baseline_reported(readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: the results are compared with a baseline — a dummy / majority-class model, a
    linear or simple tree model, or a "baseline" row beside the final model — in the README, the
    notebooks or the code.

    Why a panel cares: "start with a simple baseline, add complexity only when it pays" is the answer
    panels want to hear. Without a baseline, 0.86 ROC-AUC means nothing: is that good for this data?

    How to fix: train a majority-class (DummyClassifier) or logistic-regression baseline with the same
    split and metric, and put it as the first row of the results table.

    Example: | logistic regression (baseline) | 0.78 | 0.21 | above | XGBoost | 0.86 | 0.43 |.
    """
    if (skip := _no_results(readme, evaluation, runs)):
        return skip
    baseline_runs = runs.baseline_runs()
    if evaluation.has_baseline or baseline_runs:
        evidence = [*evaluation.baseline, *(r.evidence for r in baseline_runs)]
        return Outcome.passed("a baseline is reported beside the results", evidence=cap(evidence, 5),
                              talking_point="Open the results with the baseline, then show how much each "
                                            "step of added complexity gained over it.")
    return Outcome.failed(
        "results are reported without a baseline to compare them with",
        evidence=[Evidence(path=readme.path)] if readme.path else [],
        fix="Add a simple baseline (majority class, or logistic/linear regression) evaluated the same way, "
            "as the first row of the results table.",
        question="What did you compare against? How much better is your model than a simple baseline?",
    )


@check("MT104", area=METRICS, title="Validation protocol is stated", weight=2)
def validation_stated(task: TaskFacts, evaluation: EvaluationFacts) -> Outcome:
    """What it checks: the code or README shows how results were validated: a held-out test split,
    cross-validation, stratification, a time-based split for time series, or a validation set.

    Why a panel cares: "how do you know it generalises?" follows every number. Panels probe leakage,
    stratification and, for temporal data, whether you split by time.

    How to fix: make the split explicit in code (train_test_split with stratify=, StratifiedKFold,
    TimeSeriesSplit) and say in the README which data the reported numbers come from.

    Example: "5-fold stratified cross-validation on the training set; numbers reported on a 20% held-out test set."
    """
    if evaluation.has_validation:
        kinds = sorted({v.kind for v in evaluation.validation})
        return Outcome.passed(f"validation: {', '.join(kinds)}", evidence=cap(v.evidence for v in evaluation.validation),
                              talking_point="Describe your validation protocol (" + ", ".join(kinds)
                                            + ") and how you avoided leakage.")
    if (skip := without_training_code(task)):
        return skip
    return Outcome.failed(
        "no validation protocol found (no held-out split, cross-validation or validation set)",
        fix="Split the data explicitly (train_test_split with stratify=, or cross-validation; by time for "
            "time series) and say in the README which split the numbers come from.",
        question="How did you validate the model, and how do you know there is no leakage?",
    )


@check("MT105", area=METRICS, title="Variation is reported", weight=1, severity=Severity.LOW)
def variation_reported(readme: ReadmeFacts, evaluation: EvaluationFacts, runs: RunStoreFacts) -> Outcome:
    """What it checks: results come with a sense of their spread: ± standard deviation over folds or
    seeds, a confidence interval, or a mean over several runs.

    Why a panel cares: a gain of 0.01 means nothing if runs vary by 0.02. Reporting variation shows
    statistical maturity and pre-empts "is that difference real?".

    How to fix: report cross-validation mean ± std, or the mean and spread over three to five seeds.

    Example: "PR-AUC 0.43 ± 0.02 (5-fold CV)".
    """
    if (skip := _no_results(readme, evaluation, runs)):
        return skip
    if evaluation.reports_uncertainty:
        return Outcome.passed("results are reported with their variation", evidence=cap(evaluation.uncertainty, 5))
    return Outcome.warned(
        "results are single numbers with no spread (no ± std, interval or repeated runs)",
        fix="Report mean ± std over cross-validation folds or several seeds, e.g. 'PR-AUC 0.43 ± 0.02'.",
        question="How much do your numbers vary between runs or folds? Is the gain over the baseline real?",
    )


@check("MT106", area=METRICS, title="Business impact is stated", weight=1, severity=Severity.LOW)
def impact_stated(readme: ReadmeFacts, evaluation: EvaluationFacts) -> Outcome:
    """What it checks: the README connects a metric or the model to an outcome someone cares about —
    money, time, users, risk — rather than stopping at the metric.

    Why a panel cares: "what would this mean for the product?" ends most project walkthroughs. A
    candidate who translates recall into customers retained or hours saved stands out.

    How to fix: add one sentence that turns your main metric into an outcome, with its assumptions.

    Example: "Calling the top 10% of customers catches 61% of churners — about 1,200 customers a month
    at current volume."
    """
    if not readme.present:
        return Outcome.skipped("no README to state the impact in (see RD101)")
    if evaluation.states_impact:
        return Outcome.passed("the README connects the results to an outcome", evidence=cap(evaluation.impact, 3),
                              talking_point="Close with the impact: " + (evaluation.impact[0].excerpt or ""))
    return Outcome.warned(
        "the README does not say what the results mean for a user or the business",
        evidence=[Evidence(path=readme.path)],
        fix="Add one sentence turning the main metric into an outcome (money, time, users or risk), "
            "e.g. 'catches 61% of churners by calling 10% of customers'.",
        question="What would this model change for the business, in numbers?",
    )
