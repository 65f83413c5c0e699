"""What a check is: a small function with a stable id, an area, a weight and the inputs it asks for.

A check is written as a function decorated with `@check(...)`; its parameters name the inputs it needs
(`readme`, `facts`, `history`, …), which the engine computes once and shares. Its docstring is its
documentation (`portcheck explain ID`), in four parts: **What it checks**, **Why a panel cares**,
**How to fix**, **Example**.

    @check("RD101", area=Area.README, title="README present", weight=3, severity=Severity.HIGH)
    def readme_present(readme: ReadmeFacts) -> Outcome:
        '''What it checks: ...'''
        ...

Third-party packages add checks through the entry-point group `portcheck.checks`; the entry point
may name a `Check`, an iterable of them, or a module whose `Check` attributes are collected.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Callable

from .model import Area, Outcome, Severity

CHECK_ID = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
AREA_PREFIXES = {Area.README: "RD", Area.REPRODUCIBILITY: "RP", Area.METRICS: "MT", Area.QUALITY: "QA"}


@dataclass(frozen=True, kw_only=True)
class Check:
    """A registered check: metadata plus the function that evaluates it."""

    id: str
    area: Area
    title: str
    weight: int
    severity: Severity
    inputs: tuple[str, ...]
    requires: tuple[str, ...]
    func: Callable[..., Outcome]
    origin: str = "builtin"

    @property
    def doc(self) -> str:
        """The check's documentation: its function's docstring, dedented."""
        return inspect.cleandoc(self.func.__doc__ or "No documentation.")

    @property
    def summary(self) -> str:
        """The first paragraph of the documentation."""
        return self.doc.split("\n\n", 1)[0].replace("\n", " ")


def check(
    id: str,
    *,
    area: Area,
    title: str,
    weight: int = 2,
    severity: Severity = Severity.MEDIUM,
    requires: tuple[str, ...] = (),
) -> Callable[[Callable[..., Outcome]], Check]:
    """Declare a check; the decorated function's parameter names are the inputs it needs."""
    if not CHECK_ID.match(id):
        raise ValueError(f"check id {id!r} must be 2-4 capital letters and 3 digits, e.g. RD101")
    if weight < 0:
        raise ValueError(f"check {id}: weight must be >= 0")

    def wrap(func: Callable[..., Outcome]) -> Check:
        params = inspect.signature(func).parameters.values()
        bad = [p.name for p in params if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if bad:
            raise ValueError(f"check {id}: parameters must be plain names of inputs, not {bad}")
        return Check(
            id=id, area=Area(area), title=title, weight=weight, severity=Severity(severity),
            inputs=tuple(p.name for p in params), requires=tuple(requires), func=func,
        )

    return wrap
