"""README facts (`readme.*`), the licence file (`license_file`) and citation information (`citation`).

The root README is parsed with a real parser for its format into one small document model (headings,
prose blocks, code blocks, tables and link/image references, each with its 1-based line):

* Markdown: markdown-it-py (CommonMark plus tables). Raw HTML, block or inline, goes through
  `html.parser` for `<img>`, `<a href>`, headings, paragraphs and tables (one parser for all HTML
  blocks, so a table split by blank lines is still one table); HTML comments are ignored.
* reStructuredText: docutils, with file insertion, raw directives and configuration files disabled and
  reports silenced; nothing but the README text is ever read.
* Plain text (`.txt`, no extension): blank-line paragraphs, underlined / all-caps headings, indented or
  `$`-prompted lines as code.

The detectors read that model: the purpose statement of the title and opening paragraphs, install and
usage commands (fenced, indented, inline code and command-looking lines), metrics stated with a value
(prose, lists, tables, printed evaluation output; configured thresholds and non-metric numbers are
not values), embedded figures, relative links whose target does not exist, the section headings and
which parts of a project story are told.
"""
from __future__ import annotations

import codecs
import posixpath
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Evidence
from ..project_files import decode_text
from ..repo import RepoView
from .common import excerpt
from .metric_mentions import MetricMention, find_metrics
from .readme_commands import find_commands
from .readme_document import (
    Block,
    Document,
    LineIndex,
    find_readme,
    parse_readme,
    words,
)

MAX_README_CHARS = 1_000_000  # a longer README is parsed up to here (noted in `problem`)
MAX_MENTIONS = 200            # metric mentions kept (beyond it, only the first of each further name)


# ==== facts ========================================================================================


@dataclass(frozen=True, kw_only=True)
class Figure:
    """An embedded image: its source, alt text (None when empty) and line."""

    src: str
    alt: str | None
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class BrokenLink:
    """A relative link or image whose target does not exist in the repository."""

    target: str
    evidence: Evidence


@dataclass(frozen=True, kw_only=True)
class Heading:
    """A section heading of the README."""

    title: str
    level: int
    line: int


STORY_PARTS = ("problem", "data", "approach", "evaluation", "results", "limitations")


@dataclass(frozen=True, kw_only=True)
class StoryPart:
    """One part of a project's story (see `STORY_PARTS`); absent when `evidence` is None.

    `source` is set for "data" when the README names where the data comes from (a link or a known
    source such as Kaggle or UCI).
    """

    name: str
    evidence: Evidence | None = None
    source: str | None = None

    @property
    def present(self) -> bool:
        return self.evidence is not None


@dataclass(frozen=True, kw_only=True)
class ReadmeFacts:
    """What the root README says, with evidence for every schema field.

    `problem` says why the README could not be (fully) read, when that happened.
    """

    path: str | None = None
    format: str | None = None
    purpose: Evidence | None = None
    install: tuple[Evidence, ...] = ()
    usage: tuple[Evidence, ...] = ()
    metrics: tuple[MetricMention, ...] = ()
    figures: tuple[Figure, ...] = ()
    broken_links: tuple[BrokenLink, ...] = ()
    sections: tuple[Heading, ...] = ()
    story_parts: tuple[StoryPart, ...] = ()
    bibtex: Evidence | None = None
    papers: tuple[Evidence, ...] = ()
    problem: str | None = None

    @property
    def present(self) -> bool:
        return self.path is not None

    @property
    def metric_names(self) -> list[str]:
        return sorted({m.name for m in self.metrics})

    @property
    def broken_local_links(self) -> list[str]:
        return sorted({b.target for b in self.broken_links})

    def story_part(self, name: str) -> StoryPart:
        return next((p for p in self.story_parts if p.name == name), StoryPart(name=name))

    def to_schema(self) -> dict:
        return {
            "present": self.present,
            "path": self.path,
            "describes_purpose": self.purpose is not None,
            "install_instructions": bool(self.install),
            "usage_instructions": bool(self.usage),
            "reports_results": bool(self.metrics),
            "metric_names": self.metric_names,
            "has_figures": bool(self.figures),
            "broken_local_links": self.broken_local_links,
        }


@dataclass(frozen=True, kw_only=True)
class ReadmeSource:
    """The root README found and parsed: its path, document (None when unreadable) and any problem."""

    path: str
    document: Document | None
    problem: str | None = None


def load_readme(repo: RepoView) -> ReadmeSource | None:
    """Find, read (bounded) and parse the root README; None when there is none.

    Anything that made the reading partial (bytes that are not text, a README cut at
    `MAX_README_CHARS`, a parser failure) is the source's `problem` and a scan note naming the file.
    """
    path = find_readme(repo)
    if path is None:
        return None
    data = repo.read_bytes(path)
    if data is None:
        return ReadmeSource(path=path, document=None, problem="the README could not be read (see scan notes)")
    text = decode_text(data)
    problems = [_encoding_problem(path, data)]
    if len(text) > MAX_README_CHARS:
        text = text[:MAX_README_CHARS]
        problems.append(f"only the first {MAX_README_CHARS} characters of {path} were read")
    doc = parse_readme(path, text)
    problem = "; ".join(p for p in (*problems, doc.note) if p) or None
    if problem is not None:
        repo.note("partly-read", problem, path)
    return ReadmeSource(path=path, document=doc, problem=problem)


def _encoding_problem(path: str, data: bytes) -> str | None:
    """Why the README's bytes are not clean text (not UTF-8 or UTF-16, or NUL bytes), or None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if decode_text(data) != data.decode("utf-8-sig", errors="replace"):
            return None  # UTF-16 without a byte-order mark, read as such
        return f"{path} is not UTF-8 text: undecodable bytes (the first at byte {exc.start}) were replaced"
    if "\x00" in text:
        return f"{path} holds NUL bytes: it may be a binary file"
    return None


def detect_readme(repo: RepoView, readme_source: ReadmeSource | None) -> ReadmeFacts:
    """The README facts (absent README: `present` false and nothing else)."""
    if readme_source is None:
        return ReadmeFacts()
    if readme_source.document is None:
        return ReadmeFacts(path=readme_source.path, problem=readme_source.problem)
    return readme_facts(repo, readme_source.path, readme_source.document, problem=readme_source.problem)


def readme_facts(repo: RepoView, path: str, doc: Document, *, problem: str | None = None) -> ReadmeFacts:
    """All README facts from a parsed document."""
    metrics = _bounded_mentions(find_metrics(doc, path))
    purpose = find_purpose(doc, path)
    install, usage = find_commands(doc, path)
    return ReadmeFacts(
        path=path,
        format=doc.format,
        purpose=purpose,
        install=install,
        usage=usage,
        metrics=metrics,
        figures=tuple(Figure(src=r.target, alt=r.alt, evidence=Evidence(path=path, line=r.line,
                                                                          excerpt=excerpt(r.target)))
                      for r in doc.refs if r.image),
        broken_links=tuple(find_broken_links(repo, doc, path)),
        sections=tuple(Heading(title=b.text, level=b.level, line=b.line) for b in doc.blocks if b.kind == "heading"),
        story_parts=find_story(doc, path, purpose, metrics),
        bibtex=find_bibtex(doc, path),
        papers=find_paper_links(doc, path),
        problem=problem,
    )


def _bounded_mentions(mentions: Iterator[MetricMention]) -> tuple[MetricMention, ...]:
    """The first MAX_MENTIONS mentions, plus the first mention of every name seen only later."""
    kept: list[MetricMention] = []
    names: set[str] = set()
    for m in mentions:
        if len(kept) < MAX_MENTIONS or m.name not in names:
            kept.append(m)
            names.add(m.name)
    return tuple(kept)


# ---- purpose --------------------------------------------------------------------------------------

_TASK_WORDS = re.compile(
    r"\b(?:predict|classif|detect|segment|recogni[sz]|forecast|recommend|generat|translat|summari[sz]|"
    r"cluster|retriev|estimat|diagnos|churn|sentiment|question[- ]answering|regression|anomal|fraud|"
    r"chatbot|rag|object detection|language models?|gpt|llm|transformer|neural net|deep learning|"
    r"machine learning|reinforcement learning|computer vision|nlp|natural language|speech|"
    r"image|text|time[- ]series|tabular|fine-?tun|train)\w*", re.IGNORECASE)
_ARTIFACT_WORDS = re.compile(
    r"\b(?:template|framework|library|toolkit|pipeline|showcase|blueprint|benchmark|implementation of|"
    r"code (?:for|of)|models? (?:for|to|that)|repository (?:for|of|that)|repo (?:for|of|that)|"
    r"project (?:for|to|that|which)|api (?:for|to)|app(?:lication)? (?:for|to|that)|dashboard|"
    r"service (?:for|to|that)|system (?:for|to|that)|tool (?:for|to|that))\b", re.IGNORECASE)
_INTENT_WORDS = re.compile(
    r"\b(?:(?:this|the|our|my) (?:project|repo|repository|codebase|notebook|package|library|work|app)\b|"
    r"(?:we|i)(?:'ve| have)? (?:build|built|implement|present|propose|train|develop|create|compare|"
    r"explore|analy[sz]e|design|provide|use)\w*|aims? to|goal (?:is|was)|objective (?:is|was)|"
    r"designed to|built to|helps?\b|allows? (?:you|users) to|lets you|enables?)", re.IGNORECASE)
_POINTER = re.compile(r"\b(?:is|are) available\b|\b(?:please )?(?:refer to|see|check out|click)\b|"
                      r"\bcan be found\b", re.IGNORECASE)
_NOTICE = re.compile(r"^\W*(?:update|note|nb|news|warning|important|disclaimer|deprecated|announcement|"
                     r"tl;?dr|todo|status)\b", re.IGNORECASE)
_INTRO_PARAGRAPHS = 2


def _states_purpose(text: str, *, title: bool = False) -> bool:
    tokens = words(text)
    if title:
        return len(tokens) >= 4 and bool(_TASK_WORDS.search(text))
    if len(tokens) < 6 or _NOTICE.match(text):
        return False
    has_task = bool(_TASK_WORDS.search(text))
    if _POINTER.search(text) and not has_task:
        return False
    return has_task or bool(_ARTIFACT_WORDS.search(text) and _INTENT_WORDS.search(text))


def find_purpose(doc: Document, path: str) -> Evidence | None:
    """The title (when it names a task) or one of the first prose paragraphs that says what the
    project does; notices, badge rows and bare pointers to other files do not count."""
    seen = 0
    for block in doc.blocks:
        if block.kind == "heading":
            if seen == 0 and block.level <= 2 and _states_purpose(block.text, title=True):
                return Evidence(path=path, line=block.line, excerpt=excerpt(block.text))
            continue
        if block.kind != "text" or len(words(block.text)) < 3 or _NOTICE.match(block.text):
            continue
        seen += 1
        for sentence, line, _ in _sentences(block):
            if _states_purpose(sentence):
                return Evidence(path=path, line=line, excerpt=excerpt(sentence))
        if _states_purpose(block.text):
            return Evidence(path=path, line=block.line, excerpt=excerpt(block.text))
        if seen >= _INTRO_PARAGRAPHS:
            break
    return None


def _sentences(block: Block) -> Iterator[tuple[str, int, int]]:
    """(sentence, line, offset in the block's text) for each sentence of a prose block."""
    start = 0
    lines = LineIndex(block.text, block.line)
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z*_(\[])|\n\s*\n|$", block.text):
        piece = block.text[start:m.start()]
        if piece.strip():
            yield piece, lines.line(start), start
        start = m.end()
        if m.end() == len(block.text):
            break


# ---- figures and links ----------------------------------------------------------------------------

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def local_target(target: str) -> str | None:
    """The repository path a relative link points at (query, fragment and URL escapes removed), or
    None for an absolute URL, a protocol-relative or anchor-only link, or an empty target."""
    target = target.strip().strip("<>")
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return None
    return urllib.parse.unquote(target)


def find_broken_links(repo: RepoView, doc: Document, path: str) -> Iterator[BrokenLink]:
    """Relative links and images (from the README's folder; a leading `/` is the repository root)
    whose target file or folder does not exist."""
    base = posixpath.dirname(path)
    known: dict[str, bool] = {}
    for ref in doc.refs:
        target = local_target(ref.target)
        if target is None:
            continue
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        normal = posixpath.normpath(joined) if joined else "."
        inside = not (normal == ".." or normal.startswith("../"))
        if normal not in known:
            known[normal] = normal == "." or (inside and repo.exists(normal))
        if known[normal]:
            continue
        yield BrokenLink(target=ref.target.strip(), evidence=Evidence(path=path, line=ref.line,
                                                                       excerpt=excerpt(ref.target)))


# ---- citation -------------------------------------------------------------------------------------

_BIBTEX = re.compile(r"@(?:article|inproceedings|conference|misc|book|inbook|incollection|phdthesis|"
                     r"mastersthesis|techreport|proceedings|software|online|unpublished|manual|dataset)"
                     r"\s*\{\s*[^,\s}]*\s*,", re.IGNORECASE)


def find_bibtex(doc: Document, path: str) -> Evidence | None:
    """The first BibTeX entry in the README text (code blocks included)."""
    for number, line in enumerate(doc.lines, start=1):
        if _BIBTEX.search(line):
            return Evidence(path=path, line=number, excerpt=excerpt(line))
    return None


_LICENSE = re.compile(r"(?:licen[cs]e|copying)(?:[.\-_][\w.\-]*)?", re.IGNORECASE)
_CITATION_FILE = re.compile(r"citation\.cff", re.IGNORECASE)


def detect_license(repo: RepoView) -> Evidence | None:
    """A LICENSE / LICENCE / COPYING file at the root (any case, any extension), with its first line."""
    for f in repo.files:
        if "/" not in f.path and _LICENSE.fullmatch(f.path):
            text = repo.read_text(f.path, max_bytes=256 * 1024) or ""
            first = next(((i, ln) for i, ln in enumerate(text.splitlines(), start=1) if ln.strip()), None)
            if first is None:
                return Evidence(path=f.path)
            return Evidence(path=f.path, line=first[0], excerpt=excerpt(first[1]))
    return None


def detect_citation(repo: RepoView, readme: ReadmeFacts) -> Evidence | None:
    """CITATION.cff at the root, else a BibTeX entry in the README."""
    for f in repo.files:
        if "/" not in f.path and _CITATION_FILE.fullmatch(f.path):
            return Evidence(path=f.path)
    return readme.bibtex


# ---- papers the project builds on ----------------------------------------------------------------

_PAPER_HOSTS = re.compile(
    r"^https?://(?:www\.)?(?:arxiv\.org/(?:abs|pdf)/|doi\.org/|dx\.doi\.org/|openreview\.net/(?:forum|pdf)|"
    r"aclanthology\.org/|papers\.nips\.cc/|proceedings\.neurips\.cc/|proceedings\.mlr\.press/|"
    r"openaccess\.thecvf\.com/|ieeexplore\.ieee\.org/document/|dl\.acm\.org/doi/|"
    r"(?:www\.)?semanticscholar\.org/paper/|link\.springer\.com/(?:article|chapter)/)",
    re.IGNORECASE)
MAX_PAPERS = 10


def find_paper_links(doc: Document, path: str) -> tuple[Evidence, ...]:
    """Links to papers (arXiv, DOI, OpenReview, ACL, NeurIPS, PMLR, CVF, IEEE, ACM …) in the README."""
    found: list[Evidence] = []
    seen: set[str] = set()
    for ref in doc.refs:
        target = ref.target.strip()
        if ref.image or target in seen or not _PAPER_HOSTS.match(target):
            continue
        seen.add(target)
        found.append(Evidence(path=path, line=ref.line, excerpt=excerpt(target)))
        if len(found) == MAX_PAPERS:
            break
    return tuple(found)


# ---- the project story ----------------------------------------------------------------------------

_STORY_HEADINGS = {
    "problem": r"problem(?: statement)?|motivation|background|overview|introduction|about|objectives?|goals?|"
               r"business (?:problem|case|context|understanding)|context|why\b.*|purpose|task|challenge|use case",
    "data": r"data|datasets?|corpus|data ?sources?|data description|data preparation|(?:download|prepare)\b.*data\w*",
    "approach": r"approach|methods?|methodology|models?|modell?ing|architecture|how it works|solution|"
                r"algorithms?|techniques?|training|implementation|model (?:training|selection|architecture)",
    "evaluation": r"evaluation|validation|experiments|experimental (?:setup|results)|(?:evaluation )?metrics$|"
                  r"benchmarks?|testing the model",
    "results": r"results?|performance|model zoo|leaderboard|findings|outcomes?|scores?|baselines?$|key findings",
    "limitations": r"limitations?|future work|next steps|to-?dos?|roadmap|known issues|caveats|improvements|"
                   r"future\b.*|what'?s next|lessons(?: learned)?|trade-?offs",
}
_STORY_HEADING_RE = {k: re.compile(rf"\b(?:{v})\b", re.IGNORECASE) for k, v in _STORY_HEADINGS.items()}
_HEADING_NOISE = re.compile(r"^[\W\d_]+|[\W_]+$")
_MAX_STORY_HEADING_WORDS = 4
_DATA_SOURCES = re.compile(r"\b(kaggle|uci(?: machine learning repository)?|hugging ?face(?: datasets)?|imagenet|"
                           r"cifar-?\d*|mnist|fashion-mnist|coco|openwebtext|wikipedia|common crawl|squad|glue|"
                           r"pascal voc|data\.gov|zenodo|figshare|physionet|mimic-?(?:iii|iv)?)\b", re.IGNORECASE)
_STORY_CONTENT = {
    "problem": re.compile(r"\b(?:the )?(?:goal|aim|objective|problem|motivation|challenge|task) (?:of this \w+ |here )?"
                          r"(?:is|was)\b|\b(?:we|i) (?:aim|seek|set out) to\b|\bthis (?:project|work|repo) "
                          r"(?:aims|tries|seeks|sets out) to\b|\bproblem statement\b", re.IGNORECASE),
    "data": re.compile(r"\b(?:dataset|data ?set|data)\b.{0,80}?\b(?:from|contains?|consists? of|collected|"
                       r"downloaded|provided by|sourced|comprises?|available (?:on|at))\b|"
                       r"\b(?:from|on|using|use[sd]?) (?:the )?[\w -]{0,40}\b(?:dataset|data ?set|corpus)\b", re.IGNORECASE),
    "approach": re.compile(r"\b(?:we|i) (?:train|trained|fine-?tune|fine-?tuned|propose|apply|applied|"
                           r"compare|compared|implement|implemented)\b|\b(?:random forest|xgboost|lightgbm|catboost|"
                           r"logistic regression|linear regression|svm|support vector|decision tree|gradient boosting|"
                           r"neural networks?|cnn|rnn|lstm|gru|transformers?|bert|gpt|resnet|vgg|u-?net|yolo|k-?means|"
                           r"naive bayes|knn|autoencoder|diffusion)\b", re.IGNORECASE),
    "evaluation": re.compile(r"\bcross[- ]validat\w*|\bk-fold\b|\bvalidation set\b|\btest set\b|\bheld[- ]out\b|"
                             r"\bhold-?out\b|\btrain/test split\b|\bevaluated on\b|\bevaluate on\b", re.IGNORECASE),
    "limitations": re.compile(r"\blimitations?\b|\bfuture work\b|\bnext steps?\b|\bcould be improved\b|"
                              r"\bin the future\b|\bshortcomings?\b", re.IGNORECASE),
}


def _story_heading(title: str) -> list[str]:
    """The story parts a short heading announces ("Results", "2. Data", "📦 Dataset")."""
    core = _HEADING_NOISE.sub("", title)
    if not core or len(re.findall(r"\w+", core)) > _MAX_STORY_HEADING_WORDS:
        return []
    return [name for name, pattern in _STORY_HEADING_RE.items() if pattern.search(core)]


def _data_source(text: str, links: tuple[tuple[str, int], ...], start: int, end: int) -> str | None:
    """A named data source in `text[start:end]`, else an absolute link placed there."""
    named = _DATA_SOURCES.search(text, start, end)
    if named:
        return named.group(1)
    return next((t for t, at in links if start <= at <= end and _SCHEME.match(t)), None)


def find_story(doc: Document, path: str, purpose: Evidence | None,
               metrics: tuple[MetricMention, ...]) -> tuple[StoryPart, ...]:
    """Which parts of a project story the README tells, by a short heading or by a sentence, with
    evidence; the data part also names its source when the README gives one. The purpose statement
    stands in for the problem, and the first stated metric for the results, when nothing else does."""
    found: dict[str, StoryPart] = {}
    data_heading: Block | None = None
    for block in doc.blocks:
        if block.kind == "heading":
            names = _story_heading(block.text)
            data_heading = block if "data" in names else (
                data_heading if data_heading is not None and block.level > data_heading.level else None)
            for name in names:
                found.setdefault(name, StoryPart(name=name, evidence=Evidence(
                    path=path, line=block.line, excerpt=excerpt(block.text))))
            continue
        if block.kind != "text":
            continue
        for sentence, line, start in _sentences(block):
            for name, pattern in _STORY_CONTENT.items():
                if name not in found and pattern.search(sentence):
                    found[name] = StoryPart(name=name, evidence=Evidence(path=path, line=line,
                                                                          excerpt=excerpt(sentence)))
            named = _DATA_SOURCES.search(sentence)
            if named and "data" not in found:
                found["data"] = StoryPart(name="data", source=named.group(1),
                                          evidence=Evidence(path=path, line=line, excerpt=excerpt(sentence)))
            data = found.get("data")
            if data is not None and data.source is None and (
                    data_heading is not None or (data.evidence.line == line and data.evidence.excerpt == excerpt(sentence))):
                source = _data_source(block.text, block.links, start, start + len(sentence))
                if source:
                    found["data"] = StoryPart(name="data", evidence=data.evidence, source=source)
    if "problem" not in found and purpose is not None:
        found["problem"] = StoryPart(name="problem", evidence=purpose)
    if "results" not in found and metrics:
        found["results"] = StoryPart(name="results", evidence=metrics[0].evidence)
    return tuple(found.get(name, StoryPart(name=name)) for name in STORY_PARTS)
