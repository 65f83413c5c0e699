"""Linter and formatter facts (`linting`): which code-quality tools the project configures, where, and
whether pre-commit or CI actually runs them.

Tools: ruff, flake8, pylint, pycodestyle, pydocstyle, pyflakes (linters), black, isort, yapf, autopep8
(formatters), mypy, pyright (type checkers). Evidence, all read as text and never run:

- configuration: `ruff.toml` / `.ruff.toml`, `.flake8`, `.pylintrc` / `pylintrc`, `.isort.cfg`,
  `mypy.ini` / `.mypy.ini`, `.style.yapf`, `pyrightconfig.json` (any folder), a `[tool.<name>]` table
  in a `pyproject.toml`, a `[<name>]` section (`[pylint.*]`, `[mypy-*]`, `[tool:isort]`, `[pep8]`) in a
  `setup.cfg` or `tox.ini`; tables and sections are found by their header lines, so each has a line;
- pre-commit: the hooks of the root `.pre-commit-config.yaml` (id and `entry`), each hook with its line;
- Makefile: a recipe line that runs one (`lint: ruff check .`), with its line;
- CI: the lint steps `ci` found (its `runs_linter`, and `uses:` actions such as `psf/black`); a CI step
  running `pre-commit` runs every hook;
- declaration: the tool listed as a dependency (e.g. in requirements-dev.txt) — a weak sign, since
  nothing shows it is run.

Files under vendored folders (see `complexity.VENDORED_FOLDERS`) are not read.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import Evidence
from ..project_files import MAKEFILE_NAMES, Makefile, read_makefile, read_toml
from ..repo import RepoView
from .ci import CIFacts, locate_line, runs_linter, simple_commands
from .common import excerpt
from .complexity import VENDORED_FOLDERS
from .dependencies import DependencyFacts
from .yamlsafe import try_load_yaml

TOOL_KINDS = {
    "ruff": "linter", "flake8": "linter", "pylint": "linter", "pycodestyle": "linter", "pydocstyle": "linter",
    "pyflakes": "linter", "black": "formatter", "isort": "formatter", "yapf": "formatter",
    "autopep8": "formatter", "mypy": "type checker", "pyright": "type checker",
}
_TOOL = re.compile(r"(?<![\w])(" + "|".join(TOOL_KINDS) + r")(?![\w])", re.IGNORECASE)
CONFIG_FILES = {
    "ruff.toml": "ruff", ".ruff.toml": "ruff", ".flake8": "flake8", ".pylintrc": "pylint", "pylintrc": "pylint",
    ".isort.cfg": "isort", "mypy.ini": "mypy", ".mypy.ini": "mypy", ".style.yapf": "yapf",
    "pyrightconfig.json": "pyright",
}
_TOML_TABLE = re.compile(r"^\s*\[\[?\s*tool\.(" + "|".join(TOOL_KINDS) + r")\s*[.\]]")
_INI_SECTION = re.compile(r"^\s*\[\s*(?:tool:)?(flake8|isort|mypy|pylint|pycodestyle|pep8|pydocstyle|yapf)"
                          r"(?:[.\-:][^\]]*)?\s*\]")
_INI_ALIASES = {"pep8": "pycodestyle"}
PRE_COMMIT_FILE = ".pre-commit-config.yaml"


@dataclass(frozen=True, kw_only=True)
class LintTool:
    """One tool and every place that configures, runs or declares it."""

    name: str
    kind: str                        # "linter" | "formatter" | "type checker"
    configs: tuple[Evidence, ...]    # configuration files and tables
    hooks: tuple[Evidence, ...]      # pre-commit hooks
    ci: tuple[Evidence, ...]         # CI steps
    make: tuple[Evidence, ...]       # Makefile recipe lines
    declared: tuple[Evidence, ...]   # dependency declarations

    @property
    def configured(self) -> bool:
        """Configured or run somewhere (a bare dependency declaration does not count)."""
        return bool(self.configs or self.hooks or self.ci or self.make)

    @property
    def enforced(self) -> bool:
        """Run automatically, by pre-commit or CI."""
        return bool(self.hooks or self.ci)

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        return self.configs + self.hooks + self.ci + self.make + (() if self.configured else self.declared)


@dataclass(frozen=True, kw_only=True)
class LintingFacts:
    """Code-quality tools of the repository, sorted by name, and pre-commit / CI lint facts."""

    tools: tuple[LintTool, ...]
    pre_commit: Evidence | None            # the root .pre-commit-config.yaml, when present
    pre_commit_hooks: tuple[str, ...]      # every hook id in it, in file order
    pre_commit_in_ci: bool                 # a CI step runs pre-commit
    ci_steps: tuple[Evidence, ...]         # every CI lint step, tool recognised or not
    problems: tuple[Evidence, ...] = ()    # a pre-commit config that could not be read

    @property
    def configured(self) -> tuple[LintTool, ...]:
        return tuple(t for t in self.tools if t.configured)

    @property
    def declared_only(self) -> tuple[LintTool, ...]:
        """Tools listed as dependencies that nothing configures or runs."""
        return tuple(t for t in self.tools if not t.configured and t.declared)

    @property
    def present(self) -> bool:
        """Some linter, formatter or type checker is configured, or CI runs a lint step."""
        return bool(self.configured or self.ci_steps)


@dataclass
class _Places:
    configs: list[Evidence] = field(default_factory=list)
    hooks: list[Evidence] = field(default_factory=list)
    ci: list[Evidence] = field(default_factory=list)
    make: list[Evidence] = field(default_factory=list)
    declared: list[Evidence] = field(default_factory=list)


def _tools_in(text: str) -> list[str]:
    """Tool names mentioned in a command, hook id or action (in order, without repeats)."""
    found: list[str] = []
    for match in _TOOL.finditer(text):
        name = match.group(1).lower()
        if name not in found:
            found.append(name)
    return found


def _vendored(path: str) -> bool:
    return any(part.lower() in VENDORED_FOLDERS for part in path.split("/")[:-1])


def _config_tables(path: str, text: str) -> list[tuple[str, Evidence]]:
    """(tool, evidence) for each tool table of a pyproject.toml or section of a setup.cfg / tox.ini."""
    pattern = _TOML_TABLE if path.endswith(".toml") else _INI_SECTION
    seen: set[str] = set()
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = pattern.match(line)
        if match:
            tool = _INI_ALIASES.get(match.group(1).lower(), match.group(1).lower())
            if tool not in seen:
                seen.add(tool)
                found.append((tool, Evidence(path=path, line=number, excerpt=excerpt(line))))
    return found


def _read_makefile(makefile: Makefile, places: dict[str, _Places]) -> None:
    """Recipe lines of a Makefile that run a linter (each line once)."""
    path = makefile.path
    seen: set[int] = set()
    for name, target in makefile.targets.items():
        for number, command in target.recipe:
            if number in seen or not any(runs_linter(words) for words in simple_commands(command)):
                continue
            seen.add(number)
            for tool in _tools_in(command):
                places.setdefault(tool, _Places()).make.append(
                    Evidence(path=path, line=number, excerpt=excerpt(f"make {name}: {command}")))


def _read_configs(repo: RepoView, places: dict[str, _Places]) -> None:
    for f in repo.files:
        name = posixpath.basename(f.path)
        if _vendored(f.path):
            continue
        if name.lower() in MAKEFILE_NAMES:
            if (makefile := read_makefile(repo, f.path)) is not None:
                _read_makefile(makefile, places)
        elif name in CONFIG_FILES:
            tool = CONFIG_FILES[name]
            places.setdefault(tool, _Places()).configs.append(Evidence(path=f.path, excerpt=f"{tool} configuration"))
        elif name in ("pyproject.toml", "setup.cfg", "tox.ini"):
            parsed = read_toml(repo, f.path) if name == "pyproject.toml" else None
            text = parsed.text if parsed is not None else repo.read_text(f.path)
            for tool, found in _config_tables(f.path, text or ""):
                places.setdefault(tool, _Places()).configs.append(found)


def _hooks(documents: list[Any]) -> list[tuple[str, str]]:
    """(id, id and entry) of every hook in a pre-commit configuration."""
    hooks = []
    for document in documents:
        repos = document.get("repos") if isinstance(document, dict) else None
        for repo_entry in repos if isinstance(repos, list) else ():
            entries = repo_entry.get("hooks") if isinstance(repo_entry, dict) else None
            for hook in entries if isinstance(entries, list) else ():
                if isinstance(hook, dict) and isinstance(hook.get("id"), str):
                    entry = hook.get("entry")
                    hooks.append((hook["id"], f"{hook['id']} {entry if isinstance(entry, str) else ''}"))
    return hooks


def _read_pre_commit(repo: RepoView, places: dict[str, _Places], problems: list[Evidence]) -> tuple[str, ...]:
    text = repo.read_text(PRE_COMMIT_FILE)
    if text is None:
        problems.append(Evidence(path=PRE_COMMIT_FILE, excerpt="not read (see scan notes)"))
        return ()
    documents, error = try_load_yaml(text, repo=repo, path=PRE_COMMIT_FILE)
    if error:
        problems.append(Evidence(path=PRE_COMMIT_FILE, excerpt=error))
        return ()
    lines = text.splitlines()
    cursor = 0
    ids = []
    for hook_id, described in _hooks(documents):
        ids.append(hook_id)
        line = locate_line(lines, f"id: {hook_id}", cursor) or locate_line(lines, hook_id, cursor)
        cursor = line or cursor
        for tool in _tools_in(described):
            places.setdefault(tool, _Places()).hooks.append(
                Evidence(path=PRE_COMMIT_FILE, line=line, excerpt=excerpt(f"pre-commit hook {hook_id}")))
    return tuple(ids)


def detect_linting(repo: RepoView, ci: CIFacts, dependencies: DependencyFacts) -> LintingFacts:
    """Linters, formatters and type checkers: their configuration, pre-commit hooks and CI steps."""
    places: dict[str, _Places] = {}
    problems: list[Evidence] = []
    _read_configs(repo, places)
    pre_commit = Evidence(path=PRE_COMMIT_FILE) if repo.file(PRE_COMMIT_FILE) else None
    hook_ids = _read_pre_commit(repo, places, problems) if pre_commit else ()
    in_ci = False
    for step in ci.lint_commands:
        tools = _tools_in(step.excerpt or "")
        in_ci = in_ci or "pre-commit" in (step.excerpt or "").lower()
        for tool in tools:
            places.setdefault(tool, _Places()).ci.append(step)
    for dependency in dependencies.dependencies:
        if dependency.name in TOOL_KINDS:
            places.setdefault(dependency.name, _Places()).declared.append(dependency.evidence)
    tools = tuple(
        LintTool(name=name, kind=TOOL_KINDS[name], configs=tuple(p.configs), hooks=tuple(p.hooks), ci=tuple(p.ci),
                 make=tuple(p.make), declared=tuple(p.declared))
        for name, p in sorted(places.items()))
    return LintingFacts(tools=tools, pre_commit=pre_commit, pre_commit_hooks=hook_ids, pre_commit_in_ci=in_ci,
                        ci_steps=ci.lint_commands, problems=tuple(problems))
