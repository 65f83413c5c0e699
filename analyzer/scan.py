"""One scan, start to finish: open git safely, view the tree, run the checks, score, assemble a report."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from . import __version__
from .check import Check
from .detect import NOTES, SHARED_INPUTS, DetectJob, Meta, ScanRequest
from .facts import assemble_facts
from .inputs import InputAbsent, Inputs
from .model import CheckResult, Outcome, Report, ScanNote, Scores, Status
from .registry import Registry, load_registry
from .repo import Limits
from .sandbox import Budget, Failed, ScanError, Supervised, supervise
from .scoring import points_if_fixed, score
from .story import build_story

Progress = Callable[[str], None]


OUT_OF_TIME = "out-of-time"   # scan note kind: the whole scan's time budget ran out
STEP_STOPPED = "step-stopped"  # scan note kind: one step was stopped (its budget) or ended its process



def scan(
    root: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_under: int | None = None,
    fail_under_area: Mapping[str, int] | None = None,
    registry: Registry | None = None,
    limits: Limits | None = None,
    budget: Budget | None = None,
    progress: Progress | None = None,
) -> Report:
    """Scan the repository at `root` (read-only) and return its report.

    The risky work runs in a sandboxed child process (see `sandbox` and `detect`) under `budget`;
    a step that runs out of time or memory becomes an error result and a scan note, never a hang.
    Raises `ScanError` (re-exported here) only when the repository could not even be listed.
    """
    say = progress or (lambda _msg: None)
    root = root.resolve()
    registry = registry or load_registry()
    budget = budget or Budget()
    request = ScanRequest(root=root, registry=registry, limits=limits or Limits(), select=tuple(select),
                          ignore=tuple(ignore), fail_under=fail_under, fail_under_area=fail_under_area)
    supervised = supervise(DetectJob(request), budget=budget, progress=say, describe=_describe_step)
    meta = supervised.values.get("meta")
    if not isinstance(meta, Meta):
        raise ScanError(meta.reason if isinstance(meta, Failed) else _first_stop(supervised),
                        out_of_time=supervised.out_of_time)
    notes: list[ScanNote] = [*registry.notes, *meta.notes]
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
    notes.extend(n for key, batch in supervised.values.items() if key.startswith(NOTES) for n in batch)
    return Report(
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


def _describe_step(key: str) -> str:
    kind, _, name = key.partition(":")
    if kind == "check":
        return f"check {name}"
    if kind == "fact":
        return f"reading {name}" if name in ("sources", "history", "repo") else f"the {name} detector"
    return {"meta": "listing the repository", "": "the start of the scan"}.get(key, key)


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
