"""Random-seed facts (`seeds`): does code or config fix a random seed?

Counted in Python modules and notebook code cells (test files excluded: a seed in a unit test does
not make training reproducible):
* seeding calls with an argument that is not None: `random.seed`, `np.random.seed`,
  `torch.manual_seed`, `torch.cuda.manual_seed(_all)`, `tf.random.set_seed`, `set_seed`,
  `seed_everything`, `set_random_seed`, `torch.Generator().manual_seed`, …;
* seeded generators: `np.random.default_rng(42)`, `np.random.RandomState(42)`, `random.Random(42)`,
  `jax.random.PRNGKey(0)`;
* `random_state=` / `seed=` keywords given an integer literal or a seed-named value
  (`random_state=SEED`, `seed=cfg.seed`).
And in YAML/JSON configs: a `seed` / `random_seed` / `*_seed` / `random_state` key with an integer
value (or a list of them) whose name the code reads (`cfg.seed`, `config["random_seed"]`).
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from operator import attrgetter

from ..model import Evidence
from ..repo import RepoView
from ..sources import Sources
from .codepass import SourceFile, code_pass, per_file
from .common import EvidenceFacts, excerpt
from .pycode import CodeUnit, called_name, dotted_name, import_aliases, nodes_of
from .testing import is_test_path

_SEED_FUNCTION = re.compile(
    r"^(manual_seed(_all)?|(set|fix|setup|init|reset)_?(global_|random_|all_|torch_|np_)?seeds?"
    r"|seed_(everything|all|torch|rngs?))$", re.IGNORECASE)
_GENERATORS = frozenset({"default_rng", "RandomState", "PRNGKey", "Random", "key"})
_SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed", "rng_seed"})
_SEEDISH = re.compile(r"seed|random_state", re.IGNORECASE)
_CONFIG_KEY = re.compile(
    r"""^\s*["']?(seed|random_seed|random_state|[A-Za-z_]*_seed|seed_[A-Za-z_]*)["']?\s*:\s*(.+?)\s*,?\s*(#.*)?$""")
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
MAX_CONFIG_BYTES = 512 * 1024


def _real_argument(call: ast.Call) -> bool:
    values = [*call.args, *(k.value for k in call.keywords)]
    return any(not (isinstance(v, ast.Constant) and v.value is None) for v in values)


def _seed_like_value(value: ast.AST) -> bool:
    """An int literal, or a name / attribute / subscript that names a seed."""
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int) and not isinstance(value.value, bool)
    if isinstance(value, ast.UnaryOp):
        return _seed_like_value(value.operand)
    if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript, ast.BinOp)):
        try:
            return bool(_SEEDISH.search(ast.unparse(value)))
        except RecursionError:  # an absurdly nested expression is not a seed
            return False
    return False


@functools.lru_cache(maxsize=8192)  # asked for every call's name; names repeat
def _may_name_a_seeder(last: str) -> bool:
    """`last` (the last part of a call's dotted name) is `seed`, a seeding function or a generator."""
    return last == "seed" or last in _GENERATORS or _SEED_FUNCTION.match(last) is not None


def _may_seed(call: ast.Call) -> bool:
    """False for a call `seeding_line` cannot count (most calls), without building its dotted name: the
    last part of that name (`func.attr`, `func.id`; a call's ends in "()" and names nothing) names no
    seeding function or generator, and no keyword is a seed keyword."""
    if _may_name_a_seeder(called_name(call.func) or ""):
        return True
    return any(keyword.arg in _SEED_KEYWORDS for keyword in call.keywords)


def seeding_line(call: ast.Call, aliases: dict[str, str]) -> int | None:
    """The line where `call` sets a seed (its own line, or its seed keyword's), or None."""
    if not _may_seed(call):
        return None
    name = dotted_name(call.func)
    if name is None:
        return None
    last = name.rsplit(".", 1)[-1]
    if last == "seed":
        origin = name if "." in name else aliases.get(name, "")
        if origin.endswith("random.seed") and _real_argument(call):
            return call.lineno
    elif _SEED_FUNCTION.match(last):
        if _real_argument(call):
            return call.lineno
    elif (last in _GENERATORS and call.args and _seed_like_value(call.args[0])
          and (last != "key" or name.endswith("random.key"))):
        return call.lineno
    for keyword in call.keywords:
        if keyword.arg in _SEED_KEYWORDS and _seed_like_value(keyword.value):
            return keyword.value.lineno
    return None


class SeedFacts(EvidenceFacts):
    """Where a random seed is set: code lines and used config keys."""


@dataclass(frozen=True)
class _FileSeeds:
    """One file's part: where it seeds (nothing for a test file) and the names its code reads that
    could be a config's seed key."""

    seeding: tuple[Evidence, ...]
    names: frozenset[str]


@per_file("seeds")
def _seeds_in_file(file: SourceFile) -> _FileSeeds | None:
    """Where one file seeds and the seed keys it may read; None when it has neither (most files)."""
    if not file.units:
        return None
    seeding = () if is_test_path(file.path) else tuple(_code_seeds(file.units))
    names = _seed_keys_read_by_code(file.units)
    return _FileSeeds(seeding=seeding, names=frozenset(names)) if seeding or names else None


def _code_seeds(units: list[CodeUnit]) -> Iterator[Evidence]:
    """Seeding calls in one file's units (a module, or a notebook's cells sharing their imports)."""
    aliases = import_aliases([u.tree for u in units])
    for unit in units:
        for node in nodes_of(unit.tree, ast.Call):
            line = seeding_line(node, aliases)
            if line is not None:
                yield unit.evidence(line)


def _seed_keys_read_by_code(units: list[CodeUnit]) -> set[str]:
    """Attribute names, keyword names and short string constants the code uses (config keys) that
    `_CONFIG_KEY` could match as a seed key: each of those holds "seed" or is `random_state`, so no
    other name can make a config line count."""
    names: set[str | None] = set()
    values: set[object] = set()
    for unit in units:  # each distinct name tested once: `map` over the nodes, then the sets
        names.update(map(_ATTR, nodes_of(unit.tree, ast.Attribute)), map(_ARG, nodes_of(unit.tree, ast.keyword)))
        values.update(map(_VALUE, nodes_of(unit.tree, ast.Constant)))
    names.update(v for v in values if isinstance(v, str) and len(v) < 40)
    return {name for name in names if name and ("seed" in name or name == "random_state")}


_ATTR, _ARG, _VALUE = attrgetter("attr"), attrgetter("arg"), attrgetter("value")


def _config_seeds(repo: RepoView, used: set[str]) -> list[Evidence]:
    found = []
    for f in repo.files:
        if not f.path.lower().endswith(_CONFIG_SUFFIXES) or f.size > MAX_CONFIG_BYTES:
            continue
        text = repo.read_text(f.path)
        if text is None:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = _CONFIG_KEY.match(line)
            if not match or match.group(1) not in used:
                continue
            value = match.group(2).strip().strip("\"'")
            if re.search(r"\d", value) and not re.search(r"\b(null|None|~)\b", value) and "${" not in value:
                found.append(Evidence(path=f.path, line=number, excerpt=excerpt(line)))
    return found


def detect_seeds(repo: RepoView, sources: Sources) -> SeedFacts:
    """Seeding calls in code and seed keys in configs the code reads."""
    files = code_pass(sources).of("seeds")
    used = set().union(*(f.names for f in files))
    evidence = [e for f in files for e in f.seeding] + _config_seeds(repo, used)
    return SeedFacts(evidence=tuple(evidence))
