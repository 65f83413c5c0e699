"""The standalone HTML readiness report: one page, inline CSS, nothing loaded from the network.

Jinja2 autoescaping is always on, so every string that came from the repository is escaped. The
page's only stylesheet is an inline `<style>` block allowed by its SHA-256 hash in a strict
Content-Security-Policy; no script, font, image or request of any kind is permitted.
"""
from __future__ import annotations

import base64
import functools
import hashlib

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..analyzer.model import Report
from .presentation import (
    STATUS_LABELS,
    area_rows,
    area_sections,
    counts,
    fact_rows,
    plural,
    points_text,
    readiness,
    repo_name,
    short_commit,
    talking_point_groups,
)

TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
TOP_FIXES = 5


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
    return env


@functools.cache
def stylesheet() -> str:
    env = template_environment()
    assert env.loader is not None
    source, _filename, _uptodate = env.loader.get_source(env, STYLESHEET)
    return source


def style_hash(css: str) -> str:
    """The CSP source expression (`'sha256-…'`) that allows exactly this `<style>` block content."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(css: str) -> str:
    """The page's policy: nothing but its own inline stylesheet (and data: images) may load."""
    return (f"default-src 'none'; style-src {style_hash(css)}; img-src data:; "
            "base-uri 'none'; form-action 'none'")


def render(report: Report) -> str:
    """The report as one self-contained HTML5 page."""
    css = stylesheet()
    template = template_environment().get_template(TEMPLATE)
    return template.render(
        report=report,
        css=Markup(css),  # our own packaged stylesheet, not repository text
        csp=Markup(content_security_policy(css)),  # built here from constants and a base64 digest
        name=repo_name(report.repo_root),
        commit=report.commit,
        commit_short=short_commit(report.commit),
        level=readiness(report.scores.overall),
        areas=area_rows(report),
        counts=counts(report),
        top_fixes=report.top_fixes(TOP_FIXES),
        sections=area_sections(report),
        talking_point_groups=talking_point_groups(report),
        facts=fact_rows(report.facts),
    )
