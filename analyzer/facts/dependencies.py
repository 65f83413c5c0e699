"""Dependency facts (`dependencies.*`): declaration and lock files, how exactly versions are pinned.

Every declaration is read with a real parser and nothing is executed: requirements files (any
folder; `-r`/`-c` includes followed inside the repository only, cycles cut; options, editables,
comments, markers and line continuations handled), setup.py (`ast`; literal `install_requires` /
`extras_require`), setup.cfg (configparser), pyproject.toml (PEP 621, optional dependencies,
`[dependency-groups]`, Poetry, PDM, uv), conda environment files (with their `pip:` section), Pipfile,
conda recipes (meta.yaml), and lock files (poetry.lock, uv.lock, Pipfile.lock, pdm.lock,
conda-lock.yml, a pip-compile / uv-generated requirements file). Requirement specifiers are parsed with
`packaging`.

Exact: `==` without a wildcard, `===`, conda `=x.y.z` (three parts or more), a VCS URL pinned to a
commit, a direct archive URL; a dependency also counts as exact when any file, a lock file included,
pins it exactly. Python itself, `pip` in a conda environment, build-system and recipe build/host
requirements, local paths and the project itself are not dependencies.
"""
from __future__ import annotations

import ast
import codecs
import configparser
import json
import posixpath
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from ..model import Evidence
from ..repo import RepoFile, RepoView
from ..sources import parse_python
from .ci import is_ci_file, locate_line
from .common import excerpt
from .yamlsafe import try_load_yaml


@dataclass(frozen=True, kw_only=True)
class Dependency:
    """One declared third-party dependency."""

    name: str           # normalised (PEP 503)
    spec: str           # as written: specifier, URL or conda spec
    exact: bool         # this declaration alone pins one version
    evidence: Evidence  # file, line and the line's text


@dataclass(frozen=True, kw_only=True)
class PythonVersion:
    """A Python version the repository states (requires-python, .python-version, conda python=…)."""

    spec: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class DependencyFacts:
    """Declaration and lock files, the dependencies they declare and how they are pinned."""

    files: tuple[str, ...]
    lock_files: tuple[str, ...]
    dependencies: tuple[Dependency, ...]   # declarations (lock-file entries are not declarations)
    locked: tuple[str, ...]                # names a lock file or constraints file pins exactly
    unparseable: tuple[Evidence, ...]      # lines / files that could not be read as declarations
    python_versions: tuple[PythonVersion, ...]
    own_names: frozenset[str] = frozenset()  # the project's own distribution names (normalised)

    @property
    def lockfile(self) -> bool:
        return bool(self.lock_files)

    @property
    def exact_names(self) -> frozenset[str]:
        """Names pinned exactly somewhere: by a declaration or by a lock / constraints file."""
        return frozenset(d.name for d in self.dependencies if d.exact) | frozenset(self.locked)

    @property
    def unpinned(self) -> tuple[Dependency, ...]:
        """Declarations of names that nothing pins exactly (each with its evidence)."""
        exact = self.exact_names
        return tuple(d for d in self.dependencies if d.name not in exact)

    @property
    def pinning(self) -> str:
        if not self.files:
            return "absent"
        names = {d.name for d in self.dependencies}
        if not names:
            return "all" if self.locked else "none"
        pinned = names & self.exact_names
        if pinned == names:
            return "all"
        return "partial" if pinned else "none"

    @property
    def python_version(self) -> PythonVersion | None:
        return self.python_versions[0] if self.python_versions else None

    def to_schema(self) -> dict:
        return {"files": sorted(self.files), "pinning": self.pinning, "lockfile": self.lockfile}


def decode_text(data: bytes) -> str:
    """UTF-16 when the bytes carry its byte-order mark (or look like it), else UTF-8; never raises."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:40:2].count(0) >= len(data[1:40:2]) // 2 and not data[0:40:2].count(0):
        return data.decode("utf-16-le", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


# ----- specifiers --------------------------------------------------------------------------------

_SHA = re.compile(r"@([0-9a-fA-F]{7,40})(?=$|[#&?])")
_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_ARCHIVE = re.compile(r"\.(whl|tar\.gz|tgz|tar\.bz2|zip)$", re.IGNORECASE)
_LOCAL = re.compile(r"^(\.{1,2}(/|$)|/|~|file:)")
_PIP_COMPILE = re.compile(r"pip-compile|uv pip compile|autogenerated by uv|generated by uv", re.IGNORECASE)
_DEFAULT_PIP_TOOLS = frozenset({"pip"})  # in a conda environment pip is the installer, not a dependency


def specifier_exact(specifier: SpecifierSet) -> bool:
    """`==` without a wildcard, or `===`."""
    return any(s.operator == "===" or (s.operator == "==" and "*" not in s.version) for s in specifier)


def url_exact(url: str) -> bool:
    """A VCS URL pinned to a commit sha, or a direct link to one archive."""
    base = url.split("#", 1)[0]
    if _VCS.match(url):
        return bool(_SHA.search(base))
    return bool(_ARCHIVE.search(base.split("?", 1)[0]))


def _name_from_url(url: str) -> str | None:
    """The package name of a URL requirement: `#egg=`, an archive's file name, or the repository name."""
    egg = re.search(r"[#&]egg=([A-Za-z0-9._-]+)", url)
    if egg:
        return egg.group(1)
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if _VCS.match(url):
        base = re.sub(r"@[^/]*$", "", base)  # the @ref of a VCS URL
    last = posixpath.basename(base)
    if _ARCHIVE.search(last):
        return re.split(r"-\d", last, maxsplit=1)[0]
    return re.sub(r"\.git$", "", last) or None


def conda_exact(rest: str) -> bool:
    """Whether a conda match-spec's version part pins one version (`=1.2.3`, `==1.2.3`, `1.2.3 build`)."""
    rest = rest.strip()
    if not rest:
        return False
    if rest.startswith("=="):
        version = rest[2:].split("=", 1)[0].strip()
        return bool(version) and "*" not in version and not re.search(r"[<>!,|~]", version)
    if rest.startswith("="):
        version = rest[1:].split("=", 1)[0].strip()
    elif re.match(r"^\d", rest):
        version = rest.split()[0].split("=", 1)[0]
    else:
        return False
    return "*" not in version and not re.search(r"[<>!,|~]", version) and version.count(".") >= 2


def _poetry_exact(spec: Any) -> bool:
    """A Poetry / Pipfile version constraint: a bare version or `==` is exact; ^, ~, *, ranges are not."""
    if isinstance(spec, list):
        return bool(spec) and all(_poetry_exact(s) for s in spec)
    if isinstance(spec, dict):
        if "git" in spec:
            return bool(re.fullmatch(r"[0-9a-fA-F]{7,40}", str(spec.get("rev") or spec.get("ref") or "")))
        if "url" in spec:
            return url_exact(str(spec["url"]))
        spec = spec.get("version", "")
    if not isinstance(spec, str):
        return False
    parts = [p.strip() for p in spec.split(",")]
    return any(re.fullmatch(r"(===?\s*)?v?\d[\w.+!-]*", p) and "*" not in p for p in parts)


# ----- collection --------------------------------------------------------------------------------


@dataclass
class _Collector:
    """Everything found while reading one repository's declarations."""

    repo: RepoView
    files: set[str] = field(default_factory=set)
    lock_files: set[str] = field(default_factory=set)
    deps: list[Dependency] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)
    problems: list[Evidence] = field(default_factory=list)
    pythons: list[PythonVersion] = field(default_factory=list)
    own_names: set[str] = field(default_factory=set)
    requirement_queue: list[tuple[str, str]] = field(default_factory=list)  # (path, role)

    def text(self, path: str) -> str | None:
        """The file's text (UTF-8, or UTF-16 as `pip freeze > requirements.txt` writes on Windows)."""
        data = self.repo.read_bytes(path)
        if data is None:
            self.problems.append(Evidence(path=path, excerpt="not read (see scan notes)"))
            return None
        return decode_text(data)

    def problem(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Evidence(path=path, line=line, excerpt=excerpt(message)))

    def python(self, spec: str, path: str, line: int | None, text: str | None = None) -> None:
        self.pythons.append(PythonVersion(spec=spec.strip(), evidence=Evidence(
            path=path, line=line, excerpt=excerpt(text if text is not None else spec))))

    def add(self, name: str, spec: str, exact: bool, path: str, line: int | None, text: str,
            *, role: str = "declare") -> None:
        """Record a dependency; role "constraint" / "lock" only pins, it does not declare."""
        normalised = canonicalize_name(name)
        if normalised == "python":
            self.python(spec or "python", path, line, text)
            return
        if role != "declare":
            if exact:
                self.locked.add(normalised)
            return
        self.deps.append(Dependency(name=normalised, spec=spec, exact=exact,
                                    evidence=Evidence(path=path, line=line, excerpt=excerpt(text))))

    def add_pep508(self, line_text: str, path: str, line: int | None, *, role: str = "declare",
                   shown: str | None = None) -> None:
        """A PEP 508 requirement string (or a bare URL / local path)."""
        text = line_text.strip()
        shown = shown if shown is not None else text
        if not text:
            return
        local = _LOCAL.match(text) or re.match(r"^[\w.-]+/", text) or not re.match(r"^[A-Za-z0-9]", text)
        if local and "://" not in text:
            return  # a local path: the project or a vendored package, not a third-party dependency
        if "://" in text.split("@", 1)[0] or _VCS.match(text):
            name = _name_from_url(text)
            if name:
                self.add(name, text, url_exact(text), path, line, shown, role=role)
            else:
                self.problem(path, line, f"cannot tell the package of {text}")
            return
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            self.problem(path, line, f"not a valid requirement: {text}")
            return
        # `name @ file:///...` (a conda `pip freeze`) is declared but not pinned
        exact = url_exact(requirement.url) if requirement.url else specifier_exact(requirement.specifier)
        self.add(requirement.name, str(requirement.specifier) or requirement.url or "", exact, path, line, shown,
                 role=role)


# ----- requirements files ------------------------------------------------------------------------

_OPTION = re.compile(r"^(--requirement|--constraint|--editable|-r|-c|-e)(?:\s*=\s*|\s*)(\S.*)$")
_TRAILING_OPTIONS = re.compile(r"\s+(?=--?[A-Za-z])")


def is_requirements_file(path: str) -> bool:
    """requirements*.txt / *.in (any folder, 'requirement' singular too), or a .txt under requirements/."""
    parts = path.lower().split("/")
    name = parts[-1]
    if not name.endswith((".txt", ".in")):
        return False
    return "requirement" in name or (len(parts) > 1 and parts[-2] in ("requirements", "reqs"))


def logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, logical line) with backslash continuations joined and comments removed."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if raw.endswith("\\"):
            buffer += raw[:-1] + " "
            continue
        buffer += raw
        line = re.sub(r"(^|\s+)#.*$", "", buffer).strip()
        buffer = ""
        if line:
            yield start, line
    if buffer.strip():
        line = re.sub(r"(^|\s+)#.*$", "", buffer).strip()
        if line:
            yield start, line


def _include_target(collector: _Collector, path: str, line: int, target: str) -> str | None:
    if "://" in target:
        collector.problem(path, line, f"remote include not followed: {target}")
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if target.startswith("/") or joined == ".." or joined.startswith("../"):
        collector.problem(path, line, f"include outside the repository refused: {target}")
        return None
    if collector.repo.file(joined) is None:
        collector.problem(path, line, f"included file not found: {target}")
        return None
    return joined


def _read_requirements_lines(collector: _Collector, path: str, text: str, role: str,
                             first_line: int = 1) -> None:
    """Read requirements-format lines (a file, or a conda `pip:` section) into the collector."""
    for number, line in logical_lines(text):
        number += first_line - 1
        option = _OPTION.match(line)
        if option:
            flag, value = option.group(1), option.group(2).strip()
            if flag in ("-r", "--requirement", "-c", "--constraint"):
                target = _include_target(collector, path, number, value)
                if target:
                    sub_role = "constraint" if flag in ("-c", "--constraint") or role == "constraint" else role
                    collector.requirement_queue.append((target, sub_role))
            elif not _LOCAL.match(value):
                collector.add_pep508(_TRAILING_OPTIONS.split(value)[0], path, number, role=role, shown=line)
            continue
        if line.startswith("-"):
            continue  # --index-url, --find-links, --pre, --hash, ...: options, not dependencies
        collector.add_pep508(_TRAILING_OPTIONS.split(line)[0], path, number, role=role, shown=line)


def _read_requirements_file(collector: _Collector, path: str, role: str) -> None:
    collector.files.add(path)
    text = collector.text(path)
    if text is None:
        return
    header = "\n".join(line for line in text.splitlines()[:20] if line.startswith("#"))
    if _PIP_COMPILE.search(header):
        collector.lock_files.add(path)
        _read_requirements_lines(collector, path, text, "constraint")
    _read_requirements_lines(collector, path, text, role)


# ----- setup.py / setup.cfg ----------------------------------------------------------------------


def _literal_strings(node: ast.AST | None, names: dict[str, ast.AST], depth: int = 0) -> list[ast.Constant] | None:
    """String constants of a list/tuple literal (names and `+` followed); None when not literal."""
    if node is None or depth > 10:
        return None
    if isinstance(node, ast.Name) and node.id in names:
        return _literal_strings(names[node.id], names, depth + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_strings(node.left, names, depth + 1), _literal_strings(node.right, names, depth + 1)
        return None if left is None or right is None else left + right
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [e for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return items if len(items) == len(node.elts) else None
    return None


def _read_setup_py(collector: _Collector, path: str) -> None:
    text = collector.text(path)
    if text is None:
        return
    module = parse_python(path, text)
    if module.tree is None:
        collector.problem(path, None, f"setup.py not parsable: {module.error}")
        collector.files.add(path)
        return
    names = {t.id: node.value for node in module.tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    lines = text.splitlines()
    for call in ast.walk(module.tree):
        if not (isinstance(call, ast.Call) and (getattr(call.func, "id", None) == "setup"
                                                or getattr(call.func, "attr", None) == "setup")):
            continue
        collector.files.add(path)
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        if isinstance(keywords.get("name"), ast.Constant) and isinstance(keywords["name"].value, str):
            collector.own_names.add(canonicalize_name(keywords["name"].value))
        groups = [_literal_strings(keywords.get("install_requires"), names)]
        extras = keywords.get("extras_require")
        extras = names.get(extras.id, extras) if isinstance(extras, ast.Name) else extras
        if isinstance(extras, ast.Dict):
            groups.extend(_literal_strings(v, names) for v in extras.values)
        for group in groups:
            for constant in group or []:
                row = lines[constant.lineno - 1] if 0 < constant.lineno <= len(lines) else constant.value
                collector.add_pep508(constant.value, path, constant.lineno, shown=row)
        python = keywords.get("python_requires")
        if isinstance(python, ast.Constant) and isinstance(python.value, str):
            collector.python(python.value, path, python.lineno, lines[python.lineno - 1])


def _read_setup_cfg(collector: _Collector, path: str) -> None:
    text = collector.text(path)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except (configparser.Error, ValueError) as exc:
        collector.problem(path, getattr(exc, "lineno", None), f"setup.cfg not parsable: {type(exc).__name__}")
        return
    lines = text.splitlines()
    if parser.has_option("metadata", "name"):
        collector.own_names.add(canonicalize_name(parser.get("metadata", "name").strip()))
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values.extend(v for _, v in parser.items("options.extras_require"))
    entries = [e.strip() for value in values for e in value.splitlines() if e.strip() and not e.strip().startswith("#")]
    if not entries:
        return
    collector.files.add(path)
    for entry in entries:
        if entry.startswith("file:"):
            continue
        collector.add_pep508(entry, path, locate_line(lines, entry))
    if parser.has_option("options", "python_requires"):
        row = locate_line(lines, "python_requires")
        collector.python(parser.get("options", "python_requires"), path, row, lines[row - 1] if row else None)


# ----- TOML: pyproject.toml, Pipfile, lock files -------------------------------------------------


def _toml(collector: _Collector, path: str) -> tuple[dict[str, Any] | None, list[str]]:
    text = collector.text(path)
    if text is None:
        return None, []
    try:
        return tomllib.loads(text), text.splitlines()
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        found = re.search(r"line (\d+)", str(exc))
        collector.problem(path, int(found.group(1)) if found else None, f"TOML not parsable: {exc}")
        return None, text.splitlines()


def _table(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None when a level is missing or not a table."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _tables(value: Any, *keys: str) -> list[Any]:
    """The values of the table at `keys` (groups of dependencies), [] when it is not a table."""
    found = _table(value, *keys)
    return list(found.values()) if isinstance(found, dict) else []


def _pep508_list(collector: _Collector, path: str, lines: list[str], items: Any) -> int:
    count = 0
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            collector.add_pep508(item, path, locate_line(lines, f'"{item}"') or locate_line(lines, item))
            count += 1
    return count


def _poetry_table(collector: _Collector, path: str, lines: list[str], table: Any) -> int:
    count = 0
    for name, spec in (table.items() if isinstance(table, dict) else []):
        key = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        row = next((number for number, text in enumerate(lines, start=1) if key.match(text)), None)
        shown = lines[row - 1] if row else f"{name} = {spec}"
        if name.lower() == "python":
            collector.python(str(spec), path, row, shown)
            continue
        if isinstance(spec, dict) and "path" in spec:
            continue
        collector.add(name, json.dumps(spec) if not isinstance(spec, str) else spec, _poetry_exact(spec),
                      path, row, shown)
        count += 1
    return count


def _read_pyproject(collector: _Collector, path: str) -> None:
    data, lines = _toml(collector, path)
    if data is None:
        return
    project = _table(data, "project")
    poetry = _table(data, "tool", "poetry")
    for own in (_table(project, "name"), _table(poetry, "name")):
        if isinstance(own, str):
            collector.own_names.add(canonicalize_name(own))
    count = _pep508_list(collector, path, lines, _table(project, "dependencies"))
    groups = (_tables(project, "optional-dependencies") + _tables(data, "dependency-groups")
              + _tables(data, "tool", "pdm", "dev-dependencies"))
    for group in groups:
        count += _pep508_list(collector, path, lines, group)
    count += _pep508_list(collector, path, lines, _table(data, "tool", "uv", "dev-dependencies"))
    count += _poetry_table(collector, path, lines, _table(poetry, "dependencies"))
    count += _poetry_table(collector, path, lines, _table(poetry, "dev-dependencies"))
    for group in _tables(poetry, "group"):
        count += _poetry_table(collector, path, lines, _table(group, "dependencies"))
    python = _table(project, "requires-python")
    if isinstance(python, str):
        row = locate_line(lines, "requires-python")
        collector.python(python, path, row, lines[row - 1] if row else None)
    dynamic = _table(data, "tool", "setuptools", "dynamic", "dependencies", "file")
    for target in ([dynamic] if isinstance(dynamic, str) else dynamic if isinstance(dynamic, list) else []):
        if isinstance(target, str) and (found := _include_target(collector, path, 1, target)):
            collector.requirement_queue.append((found, "declare"))
            count += 1
    if count:
        collector.files.add(path)


def _read_pipfile(collector: _Collector, path: str) -> None:
    collector.files.add(path)
    data, lines = _toml(collector, path)
    if data is None:
        return
    for section in ("packages", "dev-packages"):
        table = _table(data, section)
        if isinstance(table, dict):
            _poetry_table(collector, path, lines, {k: v for k, v in table.items() if k.lower() != "python"})
    for key in ("python_full_version", "python_version"):
        version = _table(data, "requires", key)
        if isinstance(version, str):
            row = locate_line(lines, key)
            collector.python(version, path, row, lines[row - 1] if row else None)
            break


def _read_toml_lock(collector: _Collector, path: str) -> None:
    data, _ = _toml(collector, path)
    packages = _table(data, "package")
    for package in packages if isinstance(packages, list) else []:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        source = package.get("source")
        if isinstance(source, dict) and ("editable" in source or "virtual" in source):
            continue  # the project itself
        if package.get("version"):
            collector.locked.add(canonicalize_name(package["name"]))


def _read_pipfile_lock(collector: _Collector, path: str) -> None:
    text = collector.text(path)
    if text is None:
        return
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        collector.problem(path, getattr(exc, "lineno", None), "Pipfile.lock is not valid JSON")
        return
    for section in ("default", "develop"):
        table = _table(data, section)
        for name, entry in table.items() if isinstance(table, dict) else []:
            if isinstance(entry, dict) and (str(entry.get("version", "")).startswith("==") or "ref" in entry):
                collector.locked.add(canonicalize_name(name))


def _read_conda_lock(collector: _Collector, path: str) -> None:
    text = collector.text(path)
    for match in re.finditer(r"(?m)^\s*-?\s*name:\s*['\"]?([A-Za-z0-9._-]+)", text or ""):
        collector.locked.add(canonicalize_name(match.group(1)))


# ----- conda environments and recipes ------------------------------------------------------------

_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*(.*)$")


def _conda_item(collector: _Collector, path: str, lines: list[str], spec: str) -> None:
    match = _CONDA_SPEC.match(spec.strip())
    row = locate_line(lines, spec.strip())
    if not match:
        collector.problem(path, row, f"not a conda package spec: {spec}")
        return
    name, rest = match.group(1), match.group(2).strip().split("[", 1)[0].strip()
    if name.lower() in _DEFAULT_PIP_TOOLS:
        return
    collector.add(name, rest, conda_exact(rest), path, row, lines[row - 1] if row else spec)


def _conda_documents(collector: _Collector, path: str, text: str) -> list[Any] | None:
    documents, error = try_load_yaml(text)
    if error:
        collector.problem(path, None, error)
        return None
    return documents


def _read_conda_env(collector: _Collector, path: str, text: str) -> None:
    documents = _conda_documents(collector, path, text)
    if not documents or not isinstance(documents[0], dict) or not isinstance(documents[0].get("dependencies"), list):
        return
    collector.files.add(path)
    lines = text.splitlines()
    for item in documents[0]["dependencies"]:
        if isinstance(item, (str, int, float)):
            _conda_item(collector, path, lines, str(item))
        elif isinstance(item, dict) and isinstance(item.get("pip"), list):
            for entry in item["pip"]:
                if isinstance(entry, str):
                    _read_requirements_lines(collector, path, entry, "declare",
                                             first_line=locate_line(lines, entry) or 1)


def _recipe_runs(document: Any) -> list[Any]:
    runs = []
    outputs = _table(document, "outputs")  # a multi-output recipe: each output has its own requirements
    for holder in [document, *(outputs if isinstance(outputs, list) else [])]:
        run = _table(holder, "requirements", "run")
        if isinstance(run, list):
            runs.extend(run)
    return runs


def _read_recipe(collector: _Collector, path: str, text: str) -> None:
    collector.files.add(path)
    templated = re.sub(r"\{%.*?%\}", "", text, flags=re.DOTALL)
    templated = re.sub(r"\{\{.*?\}\}", "TEMPLATE", templated)
    documents = _conda_documents(collector, path, templated)
    lines = text.splitlines()
    for item in _recipe_runs(documents[0]) if documents else []:
        if isinstance(item, str):
            _conda_item(collector, path, lines, item)


# ----- the detector ------------------------------------------------------------------------------

_TOML_LOCKS = frozenset({"poetry.lock", "uv.lock", "pdm.lock"})
_CONDA_NAME = re.compile(r"^([\w.-]*(environment|conda|env)[\w.-]*)\.ya?ml$", re.IGNORECASE)
_CONDA_LOCK = re.compile(r"^([\w.-]+\.)?conda-lock\.ya?ml$", re.IGNORECASE)
_PYTHON_VERSION_FILES = frozenset({".python-version", "runtime.txt"})
MAX_SNIFF_BYTES = 512 * 1024  # YAML files bigger than this are not opened to see if they are conda environments


def _maybe_conda(collector: _Collector, f: RepoFile) -> None:
    """A conda recipe (meta.yaml with package/requirements) or environment file (by name or content)."""
    path = f.path
    lower = posixpath.basename(path).lower()
    named = bool(_CONDA_NAME.match(posixpath.basename(path)))
    if not named and lower not in ("meta.yaml", "meta.yml"):
        if f.size > MAX_SNIFF_BYTES:
            return
        text = collector.repo.read_text(path)
        if not text or not (re.search(r"(?m)^channels:", text) and re.search(r"(?m)^dependencies:", text)):
            return
    else:
        text = collector.text(path)
        if text is None or not re.search(r"(?m)^(dependencies|requirements):", text):
            return
    if lower in ("meta.yaml", "meta.yml"):
        if re.search(r"(?m)^package:", text) and re.search(r"(?m)^requirements:", text):
            _read_recipe(collector, path, text)
    else:
        _read_conda_env(collector, path, text)


def _read_lock(reader: Callable[[_Collector, str], None]) -> Callable[[_Collector, RepoFile], None]:
    """A reader for a lock file: listed among files and lock files, then read for the names it pins."""
    def read(collector: _Collector, f: RepoFile) -> None:
        collector.files.add(f.path)
        collector.lock_files.add(f.path)
        reader(collector, f.path)
    return read


def _read_python_version_file(collector: _Collector, f: RepoFile) -> None:
    """`.python-version` (`3.11.7`) or Heroku's `runtime.txt` (`python-3.11.7`)."""
    text = (collector.repo.read_text(f.path) or "") if f.size <= 4096 else ""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if re.match(r"^(python-)?\d+(\.\d+)*", first):
        collector.python(first.removeprefix("python-"), f.path, 1, first)


# (does this file name match, reader) in order; the first match reads the file.
_READERS: tuple[tuple[Callable[[str], bool], Callable[[_Collector, RepoFile], None]], ...] = (
    (lambda n: n.lower() == "setup.py", lambda c, f: _read_setup_py(c, f.path)),
    (lambda n: n.lower() == "setup.cfg", lambda c, f: _read_setup_cfg(c, f.path)),
    (lambda n: n.lower() == "pyproject.toml", lambda c, f: _read_pyproject(c, f.path)),
    (lambda n: n == "Pipfile", lambda c, f: _read_pipfile(c, f.path)),
    (lambda n: n.lower() in _TOML_LOCKS, _read_lock(_read_toml_lock)),
    (lambda n: n == "Pipfile.lock", _read_lock(_read_pipfile_lock)),
    (lambda n: bool(_CONDA_LOCK.match(n)), _read_lock(_read_conda_lock)),
    (lambda n: n.lower() in _PYTHON_VERSION_FILES, _read_python_version_file),
    (lambda n: n.lower().endswith((".yml", ".yaml")), _maybe_conda),
)


def _classify(collector: _Collector, f: RepoFile) -> None:
    """Route one listed file to its reader (most files are none of these)."""
    if is_requirements_file(f.path):
        collector.requirement_queue.append((f.path, "declare"))
        return
    if is_ci_file(f.path):
        return
    name = posixpath.basename(f.path)
    for matches, read in _READERS:
        if matches(name):
            read(collector, f)
            return


def _guarded(collector: _Collector, path: str, read: Callable[[], None]) -> None:
    """Run one file's reader; an unexpected failure on hostile input becomes a problem, not a crash."""
    try:
        read()
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError, KeyError) as exc:
        collector.problem(path, None, f"could not be read as a declaration: {type(exc).__name__}")


def detect_dependencies(repo: RepoView) -> DependencyFacts:
    """Dependency declaration and lock files, declared dependencies and how exactly they are pinned."""
    collector = _Collector(repo=repo)
    for f in repo.files:
        _guarded(collector, f.path, lambda f=f: _classify(collector, f))
    seen: set[str] = set()
    while collector.requirement_queue:  # requirements files, and the files they include (once each)
        path, role = collector.requirement_queue.pop(0)
        if path not in seen:
            seen.add(path)
            _guarded(collector, path, lambda p=path, r=role: _read_requirements_file(collector, p, r))
    deps = [d for d in collector.deps if d.name not in collector.own_names]
    ordered = sorted(deps, key=lambda d: (d.evidence.path, d.evidence.line or 0, d.name))
    pythons = sorted(collector.pythons, key=lambda p: (p.evidence.path, p.evidence.line or 0))
    return DependencyFacts(
        files=tuple(sorted(collector.files)),
        lock_files=tuple(sorted(collector.lock_files)),
        dependencies=tuple(ordered),
        locked=tuple(sorted(collector.locked)),
        unparseable=tuple(collector.problems),
        python_versions=tuple(pythons),
        own_names=frozenset(collector.own_names),
    )
