"""How a project evaluates its model (`evaluation`): printed metric values, a baseline, the validation
protocol, reported variation and stated impact — what a hiring panel probes after "what did you get?".

Sources, each read through its parser:

* the README's parsed `Document`: results-table rows and headers, prose sentences (inline code and
  code blocks left out, so a shell prompt or a URL is never prose) and headings;
* Python modules and notebook code cells (`ast`), read one file at a time by this module's part of the
  code pass (`codepass.per_file`): calls, keywords, assignment targets and definitions, never the text
  of source lines;
* notebook outputs (stream text and `execute_result` text/plain, never error outputs; at most
  `MAX_OUTPUT_CHARS` read per cell) and notebook markdown cells (parsed as Markdown).
* YAML configs for a validation split (`val_split: 0.1`, `train_val_test_split: [...]`).

Every item carries evidence (path and line; in a notebook the line is the cell number and the excerpt
starts "cell N:"); every list is bounded (`MAX_ITEMS` per kind) and in a fixed order: README first,
then code and notebooks by path and line (validation signals grouped by kind).
"""
from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..model import Evidence
from ..sources import Notebook, NotebookCell, Sources
from .codepass import SourceFile, code_pass, per_file
from .common import bounded, cell_evidence, excerpt
from .metric_mentions import metrics_in_output
from .pycode import CodeUnit, called_name, dotted_name, import_aliases, nodes_of, qualified_name
from .readme import ReadmeSource
from .readme_document import (
    Block,
    Document,
    LineIndex,
    parse_markdown_cell,
)
from .testing import is_test_path
from .yamlsafe import try_load_yaml

MAX_ITEMS = 10                # evidence kept per list (per kind for validation signals)
MAX_PER_METRIC = 2            # printed values kept per metric name
MAX_OUTPUT_CHARS = 20_000     # output text read per notebook cell
MAX_NOTEBOOK_CHARS = 400_000  # output and markdown text read per notebook
MAX_MARKDOWN_CHARS = 20_000   # markdown read per notebook cell
MAX_CONFIG_BYTES = 256 * 1024   # a larger YAML file is not a hand-written config
MAX_CONFIG_FILES = 200
MAX_CONFIG_TOTAL = 4 * 1024 * 1024  # YAML text parsed per scan

VALIDATION_KINDS = ("holdout", "cross_validation", "stratified", "time_split", "validation_set", "readme")


# ==== facts ========================================================================================


@dataclass(frozen=True, kw_only=True)
class OutputMetric:
    """A metric value printed in an executed notebook output."""

    name: str            # canonical metric name (the vocabulary of metric_mentions)
    value: str           # as printed
    evidence: Evidence   # notebook path, line = cell number, excerpt "cell N: <the printed line>"


@dataclass(frozen=True, kw_only=True)
class ValidationSignal:
    """One sign of how the model is validated."""

    kind: str            # "holdout" (train_test_split, a test split / loader), "cross_validation" (KFold,
                         # cross_val_score, GridSearchCV, …), "stratified" (StratifiedKFold, stratify=),
                         # "time_split" (TimeSeriesSplit, rows split at a date), "validation_set" (a val
                         # loader or hook, validation_data=, a val split in a config), "readme" (the README
                         # states the protocol in prose)
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class EvaluationFacts:
    """Printed metrics, baseline, validation protocol, reported variation and stated impact."""

    output_metrics: tuple[OutputMetric, ...]   # values printed in executed notebook outputs (named lines,
                                               # classification-report summaries, COCO mAP, a bare value
                                               # named by the code that printed it); never error outputs
    baseline: tuple[Evidence, ...]             # a baseline beside the final model: README table row, section
                                               # or sentence; DummyClassifier / a model named as baseline in
                                               # code; notebook markdown or printed lines
    validation: tuple[ValidationSignal, ...]
    uncertainty: tuple[Evidence, ...]          # variation: "0.91 ± 0.02", "(std 0.01)", intervals, "mean over
                                               # 5 seeds", a cross-validation std printed beside its scores
    impact: tuple[Evidence, ...]               # README sentences tying the model or a metric to an outcome:
                                               # money, cost, time saved, customers, risk, fewer false alarms

    @property
    def has_baseline(self) -> bool:
        return bool(self.baseline)

    @property
    def has_validation(self) -> bool:
        return bool(self.validation)

    @property
    def reports_uncertainty(self) -> bool:
        return bool(self.uncertainty)

    @property
    def states_impact(self) -> bool:
        return bool(self.impact)

    @property
    def validation_kinds(self) -> list[str]:
        """The kinds of validation found, in `VALIDATION_KINDS` order."""
        found = {s.kind for s in self.validation}
        return [k for k in VALIDATION_KINDS if k in found]


def detect_evaluation(sources: Sources, readme_source: ReadmeSource | None) -> EvaluationFacts:
    """Evaluation facts from the README, the code, the notebooks and YAML configs."""
    doc = readme_source.document if readme_source is not None else None
    readme = _ReadmeView(readme_source.path, doc) if doc is not None else None
    code = sorted(code_pass(sources).of("evaluation"), key=lambda f: f.path)
    books = _notebook_texts(sorted(sources.notebooks, key=lambda nb: nb.path))
    return EvaluationFacts(
        output_metrics=_bounded_metrics(_output_metrics(books, code)),
        baseline=_bounded([*(readme.baseline() if readme else ()), *(e for f in code for e in f.baseline),
                           *(e for nb in books for e in nb.baseline())]),
        validation=_bounded_signals([*(s for f in code for s in f.validation), *_config_validation(sources),
                                     *(readme.validation() if readme else ())]),
        uncertainty=_bounded([*(readme.uncertainty() if readme else ()),
                              *(e for nb in books for e in nb.uncertainty())]),
        impact=_bounded(readme.impact() if readme else ()),
    )


def _bounded(items: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """The first `MAX_ITEMS` distinct places, in the order found."""
    kept: dict[tuple[str, int | None], Evidence] = {}
    for e in items:
        if len(kept) >= MAX_ITEMS:
            break
        kept.setdefault((e.path, e.line), e)
    return tuple(kept.values())


def _bounded_signals(signals: Iterable[ValidationSignal]) -> tuple[ValidationSignal, ...]:
    """At most `MAX_ITEMS` distinct places per kind, ordered by kind, then as found."""
    per_kind: dict[str, dict[tuple[str, int | None], ValidationSignal]] = {k: {} for k in VALIDATION_KINDS}
    for s in signals:
        places = per_kind[s.kind]
        if len(places) < MAX_ITEMS:
            places.setdefault((s.evidence.path, s.evidence.line), s)
    return tuple(s for k in VALIDATION_KINDS for s in per_kind[k].values())


def _bounded_metrics(metrics: Iterable[OutputMetric]) -> tuple[OutputMetric, ...]:
    """At most `MAX_ITEMS` values, `MAX_PER_METRIC` per name, each (name, value, place) once."""
    return bounded(metrics, key=lambda m: (m.name, m.value, m.evidence.path, m.evidence.line),
                   group=lambda m: m.name, per_group=MAX_PER_METRIC, limit=MAX_ITEMS)


# ==== shared text patterns =========================================================================

def _words_re(pattern: str) -> re.Pattern[str]:
    """A case-insensitive pattern that matches whole words only (not inside a path, URL or name)."""
    return re.compile(rf"(?<![\w/.@#-])(?:{pattern})(?![\w/@-])(?!\.\w)", re.IGNORECASE)


_BASELINE_WORD = _words_re(r"baselines?")
_BASELINE_KIND = _words_re(
    r"dummy[ _-]?(?:classifier|regressor|baseline|predictor)|"
    r"(?:majority|most[- ]frequent)[- ](?:class[- ]|label[- ])?(?:baseline|classifier|predictor|model|rule)|"
    r"(?:predict\w*|guess\w*|output\w*) (?:always )?(?:the )?(?:majority|most[- ]frequent) (?:class|label)|"
    r"(?:zero[- ]?r(?:ule)?)|random[- ](?:guess(?:ing)?|baseline|classifier|chance|predictor)|chance[- ]level|"
    r"naive[- ](?:baseline|forecast(?:ing|er)?|model|predictor|approach|persistence)|"
    r"persistence[- ](?:model|forecast|baseline)|no[- ]skill")
_SIMPLE_MODEL = _words_re(
    r"logistic[- ]regression|linear[- ]regression|decision[- ]tree|naive[- ]bayes|linear[- ]model|"
    r"ridge(?:[- ]regression)?|logreg|log[- ]reg")
_STRONGER_MODEL = _words_re(
    r"random[- ]forests?|xgboost|lightgbm|lgbm|catboost|gradient[- ]boost\w*|boosted trees|neural (?:network|net)s?|"
    r"mlp|cnn|rnn|lstm|gru|transformers?|bert\w*|svms?|support vector \w+|ensembles?|deep learning|"
    r"(?:bagging|stacking|voting) \w+")
_COMPARISON = _words_re(
    r"compar\w*|vs\.?|versus|outperform\w*|beat(?:s|ing)?|improv\w*|better|worse|than|against|"
    r"relative(?: to)?|lift|uplift|gains?|surpass\w*|exceed\w*|over")
_STRONG_COMPARISON = _words_re(
    r"compar\w*|vs\.?|versus|outperform\w*|beat(?:s|ing)?|than|against|improvement over|"
    r"surpass\w*|relative to|benchmark(?:ed)? against")
_SETTING = _words_re(r"learning[- ]rate|lr|batch(?:[- ]size)?|epochs?|dropout|weight[- ]decay|momentum|config\w*|"
                     r"hyper-?param\w*|settings?")
_DRIFT_CONTEXT = _words_re(r"drift\w*|monitor\w*|reference data(?:set)?|statistics|distributions?")
_RESULT_NUMBER = re.compile(r"(?<![\w.])(?:\d+(?:\.\d+)?\s?%|\d*\.\d+)(?!\w|\.\d)")

_PLUS_MINUS = re.compile(r"\d\s*(?:±|\+/-|\+-|\\pm)\s*\d|\d\s*\(\s*(?:±|\+/-|\+-)\s*\d")
_STD_VALUE = _words_re(r"std(?:ev)?|s\.d\.|sd|standard (?:deviation|error)|sem|stderr")
_STD_WITH_NUMBER = re.compile(
    r"(?<![\w/.-])(?:std(?:ev)?|s\.d\.|sd|standard (?:deviation|error)|sem|stderr)\b(?: of)?\s*+[:=]?\s*+[-+]?\d*\.?\d",
    re.IGNORECASE)
_SCORE_WORDS = _words_re(r"scores?|cv|cross[- ]?validat\w*|folds?|seeds?|runs|trials")
_LABELLED_STD = re.compile(r"\b(?:std(?:ev)?|standard (?:deviation|error))\s*(?:[:=]|of)\s*[-+]?\d*\.?\d",
                           re.IGNORECASE)
_INTERVAL = _words_re(r"confidence intervals?|credible intervals?|\d+\s?% ci|ci\s?\d+\s?%|error bars?|"
                      r"bootstrap(?:ped)? (?:confidence|intervals?|ci)")
_REPEATS = re.compile(
    r"(?<![\w-])(?:mean|average[sd]?|averaging|median|aggregated?|std|variance|spread|repeated|across|over)\b"
    r"[^.\n]{0,40}?(?<![\w.])(?:\d+|three|five|ten)\s+(?:different\s+|independent\s+|random\s+)?"
    r"(?:seeds|runs|trials|folds|repetitions|restarts|random splits)\b", re.IGNORECASE)

_VALIDATION_PROSE = _words_re(
    r"cross[- ]?validat\w*|k[- ]fold|\d+[- ]fold|leave[- ]one[- ]out|stratified|held[- ]out|hold[- ]?out|"
    r"(?:train(?:ing)?|val(?:idation)?)\s?[/-]\s?(?:val(?:idation)?\s?[/-]\s?)?test split|"
    r"\d{2}\s?/\s?\d{2}(?:\s?/\s?\d{2})? split|(?:validation|test|dev|evaluation) (?:set|split|fold)s?|"
    r"out[- ]of[- ](?:time|sample)|time[- ]based split|chronological(?:ly)? split\w*|temporal split|"
    r"walk[- ]forward|evaluated on|evaluate on")


# ==== README =======================================================================================


# a sentence ends at . ! ? before a capital, a blank line, a list bullet or a "Label:" line
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*_(\[\"'])|\n\s*\n|\n(?=\s*[-*•]\s)|"
                           r"\n(?=\s*[A-Z][\w /&-]{0,30}:\s)|$")


def _sentences(block: Block) -> Iterator[tuple[str, int]]:
    """(sentence, line) for each sentence of a prose block's own words (inline code left out)."""
    text = block.words
    lines = LineIndex(text, block.line)
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start:m.start()]
        if piece.strip():
            yield " ".join(piece.split()), lines.line(start)
        start = m.end()
        if m.end() == len(text):
            break


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[~≈]?[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)\s?%?(?:\s?(?:±|\+/-)\s?\d+(?:\.\d+)?%?)?\**",
                             text.strip("*_ ")))


def _states_result(text: str) -> bool:
    """The text holds a metric value or a decimal / percentage."""
    return any(True for _ in metrics_in_output(text)) or bool(_RESULT_NUMBER.search(text))


def _is_baseline_prose(sentence: str) -> bool:
    """A sentence that reports a baseline beside the final model (see `EvaluationFacts.baseline`)."""
    if _BASELINE_KIND.search(sentence):
        return True
    if _BASELINE_WORD.search(sentence):
        if _DRIFT_CONTEXT.search(sentence):
            return False
        return bool(_COMPARISON.search(sentence) or (_states_result(sentence) and not _SETTING.search(sentence)))
    return bool(_SIMPLE_MODEL.search(sentence) and _STRONGER_MODEL.search(sentence)
                and _STRONG_COMPARISON.search(sentence))


def _uncertainty_in(text: str) -> bool:
    """Variation stated next to numbers: ±, a standard deviation with a metric or mean, an interval,
    results averaged over seeds / runs / folds."""
    if _PLUS_MINUS.search(text) or _INTERVAL.search(text) or _REPEATS.search(text):
        return True
    if _STD_WITH_NUMBER.search(text):
        return any(True for _ in metrics_in_output(text)) or bool(_SCORE_WORDS.search(text))
    return False


class _ReadmeView:
    """The README's document read for baseline, validation, uncertainty and impact statements.

    Sections about plans (Future work, Roadmap, TODO, …) report nothing and are left out."""

    def __init__(self, path: str, doc: Document) -> None:
        self.path = path
        self.doc = doc
        self.blocks = _reported_blocks(doc.blocks)

    def _evidence(self, line: int, text: str) -> Evidence:
        return Evidence(path=self.path, line=line, excerpt=excerpt(text))

    def _sentences(self) -> Iterator[tuple[str, int]]:
        for _, block in self.blocks:
            if block.kind == "text":
                yield from _sentences(block)

    def baseline(self) -> Iterator[Evidence]:
        """Baseline rows of results tables, baseline sections with numbers, baseline sentences."""
        for index, block in self.blocks:
            if block.kind == "table":
                for text, line in _table_baseline_cells(block.rows):
                    yield self._evidence(line, self.doc.line_text(line) or text)
            elif block.kind == "heading":
                if (_BASELINE_WORD.search(block.words) or _BASELINE_KIND.search(block.words)) and \
                        not _DRIFT_CONTEXT.search(block.words) and _section_has_results(self.doc.blocks, index):
                    yield self._evidence(block.line, block.text)
            elif block.kind == "text":
                for sentence, line in _sentences(block):
                    if _is_baseline_prose(sentence):
                        yield self._evidence(line, sentence)

    def validation(self) -> Iterator[ValidationSignal]:
        for sentence, line in self._sentences():
            if _VALIDATION_PROSE.search(sentence):
                yield ValidationSignal(kind="readme", evidence=self._evidence(line, sentence))

    def uncertainty(self) -> Iterator[Evidence]:
        for _, block in self.blocks:
            if block.kind == "text":
                for sentence, line in _sentences(block):
                    if _uncertainty_in(sentence):
                        yield self._evidence(line, sentence)
            elif block.kind == "table":
                found = _table_uncertainty(block.rows)
                if found is not None:
                    yield self._evidence(found[1], self.doc.line_text(found[1]) or found[0])

    def impact(self) -> Iterator[Evidence]:
        for _, block in self.blocks:
            if block.kind == "heading" and _IMPACT_HEADING.search(block.words):
                yield self._evidence(block.line, block.text)
            elif block.kind == "text":
                for sentence, line in _sentences(block):
                    if _states_impact(sentence):
                        yield self._evidence(line, sentence)


_PLANNED_HEADING = _words_re(r"future(?: work| projects?| plans?| improvements?| directions?)?|roadmap|to-?dos?|"
                             r"planned|plans|next steps|coming soon|wish ?list|ideas|work in progress|wip")


def _reported_blocks(blocks: list[Block]) -> list[tuple[int, Block]]:
    """(index, block) of every block outside a section about plans (its heading and all below it)."""
    kept = []
    planned_level: int | None = None
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            if planned_level is not None and block.level <= planned_level:
                planned_level = None
            if planned_level is None and _PLANNED_HEADING.search(block.words):
                planned_level = block.level
        if planned_level is None:
            kept.append((index, block))
    return kept


def _section_has_results(blocks: list[Block], heading: int) -> bool:
    """The section under `blocks[heading]` holds a table with numbers or a sentence with a result."""
    level = blocks[heading].level
    for block in blocks[heading + 1:]:
        if block.kind == "heading" and block.level <= level:
            return False
        if block.kind == "table" and any(_is_number(text) for row in block.rows[1:] for text, _ in row):
            return True
        if block.kind == "text" and any(True for _ in metrics_in_output(block.words)):
            return True
    return False


def _table_baseline_cells(rows: tuple[tuple[tuple[str, int], ...], ...]) -> Iterator[tuple[str, int]]:
    """Label cells of a results table that name a baseline (any label cell) or a simple model beside
    other models (first column or header)."""
    if len(rows) < 2:
        return
    numeric_rows = [r for r in rows[1:] if any(_is_number(t) for t, _ in r)]
    if not numeric_rows:
        return
    labels = [(t, ln) for r in rows for t, ln in r if t and not _is_number(t)]
    for text, line in labels:
        if (_BASELINE_WORD.search(text) or _BASELINE_KIND.search(text)) and not _DRIFT_CONTEXT.search(text):
            yield text, line
    first_column = [r[0] for r in numeric_rows if r and not _is_number(r[0][0])]
    for candidates in (first_column, [c for c in rows[0][1:] if c[0]]):
        simple = [c for c in candidates if _SIMPLE_MODEL.search(c[0])]
        if simple and len(candidates) > len(simple):
            yield from simple


def _table_uncertainty(rows: tuple[tuple[tuple[str, int], ...], ...]) -> tuple[str, int] | None:
    """The first cell stating variation: `0.91 ± 0.02`, or a numeric cell under a std / CI header."""
    for row in rows:
        for text, line in row:
            if _PLUS_MINUS.search(text):
                return text, line
    if not rows:
        return None
    for col, (title, _) in enumerate(rows[0]):
        if _STD_VALUE.search(title) or _INTERVAL.search(title) or "±" in title:
            for row in rows[1:]:
                if col < len(row) and _is_number(row[col][0]):
                    return row[col]
    return None


# ---- impact ---------------------------------------------------------------------------------------

_MONEY = re.compile(
    r"(?<![\w$\\])[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:[kKmMbB]n?|million|billion|thousand)\b)?(?!\s?\$)|"
    r"(?<![\w.])(?<!\d,)\d[\d,]*+(?:\.\d+)?\s?(?:[kKmM]\s)?(?:USD|EUR|GBP|dollars|euros|pounds)\b")
_EFFECT = (r"sav(?:e|es|ed|ing|ings)|reduc(?:e|es|ed|ing|tion)|cut(?:s|ting)?|lower(?:s|ed|ing)?|"
           r"prevent(?:s|ed|ing)?|avoid(?:s|ed|ing)?|increas(?:e|es|ed|ing)|boost(?:s|ed|ing)?|"
           r"improv(?:e|es|ed|ing)|retain(?:s|ed|ing)?|decreas(?:e|es|ed|ing)|minimi[sz](?:e|es|ed|ing)|"
           r"maximi[sz](?:e|es|ed|ing)|free(?:s|d)? up|recover(?:s|ed|ing)?|protect(?:s|ed|ing)?|"
           r"earn(?:s|ed|ing)?|catch(?:es|ing)?|caught|flag(?:s|ged|ging)?")
_OUTCOME = (r"costs(?! functions?)|(?:operational|operating|business|financial|customer|support|labou?r|"
            r"maintenance|annual|monthly|total) costs?|costs? (?:of|per|savings?|reductions?)|"
            r"revenue|profits?|churn(?:ers)?|customers?|clients?|patients?|"
            r"false (?:alarms?|positives?|negatives?)|fraud(?:ulent)?(?: \w+)?|(?:financial )?losses|"
            r"downtime|manual (?:work|effort|review|labou?r|checks?|inspection)|workload|man[- ]hours|"
            r"(?:working |labou?r )?hours|readmissions?|defects?|waste|complaints|defaults|retention|"
            r"conversions?|sales|spend(?:ing)?|budget|hospitali[sz]ations?|accidents|risk(?! of (?:over|under)fit|(?: of)? (?:data )?leak)|"
            r"money|expenses?|time (?:spent|needed|required|to (?:triage|review|respond|diagnos\w*|resolution))")
_EFFECT_ON_OUTCOME = re.compile(
    rf"(?<![\w-])(?:{_EFFECT})\b(?:\W+\w+){{0,6}}?\W+(?:{_OUTCOME})\b|"
    rf"(?<![\w-])(?:{_OUTCOME})\b(?:\W+\w+){{0,3}}?\W+(?:{_EFFECT})\b", re.IGNORECASE)
_ENGINEERING = _words_re(r"training|inference|compute|gpu|cpu|memory|latency|epochs?|build|install\w*|"
                         r"api|cloud|hosting|storage|cost function|loss function|learning rate")
_BUSINESS = _words_re(
    r"business[- ](?:impact|value|outcomes?|benefits?|terms|kpis?|metrics?|decisions?|case)|"
    r"return on investment|roi|cost[- ]benefit|cost[- ]sensitive|cost savings?|expected (?:profit|value|savings?|revenue|cost)|"
    r"(?:cost|price) of (?:a |each |every )?(?:false (?:positive|negative|alarm)|missed \w+|misclassif\w*)s?|"
    r"false (?:positives?|negatives?|alarms?)(?: \w+){0,3} (?:costly|expensive|cost)|"
    r"(?:costly|expensive) (?:false|missed|errors|mistakes)|time[- ]sav\w*|hours saved|"
    r"customers? retained|retention (?:rate|campaign)s?|"
    r"(?:\d+|an?|one|a few) (?:seconds?|minutes?|hours?|days?|weeks?) instead of")
_COSTLY_ERROR = _words_re(
    r"false (?:positives?|negatives?|alarms?)|(?:missed|missing|undetected) (?:an? |the |one )?(?:\w+ )?"
    r"(?:fraud\w*|cases?|diagnos\w+|defects?|churners?|positives?|detections?|transactions?|tumou?rs?|diseases?|"
    r"patients?|customers?|failures?)")
_COST_WORD = _words_re(r"costs?|costly|expensive|cheaper|losses")
_MONEY_CONTEXT = re.compile(rf"(?<![\w-])(?:{_EFFECT}|{_OUTCOME}|per (?:year|month|week|day|customer|user)|"
                            r"annual\w*|yearly|monthly|model|predict\w*|worth)\b", re.IGNORECASE)
_IMPACT_HEADING = _words_re(r"(?:business )?impact|business (?:value|case|decisions?(?: logic)?|results)|roi|"
                            r"return on investment")


def _states_impact(sentence: str) -> bool:
    """A README sentence connecting a metric or the model to an outcome: money, cost, time saved,
    users or customers, risk, fewer false alarms. Training cost, cost functions and shell prompts
    are not outcomes."""
    if _BUSINESS.search(sentence):
        return True
    if _MONEY.search(sentence) and _MONEY_CONTEXT.search(sentence) and not _ENGINEERING.search(sentence):
        return True
    if _COSTLY_ERROR.search(sentence) and _COST_WORD.search(sentence):
        return True
    match = _EFFECT_ON_OUTCOME.search(sentence)
    # "flags fraudulent transactions" says what the model does; impact puts a number on the effect
    return (bool(match) and any(ch.isdigit() for ch in sentence[match.start():match.end() + 20])
            and not _ENGINEERING.search(sentence[max(0, match.start() - 30):match.end()]))


# ==== notebooks ====================================================================================

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_PROGRESS = re.compile(r"^\s*+(?:(?:train|training|val|valid|validation|test|eval)\s+)?\[?"
                       r"(?:epoch|iter(?:ation)?|step|batch|it)\b\s*+[:=#\[]?\s*+\d+|(?<!\d)\d+/\d+ \[[=>.]*+\]|━|"
                       r"\bETA\b|(?<!\d)\d+it/s|(?<!\d)\d+s/it", re.IGNORECASE)
_ARRAY = re.compile(r"array\(|\[\s*[-+]?\d*\.?\d+(?:e[-+]?\d+)?(?:[\s,]+[-+]?\d*\.?\d+(?:e[-+]?\d+)?)+")
_REPORT_HEADER = re.compile(r"^\s*precision\s+recall\s+f1-score\s+support\s*$")
_REPORT_SUMMARY = re.compile(r"^\s*(?:(accuracy)|(macro avg|avg / total))\s+(.*)$")
_REPORT_ROW = re.compile(r"^\s*\S.*?\s+\d*\.\d+\s+\d*\.\d+\s+\d*\.\d+\s+\d+\s*$")
_COCO_LINE = re.compile(r"Average (?:Precision|Recall)\s*\((AP|AR)\)\s*@\[\s*IoU=([\d.:]+)\s*\|\s*area=\s*(\w+)\s*\|"
                        r"\s*maxDets=\s*\d+\s*\]\s*=\s*(-?\d*\.\d+)")
_DETECTION_LINE = re.compile(r"\b(?:IoU|bbox|COCO|maxDets)\b")


@dataclass(frozen=True)
class _Cell:
    """A notebook cell's readable text: printed output (code cells) or Markdown source."""

    path: str
    number: int
    kind: str   # "output" | "markdown"
    text: str
    result: str | None = None   # an execute_result's text/plain, for pairing with the cell's last expression

    def evidence(self, text: str) -> Evidence:
        return cell_evidence(self.path, self.number, text)

    @cached_property
    def shows_result(self) -> bool:
        """An output cell's first 2,000 characters state a result; read only for a cell below markdown
        naming a baseline (most are below none)."""
        return _states_result(self.text[:2000])

    @cached_property
    def blocks(self) -> list[Block]:
        """A markdown cell's parsed blocks (none for output or for a cell naming nothing looked for)."""
        return _markdown_blocks(self.text) if self.kind == "markdown" else []


@dataclass(frozen=True)
class _NotebookText:
    """The bounded readable text of one notebook, cell by cell."""

    path: str
    cells: tuple[_Cell, ...]

    def baseline(self) -> Iterator[Evidence]:
        """Markdown naming a baseline (a heading, a comparing sentence, or any mention right above a
        cell that prints a result) and printed lines giving a baseline's result."""
        outputs = {cell.number: cell for cell in self.cells if cell.kind == "output"}
        for cell in self.cells:
            if cell.kind == "markdown":
                below = outputs.get(cell.number + 1)
                for block in cell.blocks:
                    if block.kind not in ("heading", "text"):
                        continue
                    for sentence, _ in _sentences(block):
                        named = (_BASELINE_WORD.search(sentence) or _BASELINE_KIND.search(sentence)) and \
                            not _DRIFT_CONTEXT.search(sentence)
                        if (named and (block.kind == "heading" or (below is not None and below.shows_result))) \
                                or _is_baseline_prose(sentence):
                            yield cell.evidence(sentence)
            else:
                for line in cell.text.split("\n"):
                    if (_BASELINE_WORD.search(line) or _BASELINE_KIND.search(line)) and _states_result(line) \
                            and not _DRIFT_CONTEXT.search(line):
                        yield cell.evidence(line)

    def uncertainty(self) -> Iterator[Evidence]:
        for cell in self.cells:
            if cell.kind == "markdown":
                for block in cell.blocks:
                    if block.kind == "text":
                        yield from (cell.evidence(s) for s, _ in _sentences(block) if _uncertainty_in(s))
            else:
                lines = cell.text.split("\n")
                yield from (cell.evidence(lines[i]) for i in range(len(lines)) if _printed_uncertainty(lines, i))


def _printed_uncertainty(lines: list[str], index: int) -> bool:
    """A printed line stating variation: ± or an interval, results over seeds / folds, or a labelled
    standard deviation (`Standard deviation: 0.02`) beside a score or mean (a `describe()` table's
    std row is not one)."""
    line = lines[index]
    if _ARRAY.search(line):
        return False
    if _PLUS_MINUS.search(line) or _INTERVAL.search(line) or _REPEATS.search(line):
        return True
    if not _LABELLED_STD.search(line):
        return False
    window = lines[max(0, index - 3):index + 1]
    return not any(re.match(r"\s*count\b", w) for w in window) and any(
        _SCORE_WORDS.search(w) or re.search(r"\bmean\b", w, re.IGNORECASE) or any(True for _ in metrics_in_output(w))
        for w in window)


def _markdown_blocks(text: str) -> list[Block]:
    """A markdown cell's blocks; quick to skip a cell that names nothing this module looks for."""
    lowered = text.lower()
    if not any(k in lowered for k in ("baseline", "dummy", "majority", "naive", "random", "chance", "±", "+/-",
                                      "std", "standard", "interval", "seed", "runs", "folds", "regression",
                                      "tree", "bayes", "zero")):
        return []
    try:
        return parse_markdown_cell(text).blocks
    except Exception:  # a parser failure on one cell must not end the scan
        return []


def _output_text(output: dict[str, Any]) -> tuple[str, bool]:
    """An output's readable text and whether it is an execute_result; error outputs give ""."""
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
    elif kind == "execute_result":
        data = output.get("data")
        text = data.get("text/plain", "") if isinstance(data, dict) else ""
    else:
        return "", False
    if isinstance(text, list):
        text = "".join(t for t in text if isinstance(t, str))
    return (text if isinstance(text, str) else ""), kind == "execute_result"


def _clean_output(text: str) -> str:
    """Terminal escapes removed; of a line redrawn with \\r or backspaces, its last state."""
    text = _ANSI.sub("", text)
    lines = []
    for line in text.split("\n"):
        if "\r" in line or "\x08" in line:
            parts = [p for p in re.split(r"\r|\x08+", line) if p.strip()]
            line = parts[-1] if parts else ""
        lines.append(line)
    return "\n".join(lines)


def _notebook_texts(notebooks: list[Notebook]) -> list[_NotebookText]:
    """Each notebook's markdown and printed output, at most `MAX_NOTEBOOK_CHARS` of it."""
    books = []
    for nb in notebooks:
        budget = MAX_NOTEBOOK_CHARS
        cells = []
        for cell in nb.cells:
            if budget <= 0:
                break
            readable = _readable_cell(nb.path, cell, min(budget, MAX_OUTPUT_CHARS))
            if readable is not None:
                cells.append(readable)
                budget -= len(readable.text)
        books.append(_NotebookText(nb.path, tuple(cells)))
    return books


def _readable_cell(path: str, cell: NotebookCell, limit: int) -> _Cell | None:
    """A markdown cell's source, or a code cell's printed output (stream and execute_result text,
    cleaned), each cut at `limit` characters; None for anything else or nothing printed."""
    if cell.cell_type == "markdown":
        return _Cell(path, cell.number, "markdown", cell.source[:min(limit, MAX_MARKDOWN_CHARS)])
    if cell.cell_type != "code":
        return None
    parts: list[str] = []
    result, size = None, 0
    for output in cell.outputs:
        text, is_result = _output_text(output)
        if not text or size >= limit:
            continue
        text = _clean_output(text[:limit - size])
        size += len(text)
        parts.append(text)
        if is_result:
            result = text.strip()
    return _Cell(path, cell.number, "output", "\n".join(parts), result) if parts else None


def _resolve(name: str, line: str) -> str:
    if name == "ap":
        return "map" if _DETECTION_LINE.search(line) else "pr_auc"
    return name


def _classification_reports(lines: list[str], kept: list[str]) -> Iterator[tuple[str, str, str]]:
    """scikit-learn classification reports: accuracy and the macro-average precision, recall and F1
    (per-class rows are not the model's result). Their lines are blanked in `kept`."""
    in_report = False
    for i, line in enumerate(lines):
        if _REPORT_HEADER.match(line):
            in_report, kept[i] = True, ""
            continue
        if not in_report:
            continue
        if not line.strip():
            kept[i] = ""
            continue
        summary = _REPORT_SUMMARY.match(line)
        if summary is None and not _REPORT_ROW.match(line):
            in_report = False
            continue
        kept[i] = ""
        values = re.findall(r"(?<![\w.])\d*\.\d+", summary.group(3)) if summary else []
        if summary and summary.group(1) and values:
            yield "accuracy", values[0], line
        elif summary and summary.group(2):
            yield from ((name, value, line) for name, value in zip(("precision", "recall", "f1"), values))


def _coco_summary(lines: list[str], kept: list[str]) -> Iterator[tuple[str, str, str]]:
    """pycocotools' summary: mAP@[.50:.95] over all areas; every summary line is blanked in `kept`."""
    for i, line in enumerate(lines):
        match = _COCO_LINE.search(line)
        if match:
            kept[i] = ""
            if match.group(1) == "AP" and match.group(2) == "0.50:0.95" and match.group(3) == "all":
                yield "map", match.group(4), line


def _as_printed(value: str, line: str) -> str | None:
    """The value as a result: a `correct/total` count becomes the percentage printed beside it;
    a number glued to a name (`mAP50-95`) is no value."""
    if re.fullmatch(r"\d+/\d+", value):
        pct = re.search(re.escape(value) + r"\s*\((\d+(?:\.\d+)?%)\)", line)
        return pct.group(1) if pct else None
    core = value.split("/")[0]
    starts = [m.start() for m in re.finditer(re.escape(core), line)]
    return value if any(s == 0 or not line[s - 1].isalnum() for s in starts) else None


def _aligned(name: str, value: str, lines: list[str], offset: int) -> bool:
    """A value read from a row of a printed table stands under a header naming the same metric."""
    header = next((lines[j] for j in range(offset - 1, max(-1, offset - 4), -1) if lines[j].strip()), "")
    row = lines[offset]
    for found in re.finditer(rf"(?<![\w.]){re.escape(value)}(?![\w.])", row):
        for token in re.finditer(r"\S+", header):
            if token.start() < found.end() and token.end() > found.start() and any(
                    n == name for n, _, _ in metrics_in_output(f"{token.group(0)}: {value}")):
                return True
    return False


def _printed_metrics(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, value, printed line) in one cell's output: classification-report summaries, COCO
    summaries, then other lines; per-class rows, fold arrays and all but the last progress line are
    left out, and a value read from a printed table must stand under its metric's column."""
    lines = text.split("\n")
    kept = list(lines)
    yield from _classification_reports(lines, kept)
    yield from _coco_summary(lines, kept)
    progress = [i for i, line in enumerate(kept) if _PROGRESS.search(line)]
    for i in progress[:-1]:
        kept[i] = ""
    for i, line in enumerate(kept):
        if _ARRAY.search(line):
            kept[i] = ""
    for name, value, offset in metrics_in_output("\n".join(kept)):
        line = kept[offset]
        shown = _as_printed(value, line)
        if shown is None:
            continue
        on_line = any(n == name and v == value for n, v, _ in metrics_in_output(line))
        if on_line or _aligned(name, value, kept, offset):
            yield _resolve(name, line), shown, line


# sklearn metric functions whose value an execute_result shows without a name
_METRIC_FUNCTIONS = {
    "accuracy_score": "accuracy", "balanced_accuracy_score": "other:balanced_accuracy", "f1_score": "f1",
    "precision_score": "precision", "recall_score": "recall", "roc_auc_score": "roc_auc",
    "average_precision_score": "pr_auc", "log_loss": "log_loss", "r2_score": "r2",
    "mean_squared_error": "mse", "root_mean_squared_error": "rmse", "mean_absolute_error": "mae",
    "mean_absolute_percentage_error": "mape", "matthews_corrcoef": "other:mcc",
    "cohen_kappa_score": "other:kappa", "brier_score_loss": "other:brier",
}


_METRIC_TOKENS = {"acc": "accuracy", "accuracy": "accuracy", "f1": "f1", "auc": "roc_auc", "precision": "precision",
                  "recall": "recall", "rmse": "rmse", "mae": "mae", "mse": "mse", "r2": "r2", "mape": "mape"}
_NOT_A_VALUE = frozenset("threshold thresholds thresh cutoff target goal min max weight weights idx index n num "
                         "count counts curve".split())
_WRAPPERS = frozenset({"round", "float", "str", "abs", "mean", "item"})
_BARE_NUMBER = re.compile(r"\s*+([-+]?(?:\d++(?:\.\d*+)?|\.\d++)(?:e[-+]?\d++)?)\s*+(%|percent)?\s*+", re.IGNORECASE)


def _metric_of(node: ast.AST) -> str | None:
    """The metric an expression computes or names: a scikit-learn metric call, or a variable named
    for one (`acc_log_reg`, `test_f1`), through `round()`, `str()`, `float()` and arithmetic."""
    if isinstance(node, ast.Call):
        name = (dotted_name(node.func) or "").replace("()", "").rsplit(".", 1)[-1]
        if name == "mean_squared_error" and any(k.arg == "squared" and isinstance(k.value, ast.Constant)
                                                and k.value.value is False for k in node.keywords):
            return "rmse"
        if name in _METRIC_FUNCTIONS:
            return _METRIC_FUNCTIONS[name]
        if name in _WRAPPERS:
            inner = node.args[0] if node.args else node.func.value if isinstance(node.func, ast.Attribute) else None
            return _metric_of(inner) if inner is not None else None
        return None
    if isinstance(node, ast.BinOp):
        return _metric_of(node.left) or _metric_of(node.right)
    if isinstance(node, (ast.Name, ast.Attribute)):
        tokens = _tokens(node.id if isinstance(node, ast.Name) else node.attr)
        if "auc" in tokens and ("pr" in tokens or "prc" in tokens):
            return "pr_auc"
        if set(tokens) & _NOT_A_VALUE:
            return None
        named = {_METRIC_TOKENS[t] for t in tokens if t in _METRIC_TOKENS}
        return named.pop() if len(named) == 1 else None
    return None


@dataclass(frozen=True)
class _CellValueNames:
    """The metrics a notebook code cell's code names for a bare value its output may show."""

    last_expression: str | None   # the metric the cell's last expression computes (shown as its result)
    single_print: str | None      # the metric of the one value its only `print(...)` prints


def _cell_value_names(unit: CodeUnit) -> _CellValueNames | None:
    """What a notebook cell's code names for a bare value it shows; None when it names no metric."""
    if not unit.tree.body:
        return None
    last = unit.tree.body[-1]
    prints = [n for n in nodes_of(unit.tree, ast.Call) if isinstance(n.func, ast.Name) and n.func.id == "print"]
    values = [a for a in prints[0].args if not isinstance(a, ast.Constant)] if len(prints) == 1 else []
    names = _CellValueNames(last_expression=_metric_of(last.value) if isinstance(last, ast.Expr) else None,
                            single_print=_metric_of(values[0]) if len(values) == 1 else None)
    return names if names.last_expression is not None or names.single_print is not None else None


def _unnamed_value_metric(cell: _Cell, names: _CellValueNames | None) -> OutputMetric | None:
    """A bare number the cell shows, named by the code that produced it: the cell's last expression
    (`accuracy_score(y_test, pred)`) or its single `print(...)` of a metric value."""
    if names is None:
        return None
    if cell.result is not None:
        number = _BARE_NUMBER.fullmatch(cell.result)
        name = names.last_expression
    else:
        printed = [ln for ln in cell.text.split("\n") if ln.strip()]
        number = _BARE_NUMBER.fullmatch(printed[0]) if len(printed) == 1 else None
        name = names.single_print
    if number is None or name is None or "." not in number.group(1) and number.group(2) is None:
        return None
    value = number.group(1) + ("%" if number.group(2) else "")
    return OutputMetric(name=name, value=value, evidence=cell.evidence(number.group(0).strip()))


def _output_metrics(books: list[_NotebookText], code: list[_FileCode]) -> Iterator[OutputMetric]:
    cells = {(f.path, number): names for f in code for number, names in f.cell_values.items()}
    for book in books:
        for cell in book.cells:
            if cell.kind != "output":
                continue
            named = False
            for name, value, line in _printed_metrics(cell.text):
                named = True
                yield OutputMetric(name=name, value=value, evidence=cell.evidence(line))
            if not named:
                found = _unnamed_value_metric(cell, cells.get((cell.path, cell.number)))
                if found is not None:
                    yield found


# ==== code =========================================================================================

@dataclass(frozen=True)
class _FileCode:
    """One file's part: its baseline evidence and validation signals, each cut to what `_bounded` and
    `_bounded_signals` could keep of them, and what its notebook cells' code names for a bare value
    they show (by cell number)."""

    path: str
    baseline: tuple[Evidence, ...]
    validation: tuple[ValidationSignal, ...]
    cell_values: dict[int, _CellValueNames]


@per_file("evaluation")
def _evaluation_in_file(file: SourceFile) -> _FileCode | None:
    """One file's baseline evidence, validation signals and cell value names; None for a test file.

    Each list is cut here with the merge's own bound: a place the bound drops within one file, it would
    drop from the whole list too (`_bounded_signals` bounds each kind on its own, so the kind order it
    gives one file's signals changes nothing)."""
    if not file.units or is_test_path(file.path):
        return None
    cell_values = {unit.cell: names for unit in file.units
                   if unit.cell is not None and (names := _cell_value_names(unit)) is not None}
    assigned = [_assigned_names(unit.tree) for unit in file.units]
    baseline = _bounded(_code_baseline(file.units, assigned))
    validation = _bounded_signals(_code_validation(file.units, assigned))
    if not (baseline or validation or cell_values):
        return None  # nothing found: the pass keeps no summary
    return _FileCode(path=file.path, baseline=baseline, validation=validation, cell_values=cell_values)


@functools.lru_cache(maxsize=8192)  # asked for every assigned name and definition; names repeat
def _tokens(identifier: str) -> frozenset[str]:
    """The words of a snake_case or CamelCase identifier, lower-cased."""
    return frozenset(t.lower() for t in _WORD.findall(identifier))


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


_MODELISH = frozenset("model models clf classifier regressor estimator pipe pipeline predictor pred preds "
                      "prediction predictions score scores acc accuracy auc f1 rmse mae mse loss error metrics "
                      "results perf performance".split())
_NOT_A_MODEL = frozenset("drift stats statistics distribution distributions reference monitor monitoring "
                         "data df".split())


def _target_names(node: ast.AST) -> Iterator[tuple[str, int]]:
    """(name, line) of each plain name or attribute an assignment stores to."""
    if isinstance(node, ast.Name):
        yield node.id, node.lineno
    elif isinstance(node, ast.Attribute):
        yield node.attr, node.lineno
    elif isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _target_names(element)
    elif isinstance(node, ast.Starred):
        yield from _target_names(node.value)


def _is_constructor_or_fit(value: ast.AST | None) -> bool:
    """A call to a class (`LogisticRegression()`) or to `.fit(...)`: the value is a model."""
    if not isinstance(value, ast.Call):
        return False
    name = (dotted_name(value.func) or "").replace("()", "")
    last = name.rsplit(".", 1)[-1]
    return last[:1].isupper() or last == "fit"


_Assigned = list[tuple[list[tuple[str, int]], ast.AST | None]]


def _assigned_names(tree: ast.Module) -> _Assigned:
    """(the `_target_names` of its targets, its value) for every assignment of `tree`, in walk order:
    found once per unit for the baseline, date-split and named-split finders that read them."""
    assigned: _Assigned = []
    for node in nodes_of(tree, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        assigned.append(([name for target in targets for name in _target_names(target)], node.value))
    return assigned


_DUMMY_MODELS = frozenset({"DummyClassifier", "DummyRegressor"})


def _called_as(func: ast.AST, names: frozenset[str]) -> bool:
    """The last part of `dotted_name(func)` is one of `names` (`sklearn.dummy.DummyClassifier`); the
    name is built only when `func`'s own name is one of them, to check that it has a dotted name (a
    called call's name ends in "()", which names nothing)."""
    return called_name(func) in names and dotted_name(func) is not None


def _named_as_baseline(name: str) -> bool:
    tokens = _tokens(name)
    return bool(tokens & {"baseline", "baselines"}) and not tokens & _NOT_A_MODEL


def _code_baseline(units: list[CodeUnit], assigned: list[_Assigned]) -> Iterator[Evidence]:
    """DummyClassifier / DummyRegressor calls, and definitions and model values named as a baseline,
    in one file's units (`assigned`: each unit's `_assigned_names`)."""
    for unit, unit_assigned in zip(units, assigned, strict=True):
        definitions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        for node in nodes_of(unit.tree, ast.Call, *definitions):
            if isinstance(node, ast.Call):
                if _called_as(node.func, _DUMMY_MODELS):
                    yield unit.evidence(node.lineno)
            elif _named_as_baseline(node.name):
                yield unit.evidence(node.lineno)
        for names, value in unit_assigned:
            for name, line in names:
                if _named_as_baseline(name) and (_tokens(name) & _MODELISH or _is_constructor_or_fit(value)):
                    yield unit.evidence(line)


# call name (last part) -> validation kinds
_SPLITTERS: dict[str, tuple[str, ...]] = {
    "train_test_split": ("holdout",), "random_split": ("holdout",), "ShuffleSplit": ("holdout",),
    "GroupShuffleSplit": ("holdout",), "PredefinedSplit": ("holdout",),
    "StratifiedShuffleSplit": ("holdout", "stratified"),
    "temporal_train_test_split": ("holdout", "time_split"),
    "KFold": ("cross_validation",), "GroupKFold": ("cross_validation",), "RepeatedKFold": ("cross_validation",),
    "LeaveOneOut": ("cross_validation",), "LeaveOneGroupOut": ("cross_validation",),
    "LeavePOut": ("cross_validation",), "LeavePGroupsOut": ("cross_validation",),
    "cross_val_score": ("cross_validation",), "cross_validate": ("cross_validation",),
    "cross_val_predict": ("cross_validation",), "GridSearchCV": ("cross_validation",),
    "RandomizedSearchCV": ("cross_validation",), "HalvingGridSearchCV": ("cross_validation",),
    "HalvingRandomSearchCV": ("cross_validation",), "learning_curve": ("cross_validation",),
    "validation_curve": ("cross_validation",), "permutation_test_score": ("cross_validation",),
    "StratifiedKFold": ("cross_validation", "stratified"),
    "RepeatedStratifiedKFold": ("cross_validation", "stratified"),
    "StratifiedGroupKFold": ("cross_validation", "stratified"),
    "TimeSeriesSplit": ("cross_validation", "time_split"),
    "ExpandingWindowSplitter": ("time_split",), "SlidingWindowSplitter": ("time_split",),
}
_CV_ESTIMATOR = re.compile(r"^sklearn\.\w+(?:\.\w+)*\.(?!Calibrated)\w+CV$")
_CV_FUNCTIONS = frozenset({"xgboost.cv", "lightgbm.cv", "catboost.cv"})
_CV_LIBRARIES = ("sklearn", "xgboost", "lightgbm", "catboost")  # what the origins of both start with
_VALIDATION_KEYWORDS = frozenset({"validation_data", "validation_split", "eval_set", "valid_sets", "evals", "eval_dataset",
                                  "val_dataloaders", "validation_steps", "valid_dataloaders"})
_SPLIT_VALUES = {"test": "holdout", "val": "validation_set", "valid": "validation_set",
                 "validation": "validation_set", "dev": "validation_set"}
_VALIDATION_METHODS = {"val_dataloader": "validation_set", "validation_step": "validation_set",
                       "on_validation_epoch_end": "validation_set", "validation_epoch_end": "validation_set",
                       "test_dataloader": "holdout", "test_step": "holdout"}
_DATASET_ORIGINS = ("torchvision.datasets", "torchtext.datasets", "torchaudio.datasets", "tensorflow_datasets")
_VAL_TOKENS = frozenset({"val", "valid", "validation", "dev"})
_DATA_TOKENS = frozenset("loader dataloader dl ds dataset datasets data set x y df generator gen iter iterator batches "
                         "features labels images texts".split())
_DATE_TOKENS = frozenset("date dates datetime time timestamp ts year month week day period".split())
_DATE_STRING = re.compile(r"\d{4}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?(?:[ T]\d{1,2}:\d{2}.*)?")
_DATE_CALLS = frozenset({"Timestamp", "to_datetime", "datetime", "date", "Period"})
_CUTOFF_TOKENS = frozenset({"cutoff", "boundary", "end", "start"})
_SPLIT_TOKENS = frozenset({"train", "training", "test", "val", "valid", "validation", "holdout", "dev", "split"})


def _call_kinds(call: ast.Call, aliases: dict[str, str], cv_imported: bool) -> Iterator[tuple[str, int]]:
    """(kind, line) for a call that splits, cross-validates or feeds a validation set.

    `cv_imported` tells whether some import's origin starts with one of `_CV_LIBRARIES`: a qualified
    name starts with its import's origin, so without one no call is a CV estimator or CV function."""
    for kind in _SPLITTERS.get(_callee(call.func), ()):
        yield kind, call.lineno
    if cv_imported:
        origin = qualified_name(call.func, aliases) or ""
        if _CV_ESTIMATOR.match(origin) or origin in _CV_FUNCTIONS:
            yield "cross_validation", call.lineno
    for keyword in call.keywords:
        value = keyword.value
        is_none = isinstance(value, ast.Constant) and value.value in (None, False, 0, 0.0)
        if keyword.arg == "stratify" and not is_none:
            yield "stratified", value.lineno
        elif keyword.arg == "cv" and not is_none:
            yield "cross_validation", value.lineno
        elif keyword.arg in _VALIDATION_KEYWORDS and not is_none:
            yield "validation_set", value.lineno
        elif keyword.arg == "split" and isinstance(value, ast.Constant) and isinstance(value.value, str):
            kind = _SPLIT_VALUES.get(value.value.split("[")[0].strip().lower())
            if kind:
                yield kind, value.lineno
        elif keyword.arg == "train" and isinstance(value, ast.Constant) and value.value is False and (
                (qualified_name(call.func, aliases) or "").startswith(_DATASET_ORIGINS)
                or re.search(r"data", dotted_name(call.func) or "", re.IGNORECASE)):
            yield "holdout", value.lineno


def _callee(func: ast.AST) -> str:
    """`(dotted_name(func) or "").replace("()", "").rsplit(".", 1)[-1]`, the called function's own name
    (`a.b().split` → "split", `f()` → "f"), when it is one of `_SPLITTERS`, else "": the dotted name is
    built only then, to check that `func` has one."""
    own = func
    while isinstance(own, ast.Call):
        own = own.func
    name = called_name(own)
    return name if name in _SPLITTERS and dotted_name(func) is not None else ""


def _names_of(node: ast.AST) -> frozenset[str]:
    """Tokens naming a column or variable: `df["date"]`, `df.date`, `split_date`."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return _tokens(node.slice.value)
    if isinstance(node, ast.Attribute):
        return _tokens(node.attr)
    if isinstance(node, ast.Name):
        return _tokens(node.id)
    return frozenset()


def _is_date_value(node: ast.AST) -> bool:
    """A date literal (`"2020-01-01"`), a date constructor call, or a name for a split date."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_DATE_STRING.fullmatch(node.value.strip()))
    if isinstance(node, ast.Call):
        return (dotted_name(node.func) or "").replace("()", "").rsplit(".", 1)[-1] in _DATE_CALLS
    tokens = _names_of(node)
    return bool(tokens & _SPLIT_TOKENS and tokens & (_DATE_TOKENS | _CUTOFF_TOKENS))


def _date_split_lines(assigned: _Assigned) -> Iterator[int]:
    """Train / test / validation rows selected by comparing a date column with a cut-off:
    `train = df[df["date"] < "2020-01-01"]`, `test = df.loc[df.ts >= split_date]` (`assigned`: a
    unit's `_assigned_names`)."""
    for names, value in assigned:
        if value is None or not any(_tokens(name) & _SPLIT_TOKENS for name, _ in names):
            continue
        for node in ast.walk(value):
            if not isinstance(node, ast.Subscript):
                continue
            for compare in ast.walk(node.slice):
                if not isinstance(compare, ast.Compare) or len(compare.ops) != 1 or \
                        not isinstance(compare.ops[0], (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
                    continue
                left, right = compare.left, compare.comparators[0]
                if any(_names_of(column) & _DATE_TOKENS and _is_date_value(cutoff)
                       for column, cutoff in ((left, right), (right, left))):
                    yield compare.lineno


def _code_validation(units: list[CodeUnit], assigned: list[_Assigned]) -> Iterator[ValidationSignal]:
    """Validation signals in one file's units (`assigned`: each unit's `_assigned_names`); a data
    variable named for a split counts once."""
    aliases = import_aliases([u.tree for u in units])
    cv_imported = any(origin.startswith(_CV_LIBRARIES) for origin in aliases.values())
    named: set[str] = set()
    for unit, unit_assigned in zip(units, assigned, strict=True):
        for kind, line in _unit_validation(unit, unit_assigned, aliases, cv_imported):
            yield ValidationSignal(kind=kind, evidence=unit.evidence(line))
        for kind, line in _named_splits(unit_assigned):
            if kind not in named:
                named.add(kind)
                yield ValidationSignal(kind=kind, evidence=unit.evidence(line))


def _unit_validation(unit: CodeUnit, assigned: _Assigned, aliases: dict[str, str],
                     cv_imported: bool) -> Iterator[tuple[str, int]]:
    """Splitting, cross-validation and validation-feeding calls, Lightning validation / test hooks,
    and date-based splits in one unit (`assigned` its `_assigned_names`; `cv_imported` as for `_call_kinds`)."""
    definitions = (ast.FunctionDef, ast.AsyncFunctionDef)
    for node in nodes_of(unit.tree, ast.Call, *definitions):
        if isinstance(node, ast.Call):
            seen: set[str] = set()
            for kind, line in _call_kinds(node, aliases, cv_imported):
                if kind not in seen:
                    seen.add(kind)
                    yield kind, line
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in _VALIDATION_METHODS:
            yield _VALIDATION_METHODS[node.name], node.lineno
    for line in _date_split_lines(assigned):
        yield "time_split", line


def _named_splits(assigned: _Assigned) -> Iterator[tuple[str, int]]:
    """Data assigned to a validation-named variable (`X_val = ...`, `val_loader = DataLoader(...)`)
    or a test loader (`test_loader = ...`), in a unit's `_assigned_names`."""
    for names, value in assigned:
        if not isinstance(value, (ast.Call, ast.Subscript)):
            continue
        for name, line in names:
            tokens = _tokens(name)
            if tokens & _VAL_TOKENS and tokens & _DATA_TOKENS and tokens <= _VAL_TOKENS | _DATA_TOKENS:
                yield "validation_set", line
            elif "test" in tokens and tokens & {"loader", "dataloader", "dl"}:
                yield "holdout", line


# ---- configs --------------------------------------------------------------------------------------

_CONFIG_SPLIT_KEY = re.compile(
    r"(?:val|valid|validation|dev|holdout|test)[_-]?(?:split|size|ratio|frac|fraction|percent|pct|share|portion)|"
    r"train[_-]?(?:val|valid|validation)(?:[_-]?test)?[_-]?splits?|train[_-]?test[_-]?splits?", re.IGNORECASE)
_CONFIG_FOLD_KEY = re.compile(r"(?:n|num|k)[_-]?(?:folds?|splits)|cv[_-]?folds?|kfolds?", re.IGNORECASE)


_CONFIG_CANDIDATE = re.compile(r"^[ \t-]*+[\"']?(?=\w*(?:val|test|dev|holdout|fold|split))\w++[\"']?[ \t]*+:",
                               re.IGNORECASE | re.MULTILINE)


def _split_value(value: Any) -> bool:
    """A split size or ratio: a positive number or a list of them."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value > 0
    if isinstance(value, list) and 2 <= len(value) <= 3:
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in value)
    return False


def _config_items(value: Any, depth: int = 0) -> Iterator[tuple[str, Any, dict]]:
    """(key, value, the mapping holding it) for every string key of a loaded YAML document."""
    if depth > 20:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield key, item, value
            yield from _config_items(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _config_items(item, depth + 1)


def _is_path_list(value: Any) -> bool:
    return (isinstance(value, str) and bool(value.strip())) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))


def _config_kind(key: str, value: Any, mapping: dict) -> str | None:
    """The validation kind a config entry sets: a split size, a fold count, or a dataset config's
    validation / test data beside its training data (`train: ..., val: ...`)."""
    lowered = key.lower()
    if _CONFIG_SPLIT_KEY.fullmatch(key) and _split_value(value):
        return "holdout" if "test" in lowered and "val" not in lowered else "validation_set"
    if _CONFIG_FOLD_KEY.fullmatch(key) and isinstance(value, int) and not isinstance(value, bool) and value >= 2:
        return "cross_validation"
    if lowered in _SPLIT_VALUES and _is_path_list(value) and "train" in mapping:
        return _SPLIT_VALUES[lowered]
    return None


def _config_validation(sources: Sources) -> Iterator[ValidationSignal]:
    """Validation or test splits and fold counts set in YAML configs (CI files excepted)."""
    repo = sources.repo
    files = [f for f in repo.files if f.path.lower().endswith((".yaml", ".yml")) and f.size <= MAX_CONFIG_BYTES
             and not f.path.startswith((".github/", ".gitlab", ".circleci/")) and "/." not in f"/{f.path}"]
    budget = MAX_CONFIG_TOTAL
    for f in sorted(files, key=lambda f: f.path)[:MAX_CONFIG_FILES]:
        if f.size > budget:
            break
        text = repo.read_text(f.path)
        if text is None or not _CONFIG_CANDIDATE.search(text):
            continue
        budget -= len(text)
        documents, problem = try_load_yaml(text, repo=repo, path=f.path)
        if problem:
            continue
        lines = text.split("\n")
        for document in documents:
            for key, value, mapping in _config_items(document):
                kind = _config_kind(key, value, mapping)
                if kind is None:
                    continue
                line = next((i for i, ln in enumerate(lines, start=1)
                             if re.match(rf"\s*(?:-\s*)?[\"']?{re.escape(key)}[\"']?\s*:", ln)), None)
                yield ValidationSignal(kind=kind, evidence=Evidence(
                    path=f.path, line=line, excerpt=excerpt(lines[line - 1]) if line else f"{key}: {value}"))
