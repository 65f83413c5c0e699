"""The engine: checks get shared inputs by name, run in dependency order, and never take the scan down."""
from portcheck.analyzer.check import check
from portcheck.analyzer.engine import order, run_checks
from portcheck.analyzer.inputs import InputAbsent, Inputs
from portcheck.analyzer.model import Area, Outcome, Status


def make_inputs(calls: list[str]) -> Inputs:
    def numbers() -> list[int]:
        calls.append("numbers")
        return [1, 2, 3]

    def total(numbers: list[int]) -> int:
        calls.append("total")
        return sum(numbers)

    def history() -> list[str]:
        raise InputAbsent("no git history: no .git folder")

    return Inputs({"numbers": numbers, "total": total, "history": history}, given={"name": "demo"})


@check("ZZ101", area=Area.QUALITY, title="uses total")
def uses_total(total: int) -> Outcome:
    """Passes when the total is positive."""
    return Outcome.passed(f"total {total}") if total > 0 else Outcome.failed("no total", fix="add numbers")


@check("ZZ102", area=Area.QUALITY, title="uses numbers too")
def uses_numbers(numbers: list[int], total: int) -> Outcome:
    """Shares the same inputs."""
    return Outcome.passed(f"{len(numbers)} numbers summing to {total}")


@check("ZZ103", area=Area.QUALITY, title="needs history")
def needs_history(history: list[str]) -> Outcome:
    """Skipped without history."""
    return Outcome.passed("history")


@check("ZZ104", area=Area.QUALITY, title="crashes")
def crashes(name: str) -> Outcome:
    """Raises."""
    raise ZeroDivisionError("boom")


@check("ZZ105", area=Area.QUALITY, title="after crash", requires=("ZZ104",))
def after_crash(name: str) -> Outcome:
    """Requires ZZ104."""
    return Outcome.passed("ran")


@check("ZZ106", area=Area.QUALITY, title="wrong return")
def wrong_return(name: str) -> Outcome:
    """Returns a string instead of an Outcome."""
    return "pass"  # type: ignore[return-value]


@check("ZZ107", area=Area.QUALITY, title="unknown input")
def unknown_input(nonexistent: int) -> Outcome:
    """Asks for an input that nobody provides."""
    return Outcome.passed("never")


ALL = [uses_total, uses_numbers, needs_history, crashes, after_crash, wrong_return, unknown_input]


def test_inputs_are_computed_once_and_shared_between_checks():
    calls: list[str] = []
    outcomes = run_checks(ALL, make_inputs(calls))
    assert outcomes["ZZ101"].status is Status.PASS
    assert outcomes["ZZ102"].message == "3 numbers summing to 6"
    assert calls == ["numbers", "total"]


def test_absent_input_skips_with_the_reason():
    outcome = run_checks(ALL, make_inputs([]))["ZZ103"]
    assert outcome.status is Status.SKIP
    assert outcome.message == "no git history: no .git folder"


def test_a_raising_check_becomes_an_error_and_the_rest_still_run():
    outcomes = run_checks(ALL, make_inputs([]))
    assert outcomes["ZZ104"].status is Status.ERROR
    assert "ZeroDivisionError: boom" in outcomes["ZZ104"].message
    assert outcomes["ZZ101"].status is Status.PASS


def test_a_check_whose_requirement_did_not_pass_is_skipped_saying_which():
    outcome = run_checks(ALL, make_inputs([]))["ZZ105"]
    assert outcome.status is Status.SKIP
    assert "ZZ104" in outcome.message and "error" in outcome.message


def test_a_non_outcome_return_and_an_unknown_input_are_errors():
    outcomes = run_checks(ALL, make_inputs([]))
    assert outcomes["ZZ106"].status is Status.ERROR
    assert outcomes["ZZ107"].status is Status.ERROR
    assert "nonexistent" in outcomes["ZZ107"].message


def test_required_checks_run_first_whatever_the_declaration_order():
    ids = [c.id for c in order([after_crash, crashes, uses_total])]
    assert ids.index("ZZ104") < ids.index("ZZ105")


def test_check_ids_are_validated():
    import pytest

    with pytest.raises(ValueError):
        check("bad", area=Area.README, title="x")


def test_a_required_check_that_was_not_selected_is_still_evaluated_quietly():
    outcomes = run_checks([after_crash], make_inputs([]), available={c.id: c for c in ALL})
    assert set(outcomes) == {"ZZ105"}
    assert outcomes["ZZ105"].status is Status.SKIP and "ZZ104" in outcomes["ZZ105"].message


def test_without_the_requirement_available_the_check_is_skipped_saying_so():
    outcome = run_checks([after_crash], make_inputs([]))["ZZ105"]
    assert outcome.status is Status.SKIP and "did not run" in outcome.message
