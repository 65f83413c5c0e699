"""The machine-readable report: one JSON object, byte-for-byte deterministic for the same Report."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..analyzer.model import (
    SCHEMA_VERSION,
    Area,
    CheckResult,
    Evidence,
    ReadmeSuggestion,
    Report,
    ResultRow,
    ResultsAtAGlance,
    ScanNote,
    Scores,
    Severity,
    Status,
    TalkingPoint,
    to_plain,
)


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, keys in the published order, lists in the Report's order."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "portcheck", "version": report.tool_version},
        "repo": {"root": report.repo_root, "commit": report.commit},
        "facts": to_plain(report.facts),
        "scores": {"overall": report.scores.overall, "areas": to_plain(report.scores.areas)},
        "checks": to_plain(report.checks),
        "talking_points": to_plain(report.talking_points),
        "results": to_plain(report.results),
        "readme_suggestions": to_plain(report.readme_suggestions),
        "scan_notes": to_plain(report.scan_notes),
        "ignored": to_plain(report.ignored),
    }


def render(report: Report) -> str:
    """The report as an indented JSON document ending in a newline (no timestamps, stable order)."""
    return json.dumps(report_document(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class ReportFormatError(ValueError):
    """A JSON document that is not a portcheck report this version can read; str(exc) says why."""


def _items(doc: Any, key: str) -> list[dict[str, Any]]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ReportFormatError(f"'{key}' must be a list of objects")
    return value


def _evidence(items: Any) -> tuple[Evidence, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(Evidence(path=str(e.get("path", "")), line=e.get("line") if isinstance(e.get("line"), int) else None,
                          excerpt=e.get("excerpt") if isinstance(e.get("excerpt"), str) else None)
                 for e in items if isinstance(e, dict))


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _result(item: dict[str, Any]) -> CheckResult:
    try:
        return CheckResult(
            id=str(item["id"]), area=Area(item["area"]), title=str(item["title"]),
            severity=Severity(item["severity"]), weight=int(item["weight"]), status=Status(item["status"]),
            message=str(item.get("message", "")), evidence=_evidence(item.get("evidence")),
            fix=_text(item, "fix"), talking_point=_text(item, "talking_point"), question=_text(item, "question"),
            points=float(item.get("points", 0.0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ReportFormatError(f"check {item.get('id', '?')!r} is malformed: {type(exc).__name__}: {exc}") from None


def report_from_document(doc: Any) -> Report:
    """Rebuild a `Report` from the JSON document `render` wrote (this or an older 1.x schema).

    Raises ReportFormatError for anything else: another tool's JSON, a newer major schema, a malformed
    check. Facts are kept as plain data.
    """
    if not isinstance(doc, dict) or "schema_version" not in doc or "checks" not in doc:
        raise ReportFormatError("not a portcheck JSON report (no schema_version or checks)")
    major = str(doc["schema_version"]).split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        raise ReportFormatError(f"schema version {doc['schema_version']} is not readable by this portcheck "
                                f"(reads {SCHEMA_VERSION.split('.')[0]}.x)")
    scores, tool, repo = doc.get("scores"), doc.get("tool") or {}, doc.get("repo") or {}
    if not isinstance(scores, dict) or not isinstance(scores.get("overall"), int) or not isinstance(scores.get("areas"), dict):
        raise ReportFormatError("'scores' must hold an integer 'overall' and an 'areas' object")
    return Report(
        tool_version=str(tool.get("version", "?")) if isinstance(tool, dict) else "?",
        repo_root=str(repo.get("root", "")) if isinstance(repo, dict) else "",
        commit=repo.get("commit") if isinstance(repo, dict) and isinstance(repo.get("commit"), str) else None,
        facts=doc.get("facts") if isinstance(doc.get("facts"), dict) else {},
        scores=Scores(areas={str(k): int(v) for k, v in scores["areas"].items() if isinstance(v, int)},
                      overall=scores["overall"]),
        checks=tuple(_result(item) for item in _items(doc, "checks")),
        talking_points=tuple(_talking_point(t) for t in _items(doc, "talking_points")),
        scan_notes=tuple(ScanNote(kind=str(n.get("kind", "")), message=str(n.get("message", "")), path=_text(n, "path"))
                         for n in _items(doc, "scan_notes")),
        ignored={str(k): str(v) for k, v in (doc.get("ignored") or {}).items()} if isinstance(doc.get("ignored"), dict) else {},
        results=_results(doc.get("results")),
        readme_suggestions=tuple(_suggestion(s) for s in _items(doc, "readme_suggestions")),
    )


def _int(item: dict[str, Any], key: str) -> int | None:
    value = item.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _talking_point(item: dict[str, Any]) -> TalkingPoint:
    shown = item.get("shown")
    return TalkingPoint(kind=str(item.get("kind", "")), text=str(item.get("text", "")),
                        evidence=_evidence(item.get("evidence")), topic=_text(item, "topic"), title=_text(item, "title"),
                        minutes=_int(item, "minutes"), shown=shown if isinstance(shown, bool) else None,
                        answer=_text(item, "answer"), fix=_text(item, "fix"))


def _results(value: Any) -> ResultsAtAGlance | None:
    """The results at a glance of a 1.1 report; None when absent (1.0) or not an object."""
    if not isinstance(value, dict):
        return None
    rows = tuple(_result_row(r) for r in _items(value, "rows"))
    metrics = value.get("metrics")

    def index(key: str) -> int | None:
        found = _int(value, key)
        return found if found is not None and 0 <= found < len(rows) else None

    return ResultsAtAGlance(
        metrics=tuple(str(m) for m in metrics) if isinstance(metrics, list) else (),
        rows=rows, primary=_text(value, "primary"), higher_is_better=value.get("higher_is_better") is not False,
        baseline=index("baseline"), best=index("best"), runs_tried=_int(value, "runs_tried") or 0,
    )


def _result_row(item: dict[str, Any]) -> ResultRow:
    values = item.get("values")
    pairs = tuple((str(v[0]), str(v[1])) for v in values if isinstance(v, list) and len(v) == 2) if isinstance(values, list) else ()
    evidence = _evidence([item.get("evidence")]) if isinstance(item.get("evidence"), dict) else ()
    return ResultRow(label=str(item.get("label", "")), source=str(item.get("source", "")), values=pairs,
                     evidence=evidence[0] if evidence else Evidence(path=""), run_id=_text(item, "run_id"),
                     baseline=item.get("baseline") is True)


def _suggestion(item: dict[str, Any]) -> ReadmeSuggestion:
    return ReadmeSuggestion(section=str(item.get("section", "")), markdown=str(item.get("markdown", "")),
                            reason=str(item.get("reason", "")), evidence=_evidence(item.get("evidence")))


def load_report(path: Path, max_bytes: int = 64 * 1024 * 1024) -> Report:
    """Read a JSON report file; ReportFormatError (one-line reason) when it is unreadable or not a report."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ReportFormatError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ReportFormatError(f"{path}: larger than {max_bytes // (1024 * 1024)} MiB, not read")
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ReportFormatError(f"{path}: not valid JSON: {type(exc).__name__}") from None
    try:
        return report_from_document(doc)
    except ReportFormatError as exc:
        raise ReportFormatError(f"{path}: {exc}") from None
