"""The project's story, told from its facts: the interview walkthrough, the panel's likely questions,
the gaps ranked by what they cost, the results at a glance and README sections to paste.

Everything here is derived from the scan's facts and check results: no network, no language model,
and every item cites the files (with lines) or runs it rests on. Each part is built independently, so
one part that breaks costs only itself (with a scan note), never the report.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..inputs import Inputs, describe_failure
from ..model import CheckResult, ReadmeSuggestion, ResultsAtAGlance, ScanNote, TalkingPoint
from .facts import StoryFacts, gather_story
from .gaps import story_gaps
from .questions import likely_questions
from .readme_suggestions import suggest_readme_sections
from .results import build_results
from .walkthrough import walkthrough

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class Story:
    """What the report tells the candidate beyond the checks."""

    talking_points: tuple[TalkingPoint, ...] = ()
    results: ResultsAtAGlance | None = None
    readme_suggestions: tuple[ReadmeSuggestion, ...] = ()


def build_story(inputs: Inputs, checks: Sequence[CheckResult], notes: list[ScanNote]) -> Story:
    """The story of the scanned repository: walkthrough, questions, gaps, results, README sections."""
    facts = StoryFacts(**gather_story(inputs, checks, notes))
    facts = dataclasses.replace(facts, results=_guarded("results at a glance", build_results, facts, None, notes))
    steps = _guarded("walkthrough", walkthrough, facts, [], notes)
    questions = _guarded("likely questions", likely_questions, facts, [], notes)
    gaps = _guarded("story gaps", lambda f: story_gaps(f, steps), facts, [], notes)
    return Story(
        talking_points=(*steps, *questions, *gaps),
        results=facts.results,
        readme_suggestions=tuple(_guarded("README suggestions", suggest_readme_sections, facts, (), notes)),
    )


def _guarded(part: str, build: Callable[[StoryFacts], T], facts: StoryFacts, empty: T, notes: list[ScanNote]) -> T:
    try:
        return build(facts)
    except Exception as exc:  # one broken part must not cost the report or the other parts
        notes.append(ScanNote(kind="story-error", message=f"{part} could not be built: {describe_failure(exc)}"))
        return empty


__all__ = ["Story", "StoryFacts", "build_story"]
