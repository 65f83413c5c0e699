"""The cohort dashboard: many repositories' reports on one page, for a mentor or a bootcamp.

`build(members)` ranks the repositories that were scanned (overall score, then name), counts how many
repositories fail or warn each check ("what to teach next") and lists the repositories that could not
be scanned with their one-line reason. `render_html` lays it out as one self-contained page with the
readiness report's stylesheet and Content-Security-Policy; `summary_line` says it in one line.
Nothing here depends on the order the scans finished in, so the page is the same byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..analyzer import __version__
from ..analyzer.model import AREA_TITLES, Area, CheckResult, Report, Status
from .html import content_security_policy, stylesheet, template_environment
from .presentation import AreaRow, Readiness, area_rows, readiness, repo_name

TEMPLATE = "cohort.html.j2"
_FINDINGS = (Status.FAIL, Status.WARN)
AREA_LABELS = {Area.README: "README", Area.REPRODUCIBILITY: "Repro.", Area.METRICS: "Metrics",
               Area.QUALITY: "Quality"}  # short column headings; the full title is the abbreviation's title


@dataclass(frozen=True, kw_only=True)
class AreaColumn:
    """An area's column in the ranking: a short heading and the full title."""

    title: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Member:
    """One repository of the cohort: its report, or why there is none.

    `label` is how the mentor named it (the path given, or the JSON file read); `report_href` is a
    link, relative to the dashboard, to the repository's own HTML report where one exists.
    """

    label: str
    report: Report | None = None
    error: str | None = None
    report_href: str | None = None

    @property
    def name(self) -> str:
        """The repository's folder name from its report, else the label."""
        return (repo_name(self.report.repo_root) if self.report is not None and self.report.repo_root else "") or self.label


@dataclass(frozen=True, kw_only=True)
class RankedRow:
    """A scanned repository's line in the ranking (equal overall scores share a rank)."""

    rank: int
    member: Member
    overall: int
    level: Readiness
    areas: tuple[AreaRow, ...]
    top_fix: CheckResult | None


@dataclass(frozen=True, kw_only=True)
class CheckTally:
    """How many scanned repositories fail and warn one check."""

    id: str
    title: str
    area: str
    failed: int
    warned: int

    @property
    def total(self) -> int:
        return self.failed + self.warned


@dataclass(frozen=True, kw_only=True)
class Average:
    """The cohort's mean score for one column (None where no repository had a score)."""

    title: str
    score: int | None


@dataclass(frozen=True, kw_only=True)
class Dashboard:
    """Everything the cohort page shows."""

    rows: tuple[RankedRow, ...]
    tallies: tuple[CheckTally, ...]
    failed: tuple[Member, ...]
    averages: tuple[Average, ...]
    notes: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.failed)

    @property
    def scanned(self) -> int:
        return len(self.rows)


def _ranked(members: list[Member]) -> tuple[RankedRow, ...]:
    scanned = sorted((m for m in members if m.report is not None),
                     key=lambda m: (-m.report.scores.overall, m.name.casefold(), m.label))  # type: ignore[union-attr]
    rows: list[RankedRow] = []
    for position, member in enumerate(scanned, start=1):
        report = member.report
        assert report is not None
        score = report.scores.overall
        rank = rows[-1].rank if rows and rows[-1].overall == score else position
        fixes = report.top_fixes(1)
        rows.append(RankedRow(rank=rank, member=member, overall=score, level=readiness(score),
                              areas=tuple(area_rows(report)), top_fix=fixes[0] if fixes else None))
    return tuple(rows)


def _tallies(reports: list[Report]) -> tuple[CheckTally, ...]:
    first: dict[str, CheckResult] = {}
    failed: dict[str, int] = {}
    warned: dict[str, int] = {}
    for report in reports:
        for result in report.checks:
            if result.status not in _FINDINGS:
                continue
            first.setdefault(result.id, result)
            counter = failed if result.status is Status.FAIL else warned
            counter[result.id] = counter.get(result.id, 0) + 1
    tallies = [CheckTally(id=check_id, title=result.title, area=AREA_TITLES[Area(result.area)],
                          failed=failed.get(check_id, 0), warned=warned.get(check_id, 0))
               for check_id, result in first.items()]
    return tuple(sorted(tallies, key=lambda t: (-t.total, -t.failed, t.id)))


def _mean(values: list[int]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def _averages(reports: list[Report]) -> tuple[Average, ...]:
    overall = Average(title="Overall", score=_mean([r.scores.overall for r in reports]))
    return (overall, *(Average(title=AREA_TITLES[area],
                               score=_mean([r.scores.areas[area.value] for r in reports if area.value in r.scores.areas]))
                       for area in Area))


def build(members: list[Member]) -> Dashboard:
    """The dashboard of a cohort; `members` in input order (failed ones keep that order)."""
    reports = [m.report for m in members if m.report is not None]
    notes = []
    versions = sorted({r.tool_version for r in reports})
    if len(versions) > 1:
        notes.append(f"the reports come from different portcheck versions ({', '.join(versions)}): "
                     "checks and scores may differ for that reason alone")
    return Dashboard(rows=_ranked(members), tallies=_tallies(reports),
                     failed=tuple(m for m in members if m.report is None),
                     averages=_averages(reports), notes=tuple(notes))


def summary_line(dashboard: Dashboard) -> str:
    """`20 repositories: 18 scanned, 2 could not be scanned; average overall 61`."""
    line = f"{dashboard.total} {'repository' if dashboard.total == 1 else 'repositories'}: {dashboard.scanned} scanned"
    if dashboard.failed:
        line += f", {len(dashboard.failed)} could not be scanned"
    average = dashboard.averages[0].score
    return line + (f"; average overall {average}" if average is not None else "")


def render_html(dashboard: Dashboard) -> str:
    """The dashboard as one self-contained HTML5 page (no script, nothing from the network, all
    repository text escaped), with the readiness report's stylesheet and policy."""
    css = stylesheet()
    return template_environment().get_template(TEMPLATE).render(
        dashboard=dashboard,
        css=Markup(css),  # our own packaged stylesheet, not repository text
        csp=Markup(content_security_policy(css)),  # built from constants and a base64 digest
        areas=[AreaColumn(title=AREA_TITLES[area], label=AREA_LABELS[area]) for area in Area],
        summary=summary_line(dashboard),
        tool_version=__version__,
    )
