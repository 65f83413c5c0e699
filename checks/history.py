"""Git history checks: does the history show the work, do its messages say what changed, who wrote it.

Commits are cited as evidence at `.git` (where they live) with `SHA subject` as the excerpt, the way
run stores are cited at their folder with the run as the excerpt; messages also name the examples, so
renderers that print only locations still show them.
"""
from __future__ import annotations

import math
import re
from collections import Counter

from portcheck.analyzer.check import check
from portcheck.analyzer.facts.common import excerpt
from portcheck.analyzer.facts.history import (
    DAY,
    RECENT_DAYS,
    WINDOW,
    Author,
    HistoryFacts,
    LowInfoMessage,
    utc_date,
)
from portcheck.analyzer.facts.readme import ReadmeSource
from portcheck.analyzer.model import Area, Evidence, Outcome, Severity
from portcheck.analyzer.wording import plural

from ._util import cap

QUALITY = Area.QUALITY

MIN_WORK_COMMITS = 5      # fewer commits by people than this is a tiny history
MIN_JUDGED = 3            # fewer messages than this are too few to judge habits
LOW_INFO_WARN = 0.4       # this share of low-information messages or more is a finding
MAX_EXAMPLES = 10         # low-information messages cited

_HISTORY_FIX = ("Keep committing in small steps that each say what changed and why (\"Add stratified "
                "5-fold split\", \"Log PR-AUC next to accuracy\"); do not rewrite history just for this. "
                "In the interview, tell how the project evolved: what you tried first and what changed after.")
_UPLOAD_QUESTION = "Your history is a single upload: how did the project evolve, and what did you try first?"
_SHORT_QUESTION = "The history covers very little: where did the development happen, and how did the project evolve?"


def _shallow(history: HistoryFacts) -> Outcome | None:
    if history.shallow:
        return Outcome.skipped(
            f"the clone is shallow ({plural(history.commit_count, 'commit')} fetched): scan a full clone "
            "(in CI: actions/checkout with fetch-depth: 0)")
    return None


def span_text(days: int) -> str:
    """'less than a day', '9 days', '3 weeks', '5 months', '2 years'."""
    if days < 1:
        return "less than a day"
    if days < 14:
        return plural(days, "day")
    if days < 61:
        return plural(round(days / 7), "week")
    if days < 730:
        return plural(round(days / 30.44), "month")
    return plural(round(days / 365.25), "year")


def _duration(seconds: int) -> str:
    """'40 minutes', '5 hours'."""
    if seconds < 2 * 3600:
        return plural(max(1, math.ceil(seconds / 60)), "minute")
    return plural(math.ceil(seconds / 3600), "hour")


def _dates(history: HistoryFacts) -> str:
    """'2023-01-04 to 2023-06-10 (5 months)', or the one date."""
    first, head = utc_date(history.first_date), utc_date(history.head_date)
    return first if first == head else f"{first} to {head} ({span_text(history.span_days)})"


@check("QA108", area=QUALITY, title="History shows the work", weight=1, severity=Severity.LOW)
def history_shape(git_history: HistoryFacts) -> Outcome:
    """What it checks: the git history shows the project being built: more than one commit, no single
    commit carrying most of the files with only touch-ups around it (one commit adding 70 % or more
    of HEAD's files while all other commits together touch at most 10 % of them, or 3 files), at
    least 5 commits by people, and more than one day between the first and the last commit. Dates
    are author dates; nothing is measured against today's date. Skipped on a shallow clone.

    Why a panel cares: a project uploaded in one go hides how it was built. A history of small,
    described commits over weeks is evidence that you worked iteratively, and it hands you the story
    of the project: what you tried first, what failed, what you changed.

    How to fix: commit further work in small steps with messages that say what changed and why.
    Do not rewrite history just for this; be ready to tell how the project evolved instead.

    Example: "Initial commit" adding 48 of 50 files, then three "Update README.md" → from now on,
    commits like "Add logistic-regression baseline" and "Tune max_depth with 5-fold CV".
    """
    if (skip := _shallow(git_history)):
        return skip
    h = git_history
    if h.commit_count == 1:
        return Outcome.warned(
            f"the whole history is one commit: {h.head.quoted()} on {utc_date(h.head_date)}",
            evidence=[h.head.evidence], fix=_HISTORY_FIX, question=_UPLOAD_QUESTION)
    if h.bulk is not None:
        bulk = h.bulk
        return Outcome.warned(
            f"one commit, {bulk.commit.quoted()}, added {bulk.carried} of HEAD's {bulk.head_files} files "
            f"({bulk.share:.0%}); the other {plural(h.commit_count - 1, 'commit')} touch only "
            f"{plural(bulk.others_touched, 'file')} ({_dates(h)})",
            evidence=[bulk.commit.evidence], fix=_HISTORY_FIX, question=_UPLOAD_QUESTION)
    if h.work_commits < MIN_WORK_COMMITS:
        return Outcome.warned(
            f"only {plural(h.work_commits, 'commit')} by people (merges and bots not counted), {_dates(h)}",
            evidence=[h.first.evidence, h.head.evidence] if h.first != h.head else [h.head.evidence],
            fix=_HISTORY_FIX, question=_SHORT_QUESTION)
    if h.authored_within < DAY:
        return Outcome.warned(
            f"all {h.commit_count} commits were written within {_duration(h.authored_within)} "
            f"({utc_date(h.first_date)}): the history records an upload, not the development",
            evidence=[h.first.evidence, h.head.evidence], fix=_HISTORY_FIX, question=_SHORT_QUESTION)
    over = f"{plural(h.commit_count, 'commit')} on {plural(h.active_days, 'different day')}, {_dates(h)}"
    return Outcome.passed(
        f"{over}; {h.recent_commits} in the {RECENT_DAYS} days before HEAD",
        evidence=[h.first.evidence, h.head.evidence],
        talking_point=f"The history shows how the project grew: {over}. Walk the panel "
                      "through its turning points: the first working baseline, what you changed after it, "
                      "and why.")


_REASONS = (("file name only", "only name the edited file"), ("generic", "generic"), ("one word", "one word"),
            ("empty", "empty"))


def _breakdown(low_info: tuple[LowInfoMessage, ...]) -> str:
    """'5 only name the edited file, 4 generic, 1 one word'."""
    counts = Counter(m.reason for m in low_info)
    return ", ".join(f"{counts[reason]} {text}" for reason, text in _REASONS if counts[reason])


def _examples(low_info: tuple[LowInfoMessage, ...]) -> list[LowInfoMessage]:
    """Up to MAX_EXAMPLES messages, newest first, each distinct subject once."""
    seen: set[str] = set()
    picked = []
    for message in low_info:
        key = " ".join(message.commit.subject.lower().split())
        if key not in seen:
            seen.add(key)
            picked.append(message)
    return picked[:MAX_EXAMPLES]


def _window_note(history: HistoryFacts) -> str:
    return "" if history.commit_count <= WINDOW else f" (the newest {WINDOW} commits)"


@check("QA140", area=QUALITY, title="Commit messages say what changed", weight=1, severity=Severity.LOW)
def commit_messages(git_history: HistoryFacts) -> Outcome:
    """What it checks: fewer than 40 % of the commit messages written by people say little about the
    change. Low-information: empty, one word ("update", "fix", "wip"), generic ("minor changes",
    "Add files via upload", "first version"), or GitHub's web-editor default that names only the file
    ("Update README.md", "Update train.py"). A descriptive line in the message body redeems a short
    subject; merges and bot commits are not judged, and "Initial commit" on the first commit is fine.
    Skipped with fewer than 3 commits to judge.

    Why a panel cares: the log is the project's diary. "update", "fix", "stuff" tell a reviewer
    nothing and suggest you could not say what each change did; messages like "Fix leakage: fit the
    scaler on the training split only" show judgement at a glance.

    How to fix: write each subject as what the commit does, in the imperative, with the why in the
    body. On GitHub's web editor, replace the pre-filled "Update FILE" with what you changed. Keep
    published history as it is; write the next messages well.

    Example: "update" → "Add class weights to handle the 1:20 churn imbalance";
    "Update README.md" → "Document how to download the data and reproduce Table 2".
    """
    h = git_history
    if h.work_commits < MIN_JUDGED:
        return Outcome.skipped(f"only {plural(h.work_commits, 'commit')} by people to judge "
                               "(merges and bot commits are not judged)")
    low = len(h.low_info)
    share = low / h.work_commits
    if share < LOW_INFO_WARN:
        detail = f"; {low} {'says' if low == 1 else 'say'} little ({_breakdown(h.low_info)})" if low else ""
        return Outcome.passed(f"{h.work_commits - low} of {h.work_commits} commit messages{_window_note(h)} "
                              f"say what changed{detail}")
    examples = _examples(h.low_info)
    shown = ", ".join(m.commit.quoted(40) for m in examples[:3])
    return Outcome.warned(
        f"{low} of {h.work_commits} commit messages{_window_note(h)} ({share:.0%}) say little about what "
        f"changed ({_breakdown(h.low_info)}), e.g. {shown}",
        evidence=cap(m.commit.evidence for m in examples),
        fix="Write each subject as what the commit does and why, in the imperative: \"Add class weights "
            "for the 1:20 imbalance\", \"Fix leakage: fit the scaler on the training split only\", "
            "\"Document how to reproduce the results table\". On GitHub's web editor, replace the "
            "pre-filled \"Update FILE\". Keep published history as it is.",
    )


def _author_evidence(authors: tuple[Author, ...]) -> list[Evidence]:
    return [a.evidence for a in authors[:5]]


_ROLE_HEADING = re.compile(
    r"\b(team|contributors?|contributions?|authors?|credits|acknowledge?ments?|my (role|part)|who did what|"
    r"roles?|members)\b", re.IGNORECASE)
_ROLE_TEXT = re.compile(
    r"\b(my (role|part|contributions?)|i (was responsible|owned|built|implemented|designed|wrote|led)|"
    r"responsible for|contributed (to|the)|team members?)\b", re.IGNORECASE)


def role_statement(readme: ReadmeSource | None) -> Evidence | None:
    """The README heading or sentence that says who did what (team, contributors, "my role"), if any."""
    if readme is None or readme.document is None:
        return None
    for block in readme.document.blocks:
        pattern = _ROLE_HEADING if block.kind == "heading" else _ROLE_TEXT if block.kind == "text" else None
        if pattern is not None and pattern.search(block.words):
            return Evidence(path=readme.path, line=block.line, excerpt=excerpt(block.text))
    return None


@check("QA141", area=QUALITY, title="Your part in team work is stated", weight=1, severity=Severity.LOW)
def authorship(git_history: HistoryFacts, readme_source: ReadmeSource | None) -> Outcome:
    """What it checks: who wrote the commits — one person or a team, and the most active person's
    share — and, for team work, whether the README says who did what (a "Team", "Contributors" or
    "My role" section, or a sentence like "I built the feature pipeline"). Identities are merged by
    e-mail and name; bots (dependabot, github-actions, pre-commit-ci, any `[bot]`) and merges are not
    counted. A history written mostly by one person (80 % of the commits or more, or nobody else with
    10 % of them) passes, and so does an open-source project of more than 10 contributors (the talking
    point then asks you to name your own pull requests). Skipped on a shallow clone.

    Why a panel cares: "What was your part?" is among the first questions about any project. A solo
    history backs "I built this end to end"; in a team history the panel wants to know which parts
    are yours, and a README that says so answers before they ask.

    How to fix: add a short "Team and my role" section to the README naming who built what, and be
    ready to say it: "I wrote the feature pipeline and the evaluation; the API was Sam's."

    Example: 4 people committed and you wrote 45 % → "## Team and my role — I owned data cleaning
    and the model; Ana built the dashboard; Li wrote the deployment."
    """
    if (skip := _shallow(git_history)):
        return skip
    h = git_history
    if not h.authors:
        return Outcome.skipped("no commit by a person (only merges or bot commits)")
    top = h.authors[0]
    n = h.work_commits
    bots = f"; {plural(h.bot_commits, 'bot commit')} not counted" if h.bot_commits else ""
    evidence = _author_evidence(h.authors)
    kind = h.collaboration
    if kind == "solo":
        commits = "the only commit" if n == 1 else f"all {n} commits"
        return Outcome.passed(
            f"one person wrote {commits}{_window_note(h)}: {top.name}{bots}", evidence=evidence,
            talking_point=f"One author wrote {commits} ({top.name}): if that is you, say plainly "
                          "that you built the project end to end, and name the decisions you made along the way.")
    people = len(h.authors)
    summary = (f"{people} people committed{_window_note(h)}; the most active, {top.name}, wrote "
               f"{top.commits} of {n} ({h.top_share:.0%}){bots}")
    if kind == "community":
        return Outcome.passed(f"{summary}: an open-source project with many contributors", evidence=evidence,
                              talking_point=f"{people} people contributed to this project: name the pull requests "
                                            "or commits that are yours and what each changed.")
    if kind == "mostly_one":
        return Outcome.passed(summary, evidence=evidence, talking_point=(
            f"{top.name} wrote {h.top_share:.0%} of the {n} commits and "
            f"{plural(people - 1, 'other person', 'other people')} the rest: if that is you, call it your "
            "project and say what the others contributed."))
    stated = role_statement(readme_source)
    if stated is not None:
        return Outcome.passed(f"{summary}; the README says who did what", evidence=[stated, *evidence],
                              talking_point=f"Team project ({people} people): walk through your own part "
                                            f"as the README states it ({stated.location()}).")
    return Outcome.warned(
        f"{summary}, and the README does not say who did what",
        evidence=evidence,
        fix="Add a short \"Team and my role\" section to the README: who built which part, and which "
            "parts are yours (\"I owned the feature pipeline and the model; Ana built the dashboard\").",
        question=f"{people} people committed to this project: what was your part, and what did the others build?",
    )
