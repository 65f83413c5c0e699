"""Running checks: in dependency order, each isolated, with skips that say why."""
from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterable, Mapping

from .check import Check
from .inputs import InputAbsent, Inputs, UnknownInput, Watcher, describe_failure
from .model import Outcome, Status
from .sandbox import Failed

Progress = Callable[[str], None]


def order(checks: Iterable[Check]) -> list[Check]:
    """Checks sorted so that each comes after those it requires (ties by id)."""
    by_id = {c.id: c for c in checks}
    sorter = graphlib.TopologicalSorter({c.id: [r for r in c.requires if r in by_id] for c in by_id.values()})
    sorter.prepare()
    ordered: list[Check] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        ordered.extend(by_id[i] for i in ready)
        sorter.done(*ready)
    return ordered


def run_one(chk: Check, inputs: Inputs, done: dict[str, Outcome]) -> Outcome:
    """One check's outcome; a check that raises becomes an `error` outcome."""
    for req in chk.requires:
        prior = done.get(req)
        if prior is None:
            return Outcome.skipped(f"requires check {req}, which did not run")
        if prior.status is not Status.PASS:
            return Outcome.skipped(f"requires check {req} to pass (it is {prior.status.value})")
    try:
        args = inputs.resolve(chk.inputs)
    except InputAbsent as exc:
        return Outcome.skipped(str(exc))
    except UnknownInput as exc:
        return Outcome(status=Status.ERROR, message=f"asks for an input nobody provides: {exc.args[0]}")
    except Exception as exc:  # an input provider broke: report it on every check that needed it
        return Outcome(status=Status.ERROR, message=f"an input it needs failed: {describe_failure(exc)}")
    try:
        outcome = chk.func(**args)
    except Exception as exc:
        return Outcome(status=Status.ERROR, message=f"the check itself failed: {describe_failure(exc)}")
    if not isinstance(outcome, Outcome):
        return Outcome(status=Status.ERROR, message=f"the check returned {type(outcome).__name__}, not an Outcome")
    return outcome


def run_checks(checks: Iterable[Check], inputs: Inputs, progress: Progress | None = None,
               available: Mapping[str, Check] | None = None, *, known: Mapping[str, Outcome | Failed] | None = None,
               watcher: Watcher | None = None) -> dict[str, Outcome]:
    """Every check's outcome by id, run in dependency order.

    A check whose required check was not selected still gets its requirement evaluated: the
    requirement is looked up in `available` and run quietly (its outcome is not returned).
    `known` holds outcomes decided earlier (a `Failed` becomes an error outcome): those checks are not
    run again. `watcher` is told when each check starts and ends, with the key "check:ID".
    """
    known = known or {}
    selected = {c.id: c for c in checks}
    everything = dict(selected)
    pending = [r for c in selected.values() for r in c.requires]
    while pending and available:
        req = pending.pop()
        if req not in everything and req in available:
            everything[req] = available[req]
            pending.extend(available[req].requires)
    done: dict[str, Outcome] = {}
    ordered = order(everything.values())
    for i, chk in enumerate(ordered, start=1):
        if chk.id in known:
            prior = known[chk.id]
            done[chk.id] = Outcome(status=Status.ERROR, message=prior.reason) if isinstance(prior, Failed) else prior
            continue
        if progress:
            progress(f"check {i}/{len(ordered)}: {chk.id} {chk.title}")
        if watcher:
            watcher.started(f"check:{chk.id}")
        done[chk.id] = run_one(chk, inputs, done)
        if watcher:
            watcher.finished(f"check:{chk.id}", done[chk.id])
    return {i: o for i, o in done.items() if i in selected}
