"""Code quality metrics: complexity, maintainability, size, docstrings, linting, code outside notebooks.

The numbers are radon's (cyclomatic complexity and its ranks A–F, maintainability index and its
ranks A–C), measured by `analyzer.facts.complexity` on the project's own code: tests, vendored and
generated files are not judged.
"""
from __future__ import annotations

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.code_layout import CodeLayout, NotebookDefinition, import_name
from portcheck.analyzer.facts.complexity import BlockMetric, CodeMetrics
from portcheck.analyzer.facts.linting import LintingFacts, LintTool
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap, names

QUALITY = Area.QUALITY

MANY_RANK_D = 3          # this many rank-D blocks (complexity 21–30) fail QA109, like one rank E/F block
MANY_RANK_C = 5          # this many rank-C blocks (complexity 11–20) warn, like one rank-D block, when they are
RANK_C_SHARE = 0.10      # also at least this share of all blocks (a pattern, not a few in a large code base)
FUNCTION_LINES = 100     # code lines (no blanks, comments or docstring) before a function or cell is long
FUNCTION_FAIL_LINES = 200
MODULE_LINES = 1000      # code lines before a module is long
MIN_BLOCKS = 5           # fewer functions and cells than this: no talking point on a pass
MIN_PUBLIC = 3           # fewer public definitions than this: docstring coverage is not judged
DOCSTRING_PERCENT = 50   # coverage under this warns
HEAVY_NOTEBOOK = 5       # a notebook defining this many functions/classes without importing the project's code

RUFF_FIX = ("Add a linter and formatter: in pyproject.toml `[tool.ruff]` with `line-length = 100` and "
            "`[tool.ruff.lint]` with `select = [\"E\", \"F\", \"I\", \"B\", \"UP\"]`; then `.pre-commit-config.yaml` "
            "with `repos: [{repo: https://github.com/astral-sh/ruff-pre-commit, rev: v0.6.9, hooks: "
            "[{id: ruff, args: [--fix]}, {id: ruff-format}]}]`, run `pre-commit install` and "
            "`pre-commit run --all-files` once, and commit the result.")


def _no_code(code_metrics: CodeMetrics) -> Outcome | None:
    if not code_metrics.has_code:
        return Outcome.skipped("the repository has no Python code of its own to measure (modules or notebook cells)")
    return None


def _label(block: BlockMetric, detail: str = "") -> str:
    """`train (train.py:105, DETAIL)`, or `analysis.ipynb, cell 7 (DETAIL)` for a cell's top-level code."""
    if block.kind == "cell":
        return f"{block.location} ({detail})" if detail else block.location
    return f"{block.name} ({block.location}{', ' + detail if detail else ''})"


def _described(block: BlockMetric) -> str:
    return _label(block, f"complexity {block.complexity}, rank {block.rank}")


def _joined(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _split_fix(block: BlockMetric) -> str:
    if block.kind == "cell":
        return (f"Move the logic of {block.location} (complexity {block.complexity}) into functions in a .py "
                "module, one step each (load, transform, fit, evaluate), and call them from the notebook; keep "
                "each function at complexity 10 or less (`radon cc -s -n C .` lists what is left).")
    return (f"Split {_label(block, f'complexity {block.complexity}')} into functions that each do one "
            "step (parse options, build the data, run one epoch, evaluate, log), and replace long if/elif chains "
            "with a dict lookup or early returns; keep each function at complexity 10 or less "
            "(`radon cc -s -n C .` lists what is left).")


@check("QA109", area=QUALITY, title="Functions are not too complex", weight=2)
def function_complexity(code_metrics: CodeMetrics) -> Outcome:
    """What it checks: the cyclomatic complexity (radon) of every function, method and notebook cell
    (its top-level code) of the project's own code, and lists the worst with file:line, value and rank:
    A 1–5, B 6–10, C 11–20, D 21–30, E 31–40, F 41+. It fails when one block ranks E or F, or
    3 or more rank D; it warns when a block ranks D, or when 5 or more — and at least 10% of all
    blocks — rank C. Tests, vendored and generated code are not judged.

    Why a panel cares: a 300-line `train()` with 80 branches is the function they will ask you to walk
    through, and the one nobody can test. Small functions with one job read as engineering maturity.

    How to fix: split the worst functions into steps (parse options, build the data, one epoch,
    evaluate, log), each testable alone; replace if/elif ladders with lookups or early returns.
    `radon cc -s -n C .` lists the blocks still rated C or worse.

    Example: `train.py:105 train` (complexity 84, rank F) → `build_dataloaders()`, `train_one_epoch()`,
    `evaluate()` and `save_checkpoint()`, each under complexity 10, called from a short `train()`.
    """
    if (skip := _no_code(code_metrics)):
        return skip
    blocks = code_metrics.blocks
    if not blocks:
        return Outcome.skipped("no function, method or notebook cell to measure")
    severe = [b for b in blocks if b.rank >= "E"]
    rank_d = [b for b in blocks if b.rank == "D"]
    rank_c = [b for b in blocks if b.rank == "C"]
    worst = blocks[0]
    listed = "; ".join(_described(b) for b in blocks[:3])
    counts = ", ".join(f"{n} rank {r}" for r, n in (("F", sum(b.rank == "F" for b in severe)),
                                                     ("E", sum(b.rank == "E" for b in severe)),
                                                     ("D", len(rank_d)), ("C", len(rank_c))) if n)
    scope = plural(len(blocks), "function, method or cell", "functions, methods and cells")
    evidence = cap(b.evidence for b in code_metrics.at_least("C"))
    if severe or len(rank_d) >= MANY_RANK_D:
        return Outcome.failed(
            f"{counts} among {scope}; worst: {listed}", evidence=evidence, fix=_split_fix(worst),
            question=f"{_label(worst)} has a complexity of {worst.complexity}: how would you test it, and how "
                     "would you split it?")
    if rank_d or (len(rank_c) >= MANY_RANK_C and len(rank_c) >= RANK_C_SHARE * len(blocks)):
        return Outcome.warned(f"{counts} among {scope}; worst: {listed}", evidence=evidence,
                              fix=_split_fix(worst))
    talking = (f"Your code is split into small functions: the most complex of {scope} is "
               f"{_label(worst, f'complexity {worst.complexity}, radon rank {worst.rank}')}.")
    return Outcome.passed(
        f"nothing ranks worse than {worst.rank} among {scope}; the most complex is {_described(worst)}",
        evidence=evidence, talking_point=talking if len(blocks) >= MIN_BLOCKS else None)


@check("QA110", area=QUALITY, title="Modules are maintainable", weight=1, severity=Severity.LOW)
def module_maintainability(code_metrics: CodeMetrics) -> Outcome:
    """What it checks: radon's maintainability index (MI, 0–100, from Halstead volume, cyclomatic
    complexity, size and comment share) of every module of the project's own code. Rank A is MI > 19,
    B 10–19, C 9 or less; it warns for rank C modules. Notebooks have no MI (their cells are judged
    by QA109 and QA111).

    Why a panel cares: a rank-C module is one a newcomer cannot safely change — large, branchy and
    dense. It is usually where the bugs a reviewer finds are.

    How to fix: split the module by responsibility and break up its most complex functions;
    `radon mi -s .` re-measures.

    Example: `models/common.py` (MI 4, rank C, 900 code lines) → `models/layers.py`,
    `models/backends.py`, with `DetectMultiBackend.__init__` split per backend.
    """
    if (skip := _no_code(code_metrics)):
        return skip
    modules = code_metrics.modules
    if not modules:
        return Outcome.skipped("the code lives only in notebooks: no .py module to measure")
    low = sorted((m for m in modules if m.rank == "C"), key=lambda m: (m.mi, m.path))
    if low:
        first = low[0]
        worst_function = next((f for f in code_metrics.functions if f.path == first.path), None)
        start = f", starting with {worst_function.name} (complexity {worst_function.complexity})" \
            if worst_function else ""
        return Outcome.warned(
            f"{plural(len(low), 'module')} rank C on the maintainability index (9 or less): "
            + names(f"{m.path} (MI {m.mi:.1f})" for m in low),
            evidence=cap(m.evidence for m in low),
            fix=f"Split {first.path} ({first.sloc} code lines, MI {first.mi:.1f}) by responsibility into smaller "
                f"modules and break up its most complex functions{start}; `radon mi -s {first.path}` re-measures.")
    lowest = min(modules, key=lambda m: (m.mi, m.path))
    scope = "the only module ranks" if len(modules) == 1 else f"all {len(modules)} modules rank"
    return Outcome.passed(
        f"{scope} A or B on the maintainability index; lowest: {lowest.path} (MI {lowest.mi:.1f}, rank {lowest.rank})",
        evidence=[lowest.evidence])


@check("QA111", area=QUALITY, title="No very long functions or modules", weight=1, severity=Severity.LOW)
def long_code(code_metrics: CodeMetrics) -> Outcome:
    """What it checks: no function, method or notebook cell has more than 100 code lines, and no
    module more than 1000 (code lines: not blank, not comments, not the docstring). A function over
    200 code lines fails; anything else over the limits warns.

    Why a panel cares: a function that does not fit on two screens cannot be reviewed in an
    interview, and a 150-line notebook cell hides a whole program in one output.

    How to fix: extract named steps from the longest functions; move classes and helpers out of long
    cells into modules; split modules over 1000 lines by responsibility.

    Example: `train()` with 300 code lines → `setup_logging()`, `build_model()`, `train_one_epoch()`,
    `validate()`, each under 50 lines.
    """
    if (skip := _no_code(code_metrics)):
        return skip
    blocks = sorted(code_metrics.functions + code_metrics.cells,
                    key=lambda b: (-b.length, b.path, b.cell or 0, b.line))
    long_blocks = [b for b in blocks if b.length > FUNCTION_LINES]
    long_modules = sorted((m for m in code_metrics.modules if m.sloc > MODULE_LINES), key=lambda m: (-m.sloc, m.path))
    if not long_blocks and not long_modules:
        longest = f"; the longest is {_label(blocks[0])} with {plural(blocks[0].length, 'code line')}" if blocks else ""
        return Outcome.passed(f"no function or cell over {FUNCTION_LINES} code lines and no module over "
                              f"{MODULE_LINES}{longest}")
    parts = []
    if long_blocks:
        parts.append(f"{plural(len(long_blocks), 'function or cell', 'functions and cells')} over {FUNCTION_LINES} "
                     "code lines: " + names(_label(b, f"{b.length} code lines") for b in long_blocks))
    if long_modules:
        parts.append(f"{plural(len(long_modules), 'module')} over {MODULE_LINES} code lines: "
                     + names(f"{m.path} ({m.sloc})" for m in long_modules))
    evidence = cap([*(b.evidence for b in long_blocks),
                    *(Evidence(path=m.path, excerpt=f"{m.sloc} code lines ({m.loc} lines)") for m in long_modules)])
    target = long_blocks[0] if long_blocks else None
    if target is None:
        fix = f"Split {long_modules[0].path} ({long_modules[0].sloc} code lines) into modules by responsibility."
    elif target.kind == "cell":
        fix = (f"Split {target.location} ({target.length} code lines): move its functions and classes into a .py "
               "module and import them, and give each remaining step its own cell.")
    else:
        fix = (f"Break {_label(target, f'{target.length} code lines')} into named steps of under 50 "
               "lines each, called in order from a short function.")
    if any(b.length > FUNCTION_FAIL_LINES and b.kind != "cell" for b in long_blocks):
        return Outcome.failed("; ".join(parts), evidence=evidence, fix=fix,
                              question=f"{_label(target)} is {target.length} lines long: what are its steps?")
    return Outcome.warned("; ".join(parts), evidence=evidence, fix=fix)


@check("QA112", area=QUALITY, title="Public functions documented", weight=1, severity=Severity.LOW)
def docstring_coverage(code_metrics: CodeMetrics) -> Outcome:
    """What it checks: the share of public functions, classes and methods (names not starting with
    `_`, not nested in a function, in non-test modules outside `docs/`, not `setup.py`) with a
    docstring; it warns under 50% and lists the undocumented ones. Needs at least 3 public definitions.

    Why a panel cares: docstrings on the functions a reviewer opens first (data loading, features,
    model, evaluation) show you write code for other people — and answer their first questions.

    How to fix: one line under each `def`: what it does and what it returns; shapes or units for
    arrays. `ruff check --select D1 .` lists every public definition still without one.

    Example: under `def build_features(df):` add the docstring
    "Add ratio and lag features; return a new DataFrame." in triple double quotes.
    """
    if (skip := _no_code(code_metrics)):
        return skip
    coverage = code_metrics.docstrings
    if coverage.total < MIN_PUBLIC:
        return Outcome.skipped(f"fewer than {MIN_PUBLIC} public functions or classes in the project's modules")
    percent = coverage.percent or 0.0
    summary = (f"{percent:.0f}% of public functions and classes have a docstring "
               f"({coverage.documented} of {coverage.total})")
    if percent < DOCSTRING_PERCENT:
        missing = coverage.undocumented
        first = missing[0]
        return Outcome.warned(
            f"{summary}; undocumented: " + names((f"{d.name} ({d.evidence.location()})" for d in missing), 4),
            evidence=cap(d.evidence for d in missing),
            fix=f"Add a one-line docstring under each public def, starting with {first.name} "
                f"({first.evidence.location()}): what it does and what it returns (shapes for arrays); "
                "`ruff check --select D1 .` lists the rest.")
    return Outcome.passed(summary, talking_point=f"{percent:.0f}% of the public functions and classes carry a "
                                                 "docstring: point the panel at one while walking through the code.")


def _sources(tool: LintTool) -> str:
    """Where a tool is configured or run: its files, then pre-commit and CI."""
    files = dict.fromkeys(e.path for e in tool.configs + tool.make)
    return ", ".join([*files, *(["pre-commit"] if tool.hooks else []), *(["CI"] if tool.ci else [])])


def _where_run(tool: LintTool, linting: LintingFacts) -> list[str]:
    where = ["pre-commit"] if tool.hooks else []
    if tool.ci or (tool.hooks and linting.pre_commit_in_ci):
        where.append("CI")
    return where


@check("QA113", area=QUALITY, title="Linter or formatter configured", weight=1, severity=Severity.LOW)
def linter_configured(linting: LintingFacts, code_metrics: CodeMetrics) -> Outcome:
    """What it checks: the project configures a linter, formatter or type checker — ruff, flake8,
    pylint, black, isort, mypy … in their own config files, `pyproject.toml` tables or
    `setup.cfg`/`tox.ini` sections — or runs one from pre-commit or CI. A tool only listed as a
    dependency warns (nothing shows it is run).

    Why a panel cares: consistent formatting and a clean lint are the cheapest signal that you work
    like a team member; a linter in pre-commit or CI shows the habit is automatic, not occasional.

    How to fix: configure ruff (lint and format) and run it from pre-commit.

    Example: pyproject.toml

        [tool.ruff]
        line-length = 100

        [tool.ruff.lint]
        select = ["E", "F", "I", "B", "UP"]

    and .pre-commit-config.yaml

        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v0.6.9
            hooks:
              - id: ruff
                args: [--fix]
              - id: ruff-format

    then `pre-commit install` and `pre-commit run --all-files`.
    """
    if (skip := _no_code(code_metrics)):
        return skip
    configured = linting.configured
    if configured:
        runs = {t.name: _where_run(t, linting) for t in configured}
        enforced = [name for name, where in runs.items() if where]
        places = sorted({w for where in runs.values() for w in where})
        message = f"{_joined([f'{t.name} ({_sources(t)})' for t in configured])} configured"
        ran = f"{_joined(enforced)} run{'s' if len(enforced) == 1 else ''} in {_joined(places)}" if enforced else ""
        if ran:
            message += f"; {ran}"
        talking = f"{ran[0].upper()}{ran[1:]}: every change is checked the same way, automatically." if ran else None
        return Outcome.passed(message, evidence=cap(e for t in configured for e in t.evidence), talking_point=talking)
    if linting.ci_steps:
        return Outcome.passed("CI runs a lint step", evidence=cap(linting.ci_steps))
    if linting.declared_only:
        tools = linting.declared_only
        return Outcome.warned(
            f"{', '.join(t.name for t in tools)} listed as {'a dependency' if len(tools) == 1 else 'dependencies'}, "
            "but no configuration, pre-commit hook or CI step runs "
            f"{'it' if len(tools) == 1 else 'them'}",
            evidence=cap(e for t in tools for e in t.declared), fix=RUFF_FIX)
    hooks = f"; pre-commit runs only {names(linting.pre_commit_hooks)}" if linting.pre_commit_hooks else ""
    return Outcome.failed(f"no linter or formatter is configured (ruff, flake8, pylint, black, isort, mypy){hooks}",
                          evidence=[linting.pre_commit] if linting.pre_commit else (), fix=RUFF_FIX)


def _import_fix(definition: NotebookDefinition) -> str:
    """How to replace a notebook's copy of a module's function or class with an import."""
    module = definition.also_in.path if definition.also_in else ""
    name = import_name(definition.evidence.path, module)
    where = f"instead of the definition in {definition.evidence.location()}"
    if name:
        return (f"Delete the notebook copies and import the module versions, e.g. "
                f"`from {name} import {definition.name}` {where}.")
    return f"Delete the notebook copies and import {definition.name} from {module} {where}."


@check("QA114", area=QUALITY, title="Reusable code lives in modules, not only in notebooks", weight=2)
def code_outside_notebooks(code_layout: CodeLayout) -> Outcome:
    """What it checks: where the logic lives. It warns when every function and class is in notebooks
    (no `.py` module defines any), when a notebook redefines a function or class a project module
    already has (same name and, for functions, half the parameters), or when a notebook defines 5 or
    more functions and classes while importing none of the project's modules. Notebooks that import
    the project's modules (or `%run` its scripts) are the good pattern.

    Why a panel cares: logic that lives only in notebook cells cannot be imported, tested or rerun in
    a pipeline; two copies of `preprocess()` raise "which one produced your numbers?".

    How to fix: move loading, feature, model and evaluation code into a package (e.g.
    `src/<project>/features.py`), import it in the notebooks, and keep notebooks for exploration
    and presenting results.

    Example: `def preprocess(df)` in `analysis.ipynb` cell 12 and in `src/churn/data.py` → delete
    the cell's copy and `from churn.data import preprocess`.
    """
    notebooks = code_layout.notebooks
    if not notebooks:
        return Outcome.skipped("the repository has no notebooks with code")
    duplicates = code_layout.duplicates
    heavy = [] if code_layout.notebooks_only else code_layout.self_contained(HEAVY_NOTEBOOK)
    defined = [d for n in notebooks for d in n.definitions]
    parts: list[str] = []
    fix = ""
    if code_layout.notebooks_only:
        inside = (f"{plural(len(defined), 'function or class', 'functions and classes')} defined in cells"
                  if defined else "all of it top-level cell code")
        parts.append(f"all the code lives in {plural(len(notebooks), 'notebook')} ({inside}) "
                     "and no .py module defines a function or class")
        fix = ("Move the reusable code (loading, features, model, evaluation) into a package, e.g. "
               "`src/<project>/features.py` with `def build_features(df): ...`, import it in the notebooks "
               "(`from <project>.features import build_features`) and keep the notebooks for exploration and results.")
    if duplicates:
        parts.append(f"{plural(len(duplicates), 'notebook definition')} "
                     f"{'duplicates' if len(duplicates) == 1 else 'duplicate'} module code: "
                     + names(f"{d.name} ({d.evidence.location()} and {d.also_in.location()})" for d in duplicates))
        fix = fix or _import_fix(duplicates[0])
    if heavy:
        one = len(heavy) == 1
        parts.append(f"{plural(len(heavy), 'notebook')} {'defines' if one else 'define'} {HEAVY_NOTEBOOK} or more "
                     f"functions and classes and {'imports' if one else 'import'} none of the project's modules: "
                     + names(f"{n.path} ({len(n.definitions)})" for n in heavy))
        fix = fix or ("Move the functions these notebooks define into the project's modules and import them "
                      "in the notebooks, so the same code runs in scripts, tests and notebooks.")
    if parts:
        shown = defined if code_layout.notebooks_only else [d for n in heavy for d in n.definitions]
        evidence = cap([*(d.evidence for d in duplicates), *(d.also_in for d in duplicates[:5] if d.also_in),
                        *(d.evidence for d in shown if d not in duplicates)])
        return Outcome.warned("; ".join(parts), evidence=evidence, fix=fix,
                              question="Which code would you run to retrain this model from scratch, and could "
                                       "you test it outside the notebook?")
    users = [n for n in notebooks if n.uses_project_code]
    if users:
        return Outcome.passed(
            f"{plural(len(users), 'notebook')} of {len(notebooks)} use the project's modules "
            f"({names(n.path for n in users)})",
            evidence=cap(n.uses_modules[0] for n in users),
            talking_point="Your notebooks import the project's own modules: the pipeline lives in code you can test "
                          "and rerun, and the notebooks explore and present it.")
    defines = (f"define only {plural(len(defined), 'function or class', 'functions and classes')}" if defined
               else "define no functions or classes")
    return Outcome.passed(f"the code lives in {plural(len(code_layout.modules), 'module')}; the notebooks {defines}")
