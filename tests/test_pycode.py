"""The node index and import-alias resolution, which every code detector shares and which are computed once per tree."""
import ast
import sysconfig
from pathlib import Path

from portcheck.analyzer.facts.pycode import import_aliases, nodes_of
from portcheck.analyzer.node_index import node_index


def test_later_trees_win_and_callers_cannot_change_what_others_see():
    first = ast.parse("import numpy as np\nfrom sklearn.linear_model import LogisticRegression as Model\n")
    second = ast.parse("import pandas as np\n")
    aliases = import_aliases([first, second])
    assert aliases == {"np": "pandas", "Model": "sklearn.linear_model.LogisticRegression"}
    aliases["np"] = "changed by a caller"
    assert import_aliases([first]) == {"np": "numpy", "Model": "sklearn.linear_model.LogisticRegression"}
    assert import_aliases([second, first])["np"] == "numpy"


def test_the_node_list_is_ast_walk_without_expression_contexts():
    library = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[::3]
    assert len(library) > 30
    for path in library:
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        walked = [node for node in ast.walk(tree) if not isinstance(node, ast.expr_context)]
        assert [tree, *node_index(tree).below] == walked, path.name
        calls = [node for node in walked if isinstance(node, (ast.Call, ast.Name))]
        assert nodes_of(tree, ast.Call, ast.Name) == calls, path.name
