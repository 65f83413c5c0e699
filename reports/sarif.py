"""SARIF 2.1.0 output for code-scanning tools (GitHub code scanning, IDE SARIF viewers).

One run; one rule per check result; one SARIF result per finding (fail or warn). Checks that broke
and things the scan could not read become tool-execution notifications, not results.
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from ..analyzer.model import CheckResult, Evidence, Report, ScanNote, Severity, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON with a trailing newline, deterministic)."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    """The SARIF log object for a report."""
    rules = _first_result_per_id(report.checks)
    rule_index = {result.id: index for index, result in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "portcheck",
            "version": report.tool_version,
            "rules": [_rule(result) for result in rules],
        }},
        "invocations": [_invocation(report, rule_index)],
    }
    root_uri = _root_uri(report.repo_root)
    if root_uri is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri}}
    run["results"] = [_result(r, rule_index) for r in report.checks if r.is_finding]
    properties: dict[str, Any] = {"overallScore": report.scores.overall, "areaScores": dict(report.scores.areas)}
    if report.commit:
        properties["commit"] = report.commit
    run["properties"] = properties
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _first_result_per_id(checks: tuple[CheckResult, ...]) -> list[CheckResult]:
    """One result per check id, in the report's order: the rules' source."""
    first: dict[str, CheckResult] = {}
    for result in checks:
        first.setdefault(result.id, result)
    return list(first.values())


def _level(result: CheckResult) -> str:
    if result.status is Status.FAIL:
        return "error" if result.severity is Severity.HIGH else "warning"
    return "note"


def _rule(result: CheckResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "name": result.title,
        "shortDescription": {"text": result.title},
        "help": {"text": result.fix or result.message},
        "defaultConfiguration": {"level": "error" if result.severity is Severity.HIGH else "warning"},
        "properties": {"area": result.area.value, "severity": result.severity.value, "weight": result.weight},
    }


def _result(result: CheckResult, rule_index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": result.id,
        "ruleIndex": rule_index[result.id],
        "level": _level(result),
        "message": {"text": result.message},
    }
    locations = [_location(e) for e in result.evidence]
    if locations:
        out["locations"] = locations
    properties: dict[str, Any] = {"status": result.status.value, "points": round(result.points, 2)}
    if result.fix:
        properties["fix"] = result.fix
    if result.question:
        properties["question"] = result.question
    out["properties"] = properties
    return out


def _location(evidence: Evidence) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _relative_uri(evidence.path), "uriBaseId": SRCROOT}}
    if evidence.in_notebook and evidence.line:
        # a notebook cell number is not a line of the .ipynb file: say it in a message, not a region
        return {"physicalLocation": physical, "message": {"text": f"cell {evidence.line}"}}
    if evidence.line is not None and evidence.line >= 1:
        region: dict[str, Any] = {"startLine": evidence.line}
        if evidence.excerpt:
            region["snippet"] = {"text": evidence.excerpt}
        physical["region"] = region
    return {"physicalLocation": physical}


def _invocation(report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    """The run's invocation: broken checks and scan notes as notifications; the scan itself succeeded."""
    notifications = [_error_notification(r, rule_index) for r in report.checks if r.status is Status.ERROR]
    notifications += [_scan_note_notification(n) for n in report.scan_notes]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _error_notification(result: CheckResult, rule_index: dict[str, int]) -> dict[str, Any]:
    return {
        "level": "error",
        "message": {"text": f"Check {result.id} could not run: {result.message}"},
        "associatedRule": {"id": result.id, "index": rule_index[result.id]},
    }


def _scan_note_notification(note: ScanNote) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": "warning",
        "message": {"text": note.message},
        "descriptor": {"id": note.kind},
    }
    if note.path:
        notification["locations"] = [_location(Evidence(path=note.path))]
    return notification


def _relative_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (forward slashes, percent-encoded)."""
    return quote(path.replace("\\", "/"), safe="/")


def _root_uri(repo_root: str) -> str | None:
    """The repository root as a `file:` URI ending in `/`, or None when the root is not absolute."""
    for flavour in (PurePosixPath, PureWindowsPath):
        root = flavour(repo_root)
        if root.is_absolute():
            uri = root.as_uri()
            return uri if uri.endswith("/") else uri + "/"
    return None
