"""Results at a glance as the reports show them: the table's rows and columns, and best against baseline."""
from __future__ import annotations

import dataclasses

import pytest
from report_factory import sample_results

from portcheck.analyzer.model import Evidence, ResultRow, ResultsAtAGlance
from portcheck.reports.results_view import MAX_ROWS, MISSING, comparison, results_view


def rows(*values: tuple[str, str | None], metric: str = "rmse") -> tuple[ResultRow, ...]:
    return tuple(ResultRow(label=label, source="readme", values=((metric, value),) if value is not None else (),
                           evidence=Evidence(path="README.md", line=i + 10))
                 for i, (label, value) in enumerate(values))


def results(*values: tuple[str, str | None], baseline: int | None = 0, best: int | None = 1,
            higher_is_better: bool = False, metric: str = "rmse") -> ResultsAtAGlance:
    return ResultsAtAGlance(metrics=(metric,), rows=rows(*values, metric=metric), primary=metric,
                            higher_is_better=higher_is_better, baseline=baseline, best=best)


def test_lower_is_better_counts_a_drop_as_a_gain() -> None:
    found = comparison(results(("Mean predictor", "12.40"), ("Gradient boosting", "9.85")))
    assert found is not None and found.difference == "−2.55"
    assert found.note == "Difference: −2.55 (lower is better)"
    assert found.verdict == ("On RMSE (lower is better) the best row, Gradient boosting, beats the baseline, "
                             "Mean predictor, by 2.55: 9.85 against 12.40.")
    assert [bar.role for bar in found.bars] == ["baseline", "best"]


def test_a_best_row_behind_the_baseline_is_called_behind() -> None:
    found = comparison(results(("Base", "0.80"), ("Tuned", "0.75"), higher_is_better=True, metric="f1"))
    assert found is not None and "is behind the baseline, Base, by 0.05" in found.verdict


def test_without_a_baseline_every_row_with_a_number_is_charted_in_table_order() -> None:
    found = comparison(results(("First", "0.91"), ("Best", "0.93"), ("No number", None), ("Last", "0.92"),
                               baseline=None, higher_is_better=True, metric="accuracy"))
    assert found is not None and found.baseline is None and found.difference is None
    assert [(bar.role, bar.label) for bar in found.bars] == [("other", "First"), ("best", "Best"), ("other", "Last")]
    assert found.verdict == "Best Accuracy: 0.93 (Best); the project names no baseline to compare it with."
    assert found.note == "No baseline to compare with (higher is better)"


def test_a_chart_without_a_baseline_keeps_the_best_row_and_the_first_others() -> None:
    many = results(*((f"run {i}", f"{i}.5") for i in range(10)), baseline=None, best=8)
    found = comparison(many)
    assert found is not None
    assert [bar.label for bar in found.bars] == ["run 0", "run 1", "run 2", "run 3", "run 4", "run 8"]


def test_a_baseline_that_is_also_the_best_row_is_said_so() -> None:
    found = comparison(results(("Logistic regression", "0.8"), ("Forest", "0.7"), best=0, higher_is_better=True,
                               metric="f1"))
    assert found is not None and found.baseline is None
    assert found.verdict == "The baseline, Logistic regression, is also the best row on F1: 0.8."


def test_a_baseline_without_a_number_on_the_primary_metric_gives_no_difference() -> None:
    found = comparison(results(("Base", None), ("Best", "3.2")))
    assert found is not None and found.baseline is None
    assert "the baseline, Base, has no RMSE value" in found.verdict


@pytest.mark.parametrize(("baseline", "best", "difference"), [
    ("80%", "0.85", "+0.05"), ("0.8", "85.5%", "+0.055"), ("80%", "85.5%", "+5.5 points"), ("0.5", "0.50", "±0"),
    ("0.861", "0.78", "−0.081"), ("1,234", "1,334.5", "+100.5"),
])
def test_differences_keep_the_values_precision_and_unit(baseline: str, best: str, difference: str) -> None:
    found = comparison(results(("Base", baseline), ("Best", best), higher_is_better=True, metric="accuracy"))
    assert found is not None and found.difference == difference


@pytest.mark.parametrize("change", [
    {"primary": None}, {"best": None}, {"best": 7}, {"rows": rows(("Base", "0.1"), ("Best", "high"))},
])
def test_no_comparison_without_a_primary_metric_or_a_best_number(change: dict) -> None:
    assert comparison(dataclasses.replace(results(("Base", "0.1"), ("Best", "0.2")), **change)) is None


def test_table_rows_follow_the_metrics_with_missing_values_marked() -> None:
    view = results_view(sample_results())
    assert view is not None
    assert view.metrics == ("ROC-AUC", "Accuracy") and view.primary_column == 0
    assert [line.values for line in view.lines][2] == ("0.86", MISSING)
    assert [(line.baseline, line.best) for line in view.lines] == [(True, False), (False, False), (False, False),
                                                                  (False, True), (False, False)]
    assert view.lines[3].source == "Run store" and view.lines[3].location.startswith("mlruns/0/")
    assert view.lines[4].location == "notebooks/eda.ipynb, cell 14"
    assert view.runs_tried == 14 and view.hidden_rows == 0


def test_a_long_table_keeps_the_baseline_and_best_rows() -> None:
    many = rows(*((f"run {i}", f"{i}.0") for i in range(MAX_ROWS + 10)))
    view = results_view(ResultsAtAGlance(metrics=("rmse",), rows=many, primary="rmse", higher_is_better=False,
                                         baseline=MAX_ROWS + 5, best=0))
    assert view is not None and len(view.lines) == MAX_ROWS + 1 and view.hidden_rows == 9
    assert view.lines[-1].label == f"run {MAX_ROWS + 5}" and view.lines[-1].baseline


def test_no_view_without_rows_and_metrics_taken_from_rows_when_not_listed() -> None:
    assert results_view(None) is None
    assert results_view(ResultsAtAGlance(metrics=(), rows=())) is None
    view = results_view(ResultsAtAGlance(metrics=(), rows=rows(("A", "1"), metric="mae")))
    assert view is not None and view.metrics == ("MAE",) and view.primary_column is None and view.comparison is None
