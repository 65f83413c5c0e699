"""Small helpers shared by the built-in checks."""
from __future__ import annotations

from collections.abc import Iterable

from portcheck.analyzer.facts.task import TaskFacts
from portcheck.analyzer.model import Evidence, Outcome

MAX_EVIDENCE = 25


def cap(evidence: Iterable[Evidence], limit: int = MAX_EVIDENCE) -> tuple[Evidence, ...]:
    """At most `limit` pieces of evidence, in the order given."""
    out = []
    for item in evidence:
        if len(out) == limit:
            break
        out.append(item)
    return tuple(out)


def names(paths: Iterable[str], limit: int = 3) -> str:
    """'a, b, c and 2 more'."""
    items = list(paths)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def without_training_code(task: TaskFacts) -> Outcome | None:
    """A skip for checks about training when no model training code was recognised, else None."""
    if task.task is None:
        return Outcome.skipped("no model training code was recognised")
    return None
