"""Talking points drawn from check results: what to say, what the panel may ask, what to fix first.

Every point carries the evidence of the result it comes from, so the candidate can see where each
statement rests. Order is deterministic: walkthrough points in check-id order, questions likewise,
gaps by the points their fix would gain.
"""
from __future__ import annotations

from collections.abc import Sequence

from .model import CheckResult, Status, TalkingPoint

MAX_GAPS = 5


def talking_points(results: Sequence[CheckResult]) -> list[TalkingPoint]:
    """Walkthrough points from passing results, likely questions and ranked gaps from findings."""
    points = [TalkingPoint(kind="walkthrough", text=r.talking_point, evidence=r.evidence)
              for r in results if r.status is Status.PASS and r.talking_point]
    points += [TalkingPoint(kind="question", text=r.question, evidence=r.evidence)
               for r in results if r.is_finding and r.question]
    gaps = sorted((r for r in results if r.is_finding and r.fix), key=lambda r: (-r.points, r.id))
    points += [TalkingPoint(kind="gap", text=f"{r.title}: {r.fix}", evidence=r.evidence)
               for r in gaps[:MAX_GAPS]]
    return points
