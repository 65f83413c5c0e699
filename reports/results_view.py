"""Results at a glance as the human-facing reports show them: a table of rows × metrics and the
comparison of the best row with the baseline on the primary metric.

The numbers are the repository's own: values are shown as written, and only the comparison reads
them, with the story's own `metric_number` (so `85%` and `0.85` are one number).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..analyzer.model import ResultRow, ResultsAtAGlance
from ..analyzer.story.results import format_value, metric_label, metric_number

SOURCE_LABELS = {"readme": "README", "notebook": "Notebook", "runs": "Run store"}
MISSING = "—"
MAX_ROWS = 40  # rows listed in a table; the baseline and the best row are always among them
MAX_CHART_BARS = 6  # bars in a chart without a baseline: the best row and the first others


@dataclass(frozen=True, kw_only=True)
class ResultLine:
    """One row of the results table: label, where it came from, its values in metric order."""

    label: str
    source: str            # "README", "Notebook", "Run store", or the source as written
    location: str          # the README line, notebook cell or run folder
    run_id: str | None
    values: tuple[str, ...]  # the value as written, or MISSING
    baseline: bool
    best: bool

    @property
    def run_short(self) -> str:
        """The run id as the tables show it: its first 12 characters ("" without a run)."""
        return (self.run_id or "")[:12]


@dataclass(frozen=True, kw_only=True)
class Bar:
    """One bar of the comparison: the row's label, its value as written and as a number."""

    role: str      # "baseline" | "best" | "other"
    label: str
    value: str
    number: float


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """Best against baseline on the primary metric; `baseline` is None when there is nothing to compare
    the best row with, and then `others` holds the other rows with a number, for context."""

    metric: str
    higher_is_better: bool
    best: Bar
    baseline: Bar | None
    difference: str | None   # signed, in the values' own precision and unit, e.g. "+0.22"
    verdict: str             # one sentence saying what the numbers mean
    note: str                # a few words under the chart: the difference, or why there is none
    others: tuple[Bar, ...] = ()  # in table order; the best row's place among them is `best_position`
    best_position: int = 0

    @property
    def bars(self) -> tuple[Bar, ...]:
        """Baseline then best; or, without a baseline, every row with a number in table order."""
        if self.baseline is not None:
            return (self.baseline, self.best)
        return (*self.others[:self.best_position], self.best, *self.others[self.best_position:])


@dataclass(frozen=True, kw_only=True)
class ResultsView:
    """The results table and the comparison, ready to lay out."""

    metrics: tuple[str, ...]          # display labels, in the table's column order
    primary_column: int | None        # which of `metrics` is the primary one
    higher_is_better: bool
    lines: tuple[ResultLine, ...]
    hidden_rows: int                  # rows left out of `lines` (over MAX_ROWS)
    runs_tried: int
    comparison: Comparison | None


def results_view(results: ResultsAtAGlance | None) -> ResultsView | None:
    """The view of a report's results, or None when the report has no result rows."""
    if results is None or not results.rows:
        return None
    rows = results.rows
    baseline = _index(results.baseline, rows)
    best = _index(results.best, rows)
    shown = [i for i in range(len(rows)) if i < MAX_ROWS or i in (baseline, best)]
    metrics = results.metrics or tuple(dict.fromkeys(m for row in rows for m, _ in row.values))
    lines = tuple(_line(rows[i], metrics, baseline=(i == baseline or rows[i].baseline), best=(i == best))
                  for i in shown)
    primary_column = metrics.index(results.primary) if results.primary in metrics else None
    return ResultsView(
        metrics=tuple(metric_label(m) for m in metrics), primary_column=primary_column,
        higher_is_better=results.higher_is_better, lines=lines, hidden_rows=len(rows) - len(shown),
        runs_tried=max(results.runs_tried, 0), comparison=comparison(results),
    )


def comparison(results: ResultsAtAGlance) -> Comparison | None:
    """The best row against the baseline on the primary metric, when the best row has a number there."""
    rows, primary = results.rows, results.primary
    best_index = _index(results.best, rows)
    if primary is None or best_index is None:
        return None
    best = _bar("best", rows[best_index], primary)
    if best is None:
        return None
    metric = metric_label(primary)
    direction = "higher" if results.higher_is_better else "lower"
    baseline_index = _index(results.baseline, rows)
    baseline_row = rows[baseline_index] if baseline_index is not None else None
    baseline = _bar("baseline", baseline_row, primary) if baseline_row is not None and baseline_index != best_index else None
    if baseline is None:
        verdict, note = _lone_verdict(metric, best, baseline_row, same=baseline_index == best_index)
        numbered = [(i, bar) for i, row in enumerate(rows) if i != best_index
                    for bar in [_bar("other", row, primary)] if bar is not None][:MAX_CHART_BARS - 1]
        return Comparison(metric=metric, higher_is_better=results.higher_is_better, best=best, baseline=None,
                          difference=None, verdict=verdict, note=f"{note} ({direction} is better)",
                          others=tuple(bar for _i, bar in numbered),
                          best_position=sum(i < best_index for i, _bar in numbered))
    difference = _difference(best, baseline)
    return Comparison(metric=metric, higher_is_better=results.higher_is_better, best=best, baseline=baseline,
                      difference=difference, note=f"Difference: {difference} ({direction} is better)",
                      verdict=_verdict(metric, results.higher_is_better, best, baseline, difference))


def _bar(role: str, row: ResultRow, metric: str) -> Bar | None:
    value = (row.value(metric) or "").strip()
    number = metric_number(value)
    return None if number is None else Bar(role=role, label=row.label, value=value, number=number)


def _lone_verdict(metric: str, best: Bar, baseline_row: ResultRow | None, *, same: bool) -> tuple[str, str]:
    """The sentence and the chart note when the best row has nothing to be compared with."""
    if same:
        return f"The baseline, {best.label}, is also the best row on {metric}: {best.value}.", "The baseline is the best row"
    if baseline_row is None:
        return (f"Best {metric}: {best.value} ({best.label}); the project names no baseline to compare it with.",
                "No baseline to compare with")
    return (f"Best {metric}: {best.value} ({best.label}); the baseline, {baseline_row.label}, has no {metric} "
            "value to compare it with.", "The baseline has no value here")


def _index(index: int | None, rows: tuple[ResultRow, ...]) -> int | None:
    return index if index is not None and 0 <= index < len(rows) else None


def _line(row: ResultRow, metrics: tuple[str, ...], *, baseline: bool, best: bool) -> ResultLine:
    location = row.evidence.location() if row.evidence.path else ""
    return ResultLine(label=row.label, source=SOURCE_LABELS.get(row.source, row.source), location=location,
                      run_id=row.run_id, values=tuple((row.value(m) or "").strip() or MISSING for m in metrics),
                      baseline=baseline, best=best)


def _difference(best: Bar, baseline: Bar) -> str:
    """Best minus baseline, signed: in percentage points when both are written as percentages."""
    delta = best.number - baseline.number
    points = "%" in best.value and "%" in baseline.value
    magnitude = format_value(abs(delta) * (100 if points else 1))
    if float(magnitude) == 0:
        return "±0"
    sign = "+" if delta > 0 else "−"
    return f"{sign}{magnitude} points" if points else f"{sign}{magnitude}"


def _verdict(metric: str, higher_is_better: bool, best: Bar, baseline: Bar, difference: str) -> str:
    direction = "higher" if higher_is_better else "lower"
    delta = best.number - baseline.number
    amount = difference.lstrip("+−")
    if difference == "±0":
        outcome = f"is no better than the baseline, {baseline.label}"
    elif (delta > 0) == higher_is_better:
        outcome = f"beats the baseline, {baseline.label}, by {amount}"
    else:
        outcome = f"is behind the baseline, {baseline.label}, by {amount}"
    return (f"On {metric} ({direction} is better) the best row, {best.label}, {outcome}: "
            f"{best.value} against {baseline.value}.")
