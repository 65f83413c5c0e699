"""A third-party portcheck plugin, installed by the tests to prove entry-point discovery works.

XP101 is an ordinary check; XP102 raises on purpose, to prove a broken check becomes an `error`
result while the rest of the report stands.
"""
from portcheck.analyzer.check import check
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity


@check("XP101", area=Area.README, title="Has a CHANGELOG", weight=1, severity=Severity.LOW)
def has_changelog(repo) -> Outcome:
    """What it checks: a CHANGELOG.md at the root."""
    if repo.file("CHANGELOG.md"):
        return Outcome.passed("CHANGELOG.md is present", evidence=[Evidence(path="CHANGELOG.md")])
    return Outcome.failed("no CHANGELOG.md", fix="Add a CHANGELOG.md listing what changed.")


@check("XP102", area=Area.QUALITY, title="Always crashes", weight=1)
def always_crashes(repo) -> Outcome:
    """What it checks: nothing; it raises to exercise the engine's isolation of broken checks."""
    raise RuntimeError("the demo plugin check broke on purpose")
