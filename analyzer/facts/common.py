"""Small pieces every fact detector shares: excerpts for evidence, evidence-only facts, bounded lists."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..model import Evidence

T = TypeVar("T")

MAX_EXCERPT = 120
# Control characters (terminal escapes, NUL) and bidirectional overrides, which could make an excerpt
# print something other than what the file holds, are shown as U+FFFD.
_UNPRINTABLE = dict.fromkeys([*range(0x20), *range(0x7f, 0xa0), *range(0x202a, 0x202f), *range(0x2066, 0x206a)],
                             "\ufffd")


def excerpt(text: str, limit: int = MAX_EXCERPT) -> str:
    """One line of at most `limit` (120) characters: whitespace runs collapsed, control characters
    replaced, an ellipsis when cut."""
    line = " ".join(text[: limit * 8].split()).translate(_UNPRINTABLE)  # bounded work on a huge line
    return line if len(line) <= limit else line[: limit - 1] + "…"


def cell_evidence(path: str, cell: int, text: str) -> Evidence:
    """Evidence for `text` in a notebook's cell: the line is the cell's number, the excerpt names the cell."""
    return Evidence(path=path, line=cell, excerpt=excerpt(f"cell {cell}: {text}"))


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
