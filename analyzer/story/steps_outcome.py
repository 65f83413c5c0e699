"""The walkthrough's outcome steps: the results (best against baseline), the trade-offs to weigh, the business
impact, and the limitations and next steps to volunteer."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..facts.modelling import SIMPLE_FAMILIES, ModelUse
from ..model import Evidence, ResultRow, ResultsAtAGlance
from ..wording import plural
from .drafting import (
    FAMILY_NAMES,
    LEAKAGE_SMELLS,
    MAX_NAMES,
    Draft,
    difference,
    distinct_models,
    in_readme,
    into,
    is_unnamed,
    models_of,
    not_shown,
    readme_spot,
    row_evidence,
    row_label,
    row_values,
    run_evidence,
    tabular_imputation,
    where,
)
from .facts import StoryFacts
from .readme_text import ReadmeText, quote, without_cell_prefix
from .results import metric_label, metric_number

# ==== 6. results ===================================================================================

def results_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """Best against baseline with the difference, runs tried; else the numbers the README or outputs give."""
    results = story.results
    if results is not None and results.rows:
        return _from_results(story, results, readme)
    return _from_mentions(story, readme)


def _from_results(story: StoryFacts, results: ResultsAtAGlance, readme: ReadmeText) -> Draft:
    draft = Draft()
    rows = results.rows
    best = rows[results.best] if results.best is not None else None
    base = rows[results.baseline] if results.baseline is not None else None
    primary = results.primary
    before = base.value(primary) if base is not None and primary else None
    after = best.value(primary) if best is not None and primary else None
    if best is not None and base is not None and before is not None and after is not None and best is not base:
        draft.say(f"{metric_label(primary, in_sentence=True)} {before} → {after} over the baseline{_difference(before, after)}: "
                  f"{row_label(best)} against {row_label(base)} ({where(best.evidence)}; "
                  f"{where(base.evidence)}).", *row_evidence(best, story), *row_evidence(base, story))
        others = [(m, v) for m, v in best.values if m != primary][:2]
        if others:
            draft.say(f"The same model: {', '.join(f'{metric_label(m, in_sentence=True)} {v}' for m, v in others)}.")
    elif best is not None and primary:
        if best is base:
            draft.say(f"The baseline is the best row: {row_label(best)} with {metric_label(primary, in_sentence=True)} "
                      f"{best.value(primary)} ({where(best.evidence)}) — say why nothing beat it.",
                      *row_evidence(best, story))
        else:
            draft.say(f"Best: {row_label(best)} with {row_values(best, results)} ({where(best.evidence)}); "
                      "there is no baseline row to compare it with (see Baseline).", *row_evidence(best, story))
    else:
        row = rows[0]
        label = "" if is_unnamed(row) else f"{row_label(row)} — "
        draft.say(f"Reported: {label}{row_values(row, results)} ({where(row.evidence)}).", *row_evidence(row, story))
    if len(rows) > 2:
        draft.say(f"Results are reported for {plural(len(rows), 'model or run', 'models or runs')}.")
    if results.runs_tried:
        stores = sorted(story.runs.stores) if story.runs is not None else []
        verb = "was" if results.runs_tried == 1 else "were"
        draft.say(f"{plural(results.runs_tried, 'tracked run')} {verb} tried"
                  + (f" ({', '.join(stores[:3])})." if stores else "."))
    perfect = _perfect(best, primary, results)
    if perfect:
        draft.say(f"A (near) perfect {metric_label(primary, in_sentence=True)} of {perfect} invites “is this leakage?”: know why it "
                  "is not, or fix it.")
    misfit = story.check("MT102")
    if misfit is not None and misfit.is_finding:
        draft.say(f"Be ready for “why this metric?”: {misfit.message}.", *misfit.evidence[:1])
    if not any(row.source == "readme" for row in rows):
        shown = best or rows[0]
        named = [r.label for r in (base, shown) if r is not None and not is_unnamed(r)]
        draft.lack("the numbers are not in the README",
                   f"Add a Results table to {in_readme(readme)}, baseline first: “| Model | "
                   f"{' | '.join(metric_label(m, in_sentence=True) for m, _ in shown.values[:3])} |”, one row per model"
                   + (f" ({', '.join(dict.fromkeys(named))})" if named else
                      f" (the values printed at {where(shown.evidence)})") + ".")
    return draft


def _difference(before: str | None, after: str | None) -> str:
    """' (+0.106)': after minus before (see `drafting.difference`); '' when the values do not compare."""
    found = difference(before, after) if before is not None and after is not None else None
    return f" ({found})" if found else ""


NEAR_PERFECT = 0.999  # a score on a 0–1 scale at or above this invites a leakage question


def _perfect(row: ResultRow | None, metric: str | None, results: ResultsAtAGlance) -> str | None:
    """The value as written when a higher-is-better score on a 0–1 scale (or in %) is (near) perfect."""
    value = row.value(metric) if row is not None and metric else None
    number = metric_number(value) if value is not None else None
    return value if number is not None and results.higher_is_better and NEAR_PERFECT <= number <= 1.0 else None


def _from_mentions(story: StoryFacts, readme: ReadmeText) -> Draft:
    """Without results at a glance: the README's numbers, else notebook outputs, else the run store."""
    mentions = story.readme.metrics if story.readme is not None else ()
    outputs = story.evaluation.output_metrics if story.evaluation is not None else ()
    runs = story.runs.runs if story.runs is not None else ()
    draft = Draft()
    if mentions:
        draft.say(f"The README reports {_first_values(mentions)} ({mentions[0].evidence.location()}).",
                  *(m.evidence for m in mentions[:3]))
    elif outputs:
        draft.say(f"Notebook outputs print {_first_values(outputs)} ({outputs[0].evidence.location()}).",
                  *(m.evidence for m in outputs[:3]))
    if runs:
        keys = sorted({key for run in runs for key, _ in run.metrics})
        draft.say(f"{plural(len(runs), 'tracked run')} log {', '.join(keys[:MAX_NAMES])}.",
                  *(run_evidence(r) for r in runs[:2]))
    if not draft.said:
        computed = sorted({m.name for m in story.task.code_metrics}) if story.task is not None else []
        metrics = " | ".join(metric_label(m, in_sentence=True) for m in computed[:3]) or "<metric>"
        hint = (f" The code computes {', '.join(metric_label(m, in_sentence=True) for m in computed[:3])} but no value is saved."
                if computed else "")
        return not_shown("No metric value is reported in the README, notebook outputs or a run store." + hint,
                         f"Add a “Results” section to {in_readme(readme)} with a table, baseline first: "
                         f"“| Model | {metrics} |”, one row per model, values from your final run.",
                         readme_spot(readme),
                         *(m.evidence for m in (story.task.code_metrics[:2] if story.task else ())))
    if not mentions:
        draft.lack("the numbers are not in the README",
                   f"Copy the final numbers into a Results table in {in_readme(readme)}, baseline first: "
                   "“| Model | <metric> |”.")
    return draft


def _first_values(mentions) -> str:
    seen: dict[str, str] = {}
    for m in mentions:
        seen.setdefault(m.name, m.value)
    return ", ".join(f"{metric_label(n, in_sentence=True)} {v}" for n, v in list(seen.items())[:3])


# ==== 7. trade-offs ================================================================================

_LATENCY = re.compile(r"\b(?:latency|inference (?:time|speed)|prediction time|ms per|milliseconds?|throughput|"
                      r"real[- ]time|model size|memory footprint|lightweight|quantiz\w*|(?:faster|slower) to "
                      r"(?:train|predict|serve|run)|training time|gpu hours?)\b", re.IGNORECASE)
_ML_CONTEXT = re.compile(r"\b(?:models?|predict\w*|inference|accura\w*|serving|endpoint|train\w*|"
                         r"per (?:image|sample|row|request|prediction|batch))\b", re.IGNORECASE)
_INTERPRETABLE = re.compile(r"\b(?:interpretab\w*|explainab\w*|explains? (?:itself|why|the prediction)\w*|shap|"
                            r"lime|feature importances?|coefficients?|transparen\w*|black[- ]box)\b", re.IGNORECASE)
EXPLAINED_BY = {
    "linear": "its coefficients", "naive_bayes": "its class-conditional probabilities", "tree": "its splits",
    "knn": "the neighbours behind each prediction", "forest": "SHAP values or feature importances",
    "gradient_boosting": "SHAP values or feature importances", "svm": "SHAP values",
    "neural_net": "SHAP values or saliency maps", "baseline": "its rule",
}


def trade_offs_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """What the README says on speed and interpretability, and the simple-versus-complex pair to weigh."""
    latency = next((s for s in readme.sentences if _LATENCY.search(s.text) and _ML_CONTEXT.search(s.text)), None)
    explained = readme.find(_INTERPRETABLE)
    compared = _compared(story)
    serving = story.modelling.serving if story.modelling is not None else ()
    simple, complex_ = _pair(story)
    if latency is None and explained is None:
        text = "Nothing in the README weighs accuracy against latency or complexity against interpretability."
        if compared:
            text += f" {compared[0]}"
        if serving:
            text += f" The model is served ({serving[0].location()}), so latency will come up."
        return not_shown(text, _trade_off_fix(simple, complex_, readme), readme_spot(readme),
                         *(compared[1] if compared else ()), *serving[:1])
    draft = Draft()
    for found, label in ((latency, "Speed"), (explained, "Interpretability")):
        if found is not None:
            found = readme.expand(found)
            draft.say(f"{label}: {quote(found)} ({readme.path}:{found.line}).", readme.evidence(found))
    if compared:
        draft.say(compared[0], *compared[1])
    final = complex_ or simple
    name = final.name if final is not None else "<final model>"
    if latency is None:
        against = f", against <M> ms for {simple.name}" if simple is not None and complex_ is not None else ""
        draft.lack("nothing states latency or cost per prediction",
                   f"Add to {into(readme, 'results', 'Results')}: “{name} takes <N> ms per prediction on "
                   f"<hardware>{against}.”")
    if explained is None:
        tool = EXPLAINED_BY.get(final.family, "SHAP values") if final is not None else "<SHAP values / coefficients>"
        draft.lack("nothing says whether the model can be explained",
                   f"Add to {into(readme, 'results', 'Results')}: “{name}'s predictions are explained with {tool}.”")
    return draft


def _pair(story: StoryFacts) -> tuple[ModelUse | None, ModelUse | None]:
    """The simplest model and the most complex one the code builds (either may be None)."""
    models = distinct_models(models_of(story))
    simple = next((m for m in models if m.family in SIMPLE_FAMILIES), None)
    complex_ = next((m for m in reversed(models) if m.family not in SIMPLE_FAMILIES), None)
    return simple, complex_


def _compared(story: StoryFacts) -> tuple[str, tuple[Evidence, ...]] | None:
    """'You compared LogisticRegression (linear model) with HistGradientBoostingClassifier (…) (PR-AUC …)'."""
    simple, complex_ = _pair(story)
    if simple is None or complex_ is None:
        return None
    gain = ""
    results = story.results
    if results is not None and results.primary and results.best is not None and results.baseline is not None:
        before = results.rows[results.baseline].value(results.primary)
        after = results.rows[results.best].value(results.primary)
        diff = _difference(before, after).strip(" ()")
        gain = f" ({metric_label(results.primary, in_sentence=True)} {before} → {after}{', ' + diff if diff else ''})"
    return (f"You compared {simple.name} ({FAMILY_NAMES.get(simple.family)}) with {complex_.name} "
            f"({FAMILY_NAMES.get(complex_.family)}){gain}: say what the complex model costs in speed and "
            "explainability.", (simple.evidence, complex_.evidence))


def _trade_off_fix(simple: ModelUse | None, complex_: ModelUse | None, readme: ReadmeText) -> str:
    """A trade-off line to paste, naming the models the code builds."""
    lead = f"Add a “Trade-offs” line to {in_readme(readme)}: "
    if simple is not None and complex_ is not None:
        return (lead + f"“{complex_.name} gains <Δ metric> over {simple.name} but takes <N> ms per prediction "
                f"against <M> ms; {simple.name} explains itself through {EXPLAINED_BY.get(simple.family)}, "
                f"{complex_.name} needs {EXPLAINED_BY.get(complex_.family)}.”")
    if simple is not None:
        return (lead + f"“{simple.name} takes <N> ms per prediction and explains itself through "
                f"{EXPLAINED_BY.get(simple.family)}; a more complex model would have to gain more than <Δ metric> "
                "to be worth its cost.”")
    if complex_ is not None:
        return (lead + f"“{complex_.name} takes <N> ms per prediction on <hardware> and is explained with "
                f"{EXPLAINED_BY.get(complex_.family)}; a linear model loses <Δ metric> but explains itself.”")
    return (lead + "“<final model> gains <Δ metric> over <simple model> but takes <N> ms per prediction against "
            "<M> ms, and is harder to explain (<how you explain it>).”")


# ==== 8. business impact ===========================================================================

def impact_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The README's sentence tying the results to an outcome."""
    impact = story.evaluation.impact if story.evaluation is not None else ()
    if not impact:
        return not_shown("Nothing turns the results into money, time, users or risk: the panel's “so what?” "
                         "has no answer in the repository.", _impact_fix(story, readme), readme_spot(readme))
    draft = Draft()
    quoted = []
    for e in impact[:2]:
        sentence = readme.said_at(e)
        place = readme.evidence(sentence) if sentence is not None else e
        quoted.append(f"{quote(sentence or without_cell_prefix(e.excerpt))} ({place.location()})")
        draft.cite(place, e)
    draft.say(f"Close with the impact: {quoted[0]}." + (f" Also: {quoted[1]}." if len(quoted) > 1 else ""))
    return draft


def _impact_fix(story: StoryFacts, readme: ReadmeText) -> str:
    results = story.results
    known = ""
    if results is not None and results.primary and results.best is not None:
        value = results.rows[results.best].value(results.primary)
        if value is not None:
            known = f"{metric_label(results.primary, in_sentence=True)} {value}"
    lead = f"At {known}" if known else "At <metric> <value>"
    return (f"Add one line to {into(readme, 'results', 'Results')}: “{lead}, <who> can <act> — about <N> "
            "<cases> a "
            "<month> at current volume, worth <money / hours / risk avoided>.” State the assumptions.")


# ==== 9. limitations and next steps ================================================================

def limitations_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The README's limitations to volunteer; else the ones the repository shows, as bullets to paste."""
    part = story.readme.story_part("limitations") if story.readme is not None else None
    stated = readme.about(part.evidence) if part is not None and part.present else []
    if not stated:
        bullets = list(_known_limits(story))
        text = "The README names no limitation or next step, so the panel will find them for you."
        if bullets:
            text += " The repository shows some: " + "; ".join(b[0] for b in bullets[:3]) + "."
        fix = (f"Add a “Limitations and next steps” section to {in_readme(readme)} with two or three bullets"
               + (": " + " ".join(f"“- {b[0][0].upper()}{b[0][1:]}; next: {b[1]}.”" for b in bullets[:3])
                  if bullets else ": “- <what the data or evaluation does not cover>; next: <what you would try>.”"))
        return not_shown(text, fix, readme_spot(readme), *(b[2] for b in bullets[:3]))
    draft = Draft()
    items = readme.paragraphs(stated)[:2]
    draft.say("Volunteer them: " + " ".join(f"{quote(s)} ({readme.path}:{s.line})." for s in items),
              *(readme.evidence(s) for s in items))
    return draft


def _known_limits(story: StoryFacts) -> Iterator[tuple[str, str, Evidence | None]]:
    """(limitation, next step, evidence) the facts show, most important first."""
    smells = story.ml_smells.smells if story.ml_smells is not None else ()
    leak = next((s for s in smells if s.kind in LEAKAGE_SMELLS), None)
    if leak is not None:
        what = f"{leak.subject} is fitted before the split" if leak.kind == "fit_before_split" else leak.detail
        yield f"{what} ({leak.evidence.location()})", "fit on the training part only", leak.evidence
    evaluation = story.evaluation
    kinds = evaluation.validation_kinds if evaluation is not None else []
    holdout = next((s.evidence for s in evaluation.validation if s.kind == "holdout"), None) if evaluation else None
    if holdout is not None and "cross_validation" not in kinds:
        yield ("evaluated on one held-out split", "k-fold cross-validation to see how much the score varies",
               holdout)
    if evaluation is not None and not evaluation.uncertainty and (evaluation.output_metrics or story.readme and
                                                                   story.readme.metrics):
        yield "single numbers without a spread", "mean ± std over 5 folds or seeds", None
    imputation = next((i for i in tabular_imputation(story) if not i.indicator), None)
    if imputation is not None:
        yield (f"{imputation.strategy} imputation without missing-value indicators "
               f"({imputation.evidence.location()})", "add indicators and compare", imputation.evidence)

