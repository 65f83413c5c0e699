"""One scan, start to finish: open git safely, view the tree, run the checks, score, assemble a report."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path

from . import __version__
from .check import Check
from .config import read_repo_config, select_checks, with_cli
from .engine import run_checks
from .facts import FACT_PROVIDERS, assemble_facts
from .gitsafe import GitRefused, GitUnavailable, SafeGit
from .inputs import InputAbsent, Inputs
from .model import CheckResult, Outcome, Report, ScanNote, Scores
from .registry import Registry, load_registry
from .repo import Limits, RepoView
from .scoring import points_if_fixed, score
from .sources import Sources
from .story import build_story

Progress = Callable[[str], None]


def _history(git: SafeGit):
    commits = git.commits()
    if not commits:
        raise InputAbsent("the repository has no commits yet")
    return commits


CORE_PROVIDERS = {
    "sources": lambda repo: Sources(repo),
    "history": _history,
}


def scan(
    root: Path,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    fail_under: int | None = None,
    fail_under_area: Mapping[str, int] | None = None,
    registry: Registry | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> Report:
    """Scan the repository at `root` (read-only) and return its report."""
    say = progress or (lambda _msg: None)
    root = root.resolve()
    registry = registry or load_registry()
    notes: list[ScanNote] = list(registry.notes)
    with ExitStack() as stack:
        say("reading git history")
        git, git_reason = _open_git(root, notes)
        if git is not None:
            stack.callback(git.close)
        tree = git.tree() if git is not None and git.head else None
        say("listing files")
        repo = RepoView(root, tracked={e.path: e.size for e in tree} if tree is not None else None,
                        limits=limits or Limits())
        config = with_cli(read_repo_config(repo), select=select, ignore=ignore, fail_under=fail_under,
                          fail_under_area=fail_under_area)
        notes.extend(ScanNote(kind="config", message=p, path="pyproject.toml") for p in config.problems)
        selection = select_checks(registry.sorted(), config)
        notes.extend(ScanNote(kind="config", message=f"{u} in select/ignore matches no check")
                     for u in selection.unknown)
        given = {"repo": repo, "config": config, "tree": tree}
        if git is not None:
            given["git"] = git
        providers = {**CORE_PROVIDERS, **FACT_PROVIDERS}
        inputs = Inputs(providers, given)
        if git is None:
            inputs.mark_absent("git", git_reason)
            inputs.mark_absent("history", git_reason)
        outcomes = run_checks(selection.run, inputs, progress=say, available=registry.checks)
        say("assembling facts")
        facts = assemble_facts(inputs, notes)
        results = _results(selection.run, outcomes)
        say("writing talking points")
        story = build_story(inputs, results, notes)
        head = git.head if git is not None else None
    areas, overall = score([(r.area, r.weight, r.status) for r in results])
    notes.extend(repo.notes)
    return Report(
        tool_version=__version__,
        repo_root=str(root),
        commit=head,
        facts=facts,
        scores=Scores(areas=areas, overall=overall),
        checks=tuple(results),
        talking_points=story.talking_points,
        scan_notes=tuple(_dedupe(notes)),
        ignored=selection.ignored,
        fail_under=config.fail_under,
        fail_under_area=dict(config.fail_under_area),
        results=story.results,
        readme_suggestions=story.readme_suggestions,
    )


def _open_git(root: Path, notes: list[ScanNote]) -> tuple[SafeGit | None, str]:
    try:
        return SafeGit.open(root), ""
    except GitRefused as exc:
        notes.append(ScanNote(kind="git-refused", message=f"git history not read: {exc}", path=".git"))
        return None, f"git history was refused: {exc}"
    except GitUnavailable as exc:
        notes.append(ScanNote(kind="git-unavailable", message=f"no git history: {exc}"))
        return None, f"no git history: {exc}"


def _results(checks: Iterable[Check], outcomes: dict[str, Outcome]) -> list[CheckResult]:
    by_id = {c.id: c for c in checks}
    ordered = [by_id[i] for i in sorted(outcomes)]
    scored = [(c.area, c.weight, outcomes[c.id].status) for c in ordered]
    gains = points_if_fixed(scored)
    results = []
    for chk, gain in zip(ordered, gains):
        o = outcomes[chk.id]
        results.append(CheckResult(
            id=chk.id, area=chk.area, title=chk.title, severity=chk.severity, weight=chk.weight,
            status=o.status, message=o.message, evidence=o.evidence, fix=o.fix,
            talking_point=o.talking_point, question=o.question, points=gain,
        ))
    return results


def _dedupe(notes: list[ScanNote]) -> list[ScanNote]:
    seen, out = set(), []
    for n in notes:
        key = (n.kind, n.message, n.path)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out
