"""The inline SVG charts: area scores and best against baseline, accessible, escaped and in proportion."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from portcheck.analyzer.model import AREA_TITLES, Area
from portcheck.reports.charts import WIDTH, area_chart, comparison_chart
from portcheck.reports.presentation import AreaRow
from portcheck.reports.results_view import Bar, Comparison

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"


def parse(svg: str) -> ET.Element:
    """The chart as XML (it must be well-formed on its own), with the SVG namespace added for parsing."""
    return ET.fromstring(str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def bars(svg: ET.Element) -> list[tuple[str, float, float]]:
    return [(rect.get("class", ""), float(rect.get("x", 0)), float(rect.get("width", 0)))
            for rect in svg.iter(f"{SVG}rect") if "chart-bar" in rect.get("class", "")]


def texts(svg: ET.Element) -> list[str]:
    return [text.text or "" for text in svg.iter(f"{SVG}text")]


def make_comparison(baseline: float | None, best: float, *, higher_is_better: bool = True,
                    label: str = "XGBoost") -> Comparison:
    base = Bar(role="baseline", label="Logistic regression", value=str(baseline), number=baseline) if baseline is not None else None
    return Comparison(metric="ROC-AUC", higher_is_better=higher_is_better, best=Bar(role="best", label=label,
                      value=str(best), number=best), baseline=base, difference=None if base is None else "+x",
                      verdict="The verdict.", note="Difference: +x")


def rows(*scores: int | None) -> list[AreaRow]:
    return [AreaRow(area=area, title=AREA_TITLES[area], score=score) for area, score in zip(Area, scores)]


def test_area_chart_is_an_image_with_a_title_and_a_description_in_words() -> None:
    svg = parse(area_chart(rows(82, 41, None, 90)))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "area-chart-title area-chart-desc"
    assert svg.find(f"{SVG}title").text == "Score per area, out of 100"
    assert "Metric reporting: no check applied." in svg.find(f"{SVG}desc").text
    assert texts(svg) == ["README clarity", "82 · Almost there", "Reproducibility", "41 · Not ready yet",
                          "Metric reporting", "n/a · no check applied", "Code quality", "90 · Ready to show"]


def test_area_bars_are_in_proportion_and_coloured_by_level_class_not_style() -> None:
    chart = area_chart(rows(100, 50, None, 0))
    svg = parse(chart)
    assert bars(svg) == [("chart-bar bar-good", 0.0, WIDTH), ("chart-bar bar-poor", 0.0, WIDTH / 2),
                         ("chart-bar bar-none", 0.0, 0.0), ("chart-bar bar-bad", 0.0, 0.0)]
    assert "style" not in chart and "fill=" not in chart


def test_comparison_chart_draws_baseline_then_best_with_the_note() -> None:
    svg = parse(comparison_chart(make_comparison(0.5, 1.0)))
    assert [cls for cls, _x, _w in bars(svg)] == ["chart-bar bar-baseline", "chart-bar bar-best"]
    assert [w for _c, _x, w in bars(svg)] == [WIDTH / 2, WIDTH]
    assert texts(svg) == ["Baseline: Logistic regression", "0.5", "Best: XGBoost", "1.0", "Difference: +x"]
    assert svg.find(f"{SVG}desc").text == "The verdict."


def test_comparison_chart_lower_is_better_keeps_bars_proportional_to_the_values() -> None:
    svg = parse(comparison_chart(make_comparison(12.0, 9.0, higher_is_better=False)))
    (_, _, baseline_width), (_, _, best_width) = bars(svg)
    assert baseline_width == WIDTH and best_width == WIDTH * 9 / 12


def test_comparison_chart_without_a_baseline_draws_the_best_bar_alone() -> None:
    svg = parse(comparison_chart(make_comparison(None, 0.9)))
    assert [cls for cls, _x, _w in bars(svg)] == ["chart-bar bar-best"]
    assert int(svg.get("height")) < int(parse(comparison_chart(make_comparison(0.5, 0.9))).get("height"))


def test_comparison_chart_handles_negative_and_zero_values() -> None:
    svg = parse(comparison_chart(make_comparison(-0.2, 0.6)))
    (_, base_x, base_w), (_, best_x, best_w) = bars(svg)
    zero = WIDTH * 0.2 / 0.8
    assert base_x == round(0.0, 1) and abs(base_w - zero) < 0.1  # the negative bar ends at zero
    assert abs(best_x - zero) < 0.1 and abs(best_x + best_w - WIDTH) < 0.1
    zeros = parse(comparison_chart(make_comparison(0.0, 0.0)))
    assert all(w == 2.0 for _c, _x, w in bars(zeros))  # a zero value still shows a sliver


def test_chart_text_from_the_repository_is_escaped_and_cut() -> None:
    chart = comparison_chart(make_comparison(0.1, 0.2, label=SCRIPT + " " + "x" * 80))
    assert SCRIPT not in chart and "&lt;script&gt;" in chart
    label = texts(parse(chart))[2]
    assert label.startswith("Best: <script>") and label.endswith("…") and len(label) <= len("Best: ") + 30
    assert not re.search(r"<(?!/?(svg|title|desc|text|rect)\b)", chart)


def test_comparison_chart_without_a_baseline_shows_each_row_with_the_best_marked() -> None:
    others = (Bar(role="other", label="gpt2", value="3.12", number=3.12),
              Bar(role="other", label="gpt2-medium", value="2.84", number=2.84))
    found = Comparison(metric="Loss", higher_is_better=False, best=Bar(role="best", label="gpt2-xl", value="2.54", number=2.54),
                       baseline=None, difference=None, verdict="Best Loss: 2.54.", note="No baseline to compare with",
                       others=others, best_position=2)
    svg = parse(comparison_chart(found))
    assert [cls for cls, _x, _w in bars(svg)] == ["chart-bar bar-other", "chart-bar bar-other", "chart-bar bar-best"]
    assert texts(svg)[::2] == ["gpt2", "gpt2-medium", "Best: gpt2-xl", "No baseline to compare with"]
    assert svg.find(f"{SVG}title").text == "Loss per row, best marked"
