"""Facts: what portcheck finds in a repository before any judgement.

Each detector module returns a rich, frozen dataclass (with evidence for checks to cite) whose
`to_schema()` gives its piece of the JSON report's `facts` object, whose contract is
../shared/facts.schema.json. Detectors are shared inputs: `FACT_PROVIDERS` maps each input name to the
function computing it, so a check asks for `readme` or `dependencies` by parameter name and every
detector runs at most once per scan.
"""
from __future__ import annotations

from typing import Any

from ..inputs import InputAbsent, Inputs, describe_failure
from ..model import Evidence, ScanNote
from .artifacts import detect_artifacts, detect_history_blobs, detect_ignore_coverage, load_ignore_rules
from .ci import detect_ci
from .code_hygiene import detect_absolute_paths, detect_secrets
from .code_layout import detect_code_layout
from .complexity import detect_code_metrics
from .dependencies import detect_dependencies
from .evaluation import detect_evaluation
from .files import detect_docker, detect_gitignore, detect_large_files
from .history import detect_git_history
from .imports import detect_imports
from .linting import detect_linting
from .ml_smells import detect_ml_smells
from .modelling import detect_modelling
from .notebooks import detect_notebooks
from .readme import detect_citation, detect_license, detect_readme, load_readme
from .runstore import detect_run_stores
from .seeds import detect_seeds
from .task import detect_task
from .testing import detect_tests
from .tracking import detect_tracking
from .workflow import detect_workflow

FACT_PROVIDERS = {
    "readme_source": load_readme,
    "readme": detect_readme,
    "license": detect_license,
    "citation": detect_citation,
    "dependencies": detect_dependencies,
    "tests": detect_tests,
    "ci": detect_ci,
    "tracking": detect_tracking,
    "seeds": detect_seeds,
    "docker": detect_docker,
    "notebooks": detect_notebooks,
    "large_files": detect_large_files,
    "absolute_paths": detect_absolute_paths,
    "secrets": detect_secrets,
    "gitignore": detect_gitignore,
    "history_blobs": detect_history_blobs,
    "ignore_rules": load_ignore_rules,
    "artifacts": detect_artifacts,
    "ignore_coverage": detect_ignore_coverage,
    "task": detect_task,
    "runs": detect_run_stores,
    "imports": detect_imports,
    "workflow": detect_workflow,
    "evaluation": detect_evaluation,
    "ml_smells": detect_ml_smells,
    "code_metrics": detect_code_metrics,
    "linting": detect_linting,
    "code_layout": detect_code_layout,
    "git_history": detect_git_history,
    "modelling": detect_modelling,
}

# schema key -> (input name, value used when the detector itself broke)
SCHEMA_FIELDS: dict[str, tuple[str, Any]] = {
    "readme": ("readme", {
        "present": False, "path": None, "describes_purpose": False, "install_instructions": False,
        "usage_instructions": False, "reports_results": False, "metric_names": [], "has_figures": False,
        "broken_local_links": [],
    }),
    "license_file": ("license", False),
    "citation": ("citation", False),
    "dependencies": ("dependencies", {"files": [], "pinning": "absent", "lockfile": False}),
    "tests": ("tests", {"present": False, "test_functions": 0}),
    "ci": ("ci", {"present": False, "runs_tests": False, "files": []}),
    "tracking": ("tracking", []),
    "seeds": ("seeds", False),
    "docker": ("docker", False),
    "notebooks": ("notebooks", {"count": 0, "with_errors": 0, "out_of_order": 0, "unexecuted": 0}),
    "large_files": ("large_files", []),
    "absolute_paths": ("absolute_paths", False),
    "secrets": ("secrets", False),
    "gitignore": ("gitignore", False),
}


def schema_value(value: Any) -> Any:
    """A detector's value as the schema wants it: `to_schema()`, or presence for evidence values."""
    if hasattr(value, "to_schema"):
        return value.to_schema()
    if value is None:
        return False
    if isinstance(value, Evidence):
        return True
    if isinstance(value, tuple):
        return bool(value)
    return value


def assemble_facts(inputs: Inputs, notes: list[ScanNote]) -> dict[str, Any]:
    """The `facts` object; a detector that breaks yields its neutral value and a scan note."""
    facts: dict[str, Any] = {}
    for key, (name, fallback) in SCHEMA_FIELDS.items():
        try:
            facts[key] = schema_value(inputs.get(name))
        except InputAbsent as exc:
            notes.append(ScanNote(kind="fact-unavailable", message=f"facts.{key}: {exc}"))
            facts[key] = fallback
        except Exception as exc:  # a detector bug must not cost the whole report
            notes.append(ScanNote(kind="fact-error",
                                  message=f"facts.{key} could not be determined: {describe_failure(exc)}"))
            facts[key] = fallback
    return facts
