"""Configuration: `[tool.portcheck]` in the scanned repository's pyproject.toml, then CLI overrides.

    [tool.portcheck]
    select = ["RD", "RP101"]                       # ids or id prefixes; default: every check
    ignore = { QA104 = "the model file is the deliverable" }   # or a list of ids
    fail-under = 70

The file is read as data (tomllib) through the repository view; a malformed table is reported and
the defaults are used. Ignored checks do not run; the report lists them with their reasons.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .check import Check
from .repo import RepoView

CLI_REASON = "ignored on the command line"
NO_REASON = "ignored in [tool.portcheck] (no reason given)"


@dataclass(frozen=True, kw_only=True)
class Config:
    """The effective configuration of one scan."""

    select: tuple[str, ...] = ()
    ignore: Mapping[str, str] = field(default_factory=dict)
    fail_under: int | None = None
    problems: tuple[str, ...] = ()


def read_repo_config(repo: RepoView) -> Config:
    """`[tool.portcheck]` from the repository's root pyproject.toml, or defaults (with problems noted)."""
    text = repo.read_text("pyproject.toml") if repo.file("pyproject.toml") else None
    if text is None:
        return Config()
    try:
        table = tomllib.loads(text).get("tool", {}).get("portcheck")
    except (tomllib.TOMLDecodeError, AttributeError, RecursionError) as exc:
        return Config(problems=(f"pyproject.toml is not valid TOML, [tool.portcheck] not read: {exc}",))
    if table is None:
        return Config()
    if not isinstance(table, dict):
        return Config(problems=("[tool.portcheck] is not a table; ignored",))
    problems: list[str] = []
    select = _id_list(table.get("select", []), "select", problems)
    ignore = _ignore_table(table.get("ignore", {}), problems)
    fail_under = table.get("fail-under")
    if fail_under is not None and not (isinstance(fail_under, int) and 0 <= fail_under <= 100):
        problems.append("[tool.portcheck] fail-under must be an integer 0-100; ignored")
        fail_under = None
    for key in sorted(set(table) - {"select", "ignore", "fail-under"}):
        problems.append(f"[tool.portcheck] has an unknown key {key!r}; ignored")
    return Config(select=tuple(select), ignore=ignore, fail_under=fail_under, problems=tuple(problems))


def _id_list(value: object, key: str, problems: list[str]) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip().upper() for v in value if v.strip()]
    problems.append(f"[tool.portcheck] {key} must be a list of check ids; ignored")
    return []


def _ignore_table(value: object, problems: list[str]) -> dict[str, str]:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out[str(k).strip().upper()] = v.strip() if isinstance(v, str) and v.strip() else NO_REASON
        return out
    return {i: NO_REASON for i in _id_list(value, "ignore", problems)}


def with_cli(config: Config, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
             fail_under: int | None = None) -> Config:
    """The repository's configuration overridden by command-line options: --select replaces the
    repository's selection, --ignore adds to its ignores, --fail-under replaces its threshold."""
    cli_select = tuple(s.strip().upper() for s in select if s.strip())
    merged_ignore = dict(config.ignore)
    merged_ignore.update({i.strip().upper(): CLI_REASON for i in ignore if i.strip()})
    return Config(
        select=cli_select or config.select,
        ignore=merged_ignore,
        fail_under=fail_under if fail_under is not None else config.fail_under,
        problems=config.problems,
    )


def _matches(pattern: str, check_id: str) -> bool:
    return check_id == pattern or (not pattern[-1:].isdigit() and check_id.startswith(pattern))


@dataclass(frozen=True, kw_only=True)
class Selection:
    """Which checks run, which were ignored (with reasons), and which config entries match nothing."""

    run: tuple[Check, ...]
    ignored: dict[str, str]
    unknown: tuple[str, ...]


def select_checks(checks: Iterable[Check], config: Config) -> Selection:
    """Apply select and ignore to the available checks."""
    available = list(checks)
    patterns = list(config.select) + list(config.ignore)
    unknown = tuple(sorted({p for p in patterns if not any(_matches(p, c.id) for c in available)}))
    run, ignored = [], {}
    for chk in available:
        if config.select and not any(_matches(p, chk.id) for p in config.select):
            continue
        reason = next((r for p, r in config.ignore.items() if _matches(p, chk.id)), None)
        if reason is not None:
            ignored[chk.id] = reason
        else:
            run.append(chk)
    return Selection(run=tuple(run), ignored=dict(sorted(ignored.items())), unknown=unknown)
