"""Small pieces every fact detector shares: excerpts for evidence, evidence-only facts, bounded lists."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..model import Evidence

T = TypeVar("T")

MAX_EXCERPT = 120


def excerpt(text: str) -> str:
    """One line of at most 120 characters: whitespace runs collapsed, an ellipsis when cut."""
    line = " ".join(text[: MAX_EXCERPT * 8].split())  # bounded work on a huge line
    return line if len(line) <= MAX_EXCERPT else line[: MAX_EXCERPT - 1] + "…"


@dataclass(frozen=True, kw_only=True)
class EvidenceFacts:
    """A yes/no fact backed by the places that show it (schema value: whether there are any)."""

    evidence: tuple[Evidence, ...]

    @property
    def present(self) -> bool:
        return bool(self.evidence)

    def to_schema(self) -> bool:
        return self.present


def bounded(items: Iterable[T], *, key: Callable[[T], Hashable], group: Callable[[T], Hashable],
            per_group: int, limit: int | None = None) -> tuple[T, ...]:
    """`items` in order, each `key` once, at most `per_group` per `group` and `limit` in all."""
    kept: list[T] = []
    seen: set[Hashable] = set()
    counts: dict[Hashable, int] = {}
    for item in items:
        if limit is not None and len(kept) >= limit:
            break
        k, g = key(item), group(item)
        if k in seen or counts.get(g, 0) >= per_group:
            continue
        seen.add(k)
        counts[g] = counts.get(g, 0) + 1
        kept.append(item)
    return tuple(kept)
