"""The walkthrough's setting steps: the problem in the README's own words and why it matters, and the data
(source, size, class balance, split)."""
from __future__ import annotations

import re

from ..facts.common import excerpt
from ..model import Evidence
from .drafting import Draft, in_readme, into, not_shown, readme_spot
from .facts import StoryFacts
from .readme_text import ReadmeText, Sentence, code, quote, without_cell_prefix

# ==== 1. problem ===================================================================================

_STATEMENT = re.compile(r"\b(?:predict|classif|detect|forecast|recogni|estimat|segment|recommend|generat|identif|"
                        r"build|buil|train|aim|goal|help|project|model|analy[sz]|explor)\w*", re.IGNORECASE)
_WHY = re.compile(r"\b(?:so that|so (?:the|they|we|you) \w+ can|in order to|because|helps?|helping|enables?|"
                  r"allows?|sav(?:e|es|ing)|costs?|costly|expensive|prevent\w*|revenue|profits?|losses|"
                  r"decisions?|matters?|important|critical)\b", re.IGNORECASE)
MOTIVE_SENTENCES = 3   # sentences of the problem section read for why it matters
_TASK_VERBS = {
    "classification": "predicts whether <each case> is <the positive class>", "regression": "predicts <quantity>",
    "forecasting": "forecasts <quantity> <horizon> ahead", "detection": "detects <objects> in <images>",
    "segmentation": "segments <regions> in <images>", "generation": "generates <output> from <input>",
    "clustering": "groups <items> by <similarity>", "ranking": "ranks <items> for <query>",
    "recommendation": "recommends <items> to <users>",
}


def problem_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The problem in the README's own words, why it matters, and the task the code shows."""
    facts = story.readme
    purpose = facts.purpose if facts is not None else None
    part = facts.story_part("problem") if facts is not None else None
    statement = _statement(readme, purpose)
    section = readme.about(part.evidence) if part is not None and part.present else []
    task_hint = _task_hint(story)
    if statement is None and not section:
        title = readme.doc and next((b for b in readme.doc.blocks if b.kind == "heading"), None)
        verb = _TASK_VERBS.get(story.task.task if story.task else None, "predicts <what>")
        has_title = f" under its title “{title.text}”" if title is not None else ""
        what = ("There is no README, so nothing states the problem, for whom, or why it matters."
                if readme.path is None else
                f"{readme.path} does not say what problem the project solves, for whom, or why it matters"
                + (f" (its title is only “{title.text}”)." if title is not None else "."))
        fix = (f"Add to {in_readme(readme)}{has_title}: “This project {verb} for <who>, so that <they can act "
               "earlier / cheaper>.” — one or two sentences a panel can repeat.")
        top = Evidence(path=readme.path, line=title.line if title is not None else None) if readme.path else None
        return not_shown(" ".join(p for p in (what, task_hint[0]) if p), fix, top, task_hint[1])
    draft = Draft()
    if statement is not None:
        draft.say(f"Open with the README's own statement: {quote(statement)} ({readme.path}:{statement.line}).",
                  readme.evidence(statement))
    motive = None
    if statement is None or not _WHY.search(statement.text):
        after = [s for s in readme.sentences if statement is not None and s.block == statement.block
                 and s.line >= statement.line and s != statement]
        candidates = [*after[:2], *section[:MOTIVE_SENTENCES]]
        motive = readme.find(_WHY, [s for s in candidates if s != statement])
        if motive is None and statement is None and section:
            motive = section[0]
    if motive is not None:
        draft.say(f"Why it matters: {quote(motive)} ({readme.path}:{motive.line}).", readme.evidence(motive))
    if task_hint[0]:
        draft.say(task_hint[0], task_hint[1])
    said = [s for s in (statement, motive) if s is not None]
    if not any(_WHY.search(s.text) for s in said):
        draft.lack("nothing says why the problem matters or who acts on the prediction",
                   f"Add one sentence after the opening of {readme.path}: “… so that <who> can <act>, which "
                   "<saves / earns / prevents> <what>.”")
    return draft


def _statement(readme: ReadmeText, purpose: Evidence | None) -> Sentence | None:
    """The purpose sentence; when the purpose is the title, the first intro sentence that states it."""
    if purpose is None or purpose.path != readme.path:
        return None
    heading = readme.heading_at(purpose.line)
    if heading is None:
        return readme.at(purpose.line)
    intro = [s for s in readme.sentences if s.section == heading.line][:3]
    found = next((s for s in intro if len(s.text.split()) >= 8 and _STATEMENT.search(s.text)), None)
    return found or Sentence(text=heading.text, line=heading.line, section=None)


def _task_hint(story: StoryFacts) -> tuple[str, Evidence | None]:
    """'The code treats it as a classification task (train.py:60).', from a code or notebook signal."""
    task = story.task.task if story.task is not None else None
    if task is None:
        return "", None
    signals = [s for s in story.task.signals if s.kind == task and not _is_readme_path(s.evidence.path)]
    named = next((s for s in signals if s.reason[:1].isupper()), signals[0] if signals else None)
    code = named.evidence if named is not None else None
    if code is None:
        return "", None
    return f"The code treats it as {_article(task)} {task} task ({code.location()}).", code


def _is_readme_path(path: str) -> bool:
    return "/" not in path and path.lower().startswith("readme")


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


# ==== 2. data ======================================================================================

_COUNT = r"(?<![\w.,/$€£-])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s?(?:[kKM]\b|million|thousand|billion)|\d{4,})"
_UNITS = (r"rows|samples|records|examples|observations|instances|images|pictures|photos|customers|clients|users|"
          r"patients|transactions|entries|reviews|documents|articles|tweets|posts|sentences|texts|comments|emails|"
          r"messages|passengers|houses|properties|listings|songs|tracks|movies|videos|clips|data ?points|cases|"
          r"subjects|participants|applicants|loans|products|items|orders|sessions|utterances|recordings|questions|"
          r"pairs|frames|scans|slides|companies|employees|accounts|claims|visits|trips|rides|games|matches|"
          r"households|columns|features")
_NOT_ROWS = (r"years?|months?|days?|hours?|minutes?|seconds?|dollars|euros|usd|parameters|params|epochs|steps|"
             r"iterations|downloads|stars|lines|words|characters|bytes|pixels|times")
_SIZE = re.compile(rf"{_COUNT}\s+(?:[\w-]+\s+){{0,2}}?(?:{_UNITS})\b|"
                   rf"(?<![\w.,/$€£-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?\s?(?:[kKM]\b|million|thousand))"
                   rf"\s+(?:[\w-]+\s+){{0,2}}?(?!(?:{_NOT_ROWS})\b)[a-z][a-z-]{{3,}}s\b", re.IGNORECASE)
_SPLIT_RATIO = re.compile(r"\b\d{1,2}\s?/\s?\d{1,2}(?:\s?/\s?\d{1,2})?\b|\b\d{1,2}\s?%", re.IGNORECASE)
_SPLIT_WORDS = re.compile(r"\bsplit|held[- ]out|hold-?out|\btest set|\bfolds?\b|cross[- ]validat", re.IGNORECASE)
# a line with a ratio and a split word, tried at line starts only (from every position it is quadratic)
_SPLIT_SENTENCE = re.compile(rf"^(?=.*(?:{_SPLIT_RATIO.pattern}))(?=.*(?:{_SPLIT_WORDS.pattern}))",
                             re.IGNORECASE | re.MULTILINE)
_TEST_SIZE = re.compile(r"\btest_size\s*=\s*(0?\.\d+|\d+)")
_PERCENT = re.compile(r"(?<!\d)\d+(?:\.\d+)?\s?%")


def data_step(story: StoryFacts, readme: ReadmeText) -> Draft:
    """The data as the README states it (source, size), the class balance and the split."""
    facts = story.readme
    part = facts.story_part("data") if facts is not None else None
    section = readme.about(part.evidence) if part is not None and part.present else []
    draft = Draft()
    size = readme.find(_SIZE, section) or readme.find(_SIZE)
    source = _source(story, readme, part.source if part is not None else None)
    stated = [s for s in (size, source[0] if source else None) if isinstance(s, Sentence)]
    if not stated:
        stated = [s for s in section[:1] if _about_data(s)]
    stated = sorted(dict.fromkeys(stated), key=lambda s: s.line)
    if stated:
        draft.say("The data, as the README states it: " + "; ".join(
            f"{quote(s)} ({readme.path}:{s.line})" for s in stated) + ".", *(readme.evidence(s) for s in stated))
    if source is not None and not isinstance(source[0], Sentence):
        draft.say(source[0], source[1])
    rate = _positive_rate(story, readme)
    split = data_split(story, readme)
    if not draft.said:
        hints = [s for s in (rate, split) if s is not None]
        what = ("Nothing in the README says where the data comes from, how many rows it has or how it is split."
                if readme.path else "There is no README to say where the data comes from or how big it is.")
        known = " ".join(h[0] for h in hints)
        fix = (f"Add a “Data” section to {in_readme(readme)}: “<Dataset name> from <link>: {_size_template(story)}"
               + ("; <P>% positive" if rate is None and _classification(story) else "")
               + "; " + (_split_template(split) if split else "split <80/20> into train and test") + ".”")
        return not_shown(f"{what} {known}".strip(), fix, readme_spot(readme), *(h[1] for h in hints))
    for found in (rate, split):
        if found is not None:
            draft.say(found[0], found[1])
    if source is None:
        draft.lack("no source for the data", f"Add to {into(readme, 'data', 'Data')}: “Source: <dataset name>, "
                   "<link> (<licence>), downloaded <date>.”")
    if size is None:
        draft.lack("no size for the data",
                   f"Add to {into(readme, 'data', 'Data')}: “{_size_template(story)}"
                   + ("; <P>% positive" if rate is None and _classification(story) else "") + ".”")
    return draft


_DATA_WORDS = re.compile(r"\b(?:data\w*|corpus|rows|samples|records|images|examples|observations|instances|"
                         r"csv|download\w*|kaggle|uci|reviews|transactions|customers|patients|labels?)\b", re.I)


def _about_data(sentence: Sentence) -> bool:
    """A sentence worth quoting as the data's description: a statement (not a question) about data."""
    return sentence.words() >= 5 and not sentence.text.endswith("?") and bool(_DATA_WORDS.search(sentence.text))


def _size_template(story: StoryFacts) -> str:
    """How to state the data's size for this kind of task."""
    task = story.task.task if story.task is not None else None
    return {"generation": "<N> documents, <T> tokens", "detection": "<N> images, <K> classes, <B> boxes",
            "segmentation": "<N> images, <K> classes"}.get(task, "<N> rows × <M> columns (or images / documents)")


def _classification(story: StoryFacts) -> bool:
    return story.task is not None and story.task.task == "classification"


def _source(story: StoryFacts, readme: ReadmeText,
            named: str | None) -> tuple[Sentence | str, Evidence] | None:
    """Where the data comes from: the README sentence naming its source, else how the code fetches it."""
    if named:
        line = readme.line_of(named)
        found = readme.find(re.compile(re.escape(named), re.IGNORECASE)) or readme.at(line)
        if found is not None and _about_data(found):
            return found, readme.evidence(found)
        if found is None and line is not None and readme.doc is not None:
            text = readme.doc.line_text(line)
            return (f"The README names the source: “{excerpt(text.strip(' |'))}” ({readme.path}:{line}).",
                    Evidence(path=readme.path or "", line=line, excerpt=excerpt(text)))
    access = story.workflow.data_access if story.workflow is not None else ()
    if access:
        first = access[0]
        if first.path == readme.path:
            return f"The README links the data: “{first.excerpt or ''}” ({first.location()}).", first
        return f"The data is fetched by {code(first)} ({first.location()}).", first
    return None


def _positive_rate(story: StoryFacts, readme: ReadmeText) -> tuple[str, Evidence] | None:
    """A stated rate of the positive class (or imbalance words), when the classes are imbalanced."""
    task = story.task
    if task is None or not task.imbalanced:
        return None
    stated = [s.evidence for s in task.imbalance if s.kind == "words"
              and (s.evidence.path == readme.path or s.evidence.in_notebook)]
    best = next((e for e in stated if _PERCENT.search(e.excerpt or "")), stated[0] if stated else None)
    if best is None:
        handled = next((s.evidence for s in task.imbalance if s.kind in ("class_weight", "resampling")), None)
        if handled is None:
            return None
        return (f"The classes are imbalanced and the code compensates ({handled.location()}) — say how rare the "
                "positive class is.", handled)
    sentence = readme.at(best.line, best.excerpt) if best.path == readme.path else None
    said = quote(sentence) if sentence is not None else quote(without_cell_prefix(best.excerpt))
    return (f"Class balance: {said} ({best.location()}) — say this early, it drives every metric choice.",
            readme.evidence(sentence) if sentence is not None else best)


def data_split(story: StoryFacts, readme: ReadmeText) -> tuple[str, Evidence] | None:
    """How the data is split: a README sentence with a ratio, else a `test_size=` in code."""
    evaluation = story.evaluation
    stated = [readme.at(s.evidence.line, s.evidence.excerpt) for s in (evaluation.validation if evaluation else ())
              if s.kind == "readme" and s.evidence.path == readme.path]
    ratio = next((s for s in stated if s is not None and _SPLIT_RATIO.search(s.text)), None)
    if ratio is None:
        ratio = readme.find(_SPLIT_SENTENCE)
    if ratio is not None:
        return f"Split: {quote(ratio)} ({readme.path}:{ratio.line}).", readme.evidence(ratio)
    for signal in evaluation.validation if evaluation else ():
        size = _TEST_SIZE.search(signal.evidence.excerpt or "")
        if signal.kind == "holdout" and size:
            share = _share(size.group(1))
            return (f"Split: `test_size={size.group(1)}`{share} in {signal.evidence.location()}.", signal.evidence)
    return None


def _share(test_size: str) -> str:
    """' (80/20)' for test_size=0.2; '' for an absolute count."""
    value = float(test_size)
    if not 0 < value < 1:
        return ""
    test = round(value * 100)
    return f" ({100 - test}/{test})"


def _split_template(split: tuple[str, Evidence]) -> str:
    ratio = re.search(r"\((\d+/\d+)\)", split[0])
    return f"split {ratio.group(1)} into train and test" if ratio else "split <80/20> into train and test"

