"""Metrics stated with a value in a README: canonical names (acc → accuracy, AUC-ROC → roc_auc, …)
with the number each is reported with, from prose, lists, tables and printed evaluation output.

Configured thresholds and non-metric numbers (sizes, years, versions, hardware) are not values.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Evidence
from .common import excerpt
from .readme_document import Cell, Document, LineIndex, words

# ==== a metric mention ========================================================================================


@dataclass(frozen=True, kw_only=True)
class MetricMention:
    """A metric stated with a value: canonical name, the value as written, where."""

    name: str
    value: str
    evidence: Evidence


# ---- metrics --------------------------------------------------------------------------------------

# (canonical name, pattern). Patterns are tried in order at each position, so longer and more
# specific forms come first. "(?i:...)" marks case-insensitive forms; the rest are case-sensitive
# (AP, mAP, PQ, EM are ordinary words or letters in lower case). "ap" is resolved per document:
# map in an object-detection README, pr_auc otherwise.
_METRIC_SPECS: tuple[tuple[str, str], ...] = (
    ("other:top1_error", r"(?i:top[- _]?1[- _]?err(?:or)?)"),
    ("other:top5_error", r"(?i:top[- _]?5[- _]?err(?:or)?)"),
    ("top1", r"(?i:top[- _]?1(?:[- _]?acc(?:uracy)?)?|acc@1)"),
    ("top5", r"(?i:top[- _]?5(?:[- _]?acc(?:uracy)?)?|acc@5)"),
    ("other:balanced_accuracy", r"(?i:balanced[- _]acc(?:uracy)?)"),
    ("roc_auc", r"(?i:roc[- _]?auc|auc[- _]?roc|auroc|area under (?:the )?roc(?: curve)?)"),
    ("pr_auc", r"(?i:pr[- _]?auc|auc[- _]?pr|auprc|area under (?:the )?precision[- ]recall(?: curve)?)"),
    ("map", (r"(?i:mean average precision)|mAP(?:@[\d.:]+|\d+)?|MAP@\d+|(?i:map@(?:\d+|k))|"
             r"(?i:box|bbox|mask|segm)[ _]?AP(?:\d+)?|AP(?:50|75|@[\d.:]+|_?[SMLsml](?![a-z]))")),
    ("pr_auc", r"(?i:average[- ]precision)"),
    ("ap", r"AP"),
    ("accuracy", (r"(?i:(?:(?:train|training|val|valid|validation|test|testing|eval|dev|holdout|best|final|"
                  r"mean|avg|average)[ _/-])?acc(?:uracy)?)")),
    ("auc", r"(?i:auc)"),
    ("f1", r"(?i:(?:macro|micro|weighted)[- _]?f[- _]?1(?:[- _]?score)?|"
           r"f[- _]?1(?:[- _]?(?:score|measure|macro|micro|weighted))?|f[- ]?(?:score|measure))"),
    ("precision", r"(?i:precision(?:@(?:\d+|k))?)"),
    ("recall", r"(?i:recall(?:@(?:\d+|k))?|sensitivity|true positive rate)"),
    ("other:specificity", r"(?i:specificity)"),
    ("log_loss", r"(?i:log[- _]?loss|logloss)"),
    ("loss", r"(?i:(?:(?:train|training|val|valid|validation|test|eval|dev|best|final|cross[- ]entropy)[ _/-]?)?loss)"),
    ("perplexity", r"(?i:perplexit(?:y|ies)|ppl)"),
    ("other:rmsle", r"(?i:rmsle)"),
    ("rmse", r"(?i:rmse|root[- ]mean[- ]squared?[- ]error)"),
    ("mse", r"(?i:mse|mean[- ]squared?[- ]error)"),
    ("other:smape", r"(?i:smape)"),
    ("mape", r"(?i:mape|mean absolute percentage error)"),
    ("mae", r"(?i:mae|mean absolute error)"),
    ("r2", r"(?i:r2(?:[- _]?score)?|r\^2|r²|r-squared|r squared|coefficient of determination)"),
    ("bleu", r"(?i:(?:sacre)?bleu(?:-?\d)?)"),
    ("rouge", r"(?i:rouge(?:[- _]?(?:l|1|2|lsum))?)"),
    ("meteor", r"(?i:meteor)"),
    ("wer", r"(?i:wer|word error rate)"),
    ("cer", r"(?i:cer|character error rate)"),
    ("iou", r"(?i:m?iou|intersection over union|jaccard(?: index)?)"),
    ("dice", r"(?i:dice(?:[- ](?:score|coefficient|coef))?|dsc)"),
    ("psnr", r"(?i:psnr)"),
    ("ssim", r"(?i:(?:ms-)?ssim)"),
    ("fid", r"(?i:fid)"),
    ("ndcg", r"(?i:ndcg(?:@(?:\d+|k))?)"),
    ("other:mrr", r"(?i:mrr(?:@\d+)?|mean reciprocal rank)"),
    ("other:pq", r"PQ|(?i:panoptic quality)"),
    ("other:brier", r"(?i:brier(?: score)?)"),
    ("other:mcc", r"(?i:mcc|matthews correlation(?: coefficient)?)"),
    ("other:kappa", r"(?i:(?:cohen'?s )?kappa)"),
    ("other:exact_match", r"EM|(?i:exact match)"),
    ("other:hit_rate", r"(?i:hit[- ]?rate(?:@\d+)?|hits@\d+)"),
    ("other:error_rate", r"(?i:error rate)"),
    ("other:success_rate", r"(?i:success rate)"),
    ("other:bertscore", r"(?i:bertscore)"),
    ("other:cider", r"(?i:cider)"),
    ("other:chrf", r"(?i:chrf\+*)"),
    ("other:lpips", r"(?i:lpips)"),
    ("other:eer", r"(?i:eer|equal error rate)"),
    ("other:pass_at_k", r"(?i:pass@\d+)"),
)
# The look-behind is shared by every form, so it is checked once per position, not once per form: the
# same matches as a look-behind in front of each form, in half the time. Every form starts with a letter
# (an ASCII letter, or with (?i:) one that folds to it, which is a letter too; a test checks it), so the
# look-ahead for a letter changes no match, but lets most positions (digits, spaces) fail before the
# forms are tried: printed output, mostly numbers, is scanned about six times faster.
METRIC_PATTERN = re.compile("(?<![\\w@^.-])(?=[^\\W\\d_])(?:"
                            + "|".join(f"(?P<m{i}>{p})(?![\\w@^])" for i, (_, p) in enumerate(_METRIC_SPECS)) + ")")
_DETECTION_CONTEXT = re.compile(r"\b(?:object detection|detector|detection|COCO|bounding box(?:es)?|bbox|YOLO\w*|"
                                r"instance segmentation|panoptic|keypoints?|Pascal VOC|mAP)\b", re.IGNORECASE)

_NUMBER = re.compile(r"[~≈]?[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)\s?%?")
_NUMBER_TOKEN = re.compile(r"[~≈]?[-+]?(?:\d+(?:[.,]\d+)?|\.\d+)%?(?:(?:±|\+-|\+/-)\d+(?:\.\d+)?%?)?")
_FILLER = frozenset("""
: = - – — ~ ≈ ( ) | is was were are be of at about around approximately approx roughly nearly only just
reached reaches reach reaching achieved achieves achieve achieving obtained obtains got gets get getting
scored scores score value values equals equal to down by on in the a an set split data test val valid validation
train training dev holdout held-out final best mean average avg overall macro micro weighted (%) % we it
model our its goes went comes came for class from improved improves increased increases rose rises
decreased decreases dropped drops fell falls boosted
""".split())
_STOP = frozenset("""
threshold thresholds target targets minimum min max maximum least most above below under over exceed exceeds
exceeding than if when should must require requires required goal expected tolerance budget limit
within less more lr weight
""".split())
_UNITS = frozenset("""
m b k gb mb kb tb ms s sec secs second seconds min mins minute minutes h hr hrs hour hours day days week weeks
epoch epochs step steps iter iters iteration iterations param params parameter parameters sample samples
image images example examples token tokens layer layers head heads x × gpu gpus cpu cpus fps px pixel pixels
class classes file files row rows column columns feature features word words question questions test tests
user users customer customers record records item items times fold folds seed seeds run runs trial trials
""".split())
_COMPARISON = re.compile(r"[<>≤≥≦≧]|!=|=<|=>")
_IDENTIFIER_WORDS = frozenset("class fold epoch step label run seed layer k top split iteration iter version v "
                              "stage phase task".split())
_BEFORE_STOP = re.compile(r"\b(?:target|threshold|min(?:imum)?|max(?:imum)?|required|desired|expected|goal)"
                          r"(?:[ _-]\w+)?[ _-]*$", re.IGNORECASE)
_OUTPUT_LANGS = frozenset({"", "text", "txt", "console", "output", "log", "plaintext", "plain", "none", "out",
                           "stdout", "results", "result"})
_CMD_LINE = re.compile(r"^\s*(?:\$|>>>|#|//|python|pip|conda|git|cd|export|make|docker|bash|sh)\b")
_METRIC_HEADER_NOISE = re.compile(r"[()\[\]%↑↓*_:]|\b(?:val|test|train|dev|score|mean|avg|average|@\w+|on \w+)\b",
                                  re.IGNORECASE)


def canonical_name(match: re.Match) -> str:
    """The canonical metric name of a `METRIC_PATTERN` match (AUC-ROC → roc_auc, acc → accuracy, …)."""
    return _METRIC_SPECS[int(match.lastgroup[1:])][0]


def _tokens(text: str) -> list[str]:
    return text.split()


def _clean(token: str) -> str:
    return token.strip("*_`'\"[]{}()<>,;:=|").rstrip(".")


def _as_number(token: str) -> str | None:
    """The token as a metric value (its first number in an `a/b` list), or None."""
    token = _clean(token)
    first = token.split("/")[0]
    if not _NUMBER_TOKEN.fullmatch(first):
        return None
    return token


def _plausible(value: str, after: str | None) -> bool:
    """Not a year, a version, a count of something or a size."""
    number = value.split("/")[0].lstrip("~≈+").replace(",", ".")
    for sep in ("±", "+-", "+/-"):
        number = number.split(sep)[0]
    pct = number.endswith("%")
    number = number.rstrip("%")
    try:
        x = float(number)
    except ValueError:
        return False
    if not pct and "." not in number and 1900 <= x <= 2100:
        return False
    if pct and not 0 <= x <= 100:
        return False
    if after is not None:
        unit = _clean(after).lower()
        if unit in _UNITS or (not pct and "." not in number and unit.endswith("s") and unit.isalpha()
                              and unit not in _FILLER):
            return False
    return True


def _value_after(text: str) -> str | None:
    """The value right after a metric name: at most five filler tokens (`of`, `:`, `on the test set`,
    one capitalised dataset name), then a number; a threshold word stops the search."""
    tokens = _tokens(text[:160])
    unknown = 0
    for i, tok in enumerate(tokens[:8]):
        if _COMPARISON.match(tok):
            return None  # "accuracy > 0.9", "loss <= 0.1": a bound, not a result
        value = _as_number(tok)
        previous = _clean(tokens[i - 1]).lower() if i > 0 else ""
        if value is not None and previous in _IDENTIFIER_WORDS:
            continue  # "recall for class 1 is 0.8": the 1 names a class
        if value is not None:
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            return value if _plausible(value, after) else None
        word = _clean(tok).lower()
        if word in _STOP or tok.endswith((".", "!", "?")) and i > 0:
            return None
        if word in _FILLER or not word:
            continue
        if unknown == 0 and re.search(r"[A-Z0-9]", _clean(tok)) and not METRIC_PATTERN.match(_clean(tok)):
            unknown += 1  # a dataset or split name: "accuracy on CIFAR-10 of 93%"
            continue
        return None
    return None


def _value_before(text: str) -> str | None:
    """A number right before a metric name ("93% accuracy", "42 AP", "39.5/60.3 AP/AP50")."""
    text = re.sub(r"(?:[\w@.\-]+/)+$", "", text)  # the earlier names of an "AP/AP50" list
    tokens = _tokens(text[-80:])
    for i in range(len(tokens) - 1, max(-1, len(tokens) - 4), -1):
        value = _as_number(tokens[i])
        if value is not None:
            if tokens[i].rstrip("*_)]").endswith((",", ";", ":", ".")):
                return None  # "... is 0.95; accuracy > 0.9": the number closes the previous clause
            before = _clean(tokens[i - 1]).lower() if i > 0 else ""
            if before in ("v", "version", "python", "pytorch", "torch", "cuda", "top", "@"):
                return None
            return value if _plausible(value, None) else None
        if _clean(tokens[i]).lower() not in ("%", "mean", "test", "val", "validation", "overall", "average",
                                               "avg", "a", "an", "macro", "micro", "weighted", "of"):
            return None
    return None


def _metric_in_text(text: str, names: list[re.Match] | None = None) -> Iterator[tuple[re.Match, str]]:
    """(metric match, value) for each metric stated with a value in a piece of prose; `names` are the
    text's METRIC_PATTERN matches when the caller has them already."""
    for m in names if names is not None else METRIC_PATTERN.finditer(text):
        before = text[max(0, m.start() - 40):m.start()]
        if _BEFORE_STOP.search(before):
            continue
        value = _value_after(text[m.end():m.end() + 160]) or _value_before(text[max(0, m.start() - 120):m.start()])
        if value is not None:
            yield m, value


def find_metrics(doc: Document, path: str) -> Iterator[MetricMention]:
    """Every metric stated with a value: in prose and headings, in tables (a metric column header
    with a numeric cell below, or a metric row label with a numeric cell beside it) and in printed
    evaluation output; "AP" means detection mAP when the README is about detection, else PR-AUC."""
    detection = any(_DETECTION_CONTEXT.search(b.text) for b in doc.blocks if b.kind in ("text", "heading"))

    def mention(name: str, value: str, line: int, context: str) -> MetricMention:
        if name == "ap":
            name = "map" if detection else "pr_auc"
        return MetricMention(name=name, value=value, evidence=Evidence(path=path, line=line, excerpt=context))

    for block in doc.blocks:
        if block.kind in ("text", "heading"):
            lines = LineIndex(block.words, block.line)
            for m, value in _metric_in_text(block.words):
                yield mention(canonical_name(m), value, lines.line(m.start()), _around(block.words, m.start(), m.end()))
        elif block.kind == "table":
            for name, value, line in _table_metrics(block.rows):
                yield mention(name, value, line, excerpt(doc.line_text(line) or value))
        elif block.kind == "code" and block.lang in _OUTPUT_LANGS:
            for name, value, offset in metrics_in_output(block.text):
                line = block.line + offset
                yield mention(name, value, line, excerpt(doc.line_text(line) or value))


def _around(text: str, start: int, end: int) -> str:
    """An excerpt (≤ 120 characters) of the line holding `text[start:end]`, around it, from a word start."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    lo = max(line_start, start - 40)
    if lo > line_start:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    hi = min(end + 70, line_end if line_end >= 0 else len(text))
    return excerpt(("…" if lo > line_start else "") + text[lo:hi])


def header_metric(text: str) -> str | None:
    """The canonical metric a table header, row label or logged metric key names, if that is all it
    names ("Val. accuracy (%)" → accuracy; "Kaggle public LB RMSLE" → None); "ap" is left to the caller."""
    if not text or len(text) > 40 or _BEFORE_STOP.search(text) or re.search(r"\b(?:threshold|target)\b", text, re.IGNORECASE):
        return None
    matches = list(METRIC_PATTERN.finditer(text))
    if len(matches) != 1:
        return None
    rest = (text[:matches[0].start()] + text[matches[0].end():])
    rest = _METRIC_HEADER_NOISE.sub(" ", rest)
    if len(words(rest)) > 2:
        return None
    return canonical_name(matches[0])


def _cell_value(text: str) -> str | None:
    first = text.split()[0] if text.split() else ""
    value = _as_number(first)
    if value is None or len(text.split()) > 3:
        return None
    return value if _plausible(value, text.split()[1] if len(text.split()) > 1 else None) else None


def _table_metrics(rows: tuple[tuple[Cell, ...], ...]) -> Iterator[tuple[str, str, int]]:
    if not rows:
        return
    header, body = rows[0], rows[1:]
    for col, (title, _) in enumerate(header):
        name = header_metric(title)
        if name is None:
            continue
        for row in body:
            if col < len(row):
                value = _cell_value(row[col][0])
                if value is not None:
                    yield name, value, row[col][1]
                    break
    for row in rows:
        if len(row) < 2:
            continue
        name = header_metric(row[0][0])
        if name is None:
            continue
        for text, line in row[1:]:
            value = _cell_value(text)
            if value is not None:
                yield name, value, line
                break


def metrics_in_output(text: str) -> Iterator[tuple[str, str, int]]:
    """Metrics in printed evaluation output: `Accuracy: 0.93` lines and column reports such as
    scikit-learn's classification report (a header of metric names over rows of numbers).

    Yields (canonical metric name, value as printed, 0-based line offset in `text`); the name "ap"
    is left for the caller to resolve (detection mAP or PR-AUC)."""
    lines = text.split("\n")
    for offset, line in enumerate(lines):
        if _CMD_LINE.match(line):
            continue
        names = list(METRIC_PATTERN.finditer(line))
        if len(names) >= 2 and not _NUMBER.search(METRIC_PATTERN.sub(" ", line)):
            row = next((j for j in range(offset + 1, min(len(lines), offset + 4)) if lines[j].strip()), None)
            values = re.findall(r"(?<![\w.])\d*\.\d+%?", lines[row]) if row is not None else []
            if len(values) >= len(names):
                for m, value in zip(names, values):
                    yield canonical_name(m), value, row
                continue
        for m, value in _metric_in_text(line, names):
            yield canonical_name(m), value, offset
