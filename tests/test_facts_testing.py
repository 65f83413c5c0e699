"""Test-suite facts: which files are test files and how their tests are counted."""
from __future__ import annotations

from pathlib import Path

from conftest import detect_in

from portcheck.analyzer.facts.testing import code_lines, detect_tests, is_test_path


def scan(root: Path, files: dict[str, str]):
    return detect_in(root, files, detect_tests)


PYTEST_MODULE = '''
import pytest

@pytest.mark.parametrize("x", [1, 2, 3])
def test_param(x):
    def test_inner():  # nested: not collected
        pass
    assert x

async def test_async():
    pass

def helper_test():
    pass

class TestThing:
    def test_a(self):
        pass
    def testb(self):  # not test_: not counted in a pytest class
        pass
    class TestNested:
        def test_deep(self):
            pass

class Helper:
    def test_not_collected(self):
        pass
'''


def test_pytest_functions_and_classes_are_counted_once_each(tmp_path):
    facts = scan(tmp_path, {"tests/test_model.py": PYTEST_MODULE})
    assert facts.to_schema() == {"present": True, "test_functions": 4}
    [found] = facts.files
    assert found.path == "tests/test_model.py" and found.count == 4 and found.evidence.line == 5


def test_unittest_case_outside_a_test_named_file(tmp_path):
    facts = scan(tmp_path, {"checks_all.py": (
        "import unittest\n"
        "class Base(unittest.TestCase):\n    def testOne(self): pass\n    def setUp(self): pass\n"
        "class Derived(Base):\n    def test_two(self): pass\n")})
    assert facts.to_schema() == {"present": True, "test_functions": 2}


def test_evaluation_script_named_test_py_is_not_a_test_file(tmp_path):
    facts = scan(tmp_path, {"test.py": "def test_model():\n    pass\n", "src/eval.py": "def test_x(): pass\n"})
    assert facts.to_schema() == {"present": False, "test_functions": 0}


def test_test_named_files_without_tests_and_docstring_defs(tmp_path):
    facts = scan(tmp_path, {
        "scripts/test_archive.py": "print('manual smoke script')\n",
        "tests/helpers/run_if.py": 'def run_if():\n    """Example:\n\n    def test_wrapper():\n        ..."""\n',
    })
    assert facts.to_schema() == {"present": False, "test_functions": 0}


def test_unparsable_test_file_is_recorded_not_raised(tmp_path):
    facts = scan(tmp_path, {"tests/test_bad.py": "def test_(:\n", "tests/test_ok.py": "def test_ok(): pass\n"})
    assert facts.to_schema() == {"present": True, "test_functions": 1}
    assert [e.path for e in facts.unparsable] == ["tests/test_bad.py"]


def test_is_test_path():
    assert is_test_path("test_x.py") and is_test_path("pkg/x_test.py") and is_test_path("test/sub/helpers.py")
    assert not is_test_path("test.py") and not is_test_path("tests/data.csv") and not is_test_path("contest.py")


def test_a_test_importing_the_src_package_tests_project_code(tmp_path):
    facts = scan(tmp_path, {
        "src/pkg/__init__.py": "",
        "src/pkg/model.py": "class Model:\n    pass\n",
        "tests/helpers.py": "VALUE = 1\n",
        "tests/test_model.py": "import helpers\nfrom pkg.model import Model\n\ndef test_model():\n    assert Model()\n",
    })
    assert facts.tested_modules == ("pkg.model",)
    assert facts.tests_project_code


def test_relative_and_in_function_imports_are_resolved(tmp_path):
    facts = scan(tmp_path, {
        "pkg/model.py": "X = 1\n",
        "pkg/tests/test_model.py": "from ..model import X\n\ndef test_x():\n    import pkg.model\n    assert X\n",
    })
    assert facts.tested_modules == ("pkg.model",)


def test_a_test_importing_only_numpy_does_not_test_project_code(tmp_path):
    facts = scan(tmp_path, {
        "train.py": "import numpy\n",
        "utils/numpy.py": "ONES = 1\n",  # a wrapper that `import numpy` does not find
        "tests/test_numbers.py": "import numpy as np\nimport os\n\ndef test_sum():\n    assert np.sum([1]) == 1\n",
    })
    assert facts.present and facts.tested_modules == ()
    assert not facts.tests_project_code


def test_line_counts_and_ratio_skip_blank_and_comment_lines(tmp_path):
    facts = scan(tmp_path, {
        "model.py": "# a model\n\ndef predict(x):\n    # doubled\n    return 2 * x\n\n\nVALUE = 3\n",
        "tests/test_model.py": "from model import predict\n\n\ndef test_predict():\n    assert predict(1) == 2\n",
    })
    assert (facts.test_lines, facts.code_lines) == (3, 3)
    assert facts.ratio == 1.0 and facts.tests_project_code
    assert facts.to_schema() == {"present": True, "test_functions": 1}


def test_ratio_is_none_without_other_code(tmp_path):
    facts = scan(tmp_path, {"tests/test_alone.py": "def test_nothing():\n    pass\n"})
    assert (facts.test_lines, facts.code_lines, facts.ratio) == (2, 0, None)


def test_code_lines_count_what_strip_and_lstrip_would():
    text = "x = 1\n  \n\t# note\n\x0c# after a form feed\n y\u2028 # unicode break\r\n\r\nz  # trailing\n\x85w"
    expected = sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    assert code_lines(text) == expected == 4
    assert code_lines("") == 0 and code_lines("#\n\n   ") == 0
