"""Scores: per area, the weighted share of applicable checks that pass; overall, the mean of areas.

A pass earns a check's full weight, a warning half, a failure nothing; skipped and broken checks do
not count either way. An area with no applicable check has no score and does not enter the overall.
A finding's `points` is how much the overall score would rise if that one check passed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .model import Area, Status

CREDIT = {Status.PASS: Fraction(1), Status.WARN: Fraction(1, 2), Status.FAIL: Fraction(0)}

Scored = tuple[Area, int, Status]  # area, weight, status


def _area_fractions(results: Iterable[Scored]) -> dict[Area, Fraction]:
    earned: dict[Area, Fraction] = {}
    possible: dict[Area, int] = {}
    for area, weight, status in results:
        if status not in CREDIT or weight <= 0:
            continue
        earned[area] = earned.get(area, Fraction(0)) + weight * CREDIT[status]
        possible[area] = possible.get(area, 0) + weight
    return {a: earned[a] / possible[a] for a in possible}


def _overall(fractions: Mapping[Area, Fraction]) -> Fraction:
    if not fractions:
        return Fraction(0)
    return sum(fractions.values(), Fraction(0)) / len(fractions)


def to_int(value: Fraction) -> int:
    """0..1 as an integer percentage, halves rounded up (deterministic, no float drift)."""
    return int((Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal(1), ROUND_HALF_UP))


def score(results: list[Scored]) -> tuple[dict[str, int], int]:
    """Area scores by area name (in Area order) and the overall score."""
    fractions = _area_fractions(results)
    areas = {a.value: to_int(fractions[a]) for a in Area if a in fractions}
    return areas, to_int(_overall(fractions))


def points_if_fixed(results: list[Scored]) -> list[float]:
    """For each result, the overall points gained if it passed (0 for passes, skips and errors)."""
    base = _overall(_area_fractions(results))
    gains = []
    for i, (area, weight, status) in enumerate(results):
        if status not in (Status.FAIL, Status.WARN) or weight <= 0:
            gains.append(0.0)
            continue
        fixed = results[:i] + [(area, weight, Status.PASS)] + results[i + 1:]
        gains.append(round(float((_overall(_area_fractions(fixed)) - base) * 100), 1))
    return gains
