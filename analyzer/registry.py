"""Finding checks: the built-in ones in `portcheck.checks` and plugins from installed packages.

Plugins are installed Python packages that declare an entry point in the group `portcheck.checks`.
Nothing in a scanned repository is ever imported: checks come only from the environment.
"""
from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from .check import Check
from .model import ScanNote

ENTRY_POINT_GROUP = "portcheck.checks"
BUILTIN_MODULES = ("readme", "reproducibility", "metrics", "quality", "notebooks", "history", "code_quality", "repo_hygiene", "ml_smells")


@dataclass
class Registry:
    """The checks available in this environment, by id, and what went wrong loading plugins."""

    checks: dict[str, Check] = field(default_factory=dict)
    notes: list[ScanNote] = field(default_factory=list)

    def add(self, chk: Check) -> None:
        if chk.id in self.checks:
            kept = self.checks[chk.id]
            self.notes.append(ScanNote(
                kind="plugin-error",
                message=f"check id {chk.id} from {chk.origin} clashes with one from {kept.origin}; kept the latter",
            ))
            return
        self.checks[chk.id] = chk

    def sorted(self) -> list[Check]:
        return [self.checks[k] for k in sorted(self.checks)]


def collect(obj: Any) -> list[Check]:
    """The checks an entry point or module offers: a Check, an iterable of them, or a module's."""
    if isinstance(obj, Check):
        return [obj]
    if isinstance(obj, ModuleType):
        return [v for v in vars(obj).values() if isinstance(v, Check)]
    if isinstance(obj, Iterable) and not isinstance(obj, (str, bytes)):
        items = list(obj)
        if all(isinstance(i, Check) for i in items):
            return items
    raise TypeError(f"expected a Check, an iterable of Checks or a module, got {type(obj).__name__}")


def load_registry(*, plugins: bool = True) -> Registry:
    """Built-in checks, then those of every installed plugin (a broken plugin becomes a note)."""
    registry = Registry()
    for name in BUILTIN_MODULES:
        module = importlib.import_module(f"portcheck.checks.{name}")
        for chk in sorted(collect(module), key=lambda c: c.id):
            registry.add(chk)
    if plugins:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
            origin = ep.dist.name if ep.dist else ep.value
            try:
                found = collect(ep.load())
            except Exception as exc:  # a broken plugin must not stop the scan
                registry.notes.append(ScanNote(
                    kind="plugin-error", message=f"plugin {origin} ({ep.value}) failed to load: {type(exc).__name__}: {exc}"))
                continue
            for chk in sorted(found, key=lambda c: c.id):
                registry.add(dataclasses.replace(chk, origin=origin))
    return registry
