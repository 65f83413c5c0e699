"""What the walkthrough steps share: their wording (model families, leakage smells), how runs, result rows and
models are named and cited, and the `Draft` a step is built in, with the README places a fix points to."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..facts.common import excerpt
from ..facts.modelling import MODEL_FAMILIES, Imputation, ModelUse
from ..facts.runstore import TrackedRun
from ..model import Evidence, ResultRow, ResultsAtAGlance
from .facts import StoryFacts
from .readme_text import ReadmeText
from .results import metric_label, metric_number

MAX_NAMES = 5               # models, parameters, … named in one sentence

# ==== wording shared by the steps ==================================================================

FAMILY_NAMES = {
    "baseline": "dummy baseline", "linear": "linear model", "naive_bayes": "naive Bayes",
    "knn": "k-nearest neighbours", "tree": "decision tree", "svm": "SVM", "forest": "random forest",
    "gradient_boosting": "gradient boosting", "neural_net": "neural network",
}
LEAKAGE_SMELLS = ("fit_before_split", "test_set_fit", "test_set_selection")
TABULAR_IMPUTATION = ("median", "mean", "most_frequent", "constant", "knn", "iterative")


def difference(before: str, after: str) -> str | None:
    """`after - before` to the precision the values are written with: "+0.106", or "+7.2 points" between
    percentages; None when either is not a number or only one is a percentage."""
    a, b = metric_number(before), metric_number(after)
    percent = "%" in before, "%" in after
    if a is None or b is None or percent[0] != percent[1]:
        return None
    decimals = max(_decimals(before), _decimals(after))
    if percent[0]:
        return f"{(b - a) * 100:+.{decimals}f} points"
    return f"{b - a:+.{decimals}f}"


def _decimals(text: str) -> int:
    match = re.search(r"\d[.,](\d+)", text)
    return len(match.group(1)) if match else 0


def short_id(run_id: str | None) -> str:
    """The first eight characters of a run id, for prose (the evidence keeps the whole id)."""
    if not run_id:
        return ""
    return run_id if len(run_id) <= 10 else run_id[:8] + "…"


def run_evidence(run: TrackedRun, detail: str = "") -> Evidence:
    """A run's folder (or store file), with its full id and `detail` in the excerpt."""
    name = f" ({run.name})" if run.name else ""
    return Evidence(path=run.evidence.path, line=run.evidence.line,
                    excerpt=excerpt(f"run {run.run_id}{name}" + (f": {detail}" if detail else "")))


def row_evidence(row: ResultRow, story: StoryFacts) -> tuple[Evidence, ...]:
    """A results row's evidence, and for a run its folder with the run id (when the row is a README row)."""
    run = next((r for r in story.runs.runs if r.run_id == row.run_id), None) if row.run_id and story.runs else None
    if run is None or run.evidence.path == row.evidence.path:
        return (row.evidence,)
    values = ", ".join(f"{metric_label(m, in_sentence=True)} {v}" for m, v in row.values[:3])
    return row.evidence, run_evidence(run, values)


def where(evidence: Evidence | None) -> str:
    """`README.md:12`, `nb.ipynb, cell 4`, a run folder, or '' for no evidence."""
    return evidence.location() if evidence is not None else ""


# ==== result rows and models =======================================================================

def row_label(row: ResultRow) -> str:
    """The row's name, with its run id when it is a run; 'the number printed' when it is only a place."""
    if is_unnamed(row):
        return "the number printed"
    run = f" (run `{short_id(row.run_id)}`)" if row.run_id and row.run_id[:8] not in row.label else ""
    return f"{row.label}{run}"


def is_unnamed(row: ResultRow) -> bool:
    """A row labelled only by where it was found (a notebook cell), not by a model name."""
    return row.label == row.evidence.location() or row.label.startswith(row.evidence.path)


def row_values(row: ResultRow, results: ResultsAtAGlance, limit: int = 3) -> str:
    """'PR-AUC 0.487, ROC-AUC 0.853': the primary metric first."""
    ordered = sorted(row.values, key=lambda mv: mv[0] != results.primary)
    return ", ".join(f"{metric_label(m, in_sentence=True)} {v}" for m, v in ordered[:limit])


def models_of(story: StoryFacts) -> tuple[ModelUse, ...]:
    """The models the code and notebooks build."""
    return story.modelling.models if story.modelling is not None else ()


def distinct_models(models: Iterable[ModelUse]) -> list[ModelUse]:
    """One model use per name, in family order (simplest first), then by place."""
    seen: dict[str, object] = {}
    order = {f: i for i, f in enumerate(MODEL_FAMILIES)}
    for m in sorted(models, key=lambda m: (order.get(m.family, len(order)), m.evidence.path, m.evidence.line or 0)):
        seen.setdefault(m.name, m)
    return list(seen.values())


def tabular_imputation(story: StoryFacts) -> list[Imputation]:
    """Imputation of tabular features (statistics or models; gap-filling of series left out)."""
    found = story.modelling.imputation if story.modelling is not None else ()
    return [i for i in found if i.strategy in TABULAR_IMPUTATION]


# ==== one step being built =========================================================================

@dataclass
class Draft:
    """A step while it is built: what to say, where from, what is missing and how to add it."""

    shown: bool = True
    said: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    def say(self, text: str, *evidence: Evidence | None) -> None:
        """A sentence to say, with the places it rests on."""
        self.said.append(text)
        self.cite(*evidence)

    def cite(self, *evidence: Evidence | None) -> None:
        """Places the step rests on (None and empty paths left out)."""
        self.evidence.extend(e for e in evidence if e is not None and e.path)

    def lack(self, what: str, fix: str) -> None:
        """A missing part of a shown step."""
        self.missing.append(what)
        self.fixes.append(fix)


def not_shown(text: str, fix: str, *evidence: Evidence | None) -> Draft:
    """A step the repository does not show: what is missing, the fix, where it goes."""
    draft = Draft(shown=False, fixes=[fix])
    draft.say(text, *evidence)
    return draft


def readme_spot(readme: ReadmeText) -> Evidence | None:
    """Where a README addition goes: the README itself (None when there is none)."""
    return Evidence(path=readme.path) if readme.path else None


def in_readme(readme: ReadmeText) -> str:
    """The README to add to: its path, or a new README.md."""
    return readme.path or "a new README.md"


_SECTION_NAMES: dict[str, tuple[re.Pattern[str], ...]] = {  # per part, the headings to paste under, best first
    "data": (re.compile(r"^\W*(?:\d+\.?\s*)?(?:the )?(?:data(?:sets?)?|data ?sources?|data description)\W*$", re.I),),
    "results": (re.compile(r"^\W*(?:\d+\.?\s*)?(?:results?|(?:evaluation|experimental|model) results|"
                           r"results and (?:discussion|analysis)|analysis and results)\W*$", re.I),
                re.compile(r"^\W*(?:\d+\.?\s*)?(?:evaluation|(?:model )?performance|metrics|scores?)\W*$", re.I)),
}


def into(readme: ReadmeText, part: str, heading: str) -> str:
    """Where to paste: 'the “Results” section of README.md (line 82)' when the README has a section of
    that name, else 'a new “Results” section in README.md'."""
    block = next((h for pattern in _SECTION_NAMES[part] for h in readme.headings if pattern.match(h.text)), None)
    if block is not None:
        return f"the “{block.text}” section of {readme.path} (line {block.line})"
    return f"a new “{heading}” section in {readme.path}" if readme.path else f"a “{heading}” section in a new README.md"
