"""The risky half of a scan, run as a sandboxed job: open git, list the tree, run the checks, compute the facts.

`DetectJob` is handed to `sandbox.supervise`; it runs in a child process and reports three kinds of
steps over the channel:

* "meta": the head commit, the configuration, which checks run, and the notes of opening git and
  reading the configuration (a `Meta`);
* "check:ID": each check's `Outcome`, in dependency order;
* "fact:NAME": each fact detector's value (or `InputAbsent` / `Failed`), sent as soon as it is
  computed, whichever check first needed it. Inputs that only live in the child (the parsed sources,
  the git handle, the repository view) are reported as started and finished, so their time is
  watched, but their values stay in the child (`Kept`).

The repository view's notes (files refused or skipped) travel in batches, keys starting with "notes:".
A child started after a stopped step gets every finished value back as `known`, seeds its inputs
with them and carries on where the previous child stopped.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, read_repo_config, select_checks, with_cli
from .engine import run_checks
from .facts import FACT_PROVIDERS
from .facts.codepass import code_pass
from .gcpolicy import rare_collections
from .gitsafe import SafeGit
from .inputs import InputAbsent, Inputs
from .model import ScanNote
from .pool import compute_in_parallel
from .probe import RecordingRepoView, fingerprint, open_history
from .registry import Registry
from .repo import Limits, RepoView
from .sandbox import Channel, Failed
from .sources import Sources


@dataclass(frozen=True)
class Kept:
    """Stands for a value that stays in the child (parsed sources, the git handle): only its time is reported."""


NOTES = "notes:"  # prefix of the keys that carry the repository view's notes, batch by batch
SHARED_INPUTS = (*FACT_PROVIDERS, "history")  # what the report is assembled from, in the parent


@dataclass(frozen=True, kw_only=True)
class Meta:
    """What the parent needs besides checks and facts."""

    head: str | None
    config: Config
    run_ids: tuple[str, ...]
    ignored: Mapping[str, str]
    notes: tuple[ScanNote, ...]


@dataclass(frozen=True, kw_only=True)
class ScanRequest:
    """Everything a scan was asked for; the job's only argument besides the channel."""

    root: Path
    registry: Registry
    limits: Limits = field(default_factory=Limits)
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fail_under: int | None = None
    fail_under_area: Mapping[str, int] | None = None
    jobs: int = 1              # processes for the code pass and the detectors (`pool.py`); 1: the child does all
    record_reads: bool = False  # send a `Fingerprint` and the digest of every read (for the report cache)
    options: str = ""          # the digest of every option and of the code that shapes the report (`probe.options_digest`)



def _history(git: SafeGit):
    commits = git.commits()
    if not commits:
        raise InputAbsent("the repository has no commits yet")
    return commits


class _ReadSources:
    """The `sources` input: every notebook read, then the pass over the code (`codepass`), each file parsed
    once and read by every detector's per-file part, on `jobs` processes. One step, done before detectors
    are handed to workers so that none of them parses anything again; with a `channel` it reports its
    progress, and renews its step budget after each file or range of files."""

    def __init__(self, jobs: int, channel: Channel | None = None) -> None:
        self.jobs, self.channel = jobs, channel

    def __call__(self, repo: RepoView) -> Sources:
        sources = Sources(repo)
        channel = self.channel
        if channel is not None:
            channel.progress("reading notebooks")
        sources.notebooks  # noqa: B018 - read in this process, so that the pass's processes share them
        # the step budget bounds each file (each range of files with several processes), not the whole pass
        code_pass(sources, self.jobs, channel.progress if channel else None,
                  (lambda: channel.renewed("fact:sources")) if channel else None)
        return sources


CORE_PROVIDERS = {
    "sources": _ReadSources(jobs=1),
    "history": _history,
}


def describe_step(key: str) -> str:
    """How a step is named in a stop's reason: "check RD101", "the readme detector", "reading sources"."""
    kind, _, name = key.partition(":")
    if kind == "check":
        return f"check {name}"
    if kind == "fact":
        return f"reading {name}" if name in ("sources", "history", "repo") else f"the {name} detector"
    return {"meta": "listing the repository", "": "the start of the scan"}.get(key, key)


class DetectJob:
    """The sandboxed job: `DetectJob(request)(channel, known)`."""

    def __init__(self, request: ScanRequest) -> None:
        self.request = request

    def __call__(self, channel: Channel, known: Mapping[str, Any]) -> None:
        if isinstance(known.get("meta"), Failed):
            return  # the repository could not even be listed: nothing further can be done
        with rare_collections():
            self._detect(channel, known)

    def _detect(self, channel: Channel, known: Mapping[str, Any]) -> None:
        req = self.request
        watcher = _StepReporter(channel, generation=len(known))
        channel.started("meta")
        channel.progress("reading git history")
        notes: list[ScanNote] = []
        git, tree, git_reason = open_history(req.root, notes)
        try:
            channel.progress("listing files")
            view = RecordingRepoView if req.record_reads else RepoView
            repo = view(req.root, tracked={e.path: e.size for e in tree} if tree is not None else None,
                        limits=req.limits)
            if req.record_reads:
                watcher.finished("fingerprint", fingerprint(req.options, repo, git, git_reason))
            watcher.follow(repo.notes)
            config = with_cli(read_repo_config(repo), select=req.select, ignore=req.ignore,
                              fail_under=req.fail_under, fail_under_area=req.fail_under_area)
            notes.extend(ScanNote(kind="config", message=p, path="pyproject.toml") for p in config.problems)
            selection = select_checks(req.registry.sorted(), config)
            notes.extend(ScanNote(kind="config", message=f"{u} in select/ignore matches no check")
                         for u in selection.unknown)
            watcher.finished("meta", Meta(head=git.head if git is not None else None, config=config,
                                          run_ids=tuple(c.id for c in selection.run), ignored=selection.ignored,
                                          notes=tuple(notes)))
            given: dict[str, Any] = {"repo": repo, "config": config, "tree": tree}
            if git is not None:
                given["git"] = git
            providers = {**CORE_PROVIDERS, "sources": _ReadSources(req.jobs, channel), **FACT_PROVIDERS}
            inputs = Inputs(providers, given, watcher=watcher.prefixed("fact:"))
            if git is None:
                inputs.mark_absent("git", git_reason)
                inputs.mark_absent("history", git_reason)
            for key, value in known.items():
                if key.startswith("fact:") and not isinstance(value, Kept):
                    inputs.seed(key[len("fact:"):], value)
            if req.jobs > 1:
                _compute_quietly(inputs, "sources")
                compute_in_parallel(inputs, providers, SHARED_INPUTS, req.jobs,
                                    watcher.prefixed("fact:"), repo, channel.progress)
            checks = {k[len("check:"):]: v for k, v in known.items() if k.startswith("check:")}
            run_checks(selection.run, inputs, progress=channel.progress, available=req.registry.checks,
                       known=checks, watcher=watcher)
            channel.progress("assembling facts")
            for name in SHARED_INPUTS:
                if f"fact:{name}" not in known:
                    _compute_quietly(inputs, name)
            if isinstance(repo, RecordingRepoView):
                watcher.finished("reads", repo.reads)
        finally:
            if git is not None:
                git.close()


def _compute_quietly(inputs: Inputs, name: str) -> None:
    """Compute an input so that the watcher reports it; its absence or failure is reported the same way."""
    try:
        inputs.get(name)
    except Exception:  # the watcher has already sent the failure to the parent
        pass


class _StepReporter:
    """Forwards step starts and ends to the channel, sending shared values and any new repository notes."""

    def __init__(self, channel: Channel, generation: int, prefix: str = "", notes: list[ScanNote] | None = None,
                 sent: list[int] | None = None) -> None:
        self.channel, self.generation, self.prefix = channel, generation, prefix
        self._notes = notes
        self._sent = sent if sent is not None else [0]

    def follow(self, notes: list[ScanNote]) -> None:
        """Send new entries of `notes` (the repository view's) with every finished step."""
        self._notes = notes

    def prefixed(self, prefix: str) -> _StepReporter:
        return _StepReporter(self.channel, self.generation, prefix, self._notes, self._sent)

    def started(self, key: str, lane: int = 0) -> None:
        self.channel.started(self.prefix + key, lane)

    def describe(self, key: str) -> str:
        return describe_step(self.prefix + key)

    def stopped(self, key: str, reason: str) -> None:
        self.channel.stopped(self.prefix + key, reason)

    def finished(self, key: str, value: Any, lane: int = 0) -> None:
        if self._notes is not None and len(self._notes) > self._sent[0]:
            self.channel.finished(f"{NOTES}{self.generation}:{self._sent[0]}", tuple(self._notes[self._sent[0]:]))
            self._sent[0] = len(self._notes)
        shared = not self.prefix or key in SHARED_INPUTS
        self.channel.finished(self.prefix + key, value if shared else Kept(), lane)
