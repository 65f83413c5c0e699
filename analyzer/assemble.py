"""A full scan: the sandboxed detection (`detect.DetectJob`), then facts, results, story, scores and the report."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from . import __version__
from .cache import Fingerprint, ReportCache
from .check import Check
from .detect import NOTES, SHARED_INPUTS, DetectJob, Meta, ScanRequest, describe_step
from .facts import assemble_facts
from .inputs import InputAbsent, Inputs
from .model import CheckResult, Outcome, Report, ScanNote, Scores, Status
from .sandbox import Budget, Failed, ScanError, Supervised, supervise
from .scan import OUT_OF_TIME, STEP_STOPPED, Progress
from .scoring import points_if_fixed, score
from .story import build_story


def full_scan(request: ScanRequest, *, budget: Budget, cache: ReportCache | None, notes: list[ScanNote],
              progress: Progress) -> Report:
    """Scan `request.root` in the sandbox and assemble its report; store it in `cache` when complete."""
    say = progress
    root = request.root
    registry = request.registry
    supervised = supervise(DetectJob(request), budget=budget, progress=say, describe=describe_step, keep_out=root)
    meta = supervised.values.get("meta")
    if not isinstance(meta, Meta):
        raise ScanError(meta.reason if isinstance(meta, Failed) else _first_stop(supervised),
                        out_of_time=supervised.out_of_time)
    notes = [*registry.notes, *notes, *meta.notes]
    notes.extend(ScanNote(kind=STEP_STOPPED, message=stop.reason) for stop in supervised.stops)
    if supervised.out_of_time:
        notes[-1] = ScanNote(kind=OUT_OF_TIME, message=supervised.stops[-1].reason)
    inputs = _shared_inputs(supervised, budget)
    say("assembling facts")
    facts = assemble_facts(inputs, notes)
    results = _results([registry.checks[i] for i in meta.run_ids], _outcomes(meta, supervised, budget))
    say("writing talking points")
    story = build_story(inputs, results, notes)
    areas, overall = score([(r.area, r.weight, r.status) for r in results])
    # the repository view's notes, in a fixed order: with --jobs they arrive as the workers finish
    notes.extend(sorted((n for key, batch in supervised.values.items() if key.startswith(NOTES) for n in batch),
                        key=lambda n: (n.path or "", n.kind, n.message)))
    report = Report(
        tool_version=__version__,
        repo_root=str(root),
        commit=meta.head,
        facts=facts,
        scores=Scores(areas=areas, overall=overall),
        checks=tuple(results),
        talking_points=story.talking_points,
        scan_notes=tuple(_dedupe(notes)),
        ignored=meta.ignored,
        fail_under=meta.config.fail_under,
        fail_under_area=dict(meta.config.fail_under_area),
        results=story.results,
        readme_suggestions=story.readme_suggestions,
    )
    if cache is not None:
        report = _store(cache, supervised, report)
    return report


def _store(cache: ReportCache, supervised: Supervised, report: Report) -> Report:
    """Store a complete report; one with a stopped step is not stored (a note says so if writing failed)."""
    from portcheck.reports.json_report import render

    fingerprint, reads = supervised.values.get("fingerprint"), supervised.values.get("reads")
    if supervised.stops or not isinstance(fingerprint, Fingerprint) or not isinstance(reads, dict):
        return report
    problem = cache.store(fingerprint, reads, render(report))
    if problem is None:
        return report
    return dataclasses.replace(report, scan_notes=(*report.scan_notes, ScanNote(kind="cache", message=problem)))



def _first_stop(supervised: Supervised) -> str:
    return supervised.stops[0].reason if supervised.stops else "the scan ended before listing the repository"


def _not_reached(budget: Budget) -> str:
    return f"not reached: the scan's time budget of {budget.total_seconds:g} s ran out first"


def _shared_inputs(supervised: Supervised, budget: Budget) -> Inputs:
    """The detectors' values as the child sent them; one never reached is absent, with why."""
    def never_reached() -> Any:
        raise InputAbsent(_not_reached(budget))

    inputs = Inputs({name: never_reached for name in SHARED_INPUTS}, {})
    for name in SHARED_INPUTS:
        if f"fact:{name}" in supervised.values:
            inputs.seed(name, supervised.values[f"fact:{name}"])
    return inputs


def _outcomes(meta: Meta, supervised: Supervised, budget: Budget) -> dict[str, Outcome]:
    outcomes = {}
    for check_id in meta.run_ids:
        value = supervised.values.get(f"check:{check_id}")
        if isinstance(value, Outcome):
            outcomes[check_id] = value
        else:
            reason = value.reason if isinstance(value, Failed) else _not_reached(budget)
            outcomes[check_id] = Outcome(status=Status.ERROR, message=reason)
    return outcomes


def _results(checks: Iterable[Check], outcomes: dict[str, Outcome]) -> list[CheckResult]:
    by_id = {c.id: c for c in checks}
    ordered = [by_id[i] for i in sorted(outcomes)]
    scored = [(c.area, c.weight, outcomes[c.id].status) for c in ordered]
    gains = points_if_fixed(scored)
    results = []
    for chk, gain in zip(ordered, gains):
        o = outcomes[chk.id]
        results.append(CheckResult(
            id=chk.id, area=chk.area, title=chk.title, severity=chk.severity, weight=chk.weight,
            status=o.status, message=o.message, evidence=o.evidence, fix=o.fix,
            talking_point=o.talking_point, question=o.question, points=gain,
        ))
    return results


def _dedupe(notes: list[ScanNote]) -> list[ScanNote]:
    seen, out = set(), []
    for n in notes:
        key = (n.kind, n.message, n.path)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out
