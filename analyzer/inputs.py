"""Shared inputs, computed lazily and once, handed to checks by parameter name.

An input provider is a function whose parameters name other inputs; `Inputs.get("readme")` computes
`readme` (and whatever it needs) the first time it is asked for and shares the value afterwards.
A provider that cannot produce its input raises `InputAbsent` with the reason, and every check that
asks for that input is skipped with that reason.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .sandbox import Failed, describe_exception


class InputAbsent(Exception):
    """An input is not available for this repository; str(exc) says why."""


class InputFailed(Exception):
    """An input's provider failed earlier (perhaps in another process); str(exc) is its one-line reason."""


def describe_failure(exc: BaseException) -> str:
    """One line for a failed input: an `InputFailed` carries its own line, anything else is described."""
    return str(exc) if isinstance(exc, InputFailed) else describe_exception(exc)


class Watcher(Protocol):
    """Told when an input's provider starts and what it ended with (a value, `InputAbsent` or `Failed`)."""

    def started(self, key: str) -> None: ...

    def finished(self, key: str, value: Any) -> None: ...


class UnknownInput(KeyError):
    """A check or provider asked for an input nobody provides."""


Provider = Callable[..., Any]


class Inputs:
    """Lazily computed, shared inputs for one scan."""

    def __init__(self, providers: Mapping[str, Provider], given: Mapping[str, Any],
                 watcher: Watcher | None = None) -> None:
        self._providers = dict(providers)
        self._values: dict[str, Any] = dict(given)
        self._absent: dict[str, str] = {}
        self._failed: dict[str, str] = {}
        self._computing: set[str] = set()
        self._watcher = watcher

    def names(self) -> set[str]:
        return set(self._providers) | set(self._values)

    def get(self, name: str) -> Any:
        """The input's value; raises InputAbsent (with the reason) or UnknownInput."""
        if name in self._values:
            return self._values[name]
        if name in self._absent:
            raise InputAbsent(self._absent[name])
        if name in self._failed:
            raise InputFailed(self._failed[name])
        provider = self._providers.get(name)
        if provider is None:
            raise UnknownInput(name)
        if name in self._computing:
            raise RuntimeError(f"input {name!r} depends on itself")
        self._computing.add(name)
        if self._watcher is not None:
            self._watcher.started(name)
        try:
            value = provider(**{p: self.get(p) for p in inspect.signature(provider).parameters})
        except InputAbsent as exc:
            self._absent[name] = str(exc)
            self._tell(name, exc)
            raise
        except (UnknownInput, RecursionError):
            raise
        except Exception as exc:  # kept, so that every later asker gets the same one line without a recompute
            self._failed[name] = describe_failure(exc)
            self._tell(name, Failed(self._failed[name]))
            raise
        finally:
            self._computing.discard(name)
        self._values[name] = value
        self._tell(name, value)
        return value

    def _tell(self, name: str, value: Any) -> None:
        if self._watcher is not None:
            self._watcher.finished(name, value)

    def watch(self, watcher: Watcher | None) -> None:
        """Tell `watcher` (instead of the one given before) about every provider run from now on."""
        self._watcher = watcher

    def outcome(self, name: str) -> Any:
        """What a computed input ended with, in the form `seed` takes: its value, an `InputAbsent` or a `Failed`."""
        if name in self._absent:
            return InputAbsent(self._absent[name])
        if name in self._failed:
            return Failed(self._failed[name])
        return self._values[name]

    def settled(self, name: str) -> bool:
        """Whether the input has a value or is known to be absent or failed."""
        return name in self._values or name in self._absent or name in self._failed

    def seed(self, name: str, value: Any) -> None:
        """Take an input computed elsewhere: a value, an `InputAbsent` (absent) or a `Failed` (raises `InputFailed`)."""
        if isinstance(value, InputAbsent):
            self.mark_absent(name, str(value))
        elif isinstance(value, Failed):
            self._values.pop(name, None)
            self._failed[name] = value.reason
        else:
            self._values[name] = value

    def mark_absent(self, name: str, reason: str) -> None:
        """Declare an input unavailable for this scan; checks that need it are skipped with `reason`."""
        self._values.pop(name, None)
        self._absent[name] = reason

    def resolve(self, names: tuple[str, ...]) -> dict[str, Any]:
        """Several inputs at once, for a check's call."""
        return {n: self.get(n) for n in names}
