"""Code-hygiene facts: machine-specific absolute paths and committed secrets (always masked)."""
from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import nbformat
import pytest

from portcheck.analyzer.facts.code_hygiene import detect_absolute_paths, detect_secrets
from portcheck.analyzer.repo import RepoView
from portcheck.analyzer.sources import Sources

# Fake credentials, assembled at run time so no scanner mistakes this file for a leak.
FAKE_AWS = "AKIA" + "Q7RZ4M2XK9WT3B8N"
FAKE_HF = "hf_" + "Qx7Rk2Lm9Pz4Tw8Yc3Vb6Nd1Gh5Js0Af"
FAKE_WANDB = "3f9a7c" + "1e5b2d8f4a6c0e9b7d3f1a5c8e2b4d6f0a9c7e1b"[:34]


def write(root: Path, files: dict[str, str]) -> Sources:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return Sources(RepoView(root))


def paths(root: Path, files: dict[str, str]):
    sources = write(root, files)
    return detect_absolute_paths(sources.repo, sources)


def secrets(root: Path, files: dict[str, str]):
    sources = write(root, files)
    return detect_secrets(sources.repo, sources)


def notebook(code: str, output_text: str = "") -> str:
    cell = nbformat.v4.new_code_cell(code)
    if output_text:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output_text)]
    return nbformat.writes(nbformat.v4.new_notebook(cells=[cell]))


# ----- absolute paths ----------------------------------------------------------------------------


def test_machine_specific_paths_in_code_config_and_notebooks(tmp_path):
    assert paths(tmp_path / "a", {"src/eda.py": "x = 1\nPATH = '/home/alice/project/data.csv'\n"}).evidence[0].line == 2
    assert paths(tmp_path / "b", {"w.py": "p = 'C:\\\\Users\\\\bob\\\\data'\n"}).present
    assert paths(tmp_path / "c", {"configs/train.yaml": "data_dir: /mnt/datasets/imagenet\n"}).present
    found = paths(tmp_path / "d", {"nb.ipynb": notebook("df = read('/content/drive/MyDrive/x.csv')")})
    assert found.evidence[0].excerpt.startswith("cell 1:")
    assert paths(tmp_path / "e", {"nb.ipynb": notebook("%cd /content/drive/MyDrive/project")}).present


def test_placeholders_urls_comments_and_container_paths_do_not_count(tmp_path):
    facts = paths(tmp_path, {
        "a.py": ('"""Data lives in /home/alice/data."""\n# see /home/alice/x\n'
                 "A = '/home/'\nB = '/tmp/cache'\nC = 'https://example.org/home/alice/x'\n"
                 "D = '/home/user/my/path'\nE = f'/home/{user}/data'\nF = '/Users/<you>/x'\n"),
        ".env.example": 'MY_VAR="/home/user/my/system/path"\n',
        "docker-compose.yml": "services:\n  app:\n    volumes:\n      - cache:/home/app/.cache\n",
        "nb.ipynb": notebook("print(1)", "File /home/hadavid/anaconda3/lib/site.py\n"),
        "configs/c.yaml": "# root: /scratch/me/data\nroot: ./data\n",
    })
    assert facts.to_schema() is False, facts.evidence


def test_malformed_sources_do_not_raise(tmp_path):
    facts = paths(tmp_path, {"bad.py": "x = '/home/alice/\n", "bad.ipynb": "{", "bad.json": "\x00\xff{"})
    assert facts.to_schema() is False


# ----- secrets -----------------------------------------------------------------------------------


def assert_masked(facts, *values: str) -> None:
    for finding in facts.findings:
        for field in dataclasses.fields(finding.evidence):
            shown = str(getattr(finding.evidence, field.name))
            assert not any(v in shown or v[4:] in shown for v in values), shown


def test_real_looking_key_is_flagged_with_a_masked_excerpt(tmp_path):
    facts = secrets(tmp_path, {"src/config.py": f"import os\nAWS_KEY = '{FAKE_AWS}'\n"})
    [finding] = facts.findings
    assert finding.kind == "aws-access-key"
    assert (finding.evidence.path, finding.evidence.line) == ("src/config.py", 2)
    assert finding.evidence.excerpt == "aws-access-key AKIA…"
    assert_masked(facts, FAKE_AWS)


def test_placeholders_references_and_defaults_are_not_flagged(tmp_path):
    facts = secrets(tmp_path, {
        "app.py": ("import os\nAPI_KEY = 'YOUR_API_KEY'\nTOKEN = os.environ['TOKEN']\n"
                   "OPENAI = 'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\nAWS = 'AKIAIOSFODNN7EXAMPLE'\n"
                   "password = ''\nsecret = '***'\neos_token = '</s>'\n"),
        ".github/workflows/ci.yml": "env:\n  HF_TOKEN: ${{ secrets.HF_TOKEN }}\n  API_KEY: test-secret-key\n",
        "docker-compose.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
        ".env.example": "GRAFANA_PASSWORD=admin\nSERVICE_TOKEN=\nAPI_KEY=<your-api-key>\n",
        "k8s/secret.yaml": f"data:\n  service-token: {base64.b64encode(b'dev-token-do-not-use-in-prod').decode()}\n",
        "tests/test_client.py": f"KEY = '{FAKE_AWS}'\n",
    })
    assert facts.to_schema() is False, facts.findings


def test_generic_assignments_wandb_keys_and_notebook_outputs(tmp_path):
    facts = secrets(tmp_path, {
        "train.py": f"import wandb\nwandb.login(key='{FAKE_WANDB}')\n",
        ".env": "DB_PASSWORD=Xk9#mQ2$vLp7\n",
        "nb.ipynb": notebook("print(token)", f"token is {FAKE_HF}\n"),
    })
    kinds = {(f.evidence.path, f.kind) for f in facts.findings}
    assert kinds == {("train.py", "wandb-api-key"), (".env", "password"), ("nb.ipynb", "huggingface-token")}
    assert_masked(facts, FAKE_WANDB, FAKE_HF, "Xk9#mQ2$vLp7")


def test_private_key_needs_a_body(tmp_path):
    header = "-----BEGIN RSA " + "PRIVATE KEY-----"
    parser = secrets(tmp_path / "p", {"pem.py": f"def is_key(s):\n    return s.startswith('{header}')\n"})
    assert parser.to_schema() is False
    body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0"
    leaked = secrets(tmp_path / "k", {"deploy/id_rsa": f"{header}\n{body}\n-----END RSA PRIVATE KEY-----\n"})
    assert [f.kind for f in leaked.findings] == ["private-key"]
    assert_masked(leaked, body)


def test_shell_default_is_judged_by_its_value_and_dev_defaults_are_not_secrets(tmp_path):
    found = secrets(tmp_path / "a", {
        "docker-compose.yml": "services:\n  db:\n    environment:\n"
                              "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-shop_pass_dev_2024}\n"
                              "      - FERNET_KEY=${FERNET_KEY:-Zq7a9_Lx2Vt8Rw1pN6cY4sB0eHjU5oKqT7gFi3dM2A=}\n",
    })
    assert [(f.kind, f.evidence.line, f.evidence.excerpt) for f in found.findings] == [
        ("api-key", 5, "api-key Zq7a…")]


def test_ci_service_passwords_are_test_doubles_but_ci_api_keys_are_not(tmp_path):
    found = secrets(tmp_path / "a", {
        ".github/workflows/ci.yml": "services:\n  postgres:\n    env:\n      POSTGRES_PASSWORD: Shop#Pass!2024x\n"
                                    "env:\n  WANDB_API_KEY: 9f1c2b7a4e6d8c0b1a3f5e7d9c2b4a6f8e0d1c3b\n",
    })
    assert [f.kind for f in found.findings] == ["wandb-api-key"]


def test_passwords_in_api_documentation_examples_are_not_secrets(tmp_path):
    found = secrets(tmp_path / "a", {"api/schemas.py": (
        "from pydantic import BaseModel, ConfigDict, Field\n"
        "class Signup(BaseModel):\n"
        "    model_config = ConfigDict(json_schema_extra={'example': {'password': 'SecurePass123!'}})\n"
        "    new_password: str = Field(..., example='NewSecure#456')\n"
        "DB_PASSWORD = 'Kx9#mQ2$vL7!pR4z'\n")})
    assert [(f.kind, f.evidence.line) for f in found.findings] == [("password", 5)]


def test_new_style_wandb_keys_are_recognised_by_format(tmp_path):
    key = "wandb_v1_" + "Qm7rT2xVb9Lk4Wn8Pz3Hc6Yd1Fs5Jg0Ra2Ue7Io9Kp4Mx6Nv8Bt3"
    found = secrets(tmp_path / "a", {"train.py": f"import wandb\nwandb.login(key={key!r})\n",
                                     "notes.md": f"key: {key}\n"})
    assert [(f.kind, f.evidence.path, f.evidence.excerpt) for f in found.findings] == [
        ("wandb-api-key", "train.py", "wandb-api-key wand…")]


BODY = "Qx7Rk2Lm9Pz4Tw8Yc3Vb6Nd1Gh5Js0AfUe2Wi4Ko"  # 40 random-looking letters and digits
KEYS_BY_FORMAT = {  # split so that no scanner flags this file itself
    "aws-access-key": "AKIA" + BODY.upper()[:16],
    "openai-key": "sk-" + "proj-" + BODY[:24],
    "stripe-key": "rk" + "_live_" + BODY[:24],
    "huggingface-token": "hf" + "_" + BODY[:34],
    "github-token": "gh" + "s_" + BODY[:36],
    "slack-token": "xo" + "xb-" + BODY[:20],
    "google-api-key": "AI" + "za" + BODY[:35],
    "wandb-api-key": "wandb" + "_v1_" + BODY,
}


@pytest.mark.parametrize("kind", sorted(KEYS_BY_FORMAT))
def test_every_key_format_is_found_in_a_modules_comments(tmp_path, kind):
    """Each format is looked for only in texts holding one of its markers: none may be missing."""
    facts = secrets(tmp_path, {"src/settings.py": f"import os\n\n# the old key: {KEYS_BY_FORMAT[kind]}\n"})
    assert [(f.kind, f.evidence.line, f.by_format) for f in facts.findings] == [(kind, 3, True)]


# Bindings at the edges of what `_may_bind_a_string` lets through: every kind of binding, with and
# without a string, next to documentation examples.
EDGE_BINDINGS = {"app/settings.py": (
    "import wandb\nfrom pydantic import Field\n"
    "API_TOKEN = 'Qx7Rk2Lm9Pz4Tw8Yc3Vb6Nd1'\n"
    "DB_PASSWORD: str = 'Kx9#mQ2$vL7!pR4z'\n"
    "cfg.secret = 'Hq3Zt8Wm1Xv6Ls0Pk5Rb9Nc2'\n"
    "env['AUTH_KEY'] = 'Bf4Gy7Jn2Qs9Dv1Lm6Tw3Xp8'\n"
    "wandb.login(key='9f1c2b7a4e6d8c0b1a3f5e7d9c2b4a6f8e0d1c3b')\n"
    "connect(host='db', password='Wz5#Rt8!Lq2$Nm6x')\n"
    "CONF = {'api_key': 'Ur6Ee1Oo4Ii9Aa3Yy7Hh2Kk5', 'other': 1}\n"
    "def login(user, token='Pm8Zq3Xw6Er1Ty4Ui9Op2As5', *, passwd='Df7#Gh2!Jk5$Lz9x'):\n    pass\n"
    "def plain(a, b):\n    return f(a, b)\n"
    "user_token = make_token()\n"
    "class Signup:\n    password: str = Field(example='Ex4#mple!Pass99')\n"
    "    schema = {'example': {'api_key': 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2'}}\n")}


def test_the_binding_prefilter_hides_no_secret(tmp_path, monkeypatch):
    from portcheck.analyzer.facts import code_hygiene

    fast = secrets(tmp_path / "fast", EDGE_BINDINGS)
    monkeypatch.setattr(code_hygiene, "_may_bind_a_string", lambda node: True)
    assert fast == secrets(tmp_path / "slow", EDGE_BINDINGS)
    assert [(f.kind, f.evidence.line) for f in fast.findings] == [
        ("api-key", 3), ("password", 4), ("api-key", 5), ("api-key", 6), ("wandb-api-key", 7), ("password", 8),
        ("api-key", 9), ("api-key", 10), ("password", 10)]


def test_absolute_paths_with_a_slash_or_a_drive_colon_only(tmp_path):
    found = paths(tmp_path, {"m.py": "A = 'D:\\\\data\\\\x.csv'\nB = '/mnt/data'\nC = 'no path: here'\nD = 'a\\\\b'\n"})
    assert [e.line for e in found.evidence] == [1, 2]


def test_assignment_forms_the_line_prefilter_lets_through(tmp_path):
    found = secrets(tmp_path, {"deploy/values.yaml": (
        "args:\n  - ${DB_PASSWORD-Kx9#mQ2$vL7!pR4z}\n"   # a shell default: neither `:` nor `=`
        "  - plain words\nauth_token: Bf4Gy7Jn2Qs9Dv1Lm6Tw3Xp8\n"), "conf/app.env": "API_TOKEN=Qx7Rk2Lm9Pz4Tw8Yc3Vb6Nd1\n"})
    assert [(f.kind, f.evidence.path, f.evidence.line) for f in found.findings] == [
        ("api-key", "conf/app.env", 1), ("password", "deploy/values.yaml", 2), ("api-key", "deploy/values.yaml", 4)]
