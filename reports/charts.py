"""Inline SVG charts for the HTML report: the area scores, and the best result against the baseline.

Each chart is an `<svg role="img">` with a `<title>` and a `<desc>` that say everything the chart
shows in words; every bar also carries its value as a text label, so nothing is told by colour
alone. Colours come from classes in report.css (no `style` attribute: the page's CSP forbids it).
Repository text (labels, values) is escaped by `Markup.format`.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from .presentation import AreaRow, one_line, readiness
from .results_view import Bar, Comparison

WIDTH = 400
_ROW = 46          # height of one labelled bar
_LABEL_Y = 17      # baseline of the label text within a row
_BAR_Y = 25        # top of the bar within a row
_BAR_HEIGHT = 14
_NOTE_HEIGHT = 26  # a line of text under the bars
_VALUE_CHARS = 18
_LABEL_CHARS = 30


def area_chart(rows: Sequence[AreaRow], *, chart_id: str = "area-chart") -> Markup:
    """A horizontal bar per area, 0–100, labelled with the area, its score and its readiness level."""
    parts = []
    sentences = []
    for i, row in enumerate(rows):
        top = i * _ROW
        if row.score is None:
            value, tone, width = "n/a · no check applied", "none", 0.0
            sentences.append(f"{row.title}: no check applied.")
        else:
            level = readiness(row.score)
            value, tone, width = f"{row.score} · {level.name}", level.tone, WIDTH * max(0, min(row.score, 100)) / 100
            sentences.append(f"{row.title}: {row.score} out of 100, {level.name}.")
        parts.append(_row(top, row.title, value, x=0.0, width=width, bar_class=f"bar-{tone}"))
    return _svg(chart_id, height=len(rows) * _ROW + 4, title="Score per area, out of 100",
                desc=" ".join(sentences), body=Markup("").join(parts))


def comparison_chart(comparison: Comparison, *, chart_id: str = "results-chart") -> Markup:
    """The baseline's and the best row's bars on the primary metric, with the difference written out
    (without a baseline: each row's bar, the best one marked)."""
    bars = comparison.bars
    low = min(0.0, *(bar.number for bar in bars))
    high = max(0.0, *(bar.number for bar in bars))
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return WIDTH * (value - low) / span

    parts = []
    for i, bar in enumerate(bars):
        start, end = sorted((x(0.0), x(bar.number)))
        parts.append(_row(i * _ROW, _bar_label(bar), one_line(bar.value, _VALUE_CHARS), x=start,
                          width=max(end - start, 2.0), bar_class=f"bar-{bar.role}"))
    note_y = len(bars) * _ROW + _LABEL_Y
    parts.append(Markup('<text class="chart-note" x="0" y="{}">{}</text>').format(note_y, comparison.note))
    title = (f"{comparison.metric}: best against baseline" if comparison.baseline is not None
             else f"{comparison.metric} per row, best marked")
    return _svg(chart_id, height=len(bars) * _ROW + _NOTE_HEIGHT, title=title, desc=comparison.verdict,
                body=Markup("").join(parts))


_ROLE_PREFIX = {"baseline": "Baseline: ", "best": "Best: "}


def _bar_label(bar: Bar) -> str:
    return _ROLE_PREFIX.get(bar.role, "") + one_line(bar.label, _LABEL_CHARS)


def _row(top: int, label: str, value: str, *, x: float, width: float, bar_class: str) -> Markup:
    return Markup(
        '<text class="chart-label" x="0" y="{ly}">{label}</text>'
        '<text class="chart-value" x="{w}" y="{ly}" text-anchor="end">{value}</text>'
        '<rect class="chart-track" x="0" y="{by}" width="{w}" height="{h}" rx="3"/>'
        '<rect class="chart-bar {cls}" x="{x:.1f}" y="{by}" width="{bw:.1f}" height="{h}" rx="3"/>'
    ).format(ly=top + _LABEL_Y, by=top + _BAR_Y, w=WIDTH, h=_BAR_HEIGHT, label=label, value=value,
             x=x, bw=width, cls=bar_class)


def _svg(chart_id: str, *, height: int, title: str, desc: str, body: Markup) -> Markup:
    return Markup(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>'
    ).format(id=chart_id, w=WIDTH, h=height, title=title, desc=desc, body=body)
