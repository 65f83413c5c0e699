"""Import facts: third-party imports mapped to distributions and compared with the declarations."""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from portcheck.analyzer.facts.dependencies import detect_dependencies
from portcheck.analyzer.facts.imports import (
    _MAX_COLLECT_DEPTH,
    _deep_unit_imports,
    _unit_imports,
    detect_imports,
    distributions_for,
)
from portcheck.analyzer.facts.pycode import code_unit
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources


def scan(root: Path, files: dict[str, str]):
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    repo = RepoView(root)
    return detect_imports(repo, Sources(repo), detect_dependencies(repo))


def write_notebook(path: Path, *cells: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))


def by_module(facts) -> dict:
    return {p.module: p for p in facts.packages}


def test_sklearn_declared_as_scikit_learn_and_cv2_undeclared_with_its_line(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "scikit-learn==1.4.0\n",
        "train.py": "import os\nfrom sklearn.linear_model import LogisticRegression\n\nimport cv2\n",
    })
    packages = by_module(facts)
    assert sorted(packages) == ["cv2", "sklearn"]
    assert packages["sklearn"].distributions[0] == "scikit-learn" and packages["sklearn"].declared
    assert [p.module for p in facts.undeclared] == ["cv2"]
    cv2 = packages["cv2"]
    assert cv2.distributions[0] == "opencv-python"
    assert [(e.path, e.line, e.excerpt) for e in cv2.evidence] == [("train.py", 4, "import cv2")]
    assert facts.declarations_found


def test_unlisted_import_name_is_its_own_distribution_with_underscores_normalised(tmp_path):
    facts = scan(tmp_path, {"requirements.txt": "rank-bm25\n", "search.py": "import rank_bm25\nimport zzz_tool\n"})
    assert by_module(facts)["rank_bm25"].declared
    assert [(p.module, p.distributions) for p in facts.undeclared] == [("zzz_tool", ("zzz-tool",))]
    assert distributions_for("yaml")[0] == "pyyaml" and distributions_for("PIL")[0] == "pillow"


def test_local_modules_and_packages_at_any_depth_are_not_third_party(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "numpy\n",
        "src/churn/__init__.py": "",
        "src/churn/features.py": "import numpy\nfrom churn.io import load\nfrom . import io\n",
        "src/churn/io.py": "",
        "scripts/run.py": "import helpers\nfrom src.churn import features\nimport churn\n",
        "scripts/helpers.py": "",
    })
    assert [p.module for p in facts.packages] == ["numpy"]
    assert facts.undeclared == ()


def test_local_file_named_like_a_known_package_counts_only_next_to_its_importer(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "pandas\n",
        "models/xgboost.py": "import pandas\n",
        "models/train.py": "import xgboost\n",        # the sibling wrapper
        "app/serve.py": "import xgboost\n",           # the real package: not next to models/xgboost.py
    })
    [xgb] = facts.undeclared
    assert xgb.module == "xgboost" and [e.path for e in xgb.evidence] == ["app/serve.py"]


def test_standard_library_future_and_python2_modules_are_not_flagged(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "requests\n",
        "util.py": ("from __future__ import annotations\nimport json, os.path, collections.abc\n"
                    "import tomllib\nimport urllib2\nimport requests\n"),
    })
    assert [p.module for p in facts.packages] == ["requests"]
    assert facts.undeclared == ()


def test_notebook_import_cites_the_cell_and_colab_runtime_is_ignored(tmp_path):
    write_notebook(tmp_path / "notebooks" / "eda.ipynb", "%matplotlib inline\nimport pandas as pd",
                   "from google.colab import drive\nimport seaborn as sns\nfrom IPython.display import display")
    facts = scan(tmp_path, {"requirements.txt": "pandas>=2\n"})
    assert sorted(by_module(facts)) == ["pandas", "seaborn"]
    [seaborn] = facts.undeclared
    assert seaborn.evidence[0].path == "notebooks/eda.ipynb"
    assert seaborn.evidence[0].line == 2 and seaborn.evidence[0].excerpt.startswith("cell 2:")


def test_guarded_imports_are_optional_and_not_findings(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "torch\n",
        "train.py": (
            "from typing import TYPE_CHECKING\nfrom importlib.util import find_spec\nimport torch\n"
            "try:\n    import apex\nexcept ImportError:\n    apex = None\n"
            "if TYPE_CHECKING:\n    import pandas\n"
            "if find_spec('wandb'):\n    import wandb\n"
            "def export():\n    import onnxruntime\n"),
    })
    packages = by_module(facts)
    assert {m for m, p in packages.items() if p.optional} == {"apex", "pandas", "wandb"}
    assert [p.module for p in facts.undeclared] == ["onnxruntime"]   # imported lazily, but required


def test_try_except_other_error_is_not_optional(tmp_path):
    facts = scan(tmp_path, {"requirements.txt": "numpy\n",
                            "a.py": "try:\n    import boto3\nexcept KeyError:\n    pass\n"})
    assert [p.module for p in facts.undeclared] == ["boto3"]


def test_conda_environment_declarations_count_with_conda_names(tmp_path):
    facts = scan(tmp_path, {
        "environment.yml": ("name: demo\nchannels: [pytorch, conda-forge]\ndependencies:\n"
                            "  - python=3.10\n  - pytorch=2.1.0\n  - py-opencv\n  - pyyaml\n"
                            "  - pip\n  - pip:\n    - hydra-core==1.3.2\n"),
        "train.py": "import torch, cv2, yaml\nfrom omegaconf import DictConfig\nimport hydra\nimport lightgbm\n",
    })
    packages = by_module(facts)
    assert all(packages[m].declared for m in ("torch", "cv2", "yaml", "hydra", "omegaconf"))
    assert [p.module for p in facts.undeclared] == ["lightgbm"]


def test_namespace_and_provided_imports_resolve_to_their_own_distributions(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "protobuf\ntensorflow==2.15.0\ngoogle-cloud-storage\n",
        "a.py": ("from google.protobuf import text_format\nfrom google.cloud import storage\n"
                 "from google.cloud import bigquery\nimport tensorflow.keras\nfrom keras import layers\n"
                 "import pkg_resources\nimport person_pb2\n"),
    })
    packages = by_module(facts)
    assert packages["google.protobuf"].declared and packages["google.cloud.storage"].declared
    assert packages["keras"].declared and packages["tensorflow"].declared
    assert sorted((p.module, p.distributions[0]) for p in facts.undeclared) == [
        ("google.cloud.bigquery", "google-cloud-bigquery"), ("pkg_resources", "setuptools")]


def test_test_imports_count_and_dev_requirements_declare_pytest(tmp_path):
    facts = scan(tmp_path, {
        "requirements.txt": "numpy\n",
        "requirements-dev.txt": "pytest\n",
        "tests/test_model.py": "import pytest\nimport hypothesis\n",
        "setup.py": "from setuptools import setup\nsetup(name='demo', install_requires=['numpy'])\n",
    })
    assert by_module(facts)["pytest"].declared
    assert [p.module for p in facts.undeclared] == ["hypothesis"]   # setup.py's setuptools is a build need


def test_no_declaration_file_makes_every_import_undeclared(tmp_path):
    facts = scan(tmp_path, {"main.py": "import torch\nimport torchvision\nimport torch.nn as nn\n"})
    assert not facts.declarations_found
    assert [p.module for p in facts.undeclared] == ["torch", "torchvision"]
    assert [e.line for e in by_module(facts)["torch"].evidence] == [1, 3]


def test_evidence_is_capped_and_broken_files_are_skipped(tmp_path):
    files = {f"m{i}.py": "import numpy\n" for i in range(8)}
    files["broken.py"] = "import (\n"
    facts = scan(tmp_path, files)
    assert len(by_module(facts)["numpy"].evidence) == 5
    write_notebook(tmp_path / "x.ipynb", "import pandas")
    (tmp_path / "bad.ipynb").write_text("{not json")
    repo = RepoView(tmp_path)
    again = detect_imports(repo, Sources(repo), detect_dependencies(repo))
    assert sorted(by_module(again)) == ["numpy", "pandas"]


def test_import_under_a_device_check_is_still_required(tmp_path):
    facts = scan(tmp_path, {"requirements.txt": "torch\n",
                            "a.py": "import torch\nif torch.cuda.is_available():\n    import pynvml\n"})
    assert [p.module for p in facts.undeclared] == ["pynvml"]


def test_the_projects_own_distribution_and_fallback_imports_are_not_undeclared(tmp_path):
    facts = scan(tmp_path, {
        "pyproject.toml": '[project]\nname = "PortCheck"\ndependencies = ["typer", "markdown-it-py"]\n',
        "analyzer/cli.py": ("from portcheck.reports import html\nfrom markdown_it import MarkdownIt\n"
                            "try:\n    from typer._click import exceptions\nexcept ImportError:\n"
                            "    from click import exceptions\n"),
    })
    assert [p.module for p in facts.undeclared] == []
    assert [p.module for p in facts.packages] == ["click", "markdown_it", "typer"]


_NESTED_IMPORTS = """
import os, numpy as np
from . import sibling
from google import protobuf
try:
    import apex
    if HAS_X:
        import x_fast
except (ImportError, ValueError):
    try:
        import fallback_a
    except ImportError:
        import fallback_b
    finally:
        import cleanup
except OSError:
    import on_os_error
else:
    import after_try
finally:
    import finally_import
if TYPE_CHECKING:
    from typing_extensions import Self
elif sys.version_info > (3, 10):
    import new_only
else:
    if find_spec("wandb"):
        import wandb
    import old_only
if torch.cuda.is_available():
    import pynvml
if not _has_apex:
    pass
else:
    import apex_user
def f():
    class C:
        import in_class
    for a in b:
        import in_loop
    else:
        import loop_else
    while c:
        with d:
            import in_with
    async def g():
        async with e:
            import in_async_with
        async for q in r:
            import in_async_for
    match v:
        case 1:
            import in_case
        case _:
            if _available:
                import in_guarded_case
lambda: None
"""


def test_quick_import_walk_finds_what_the_generator_does_in_the_same_order():
    unit = code_unit("m.py", None, ast.parse(_NESTED_IMPORTS), _NESTED_IMPORTS)
    quick = _unit_imports(unit)
    assert isinstance(quick, list) and quick == list(_deep_unit_imports(unit))
    optional = {i.name for i in quick if i.optional}
    assert {"apex", "x_fast", "fallback_b", "typing_extensions.Self", "wandb", "apex_user", "in_guarded_case"} <= optional
    assert {"os", "pynvml", "on_os_error", "after_try", "finally_import", "in_case"}.isdisjoint(optional)


def test_units_nested_past_the_quick_walk_are_read_by_the_generator():
    chain = "if a == 0:\n    import m0\n" + "".join(f"elif a == {i}:\n    import m{i}\n"
                                                      for i in range(1, _MAX_COLLECT_DEPTH + 5))
    unit = code_unit("m.py", None, ast.parse(chain), chain)
    found = _unit_imports(unit)
    assert not isinstance(found, list)  # the generator
    assert [i.name for i in found] == [f"m{i}" for i in range(_MAX_COLLECT_DEPTH + 5)]
    shallow = chain[:chain.index(f"elif a == {_MAX_COLLECT_DEPTH - 5}:")]
    assert isinstance(_unit_imports(code_unit("m.py", None, ast.parse(shallow), shallow)), list)
