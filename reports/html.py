"""The standalone HTML readiness report: one page, inline CSS and script, nothing loaded from the network.

Jinja2 autoescaping is always on, so every string that came from the repository is escaped; the only
HTML marked safe is our own (the stylesheet, the script, the charts built with `Markup.format`, and
`richtext` output, which markdown-it renders with raw HTML off). The page's stylesheet and its one
script are inline blocks allowed by their SHA-256 hashes in a strict Content-Security-Policy; no
font, image, frame or request of any kind is permitted. The script only adds copy buttons: the page
reads, navigates and prints the same without it.
"""
from __future__ import annotations

import base64
import functools
import hashlib

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..analyzer.model import Report
from ..analyzer.wording import plural
from .charts import area_chart, comparison_chart
from .presentation import (
    STATUS_LABELS,
    area_rows,
    area_sections,
    counts,
    fact_rows,
    other_talking_points,
    points_text,
    question_title,
    readiness,
    repo_name,
    short_commit,
    talking_points_of,
    walkthrough_minutes,
    walkthrough_steps,
)
from .results_view import results_view
from .richtext import rich_inline, rich_text

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
SCRIPT = "copy.js"
TOP_FIXES = 3


@functools.cache
def template_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("portcheck.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(points_text=points_text, readiness=readiness, plural=plural,
                       status_label=STATUS_LABELS.__getitem__)
    env.filters.update(rich=rich_text, rich_inline=rich_inline)
    return env


def _packaged(name: str) -> str:
    env = template_environment()
    assert env.loader is not None
    source, _filename, _uptodate = env.loader.get_source(env, name)
    return source


@functools.cache
def stylesheet() -> str:
    """The report's stylesheet (shared by the comparison and cohort pages)."""
    return _packaged(STYLESHEET)


@functools.cache
def script() -> str:
    """The report's one script: copy buttons on snippets."""
    return _packaged(SCRIPT)


def _hash(source: str) -> str:
    """The CSP source expression (`'sha256-…'`) that allows exactly this inline block's content."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(css: str, js: str | None = None) -> str:
    """The page's policy: nothing but its own inline stylesheet, its own inline script when it has one,
    and data: images may load."""
    scripts = f"script-src {_hash(js)}; " if js is not None else ""
    return (f"default-src 'none'; {scripts}style-src {_hash(css)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render(report: Report) -> str:
    """The report as one self-contained HTML5 page."""
    css, js = stylesheet(), script()
    areas = area_rows(report)
    results = results_view(report.results)
    steps = walkthrough_steps(report)
    template = template_environment().get_template(TEMPLATE)
    return template.render(
        report=report,
        css=Markup(css),  # our own packaged stylesheet, not repository text
        js=Markup(js),  # our own packaged script, not repository text
        csp=Markup(content_security_policy(css, js)),  # built here from constants and base64 digests
        name=repo_name(report.repo_root),
        commit=report.commit,
        commit_short=short_commit(report.commit),
        level=readiness(report.scores.overall),
        areas=areas,
        area_chart=area_chart(areas),
        counts=counts(report),
        top_fixes=report.top_fixes(TOP_FIXES),
        sections=area_sections(report),
        results=results,
        results_chart=comparison_chart(results.comparison) if results and results.comparison else None,
        steps=steps,
        minutes=walkthrough_minutes(steps),
        questions=talking_points_of(report, "question"),
        question_title=question_title,
        gaps=talking_points_of(report, "gap"),
        others=other_talking_points(report),
        suggestions=report.readme_suggestions,
        facts=fact_rows(report.facts),
    )
