"""Code-hygiene facts: machine-specific absolute paths (`absolute_paths`) and committed secrets (`secrets`).

Absolute paths are looked for in string literals of Python modules and notebook code cells (`ast`
constants, docstrings and bare string statements excluded) and in values of config files (.yaml,
.yml, .json, .toml, .cfg, .ini, .env; comments excluded): `/home/<user>/`, `/Users/<user>/`, a
Windows drive path, `/content/drive`, `/mnt/`, `/scratch/`, `/nfs/`. Not `/home/` alone, not a
placeholder user (`/home/user/`, `/home/<you>/`), not `/tmp`, not a URL, and not container-side
paths (docker-compose files, Kubernetes manifests, dev containers) or CI-runner paths (CI configs).

Secrets: known key formats anywhere in Python source, notebook cells and text outputs, and config
files (AWS `AKIA…`, OpenAI/Anthropic `sk-…`, Hugging Face `hf_…`, GitHub `ghp_…`/`github_pat_…`,
Slack `xox…`, Google `AIza…`, Stripe live keys, PEM private keys), and high-entropy literals assigned
to secret-named things (`api_key`, `token`, `secret`, `password`, a 40-hex wandb key). Placeholders,
redacted values, `${…}` / `${{ secrets.X }}` references, environment lookups, test doubles (files
under tests/) and local-development defaults (postgres, admin, changeme, …) do not count.
Evidence for a secret NEVER holds the secret: kind, path, line and a masked four-character prefix.
"""
from __future__ import annotations

import ast
import base64
import binascii
import functools
import math
import posixpath
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..model import Evidence
from ..repo import RepoView
from ..sources import Sources
from .ci import is_ci_file
from .codepass import SourceFile, code_pass, per_file
from .common import EvidenceFacts, cell_evidence, excerpt
from .pycode import CodeUnit, dotted_name, nodes_of
from .testing import TEST_FOLDERS, is_test_path

CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".env")
KEY_FILE_SUFFIXES = (".pem", ".key")
KEY_FILE_NAMES = frozenset({"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"})
MAX_CONFIG_BYTES = 256 * 1024  # bigger .json/.yaml files are data, not configuration


def is_config_file(path: str) -> bool:
    """A configuration file by name: a config suffix, or `.env` / `.env.*`."""
    name = posixpath.basename(path).lower()
    return name.endswith(CONFIG_SUFFIXES) or name == ".env" or name.startswith(".env.")


def _in_tests(path: str) -> bool:
    folders = {p.lower() for p in path.split("/")[:-1]}
    return is_test_path(path) or bool(folders & (TEST_FOLDERS | {"testing", "fixtures", "__tests__"}))


def strip_comment(line: str, markers: str = "#") -> str:
    """`line` without a trailing comment: a marker at the start or after whitespace, outside quotes."""
    if not any(marker in line for marker in markers):
        return line  # nothing to cut (most lines): the loop below only cuts at a marker
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char in markers and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _config_lines(path: str, text: str) -> Iterator[tuple[int, str]]:
    """(line number, text without comments) of a config file; JSON has no comments."""
    markers = "" if path.lower().endswith(".json") else ("#;" if path.lower().endswith((".ini", ".cfg")) else "#")
    for number, line in enumerate(text.splitlines(), start=1):
        yield number, strip_comment(line, markers) if markers else line


def _docstring_ids(tree: ast.Module) -> set[int]:
    """ids of string constants that are bare expression statements (docstrings, block comments)."""
    return {id(node.value) for node in nodes_of(tree, ast.Expr)
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


# ----- absolute paths ----------------------------------------------------------------------------

_ABSOLUTE = re.compile(
    r"(?<![\w.~$}/:-])/(?:home|Users)/(?P<user>[A-Za-z0-9][\w.-]*)(?=/|$|[\"'\s,;)\]])"
    r"|(?:^|(?<=[\s\"'=(,;\[]))[A-Za-z]:[\\/]+(?=[\w.$ -])"
    r"|(?<![\w.~$}/:-])/content/drive(?![\w-])"
    r"|(?<![\w.~$}/:-])/(?:mnt|scratch|nfs)/(?=[\w.-])")
_PLACEHOLDER_USERS = frozenset({
    "user", "username", "user1", "myuser", "myname", "name", "me", "you", "someone", "somebody", "foo", "bar",
    "xxx", "example", "john", "johndoe", "jdoe", "jane", "shared", "guest",
    # users of container images and CI runners: paths inside an image, not on a developer's machine
    "app", "appuser", "jovyan", "runner", "vscode", "docker", "nonroot", "node", "worker", "coder",
})


def find_absolute_path(text: str) -> re.Match[str] | None:
    """The first machine-specific absolute path in `text`, or None."""
    if "/" not in text and ":" not in text:  # every form holds a `/` or a drive's `:`; most strings hold neither
        return None
    for match in _ABSOLUTE.finditer(text):
        user = match.group("user")
        if user is not None and (user.lower() in _PLACEHOLDER_USERS or "your" in user.lower()):
            continue
        return match
    return None


class PathFacts(EvidenceFacts):
    """Machine-specific absolute path literals, one evidence per line."""


def _skip_for_paths(path: str, text: str) -> bool:
    """Files whose paths belong to a container or CI runner, not to a developer's machine."""
    name = posixpath.basename(path).lower()
    if is_ci_file(path) or ".devcontainer" in path.split("/"):
        return True
    if re.match(r"^(docker-)?compose([.-].*)?\.ya?ml$", name):
        return True
    return bool(re.search(r"(?m)^apiVersion:", text) and re.search(r"(?m)^kind:", text))


@per_file("absolute_paths")
def _absolute_paths_in_file(file: SourceFile) -> tuple[Evidence, ...] | None:
    """Absolute path literals in one file's units (module or notebook code cells), in order."""
    found = tuple(_paths_in_units(file.units))
    return found or None


def _paths_in_units(units: list[CodeUnit]) -> Iterator[Evidence]:
    """Absolute paths in the string literals of `units`, docstrings excepted, in node order."""
    for unit in units:
        docstrings = _docstring_ids(unit.tree)  # skipped before the regex: they are most of a module's text
        for node in nodes_of(unit.tree, ast.Constant):
            value = node.value
            if isinstance(value, str) and id(node) not in docstrings:
                match = find_absolute_path(value)
                if match:
                    offset = value.count("\n", 0, match.start())
                    yield unit.evidence(node.lineno + offset)  # the source line, e.g. `DATA = "/home/alice/x.csv"`


def _paths_in_code(sources: Sources) -> Iterator[Evidence]:
    for file_found in code_pass(sources).of("absolute_paths"):
        yield from file_found


def _paths_in_notebook_shell_lines(sources: Sources) -> Iterator[Evidence]:
    """Shell and magic lines of code cells (`!cp /content/drive/...`, `%cd ...`), which `ast` never sees."""
    for notebook in sources.notebooks:
        for cell in notebook.code_cells:
            for line in cell.source.splitlines():
                if line.lstrip().startswith(("!", "%")) and find_absolute_path(line):
                    yield cell_evidence(notebook.path, cell.number, line.strip())


def _paths_in_configs(repo: RepoView) -> Iterator[Evidence]:
    for f in repo.files:
        if not is_config_file(f.path) or f.size > MAX_CONFIG_BYTES:
            continue
        text = repo.read_text(f.path)
        if text is None or _skip_for_paths(f.path, text):
            continue
        for number, line in _config_lines(f.path, text):
            if find_absolute_path(line):
                yield Evidence(path=f.path, line=number, excerpt=excerpt(line))


def detect_absolute_paths(repo: RepoView, sources: Sources) -> PathFacts:
    """Machine-specific absolute path literals in code, notebook code cells and config files."""
    found = [*_paths_in_code(sources), *_paths_in_notebook_shell_lines(sources), *_paths_in_configs(repo)]
    unique = {(e.path, e.line, e.excerpt): e for e in found}
    return PathFacts(evidence=tuple(sorted(unique.values(), key=lambda e: (e.path, e.line or 0))))


# ----- secrets -----------------------------------------------------------------------------------

# (kind, pattern, markers): every match of the pattern holds one of its markers, so a text holding none of
# them is not scanned for that kind (`_MARKER_PATTERNS`: `re` finds any of a few literals in one fast scan)
_FORMATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("aws-access-key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", ("AKIA", "ASIA")),
    ("openai-key", r"(?<![\w-])sk-(?:proj-|ant-(?:api\d\d-)?|svcacct-)?[A-Za-z0-9_-]{20,}", ("sk-",)),
    ("stripe-key", r"\b[sr]k_live_[0-9A-Za-z]{20,}", ("k_live_",)),
    ("huggingface-token", r"\bhf_[A-Za-z0-9]{30,}\b", ("hf_",)),
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})",
     ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    ("slack-token", r"\bxox[abprs]-[A-Za-z0-9-]{10,}", ("xox",)),
    ("google-api-key", r"\bAIza[0-9A-Za-z_-]{35}(?![\w-])", ("AIza",)),
    ("wandb-api-key", r"\bwandb_v1_[A-Za-z0-9_]{40,}", ("wandb_v1_",)),
)
KNOWN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern)) for kind, pattern, _ in _FORMATS)
_MARKER_PATTERNS = {kind: re.compile("|".join(map(re.escape, markers))) for kind, _, markers in _FORMATS}
# A PEM private key with its body (a bare header, as in parsing code, is not a key); may span lines.
PRIVATE_KEY = re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
                         r"(?:\\n|\s)+[A-Za-z0-9+/=]{40,}")
_PREFIXES = re.compile(r"^(AKIA|ASIA|sk-(proj-|ant-(api\d\d-)?|svcacct-)?|[sr]k_live_|hf_|gh[pousr]_|github_pat_|"
                       r"xox[abprs]-|AIza|wandb_v1_)")
_PLACEHOLDER_WORDS = (
    "your", "xxx", "example", "sample", "placeholder", "dummy", "fake", "test", "changeme", "change_me",
    "change-me", "redacted", "replace", "insert", "todo", "fixme", "mock", "secret", "insecure", "default",
    "demo", "do-not-use", "do_not_use", "not-a-real", "notreal", "password", "**", "…", "...", "<", ">",
    "${", "{{", "$(", "%(", "env(", "environ", "getenv", "abcdef", "123456", "012345",
)
LOCAL_DEFAULTS = frozenset({
    "postgres", "admin", "password", "changeme", "root", "example", "mlflow", "minio", "minioadmin",
    "minio123", "guest", "user", "secret", "test", "airflow", "pass", "letmein", "qwerty", "default",
    "grafana", "admin123", "password123", "rabbitmq", "redis", "mysql", "superuser", "dev", "local",
})
_DEV_TOKENS = frozenset({"dev", "local", "localhost", "devel", "development", "staging", "tmp", "temp"})
_NAME_TOKENS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SECRET_NAME_TOKENS = frozenset({"key", "apikey", "token", "secret", "password", "passwd", "pwd", "pass",
                                 "passphrase", "credential", "credentials", "auth"})
_PASSWORD_TOKENS = frozenset({"password", "passwd", "pwd", "pass", "passphrase"})
_NOT_SECRET_TOKENS = frozenset({
    "tokenizer", "tokens", "max", "min", "num", "type", "path", "file", "dir", "name", "id", "len", "length",
    "size", "url", "uri", "endpoint", "env", "var", "field", "header", "prefix", "suffix", "column", "col",
    "index", "idx", "count", "pad", "eos", "bos", "unk", "sep", "cls", "mask", "special", "sort", "cache",
    "primary", "foreign", "dict", "map", "fn", "func", "attr", "format", "pattern", "regex", "template",
    "label", "public", "hint", "policy", "reset", "strength", "rotation", "ref", "arn", "kms", "vault",
    "manager", "store", "location", "expiry", "expires", "ttl", "timeout", "bits", "algorithm", "alg",
    "hash", "md5", "sha", "sha1", "sha256", "checksum", "digest", "commit", "rev", "revision", "version",
    "seed", "lookup",
})
# `${NAME:-default}` / `${NAME-default}` in compose files and shell: the default is the committed value.
_SHELL_DEFAULT = re.compile(r"\$\{([A-Za-z_]\w*):?-([^}\s]*)\}")
_ASSIGNMENT = re.compile(r"""(?<![\w.-])["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*("[^"]*"|'[^']*'|[^\s,;(){}\[\]"'`]+)""")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _classes(text: str) -> int:
    """How many of lower case, upper case, digits and symbols (not `_ - .`) `text` mixes."""
    return sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9_.-]"))


def word_like(value: str) -> bool:
    """Words joined by separators (`x-amz-server-side-key`, `databricks_oauth_m2m`), not random characters.

    Random tokens are mostly runs mixing letters and digits; identifiers and header names are not.
    """
    segments = [s for s in re.split(r"[^A-Za-z0-9]+", value) if s]
    mixed = sum(len(s) for s in segments if re.search(r"[A-Za-z]", s) and re.search(r"\d", s))
    return mixed * 2 < sum(len(s) for s in segments)


def is_placeholder(value: str) -> bool:
    """True for an obvious placeholder, reference, redaction or local-development default."""
    lower = value.strip().lower()
    if not lower or lower in LOCAL_DEFAULTS or lower.startswith(("$", "%")) or lower in ("null", "none", "true"):
        return True
    if any(word in lower for word in _PLACEHOLDER_WORDS):
        return True
    if set(re.split(r"[^a-z]+", lower)) & _DEV_TOKENS:  # `fraud_pass_dev_2024`, `local-pass-1`
        return True
    return len(set(lower)) <= 3 or lower.startswith(("http://", "https://", "/", "./", "~"))


def _decoded(value: str) -> str:
    """A base64 value that decodes to printable text (Kubernetes Secret data) is judged decoded."""
    if len(value) < 12 or len(value) % 4 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value):
        return value
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
    return text if text.isprintable() and len(text) >= 4 else value


@functools.lru_cache(maxsize=8192)  # asked for every name bound to a string literal; names repeat
def name_kind(name: str) -> str | None:
    """'password' / 'wandb' / 'token' for a secret-named identifier, else None."""
    tokens = {t.lower() for t in _NAME_TOKENS.findall(name)}
    if not tokens & _SECRET_NAME_TOKENS or tokens & _NOT_SECRET_TOKENS:
        return None
    if tokens & _PASSWORD_TOKENS:
        return "password"
    return "wandb" if "wandb" in tokens else "token"


def judge_assignment(name: str, raw_value: str, context: str = "") -> str | None:
    """The secret kind when `raw_value` is a live-looking credential for a secret-named `name`.

    `context` is the function a keyword argument is passed to (`wandb.login` makes a key a wandb key).
    """
    kind = name_kind(name)
    if kind == "token" and "wandb" in context.lower():
        kind = "wandb"
    value = _decoded(raw_value.strip().strip("\"'"))
    if kind is None or is_placeholder(value) or any(c.isspace() for c in value):
        return None
    if kind == "password":
        real = len(value) >= 8 and (_classes(value) >= 3 or (len(value) >= 12 and entropy(value) >= 3.0
                                                              and _classes(value) >= 2))
        return "password" if real else None
    if re.fullmatch(r"[0-9a-f]{40}", value):
        return "wandb-api-key" if kind == "wandb" or "api" in name.lower() else "api-key"
    looks_random = (len(value) >= 16 and _classes(value) >= 2 and not word_like(value)
                    and entropy(value) >= 3.3 and "://" not in value and not re.search(r"\.\w{2,4}$", value))
    return "api-key" if looks_random else None


def _known_in(text: str, formats: Sequence[tuple[str, re.Pattern[str]]]) -> Iterator[tuple[str, str]]:
    """(kind, value) of every credential of one of `formats` in `text` that is not a placeholder."""
    for kind, pattern in formats:
        for match in pattern.finditer(text):
            value = match.group(0)
            if is_placeholder(value) or entropy(_PREFIXES.sub("", value)) < 3.0:
                continue
            yield kind, value


@dataclass(frozen=True, kw_only=True)
class SecretFinding:
    """A committed credential; `evidence.excerpt` is masked and never holds the secret."""

    kind: str
    evidence: Evidence
    by_format: bool = False  # recognised by its key format, not judged from a secret-like name


def mask(value: str) -> str:
    """The first four characters and an ellipsis."""
    return value[:4] + "…"


@dataclass(frozen=True, kw_only=True)
class SecretFacts:
    """Committed, live-looking credentials (masked)."""

    findings: tuple[SecretFinding, ...]

    @property
    def present(self) -> bool:
        return bool(self.findings)

    def to_schema(self) -> bool:
        return self.present


def _finding(kind: str, value: str, path: str, line: int | None, where: str = "", *,
             by_format: bool = False) -> SecretFinding:
    """A finding for `value` (masked) of `kind` at `path`/`line`; `where` prefixes the excerpt."""
    shown = mask(value.strip("\"'"))
    evidence = Evidence(path=path, line=line, excerpt=f"{where}{kind} {shown}")
    return SecretFinding(kind=kind, evidence=evidence, by_format=by_format)


class _Secrets:
    def __init__(self) -> None:
        self.found: dict[tuple[str, int | None, str], SecretFinding] = {}

    def add(self, kind: str, value: str, path: str, line: int | None, where: str = "", *,
            by_format: bool = False) -> None:
        self.keep(_finding(kind, value, path, line, where, by_format=by_format))

    def keep(self, finding: SecretFinding) -> None:
        """`finding` unless one of its kind was already found on its line."""
        self.found.setdefault((finding.evidence.path, finding.evidence.line, finding.kind), finding)

    def scan_text(self, path: str, text: str, *, line: int | None = None, where: str = "",
                  assignments: bool = True, passwords: bool = True) -> None:
        """Known formats on every line (comments too); `name = value` credentials outside comments.

        `line` given (a notebook cell) puts every finding on that number; otherwise file lines.
        A `${NAME:-default}` is judged by its default. `passwords=False` (CI files, whose service
        containers carry throwaway database passwords) keeps key formats and API keys only.
        """
        for match in PRIVATE_KEY.finditer(text):
            number = line if line is not None else text.count("\n", 0, match.start()) + 1
            self.add("private-key", match.group(0), path, number, where, by_format=True)
        # the formats found anywhere in the text: no format matches across a line break, and their
        # boundaries and look-arounds treat a line break like the text's start or end
        formats = [(kind, pattern) for kind, pattern in KNOWN_FORMATS
                   if _MARKER_PATTERNS[kind].search(text) and pattern.search(text)]
        if not formats and not assignments:
            return
        for offset, raw in enumerate(text.splitlines()):
            number = line if line is not None else offset + 1
            for kind, value in _known_in(raw, formats):
                self.add(kind, value, path, number, where, by_format=True)
            if not assignments:
                continue
            code = strip_comment(raw)
            if ":" not in code and "=" not in code and "${" not in code:
                continue  # no `name = value`, `name: value` or `${NAME-default}` (most lines of output)
            pairs = [(m.group(1), m.group(2)) for m in _SHELL_DEFAULT.finditer(code)]
            code = _SHELL_DEFAULT.sub(lambda m: "${" + m.group(1) + "}", code)
            pairs += [(m.group(1), m.group(2)) for m in _ASSIGNMENT.finditer(code)]
            for name, value in pairs:
                kind = judge_assignment(name, value)
                if kind and (passwords or kind != "password"):
                    self.add(kind, value, path, number, where)


def _target_name(target: ast.AST) -> str | None:
    """The name an assignment target gives its value: `x`, `obj.x`, `env["X"]`."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant):
        return str(target.slice.value)
    return None


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


_BINDING_NODES = (ast.Assign, ast.AnnAssign, ast.Call, ast.Dict, ast.arguments)  # what `_named_values` reads


def _named_values(node: ast.AST) -> Iterator[tuple[str | None, ast.AST | None]]:
    """(name, value) pairs one node binds: assignment targets, keyword arguments, dict entries and
    parameter defaults."""
    if isinstance(node, ast.Assign):
        yield from ((_target_name(t), node.value) for t in node.targets)
    elif isinstance(node, ast.AnnAssign):
        yield _target_name(node.target), node.value
    elif isinstance(node, ast.Call):
        yield from ((k.arg, k.value) for k in node.keywords)
    elif isinstance(node, ast.Dict):
        yield from ((k.value if _is_str(k) else None, v) for k, v in zip(node.keys, node.values, strict=True))
    elif isinstance(node, ast.arguments):
        positional = [*node.posonlyargs, *node.args]
        defaults = zip(positional[len(positional) - len(node.defaults):], node.defaults, strict=True)
        yield from ((a.arg, d) for a, d in defaults)
        yield from ((a.arg, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True))


_EXAMPLE_NAMES = frozenset({"example", "examples", "json_schema_extra", "schema_extra", "openapi_examples"})


def _example_ids(tree: ast.Module) -> set[int]:
    """ids of every node inside documentation examples (`Field(example=…)`, `json_schema_extra={…}`,
    a dict's `"example"` entry): sample payloads for API docs, not credentials."""
    roots = []
    for node in nodes_of(tree, *_BINDING_NODES):
        for name, value in _named_values(node):
            if name in _EXAMPLE_NAMES and value is not None:
                roots.append(value)
    return {id(inner) for root in roots for inner in ast.walk(root)}


def _may_bind_a_string(node: ast.AST) -> bool:
    """False when `_named_values(node)` can hold no string literal: a call without keyword arguments,
    parameters without defaults, an assignment of anything else (most nodes); a quick test that spares
    reading their pairs."""
    if isinstance(node, ast.Call):
        return bool(node.keywords)
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return _is_str(node.value)
    if isinstance(node, ast.arguments):
        return bool(node.defaults or node.kw_defaults)
    return True


def _secret_named_strings(tree: ast.Module) -> Iterator[tuple[str, ast.Constant, str]]:
    """(name, string literal, called function or "") wherever a secret-named thing (`name_kind`) is
    bound to a string literal, outside documentation examples; the only bindings `judge_assignment`
    can call a secret."""
    examples: set[int] | None = None  # found only once a secret-named string turns up: most files bind none
    for node in nodes_of(tree, *_BINDING_NODES):
        if not _may_bind_a_string(node):
            continue
        for name, value in _named_values(node):
            if not (name and _is_str(value) and name_kind(name)):
                continue
            if examples is None:
                examples = _example_ids(tree)
            if id(value) not in examples:
                yield name, value, (dotted_name(node.func) or "") if isinstance(node, ast.Call) else ""


@dataclass(frozen=True)
class _FileSecrets:
    """One non-test file's part: known-format findings in a module's text (none for a notebook, whose
    cells `_scan_notebooks` reads) and credentials assigned to secret-named things in its units."""

    in_text: tuple[SecretFinding, ...]
    assigned: tuple[SecretFinding, ...]


@per_file("secrets")
def _secrets_in_file(file: SourceFile) -> _FileSecrets | None:
    """What `detect_secrets` needs of one file; nothing for a test file."""
    if _in_tests(file.path):
        return None
    in_text = _known_in_module_text(file.module.path, file.module.text) if file.module is not None else ()
    assigned = tuple(_assigned_secrets(file.units))
    return _FileSecrets(in_text=in_text, assigned=assigned) if in_text or assigned else None


def _known_in_module_text(path: str, text: str) -> tuple[SecretFinding, ...]:
    """Known-format credentials anywhere in a module's text, comments included."""
    secrets = _Secrets()
    secrets.scan_text(path, text, assignments=False)
    return tuple(secrets.found.values())


def _assigned_secrets(units: list[CodeUnit]) -> Iterator[SecretFinding]:
    """Live-looking string literals bound to secret-named things in one file's units, in order."""
    for unit in units:
        for name, node, called in _secret_named_strings(unit.tree):
            kind = judge_assignment(name, node.value, context=called)
            if kind:
                evidence = unit.evidence(node.lineno)
                yield _finding(kind, node.value, unit.path, evidence.line,
                               f"cell {unit.cell}: " if unit.cell is not None else "")


def _scan_code(sources: Sources, secrets: _Secrets) -> None:
    """Every module's text first, then every unit's assignments, as `secrets` keeps the first finding."""
    files = code_pass(sources).of("secrets")
    for finding in [f for file in files for f in file.in_text] + [f for file in files for f in file.assigned]:
        secrets.keep(finding)


def _output_texts(output: dict) -> Iterator[str]:
    text = output.get("text")
    if isinstance(text, list):
        text = "".join(t for t in text if isinstance(t, str))
    if isinstance(text, str):
        yield text
    data = output.get("data")
    if isinstance(data, dict):
        for mime in ("text/plain", "text/html", "text/markdown", "application/json"):
            value = data.get(mime)
            if isinstance(value, list):
                value = "".join(v for v in value if isinstance(v, str))
            if isinstance(value, str):
                yield value
    traceback = output.get("traceback")
    if isinstance(traceback, list):
        yield "\n".join(t for t in traceback if isinstance(t, str))


def _scan_notebooks(sources: Sources, secrets: _Secrets) -> None:
    for notebook in sources.notebooks:
        if _in_tests(notebook.path):
            continue
        for cell in notebook.code_cells:
            where = f"cell {cell.number}: "
            secrets.scan_text(notebook.path, cell.source, line=cell.number, where=where, assignments=False)
            shell = "\n".join(s for s in cell.source.splitlines() if s.lstrip().startswith(("%", "!")))
            secrets.scan_text(notebook.path, shell, line=cell.number, where=where)  # %env KEY=..., !export
            for output in cell.outputs:
                for text in _output_texts(output):
                    secrets.scan_text(notebook.path, text, line=cell.number, where=f"cell {cell.number} output: ")


def _scan_files(repo: RepoView, secrets: _Secrets) -> None:
    for f in repo.files:
        name = posixpath.basename(f.path).lower()
        key_file = name.endswith(KEY_FILE_SUFFIXES) or name in KEY_FILE_NAMES
        if not (is_config_file(f.path) or key_file) or f.size > MAX_CONFIG_BYTES or _in_tests(f.path):
            continue
        text = repo.read_text(f.path)
        if text is None:
            continue
        secrets.scan_text(f.path, text, assignments=not key_file, passwords=not is_ci_file(f.path))


def detect_secrets(repo: RepoView, sources: Sources) -> SecretFacts:
    """Live-looking credentials committed in code, notebooks (cells and outputs) and config files."""
    secrets = _Secrets()
    _scan_code(sources, secrets)
    _scan_notebooks(sources, secrets)
    _scan_files(repo, secrets)
    known = {(s.evidence.path, s.evidence.line) for s in secrets.found.values() if s.by_format}
    kept = [s for s in secrets.found.values() if s.by_format or (s.evidence.path, s.evidence.line) not in known]
    ordered = sorted(kept, key=lambda s: (s.evidence.path, s.evidence.line or 0, s.kind))
    return SecretFacts(findings=tuple(ordered))
