"""Project files that several readers need — TOML files (pyproject.toml above all) and Makefiles —
read and parsed once per scan and shared.

`[tool.portcheck]`, dependencies, console scripts and linter tables all live in pyproject.toml;
Makefiles hold CI test recipes, entry points and lint recipes. Each reader asks here, so each file is
read through the repository view once and parsed once. The cache hangs off the `RepoView` (weakly),
so it lives exactly as long as one scan. A parse failure of any kind (including RecursionError on
deeply nested input) is recorded on the result, never raised; so is a dotted key of more than
`MAX_TOML_KEY_PARTS` parts, which is not given to tomllib at all (its time grows with the square of the
parts).
"""
from __future__ import annotations

import codecs
import re
import tomllib
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .repo import RepoView

MAKEFILE_NAMES = frozenset({"makefile", "gnumakefile"})  # lower-cased file names
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)(.*)$")
_TOML_ERROR_LINE = re.compile(r"line (\d+)")
# tomllib's work on one dotted key (`a.b.c = 1`, `[a.b.c]`) grows faster than the square of its parts: a
# key of 100,000 parts takes minutes. No real file comes near this many; a file with a longer key is not
# parsed. A key starts a line or follows `[`, `{` or `,`; only there does the search begin, so it is linear.
MAX_TOML_KEY_PARTS = 100
_KEY_PART = r"""(?:[\w-]++|"[^"\n]*+"|'[^'\n]*+')"""
_LONG_DOTTED_KEY = re.compile(rf"(?:^|[\[{{,])[ \t]*+(?:{_KEY_PART}[ \t]*+\.[ \t]*+){{{MAX_TOML_KEY_PARTS - 1}}}",
                              re.MULTILINE)

T = TypeVar("T")
_CACHE: weakref.WeakKeyDictionary[RepoView, dict[tuple[str, str], Any]] = weakref.WeakKeyDictionary()


def decode_text(data: bytes) -> str:
    """UTF-16 when the bytes carry its byte-order mark (or look like it), else UTF-8; never raises."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if len(data) >= 4 and data[1:40:2].count(0) >= len(data[1:40:2]) // 2 and not data[0:40:2].count(0):
        return data.decode("utf-16-le", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _cached(repo: RepoView, kind: str, path: str, load: Callable[[], T]) -> T:
    per_repo = _CACHE.setdefault(repo, {})
    key = (kind, path)
    if key not in per_repo:
        per_repo[key] = load()
    return per_repo[key]


def _text(repo: RepoView, path: str) -> str | None:
    data = repo.read_bytes(path) if repo.file(path) is not None else None
    return decode_text(data) if data is not None else None


# ----- TOML -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TomlFile:
    """A TOML file's text and parsed table; `data` is None and `error` says why when it does not parse."""

    path: str
    text: str
    data: dict[str, Any] | None
    error: str | None = None
    error_line: int | None = None

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def _parse_toml(path: str, text: str) -> TomlFile:
    chain = _LONG_DOTTED_KEY.search(text)
    if chain is not None:
        return TomlFile(path=path, text=text, data=None, error_line=text.count("\n", 0, chain.start()) + 1,
                        error=f"a dotted key of more than {MAX_TOML_KEY_PARTS} parts; not parsed")
    try:
        return TomlFile(path=path, text=text, data=tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        found = _TOML_ERROR_LINE.search(str(exc))
        return TomlFile(path=path, text=text, data=None, error=str(exc) or type(exc).__name__,
                        error_line=int(found.group(1)) if found else None)


def read_toml(repo: RepoView, path: str) -> TomlFile | None:
    """The TOML file at `path`, parsed once per scan; None when it is not listed or could not be read."""
    def load() -> TomlFile | None:
        text = _text(repo, path)
        return _parse_toml(path, text) if text is not None else None
    return _cached(repo, "toml", path, load)


def table(value: Any, *keys: str) -> Any:
    """`value[k1][k2]...`, or None when a level is missing or not a table."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# ----- Makefiles --------------------------------------------------------------------------------


@dataclass
class MakeTarget:
    """One Makefile target: the line it is first defined on, its prerequisites and its recipe lines as
    (line number, command)."""

    line: int
    prerequisites: list[str]
    recipe: list[tuple[int, str]]


def makefile_targets(text: str) -> dict[str, MakeTarget]:
    """The explicit targets of a Makefile; recipe commands lose their `@`/`-`/`+` prefixes."""
    targets: dict[str, MakeTarget] = {}
    current: list[MakeTarget] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            command = line.strip().lstrip("@-+").strip()
            for target in current:
                target.recipe.append((number, command))
            continue
        match = _MAKE_TARGET.match(line)
        if match and not line.startswith((" ", "#")):
            rule, _, inline = match.group(2).partition(";")
            prerequisites = [p for p in rule.split("|", 1)[0].split() if not p.startswith("#")]
            current = []
            for name in match.group(1).split():
                target = targets.setdefault(name, MakeTarget(line=number, prerequisites=[], recipe=[]))
                target.prerequisites.extend(prerequisites)
                if inline.strip():
                    target.recipe.append((number, inline.strip()))
                current.append(target)
        elif line.strip() and not line.lstrip().startswith("#"):
            current = []
    return targets


@dataclass(frozen=True, kw_only=True)
class Makefile:
    """A Makefile's lines and targets, as every reader sees them."""

    path: str
    lines: tuple[str, ...]
    targets: dict[str, MakeTarget]


def read_makefile(repo: RepoView, path: str) -> Makefile | None:
    """The Makefile at `path`, parsed once per scan; None when it is not listed or could not be read."""
    def load() -> Makefile | None:
        text = _text(repo, path)
        if text is None:
            return None
        return Makefile(path=path, lines=tuple(text.splitlines()), targets=makefile_targets(text))
    return _cached(repo, "make", path, load)
