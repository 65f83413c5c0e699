"""The walkthrough's method steps: the baseline, the models tried and why, and how the model is validated."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..facts.modelling import SIMPLE_FAMILIES, ModelUse
from ..facts.runstore import TrackedRun
from ..model import Evidence
from ..wording import plural
from .drafting import (
    FAMILY_NAMES,
    LEAKAGE_SMELLS,
    MAX_NAMES,
    Draft,
    distinct_models,
    in_readme,
    into,
    models_of,
    not_shown,
    readme_spot,
    row_evidence,
    row_label,
    row_values,
    run_evidence,
    short_id,
    tabular_imputation,
    where,
)
from .facts import StoryFacts
from .readme_text import ReadmeText, Sentence, code, quote
from .steps_setting import data_split

# ==== 3. baseline ==================================================================================

def baseline_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The baseline row or run with its scores, and where the repository names it."""
    results = story.results
    row = results.rows[results.baseline] if results is not None and results.baseline is not None else None
    runs = story.runs.baseline_runs() if story.runs is not None else ()
    named = story.evaluation.baseline if story.evaluation is not None else ()
    dummies = [m for m in models_of(story) if m.family == "baseline"]
    if row is None and not runs and not named and not dummies:
        return not_shown(_no_baseline_text(story), _baseline_fix(story, readme), readme_spot(readme))
    draft = Draft()
    if row is not None:
        draft.say(f"Baseline: {row_label(row)} — {row_values(row, results)} ({where(row.evidence)}).",
                  *row_evidence(row, story))
    elif runs:
        run = runs[0]
        shown = _run_values(run, story)
        draft.say(f"Baseline run {run.name or short_id(run.run_id)} (`{short_id(run.run_id)}` in {run.store})"
                  + (f": {shown}." if shown else "."), run_evidence(run, shown))
    cited = {(e.path, e.line) for e in draft.evidence}
    first = next((e for e in named if (e.path, e.line) not in cited), None)
    if dummies:
        draft.say(f"In code: {dummies[0].name} ({dummies[0].evidence.location()}).", dummies[0].evidence)
    elif first is not None:
        draft.say(_baseline_mention(first, readme, described=bool(draft.said)), first)
    if row is None and not any(run.metrics for run in runs):
        draft.lack("no score is reported for the baseline",
                   f"Put the baseline's score as the first row of the results table in {in_readme(readme)}: "
                   "“| <baseline> (baseline) | <same metric as the final model> |”.")
    return draft


def _baseline_mention(evidence: Evidence, readme: ReadmeText, *, described: bool) -> str:
    """Where the repository names its baseline: the README sentence, else the line of code or notebook."""
    if evidence.path == readme.path:
        sentence = readme.said_at(evidence)
        said = quote(sentence) if sentence is not None else f"“{evidence.excerpt or ''}”"
        return f"{'It is described' if described else 'Named as the baseline'}: {said} ({evidence.location()})."
    return f"{'Also in code' if described else 'Named as the baseline in code'}: {code(evidence)} ({evidence.location()})."


def _no_baseline_text(story: StoryFacts) -> str:
    simple = _simple_model(story)
    text = "Nothing in the README, code or runs is named as a baseline, so no number has a reference point."
    if simple is not None:
        text += f" You already train {simple.name} ({simple.evidence.location()}), a natural baseline."
    return text


def _baseline_fix(story: StoryFacts, readme: ReadmeText) -> str:
    simple = _simple_model(story)
    where_to = f"the first row of a results table in {in_readme(readme)}"
    if simple is not None:
        return (f"Call {simple.name} the baseline: score it on the same split and metric as the final model, "
                f"as {where_to}: “| {simple.name} (baseline) | <metric> |”.")
    task = story.task.task if story.task is not None else None
    linear = any(m.family == "linear" for m in models_of(story))
    model = {"classification": "`DummyClassifier(strategy=\"most_frequent\")`"
                               + ("" if linear else " and a `LogisticRegression`"),
             "regression": "`DummyRegressor(strategy=\"mean\")`" + ("" if linear else " and a `LinearRegression`"),
             "forecasting": "a naive last-value (or seasonal-naive) forecast"}.get(
        task, "the simplest model that could work (a majority class, a linear model or the published number)")
    return (f"Score {model} on the same split and metric as your model, and add it as {where_to}: "
            "“| Baseline (<which>) | <metric> |”.")


def _simple_model(story: StoryFacts) -> ModelUse | None:
    """A linear / simple model the code trains beside a more complex one: the baseline it already has."""
    models = models_of(story)
    if all(m.family in SIMPLE_FAMILIES for m in models):
        return None
    return next((m for family in SIMPLE_FAMILIES for m in models if m.family == family), None)


def _run_values(run: TrackedRun, story: StoryFacts, limit: int = 3) -> str:
    """A run's final metric values, the metrics the README reports first: 'roc_auc 0.8535, pr_auc 0.4871'."""
    named = [m.name for m in story.readme.metrics] if story.readme is not None else []
    order = {name: i for i, name in reversed(list(enumerate(named)))}
    ranked = sorted(run.metrics, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    return ", ".join(f"{key} {value:.4g}" for key, value in ranked[:limit])


# ==== 4. models tried ==============================================================================

MODEL_PARAMS = ("model", "model_name", "model_type", "estimator", "classifier", "regressor", "algorithm",
                "algo", "arch", "architecture", "backbone")  # run parameters that name the model
_MODEL_WORDS = re.compile(
    r"\b(?:random[- ]forests?|xgboost|lightgbm|catboost|gradient[- ]boost\w*|logistic[- ]regression|"
    r"linear[- ]regression|ridge|lasso|svms?|support vector|decision[- ]trees?|naive[- ]bayes|k-?nn|"
    r"nearest neighbou?rs?|neural (?:network|net)s?|mlp|cnns?|rnns?|lstms?|grus?|transformers?|bert\w*|resnet\w*|"
    r"efficientnet\w*|vgg\w*|u-?net|yolo\w*|gpt\w*|llama\w*|t5|baseline|models? tried|ensembles?)", re.IGNORECASE)
_REASON = re.compile(
    r"\b(?:because|since|as it|so that|in order to|to (?:capture|handle|show|see|test|check|reduce|avoid|learn|"
    r"model|compare|deal)|handles?|captures?|better (?:at|suited|for)|outperform\w*|non-?linear\w*|"
    r"interpretab\w*|explain\w*|robust\w*|simpler?|faster|overfit\w*|underfit\w*|suited)\b", re.IGNORECASE)


def models_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The models in code, the tracked runs (by model, the best one's parameters), tuning, and why."""
    models = models_of(story)
    runs = story.runs.runs if story.runs is not None else ()
    part = story.readme.story_part("approach") if story.readme is not None else None
    why = _model_reason(story, readme)
    if not models and not runs and why is None and (part is None or not part.present):
        return not_shown("No model was recognised in the code, notebooks or run stores, and the README has no "
                         "approach section.",
                         f"Add an “Approach” section to {in_readme(readme)}: each model you tried, in order, "
                         "with one reason each (“<model>: <why you tried it>; it gained <Δ metric>”).",
                         readme_spot(readme))
    draft = Draft()
    if models:
        draft.say(_model_list(models), *(m.evidence for m in distinct_models(models)[:MAX_NAMES]))
    if runs:
        draft.say(_run_summary(runs), runs[0].evidence)
        best = _best_run(story)
        if best is not None:
            draft.say(_best_run_text(best, runs), run_evidence(best, "best run"))
    tuning = _tuning(story)
    if tuning is not None:
        draft.say(f"Hyperparameters were searched in code ({tuning.location()}).", tuning)
    if why is not None:
        draft.say(f"Why: {quote(why)} ({readme.path}:{why.line}).", readme.evidence(why))
    elif part is not None and part.present:
        named = readme.find(_MODEL_WORDS, readme.about(part.evidence))
        if named is not None:
            draft.say(f"The README's approach: {quote(named)} ({readme.path}:{named.line}).", readme.evidence(named))
    if not draft.said:
        draft.say(f"The README has an approach part ({where(part.evidence)}), but no model is named in it or "
                  "found in the code.", part.evidence)
    if why is None:
        draft.lack("nothing says why each model was tried",
                   f"Add one line per model to {in_readme(readme)}: “<model>: tried because <reason>; "
                   "<metric> <before> → <after>.”")
    return draft


def _model_list(models: Iterable[ModelUse]) -> str:
    """'Models in the code: LogisticRegression (linear model, train.py:60); …' — a family with many classes
    (a network's modules) is summarised by its count and its first two."""
    by_family: dict[str, list[ModelUse]] = {}
    for m in distinct_models(models):
        by_family.setdefault(m.family, []).append(m)
    parts = []
    for family, found in by_family.items():
        name = FAMILY_NAMES.get(family, family)
        if len(found) > 3:
            parts.append(f"{len(found)} {name} classes, e.g. " + " and ".join(
                f"{m.name} ({m.evidence.location()})" for m in found[:2]))
        else:
            parts.extend(f"{m.name} ({name}, {m.evidence.location()})" for m in found)
    shown = parts[:MAX_NAMES]
    more = f"; and {len(parts) - MAX_NAMES} more" if len(parts) > MAX_NAMES else ""
    return f"Models in the code: {'; '.join(shown)}{more}."


_GENERATED_NAME = re.compile(r"^[a-z]+-[a-z]+-\d+$")  # mlflow's own run names: "righteous-zebra-248"


def _run_summary(runs: tuple[TrackedRun, ...]) -> str:
    stores = sorted({r.store for r in runs})
    text = f"{plural(len(runs), 'tracked run')} in {', '.join(stores[:3])}"
    key = next((k for k in MODEL_PARAMS if sum(1 for r in runs if k in dict(r.params)) * 2 >= len(runs)), None)
    if key is None:
        names = list(dict.fromkeys(r.name for r in runs if r.name and not _GENERATED_NAME.match(r.name)))
        if not names:
            return text + "."
        more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
        return f"{text}, named {', '.join(names[:MAX_NAMES])}{more}."
    counts: dict[str, int] = {}
    for run in runs:
        value = dict(run.params).get(key)
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    shown = ", ".join(f"{value} ({n})" for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_NAMES])
    return f"{text} by `{key}`: {shown}."


def _best_run(story: StoryFacts) -> TrackedRun | None:
    results, runs = story.results, story.runs
    if results is None or results.best is None or runs is None:
        return None
    run_id = results.rows[results.best].run_id
    return next((r for r in runs.runs if r.run_id == run_id), None) if run_id else None


def _best_run_text(best: TrackedRun, runs: tuple[TrackedRun, ...]) -> str:
    """'Best: hgb-depth2 (`3cf2a99e…`): learning_rate=0.05, max_depth=2' — the parameters that vary."""
    varying = {key for run in runs for key, _ in run.params
               if len({dict(r.params).get(key) for r in runs}) > 1} - set(MODEL_PARAMS)
    params = [f"{k}={v}" for k, v in best.params if k in varying][:MAX_NAMES]
    label = best.name or short_id(best.run_id)
    return f"Best: {label} (`{short_id(best.run_id)}`)" + (f": {', '.join(params)}." if params else ".")


def _tuning(story: StoryFacts) -> Evidence | None:
    if story.modelling is not None and story.modelling.tuning:
        return story.modelling.tuning[0]
    if story.ml_smells is not None and story.ml_smells.searches:
        return story.ml_smells.searches[0]
    return None


def _model_reason(story: StoryFacts, readme: ReadmeText) -> Sentence | None:
    """A README sentence that names a model (or one the code builds) and gives a reason for it."""
    names = {m.name.lower() for m in models_of(story)}
    part = story.readme.story_part("approach") if story.readme is not None else None
    section = readme.about(part.evidence) if part is not None and part.present else []
    for sentence in [*section, *(s for s in readme.sentences if s not in section)]:
        lowered = sentence.text.lower()
        if (_MODEL_WORDS.search(sentence.text) or any(n in lowered for n in names)) and _REASON.search(sentence.text):
            return sentence
    return None


# ==== 5. validation ================================================================================

VALIDATION_PHRASES = {
    "cross_validation": "cross-validation", "time_split": "a time-based split",
    "holdout": "a held-out test split", "validation_set": "a validation set",
}


def validation_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The protocol in code and README, leakage to fix, imputation and spread to defend."""
    evaluation = story.evaluation
    signals = evaluation.validation if evaluation is not None else ()
    if not signals:
        return not_shown("No held-out split, cross-validation or validation set was found in the code, configs "
                         "or README, so “how do you know it generalises?” has no answer yet.",
                         _validation_fix(story, readme), readme_spot(readme))
    draft = Draft()
    kinds = evaluation.validation_kinds
    first = {k: next(s.evidence for s in signals if s.kind == k) for k in kinds}
    protocol = [f"{VALIDATION_PHRASES[k]} ({first[k].location()})" for k in VALIDATION_PHRASES if k in first]
    if protocol:
        stratified = f", stratified ({first['stratified'].location()})" if "stratified" in first else ""
        draft.say(f"Protocol in code: {'; '.join(protocol)}{stratified}.",
                  *(first[k] for k in VALIDATION_PHRASES if k in first), first.get("stratified"))
    split = data_split(story, readme)
    said = [readme.at(s.evidence.line, s.evidence.excerpt) for s in signals
            if s.kind == "readme" and s.evidence.path == readme.path]
    said = [s for s in said if s is not None]
    stated = next((s for s in said if split is None or readme.evidence(s) != split[1]), said[0] if said else None)
    if stated is not None and (split is None or readme.evidence(stated) != split[1]):
        draft.say(f"The README states it: {quote(stated)} ({readme.path}:{stated.line}).", readme.evidence(stated))
    elif stated is not None:
        draft.cite(readme.evidence(stated))
    for text, evidence in _validation_notes(story):
        draft.say(text, evidence)
    if stated is None:
        kind = next((k for k in VALIDATION_PHRASES if k in first), "holdout")
        draft.lack("the README does not say which data the numbers come from",
                   f"Add to {into(readme, 'results', 'Results')}: “All numbers are {_STATED_PROTOCOL[kind]}"
                   + (", stratified by class" if "stratified" in first else "")
                   + "; the test data is never used for training or tuning.”")
    return draft


_STATED_PROTOCOL = {
    "cross_validation": "the mean over <k>-fold cross-validation", "time_split": "on the last <period>, after "
    "training on everything before it", "holdout": "on a held-out <20%> test split",
    "validation_set": "on a validation set of <N> examples",
}


def _validation_notes(story: StoryFacts) -> Iterator[tuple[str, Evidence]]:
    """Leakage to fix first, imputation to defend, the spread reported."""
    smells = story.ml_smells.smells if story.ml_smells is not None else ()
    leak = next((s for s in smells if s.kind in LEAKAGE_SMELLS), None)
    if leak is not None:
        yield (f"Fix before the interview, it is leakage ({leak.evidence.location()}): {leak.detail}; "
               f"corrected: `{leak.corrected}`.", leak.evidence)
    unstratified = next((s for s in smells if s.kind == "split_without_stratify"), None)
    if unstratified is not None:
        yield (f"The split at {unstratified.evidence.location()} is not stratified although the classes are "
               "imbalanced: expect a question on it.", unstratified.evidence)
    held_out = next((s for s in smells if s.kind == "tuning_without_cv"), None)
    if held_out is not None:
        yield (f"Hyperparameters are picked on one held-out split ({held_out.evidence.location()}): "
               "say why not cross-validation.", held_out.evidence)
    imputation = tabular_imputation(story)
    if imputation:
        first = imputation[0]
        indicator = "with" if first.indicator else "without"
        yield (f"Missing values: {first.strategy} imputation {indicator} missing-value indicators "
               f"({first.evidence.location()}).", first.evidence)
    spread = story.evaluation.uncertainty if story.evaluation is not None else ()
    if spread:
        yield f"Spread reported: “{spread[0].excerpt}” ({spread[0].location()}).", spread[0]


def _validation_fix(story: StoryFacts, readme: ReadmeText) -> str:
    task = story.task.task if story.task is not None else None
    if task == "forecasting":
        code = "`TimeSeriesSplit(n_splits=5)` (never a random split of time series)"
        share = "the last <N weeks> held out"
    elif task == "classification":
        code = "`train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)`"
        share = "a held-out, stratified 20% test split"
    else:
        code = "`train_test_split(X, y, test_size=0.2, random_state=42)` or `cross_val_score(model, X, y, cv=5)`"
        share = "a held-out 20% test split"
    return (f"Split before any fitting with {code}, and add to {in_readme(readme)}: “All numbers are on {share}, "
            "never used for training or tuning.”")


