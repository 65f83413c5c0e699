"""Hostile git: a scanned repository whose `.git` would make git run programs or write files.

Each attack plants one kind of payload: config in `.git/config` (or pulled in by `include.path` /
`includeIf` from a file outside the repository), hooks, committed `.gitattributes` naming filter and diff
drivers, a dirty work tree with touched mtimes and a stale index, leftover lock files, or ref names shaped
like options. Every payload only touches a canary file in a folder OUTSIDE the repository.

Each attack is scanned end to end through the CLI (`portcheck REPO --format json`, plus the HTML,
Markdown and SARIF reports written outside the repository) and must leave: a report and exit status 0 or
1, no canary, the repository (`.git` included) byte-identical, and the scan's temporary folder empty.
A second test proves each payload is live: plain git on a copy of the repository does create its canary
(except where git itself ignores the setting, see NOT_PROVABLE).
"""
from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import run_cli
from gitutil import commit_files, git, git_env, make_git_repo, tree_snapshot, write_files
from test_gitsafe import _add_signed_commit

HOOK_NAMES = ("applypatch-msg", "commit-msg", "fsmonitor-watchman", "post-applypatch", "post-checkout",
              "post-commit", "post-index-change", "post-merge", "post-rewrite", "pre-auto-gc", "pre-commit",
              "pre-merge-commit", "pre-push", "pre-rebase", "prepare-commit-msg", "reference-transaction",
              "push-to-checkout", "sendemail-validate")
CAT_FIRST_ARG = 'cat "$1"'  # what a textconv driver does with the file it is given
REPORTS = {"html": "report.html", "markdown": "report.md", "sarif": "report.sarif"}


@dataclass(frozen=True)
class Proof:
    """A plain git command, run on a copy of the repository, and the canaries it must create.

    `tty`: standard output is a pseudo-terminal (git starts a pager only then)."""

    args: tuple[str, ...]
    makes: frozenset[str]
    stdin: bytes = b""
    tty: bool = False


@dataclass
class Stage:
    """One attack's folders under `root`: the repository, and outside it the payload scripts (`bin`), the
    canaries, the reports (`out`, the scan's working folder) and the scan's temporary folder (`tmp`).

    `head` is the commit HEAD resolves to, kept up to date by the attacks that add commits (they run
    git, so they do it in `prepare`, before any payload is armed)."""

    root: Path
    head: str = field(init=False)
    repo: Path = field(init=False)
    bin: Path = field(init=False)
    canaries: Path = field(init=False)
    out: Path = field(init=False)
    tmp: Path = field(init=False)

    def __post_init__(self) -> None:
        self.repo, self.bin, self.canaries = self.root / "repo", self.root / "bin", self.root / "canaries"
        self.out, self.tmp = self.root / "out", self.root / "tmp"
        for folder in (self.bin, self.canaries, self.out, self.tmp):
            folder.mkdir()
        make_git_repo(self.repo, {
            "README.md": "# Churn model\n\nPredicts churn from usage data.\n",
            "train.py": "import pandas as pd\n\nprint(pd.read_csv('data/train.csv').shape)\n",
            "data/train.csv": "a,b\n1,2\n",
            ".gitattributes": "* filter=evil diff=evil\n",
        })
        self.head = commit_files(self.repo, {"train.py": "import pandas as pd\n\nprint('v2')\n"}, message="v2")

    def touch(self, canary: str) -> str:
        """A shell command that creates canary CANARY."""
        return f"touch '{self.canaries / canary}'"

    def script(self, canary: str, then: str = "exit 0") -> str:
        """Path of an executable script outside the repository that creates canary CANARY, then runs THEN."""
        path = self.bin / canary
        path.write_text(f"#!/bin/sh\n{self.touch(canary)}\n{then}\n")
        path.chmod(0o755)
        return str(path)

    def configure(self, text: str, config: Path | None = None) -> None:
        """Append TEXT to the repository's `.git/config` (or to CONFIG)."""
        with open(config or self.repo / ".git" / "config", "a", encoding="utf-8") as handle:
            handle.write(text)

    def made(self) -> set[str]:
        """The canaries that exist."""
        return set(os.listdir(self.canaries))


def _no_git(stage: Stage) -> None:
    """The `prepare` of an attack that needs no git command."""


@dataclass(frozen=True)
class Attack:
    """A payload: `prepare` runs the git commands it needs (commits, staging, refs) while the repository
    is still harmless; `arm` then only writes files and returns the plain-git proofs that it is live."""

    arm: Callable[[Stage], tuple[Proof, ...]]
    prepare: Callable[[Stage], None] = _no_git

    @property
    def name(self) -> str:
        return self.arm.__name__


def _proof(*args: str, makes: str | tuple[str, ...], stdin: bytes = b"", tty: bool = False) -> Proof:
    return Proof(args=args, makes=frozenset((makes,) if isinstance(makes, str) else makes), stdin=stdin, tty=tty)


# --------------------------------------------------------------------------- programs named in config

def fsmonitor_script(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[core]\n\tfsmonitor = {stage.script('fsmonitor')}\n")
    return (_proof("status", makes="fsmonitor"),)


def fsmonitor_shell_command_without_bang(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[core]\n\tfsmonitor = {stage.touch('fsmonitor-command')}; false\n")
    return (_proof("status", makes="fsmonitor-command"),)


def hooks_in_git_hooks(stage: Stage) -> tuple[Proof, ...]:
    for name in HOOK_NAMES:
        hook = stage.repo / ".git" / "hooks" / name
        hook.write_text(f"#!/bin/sh\n{stage.touch('hook-' + name)}\n")
        hook.chmod(0o755)
    return (_proof("status", makes="hook-post-index-change"),
            _proof("checkout", "-q", "-b", "proof", makes=("hook-post-checkout", "hook-reference-transaction")))


def _commit_hooks_folder(stage: Stage) -> None:
    write_files(stage.repo, {f".githooks/{name}": f"#!/bin/sh\n{stage.touch('hooks-path-' + name)}\n"
                             for name in HOOK_NAMES})
    for name in HOOK_NAMES:
        (stage.repo / ".githooks" / name).chmod(0o755)
    stage.head = commit_files(stage.repo, {}, message="add hooks")


def hooks_path_to_a_committed_folder(stage: Stage) -> tuple[Proof, ...]:
    stage.configure("[core]\n\thooksPath = .githooks\n")
    return (_proof("checkout", "-q", "-b", "proof", makes=("hooks-path-post-checkout", "hooks-path-reference-transaction")),)


def _drivers(stage: Stage, prefix: str) -> str:
    """Config text defining the drivers the committed `.gitattributes` names (filter "evil": clean and
    smudge; diff "evil": textconv), with canaries PREFIX-clean, PREFIX-smudge, PREFIX-textconv."""
    return (f'[filter "evil"]\n\tclean = {stage.script(prefix + "-clean", "cat")}\n'
            f'\tsmudge = {stage.script(prefix + "-smudge", "cat")}\n\trequired = true\n'
            f'[diff "evil"]\n\ttextconv = {stage.script(prefix + "-textconv", CAT_FIRST_ARG)}\n')


def filter_clean_and_smudge_drivers(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(_drivers(stage, "filter"))
    return (_proof("status", makes="filter-clean"), _proof("checkout", "HEAD~1", "--", "train.py", makes="filter-smudge"))


def filter_process_driver(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f'[filter "evil"]\n\tprocess = {stage.script("process", "exit 1")}\n\trequired = true\n')
    return (_proof("status", makes="process"),)


def diff_textconv_from_gitattributes_and_info_attributes(stage: Stage) -> tuple[Proof, ...]:
    (stage.repo / ".git" / "info").mkdir(exist_ok=True)
    (stage.repo / ".git" / "info" / "attributes").write_text("*.py diff=evilinfo\n")
    stage.configure(f'[diff "evil"]\n\ttextconv = {stage.script("textconv", CAT_FIRST_ARG)}\n'
                    f'[diff "evilinfo"]\n\ttextconv = {stage.script("textconv-info", CAT_FIRST_ARG)}\n')
    return (_proof("log", "-p", makes=("textconv", "textconv-info")),)


def diff_driver_command(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f'[diff "evil"]\n\tcommand = {stage.script("diff-command")}\n')
    return (_proof("diff", "HEAD~1", "HEAD", makes="diff-command"),)


def diff_external(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[diff]\n\texternal = {stage.script('diff-external')}\n")
    return (_proof("diff", "HEAD~1", "HEAD", makes="diff-external"),)


def pagers(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[core]\n\tpager = {stage.script('pager')}\n"
                    f"[pager]\n\tlog = {stage.touch('pager-log')}\n\tblame = {stage.touch('pager-blame')}\n")
    return (_proof("show", makes="pager", tty=True), _proof("log", "-1", makes="pager-log", tty=True))


def ssh_command(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f'[core]\n\tsshCommand = {stage.script("ssh-command")}\n'
                    '[remote "origin"]\n\turl = ssh://example.invalid/repo.git\n')
    return (_proof("ls-remote", "origin", makes="ssh-command"),)


def git_proxy(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f'[core]\n\tgitProxy = {stage.script("git-proxy")}\n')
    return (_proof("ls-remote", "git://example.invalid/repo.git", makes="git-proxy"),)


def ext_transport_remote(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f'[protocol "ext"]\n\tallow = always\n'
                    f'[remote "origin"]\n\turl = ext::{stage.script("ext-remote", "exit 1")}\n')
    return (_proof("ls-remote", "origin", makes="ext-remote"),)


def askpass_and_credential_helper(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[core]\n\taskPass = {stage.script('askpass')}\n"
                    f"[credential]\n\thelper = !{stage.script('credential-helper')}\n")
    return (_proof("credential", "fill", makes=("askpass", "credential-helper"),
                   stdin=b"protocol=https\nhost=example.invalid\n\n"),)


def aliases(stage: Stage) -> tuple[Proof, ...]:
    # git never lets an alias shadow a built-in command (log, rev-list, ...), so only `st` is provable.
    shadowing = "".join(f"\t{name} = !{stage.touch('alias-' + name)}\n"
                        for name in ("log", "rev-list", "rev-parse", "cat-file", "ls-tree", "status"))
    stage.configure(f"[alias]\n{shadowing}\tst = !{stage.touch('alias-st')}\n")
    return (_proof("st", makes="alias-st"),)


def editors(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[core]\n\teditor = {stage.script('editor')}\n"
                    f"[sequence]\n\teditor = {stage.script('sequence-editor')}\n")
    return (_proof("commit", "--allow-empty", makes="editor"),
            _proof("rebase", "-i", "HEAD~1", makes="sequence-editor"))


def _sign_head(stage: Stage) -> None:
    stage.head = _add_signed_commit(stage.repo)


def gpg_program_with_a_signed_commit(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {stage.script('gpg')}\n"
                    f'[gpg "ssh"]\n\tprogram = {stage.script("gpg-ssh")}\n'
                    f'[gpg "x509"]\n\tprogram = {stage.script("gpg-x509")}\n')
    return (_proof("log", "-1", makes="gpg"),)


def upload_pack_pack_objects_hook(stage: Stage) -> tuple[Proof, ...]:
    stage.configure(f"[uploadpack]\n\tpackObjectsHook = {stage.script('pack-objects-hook')}\n")
    return ()


# --------------------------------------------------------------------------- config pulled from outside

def _outside_config(stage: Stage, name: str) -> Path:
    """A config file OUTSIDE the repository carrying payloads whose canaries are prefixed with NAME,
    `core.hooksPath` included (a folder of hooks outside the repository)."""
    path, hooks = stage.root / f"{name}.cfg", stage.root / f"{name}-hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\n{stage.touch(name + '-hook')}\n")
        (hooks / hook).chmod(0o755)
    stage.configure(f"[core]\n\tfsmonitor = {stage.script(name + '-fsmonitor')}\n\thooksPath = {hooks}\n"
                    f"\tpager = {stage.touch(name + '-pager')}\n{_drivers(stage, name)}"
                    f"[alias]\n\tst = !{stage.touch(name + '-alias')}\n", path)
    return path


def include_path_relative_to_a_file_outside(stage: Stage) -> tuple[Proof, ...]:
    _outside_config(stage, "include")
    stage.configure("[include]\n\tpath = ../../include.cfg\n")  # relative to .git/config: ROOT/include.cfg
    return (_proof("status", makes=("include-fsmonitor", "include-clean")), _proof("log", "-p", makes="include-textconv"))


def include_if_gitdir(stage: Stage) -> tuple[Proof, ...]:
    path = _outside_config(stage, "gitdir")
    stage.configure(f'[includeIf "gitdir:{stage.root}/"]\n\tpath = {path}\n')
    return (_proof("status", makes=("gitdir-fsmonitor", "gitdir-clean")),
            _proof("checkout", "-q", "-b", "proof", makes="gitdir-hook"))


def include_if_onbranch(stage: Stage) -> tuple[Proof, ...]:
    path = _outside_config(stage, "onbranch")
    stage.configure(f'[includeIf "onbranch:main"]\n\tpath = {path}\n[includeIf "onbranch:**"]\n\tpath = {path}\n')
    return (_proof("status", makes=("onbranch-fsmonitor", "onbranch-clean")), _proof("log", "-p", makes="onbranch-textconv"))


# --------------------------------------------------------------------------- work tree, index, locks, refs

def _dirty_the_work_tree(stage: Stage) -> None:
    """A staged change not committed (the index differs from HEAD), then the work tree edited after it."""
    (stage.repo / "README.md").write_text("# Churn model\n\nPredicts churn. Staged, not committed.\n")
    git(stage.repo, "add", "README.md")


def dirty_work_tree_with_touched_mtimes(stage: Stage) -> tuple[Proof, ...]:
    repo = stage.repo
    (repo / "train.py").write_text("print('edited in the work tree')\n")
    os.utime(repo / "train.py", (2_000_000_000, 2_000_000_000))      # in the future
    os.utime(repo / "data" / "train.csv", (1_000_000_000, 1_000_000_000))  # same bytes, older stat
    (repo / "README.md").write_text("# Churn model\n\nEdited again after staging.\n")
    (repo / "untracked.py").write_text("print('not tracked')\n")
    stage.configure(f"[core]\n\tfsmonitor = {stage.script('dirty-fsmonitor')}\n{_drivers(stage, 'dirty')}")
    hook = repo / ".git" / "hooks" / "post-index-change"
    hook.write_text(f"#!/bin/sh\n{stage.touch('dirty-post-index-change')}\n")
    hook.chmod(0o755)
    return (_proof("status", makes=("dirty-fsmonitor", "dirty-clean", "dirty-post-index-change")),
            _proof("diff", makes="dirty-textconv"))


def leftover_lock_files(stage: Stage) -> tuple[Proof, ...]:
    git_dir = stage.repo / ".git"
    for rel in ("index.lock", "HEAD.lock", "config.lock", "packed-refs.lock", "shallow.lock", "refs/heads/main.lock"):
        (git_dir / rel).write_bytes(b"left behind by a crashed git\n")
    return ()


def _option_shaped_refs(stage: Stage) -> None:
    """Branches and tags named like options; HEAD on a branch `--output=CANARY` holding one more commit."""
    repo = stage.repo
    main = stage.head
    tree = git(repo, "rev-parse", "HEAD^{tree}")
    extra = git(repo, "commit-tree", tree, "-p", main, "-m", "on an option-shaped branch")
    branch = f"refs/heads/--output={stage.canaries / 'branch-output'}"
    for ref, sha in ((branch, extra), ("refs/heads/-n", main), ("refs/heads/--all", main),
                     (f"refs/tags/--output={stage.canaries / 'tag-output'}", main),
                     ("refs/remotes/origin/--exec=touch", main)):
        git(repo, "update-ref", ref, sha)
    packed = f"{main} refs/heads/--no-walk\n{main} refs/tags/--output={stage.canaries / 'packed-output'}\n"
    with open(repo / ".git" / "packed-refs", "a", encoding="ascii") as handle:
        handle.write(packed)
    (repo / ".git" / "HEAD").write_text(f"ref: {branch}\n")
    stage.head = extra


def option_shaped_ref_names(stage: Stage) -> tuple[Proof, ...]:
    # Each short name, passed to git as a bare argument, is an option that writes a file.
    return (_proof("log", f"--output={stage.canaries / 'branch-output'}", makes="branch-output"),
            _proof("log", f"--output={stage.canaries / 'tag-output'}", makes="tag-output"))


ATTACKS = (
    Attack(fsmonitor_script),
    Attack(fsmonitor_shell_command_without_bang),
    Attack(hooks_in_git_hooks),
    Attack(hooks_path_to_a_committed_folder, _commit_hooks_folder),
    Attack(filter_clean_and_smudge_drivers),
    Attack(filter_process_driver),
    Attack(diff_textconv_from_gitattributes_and_info_attributes),
    Attack(diff_driver_command),
    Attack(diff_external),
    Attack(pagers),
    Attack(ssh_command),
    Attack(git_proxy),
    Attack(ext_transport_remote),
    Attack(askpass_and_credential_helper),
    Attack(aliases),
    Attack(editors),
    Attack(gpg_program_with_a_signed_commit, _sign_head),
    Attack(upload_pack_pack_objects_hook),
    Attack(include_path_relative_to_a_file_outside),
    Attack(include_if_gitdir),
    Attack(include_if_onbranch),
    Attack(dirty_work_tree_with_touched_mtimes, _dirty_the_work_tree),
    Attack(leftover_lock_files),
    Attack(option_shaped_ref_names, _option_shaped_refs),
)
# git honours uploadpack.packObjectsHook only from protected (system, global, command-line) config, and a
# lock file is data, not a program: neither has a plain-git proof.
NOT_PROVABLE = {"upload_pack_pack_objects_hook", "leftover_lock_files"}


def _params(attacks: tuple[Attack, ...]) -> list:
    return [pytest.param(attack, id=attack.name) for attack in attacks]


def _also(stage: Stage, formats: list[str]) -> list[str]:
    """`--also FORMAT=FILE` arguments writing each of FORMATS to `stage.out` (outside the repository)."""
    return [arg for fmt in formats for arg in ("--also", f"{fmt}={stage.out / REPORTS[fmt]}")]


# --------------------------------------------------------------------------- running the scan and plain git

def _scan_leaves_no_trace(stage: Stage, *args: str, command: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run `portcheck [COMMAND] REPO ARGS` from `stage.out` and assert the invariants: exit status 0 or 1
    without a traceback, no canary, the repository byte-identical, the temporary folder left empty."""
    before = tree_snapshot(stage.repo)
    proc = run_cli(*command, str(stage.repo), *args, cwd=stage.out, env={**os.environ, "TMPDIR": str(stage.tmp)})
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert stage.made() == set()
    assert tree_snapshot(stage.repo) == before
    assert os.listdir(stage.tmp) == []
    return proc


def _assert_history_was_read(stage: Stage, doc: dict) -> None:
    """The scan read the history through git (it did not just refuse the repository)."""
    assert doc["repo"]["commit"] == stage.head
    checks = {check["id"]: check for check in doc["checks"]}
    assert checks["QA108"]["status"] not in ("skip", "error"), checks["QA108"]
    assert checks["QA130"]["status"] == "pass" and "objects checked" in checks["QA130"]["message"], checks["QA130"]


def _run_plain_git(repo: Path, proof: Proof) -> None:
    """Run `git PROOF.args` in REPO the way a user would (their git, the repository's config)."""
    env = git_env()
    if not proof.tty:
        subprocess.run(["git", *proof.args], cwd=repo, input=proof.stdin, capture_output=True, env=env,
                       timeout=30, check=False)
        return
    leader, follower = pty.openpty()
    try:
        subprocess.run(["git", *proof.args], cwd=repo, stdin=subprocess.DEVNULL, stdout=follower,
                       stderr=subprocess.DEVNULL, env=env, timeout=30, check=False)
    finally:
        os.close(follower)
        os.close(leader)


@pytest.fixture
def stage(tmp_path: Path) -> Stage:
    return Stage(tmp_path)


@pytest.mark.parametrize("attack", _params(ATTACKS))
def test_hostile_git_payload_never_runs_and_the_repository_stays_byte_identical(stage: Stage, attack: Attack) -> None:
    attack.prepare(stage)
    attack.arm(stage)
    proc = _scan_leaves_no_trace(stage, "--format", "json", *_also(stage, list(REPORTS)))
    _assert_history_was_read(stage, json.loads(proc.stdout))
    assert all((stage.out / name).stat().st_size > 0 for name in REPORTS.values())


@pytest.mark.parametrize("attack", _params(tuple(a for a in ATTACKS if a.name not in NOT_PROVABLE)))
def test_hostile_git_payload_is_live_under_plain_git(stage: Stage, attack: Attack) -> None:
    """Control: git run the usual way on a copy does create the canaries, so the scan's silence means something."""
    attack.prepare(stage)
    proofs = attack.arm(stage)
    assert proofs and stage.made() == set()
    copy = stage.root / "plain-git-copy"
    shutil.copytree(stage.repo, copy, symlinks=True)  # copied files are stat-dirty: git re-reads them
    for proof in proofs:
        _run_plain_git(copy, proof)
    assert frozenset().union(*(proof.makes for proof in proofs)) <= stage.made()


def test_every_payload_at_once_stays_inert_for_each_report_format_and_for_diff_since(stage: Stage) -> None:
    for attack in ATTACKS:
        attack.prepare(stage)
    for attack in ATTACKS:
        attack.arm(stage)
    _scan_leaves_no_trace(stage, "--format", "html", "-o", str(stage.out / REPORTS["html"]),
                          *_also(stage, ["markdown", "sarif"]))
    assert all((stage.out / name).stat().st_size > 0 for name in REPORTS.values())
    proc = _scan_leaves_no_trace(stage, "--since", "main", "--format", "json", command=("diff",))
    assert json.loads(proc.stdout)
