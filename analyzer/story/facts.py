"""The facts a project's story is told from, gathered once per scan and tolerant of missing inputs.

Talking points, the results at a glance and the suggested README sections all read one `StoryFacts`.
Each field is None when its detector could not run (no git, no README) or broke: a story is told
from whatever the repository shows, and a broken detector costs only the parts that needed it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..facts.ci import CIFacts
from ..facts.dependencies import DependencyFacts
from ..facts.evaluation import EvaluationFacts
from ..facts.history import HistoryFacts
from ..facts.imports import ImportFacts
from ..facts.ml_smells import MlSmellFacts
from ..facts.modelling import ModellingFacts
from ..facts.notebooks import NotebookFacts
from ..facts.readme import ReadmeFacts, ReadmeSource
from ..facts.runstore import RunStoreFacts
from ..facts.seeds import SeedFacts
from ..facts.task import TaskFacts
from ..facts.testing import TestFacts
from ..facts.tracking import TrackingFacts
from ..facts.workflow import WorkflowFacts
from ..inputs import InputAbsent, Inputs, describe_failure
from ..model import CheckResult, Evidence, ResultsAtAGlance, ScanNote


@dataclass(frozen=True, kw_only=True)
class StoryFacts:
    """Everything the story is built from; a field is None when its input was absent or broke."""

    checks: tuple[CheckResult, ...] = ()
    readme_source: ReadmeSource | None = None
    readme: ReadmeFacts | None = None
    task: TaskFacts | None = None
    evaluation: EvaluationFacts | None = None
    runs: RunStoreFacts | None = None
    imports: ImportFacts | None = None
    dependencies: DependencyFacts | None = None
    tests: TestFacts | None = None
    ci: CIFacts | None = None
    docker: tuple[Evidence, ...] | None = None
    notebooks: NotebookFacts | None = None
    workflow: WorkflowFacts | None = None
    history: HistoryFacts | None = None
    ml_smells: MlSmellFacts | None = None
    modelling: ModellingFacts | None = None
    seeds: SeedFacts | None = None
    tracking: TrackingFacts | None = None
    results: ResultsAtAGlance | None = None

    def check(self, check_id: str) -> CheckResult | None:
        """The result of check `check_id` in this scan, if it ran."""
        return next((r for r in self.checks if r.id == check_id), None)


# StoryFacts field -> the scan input that provides it
_INPUTS: dict[str, str] = {
    "readme_source": "readme_source",
    "readme": "readme",
    "task": "task",
    "evaluation": "evaluation",
    "runs": "runs",
    "imports": "imports",
    "dependencies": "dependencies",
    "tests": "tests",
    "ci": "ci",
    "docker": "docker",
    "notebooks": "notebooks",
    "workflow": "workflow",
    "history": "git_history",
    "ml_smells": "ml_smells",
    "modelling": "modelling",
    "seeds": "seeds",
    "tracking": "tracking",
}


def gather_story(inputs: Inputs, checks: Sequence[CheckResult], notes: list[ScanNote]) -> dict[str, Any]:
    """The scan inputs a story needs, by `StoryFacts` field; a broken detector adds a scan note."""
    found: dict[str, Any] = {"checks": tuple(checks)}
    for field_name, input_name in _INPUTS.items():
        try:
            found[field_name] = inputs.get(input_name)
        except InputAbsent:
            found[field_name] = None
        except Exception as exc:  # a detector bug must cost only the story parts that need it
            notes.append(ScanNote(kind="story-error",
                                  message=f"talking points without {input_name}: {describe_failure(exc)}"))
            found[field_name] = None
    return found
