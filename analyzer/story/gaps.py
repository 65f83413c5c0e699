"""Story gaps ranked by what they cost in an interview, each with the smallest change that closes it.

Gaps come from two places: the walkthrough steps the repository does not show (or shows only in
part), and the check findings a panel meets while the candidate tells the story (leakage, the wrong
metric, a notebook that errors or ran out of order, no tests, unpinned dependencies).

The cost order is fixed (`GAP_COSTS`, most costly first), and why each sits where it does is its cost
sentence. The reasoning: what the panel cannot follow at all (no problem) or cannot probe (no numbers)
costs most; then what makes the numbers wrong (leakage) or misleading (a metric that hides the minority
class); then what the panel asks about every number (compared with what, validated how); then the parts
of the story a panel expects but can supply questions for (data, models, impact, limitations,
trade-offs); last, engineering hygiene that shows on a shared screen or in a rerun (notebook errors,
tests, execution order, pins). A step the repository does not show at all ranks above every step it
shows in part: a missing answer costs more than an incomplete one. Security findings (committed
credentials) are not story gaps: they lead the check findings on their own.

At most `MAX_GAPS`, one per gap id, deterministic.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import WALKTHROUGH_STEPS, CheckResult, Evidence, TalkingPoint
from .facts import StoryFacts
from .walkthrough import GAP_MARK

MAX_GAPS = 6
MAX_EVIDENCE = 5

# gap id -> what it costs in the interview; the order is the ranking, most costly first
GAP_COSTS: dict[str, str] = {
    "problem": "Panels decide in the first minute whether to follow the story; without the problem, nothing "
               "after it lands.",
    "results": "“What did it achieve?” is the question every walkthrough reaches; without a number there is "
               "nothing to probe or remember.",
    "leakage": "“Did anything from the test set reach training?” is the first question about any score; here "
               "it did, so every number you quote is suspect.",
    "metric": "A metric that hides the minority class is the classic trap: it tells the panel the metric was "
              "not chosen for the problem.",
    "baseline": "“Compared with what?” follows every number; without a baseline a score says nothing about the "
                "model.",
    "validation": "“How do you know it generalises?” follows every number; without a stated protocol the answer "
                  "is a guess.",
    "stratify": "With rare positives, an unstratified split can leave the test set with a handful of them, and "
                "the panel will ask how stable the score is.",
    "data": "“Where does the data come from, and how much is there?” is the second step of every walkthrough.",
    "models": "“Which models did you try, and why?” is how a panel tests model judgement.",
    "impact": "“What would this change for the business?” ends most walkthroughs; without a number it sounds "
              "like an exercise, not a project.",
    "limitations": "Naming the limits yourself shows judgement; otherwise the panel finds them for you.",
    "trade_offs": "“Why this model over a simpler one?” needs its cost in latency and interpretability, not "
                  "only its gain.",
    "notebook_errors": "A traceback on a shared screen reads as “this never ran end to end” and undermines "
                       "every number below it.",
    "tests": "“How do you know the pipeline is correct?” has no answer without a single test.",
    "notebook_order": "Cells run out of order mean nobody can reproduce the saved outputs by running the "
                      "notebook as written.",
    "pinning": "Without exact versions, “could I rerun this?” is a no in a year; cheap to fix, and noticed.",
}

# gap id -> the checks whose findings show it (the first finding found gives the fix)
CHECK_GAPS: dict[str, tuple[str, ...]] = {
    "leakage": ("QA151", "QA150"),
    "metric": ("MT102",),
    "stratify": ("QA153",),
    "notebook_errors": ("QA101",),
    "tests": ("RP103",),
    "notebook_order": ("QA102", "QA120"),
    "pinning": ("RP101", "RP102"),
}
_RANK = {gap: i for i, gap in enumerate(GAP_COSTS)}


@dataclass(frozen=True)
class _Gap:
    id: str
    partial: bool
    text: str
    fix: str
    evidence: tuple[Evidence, ...]

    def key(self) -> tuple[bool, int]:
        return self.partial, _RANK[self.id]


def story_gaps(story: StoryFacts, steps: Sequence[TalkingPoint]) -> list[TalkingPoint]:
    """The costliest story gaps, most costly first: unshown walkthrough steps and story-relevant check
    findings, then steps shown only in part; at most `MAX_GAPS`, one per gap id."""
    found: dict[str, _Gap] = {}
    for gap in sorted([*_step_gaps(steps), *_check_gaps(story)], key=_Gap.key):
        found.setdefault(gap.id, gap)
    ranked = sorted(found.values(), key=_Gap.key)[:MAX_GAPS]
    return [TalkingPoint(kind="gap", topic=g.id, title=_title(g), text=g.text, fix=g.fix, evidence=g.evidence)
            for g in ranked]


def _title(gap: _Gap) -> str:
    name = WALKTHROUGH_STEPS.get(gap.id) or gap.id.replace("_", " ").capitalize()
    return f"{name} (partly shown)" if gap.partial else name


def _step_gaps(steps: Sequence[TalkingPoint]) -> Iterator[_Gap]:
    """A gap for each walkthrough step not shown, or shown with a missing part (its `GAP_MARK` sentence)."""
    for step in steps:
        if step.kind != "walkthrough" or step.topic not in GAP_COSTS or not step.fix:
            continue
        cost = GAP_COSTS[step.topic]
        if step.shown is False:
            yield _Gap(id=step.topic, partial=False, text=f"{step.text} {cost}", fix=step.fix,
                       evidence=step.evidence[:MAX_EVIDENCE])
            continue
        _, mark, missing = step.text.rpartition(GAP_MARK)
        if mark:
            what = missing.strip().rstrip(".")
            yield _Gap(id=step.topic, partial=True,
                       text=f"{WALKTHROUGH_STEPS[step.topic]} is only partly shown: {what}. {cost}",
                       fix=step.fix, evidence=step.evidence[:MAX_EVIDENCE])


def _check_gaps(story: StoryFacts) -> Iterator[_Gap]:
    """A gap for each story-relevant check finding (the first finding of each gap's checks)."""
    for gap_id, check_ids in CHECK_GAPS.items():
        findings = [r for r in (story.check(i) for i in check_ids) if r is not None and r.is_finding and r.fix]
        if not findings:
            continue
        yield _Gap(id=gap_id, partial=False, text=_finding_text(findings, GAP_COSTS[gap_id]),
                   fix=findings[0].fix or "", evidence=_finding_evidence(findings))


def _finding_text(findings: list[CheckResult], cost: str) -> str:
    said = "; ".join(f"{r.message} ({r.id})" for r in findings)
    return f"{said[:1].upper()}{said[1:]}. {cost}"


def _finding_evidence(findings: list[CheckResult]) -> tuple[Evidence, ...]:
    kept: dict[tuple[str, int | None], Evidence] = {}
    for e in (e for r in findings for e in r.evidence):
        if len(kept) < MAX_EVIDENCE:
            kept.setdefault((e.path, e.line), e)
    return tuple(kept.values())
