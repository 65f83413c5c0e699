"""Small pieces every fact detector shares: excerpts for evidence, and evidence-only facts."""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Evidence

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
