"""Shared inputs, computed lazily and once, handed to checks by parameter name.

An input provider is a function whose parameters name other inputs; `Inputs.get("readme")` computes
`readme` (and whatever it needs) the first time it is asked for and shares the value afterwards.
A provider that cannot produce its input raises `InputAbsent` with the reason, and every check that
asks for that input is skipped with that reason.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any


class InputAbsent(Exception):
    """An input is not available for this repository; str(exc) says why."""


class UnknownInput(KeyError):
    """A check or provider asked for an input nobody provides."""


Provider = Callable[..., Any]


class Inputs:
    """Lazily computed, shared inputs for one scan."""

    def __init__(self, providers: Mapping[str, Provider], given: Mapping[str, Any]) -> None:
        self._providers = dict(providers)
        self._values: dict[str, Any] = dict(given)
        self._absent: dict[str, str] = {}
        self._computing: set[str] = set()

    def names(self) -> set[str]:
        return set(self._providers) | set(self._values)

    def get(self, name: str) -> Any:
        """The input's value; raises InputAbsent (with the reason) or UnknownInput."""
        if name in self._values:
            return self._values[name]
        if name in self._absent:
            raise InputAbsent(self._absent[name])
        provider = self._providers.get(name)
        if provider is None:
            raise UnknownInput(name)
        if name in self._computing:
            raise RuntimeError(f"input {name!r} depends on itself")
        self._computing.add(name)
        try:
            args = {p: self.get(p) for p in inspect.signature(provider).parameters}
            value = provider(**args)
        except InputAbsent as exc:
            self._absent[name] = str(exc)
            raise
        finally:
            self._computing.discard(name)
        self._values[name] = value
        return value

    def mark_absent(self, name: str, reason: str) -> None:
        """Declare an input unavailable for this scan; checks that need it are skipped with `reason`."""
        self._values.pop(name, None)
        self._absent[name] = reason

    def resolve(self, names: tuple[str, ...]) -> dict[str, Any]:
        """Several inputs at once, for a check's call."""
        return {n: self.get(n) for n in names}
