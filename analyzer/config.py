"""Configuration: `[tool.portcheck]` in the scanned repository's pyproject.toml, then CLI overrides.

    [tool.portcheck]
    select = ["RD", "RP101"]                       # ids or id prefixes; default: every check
    ignore = { QA104 = "the model file is the deliverable" }   # or a list of ids
    fail-under = 70                                # exit 1 when the overall score is below
    fail-under-area = { readme = 70, metrics = 50 } # exit 1 when an area's score is below

The file is read as data (tomllib, through `project_files`, parsed once per scan); a malformed table is reported and
the defaults are used. Ignored checks do not run; the report lists them with their reasons.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .check import Check
from .model import Area, Report
from .project_files import read_toml
from .project_files import table as toml_table
from .repo import RepoView

CLI_REASON = "ignored on the command line"
NO_REASON = "ignored in [tool.portcheck] (no reason given)"
AREA_NAMES = tuple(a.value for a in Area)
_KNOWN_KEYS = {"select", "ignore", "fail-under", "fail-under-area"}


@dataclass(frozen=True, kw_only=True)
class Config:
    """The effective configuration of one scan."""

    select: tuple[str, ...] = ()
    ignore: Mapping[str, str] = field(default_factory=dict)
    fail_under: int | None = None
    fail_under_area: Mapping[str, int] = field(default_factory=dict)  # area name -> threshold
    problems: tuple[str, ...] = ()


def read_repo_config(repo: RepoView) -> Config:
    """`[tool.portcheck]` from the repository's root pyproject.toml, or defaults (with problems noted)."""
    pyproject = read_toml(repo, "pyproject.toml")
    if pyproject is None:
        return Config()
    if pyproject.data is None:
        return Config(problems=(f"pyproject.toml is not valid TOML, [tool.portcheck] not read: {pyproject.error}",))
    table = toml_table(pyproject.data, "tool", "portcheck")
    if table is None:
        return Config()
    if not isinstance(table, dict):
        return Config(problems=("[tool.portcheck] is not a table; ignored",))
    problems: list[str] = []
    select = _id_list(table.get("select", []), "select", problems)
    ignore = _ignore_table(table.get("ignore", {}), problems)
    fail_under = table.get("fail-under")
    if fail_under is not None and not _is_score(fail_under):
        problems.append("[tool.portcheck] fail-under must be an integer 0-100; ignored")
        fail_under = None
    fail_under_area = _area_table(table.get("fail-under-area", {}), problems)
    for key in sorted(set(table) - _KNOWN_KEYS):
        problems.append(f"[tool.portcheck] has an unknown key {key!r}; ignored")
    return Config(select=tuple(select), ignore=ignore, fail_under=fail_under, fail_under_area=fail_under_area,
                  problems=tuple(problems))


def _is_score(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100


def _area_table(value: object, problems: list[str]) -> dict[str, int]:
    """`fail-under-area = { readme = 70 }`: valid entries kept, each invalid one reported and dropped."""
    if not isinstance(value, dict):
        problems.append("[tool.portcheck] fail-under-area must be a table of area = score, e.g. "
                        "{ readme = 70 }; ignored")
        return {}
    out = {}
    for key, threshold in value.items():
        area = str(key).strip().lower()
        if area not in AREA_NAMES:
            problems.append(f"[tool.portcheck] fail-under-area has an unknown area {key!r} "
                            f"(areas: {', '.join(AREA_NAMES)}); ignored")
        elif not _is_score(threshold):
            problems.append(f"[tool.portcheck] fail-under-area {area} must be an integer 0-100; ignored")
        else:
            out[area] = threshold
    return out


def parse_area_thresholds(values: Iterable[str]) -> dict[str, int]:
    """`AREA=N` items from the command line (e.g. `readme=70`) as {area: N}; a later item wins.

    Raises ValueError with a one-line reason for a malformed item, an unknown area or N outside 0-100.
    """
    out = {}
    for item in values:
        name, sep, number = item.partition("=")
        area = name.strip().lower()
        if not sep or not area:
            raise ValueError(f"{item.strip()!r} is not AREA=N (e.g. readme=70)")
        if area not in AREA_NAMES:
            raise ValueError(f"unknown area {name.strip()!r}; valid areas: {', '.join(AREA_NAMES)}")
        try:
            threshold = int(number.strip())
        except ValueError:
            threshold = -1
        if not 0 <= threshold <= 100:
            raise ValueError(f"{item.strip()!r}: the threshold must be an integer 0-100")
        out[area] = threshold
    return out


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
             fail_under: int | None = None, fail_under_area: Mapping[str, int] | None = None) -> Config:
    """The repository's configuration overridden by command-line options: --select replaces the
    repository's selection, --ignore adds to its ignores, --fail-under replaces its threshold and
    --fail-under-area replaces the thresholds of the areas it names (the others stay)."""
    cli_select = tuple(s.strip().upper() for s in select if s.strip())
    merged_ignore = dict(config.ignore)
    merged_ignore.update({i.strip().upper(): CLI_REASON for i in ignore if i.strip()})
    return Config(
        select=cli_select or config.select,
        ignore=merged_ignore,
        fail_under=fail_under if fail_under is not None else config.fail_under,
        fail_under_area={**config.fail_under_area, **(fail_under_area or {})},
        problems=config.problems,
    )


def threshold_failures(report: Report) -> list[str]:
    """One line per threshold the report's scores are below: the overall one first, then each area's
    in area order. An area without a score (no applicable check) is not below its threshold."""
    lines = []
    if report.fail_under is not None and report.scores.overall < report.fail_under:
        lines.append(f"overall score {report.scores.overall} is below {report.fail_under}")
    for area, threshold in _area_thresholds(report):
        score = report.scores.areas.get(area)
        if score is not None and score < threshold:
            lines.append(f"{area} score {score} is below {threshold}")
    return lines


def unscored_area_thresholds(report: Report) -> list[str]:
    """The area thresholds that could not apply because the area has no score, one line each."""
    return [f"{area} has no score (no applicable check); its threshold {threshold} does not apply"
            for area, threshold in _area_thresholds(report) if area not in report.scores.areas]


def _area_thresholds(report: Report) -> list[tuple[str, int]]:
    return [(a, report.fail_under_area[a]) for a in AREA_NAMES if a in report.fail_under_area]


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
