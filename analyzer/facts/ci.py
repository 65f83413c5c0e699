"""Continuous-integration facts (`ci.*`): which CI configurations exist and whether they run tests.

CI files are read, never run. YAML goes through `load_yaml`, a safe loader bounded against alias
bombs and deep nesting (shared with the other detectors that read YAML). Commands are taken from the
places CI systems run them (`run:`, `script:`, `command:`, …) and each shell line is split into simple
commands; a command that runs a test runner (pytest, `python -m unittest`, tox, nox, `make test`, a
test script) makes `runs_tests` true, with the file and line as evidence. `make <target>` is followed
into the Makefile's recipe, so `make ci` counts when its recipe runs pytest. A command starting with
`portcheck` (or `python -m portcheck…`), or a `uses:` action whose name contains portcheck, runs
portcheck itself.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..model import Evidence
from ..project_files import MakeTarget, read_makefile
from ..repo import RepoView
from .common import excerpt
from .yamlsafe import try_load_yaml

# ----- which files are CI configurations ---------------------------------------------------------

ROOT_CI_FILES = frozenset({
    ".gitlab-ci.yml", ".travis.yml", ".circleci/config.yml", "azure-pipelines.yml", "azure-pipelines.yaml",
    "Jenkinsfile", "bitbucket-pipelines.yml",
})
_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")


def is_ci_file(path: str) -> bool:
    """True for a path CI services read as a pipeline definition."""
    return path in ROOT_CI_FILES or bool(_WORKFLOW.match(path))


# ----- shell commands ----------------------------------------------------------------------------

# Keys whose string values CI systems run as shell commands.
COMMAND_KEYS = frozenset({
    "run", "script", "scripts", "before_script", "after_script", "before_install", "install",
    "command", "commands", "bash", "pwsh", "powershell", "sh", "cmd", "inlinescript",
})
_SEPARATORS = re.compile(r"&&|\|\||;|\|")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_INSTALLERS = frozenset({"pip", "pip3", "uv", "conda", "mamba", "micromamba", "poetry", "pipenv", "pdm",
                         "apt", "apt-get", "brew", "pipx", "npm", "yarn", "hatch"})
_INSTALL_VERBS = frozenset({"install", "add", "download", "sync", "lock", "update", "create"})
_TEST_SCRIPT = re.compile(r"((^|/)((run_?)?tests?([_-][\w-]*)?|[\w-]+_tests?|test_[\w-]+)\.(sh|bash|py)$)|"
                          r"(^|/)tests?/[\w./-]+\.(sh|bash|py)$", re.IGNORECASE)
_LINTERS = frozenset({"ruff", "flake8", "pylint", "black", "isort", "mypy", "pyright", "pycodestyle",
                      "pydocstyle", "bandit", "pre-commit", "prospector", "pyflakes", "autopep8"})
_LINT_ACTIONS = re.compile(r"(ruff|flake8|pylint|black|pre-commit|mypy|lint)", re.IGNORECASE)
_PORTCHECK_ACTION = re.compile(r"portcheck", re.IGNORECASE)


def _words(segment: str) -> list[str]:
    try:
        return shlex.split(segment, comments=True)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        return segment.split()


def simple_commands(line: str) -> Iterator[list[str]]:
    """The words of each simple command on a shell line, environment assignments removed."""
    for segment in _SEPARATORS.split(line):
        words = _words(segment.strip())
        while words and _ASSIGNMENT.match(words[0]):
            words = words[1:]
        if words:
            yield words


def _is_install(words: list[str]) -> bool:
    base = [posixpath.basename(w) for w in words]
    return bool(_INSTALLERS.intersection(base[:4]) and _INSTALL_VERBS.intersection(base[:6])) or (
        "-m" in base and "pip" in base)


def _make_targets(words: list[str]) -> tuple[str | None, list[str]]:
    """(folder given with -C, targets) of a `make` command; (None, []) when `words` is not make."""
    if not words or posixpath.basename(words[0]) not in ("make", "gmake"):
        return None, []
    folder, targets, i = None, [], 1
    while i < len(words):
        word = words[i]
        if word in ("-C", "--directory") and i + 1 < len(words):
            folder, i = words[i + 1], i + 2
            continue
        if word.startswith("--directory="):
            folder = word.split("=", 1)[1]
        elif word in ("-f", "--file", "-j", "--jobs") and i + 1 < len(words):
            i += 1
        elif not word.startswith("-") and "=" not in word:
            targets.append(word)
        i += 1
    return folder, targets


def runs_test_runner(words: list[str]) -> bool:
    """True when one simple command runs a Python test runner or a test script."""
    if not words or words[0] in ("echo", "printf", "cat", "#") or _is_install(words):
        return False
    base = [posixpath.basename(w) for w in words]
    for i, word in enumerate(base):
        if word in ("pytest", "py.test", "tox", "nox", "unittest", "nosetests"):
            return True
        if word == "-m" and i + 1 < len(base) and base[i + 1] in ("pytest", "unittest", "tox", "nox", "nose"):
            return True
        if word == "setup.py" and i + 1 < len(base) and base[i + 1] == "test":
            return True
        if word == "hatch" and i + 1 < len(base) and base[i + 1] == "test":
            return True
    if base[0] in ("npm", "yarn") and len(base) > 1 and base[1] == "test":
        return False  # a JavaScript test, not the Python project's
    _, targets = _make_targets(words)
    if any(t == "test" or t == "tests" or t.startswith(("test-", "test_", "tests-")) for t in targets):
        return True
    runner = base[0] in ("python", "python3", "bash", "sh", "source", ".") or words[0].startswith("./")
    return runner and any(_TEST_SCRIPT.search(w) for w in words[:3] if not w.startswith("-"))


def runs_linter(words: list[str]) -> bool:
    """True when one simple command runs a linter, formatter check or type checker."""
    if not words or words[0] in ("echo", "printf") or _is_install(words):
        return False
    base = [posixpath.basename(w) for w in words[:4]]
    return bool(_LINTERS.intersection(base))


def runs_portcheck(words: list[str]) -> bool:
    """True when one simple command runs portcheck: `portcheck …` or `python -m portcheck…`."""
    if not words or _is_install(words):
        return False
    base = [posixpath.basename(w) for w in words]
    if base[0].lower() == "portcheck":
        return True
    return (base[0].startswith("python") and len(base) > 2 and base[1] == "-m"
            and base[2].split(".")[0].lower() == "portcheck")


_INSTALLS_PROJECT = re.compile(
    r"(\s-r\s*+\S+|\s-e\s*+\S+|\s\.(\[[^\]]*+\])?(\s|$)|requirements|"
    r"\bpoetry install\b|\buv sync\b|\bpipenv (install|sync)\b|\bpdm (install|sync)\b|"
    r"\benv (create|update)\b|\s-f\s++(?>\S*?(?:environment|conda))\S*?\.ya?ml)")  # the first env/conda is enough


def installs_project(words: list[str]) -> bool:
    """True when one simple command installs the project or its declared dependencies."""
    if not _is_install(words):
        return False
    joined = " ".join(words)
    return bool(_INSTALLS_PROJECT.search(joined + " "))


# ----- reading one CI file -----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Command:
    text: str            # one shell line
    evidence: Evidence   # the file and line it is on


def _strings_under_command_keys(value: Any, under_command: bool = False) -> Iterator[str]:
    """String values reached through command keys (CircleCI's `run: {name: ..., command: ...}` included).

    Below a command key only command keys are followed further, so a step's `name:` is not a command.
    """
    if isinstance(value, str):
        if under_command:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if str(key).lower() in COMMAND_KEYS:
                yield from _strings_under_command_keys(item, True)
            elif not under_command:
                yield from _strings_under_command_keys(item, False)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_under_command_keys(item, under_command)


def _values_of(value: Any, wanted: str) -> Iterator[str]:
    """Every string value of a key named `wanted`, anywhere in a YAML document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == wanted and isinstance(item, str):
                yield item
            yield from _values_of(item, wanted)
    elif isinstance(value, list):
        for item in value:
            yield from _values_of(item, wanted)


def locate_line(lines: list[str], text: str, start: int = 0) -> int | None:
    """1-based number of the first file line from `start` containing `text` (stripped)."""
    needle = text.strip()
    if not needle:
        return None
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    for number in range(0, min(start, len(lines))):
        if needle in lines[number]:
            return number + 1
    return None


def _commands_in_yaml(path: str, text: str, documents: list[Any]) -> list[_Command]:
    lines = text.splitlines()
    commands: list[_Command] = []
    cursor = 0  # commands come in document order: search on from the previous one, so repeats get their own line
    for document in documents:
        for block in _strings_under_command_keys(document):
            for line in block.splitlines():
                if not line.strip() or line.strip().startswith("#"):
                    continue
                number = locate_line(lines, line, cursor)
                cursor = number or cursor
                commands.append(_Command(text=line, evidence=Evidence(path=path, line=number, excerpt=excerpt(line))))
    return commands


_JENKINS_STEP = re.compile(r"""\b(?:sh|bat|powershell|pwsh)\b\s*+\(?\s*+(?:script\s*+:\s*+)?('\'\'|\"\"\"|'|")""")


def _commands_in_jenkinsfile(path: str, text: str) -> list[_Command]:
    """Shell lines of a Jenkinsfile's `sh` / `bat` / `powershell` steps, triple-quoted blocks included."""
    commands = []
    closing: str | None = None  # the triple quote that ends an open multi-line step
    for number, line in enumerate(text.splitlines(), start=1):
        if closing:
            body, found, _ = line.partition(closing)
            if found:
                closing = None
        else:
            match = _JENKINS_STEP.search(line)
            if line.strip().startswith("//") or not match:
                continue
            quote = match.group(1)
            body, found, _ = line[match.end():].partition(quote)
            if not found and len(quote) == 3:
                closing = quote
        if body.strip():
            commands.append(_Command(text=body, evidence=Evidence(path=path, line=number, excerpt=excerpt(body))))
    return commands


# ----- Makefiles ---------------------------------------------------------------------------------


def _recipe_test_line(targets: dict[str, MakeTarget], name: str, seen: set[str]) -> tuple[int, str] | None:
    """The first recipe line of `name`, its prerequisites or the targets it makes, that runs tests."""
    if name in seen or name not in targets:
        return None
    seen.add(name)
    target = targets[name]
    for prerequisite in target.prerequisites:
        found = _recipe_test_line(targets, prerequisite, seen)
        if found:
            return found
    for number, command in target.recipe:
        for words in simple_commands(command.replace("$(MAKE)", "make").replace("${MAKE}", "make")):
            if runs_test_runner(words):
                return number, command
            for sub in _make_targets(words)[1]:
                found = _recipe_test_line(targets, sub, seen)
                if found:
                    return found
    return None


# ----- the facts ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CIFacts:
    """CI configurations found, and what they run."""

    files: tuple[str, ...]
    test_commands: tuple[Evidence, ...]     # each CI line (or Makefile recipe line) that runs tests
    install_commands: tuple[Evidence, ...]  # CI lines that install the project or its dependencies
    lint_commands: tuple[Evidence, ...]     # CI lines (or actions) that run a linter / type checker
    runs_portcheck: tuple[Evidence, ...] = ()  # CI lines (or `uses:` actions) that run portcheck
    test_configs: tuple[Evidence, ...]      # tox.ini / noxfile.py / Makefile backing a CI test command
    problems: tuple[Evidence, ...]          # CI files that could not be read or parsed

    @property
    def present(self) -> bool:
        return bool(self.files)

    @property
    def runs_tests(self) -> bool:
        return bool(self.test_commands)

    @property
    def installs_project(self) -> bool:
        return bool(self.install_commands)

    @property
    def runs_linter(self) -> bool:
        return bool(self.lint_commands)

    @property
    def runs_portcheck_check(self) -> bool:
        return bool(self.runs_portcheck)

    def to_schema(self) -> dict:
        return {"present": self.present, "runs_tests": self.runs_tests, "files": sorted(self.files)}


def _working_dirs(documents: list[Any]) -> list[str]:
    dirs = []
    for document in documents:
        for key in ("working-directory", "working_directory", "workingDirectory"):
            dirs.extend(d for d in _values_of(document, key) if "$" not in d)
    return dirs


class _Collector:
    """Accumulates evidence over every CI file of one repository."""

    def __init__(self, repo: RepoView) -> None:
        self.repo = repo
        self.tests: list[Evidence] = []
        self.installs: list[Evidence] = []
        self.lints: list[Evidence] = []
        self.configs: list[Evidence] = []
        self.portchecks: list[Evidence] = []
        self.problems: list[Evidence] = []

    def _makefile(self, folder: str) -> tuple[str, dict[str, MakeTarget]] | None:
        path = posixpath.normpath(posixpath.join(folder, "Makefile")) if folder else "Makefile"
        if path.startswith("../") or path.startswith("/"):
            return None
        makefile = read_makefile(self.repo, path)
        return (path, makefile.targets) if makefile is not None else None

    def _make_evidence(self, words: list[str], dirs: list[str]) -> Evidence | None:
        folder, targets = _make_targets(words)
        candidates = [folder] if folder else [*dirs, ""]
        for target in targets:
            for candidate in candidates:
                found = self._makefile(candidate or "")
                if not found:
                    continue
                path, targets_of_file = found
                line = _recipe_test_line(targets_of_file, target, set())
                if line:
                    return Evidence(path=path, line=line[0], excerpt=excerpt(line[1]))
        return None

    def _test_config(self, words: list[str]) -> None:
        base = {posixpath.basename(w) for w in words}
        for tool, names in (("tox", ("tox.ini", "pyproject.toml", "setup.cfg")), ("nox", ("noxfile.py",))):
            if tool in base:
                for name in names:
                    if self.repo.file(name) and (name != "pyproject.toml" and name != "setup.cfg"
                                                 or "tox" in (self.repo.read_text(name) or "")):
                        self.configs.append(Evidence(path=name, excerpt=f"{tool} configuration"))
                        break

    def add(self, commands: list[_Command], dirs: list[str]) -> None:
        for command in commands:
            for words in simple_commands(command.text):
                if runs_test_runner(words):
                    self.tests.append(command.evidence)
                    self._test_config(words)
                    made = self._make_evidence(words, dirs)
                    if made:
                        self.configs.append(made)
                else:
                    made = self._make_evidence(words, dirs)
                    if made:
                        self.tests.append(command.evidence)
                        self.configs.append(made)
                if runs_linter(words):
                    self.lints.append(command.evidence)
                if installs_project(words):
                    self.installs.append(command.evidence)
                if runs_portcheck(words):
                    self.portchecks.append(command.evidence)

    def add_actions(self, path: str, text: str, documents: list[Any]) -> None:
        """`uses:` steps running a linter or portcheck."""
        lines = text.splitlines()
        for document in documents:
            for action in _values_of(document, "uses"):
                name = action.split("@")[0]
                found = Evidence(path=path, line=locate_line(lines, action), excerpt=excerpt(action))
                if _LINT_ACTIONS.search(name):
                    self.lints.append(found)
                if _PORTCHECK_ACTION.search(name):
                    self.portchecks.append(found)


def _unique(items: list[Evidence]) -> tuple[Evidence, ...]:
    seen: dict[tuple[str, int | None], Evidence] = {}
    for item in items:
        seen.setdefault((item.path, item.line), item)
    return tuple(sorted(seen.values(), key=lambda e: (e.path, e.line or 0)))


def _read_ci_file(collector: _Collector, path: str, text: str) -> None:
    if path == "Jenkinsfile":
        collector.add(_commands_in_jenkinsfile(path, text), [])
        return
    documents, error = try_load_yaml(text, repo=collector.repo, path=path)
    if error:
        collector.problems.append(Evidence(path=path, excerpt=error))
        return
    collector.add(_commands_in_yaml(path, text, documents), _working_dirs(documents))
    collector.add_actions(path, text, documents)


def detect_ci(repo: RepoView) -> CIFacts:
    """CI configuration files, whether they run tests, install the project and run linters."""
    files = [f.path for f in repo.files if is_ci_file(f.path)]
    collector = _Collector(repo)
    for path in files:
        text = repo.read_text(path)
        if text is None:
            collector.problems.append(Evidence(path=path, excerpt="not read (see scan notes)"))
            continue
        try:
            _read_ci_file(collector, path, text)
        except (RecursionError, ValueError, TypeError, AttributeError) as exc:  # hostile input: a finding
            collector.problems.append(Evidence(path=path, excerpt=f"not understood: {type(exc).__name__}"))
    return CIFacts(
        files=tuple(sorted(files)),
        test_commands=_unique(collector.tests),
        install_commands=_unique(collector.installs),
        lint_commands=_unique(collector.lints),
        test_configs=_unique(collector.configs),
        runs_portcheck=_unique(collector.portchecks),
        problems=tuple(collector.problems),
    )
