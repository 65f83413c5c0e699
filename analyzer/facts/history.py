"""Git history facts (`git_history`): how the history reads to a panel that opens `git log`.

Deterministic: no age is measured against the clock. Dates are *author* dates (when the work was
written; a rebase keeps them), and the reference "now" is HEAD's *commit* date (when the scanned
snapshot was made); calendar days are UTC.

Counts and dates cover the whole `history` input (HEAD's history, newest first). Per-commit detail —
parents, the files each commit added or changed, message bodies — is read for the newest `WINDOW`
commits with two bounded `git log` runs through GitPython (hardened, see `analyzer.gitsafe`). The
file lists come from `--name-status --no-renames`, which compares trees only: no blob is read, so it
is fast (3,000 commits in well under a second) and works on snapshots whose large blobs are missing.

**Bulk upload.** A commit *carries* the files of HEAD's tree that it added, less the files it deleted
(a commit that moves 80 files adds and deletes 80: a reorganisation, not an upload). The history is
a bulk upload when one non-merge commit carries at least `BULK_SHARE` (70 %) of HEAD's files and
every other commit together added or changed at most `max(TOUCH_UP_MIN_FILES, TOUCH_UP_SHARE × HEAD's
files)` of them (2 files, or 25 %): the rest are touch-ups (README edits, a LICENSE). Not judged on
a shallow clone (its oldest commit looks like it added everything) or when the history is longer
than the window.

**Message quality.** Only the subjects of non-merge commits by people (bots excluded) are judged.
A subject is low-information when, after dropping a trailing PR reference `(#12)` and outer
punctuation, it is:
- empty;
- one word ("update", "fix", "wip", "stuff", ".") — a version number ("v1.2.0") is not;
- a generic phrase: "initial commit", "first commit", "minor changes", "bug fix", "add files",
  "final version", "more updates", "work in progress"… (`_GENERIC`);
- a GitHub web-UI default that names nothing but a file: "Add files via upload", "Update README.md",
  "Update train.py" (the editor pre-fills "Update FILE"; it says which file, never what changed).
  "Create FILE", "Delete FILE" and "Rename A to B" are not counted: there the file *is* the change.
A low-information subject is redeemed by a body line of three words or more that is itself not
low-information (trailers like `Signed-off-by:` and bullet lists of low-information subjects, as
GitHub writes into squash merges, do not redeem).

**Authors.** People are told apart over the non-merge commits of the window. Commits are one person
when they share a normalised e-mail (lower case; a GitHub noreply address stands for its login) or a
normalised name (case and spacing folded); placeholder names and addresses ("root", "Your Name",
"you@example.com", "…@localhost") link nothing. Bots (`[bot]` identities, dependabot, renovate,
github-actions, pre-commit-ci…) are counted apart and left out of authors and message judgement.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..gitsafe import CommitInfo, GitUnavailable, SafeGit, TreeEntry
from ..model import Evidence
from .common import excerpt

WINDOW = 5_000              # newest commits read in detail (parents, changed files, bodies)
RECENT_DAYS = 90            # "recent" = authored in the 90 days before HEAD's commit date
BULK_SHARE = 0.7            # one commit carrying this share of HEAD's files ...
TOUCH_UP_SHARE = 0.10       # ... while all others together touch at most this share of them
TOUCH_UP_MIN_FILES = 3      # ... or this many files, whichever is larger
MAX_BODY_CHARS = 2_000      # of a message body, looked at for a redeeming line
MAX_SUBJECT_CHARS = 500     # a longer subject is never low-information
MOSTLY_ONE_AUTHOR = 0.8     # the most active person wrote at least this share: "your project"
CORE_SHARE = 0.1            # a person with at least this share of the commits is part of the core team
COMMUNITY_SIZE = 10         # more people than this: an open-source community, not a team with roles
DAY = 86_400

_OID = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_HEADER = re.compile(rb"(?:[0-9a-f]{40}|[0-9a-f]{64})(?: (?:[0-9a-f]{40}|[0-9a-f]{64}))*")
_STATUS = frozenset(b"ADMTUXB")  # --name-status letters without renames or copies

# ------------------------------------------------------------------ low-information messages

_PR_REF = re.compile(r"\s*\((?:#|gh-)\d+\)\s*$|\s+#\d+\s*$", re.IGNORECASE)
_OUTER = " \t.,;:!?-_*~'\"`()[]{}<>"
_VERSION = re.compile(r"v?\d+(?:\.\d+)+\S*", re.IGNORECASE)
_INITIAL = re.compile(r"""(?ix)^(?:initial|inital|first|1st|init|initialise|initialize|start|started|begin)
    (?:\s+(?:commit|push|upload|version|files?|project|code|repo|repository|setup))?$""")
_GENERIC = re.compile(r"""(?ix)^(?:
    (?:minor|small|some|more|few|a\ few|various|misc|final|last|latest|new|quick|tiny|other)?\s*
        (?:updates?|updated|changes?|changed|fix(?:es|ed)?|edits?|edited|tweaks?|modifications?|modified
           |commits?|stuff|version|files?|code|work|things|progress|cleanup|clean\ up|improvements?)
  | (?:add|added|adding|upload|uploaded|uploading|push|pushed)\s+(?:files?|code|project|stuff|everything|all)
        (?:\s+via\s+upload)?
  | (?:upload|uploaded|uploads)(?:\s+(?:files?|code|project))?
  | bug\s*fix(?:es)? | fix(?:ed)?\s+(?:a\ )?(?:bugs?|errors?|issues?|stuff|things|it)
  | wip | work\ in\ progress | in\ progress | temp | tmp | test(?:ing)? | save | saving | done | finished
  | final | misc | asdf\w* | commit | update | no\ message | empty | \.+
)$""")
_FILE_ONLY = re.compile(r"(?i)^(?:update|updated|updates|edit|edited|modify|modified|change|changed)\s+(\S+)$")
_FILE_LIKE = re.compile(r"[\w.@+-]*\.[A-Za-z][\w-]{0,9}|[^\s]*/[^\s]*")  # train.py, .github/x.yml, src/
_FILE_WORDS = frozenset({"readme", "license", "licence", "dockerfile", "makefile", "requirements",
                         "gitignore", "notebook", "setup", "main", "config"})
_TRAILER = re.compile(r"(?i)^(?:[\w-]+-by|co-authored-by|change-id|cc|closes|fixes|refs?)\s*:")
_BULLET = re.compile(r"^\s*(?:[*\-+•]|\d+[.)])\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _normalised(text: str) -> str:
    """A subject with a trailing PR reference and outer punctuation removed, spaces collapsed."""
    text = " ".join(text.split())
    text = _PR_REF.sub("", text)
    return text.strip(_OUTER)


def low_information(subject: str) -> str | None:
    """Why a commit subject says little about what changed ("empty", "one word", "generic",
    "file name only"), or None when it says something. See the module documentation."""
    if len(subject) > MAX_SUBJECT_CHARS:  # a subject this long says something (and bounds the work)
        return None
    text = _normalised(subject)
    if not text:
        return "empty"
    if _GENERIC.match(text) or _INITIAL.match(text):
        return "generic"
    words = text.split()
    if len(words) == 1:
        return None if _VERSION.fullmatch(text) else "one word"
    match = _FILE_ONLY.match(text)
    if match is not None:
        target = match.group(1).lower().strip(_OUTER)
        if _FILE_LIKE.fullmatch(target) or target in _FILE_WORDS:
            return "file name only"
    return None


def _redeeming_body(body: str) -> bool:
    """Whether a message body has a line that says what changed (3+ words, not low-information)."""
    for raw in body[:MAX_BODY_CHARS].splitlines():
        line = _BULLET.sub("", raw).strip()
        if not line or _TRAILER.match(line) or len(line.split()) < 3:
            continue
        if low_information(line) is None:
            return True
    return False


# ------------------------------------------------------------------ identities

_BOT = re.compile(r"(?i)\[bot\]|(?:^|[^a-z])bot(?:$|[^a-z])|dependabot|renovate|github-actions|"
                  r"pre-commit-ci|actions-user|greenkeeper|snyk-|imgbot|allcontributors|semantic-release|"
                  r"codecov|mergify|\s(?:assistant|automation)$|^github action|"
                  r"^(?:action|actions|noreply)@github\.com$")
_NOREPLY = re.compile(r"(?i)^(?:\d+\+)?([^@\s]+)@users\.noreply\.github\.com$")
_PLACEHOLDER_NAMES = frozenset({"", "root", "ubuntu", "user", "admin", "administrator", "your name", "yourname",
                                "unknown", "name", "default", "pi", "jovyan", "colab", "ec2-user", "runner",
                                "git", "github", "none", "anonymous", "me"})
_PLACEHOLDER_EMAIL = re.compile(r"(?i)^$|^[^@]*$|@localhost(?:\.localdomain)?$|\.local$|\.(?:internal|lan)$|"
                                r"^(?:you|your|your\.?email|email|user|name|me|root|none|noreply)@"
                                r"(?:example\.(?:com|org)|domain\.com|email\.com|mail\.com)$")


def is_bot(name: str, email: str) -> bool:
    """Whether a commit identity is an automation account (dependabot, github-actions, any `[bot]`)."""
    return bool(_BOT.search(name) or _BOT.search(email))


def _email_key(email: str) -> str | None:
    email = email.strip().lower()
    if _PLACEHOLDER_EMAIL.search(email):
        return None
    login = _NOREPLY.match(email)
    return f"login:{login.group(1)}" if login else f"email:{email}"


def _name_key(name: str) -> str | None:
    folded = unicodedata.normalize("NFKD", " ".join(name.split()).casefold())
    name = "".join(ch for ch in folded if not unicodedata.combining(ch))  # "Aurélien" == "Aurelien"
    return None if name in _PLACEHOLDER_NAMES else f"name:{name}"


class _Groups:
    """Union-find over identity keys."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = key
        while self._parent.setdefault(root, root) != root:
            root = self._parent[root]
        while self._parent[key] != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


# ------------------------------------------------------------------ the facts

def _printable(text: str) -> str:
    return _CONTROL.sub("?", text)


@dataclass(frozen=True, kw_only=True)
class CommitRef:
    """A commit cited as evidence: its id and subject line."""

    sha: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def evidence(self) -> Evidence:
        """Cited at `.git` (where the commit lives) with `SHA subject` as the excerpt."""
        return Evidence(path=".git", excerpt=excerpt(f"{self.short} {self.subject}"))

    def quoted(self, width: int = 60) -> str:
        """`1a2b3c4d5e "subject"`, the subject cut to `width` characters."""
        subject = self.subject if len(self.subject) <= width else self.subject[:width - 1] + "…"
        return f'{self.short} "{subject}"'


@dataclass(frozen=True, kw_only=True)
class LowInfoMessage:
    """A commit whose message says little about what changed, and why it counts as such."""

    commit: CommitRef
    reason: str  # "empty" | "one word" | "generic" | "file name only"


@dataclass(frozen=True, kw_only=True)
class BulkCommit:
    """The commit that carried most of HEAD's files, with the touch-ups around it."""

    commit: CommitRef
    carried: int          # HEAD files it added, less the files it deleted
    head_files: int       # files in HEAD's tree
    others_touched: int   # HEAD files that all other commits together added or changed

    @property
    def share(self) -> float:
        return self.carried / self.head_files if self.head_files else 0.0


@dataclass(frozen=True, kw_only=True)
class Author:
    """One person (identities merged by e-mail and name): the spelling used most, and their commits."""

    name: str
    emails: tuple[str, ...]
    commits: int

    @property
    def evidence(self) -> Evidence:
        """Cited at `.git` with `name: N commits` as the excerpt."""
        return Evidence(path=".git", excerpt=excerpt(f"{self.name}: {self.commits} commit{'' if self.commits == 1 else 's'}"))


@dataclass(frozen=True, kw_only=True)
class HistoryFacts:
    """What HEAD's git history shows. Times are Unix seconds; see the module documentation."""

    commit_count: int                  # commits reachable from HEAD (merges included)
    shallow: bool                      # a shallow clone: older history is cut off
    window_complete: bool              # per-commit detail covers the whole history
    files_known: bool                  # the files each commit changed could be read
    head: CommitRef
    first: CommitRef                   # the earliest-authored commit
    head_date: int                     # HEAD's commit date: the reference for every age
    first_date: int                    # earliest author date
    last_date: int                     # latest author date
    recent_commits: int                # authored in the RECENT_DAYS before head_date
    active_days: int                   # distinct UTC days with an authored commit
    merges: int                        # merge commits in the window
    work_commits: int                  # non-merge commits by people in the window
    bot_commits: int                   # non-merge commits by bots in the window
    bots: tuple[str, ...]              # bot identities seen, sorted
    largest: BulkCommit | None         # the commit carrying most of HEAD's files (files_known only)
    bulk: BulkCommit | None            # `largest`, when the history is that commit plus touch-ups
    low_info: tuple[LowInfoMessage, ...]  # newest first
    authors: tuple[Author, ...]        # most commits first

    @property
    def span_days(self) -> int:
        """Calendar days (UTC) from the earliest author date to HEAD's commit date."""
        return max(0, self.head_date // DAY - self.first_date // DAY)

    @property
    def authored_within(self) -> int:
        """Seconds between the earliest and the latest author date."""
        return max(0, self.last_date - self.first_date)

    @property
    def low_info_share(self) -> float:
        return len(self.low_info) / self.work_commits if self.work_commits else 0.0

    @property
    def solo(self) -> bool:
        return len(self.authors) == 1

    @property
    def top_share(self) -> float:
        """The most active person's share of the commits by people."""
        return self.authors[0].commits / self.work_commits if self.authors and self.work_commits else 0.0

    @property
    def core_authors(self) -> tuple[Author, ...]:
        """The people with at least `CORE_SHARE` of the commits by people."""
        return tuple(a for a in self.authors if a.commits >= CORE_SHARE * self.work_commits)

    @property
    def collaboration(self) -> str | None:
        """Who wrote the history: "solo" (one person), "community" (more than `COMMUNITY_SIZE` people),
        "mostly_one" (the most active wrote `MOSTLY_ONE_AUTHOR` of the commits, or nobody else is a core
        author), or "team" (two or more core authors); None without commits by people."""
        if not self.authors:
            return None
        if self.solo:
            return "solo"
        if len(self.authors) > COMMUNITY_SIZE:
            return "community"
        if self.top_share >= MOSTLY_ONE_AUTHOR or len(self.core_authors) < 2:
            return "mostly_one"
        return "team"


def utc_date(seconds: int) -> str:
    """`YYYY-MM-DD` of a Unix time, in UTC."""
    return datetime.fromtimestamp(max(0, seconds), tz=UTC).strftime("%Y-%m-%d")


# ------------------------------------------------------------------ reading git

@dataclass(frozen=True)
class _Change:
    parents: int
    added: frozenset[str]    # paths with status A
    touched: frozenset[str]  # paths with any status
    deleted: int


def _parse_name_status(out: bytes) -> dict[str, _Change]:
    """`log -z --format='%H %P' --name-status --no-renames` output to changes by commit id.

    Status letters and headers (ids) are told apart by shape; a path is always the token after a
    status letter, so no path is ever mistaken for a header.
    """
    changes: dict[str, _Change] = {}
    tokens = out.split(b"\0")
    current: tuple[str, int] | None = None
    added: set[str] = set()
    touched: set[str] = set()
    deleted = 0

    def close() -> None:
        if current is not None:
            changes[current[0]] = _Change(parents=current[1], added=frozenset(added),
                                          touched=frozenset(touched), deleted=deleted)

    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if len(token) == 1 and token[0] in _STATUS and i < len(tokens):
            path = tokens[i].decode("utf-8", "surrogateescape")
            i += 1
            touched.add(path)
            if token == b"A":
                added.add(path)
            elif token == b"D":
                deleted += 1
            continue
        if _HEADER.fullmatch(token.rstrip(b" ")):  # a root commit's "%H %P" ends in a space
            close()
            ids = token.split()
            current = (ids[0].decode("ascii"), len(ids) - 1)
            added, touched, deleted = set(), set(), 0
    close()
    return changes


def _parse_bodies(out: bytes, known: set[str]) -> dict[str, str]:
    """`log -z --format=%H%x00%b` output to bodies by commit id (resynchronising on known ids)."""
    tokens = out.split(b"\0")
    bodies: dict[str, str] = {}
    i = 0
    while i + 1 < len(tokens):
        sha = tokens[i].lstrip(b"\n")
        if _OID.fullmatch(sha) and sha.decode("ascii") in known:
            bodies[sha.decode("ascii")] = tokens[i + 1][:MAX_BODY_CHARS * 4].decode("utf-8", "replace")
            i += 2
        else:
            i += 1
    return bodies


@dataclass(frozen=True)
class _Details:
    """What the bounded `git log` runs gave for the newest WINDOW commits."""

    changes: dict[str, _Change] | None  # None: not even parents could be read
    files_read: bool                    # `changes` carry the files each commit touched
    bodies: dict[str, str]
    shallow: bool


def _git_log(repo: Any, head: str, *options: str) -> bytes:
    return repo.git.log("-z", *options, f"--max-count={WINDOW}", "--end-of-options", head, "--",
                        stdout_as_string=False)


def _read_details(git: SafeGit) -> _Details:
    """Parents, changed files, bodies and shallowness, each degrading alone when git fails."""
    none = _Details(changes=None, files_read=False, bodies={}, shallow=False)
    if git.head is None:
        return none
    try:
        import git as gitpython  # imported only here: importing GitPython runs `git version`
    except ImportError:
        return none

    errors = (GitUnavailable, gitpython.exc.GitError, OSError, ValueError)
    try:
        repo = git.gitpython_repo()
        shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    except errors:
        return none
    try:
        changes = _parse_name_status(_git_log(repo, git.head, "--root", "--no-renames", "--name-status",
                                              "--diff-merges=off", "--format=%H %P"))
        files_read = True
    except errors:
        try:  # a tree missing from the object store: parents only, without file lists
            changes = _parse_name_status(_git_log(repo, git.head, "--format=%H %P"))
            files_read = False
        except errors:
            return _Details(changes=None, files_read=False, bodies={}, shallow=shallow)
    try:
        bodies = _parse_bodies(_git_log(repo, git.head, "--format=%H%x00%b"), set(changes))
    except errors:
        bodies = {}
    return _Details(changes=changes, files_read=files_read, bodies=bodies, shallow=shallow)


# ------------------------------------------------------------------ assembling

def _bulk(window: Sequence[CommitInfo], changes: dict[str, _Change], head_paths: set[str],
          ) -> BulkCommit | None:
    """The commit carrying most of HEAD's files (oldest wins a tie), with what the others touched."""
    best: tuple[int, CommitInfo] | None = None
    for info in reversed(window):  # oldest first
        change = changes.get(info.sha)
        if change is None or change.parents > 1:
            continue
        carried = max(0, min(len(change.added & head_paths), len(change.added) - change.deleted))
        if carried and (best is None or carried > best[0]):
            best = (carried, info)
    if best is None:
        return None
    carried, info = best
    others: set[str] = set()
    for other in window:
        change = changes.get(other.sha)
        if other.sha != info.sha and change is not None and change.parents <= 1:
            others |= change.touched
    return BulkCommit(commit=_ref(info), carried=carried, head_files=len(head_paths),
                      others_touched=len(others & head_paths))


def is_bulk_shape(largest: BulkCommit) -> bool:
    """Whether one commit carried >= BULK_SHARE of HEAD's files and everything else is touch-ups."""
    allowance = max(TOUCH_UP_MIN_FILES, TOUCH_UP_SHARE * largest.head_files)
    return largest.share >= BULK_SHARE and largest.others_touched <= allowance


def _ref(info: CommitInfo) -> CommitRef:
    return CommitRef(sha=info.sha, subject=_printable(" ".join(info.summary.split())))


def _authors(commits: Iterable[CommitInfo]) -> tuple[Author, ...]:
    """People behind `commits` (bots already removed), identities merged by e-mail and name."""
    commits = list(commits)
    groups = _Groups()
    keys_of: list[list[str]] = []
    for info in commits:
        keys = [k for k in (_email_key(info.author_email), _name_key(info.author_name)) if k]
        if not keys:  # placeholder name and address: a person of their own, by the exact identity
            keys = [f"raw:{info.author_name}\0{info.author_email}"]
        for key in keys[1:]:
            groups.union(keys[0], key)
        keys_of.append(keys)
    by_group: dict[str, list[CommitInfo]] = {}
    for info, keys in zip(commits, keys_of):
        by_group.setdefault(groups.find(keys[0]), []).append(info)
    people = []
    for members in by_group.values():
        spellings = Counter(_printable(m.author_name.strip()) or "(no name)" for m in members)
        name = min(spellings, key=lambda s: (-spellings[s], s))
        emails = tuple(sorted({_printable(m.author_email.strip().lower()) for m in members}))
        people.append(Author(name=name, emails=emails, commits=len(members)))
    return tuple(sorted(people, key=lambda a: (-a.commits, a.name, a.emails)))


def _low_info(people: Sequence[CommitInfo], details: _Details, roots: set[str]) -> tuple[LowInfoMessage, ...]:
    """Low-information messages among `people`'s commits; "Initial commit" on a root commit is fine."""
    found = []
    for info in people:
        reason = low_information(info.summary)
        if reason is None or (info.sha in roots and _INITIAL.match(_normalised(info.summary))):
            continue
        if not _redeeming_body(details.bodies.get(info.sha, "")):
            found.append(LowInfoMessage(commit=_ref(info), reason=reason))
    return tuple(found)


def detect_git_history(history: list[CommitInfo], git: SafeGit, tree: list[TreeEntry] | None) -> HistoryFacts:
    """Facts about HEAD's history (`history` newest first, as `SafeGit.commits()` gives it)."""
    details = _read_details(git)
    changes = details.changes or {}
    window = history[:WINDOW]
    head = history[0]
    head_date = head.committed_at
    dated = [c.authored_at for c in history if c.authored_at > 0] or [head_date]
    merges = [c for c in window if c.sha in changes and changes[c.sha].parents > 1]
    singles = [c for c in window if not (c.sha in changes and changes[c.sha].parents > 1)]
    bots = [c for c in singles if is_bot(c.author_name, c.author_email)]
    people = [c for c in singles if not is_bot(c.author_name, c.author_email)]
    roots = {sha for sha, change in changes.items() if change.parents == 0} if changes else {history[-1].sha}
    complete = len(window) == len(history) and all(c.sha in changes for c in window)
    largest = None
    if details.files_read and tree is not None:
        largest = _bulk(window, changes, {entry.path for entry in tree})
    bulk = largest if largest is not None and complete and not details.shallow and is_bulk_shape(largest) else None
    return HistoryFacts(
        commit_count=len(history), shallow=details.shallow, window_complete=complete,
        files_known=details.files_read, head=_ref(head), first=_ref(_earliest(history, head_date)),
        head_date=head_date, first_date=min(dated), last_date=max(dated),
        recent_commits=sum(1 for c in history if head_date - RECENT_DAYS * DAY < c.authored_at <= head_date),
        active_days=len({date // DAY for date in dated}), merges=len(merges), work_commits=len(people),
        bot_commits=len(bots), bots=tuple(sorted({_printable(c.author_name.strip()) or c.author_email for c in bots})),
        largest=largest, bulk=bulk, low_info=_low_info(people, details, roots), authors=_authors(people),
    )


def _earliest(history: Sequence[CommitInfo], head_date: int) -> CommitInfo:
    """The earliest-authored commit; among equal dates the oldest in history order (the last listed)."""
    best = history[-1]
    best_date = best.authored_at if best.authored_at > 0 else head_date
    for info in reversed(history):
        date = info.authored_at if info.authored_at > 0 else head_date
        if date < best_date:
            best, best_date = info, date
    return best
