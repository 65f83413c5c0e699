"""Repository text never becomes live markup in a report: sample_projects/hostile scanned to HTML,
Markdown and SARIF.

The sample carries script tags, event-handler attributes (`onerror`, `onload`, `ontoggle`, `onfocus`),
`javascript:` and `data:` links in Markdown and HTML, iframes with `srcdoc`, `<object>`, `<embed>`,
`<base>`, `<meta http-equiv=refresh>`, `<form>`, stylesheets from the network and element-making
payloads in its README, notebook markdown, notebook outputs (text/html, image/svg+xml,
application/javascript, text/markdown, stream), error outputs (ename, evalue, traceback), and its
MLflow store (experiment, run, param, metric and tag names and values). The copy scanned here adds
what a committed folder cannot hold: files named with markup (`<img src=x onerror=alert(1)>.py`,
`javascript:alert(1).py`, `<svg onload=alert(1)>.ipynb`, and MLflow metric, param and tag files),
which git for Windows could not check out; a git history with hostile commit subjects and bodies,
author names that break out of attributes and Markdown tables, a branch and a tag named with markup,
a commit object forged with an `<img>` in its author line, a file name that is not UTF-8, and a
repository folder whose own name is markup.

Every payload that would run sets `document.title` to "PWNED" or adds a `<pwned-marker>` element; a
control page shows they do run in this browser when inlined raw.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import chromium
import nbformat
import pytest
from conftest import SAMPLES, run_cli
from gitutil import BASE_EPOCH, git, tree_snapshot
from markdown_it import MarkdownIt

from portcheck.reports.html import content_security_policy, script, stylesheet

ROOT_NAME = "hostile <img src=x onerror=\"document.title='PWNED'\">"
BRANCH = "<svg/onload=document.title='PWNED'>"
TAG = "v1<img/src/onerror=document.title='PWNED'>"
NON_UTF8_NAME = b"src/reviewsent/\xff\xfe<iframe srcdoc=x>.py"
RUN = "mlruns/548193028461937465/a7d9e0f1c2b34d5e8f6a7b8c9d0e1f2a"
# Files named with `<`, `>`, `"` or `:`, which Windows forbids: written into the scanned copy, never committed.
MARKUP_NAMED_FILES = {
    "src/reviewsent/<img src=x onerror=alert(1)>.py":
        '"""Scratch loader kept from the first experiments <script>document.title=\'PWNED\'</script>."""\n\n'
        "import pandas as pd\n\n"
        'RAW = "/home/alice/<img src=x onerror=alert(1)>/reviews.csv"\n\n\n'
        "def load_raw():\n"
        '    """The raw export, before cleaning."""\n'
        "    return pd.read_csv(RAW)\n",
    "scripts/javascript:alert(1).py":
        '"""Export the test predictions for the error-analysis page."""\n\n'
        "import pandas as pd\n\n"
        'OUT = "/Users/bob/\\"><svg onload=alert(1)>/predictions.csv"\n\n\n'
        "def export(frame: pd.DataFrame) -> None:\n"
        '    """Write the predictions where the error-analysis page expects them."""\n'
        "    frame.to_csv(OUT, index=False)\n",
    # Names mlflow itself rejects: portcheck leaves these files out and reads the rest of the run.
    f"{RUN}/metrics/<img src=x onerror=alert(1)>": "1795540547500 0.5 0\n",
    f"{RUN}/params/<svg onload=alert(1)>": "1",
    f"{RUN}/tags/<script>alert(1)<": "x",
}
MARKUP_NAMED_NOTEBOOK = "notebooks/<svg onload=alert(1)>.ipynb"
WINDOWS_FORBIDDEN_CHARACTERS = frozenset('<>:"|?*') | frozenset(map(chr, range(32)))
WINDOWS_RESERVED_NAMES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
                                   | {f"{device}{digit}" for device in ("COM", "LPT") for digit in "123456789\u00b9\u00b2\u00b3"})
# (author name, author e-mail, subject and body): subjects of one "word" are low-information and cited.
COMMITS = [
    ('Mallory" onmouseover="document.title=\'PWNED\' x', "mallory@example.com",
     "<script>document.title='PWNED'</script>\n\n<img src=x onerror=\"document.title='PWNED'\">\n[x](javascript:alert(1))"),
    ("Eve | [x](javascript:alert(1)) | `code` x", "eve@example.com", "<svg/onload=document.title='PWNED'>"),
    ("Mallory\" onmouseover=\"document.title='PWNED' x", "mallory@example.com", "<img/src/onerror=document.title='PWNED'>"),
]
FORGED_AUTHOR = "<img src=x onerror=\"document.title='PWNED'\"> <forger@example.com>"
FORGED_SUBJECT = "<iframe srcdoc=\"<script>parent.document.title='PWNED'</script>\"></iframe>"

# Elements no report needs and every payload above tries to make.
FORBIDDEN_ELEMENTS = frozenset({
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "input", "button", "textarea",
    "select", "link", "img", "video", "audio", "source", "track", "picture", "portal", "math", "template",
    "noscript", "marquee", "foreignobject", "animate", "set", "use", "image", "pwned-marker",
})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                            "srcset", "cite", "longdesc", "ping", "manifest"})
DANGEROUS_SCHEMES = re.compile(r"^\s*(?:javascript|vbscript|data|file|https?|ftp)\s*:|^\s*//", re.IGNORECASE)
META_NAMES = frozenset({"referrer", "viewport", "color-scheme", "generator"})  # the report's own <meta name=…>
# Tags the Markdown report writes itself; any other tag in it would come from the repository.
MARKDOWN_OWN_TAGS = frozenset({"code", "details", "summary", "b"})


class Page(HTMLParser):
    """Every element (tag, attributes), the text, and the content of script and style elements."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.raw: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in self.raw:
            self._in = tag
            self.raw[tag].append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self.raw[self._in][-1] += data
        else:
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def live_markup(page: Page) -> list[str]:
    """What in a parsed page could run script, load something or navigate: forbidden or custom
    elements, event handlers, `srcdoc`, URL attributes that are not same-page fragments, scripts and
    styles beyond one each, and meta elements other than the report's own."""
    found = []
    for tag, attrs in page.elements:
        if tag in FORBIDDEN_ELEMENTS or "-" in tag:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "srcdoc":
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and value is not None and (DANGEROUS_SCHEMES.search(value) or not value.startswith("#")):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and value and re.search(r"url\(|expression\(|@import", value, re.IGNORECASE):
                found.append(f"<{tag} style={value!r}>")
        if tag == "meta" and not _own_meta(attrs):
            found.append(f"<meta {attrs}>")
        if tag == "svg" and any(name.startswith("on") for name in attrs):
            found.append("<svg on…>")
    if len(page.tags("script")) > 1:
        found.append(f"{len(page.tags('script'))} scripts")
    if len(page.tags("style")) > 1:
        found.append(f"{len(page.tags('style'))} stylesheets")
    return found


def _own_meta(attrs: dict[str, str | None]) -> bool:
    """The report's own meta elements: charset, its policy, and a few named ones (no refresh, no cookies)."""
    if "http-equiv" in attrs:
        return attrs["http-equiv"] == "Content-Security-Policy" and set(attrs) == {"http-equiv", "content"}
    return attrs == {"charset": "utf-8"} or (attrs.get("name") in META_NAMES and set(attrs) == {"name", "content"})


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def markup_named_notebook() -> str:
    """A notebook whose error output carries markup (it goes under a markup file name)."""
    error = nbformat.v4.new_output(
        "error", ename="NameError<script>document.title='PWNED'</script>",
        evalue="name 'X' is not defined <img src=x onerror=\"document.title='PWNED'\">",
        traceback=["NameError: name 'X' is not defined <svg onload=\"document.title='PWNED'\">"])
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Threshold sweep <img src=x onerror=\"document.title='PWNED'\">", id="cbab3ae7"),
               nbformat.v4.new_code_cell("from reviewsent.train import build_model\nmodel = build_model('logreg')\nmodel.fit(X, y)",
                                         id="a13beb9f", execution_count=1, outputs=[error])],
        metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                  "language_info": {"name": "python", "version": "3.11.7"}})
    return nbformat.writes(notebook) + "\n"


def add_markup_named_files(repo: Path) -> None:
    """Write the files whose names Windows forbids into a copy of the hostile sample."""
    for relative, text in {**MARKUP_NAMED_FILES, MARKUP_NAMED_NOTEBOOK: markup_named_notebook()}.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def windows_name_problem(name: str) -> str | None:
    """Why git for Windows would refuse to check out an entry with this name, or None."""
    if bad := sorted(WINDOWS_FORBIDDEN_CHARACTERS.intersection(name)):
        return f"forbidden characters {bad}"
    if name.endswith((".", " ")):
        return "ends with a dot or a space"
    if name.split(".", 1)[0].rstrip(" ").upper() in WINDOWS_RESERVED_NAMES:
        return "a reserved device name"
    return None


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory) -> Path:
    """The hostile sample in a folder named with markup, with a hostile git history."""
    repo = tmp_path_factory.mktemp("injection") / ROOT_NAME
    shutil.copytree(SAMPLES / "hostile", repo)
    add_markup_named_files(repo)
    (repo / Path(NON_UTF8_NAME.decode("utf-8", "surrogateescape"))).write_bytes(
        b'PATH = "/home/alice/<script>document.title=\'PWNED\'</script>/x.csv"\n')
    git(repo, "init", "-q", "-b", BRANCH)
    for number, (name, email, message) in enumerate(COMMITS):
        if number:  # later commits touch the README only, so the first one carries the project
            with open(repo / "README.md", "a", encoding="utf-8") as readme:
                readme.write(f"\n<!-- edit {number} -->\n")
        git(repo, "add", "-A", "-f")
        git(repo, "commit", "-q", "--no-verify", f"--author={name} <{email}>", "-m", message,
            date=BASE_EPOCH + 3600 * number)
    git(repo, "tag", TAG)
    head, tree = git(repo, "rev-parse", "HEAD"), git(repo, "rev-parse", "HEAD^{tree}")
    stamp = f"{BASE_EPOCH + 3600 * len(COMMITS)} +0000"
    forged = (f"tree {tree}\nparent {head}\nauthor {FORGED_AUTHOR} {stamp}\n"
              f"committer Ada Tester <ada@example.com> {stamp}\n\n{FORGED_SUBJECT}\n")
    commit = git(repo, "hash-object", "-t", "commit", "-w", "--literally", "--stdin", stdin=forged.encode())
    git(repo, "update-ref", f"refs/heads/{BRANCH}", commit)
    return repo


@pytest.fixture(scope="module")
def reports(hostile_repo, tmp_path_factory) -> dict[str, str]:
    """One CLI scan of the hostile repository written as HTML, Markdown, SARIF and JSON."""
    out = tmp_path_factory.mktemp("reports")
    before = tree_snapshot(hostile_repo)
    files = {fmt: out / f"report.{fmt}" for fmt in ("html", "markdown", "sarif", "json")}
    proc = run_cli("scan", str(hostile_repo), "--format", "html", "--output", str(files["html"]), "--no-progress",
                   *(arg for fmt in ("markdown", "sarif", "json") for arg in ("--also", f"{fmt}={files[fmt]}")), cwd=out)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_snapshot(hostile_repo) == before
    return {fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}


def test_every_text_channel_reaches_the_html_report_as_text(reports):
    """The payloads are shown, escaped, not dropped: the tests below would prove nothing otherwise.
    (Branch and tag names and the forged author appear in no report; they are inputs only.)"""
    text = Page(reports["html"]).all_text
    shown = {
        "repository folder name": ROOT_NAME,
        "README text breaking out of code": "a </code><script>document.title='PWNED'</script> threshold",
        "notebook error output": "KeyError<img src=x onerror=\"document.title='PWNED'\">",
        "file name (Python)": "src/reviewsent/<img src=x onerror=alert(1)>.py",
        "file name (notebook)": "notebooks/<svg onload=alert(1)>.ipynb",
        "file name (javascript: scheme)": "scripts/javascript:alert(1).py",
        "code line": "/home/alice/<img src=x onerror=alert(1)>/reviews.csv",
        "MLflow run name": "logreg <svg onload=\"document.title='PWNED'\">",
        "non-UTF-8 file name": "<iframe srcdoc=x>.py",
        "one-word commit subject": COMMITS[1][2],
        "bulk commit subject": f'"{COMMITS[0][2].splitlines()[0]}"',
        "author name": COMMITS[0][0],
        "markdown-breaking author name": COMMITS[1][0],
    }
    missing = [channel for channel, payload in shown.items() if payload not in text]
    assert missing == []


def test_html_report_has_no_element_or_attribute_a_payload_tries_to_create(reports):
    page = Page(reports["html"])
    assert live_markup(page) == []
    (code,) = page.raw["script"]
    (css,) = page.raw["style"]
    assert code == script() and css == stylesheet()  # the page's own, byte for byte
    assert "PWNED" not in code + css
    (policy,) = [attrs.get("content") or "" for attrs in page.tags("meta") if "http-equiv" in attrs]
    assert _sha256(code) in policy and _sha256(css) in policy


def test_html_report_carries_exactly_the_strict_policy_before_anything_it_governs(reports):
    source = reports["html"]
    policies = [attrs["content"] for attrs in Page(source).tags("meta") if attrs.get("http-equiv")]
    assert policies == [content_security_policy(stylesheet(), script())]
    directives = dict(part.strip().split(" ", 1) for part in policies[0].split(";"))
    assert directives == {"default-src": "'none'", "script-src": _sha256(script()), "style-src": _sha256(stylesheet()),
                          "img-src": "data:", "base-uri": "'none'", "form-action": "'none'"}
    assert source.index('http-equiv="Content-Security-Policy"') < min(source.index("<style"), source.index("<script"))


def markdown_tokens(source: str):
    """The Markdown report parsed as GitHub reads it (CommonMark with raw HTML, tables), flattened."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    stack = list(reversed(parser.parse(source)))
    while stack:
        token = stack.pop()
        yield token
        stack.extend(reversed(token.children or []))


def test_markdown_report_has_no_raw_html_or_link_from_the_repository(reports):
    source = reports["markdown"]
    tokens = list(markdown_tokens(source))
    raw_tags = {tag.lower() for t in tokens if t.type in ("html_inline", "html_block")
                for tag in re.findall(r"</?([A-Za-z][\w:-]*)", t.content)}
    assert raw_tags <= MARKDOWN_OWN_TAGS
    assert [t.attrs for t in tokens if t.type in ("link_open", "image")] == []
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(source)
    assert live_markup(Page(rendered)) == []
    assert "logreg &lt;svg onload=" in source and "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in source


def test_sarif_strings_are_plain_json_and_locations_are_relative_uris(reports):
    log = json.loads(reports["sarif"])
    strings: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", log)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            assert "markdown" not in value  # GitHub renders message.markdown; only plain text is written
            stack.extend(value.items())
        elif isinstance(value, list):
            stack.extend((key, item) for item in value)
        elif isinstance(value, str):
            strings.append((key, value))
    uris = [value for key, value in strings if key == "uri"]
    root = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert root.startswith("file:///") and "<" not in root and " " not in root
    relative = [uri for uri in uris if uri != root]
    assert "src/reviewsent/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E.py" in relative
    assert [uri for uri in relative if not re.fullmatch(r"[A-Za-z0-9._~%/!$&'()*+,;=@-]+", uri)] == []  # no scheme, no markup
    texts = " ".join(value for key, value in strings if key == "text")
    assert "<svg/onload=document.title='PWNED'>" in texts and "src/reviewsent/<img src=x onerror=alert(1)>.py" in texts


@pytest.mark.browser
def test_no_payload_runs_in_chromium(reports, tmp_path):
    chromium.require_chromium()
    page = tmp_path / "report.html"
    page.write_text(reports["html"], encoding="utf-8")
    control = tmp_path / "control.html"  # the payloads inlined raw, with no policy: they do run here
    control.write_text("<!DOCTYPE html><title>control</title><body>"
                       "<img src=x onerror=\"document.title='PWNED'\">"
                       "<img src=x onerror=\"document.body.appendChild(document.createElement('pwned-marker'))\">"
                       f"{COMMITS[1][2]}</body>", encoding="utf-8")
    title_tag = re.search(r"<title>(.*?)</title>", reports["html"], re.DOTALL)
    assert title_tag is not None
    expected_title = Page(title_tag.group(1)).all_text

    with chromium.Session(tmp_path / "profile") as session:
        session.open(control.as_uri(), width=1280)  # image errors fire before the load event
        assert session.evaluate("document.title") == "PWNED"
        assert session.evaluate("document.querySelectorAll('pwned-marker').length") == 1
        session.errors.clear()
        session.requests.clear()

        session.open(page.as_uri(), width=1280)
        assert session.evaluate("document.title") == expected_title
        probes = {
            "pwned-marker": 0, "[onerror], [onload], [ontoggle], [onfocus], [onmouseover], [srcdoc]": 0,
            "iframe, object, embed, base, form, img, foreignObject, svg script": 0,
            "a[href^='javascript:' i], a[href^='data:' i]": 0, "script": 1,
            "button.copy-button": reports["html"].count('class="snippet"'),  # the page's own script did run
        }
        found = {selector: session.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length") for selector in probes}
        assert found == probes
        assert session.errors == []
        assert set(session.requests) == {page.as_uri()}
    assert chromium.page_problems(session.log) == []


def test_no_sample_path_has_a_name_windows_cannot_check_out():
    """Every file and folder under sample_projects/ checks out on Windows; names it forbids are made by tests."""
    problems = []
    for folder, dirs, files in os.walk(SAMPLES):
        for name in dirs + files:
            if (problem := windows_name_problem(name)) is not None:
                problems.append(f"{Path(folder, name).relative_to(SAMPLES)}: {problem}")
    assert problems == []


@pytest.mark.parametrize("name", [*(Path(path).name for path in MARKUP_NAMED_FILES), Path(MARKUP_NAMED_NOTEBOOK).name,
                                  "a|b", "why?", "*.py", "tab\there", "notes.", "notes ", "CON", "nul.txt", "Com1.py",
                                  "lpt9", "aux .md", "CONOUT$"])
def test_windows_name_check_flags_the_markup_names_and_every_kind_of_invalid_name(name):
    assert windows_name_problem(name) is not None


@pytest.mark.parametrize("name", ["console.py", "COM10", "nullable.md", "résumé des résultats ✓ (copie).md", "$(touch pwned).md",
                                  "--output=portcheck-was-here.txt", ".gitignore", "Copy of model.ipynb"])
def test_windows_name_check_accepts_names_windows_allows(name):
    assert windows_name_problem(name) is None
