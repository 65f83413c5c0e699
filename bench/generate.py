"""Generate a realistic synthetic machine-learning repository of N tracked files, with a git history.

The repository has a nested Python package (modules with functions and classes of varied complexity),
tests, entry-point scripts, executed-looking notebooks, experiment configurations, small data samples,
documentation, requirements, a README with a results table, CI and a history of --commits commits,
written in one `git fast-import` stream. The same --seed, --files and --commits give the same commit
ids on any machine (fixed authors and dates, no user git configuration). Nothing touches the network.

    python bench/generate.py /tmp/bench/gen-10k --files 10000 --commits 2000

The final tree has exactly --files tracked files (scratch files added along the way are deleted
again); HEAD is checked out into the work tree.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402  the sibling module with the file contents

BASE_EPOCH = 1_600_000_000
AUTHORS = [("Ada Lovelace", "ada@example.com"), ("Alan Turing", "alan@example.com"),
           ("Grace Hopper", "grace@example.com"), ("Katherine Johnson", "katherine@example.com"),
           ("Edsger Dijkstra", "edsger@example.com")]
MIN_FILES = 16
# shares of the files beyond the fixed top-level ones; Python modules take the rest
SHARES = {"notebook": 0.02, "doc": 0.03, "config": 0.04, "data": 0.04, "test": 0.12, "script": 0.02}
FILES_PER_FOLDER = 15


@dataclass(frozen=True)
class Planned:
    """One file of the final tree: its path, what kind of content it holds, and a name it talks about."""

    path: str
    kind: str
    subject: str = ""


@dataclass
class Commit:
    """One commit of the plan: files written (path -> content version) and files deleted."""

    message: str
    writes: dict[str, int] = field(default_factory=dict)
    deletes: list[str] = field(default_factory=list)


def plan_files(count: int, rng: random.Random, package: str) -> list[Planned]:
    """Exactly `count` files: fixed top-level files, then notebooks, docs, ..., and a nested package."""
    if count < MIN_FILES:
        raise ValueError(f"--files must be at least {MIN_FILES}")
    fixed = [Planned("README.md", "readme"), Planned("requirements.txt", "requirements"),
             Planned("pyproject.toml", "pyproject"), Planned(".github/workflows/ci.yml", "ci"),
             Planned("configs/default.yaml", "config"), Planned("scripts/train.py", "script", "train"),
             Planned("scripts/evaluate.py", "script", "evaluate")]
    fixed += [Planned(path, "static") for path in synthetic.STATIC_FILES]
    rest = count - len(fixed)
    quota = {kind: max(1, int(rest * share)) for kind, share in SHARES.items()}
    modules = _package_files(rest - sum(quota.values()), rng, package)
    planned = fixed + modules
    targets = [p.subject for p in modules if p.kind == "module"] or [package]
    for index in range(quota["notebook"]):
        folder = "notebooks" if index % 3 else f"notebooks/{rng.choice(synthetic.TOPICS)}"
        planned.append(Planned(f"{folder}/{index:03d}_{rng.choice(synthetic.VERBS)}_{rng.choice(synthetic.OBJECTS)}.ipynb",
                               "notebook", rng.choice(synthetic.OBJECTS)))
    for index in range(quota["doc"]):
        topic = rng.choice(synthetic.TOPICS)
        planned.append(Planned(f"docs/{topic}/{topic}_{index}.md", "doc", topic))
    for index in range(quota["config"]):
        planned.append(Planned(f"configs/{rng.choice(synthetic.TOPICS)}/experiment_{index}.yaml", "config"))
    for index in range(quota["data"]):
        suffix = ".json" if index % 4 == 0 else ".csv"
        folder = "results" if suffix == ".json" else f"data/samples/{rng.choice(synthetic.TOPICS)}"
        planned.append(Planned(f"{folder}/sample_{index}{suffix}", "data", suffix))
    for index in range(quota["test"]):
        target = rng.choice(targets)
        folder = target.split(".")[-2] if "." in target else "unit"
        planned.append(Planned(f"tests/{folder}/test_{index}.py", "test", target))
    for index in range(quota["script"]):
        planned.append(Planned(f"scripts/{rng.choice(synthetic.VERBS)}_{index}.py", "script", rng.choice(synthetic.VERBS)))
    return planned


def _package_files(count: int, rng: random.Random, package: str) -> list[Planned]:
    """`count` files of a package under src/: folders nested up to five deep, each with an __init__.py."""
    folders = [[package]]
    while len(folders) * FILES_PER_FOLDER < count:
        parent = rng.choice([f for f in folders if len(f) < 5])
        folders.append(parent + [f"{rng.choice(synthetic.TOPICS)}_{len(folders)}"])
    files = [Planned("src/" + "/".join(f) + "/__init__.py", "init", f[-1]) for f in folders][:count]
    for index in range(count - len(files)):
        folder = folders[index % len(folders)]
        stem = f"{rng.choice(synthetic.NOUNS)}_{index}"
        files.append(Planned("src/" + "/".join(folder) + f"/{stem}.py", "module", ".".join(folder + [stem])))
    return files


def content(spec: Planned, version: int, seed: int, package: str) -> bytes:
    """The text of `spec` at `version`, deterministic from (seed, path, version)."""
    rng = random.Random(f"{seed}/{spec.path}/{version}")
    kind = spec.kind
    if kind == "module":
        text = synthetic.python_module(rng, spec.subject.rsplit(".", 1)[-1])
    elif kind == "init":
        text = synthetic.package_init(rng, spec.subject)
    elif kind == "test":
        text = synthetic.test_module(rng, spec.subject)
    elif kind == "script":
        text = synthetic.script(rng, package, spec.subject)
    elif kind == "notebook":
        text = synthetic.notebook(rng, f"{spec.subject.title()} experiments")
    elif kind == "readme":
        text = synthetic.readme(rng, package.replace("_", " ").title(), package)
    elif kind == "requirements":
        text = synthetic.requirements(rng)
    elif kind == "pyproject":
        text = synthetic.pyproject(package)
    elif kind == "ci":
        text = synthetic.ci_workflow()
    elif kind == "config":
        text = synthetic.config_yaml(rng)
    elif kind == "data":
        text = synthetic.data_file(rng, spec.subject)
    elif kind == "doc":
        text = synthetic.doc(rng, spec.subject)
    elif kind == "static":
        text = synthetic.STATIC_FILES[spec.path]
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return text.encode("utf-8")


def plan_history(files: list[Planned], commits: int, rng: random.Random) -> list[Commit]:
    """`commits` commits whose end state is exactly `files` (each at its last written version).

    The first commit holds the top-level files; every other file arrives in one commit; each commit
    also edits 0-3 files already present, now and then the README; a few scratch files come and go.
    """
    if commits < 1:
        raise ValueError("--commits must be at least 1")
    plan = [Commit(message="Initial project layout") for _ in range(commits)]
    fixed = [p for p in files if p.path.count("/") == 0 or p.kind in ("ci", "static")]
    for spec in fixed:
        plan[0].writes[spec.path] = 0
    for spec in files:
        if spec.path not in plan[0].writes:
            plan[rng.randrange(commits)].writes[spec.path] = 0
    present: list[str] = []
    versions: dict[str, int] = {}
    for index, commit in enumerate(plan):
        # at least one edit when nothing arrives, so no commit is empty (commit 0 always adds files)
        edits = rng.sample(present, min(len(present), rng.randint(0 if commit.writes else 1, 3)))
        if index and index % 25 == 0:
            edits.append("README.md")
        for path in edits:
            versions[path] = versions.get(path, 0) + 1
            commit.writes[path] = versions[path]
        present.extend(p for p, v in commit.writes.items() if v == 0)
        if 0 < index < commits - 1 and rng.random() < 0.02:
            scratch = f"scratch/tmp_{index}.py"
            commit.writes[scratch] = 0
            plan[min(commits - 1, index + rng.randint(1, 30))].deletes.append(scratch)
        if index:
            commit.message = _message(rng, commit)
    return plan


def _message(rng: random.Random, commit: Commit) -> str:
    path = rng.choice(list(commit.writes) or commit.deletes)
    name = path.rsplit("/", 1)[-1]
    if "README" in name:
        return "Update README results table"
    if commit.writes.get(path) == 0:
        return f"Add {name}"
    return rng.choice([f"Fix {rng.choice(synthetic.OBJECTS)} handling in {name}", f"Refactor {name}",
                       f"Tune {rng.choice(synthetic.OBJECTS)} in {name}", f"Speed up {name}",
                       f"Clean up {name}", f"Log {rng.choice(synthetic.OBJECTS)} in {name}"])


def fast_import_stream(files: list[Planned], plan: list[Commit], seed: int, package: str) -> Iterator[bytes]:
    """The `git fast-import` input for `plan` on refs/heads/main, one chunk per commit."""
    by_path = {p.path: p for p in files}
    rng = random.Random(f"{seed}/authors")
    when = BASE_EPOCH
    for index, commit in enumerate(plan):
        when += rng.randint(600, 36 * 3600)
        author, email = rng.choice(AUTHORS)
        message = commit.message.encode("utf-8") + b"\n"
        chunk = [b"commit refs/heads/main\n", f"mark :{index + 1}\n".encode(),
                 f"author {author} <{email}> {when} +0000\n".encode(),
                 f"committer {author} <{email}> {when} +0000\n".encode(),
                 f"data {len(message)}\n".encode(), message]
        if index:
            chunk.append(f"from :{index}\n".encode())
        for path, version in sorted(commit.writes.items()):
            spec = by_path.get(path) or Planned(path, "module", "scratch.tmp")
            data = content(spec, version, seed, package)
            mode = "100755" if spec.kind == "script" else "100644"
            chunk += [f"M {mode} inline {path}\n".encode(), f"data {len(data)}\n".encode(), data, b"\n"]
        chunk += [f"D {path}\n".encode() for path in sorted(commit.deletes)]
        chunk.append(b"\n")
        yield b"".join(chunk)


def _git_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", os.defpath), "HOME": "/nonexistent", "LC_ALL": "C",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0"}


def generate(dest: Path, files: int, *, seed: int = 0, commits: int = 500) -> str:
    """Create the repository at `dest` (absent or an empty folder) and return HEAD's commit id."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not an empty folder")
    rng = random.Random(seed)
    package = f"{rng.choice(synthetic.OBJECTS)}_{rng.choice(['lab', 'kit', 'ml', 'core'])}"
    planned = plan_files(files, rng, package)
    plan = plan_history(planned, commits, rng)
    dest.mkdir(parents=True, exist_ok=True)
    env = _git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=env)
    importer = subprocess.Popen(["git", "-C", str(dest), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, env=env)
    assert importer.stdin is not None
    try:
        for chunk in fast_import_stream(planned, plan, seed, package):
            importer.stdin.write(chunk)
        importer.stdin.write(b"done\n")
    finally:
        importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError(f"git fast-import failed with status {importer.returncode}")
    subprocess.run(["git", "-C", str(dest), "reset", "-q", "--hard", "main"], check=True, env=env)
    return subprocess.run(["git", "-C", str(dest), "rev-parse", "HEAD"], check=True, capture_output=True,
                          env=env, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    """Command line: generate one repository and print its path, size and HEAD."""
    parser = argparse.ArgumentParser(
        prog="generate.py", description=__doc__.split("\n\n")[0],
        epilog="Example: python bench/generate.py /tmp/bench/gen-1k --files 1000 --commits 500")
    parser.add_argument("dest", type=Path, help="where to create the repository (must not exist, or be empty)")
    parser.add_argument("--files", type=int, default=1000, help="tracked files in the final tree (default 1000)")
    parser.add_argument("--commits", type=int, default=500, help="commits in the history (default 500)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same repository")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        head = generate(args.dest, args.files, seed=args.seed, commits=args.commits)
    except (ValueError, FileExistsError) as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    print(f"{args.dest}: {args.files} files, {args.commits} commits, HEAD {head} "
          f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
