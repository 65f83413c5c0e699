"""The interview walkthrough: nine steps in the order a panel expects, each told from the repository.

Problem → data (source, size, split) → baseline → models tried and why → validation → results (best
against baseline, runs tried) → trade-offs → business impact → limitations and next steps. Every step
is always present (`WALKTHROUGH_STEPS` order) with the minutes to give it (`STEP_MINUTES`, 13 in all):

* shown, when the repository shows the step: `text` quotes the README's own sentences and the numbers,
  names and places the facts found (file:line, notebook cell, run id), and `evidence` cites them;
* partly shown: as above, and `text` ends with a `GAP_MARK` sentence saying what is missing, `fix`
  saying what to add;
* not shown: `text` says what is missing (and what the code shows that could fill it), `fix` gives the
  smallest change — usually a sentence to paste into the README, with the repository's own numbers
  filled in and `<placeholders>` only for what the repository cannot know.

No number is made up: values are quoted as the README, notebooks or run stores write them; the only
arithmetic is the difference between best and baseline on one metric, and the split a `test_size=`
gives. Everything is deterministic.

The README is read as sentences by `readme_text`; each step is built as a `drafting.Draft` by the step
modules (`steps_setting`: problem, data; `steps_method`: baseline, models, validation; `steps_outcome`:
results, trade-offs, impact, limitations); this module runs them in order and finishes each into a
`TalkingPoint`.
"""
from __future__ import annotations

from collections.abc import Callable

from ..model import WALKTHROUGH_STEPS, Evidence, TalkingPoint
from .drafting import Draft
from .facts import StoryFacts
from .readme_text import ReadmeText
from .steps_method import baseline_step, models_step, validation_step
from .steps_outcome import impact_step, limitations_step, results_step, trade_offs_step
from .steps_setting import data_step, problem_step

STEP_MINUTES: dict[str, int] = {
    "problem": 1, "data": 2, "baseline": 1, "models": 2, "validation": 2, "results": 2,
    "trade_offs": 1, "impact": 1, "limitations": 1,
}
GAP_MARK = "Gap: "          # starts the sentence of a partly shown step that says what is missing
MAX_EVIDENCE = 8            # evidence kept per step

STEP_BUILDERS: dict[str, Callable[[StoryFacts, ReadmeText], Draft]] = {
    "problem": problem_step, "data": data_step, "baseline": baseline_step, "models": models_step,
    "validation": validation_step, "results": results_step, "trade_offs": trade_offs_step,
    "impact": impact_step, "limitations": limitations_step,
}


def walkthrough(story: StoryFacts) -> list[TalkingPoint]:
    """The nine walkthrough steps, in `WALKTHROUGH_STEPS` order, each shown, partly shown or a gap."""
    readme = ReadmeText(story)
    return [_finish(STEP_BUILDERS[topic](story, readme), topic) for topic in WALKTHROUGH_STEPS]


def _finish(draft: Draft, topic: str) -> TalkingPoint:
    """The finished walkthrough point: the gap sentence appended, evidence deduplicated by place and capped."""
    text = " ".join(draft.said)
    if draft.shown and draft.missing:
        text += f" {GAP_MARK}{'; '.join(draft.missing)}."
    kept: dict[tuple[str, int | None], Evidence] = {}
    for e in draft.evidence:
        if len(kept) < MAX_EVIDENCE:
            kept.setdefault((e.path, e.line), e)
    return TalkingPoint(kind="walkthrough", topic=topic, title=WALKTHROUGH_STEPS[topic],
                        minutes=STEP_MINUTES[topic], shown=draft.shown, text=text.strip(),
                        fix=" ".join(draft.fixes) or None, evidence=tuple(kept.values()))
