"""Metric reporting checks: numbers a panel can probe."""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.readme import ReadmeFacts
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity

from ._util import cap

METRICS = Area.METRICS


@check("MT101", area=METRICS, title="Results reported with numbers", weight=3, severity=Severity.HIGH)
def results_reported(readme: ReadmeFacts) -> Outcome:
    """What it checks: the README states at least one metric value the project obtained (a results
    table, "accuracy 0.93", "val loss 1.47"). Dataset sizes, parameter counts and hardware do not count.

    Why a panel cares: "what did it achieve?" is the question every walkthrough reaches. A number
    with its metric, next to a baseline, is what the panel remembers and probes.

    How to fix: add a Results section with a small table: model, metric(s), value, and a baseline row.

    Example: | model | ROC-AUC | PR-AUC |\\n| logistic regression (baseline) | 0.78 | 0.21 |\\n| XGBoost | 0.86 | 0.43 |
    """
    if not readme.present:
        return Outcome.skipped("no README to report results in (see RD101)")
    if readme.metrics:
        shown = ", ".join(f"{m.name} {m.value}" for m in readme.metrics[:4])
        return Outcome.passed(
            f"the README reports {shown}", evidence=cap(m.evidence for m in readme.metrics),
            talking_point=f"Quote your measured results with their metric: {shown} (from {readme.path}).",
        )
    return Outcome.failed(
        "the README states no metric values",
        evidence=[Evidence(path=readme.path)],
        fix="Add a Results section: a table of model, metric and value, including a simple baseline row.",
        question="What results did you get, on which metric, and compared with what baseline?",
    )
